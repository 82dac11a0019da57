//! `PEERS`: the tutorial's Python programs the lab measures, one const slice in report order.

use mandel_variants::{Exactness, Variant, parallel, scalar, shortcuts, vector};

/// The Python implementation a peer runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interpreter {
    /// `python3`, or the one given with `--python`, or the lab's virtual environment.
    CPython,
    /// `pypy3`, where installed.
    PyPy,
}

/// Why numpy's peers may differ from the reference.
pub const NUMPY_FMA: &str = "numpy 2 multiplies complex numbers with fused multiply-adds on \
                             AVX-512 CPUs, which rounds differently from the reference";

/// One peer program and what it is compared with.
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    /// Command-line name (`--peers`), e.g. `numba-prange`.
    pub name: &'static str,
    /// The program in `peers/python/`.
    pub script: &'static str,
    /// The technique, in the tutorial's words.
    pub technique: &'static str,
    /// The tool a reader would name: CPython, PyPy, numpy, numexpr, Cython, numba, ppft.
    pub tool: &'static str,
    pub interpreter: Interpreter,
    /// Python modules it imports (as `import` names), besides the standard library.
    pub modules: &'static [&'static str],
    /// Whether it compiles C on the fly (Cython), and so needs a C compiler.
    pub needs_cc: bool,
    /// Whether one untimed run comes first (JIT compilation), excluded from the timings.
    pub warmup: bool,
    /// The Rust variant doing the same technique.
    pub variant: &'static Variant,
    /// Whether this peer is the "Python today" figure of its variant's row in the report.
    pub stands_for_row: bool,
    /// Exact peers must match the reference pixel for pixel; the others say why they may not.
    pub exactness: Exactness,
    /// Timed runs on the full problem (fewer for the slow ones keep the run to a few minutes).
    pub repeat: u32,
}

const fn peer(
    name: &'static str,
    script: &'static str,
    technique: &'static str,
    tool: &'static str,
    interpreter: Interpreter,
    variant: &'static Variant,
) -> Peer {
    Peer {
        name,
        script,
        technique,
        tool,
        interpreter,
        modules: &[],
        needs_cc: false,
        warmup: matches!(interpreter, PyPy),
        variant,
        stands_for_row: false,
        exactness: Exactness::Exact,
        repeat: 5,
    }
}

impl Peer {
    const fn row(mut self) -> Peer {
        self.stands_for_row = true;
        self
    }

    const fn needs(mut self, modules: &'static [&'static str]) -> Peer {
        self.modules = modules;
        self
    }

    const fn repeat(mut self, n: u32) -> Peer {
        self.repeat = n;
        self
    }

    const fn jit(mut self) -> Peer {
        self.warmup = true;
        self
    }

    const fn inexact(mut self, why: &'static str) -> Peer {
        self.exactness = Exactness::Inexact(why);
        self
    }

    const fn cc(mut self) -> Peer {
        self.needs_cc = true;
        self
    }
}

use Interpreter::{CPython, PyPy};

/// Every peer, in report order: the tutorial's programs first, then today's picks.
pub const PEERS: &[Peer] = &[
    peer(
        "pure_python",
        "pure_python.py",
        "indexed complex",
        "CPython",
        CPython,
        &scalar::naive_complex::VARIANT,
    )
    .row()
    .repeat(3),
    peer(
        "pure_python_2",
        "pure_python_2.py",
        "dereferenced locals",
        "CPython",
        CPython,
        &scalar::locals::VARIANT,
    )
    .row()
    .repeat(3),
    peer(
        "expanded", // variant-name: allowed (the peer's own name, after the technique)
        "pure_python_expanded.py",
        "expanded math",
        "CPython",
        CPython,
        &scalar::expanded_math::VARIANT,
    )
    .repeat(3),
    peer(
        "multi",
        "multi.py",
        "multiprocessing, one chunk per core",
        "CPython",
        CPython,
        &parallel::rayon_chunks::VARIANT,
    )
    .row()
    .repeat(3),
    peer(
        "parallelpython",
        "parallelpython_pure_python.py",
        "ParallelPython (ppft) over pure Python, one job per core; 2011: 18 s on 2 cores",
        "ppft",
        CPython,
        &parallel::mpi_jobs::VARIANT,
    )
    .needs(&["ppft"])
    .repeat(3),
    peer(
        "pypy-pure_python",
        "pure_python.py",
        "indexed complex",
        "PyPy",
        PyPy,
        &scalar::naive_complex::VARIANT,
    ),
    peer(
        "pypy-pure_python_2",
        "pure_python_2.py",
        "dereferenced locals",
        "PyPy",
        PyPy,
        &scalar::locals::VARIANT,
    ),
    peer(
        "pypy-expanded",
        "pure_python_expanded.py",
        "expanded math",
        "PyPy",
        PyPy,
        &scalar::expanded_math::VARIANT,
    ),
    peer(
        "numpy_vector",
        "numpy_vector.py",
        "whole-array vectors, no early exit",
        "numpy",
        CPython,
        &vector::vector_whole::VARIANT,
    )
    .row()
    .needs(&["numpy"])
    .inexact(NUMPY_FMA),
    peer(
        "numpy_vector_2",
        "numpy_vector_2.py",
        "vectors in slices of 20000",
        "numpy",
        CPython,
        &vector::vector_chunked::VARIANT,
    )
    .row()
    .needs(&["numpy"])
    .inexact(NUMPY_FMA),
    peer(
        "numexpr",
        "numpy_vector_numexpr.py",
        "numexpr",
        "numexpr",
        CPython,
        &vector::vector_fused::VARIANT,
    )
    .row()
    .needs(&["numpy", "numexpr"])
    .repeat(3),
    peer(
        "cython",
        "cython_expanded.py",
        "Cython, static types, expanded math",
        "Cython",
        CPython,
        &scalar::expanded_math::VARIANT,
    )
    .row()
    .needs(&["Cython", "setuptools"])
    .cc(),
    peer(
        "cython-numpy",
        "cython_numpy.py",
        "Cython + numpy arrays (typed buffers), expanded math",
        "Cython",
        CPython,
        &scalar::ndarray_loop::VARIANT,
    )
    .row()
    .needs(&["numpy", "Cython", "setuptools"])
    .cc(),
    peer(
        "parallelpython-cython",
        "parallelpython_cython.py",
        "Cython over ParallelPython (ppft), one job per core",
        "ppft",
        CPython,
        &parallel::mpi_jobs::VARIANT,
    )
    .row()
    .needs(&["ppft", "Cython", "setuptools"])
    .cc(),
    peer(
        "numba",
        "numba_expanded.py",
        "numba @njit, expanded math",
        "numba",
        CPython,
        &scalar::expanded_math::VARIANT,
    )
    .needs(&["numba", "numpy"])
    .jit(),
    peer(
        "numba-prange",
        "numba_prange.py",
        "numba @njit(parallel=True), prange over pixels",
        "numba",
        CPython,
        &parallel::rayon_rows::VARIANT,
    )
    .row()
    .needs(&["numba", "numpy"])
    .jit(),
    peer(
        "numba-shortcut",
        "numba_shortcut.py",
        "numba @njit, cardioid and bulb test, exact cycle detection",
        "numba",
        CPython,
        &shortcuts::shortcut::VARIANT,
    )
    .row()
    .needs(&["numba", "numpy"])
    .jit(),
];

/// The peer called `name`.
pub fn find(name: &str) -> Option<&'static Peer> {
    PEERS.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_each_row_has_at_most_one_python_today_figure() {
        for (i, p) in PEERS.iter().enumerate() {
            assert!(PEERS[..i].iter().all(|q| q.name != p.name), "{}", p.name);
            assert!(
                mandel_variants::find(p.variant.name).is_some(),
                "{}",
                p.variant.name
            );
            let standing = PEERS
                .iter()
                .filter(|q| q.stands_for_row && q.variant.name == p.variant.name)
                .count();
            assert!(standing <= 1, "{}", p.variant.name);
            for m in p.modules {
                assert!(
                    mandel_lab_options::PYTHON_MODULES.contains(m),
                    "{}: {m} is not among the modules `cargo xtask peers --install` installs",
                    p.name
                );
            }
        }
    }
}
