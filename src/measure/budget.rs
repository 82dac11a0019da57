//! `report --quick`: the whole lab measured within a time budget, on whatever machine it runs.
//!
//! A report's cost is set by its slowest variants: on the tutorial's problem `naive`, `locals` and
//! `vector-whole` each take from a tenth of a second to over a second per call, depending on the
//! machine, and criterion runs every variant at least a dozen times. So `--quick` (when no problem
//! is given) does not fix the grid: it runs every variant once on a small grid of the tutorial's
//! region (the calibration; each call timed on the wall clock, as `run` does), predicts from those
//! times what validating and measuring each would cost on a larger grid under the quick criterion
//! settings, and picks the largest square grid, up to the tutorial's 500 × 500, whose predicted
//! total fits [`BUDGET_SECS`]. The plan is recorded in `results.json` and said in the report, and
//! the profiling stage then profiles that same problem (`profile --problem-from`).

use mandel_variants::{Availability, Tuning, Variant};

use crate::record::measured::BenchSettings;
use crate::record::measured::QuickPlan;
use crate::{GridSpec, LabError, measure::once, problem::reference};

/// The measurement stage's budget, in seconds (the profiling stage has its own, smaller one).
pub const BUDGET_SECS: f64 = 20.0;

/// The iteration limit of a quick report: the tutorial's 1000 costs over three times as much,
/// for the same lessons.
pub const MAXITER: u32 = 300;

/// The calibration grid's side: large enough that every variant's call takes long enough to
/// time (a few milliseconds for the slowest), small enough to cost a few percent of the budget.
const CALIBRATION_SIDE: usize = 100;

/// The sides tried, largest first: the tutorial's 500, then down by 20 to the calibration's.
const LARGEST_SIDE: usize = 500;
const SIDE_STEP: usize = 20;

/// What criterion costs per benchmark beyond the calls it times: its analysis (bootstrap) and
/// reading back its files; with the quick settings (10,000 resamples, no plots) about 0.1 s on a
/// 2-core AMD EPYC (Zen 3), with a margin for slower machines.
const CRITERION_OVERHEAD_SECS: f64 = 0.15;

/// Calibrates `runs` on `problem`'s region and iteration limit (the tutorial's region at
/// [`MAXITER`], unless given) and chooses the square grid that fits `budget_secs` under
/// criterion's `settings` (`None`: one validation run each, no criterion).
pub fn plan(
    runs: &[(&'static Variant, Tuning)],
    settings: Option<&BenchSettings>,
    budget_secs: f64,
    problem: &GridSpec,
) -> Result<QuickPlan, LabError> {
    let calibration = GridSpec {
        width: CALIBRATION_SIDE,
        height: CALIBRATION_SIDE,
        ..*problem
    }
    .build()?;
    let pixels = calibration.pixels() as f64;
    let started = std::time::Instant::now();
    reference::compute(&calibration.problem());
    let mut per_pixel = vec![(
        "the reference".to_string(),
        started.elapsed().as_secs_f64() / pixels,
    )];
    for (variant, tuning) in runs {
        if variant.availability() != Availability::Available {
            continue;
        }
        // A run that fails here fails in the measurement too, which reports it; it costs one
        // validation run there, which the prediction leaves out.
        if let Ok(once) = once::run_once(variant, &calibration, tuning) {
            let name = match tuning.isa {
                Some(isa) => format!("{} --isa {isa}", variant.name),
                None => variant.name.to_string(),
            };
            per_pixel.push((name, once.seconds / pixels));
        }
    }
    Ok(QuickPlan {
        maxiter: problem.maxiter,
        ..choose(&per_pixel, settings, budget_secs)
    })
}

/// The largest side whose predicted cost fits `budget_secs`, from each run's seconds per pixel
/// (the first entry is the reference, computed once and not measured).
fn choose(
    per_pixel: &[(String, f64)],
    settings: Option<&BenchSettings>,
    budget_secs: f64,
) -> QuickPlan {
    let cost = |side: usize| {
        let pixels = ((side + 1) * (side + 1)) as f64;
        let (reference, runs) = per_pixel.split_first().expect("the reference is first");
        reference.1 * pixels
            + runs
                .iter()
                .map(|(_, c)| predicted_run_secs(c * pixels, settings))
                .sum::<f64>()
    };
    let side = (CALIBRATION_SIDE..=LARGEST_SIDE)
        .rev()
        .step_by(SIDE_STEP)
        .find(|&side| cost(side) <= budget_secs)
        .unwrap_or(CALIBRATION_SIDE);
    let (slowest, slowest_per_pixel) = per_pixel[1..]
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(("none".to_string(), 0.0), |(n, c)| (n.clone(), *c));
    QuickPlan {
        budget_secs,
        calibration_side: CALIBRATION_SIDE,
        side,
        maxiter: MAXITER,
        slowest,
        slowest_call_secs: slowest_per_pixel * ((side + 1) * (side + 1)) as f64,
        predicted_secs: cost(side),
    }
}

/// What validating and measuring one run with calls of `call` seconds costs: the validation call,
/// criterion's warm-up (at least one call), its samples (flat sampling: at least one call each,
/// at least the measurement time in all) and its analysis.
fn predicted_run_secs(call: f64, settings: Option<&BenchSettings>) -> f64 {
    call + settings.map_or(0.0, |s| {
        s.warm_up_secs.max(call)
            + s.measurement_secs.max(s.samples as f64 * call)
            + CRITERION_OVERHEAD_SECS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(costs: &[f64]) -> Vec<(String, f64)> {
        std::iter::once(("the reference".to_string(), 1e-8))
            .chain(costs.iter().enumerate().map(|(i, c)| (format!("v{i}"), *c)))
            .collect()
    }

    #[test]
    fn a_fast_machine_gets_the_tutorials_grid_and_a_slow_one_a_smaller_grid_within_budget() {
        let s = Some(&BenchSettings::QUICK);
        // Twenty runs of 20 ns per pixel: 5 ms a call on 500 x 500.
        let fast = choose(&runs(&[2e-8; 20]), s, BUDGET_SECS);
        assert_eq!(fast.side, 500);
        assert!(fast.predicted_secs <= BUDGET_SECS, "{fast:?}");
        // Three runs a hundred times slower (2 µs per pixel, half a second a call on 500 x 500).
        let mut costs = vec![2e-8; 20];
        costs.extend([2e-6, 1.5e-6, 1e-6]);
        let slow = choose(&runs(&costs), s, BUDGET_SECS);
        // Without criterion, one validation run each: the tutorial's grid fits again.
        assert_eq!(choose(&runs(&costs), None, BUDGET_SECS).side, 500);
        assert!(slow.side < 500 && slow.side >= CALIBRATION_SIDE, "{slow:?}");
        assert!(slow.predicted_secs <= BUDGET_SECS, "{slow:?}");
        assert_eq!(slow.slowest, "v20");
        assert_eq!(slow.spec(crate::Region::TUTORIAL).width, slow.side);
        assert!(slow.describe().contains("v20"), "{}", slow.describe());
    }

    #[test]
    fn a_machine_too_slow_for_any_grid_gets_the_calibration_grid() {
        let plan = choose(&runs(&[1e-3; 5]), Some(&BenchSettings::QUICK), BUDGET_SECS);
        assert_eq!(plan.side, CALIBRATION_SIDE);
        assert!(plan.predicted_secs > BUDGET_SECS);
    }
}
