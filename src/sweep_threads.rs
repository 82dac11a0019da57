//! The scaling sweep (the tutorial's multi-core figure): every parallel variant under criterion at
//! each thread count, from one to the cores and twice the cores (oversubscribed), with speed-up
//! and parallel efficiency against the single-core `expanded` kernel from the same run.

use std::path::Path;

use mandel_variants::parallel::mpi_jobs;
use mandel_variants::{Family, Knob, Tuning, VARIANTS, Variant};
use serde::{Deserialize, Serialize};

use crate::bench::{BenchSettings, Timing};
use crate::machine::Machine;
use crate::measure::{Bench, Measured, validate_and_measure};
use crate::validate::Status;
use crate::{GridSpec, LabError, fsutil, reference, report};

/// Version of `sweep-threads.json`.
pub const SCHEMA_VERSION: u32 = 1;
pub const JSON_FILE: &str = "sweep-threads.json";
/// The single-core kernel every parallel variant runs, and the baseline of the speed-ups.
pub const BASELINE: &str = "expanded";

/// One variant at one thread count (for `mpi`, one rank count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadPoint {
    pub variant: String,
    /// Worker threads; for `mpi`, ranks (processes).
    pub threads: usize,
    pub validation_sum: u64,
    pub status: Status,
    pub timing: Option<Timing>,
    /// The baseline's median over this one's.
    pub speedup: Option<f64>,
    /// Speed-up over the threads that ran, capped at the cores (more threads than cores cannot
    /// use more than the cores).
    pub efficiency: Option<f64>,
}

/// `sweep-threads.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadSweep {
    pub schema_version: u32,
    pub spec: GridSpec,
    pub machine: Machine,
    pub settings: BenchSettings,
    pub baseline: String,
    pub baseline_timing: Timing,
    pub points: Vec<ThreadPoint>,
}

impl ThreadSweep {
    /// Saves the JSON atomically into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), LabError> {
        fsutil::write_json(&dir.join(JSON_FILE), self)
    }

    /// Reads the sweep from `dir`, if one was run.
    pub fn load(dir: &Path) -> Result<Option<ThreadSweep>, LabError> {
        fsutil::read_json_if_exists(&dir.join(JSON_FILE))
    }

    /// The variants swept, in registry order.
    pub fn variants(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.points.iter().map(|p| p.variant.as_str()).collect();
        names.dedup();
        names
    }

    /// Adds `points`, replacing any of the same variant and count, and keeps the points in
    /// registry order, then by count.
    pub fn merge(&mut self, points: Vec<ThreadPoint>) {
        self.points.retain(|old| {
            !points
                .iter()
                .any(|new| new.variant == old.variant && new.threads == old.threads)
        });
        self.points.extend(points);
        self.points.sort_by_key(|p| {
            (
                mandel_variants::report_order(&p.variant),
                p.variant.clone(),
                p.threads,
            )
        });
    }

    /// The fastest point: its variant, thread count and speed-up.
    pub fn best(&self) -> Option<&ThreadPoint> {
        self.points
            .iter()
            .filter(|p| p.speedup.is_some())
            .max_by(|a, b| {
                a.speedup
                    .unwrap_or(0.0)
                    .total_cmp(&b.speedup.unwrap_or(0.0))
            })
    }
}

/// What a variant's count means: threads, or ranks for the MPI variant.
pub fn unit(variant: &str) -> &'static str {
    if variant == mpi_jobs::VARIANT.name {
        "ranks"
    } else {
        "threads"
    }
}

/// `1 thread`, `4 threads`, `2 ranks`: a point's count with its unit.
pub fn count_label(variant: &str, count: usize) -> String {
    let unit = unit(variant);
    match count {
        1 => format!("1 {}", unit.trim_end_matches('s')),
        n => format!("{n} {unit}"),
    }
}

/// Every registered variant of the parallel family that takes `--threads`.
pub fn parallel_variants() -> Vec<&'static Variant> {
    VARIANTS
        .iter()
        .copied()
        .filter(|v| v.family == Family::Parallel && v.knobs.contains(&Knob::Threads))
        .collect()
}

/// One thread up to the cores, then twice the cores.
pub fn default_counts(cores: usize) -> Vec<usize> {
    let mut counts: Vec<usize> = (1..=cores.max(1)).collect();
    counts.push(2 * cores.max(1));
    counts
}

/// Parses `--threads 1,2,4`: positive whole numbers.
pub fn parse_counts(text: &str) -> Result<Vec<usize>, LabError> {
    let counts = crate::sweep::parse_list("--threads", "a thread count", text, "1,2,4")?;
    // Refused before anything is measured, by the same limit every variant's pool obeys.
    for &n in &counts {
        mandel_variants::tuning::check_threads("--threads", n).map_err(LabError::bad_input)?;
    }
    Ok(counts)
}

/// Measures the baseline (unless `baseline` is given, from an earlier sweep of the same problem),
/// then every variant at every thread count; `mpi` runs once, on the ranks `mpirun` started.
/// `progress` gets each step.
pub fn run(
    spec: &GridSpec,
    variants: &[&Variant],
    counts: &[usize],
    settings: &BenchSettings,
    criterion_dir: &Path,
    baseline: Option<Timing>,
    mut progress: impl FnMut(&str, usize),
) -> Result<ThreadSweep, LabError> {
    let grid = spec.build()?;
    let reference = reference::compute(&grid.problem());
    let group = format!(
        "sweep-threads-{}x{}x{}",
        spec.width, spec.height, spec.maxiter
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let baseline_timing = match baseline {
        Some(timing) => timing,
        None => {
            progress(BASELINE, 1);
            let bench = Bench {
                settings,
                group: &group,
                id: BASELINE,
                dir: criterion_dir,
            };
            let measured = validate_and_measure(
                report::find_variant(BASELINE)?,
                &grid,
                &reference,
                &Tuning::default(),
                Some(bench),
            )?;
            measured.timing.ok_or_else(|| {
                LabError::bad_input(format!("{BASELINE} fails validation: the lab is broken"))
            })?
        }
    };
    let mut points = Vec::new();
    for variant in variants {
        let (counts, takes_threads) = match mpi_jobs::ranks() {
            Some(ranks) if variant.name == mpi_jobs::VARIANT.name => (vec![ranks], false),
            _ => (counts.to_vec(), true),
        };
        for threads in counts {
            progress(variant.name, threads);
            let tuning = Tuning {
                threads: takes_threads.then_some(threads),
                ..Tuning::default()
            };
            let id = format!("{}-{threads}{}", variant.name, &unit(variant.name)[..1]);
            let bench = Bench {
                settings,
                group: &group,
                id: &id,
                dir: criterion_dir,
            };
            let Measured { check, timing, .. } =
                validate_and_measure(variant, &grid, &reference, &tuning, Some(bench))?;
            let speedup = timing.as_ref().map(|t| baseline_timing.median / t.median);
            points.push(ThreadPoint {
                variant: variant.name.into(),
                threads,
                validation_sum: check.validation_sum,
                status: check.status,
                efficiency: speedup.map(|s| s / threads.min(cores) as f64),
                speedup,
                timing,
            });
        }
    }
    Ok(ThreadSweep {
        schema_version: SCHEMA_VERSION,
        spec: *spec,
        machine: Machine::detect(),
        settings: settings.clone(),
        baseline: BASELINE.into(),
        baseline_timing,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_go_to_the_cores_and_oversubscribe() {
        assert_eq!(default_counts(2), [1, 2, 4]);
        assert_eq!(default_counts(4), [1, 2, 3, 4, 8]);
        assert_eq!(parse_counts("4, 1,4").unwrap(), [1, 4]);
        let too_many = (mandel_variants::tuning::max_threads() + 1).to_string();
        for bad in ["", "0", "a", "1,,2", "-1", "100000", &too_many] {
            assert!(parse_counts(bad).unwrap_err().is_bad_input(), "{bad}");
        }
    }

    #[test]
    fn counts_are_labelled_with_their_unit() {
        assert_eq!(count_label("rayon-rows", 1), "1 thread");
        assert_eq!(count_label("rayon-rows", 4), "4 threads");
        assert_eq!(count_label("mpi", 1), "1 rank");
        assert_eq!(count_label("mpi", 2), "2 ranks");
    }

    #[test]
    fn the_parallel_variants_take_threads() {
        let names: Vec<&str> = parallel_variants().iter().map(|v| v.name).collect();
        assert!(
            names.contains(&"rayon-chunks") && names.contains(&"rayon-rows"),
            "{names:?}"
        );
    }
}
