//! `expanded` mirrors the Cython "bettermath" version of `calculate_z.pyx` and `shedskin2.py`:
//! the real and imaginary parts live in separate `f64`s and the escape test compares squares with
//! 4 instead of taking a square root.
//!
//! Cython went from 9.8 s to 0.6 s with this change, because the complex type's generic
//! multiplication and `abs()` were calls into the runtime. In Rust the gain over `locals` is the
//! missing square root: `hypot` is a library call on the loop's critical path, while the
//! comparison of squares is off it. What is left is a dependency chain of a multiply, a subtract
//! and an add per iteration, so the loop runs at the latency of the FPU.
//!
//! Two details keep the machine code as tight as gcc's for the same C loop (`c-reference`):
//! - `zx*zx` and `zy*zy` are computed once, for the escape test, and reused by the next step
//!   (gcc finds this itself; LLVM does not). They are the same products on the same values, so
//!   the counts stay exact.
//! - The points are two arrays, `qx` and `qy`, not a list of complex numbers: from an interleaved
//!   `(re, im)` pair LLVM's SLP vectoriser packs `zx` and `zy` into one SSE register and puts
//!   shuffles on the critical path, which costs about 20% (see the disassembly view).
//!
//! The arithmetic is the reference's, in its order:
//! `zx' = (zx*zx - zy*zy) + qx`, `zy' = (zx*zy + zy*zx) + qy`, escape when `zx*zx + zy*zy > 4`.

use crate::{Cores, HotCode, Rung, SweepAxis, SweepRole};
use crate::{Exactness, Family, Kernel, Problem, Tuning, Variant, VariantError, always_available};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "expanded",
    family: Family::Scalar,
    analogue: "calculate_z.pyx (expanded math) / shedskin2.py",
    summary: "real and imaginary parts as separate f64, squares compared with 4, no square root",
    exactness: Exactness::Exact,
    knobs: &[],
    cores: Cores::One,
    tutorial: Some(&crate::tutorial::CYTHON_EXPANDED),
    hot_code: Some(HotCode::Symbol(module_path!())),
    rung: Some(Rung::Scalar),
    sweeps: &[
        (SweepAxis::Threads, SweepRole::Baseline),
        (SweepAxis::Maxiter, SweepRole::Member),
    ],
    probe: always_available,
    prepare,
};

/// Escape iteration of one point, or 0 if it never escapes within `maxiter`.
#[inline]
pub fn escape_time(qx: f64, qy: f64, maxiter: u32) -> u32 {
    let (mut zx, mut zy) = (0.0_f64, 0.0_f64);
    // The squares of the current z, computed once for the escape test and reused by the next
    // step: the same products on the same values as the reference's `zx*zx` and `zy*zy`.
    let (mut zx2, mut zy2) = (0.0_f64, 0.0_f64);
    for iteration in 0..maxiter {
        let zx_new = (zx2 - zy2) + qx;
        let zy_new = (zx * zy + zy * zx) + qy;
        zx = zx_new;
        zy = zy_new;
        zx2 = zx * zx;
        zy2 = zy * zy;
        // The regression gate's test builds the lab with the feature `planted-regression` to
        // plant a slower inner loop here: a little more work per iteration, through `black_box`
        // so that it is not optimised away, and on the same value so the counts stay exact.
        #[cfg(feature = "planted-regression")]
        {
            zx2 = std::hint::black_box(zx2);
        }
        if zx2 + zy2 > 4.0 {
            return iteration;
        }
    }
    0
}

/// The Cython `calculate_z` with expanded math over the points `(qx[i], qy[i])`.
pub fn calculate_z(qx: &[f64], qy: &[f64], maxiter: u32, output: &mut [u32]) {
    for ((&x, &y), out) in qx.iter().zip(qy).zip(output.iter_mut()) {
        *out = escape_time(x, y, maxiter);
    }
}

struct Expanded {
    qx: Vec<f64>,
    qy: Vec<f64>,
    maxiter: u32,
}

fn prepare(problem: &Problem<'_>, _: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let (qx, qy) = problem.points().unzip();
    Ok(Box::new(Expanded {
        qx,
        qy,
        maxiter: problem.maxiter,
    }))
}

impl Kernel for Expanded {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        calculate_z(&self.qx, &self.qy, self.maxiter, out);
        Ok(())
    }
}
