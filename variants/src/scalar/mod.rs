//! The tutorial's first table: single-core loops, from pure Python to Cython with expanded math.

pub mod c_reference;
pub mod expanded_math;
pub mod locals;
pub mod naive_complex;
pub mod ndarray_loop;

use num_complex::Complex64;

use crate::Problem;

/// The tutorial's `q` list: one complex number per pixel, row-major.
pub(crate) fn complex_points(problem: &Problem<'_>) -> Vec<Complex64> {
    problem
        .points()
        .map(|(x, y)| Complex64::new(x, y))
        .collect()
}
