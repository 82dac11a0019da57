//! `c-reference` is the plain C version the tutorial wished it had: the expanded-math loop written
//! in C, compiled by the `cc` crate and called through FFI.
//!
//! It is the yardstick for the Rust variants: the same arithmetic, compiled by gcc instead of
//! rustc. It is built with `-ffp-contract=off` so gcc never fuses a multiply and an add into one
//! rounding (it would by default on any target with FMA), which keeps the counts exact.

use crate::{Cores, HotCode};
use crate::{Exactness, Family, Kernel, Problem, Tuning, Variant, VariantError, always_available};

/// The flags gcc compiled the kernel with (`MANDEL_LAB_CFLAGS` at build time, else the kernel's
/// own `-O3 -ffp-contract=off -fno-fast-math`).
pub const C_FLAGS: &str = env!("MANDEL_C_FLAGS");

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "c-reference",
    family: Family::Scalar,
    analogue: "plain C (the tutorial's wished-for baseline)",
    summary: "expanded math in C via FFI, compiled with -O3 -ffp-contract=off",
    exactness: Exactness::Exact,
    knobs: &[],
    cores: Cores::One,
    tutorial: None,
    hot_code: Some(HotCode::C("mandel_calculate_z")),
    rung: None,
    sweeps: &[],
    probe: always_available,
    prepare,
};

unsafe extern "C" {
    /// Defined in `variants/c/mandel.c`.
    fn mandel_calculate_z(
        xs: *const f64,
        nx: usize,
        ys: *const f64,
        ny: usize,
        maxiter: u32,
        output: *mut u32,
    );
}

/// Runs the C kernel over the grid `xs` × `ys` into `output` (length `xs.len() * ys.len()`).
///
/// # Panics
/// If `output` has the wrong length.
pub fn calculate_z(xs: &[f64], ys: &[f64], maxiter: u32, output: &mut [u32]) {
    assert_eq!(output.len(), xs.len() * ys.len(), "output length");
    // SAFETY: the pointers come from live slices whose lengths are passed alongside them, and
    // `output` holds exactly `nx * ny` elements (checked above); the C code reads `xs` and `ys`
    // and writes `output` only within those bounds and keeps no pointer after returning.
    unsafe {
        mandel_calculate_z(
            xs.as_ptr(),
            xs.len(),
            ys.as_ptr(),
            ys.len(),
            maxiter,
            output.as_mut_ptr(),
        );
    }
}

struct CReference {
    xs: Vec<f64>,
    ys: Vec<f64>,
    maxiter: u32,
}

fn prepare(problem: &Problem<'_>, _: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    Ok(Box::new(CReference {
        xs: problem.xs.to_vec(),
        ys: problem.ys.to_vec(),
        maxiter: problem.maxiter,
    }))
}

impl Kernel for CReference {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        calculate_z(&self.xs, &self.ys, self.maxiter, out);
        Ok(())
    }
}
