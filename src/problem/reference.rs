//! The reference every variant is validated against: the tutorial's loop, written as plainly as
//! possible, on the expanded f64 form of REFERENCE.md.

use mandel_variants::Problem;

use crate::Grid;
use crate::problem::known;
use crate::record::results::ProblemInfo;

/// The iteration at which `complex(qx, qy)` escapes, or `None` if it stays bounded for `maxiter`
/// iterations.
pub fn escape(qx: f64, qy: f64, maxiter: u32) -> Option<u32> {
    let (mut zx, mut zy) = (0.0_f64, 0.0_f64);
    for it in 0..maxiter {
        let zx_new = (zx * zx - zy * zy) + qx;
        let zy_new = (zx * zy + zy * zx) + qy;
        zx = zx_new;
        zy = zy_new;
        if zx * zx + zy * zy > 4.0 {
            return Some(it);
        }
    }
    None
}

/// The reference counts and their statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Escape count per pixel, row-major.
    pub counts: Vec<u32>,
    /// Sum of the counts.
    pub validation_sum: u64,
    /// Total inner-loop iterations (the work every exact loop does).
    pub inner_iterations: u64,
    /// Pixels that never escape.
    pub never_escape: u64,
}

/// Computes the reference for `problem`.
pub fn compute(problem: &Problem<'_>) -> Reference {
    let mut counts = Vec::with_capacity(problem.pixels());
    let (mut inner_iterations, mut never_escape) = (0u64, 0u64);
    for (x, y) in problem.points() {
        let escaped = escape(x, y, problem.maxiter);
        counts.push(escaped.unwrap_or(0));
        inner_iterations += u64::from(escaped.map_or(problem.maxiter, |it| it + 1));
        never_escape += u64::from(escaped.is_none());
    }
    Reference {
        validation_sum: validation_sum(&counts),
        counts,
        inner_iterations,
        never_escape,
    }
}

/// The tutorial's validation sum: the sum of every pixel's count, as u64.
pub fn validation_sum(counts: &[u32]) -> u64 {
    counts.iter().map(|&c| u64::from(c)).sum()
}

/// Number of pixels whose counts differ.
pub fn mismatches(a: &[u32], b: &[u32]) -> u64 {
    let differ = a.iter().zip(b).filter(|(x, y)| x != y).count();
    (differ + a.len().abs_diff(b.len())) as u64
}

/// The record's description of a problem is made here, from the grid and its reference, so that
/// the schema itself needs neither.
impl ProblemInfo {
    /// Describes `grid` and its reference.
    pub fn new(grid: &Grid, reference: &Reference) -> ProblemInfo {
        ProblemInfo {
            region: grid.spec.region,
            width: grid.spec.width,
            height: grid.spec.height,
            columns: grid.columns(),
            rows: grid.rows(),
            pixels: grid.pixels(),
            maxiter: grid.spec.maxiter,
            reference_sum: reference.validation_sum,
            inner_iterations: reference.inner_iterations,
            never_escape: reference.never_escape,
            known_sum: known::lookup(&grid.spec).map(|k| k.validation_sum),
        }
    }
}
