//! `vector-whole` mirrors `numpy_vector.py`: the tutorial's per-pixel loop turned inside out, so
//! that each Python-level operation works on the whole grid at once, as numpy does.
//!
//! The grid is a struct of arrays (`zx`, `zy`, `qx`, `qy`, the `done` mask and the output), and
//! each of the `maxiter` iterations makes five separate passes over memory, one per numpy
//! statement: `z = z*z + q`, `done = abs(z) > 2`, `q[done] = 0`, `z[done] = 0`,
//! `output[done] = iteration`. There is no early exit: every pixel is iterated `maxiter` times,
//! and an escaped pixel's `z` and `q` are zeroed so it stays at 0 and never escapes again.
//!
//! In Python this replaced 250,000 interpreted loop bodies per iteration with five calls into C,
//! yet the tutorial found it slower than Cython (54 s): it does all 1000 iterations for every
//! pixel where the loops stop at the escape, and each pass streams the grid (about 9 MB for
//! 500 x 500) through memory rather than keeping it in registers. This variant keeps exactly that
//! memory traffic, so it should be much slower than `expanded`: it shows what whole-array
//! vectorisation costs when the arrays do not fit in cache. Each pass is its own non-inlined
//! function so the compiler cannot fuse them and a profile names them. Like numpy, which picks
//! its SIMD loops at run time, the passes are built twice, for the baseline x86-64 (SSE2) and for
//! AVX2, and the AVX2 build runs where the CPU has it (about 0.56 s instead of 0.8 s here). Only
//! `avx2` is enabled, never `fma`, and Rust never fuses a multiply and an add on its own, so both
//! builds do the reference's arithmetic, in its order, and the counts are exact.

use crate::Cores;
use crate::{Exactness, Family, Kernel, Problem, Tuning, Variant, VariantError, always_available};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "vector-whole",
    family: Family::Vector,
    analogue: "numpy_vector.py",
    summary: "whole-grid arrays, one pass over memory per numpy operation, no early exit",
    exactness: Exactness::Exact,
    knobs: &[],
    cores: Cores::One,
    tutorial: Some(&crate::tutorial::NUMPY_WHOLE),
    hot_code: None,
    rung: None,
    sweeps: &[],
    probe: always_available,
    prepare,
};

/// The numpy arrays of the tutorial's `calculate_z_numpy`, one element per pixel.
///
/// `vector-chunked` reuses these with slice-sized buffers.
#[derive(Debug, Default)]
pub(crate) struct Arrays {
    zx: Vec<f64>,
    zy: Vec<f64>,
    qx: Vec<f64>,
    qy: Vec<f64>,
    done: Vec<bool>,
}

impl Arrays {
    /// Empty arrays with room for `len` pixels, so loading up to `len` points never allocates.
    pub(crate) fn with_capacity(len: usize) -> Arrays {
        Arrays {
            zx: Vec::with_capacity(len),
            zy: Vec::with_capacity(len),
            qx: Vec::with_capacity(len),
            qy: Vec::with_capacity(len),
            done: Vec::with_capacity(len),
        }
    }

    /// Loads the points `(qx[i], qy[i])` and sets `z = 0`, as the tutorial's setup did.
    pub(crate) fn load(&mut self, qx: &[f64], qy: &[f64]) {
        let len = qx.len();
        self.qx.clear();
        self.qx.extend_from_slice(qx);
        self.qy.clear();
        self.qy.extend_from_slice(qy);
        for v in [&mut self.zx, &mut self.zy] {
            v.clear();
            v.resize(len, 0.0);
        }
        self.done.clear();
        self.done.resize(len, false);
    }

    /// All `maxiter` iterations of the five passes over the loaded points; `output` has one
    /// element per loaded point and is overwritten. Uses the AVX2 build of the passes where
    /// the CPU has it, as numpy dispatches its SIMD loops at run time; both builds do the same
    /// f64 operations (no FMA is enabled, and Rust never contracts on its own), so both are exact.
    pub(crate) fn calculate_z(&mut self, maxiter: u32, output: &mut [u32]) {
        let Arrays {
            zx,
            zy,
            qx,
            qy,
            done,
        } = self;
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU reports AVX2, the only feature the `avx2` passes are built for.
            unsafe { avx2::iterate(zx, zy, qx, qy, done, maxiter, output) };
            return;
        }
        baseline::iterate(zx, zy, qx, qy, done, maxiter, output);
    }
}

struct VectorWhole {
    qx: Vec<f64>,
    qy: Vec<f64>,
    arrays: Arrays,
    maxiter: u32,
}

fn prepare(problem: &Problem<'_>, _: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let (qx, qy): (Vec<f64>, Vec<f64>) = problem.points().unzip();
    let arrays = Arrays::with_capacity(qx.len());
    Ok(Box::new(VectorWhole {
        qx,
        qy,
        arrays,
        maxiter: problem.maxiter,
    }))
}

impl Kernel for VectorWhole {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        // The passes destroy `q`, so every run starts from a fresh copy: one pass, against the
        // 5 * maxiter passes below.
        self.arrays.load(&self.qx, &self.qy);
        self.arrays.calculate_z(self.maxiter, out);
        Ok(())
    }
}

/// numpy's five passes, one function each (so profiles name them), and the iteration loop over
/// them; built once for the baseline target and once with AVX2.
macro_rules! passes {
    ($name:ident $(, #[$attr:meta])*) => {
        mod $name {
            /// One numpy iteration after another; each pass is its own loop over memory.
            #[allow(clippy::too_many_arguments)]
            $(#[$attr])*
            pub(super) fn iterate(
                zx: &mut [f64],
                zy: &mut [f64],
                qx: &mut [f64],
                qy: &mut [f64],
                done: &mut [bool],
                maxiter: u32,
                output: &mut [u32],
            ) {
                output.fill(0);
                for iteration in 0..maxiter {
                    square_add(zx, zy, qx, qy);
                    escaped(zx, zy, done);
                    zero_where(qx, qy, done);
                    zero_where(zx, zy, done);
                    set_where(output, iteration, done);
                }
            }

        /// `z = z*z + q`: the reference's operations, in its order.
        $(#[$attr])*
        #[inline(never)]
        pub(super) fn square_add(zx: &mut [f64], zy: &mut [f64], qx: &[f64], qy: &[f64]) {
            for (((zx, zy), &qx), &qy) in zx.iter_mut().zip(zy.iter_mut()).zip(qx).zip(qy) {
                let (x, y) = (*zx, *zy);
                *zx = (x * x - y * y) + qx;
                *zy = (x * y + y * x) + qy;
            }
        }

        /// `done = abs(z) > 2`, as the comparison of squares with 4.
        $(#[$attr])*
        #[inline(never)]
        pub(super) fn escaped(zx: &[f64], zy: &[f64], done: &mut [bool]) {
            for ((d, &x), &y) in done.iter_mut().zip(zx).zip(zy) {
                *d = x * x + y * y > 4.0;
            }
        }

        /// `a[done] = 0` for a complex array held as its real and imaginary parts.
        $(#[$attr])*
        #[inline(never)]
        pub(super) fn zero_where(re: &mut [f64], im: &mut [f64], done: &[bool]) {
            for ((re, im), &d) in re.iter_mut().zip(im.iter_mut()).zip(done) {
                if d {
                    *re = 0.0;
                    *im = 0.0;
                }
            }
        }

        /// `output[done] = iteration`.
        $(#[$attr])*
        #[inline(never)]
        pub(super) fn set_where(output: &mut [u32], iteration: u32, done: &[bool]) {
            for (o, &d) in output.iter_mut().zip(done) {
                if d {
                    *o = iteration;
                }
            }
        }
        }
    };
}

passes!(baseline);
#[cfg(target_arch = "x86_64")]
passes!(avx2, #[target_feature(enable = "avx2")]);
