//! Where a staged kernel's time goes (the SIMD shortcuts): each of the parts it names
//! ([`Kernel::parts`](mandel_variants::Kernel::parts)) timed on its own, and its ideal, the
//! inner iterations it executes at the rate `simd-lanes` reaches on the same path (on each of
//! the cores it runs on), measured in the same run. `run` prints it and its JSON carries it; the measurement stage records it with
//! the variant's results and the report's work section shows it.

use std::time::Instant;

use mandel_variants::{Tuning, Variant};

use crate::record::measured::{Breakdown, Part};
use crate::{Grid, LabError, measure::stats};

/// Calls of each part (and of `simd-lanes`) that are timed; their median is kept.
const CALLS: usize = 7;

/// Times each part of `variant`'s kernel on `grid`, then `simd-lanes` on the same path; `None`
/// where the kernel names no parts.
pub fn measure(
    variant: &Variant,
    grid: &Grid,
    tuning: &Tuning,
    (executed, reference_iterations): (u64, u64),
) -> Result<Option<Breakdown>, LabError> {
    let mut kernel = variant.prepare(&grid.problem(), tuning)?;
    let names = kernel.parts();
    if names.is_empty() {
        return Ok(None);
    }
    let mut out = vec![0; grid.pixels()];
    let mut parts = Vec::with_capacity(names.len());
    for (i, &name) in names.iter().enumerate() {
        let seconds = median_of(|| kernel.run_part(i, &mut out))?;
        parts.push(Part {
            name: name.to_string(),
            seconds,
        });
    }
    let lanes = &mandel_variants::simd::simd_lanes::VARIANT;
    let isa = kernel.isa();
    let lanes_tuning = Tuning {
        isa,
        ..Tuning::default()
    };
    let mut lanes_kernel = lanes.prepare(&grid.problem(), &lanes_tuning)?;
    let lanes_seconds = median_of(|| lanes_kernel.run(&mut out))?;
    let rate = reference_iterations as f64 / lanes_seconds.max(f64::MIN_POSITIVE);
    let logical = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cores =
        crate::measure::limit::cores_used(variant.name, tuning.threads, logical).unwrap_or(1);
    Ok(Some(Breakdown {
        calls: CALLS,
        parts,
        lanes_variant: lanes.name.to_string(),
        lanes_isa: isa,
        lanes_seconds,
        lanes_g_per_s: rate / 1e9,
        cores,
        executed,
        ideal_seconds: executed as f64 / (rate * cores.max(1) as f64),
    }))
}

/// The median seconds of [`CALLS`] calls of `f`, after one untimed call.
fn median_of(
    mut f: impl FnMut() -> Result<(), mandel_variants::VariantError>,
) -> Result<f64, LabError> {
    f()?;
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed().as_secs_f64());
    }
    Ok(stats::median(&times))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::grid::GridSpec;
    use mandel_variants::shortcuts::simd_shortcut;

    fn small() -> Grid {
        GridSpec {
            width: 40,
            height: 30,
            maxiter: 200,
            ..GridSpec::TUTORIAL
        }
        .build()
        .unwrap()
    }

    #[test]
    fn a_staged_kernel_gets_every_part_it_names_timed_and_its_ideal_from_its_executed_iterations() {
        let grid = small();
        let variant = &simd_shortcut::VARIANT;
        let kernel = variant
            .prepare(&grid.problem(), &Tuning::default())
            .unwrap();
        let names = kernel.parts();
        let b = measure(variant, &grid, &Tuning::default(), (12_345, 67_890))
            .unwrap()
            .expect("simd-shortcut names its parts");
        let timed: Vec<&str> = b.parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(timed, names);
        assert!(names.len() >= 3, "{names:?}");
        assert!(
            b.parts
                .iter()
                .all(|p| p.seconds > 0.0 && p.seconds.is_finite())
        );
        assert_eq!(b.executed, 12_345);
        // The ideal is the executed iterations at the lanes' rate, the reference's iterations
        // over the lanes' time.
        let rate = 67_890.0 / b.lanes_seconds;
        assert_eq!(b.cores, 1);
        assert!((b.ideal_seconds - 12_345.0 / rate).abs() <= 1e-12 * b.ideal_seconds.max(1.0));
        assert!((b.lanes_g_per_s - rate / 1e9).abs() <= 1e-9 * b.lanes_g_per_s);
        assert_eq!(b.lanes_isa, kernel.isa());
    }

    #[test]
    fn a_kernel_of_one_piece_has_no_breakdown() {
        let grid = small();
        let lanes = &mandel_variants::simd::simd_lanes::VARIANT;
        let b = measure(lanes, &grid, &Tuning::default(), (1, 1)).unwrap();
        assert_eq!(b, None);
    }
}
