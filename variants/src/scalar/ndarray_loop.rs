//! `ndarray` mirrors the tutorial's Cython + numpy loop (`cython_numpy_loop`): the inputs are two
//! 1-D arrays `xs` and `ys` instead of a list of complex numbers, and the counts go into a 2-D
//! `i32` array indexed `d[[j, i]]`.
//!
//! Cython gained (0.6 s to 0.49 s) because typed numpy buffers replaced Python lists, and the
//! grid no longer had to be materialised as one complex per pixel. Here the kernel reads only
//! `xs.len() + ys.len()` coordinates instead of a 16-byte point per pixel, at the price of the
//! 2-D index arithmetic; the arithmetic per pixel is the same as `expanded`, so counts are exact.

use ndarray::{Array1, Array2};

use crate::{Cores, HotCode};
use crate::{Exactness, Family, Kernel, Problem, Tuning, Variant, VariantError, always_available};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "ndarray",
    family: Family::Scalar,
    analogue: "cython_numpy_loop (Cython + numpy)",
    summary: "ndarray 1-D xs and ys in, 2-D i32 array out, expanded math per pixel",
    exactness: Exactness::Exact,
    knobs: &[],
    cores: Cores::One,
    tutorial: Some(&crate::tutorial::CYTHON_NUMPY),
    hot_code: Some(HotCode::Symbol(module_path!())),
    rung: None,
    sweeps: &[],
    probe: always_available,
    prepare,
};

/// Fills `d[[j, i]]` with the escape count of `complex(xs[i], ys[j])`.
pub fn calculate_z(xs: &Array1<f64>, ys: &Array1<f64>, maxiter: u32, d: &mut Array2<i32>) {
    for j in 0..ys.len() {
        let qy = ys[j];
        for i in 0..xs.len() {
            let qx = xs[i];
            let (mut zx, mut zy) = (0.0_f64, 0.0_f64);
            d[[j, i]] = 0;
            for iteration in 0..maxiter {
                let zx_new = (zx * zx - zy * zy) + qx;
                let zy_new = (zx * zy + zy * zx) + qy;
                zx = zx_new;
                zy = zy_new;
                if zx * zx + zy * zy > 4.0 {
                    // maxiter is at most i32::MAX, checked in prepare().
                    d[[j, i]] = iteration as i32;
                    break;
                }
            }
        }
    }
}

struct NdarrayLoop {
    xs: Array1<f64>,
    ys: Array1<f64>,
    d: Array2<i32>,
    maxiter: u32,
}

fn prepare(problem: &Problem<'_>, _: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    if i32::try_from(problem.maxiter).is_err() {
        return Err(VariantError::BadTuning {
            variant: VARIANT.name,
            message: format!("maxiter {} does not fit its i32 output", problem.maxiter),
        });
    }
    Ok(Box::new(NdarrayLoop {
        xs: Array1::from(problem.xs.to_vec()),
        ys: Array1::from(problem.ys.to_vec()),
        d: Array2::zeros((problem.ys.len(), problem.xs.len())),
        maxiter: problem.maxiter,
    }))
}

impl Kernel for NdarrayLoop {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        calculate_z(&self.xs, &self.ys, self.maxiter, &mut self.d);
        // The lab's common output is a flat u32 slice; this copy is one pass over the counts,
        // negligible next to the loop above.
        for (o, &d) in out.iter_mut().zip(self.d.iter()) {
            *o = d as u32;
        }
        Ok(())
    }
}
