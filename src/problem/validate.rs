//! Validation of a variant's counts against the known answer and the reference.

use mandel_variants::Exactness;

use crate::problem::known::KnownAnswer;
use crate::problem::reference::{self, Reference};
use crate::record::measured::{Status, Validation};

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
