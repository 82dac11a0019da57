//! The tutorial's own 2011 timings (`../shared/REFERENCE.md`), shown beside ours: then and now.

/// One timing from the tutorial.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TutorialFigure {
    pub program: &'static str,
    pub technique: &'static str,
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

/// Every timing the tutorial published, in its order.
pub const FIGURES: &[TutorialFigure] = &[
    fig(
        "pure_python.py",
        "CPython 2.7, indexed complex",
        49.0,
        LAPTOP,
    ),
    fig("pure_python.py", "PyPy 1.5", 8.9, LAPTOP),
    fig("pure_python_2.py", "dereferenced locals", 30.0, LAPTOP),
    fig("pure_python_2.py", "dereferenced locals, PyPy", 5.7, LAPTOP),
    fig("calculate_z.pyx", "Cython, no types", 20.0, LAPTOP),
    fig("calculate_z.pyx", "Cython, static types", 9.8, LAPTOP),
    fig("calculate_z.pyx", "Cython, expanded math", 0.6, LAPTOP),
    fig("cython_numpy_loop", "Cython + numpy arrays", 0.49, LAPTOP),
    fig("shedskin1.py", "ShedSkin", 12.0, LAPTOP),
    fig("shedskin2.py", "ShedSkin, expanded math", 0.4, LAPTOP),
    fig(
        "numpy_vector.py",
        "whole-array vectors, no early exit",
        54.0,
        LAPTOP,
    ),
    fig(
        "numpy_vector_2.py",
        "vectors in slices of 20000",
        42.0,
        LAPTOP,
    ),
    fig("numpy_vector_numexpr.py", "numexpr", 19.1, LAPTOP),
    fig("multi.py", "multiprocessing, 2 cores", 19.0, LAPTOP),
    fig(
        "parallelpython_pure_python.py",
        "ParallelPython, 2 cores",
        18.0,
        LAPTOP,
    ),
    fig(
        "parallelpython_pure_python.py",
        "ParallelPython, 3 machines",
        6.0,
        LAPTOP,
    ),
    fig(
        "parallelpython_cython_pure_python.py",
        "Cython over ParallelPython, 2 cores",
        1.4,
        LAPTOP,
    ),
    fig("pycuda_asnumpy_float32.py", "gpuarray", 10.0, LAPTOP_GPU),
    fig(
        "pycuda_asnumpy_float32.py",
        "gpuarray, float64",
        3.5,
        GTX480,
    ),
    fig(
        "pycuda_elementwise_float32.py",
        "ElementwiseKernel",
        1.4,
        LAPTOP_GPU,
    ),
    fig(
        "pycuda_elementwise_float32.py",
        "ElementwiseKernel, float64",
        0.07,
        GTX480,
    ),
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

/// The tutorial figure a variant is compared with, where the tutorial timed the same technique.
pub fn figure_for(variant: &str) -> Option<&'static TutorialFigure> {
    let technique = match variant {
        "naive" => "CPython 2.7, indexed complex",
        "locals" => "dereferenced locals",
        "expanded" => "Cython, expanded math",
        "ndarray" => "Cython + numpy arrays",
        "vector-whole" => "whole-array vectors, no early exit",
        "vector-chunked" => "vectors in slices of 20000",
        "vector-fused" => "numexpr",
        "rayon-chunks" => "multiprocessing, 2 cores",
        "mpi" => "Cython over ParallelPython, 2 cores",
        "cuda-vector-f32" => "gpuarray",
        "cuda-vector-f64" => "gpuarray, float64",
        "cuda-elementwise-f32" => "ElementwiseKernel",
        "cuda-elementwise-f64" => "ElementwiseKernel, float64",
        _ => return None,
    };
    FIGURES.iter().find(|f| f.technique == technique)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mapped_variant_finds_its_figure() {
        for v in [
            "naive",
            "locals",
            "expanded",
            "ndarray",
            "vector-whole",
            "vector-chunked",
            "vector-fused",
            "rayon-chunks",
            "mpi",
            "cuda-vector-f32",
            "cuda-vector-f64",
            "cuda-elementwise-f32",
            "cuda-elementwise-f64",
        ] {
            assert!(figure_for(v).is_some(), "{v}");
        }
        assert_eq!(figure_for("naive").unwrap().seconds, 49.0);
    }
}
