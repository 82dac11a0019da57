//! `naive` mirrors the tutorial's `pure_python.py`: complex numbers from `num-complex`, and every
//! read and write of `z[i]` and `q[i]` goes through the lists by index inside the inner loop.
//!
//! It is the starting point every other variant is compared with. Indexing on every step costs a
//! bounds check and a memory round trip per access, and the escape test takes the complex modulus
//! (`norm()`, a `hypot` call with its square root) where a comparison of squares would do.

use num_complex::Complex64;

use crate::{Cores, HotCode};
use crate::{Exactness, Family, Kernel, Problem, Tuning, Variant, VariantError, always_available};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "naive",
    family: Family::Scalar,
    analogue: "pure_python.py",
    summary: "Complex64 lists indexed inside the inner loop; escape test on the modulus",
    exactness: Exactness::Exact,
    knobs: &[],
    cores: Cores::One,
    tutorial: Some(&crate::tutorial::CPYTHON),
    hot_code: Some(HotCode::Symbol(module_path!())),
    rung: None,
    sweeps: &[],
    probe: always_available,
    prepare,
};

/// The tutorial's `calculate_z_serial_purepython(q, maxiter, z)`: `z` must start at zero.
pub fn calculate_z(q: &[Complex64], z: &mut [Complex64], maxiter: u32, output: &mut [u32]) {
    for i in 0..q.len() {
        output[i] = 0;
        for iteration in 0..maxiter {
            z[i] = z[i] * z[i] + q[i];
            if z[i].norm() > 2.0 {
                output[i] = iteration;
                break;
            }
        }
    }
}

struct Naive {
    q: Vec<Complex64>,
    z: Vec<Complex64>,
    maxiter: u32,
}

fn prepare(problem: &Problem<'_>, _: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let q = super::complex_points(problem);
    let z = vec![Complex64::new(0.0, 0.0); q.len()];
    Ok(Box::new(Naive {
        q,
        z,
        maxiter: problem.maxiter,
    }))
}

impl Kernel for Naive {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        // The tutorial passed in a fresh `z = [0j] * len(q)` each time.
        self.z.fill(Complex64::new(0.0, 0.0));
        calculate_z(&self.q, &mut self.z, self.maxiter, out);
        Ok(())
    }
}
