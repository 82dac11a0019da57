//! Validation of a variant's counts against the known answer and the reference.

use mandel_variants::Exactness;
use serde::{Deserialize, Serialize};

use crate::problem::known::KnownAnswer;
use crate::problem::reference::{self, Reference};

/// The verdict on one variant's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    /// Exact variant: identical to the reference pixel for pixel (and the known sum).
    Ok,
    /// Inexact variant: ran, and the differing pixels are reported.
    Approx,
    /// Wrong answer.
    Fail,
    /// Not run here.
    Skip,
}

impl Status {
    /// The label shown in tables.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Approx => "APPROX",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }
}

/// The result of comparing counts with the reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    pub validation_sum: u64,
    /// The sum every exact variant must give (the known answer where there is one).
    pub expected_sum: u64,
    /// Pixels whose counts differ from the reference.
    pub mismatched_pixels: u64,
    pub status: Status,
}

/// Compares `counts` with the reference. An exact variant passes only with no differing pixel;
/// an inexact one is `Approx` when it differs, and never fails for that alone.
pub fn check(counts: &[u32], reference: &Reference, exactness: Exactness) -> Validation {
    let validation_sum = reference::validation_sum(counts);
    let mismatched_pixels = reference::mismatches(counts, &reference.counts);
    let status = match (mismatched_pixels, exactness) {
        (0, _) => Status::Ok,
        (_, Exactness::Exact) => Status::Fail,
        (_, Exactness::Inexact(_)) if counts.len() == reference.counts.len() => Status::Approx,
        _ => Status::Fail,
    };
    Validation {
        validation_sum,
        expected_sum: reference.validation_sum,
        mismatched_pixels,
        status,
    }
}

/// Checks the reference itself against the tutorial's published answer, when there is one.
pub fn reference_matches_known(reference: &Reference, known: Option<&KnownAnswer>) -> bool {
    known.is_none_or(|k| {
        k.validation_sum == reference.validation_sum
            && k.inner_iterations
                .is_none_or(|n| n == reference.inner_iterations)
            && k.never_escape.is_none_or(|n| n == reference.never_escape)
    })
}
