//! The tutorial's known answers on its default region (`../shared/REFERENCE.md`), asserted in
//! tests and checked before every measurement.

use crate::problem::grid::{GridSpec, Region};

/// One known answer: a grid size, an iteration limit and its validation sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownAnswer {
    pub width: usize,
    pub height: usize,
    pub maxiter: u32,
    /// Sum of every pixel's escape count.
    pub validation_sum: u64,
    /// Total inner-loop iterations, where known.
    pub inner_iterations: Option<u64>,
    /// Pixels that never escape, where known.
    pub never_escape: Option<u64>,
}

/// Every known answer, on the tutorial's region.
pub const KNOWN_ANSWERS: &[KnownAnswer] = &[
    KnownAnswer {
        width: 500,
        height: 500,
        maxiter: 1000,
        validation_sum: 1_148_485,
        inner_iterations: Some(51_414_419),
        never_escape: Some(50_066),
    },
    KnownAnswer {
        width: 500,
        height: 500,
        maxiter: 300,
        validation_sum: 977_931,
        inner_iterations: None,
        never_escape: None,
    },
    KnownAnswer {
        width: 50,
        height: 50,
        maxiter: 100,
        validation_sum: 8_974,
        inner_iterations: None,
        never_escape: None,
    },
    KnownAnswer {
        width: 50,
        height: 50,
        maxiter: 30,
        validation_sum: 6_502,
        inner_iterations: None,
        never_escape: None,
    },
];

impl KnownAnswer {
    /// The problem this answer belongs to.
    pub fn spec(&self) -> GridSpec {
        GridSpec {
            region: Region::TUTORIAL,
            width: self.width,
            height: self.height,
            maxiter: self.maxiter,
        }
    }
}

/// The known answer for `spec`, if the tutorial published one.
pub fn lookup(spec: &GridSpec) -> Option<&'static KnownAnswer> {
    KNOWN_ANSWERS.iter().find(|k| k.spec() == *spec)
}
