//! The tutorial's own 2011 timings (`../shared/REFERENCE.md`), shown beside ours: then and now.
//! Each is a named const, so a variant names its own in the registry.

/// One timing from the tutorial.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TutorialFigure {
    /// The tutorial's program, e.g. `pure_python.py`.
    pub program: &'static str,
    /// How it ran, e.g. `PyPy 1.5`.
    pub technique: &'static str,
    /// Its time on the tutorial's problem.
    pub seconds: f64,
    /// The machine it ran on.
    pub machine: &'static str,
}

const LAPTOP: &str = "2008 MacBook, Core2Duo 2.0 GHz";
const LAPTOP_GPU: &str = "2008 MacBook, GeForce 9400M (float32)";
const GTX480: &str = "desktop, GeForce GTX 480 (float64)";

const fn fig(
    program: &'static str,
    technique: &'static str,
    seconds: f64,
    machine: &'static str,
) -> TutorialFigure {
    TutorialFigure {
        program,
        technique,
        seconds,
        machine,
    }
}

/// `pure_python.py` under CPython 2.7: the tutorial's starting point.
pub const CPYTHON: TutorialFigure = fig(
    "pure_python.py",
    "CPython 2.7, indexed complex",
    49.0,
    LAPTOP,
);
/// `pure_python.py` under PyPy.
pub const PYPY: TutorialFigure = fig("pure_python.py", "PyPy 1.5", 8.9, LAPTOP);
/// `pure_python_2.py`: the lists dereferenced into locals.
pub const LOCALS: TutorialFigure = fig("pure_python_2.py", "dereferenced locals", 30.0, LAPTOP);
/// `pure_python_2.py` under PyPy.
pub const LOCALS_PYPY: TutorialFigure =
    fig("pure_python_2.py", "dereferenced locals, PyPy", 5.7, LAPTOP);
/// Cython without types.
pub const CYTHON: TutorialFigure = fig("calculate_z.pyx", "Cython, no types", 20.0, LAPTOP);
/// Cython with static types.
pub const CYTHON_TYPED: TutorialFigure =
    fig("calculate_z.pyx", "Cython, static types", 9.8, LAPTOP);
/// Cython with the complex math expanded into real arithmetic.
pub const CYTHON_EXPANDED: TutorialFigure =
    fig("calculate_z.pyx", "Cython, expanded math", 0.6, LAPTOP);
/// Cython over numpy arrays.
pub const CYTHON_NUMPY: TutorialFigure =
    fig("cython_numpy_loop", "Cython + numpy arrays", 0.49, LAPTOP);
/// ShedSkin.
pub const SHEDSKIN: TutorialFigure = fig("shedskin1.py", "ShedSkin", 12.0, LAPTOP);
/// ShedSkin with the math expanded.
pub const SHEDSKIN_EXPANDED: TutorialFigure =
    fig("shedskin2.py", "ShedSkin, expanded math", 0.4, LAPTOP);
/// numpy over the whole array, with no early exit.
pub const NUMPY_WHOLE: TutorialFigure = fig(
    "numpy_vector.py",
    "whole-array vectors, no early exit",
    54.0,
    LAPTOP,
);
/// numpy in slices of `STEP_SIZE` 20,000.
pub const NUMPY_SLICES: TutorialFigure = fig(
    "numpy_vector_2.py",
    "vectors in slices of 20000",
    42.0,
    LAPTOP,
);
/// numexpr.
pub const NUMEXPR: TutorialFigure = fig("numpy_vector_numexpr.py", "numexpr", 19.1, LAPTOP);
/// multiprocessing on the laptop's two cores.
pub const MULTIPROCESSING: TutorialFigure =
    fig("multi.py", "multiprocessing, 2 cores", 19.0, LAPTOP);
/// ParallelPython on two cores.
pub const PARALLELPYTHON: TutorialFigure = fig(
    "parallelpython_pure_python.py",
    "ParallelPython, 2 cores",
    18.0,
    LAPTOP,
);
/// ParallelPython over three machines.
pub const PARALLELPYTHON_MACHINES: TutorialFigure = fig(
    "parallelpython_pure_python.py",
    "ParallelPython, 3 machines",
    6.0,
    LAPTOP,
);
/// Cython workers under ParallelPython on two cores.
pub const PARALLELPYTHON_CYTHON: TutorialFigure = fig(
    "parallelpython_cython_pure_python.py",
    "Cython over ParallelPython, 2 cores",
    1.4,
    LAPTOP,
);
/// pyCUDA's gpuarray in float32.
pub const GPUARRAY: TutorialFigure = fig("pycuda_asnumpy_float32.py", "gpuarray", 10.0, LAPTOP_GPU);
/// pyCUDA's gpuarray in float64.
pub const GPUARRAY_F64: TutorialFigure = fig(
    "pycuda_asnumpy_float32.py",
    "gpuarray, float64",
    3.5,
    GTX480,
);
/// pyCUDA's ElementwiseKernel in float32.
pub const ELEMENTWISE: TutorialFigure = fig(
    "pycuda_elementwise_float32.py",
    "ElementwiseKernel",
    1.4,
    LAPTOP_GPU,
);
/// pyCUDA's ElementwiseKernel in float64.
pub const ELEMENTWISE_F64: TutorialFigure = fig(
    "pycuda_elementwise_float32.py",
    "ElementwiseKernel, float64",
    0.07,
    GTX480,
);

/// Every timing the tutorial published, in its order. A variant names the one it is compared
/// with in its registry entry ([`crate::Variant::tutorial`]).
pub const FIGURES: &[TutorialFigure] = &[
    CPYTHON,
    PYPY,
    LOCALS,
    LOCALS_PYPY,
    CYTHON,
    CYTHON_TYPED,
    CYTHON_EXPANDED,
    CYTHON_NUMPY,
    SHEDSKIN,
    SHEDSKIN_EXPANDED,
    NUMPY_WHOLE,
    NUMPY_SLICES,
    NUMEXPR,
    MULTIPROCESSING,
    PARALLELPYTHON,
    PARALLELPYTHON_MACHINES,
    PARALLELPYTHON_CYTHON,
    GPUARRAY,
    GPUARRAY_F64,
    ELEMENTWISE,
    ELEMENTWISE_F64,
];

/// The tutorial's STEP_SIZE sweep of `numpy_vector_2.py` on the laptop: (elements, seconds).
pub const STEP_SIZE_SWEEP: &[(usize, f64)] = &[
    (100, 180.0),
    (1000, 62.0),
    (5000, 45.0),
    (10000, 43.0),
    (20000, 42.0),
    (45000, 45.0),
    (50000, 45.0),
    (90000, 52.0),
    (250000, 54.0),
];

/// The tutorial figure `variant` is compared with, where the tutorial timed the same technique
/// (its registry entry's [`crate::Variant::tutorial`]).
pub fn figure_for(variant: &str) -> Option<&'static TutorialFigure> {
    crate::find(variant)?.tutorial
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_figure_is_one_the_tutorial_published() {
        let mapped: Vec<_> = crate::VARIANTS.iter().filter_map(|v| v.tutorial).collect();
        assert_eq!(mapped.len(), 13);
        for f in mapped {
            assert!(FIGURES.contains(f), "{f:?}");
        }
        assert_eq!(
            figure_for(crate::scalar::naive_complex::VARIANT.name),
            Some(&CPYTHON)
        );
    }
}
