//! The report run: every selected variant once on one problem, validated, timed and recorded.

use mandel_variants::{Tuning, VARIANTS, Variant};

use crate::results::{ProblemInfo, Results, TuningInfo, VariantInfo, VariantResult};
use crate::validate::{self, Status};
use crate::{GridSpec, LabError, known, measure, reference};

/// Resolves a comma-separated list of variant names; `None` or an empty list selects every variant.
pub fn select(names: Option<&str>) -> Result<Vec<&'static Variant>, LabError> {
    let Some(names) = names.filter(|n| !n.trim().is_empty()) else {
        return Ok(VARIANTS.to_vec());
    };
    names.split(',').map(|n| find_variant(n.trim())).collect()
}

/// Looks a variant up by name; an unknown name is bad input that lists the known ones.
pub fn find_variant(name: &str) -> Result<&'static Variant, LabError> {
    mandel_variants::find(name).ok_or_else(|| {
        LabError::bad_input(format!(
            "unknown variant '{name}'; known variants: {}",
            mandel_variants::names()
        ))
    })
}

/// Runs every variant in `selection` once on `spec`, in registry order, calling `progress` with
/// each variant's name before it runs.
///
/// The reference is computed first and checked against the tutorial's published answer; each
/// variant's counts are then compared with it pixel by pixel. Unavailable variants are recorded as
/// skipped with their reason, and a variant that fails to run is recorded with its error.
pub fn run_all(
    spec: &GridSpec,
    selection: &[&Variant],
    mut progress: impl FnMut(&str),
) -> Result<Results, LabError> {
    let grid = spec.build()?;
    progress("reference");
    let reference = reference::compute(&grid.problem());
    let known = known::lookup(spec);
    if !validate::reference_matches_known(&reference, known) {
        return Err(LabError::bad_input(format!(
            "the reference gives {} on this problem, the tutorial published {:?}: the lab is broken",
            reference.validation_sum,
            known.map(|k| k.validation_sum)
        )));
    }
    let tuning = Tuning::default();
    let mut variants = Vec::with_capacity(selection.len());
    for variant in selection {
        progress(variant.name);
        let info = VariantInfo::new(variant);
        let mut result = VariantResult {
            tuning: TuningInfo::from(&tuning),
            status: Status::Skip,
            seconds: None,
            speedup_vs_naive: None,
            validation: None,
            error: None,
            info,
        };
        if result.info.available {
            match measure::run_once(variant, &grid, &tuning) {
                Ok(run) => {
                    let v = validate::check(&run.counts, &reference, variant.exactness);
                    result.status = v.status;
                    result.seconds = Some(run.seconds);
                    result.validation = Some(v);
                }
                Err(e) => {
                    result.status = Status::Fail;
                    result.error = Some(e.to_string());
                }
            }
        }
        variants.push(result);
    }
    fill_speedups(&mut variants);
    Ok(Results {
        schema_version: crate::results::SCHEMA_VERSION,
        generated_at: crate::results::now_rfc3339(),
        problem: ProblemInfo::new(&grid, &reference),
        variants,
    })
}

/// Speed-up over `naive` from the same run, for every variant that ran.
fn fill_speedups(variants: &mut [VariantResult]) {
    let naive = variants
        .iter()
        .find(|v| v.info.name == "naive")
        .and_then(|v| v.seconds);
    for v in variants {
        v.speedup_vs_naive = naive.zip(v.seconds).map(|(n, s)| n / s);
    }
}
