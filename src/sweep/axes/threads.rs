//! Threads and ranks (the tutorial's multi-core figure): every parallel variant at each thread
//! count, from one to the cores and twice the cores (oversubscribed), and `mpi` at each rank count
//! (`cargo xtask sweep threads` starts one `mpirun` per count and merges its point in), with
//! speed-up and parallel efficiency against the single-core `expanded` from the same sweep.

use std::ops::RangeInclusive;

use mandel_variants::parallel::mpi_jobs;
use mandel_variants::{Family, Knob, SweepAxis, Tuning, Variant};

use crate::record::units::format_seconds;
use crate::sweep::{Axis, Baseline, Best, Chart, Corner, Point, Sweep, X, Y};
use crate::{GridSpec, LabError};

/// The variant every thread count is compared with (the registry's [`SweepAxis::Threads`]
/// baseline, `expanded`).
fn baseline() -> &'static str {
    mandel_variants::sweep_baseline(SweepAxis::Threads).map_or("", |v| v.name)
}

pub struct Threads;

impl Axis for Threads {
    fn name(&self) -> &'static str {
        "threads"
    }

    fn about(&self) -> &'static str {
        "every parallel variant against thread count (mpi: ranks): the multi-core figure"
    }

    fn noun(&self) -> &'static str {
        "thread count"
    }

    /// One thread up to what the machine can start (`check_threads`, the limit every pool obeys).
    fn range(&self, _: &GridSpec) -> RangeInclusive<usize> {
        1..=mandel_variants::tuning::max_threads()
    }

    fn default_values(&self, _: &GridSpec, _quick: bool) -> Vec<usize> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut counts: Vec<usize> = (1..=cores).collect();
        counts.push(2 * cores);
        counts
    }

    fn quick_maxiter(&self) -> Option<u32> {
        Some(300)
    }

    fn registry_axis(&self) -> SweepAxis {
        SweepAxis::Threads
    }

    fn check_variant(&self, v: &Variant) -> Result<(), LabError> {
        if v.runs_under_mpirun() {
            return match mpi_jobs::ranks() {
                Some(_) => Ok(()),
                None => Err(LabError::bad_input(
                    "mpi is swept against rank count by `cargo xtask sweep threads`, which \
                     starts this command under mpirun once per rank count",
                )),
            };
        }
        if !v.knobs.contains(&Knob::Threads) {
            let names: Vec<&str> = self.default_variants().iter().map(|v| v.name).collect();
            return Err(LabError::bad_input(format!(
                "sweep threads: variant {} does not take --threads; parallel variants: {}",
                v.name,
                names.join(", ")
            )));
        }
        Ok(())
    }

    fn baseline(&self) -> Baseline {
        mandel_variants::sweep_baseline(SweepAxis::Threads).map_or(Baseline::None, Baseline::Once)
    }

    /// `mpi` runs once, on the ranks `mpirun` started.
    fn values_for(&self, variant: &Variant, values: &[usize]) -> Vec<usize> {
        match mpi_jobs::ranks() {
            Some(ranks) if variant.runs_under_mpirun() => vec![ranks],
            _ => values.to_vec(),
        }
    }

    fn setup(&self, spec: &GridSpec, value: usize, variant: &Variant) -> (GridSpec, Tuning) {
        let tuning = Tuning {
            threads: (!variant.runs_under_mpirun()).then_some(value),
            ..Tuning::default()
        };
        (*spec, tuning)
    }

    /// `1 thread`, `4 threads`, `2 ranks`.
    fn label(&self, variant: &str, value: usize) -> String {
        let unit = unit(variant);
        match value {
            1 => format!("1 {}", unit.trim_end_matches('s')),
            n => format!("{n} {unit}"),
        }
    }

    /// The variant's speed-up over its own one-thread (one-rank) run, over the threads that ran
    /// capped at the cores (more threads than cores cannot use more than the cores). A variant
    /// swept without a run on one thread has none: its speed-up over another variant's time
    /// would read a faster kernel as more than perfect scaling.
    fn efficiency(&self, sweep: &Sweep, point: &Point) -> Option<f64> {
        let own = sweep
            .points
            .iter()
            .find(|p| p.variant == point.variant && p.value == 1)?
            .median()?;
        let cores = sweep.machine.logical_cores.max(1);
        Some(own / point.median()? / point.value.min(cores).max(1) as f64)
    }

    fn family(&self) -> Option<Family> {
        Some(Family::Parallel)
    }

    fn heading(&self) -> (&'static str, &'static str) {
        ("scaling", "Scaling with threads and ranks")
    }

    fn intro(&self, sw: &Sweep) -> String {
        let base = sw.baseline_timing.as_ref().map_or("-".into(), |t| {
            format!(
                "{} ± {:.1}%",
                format_seconds(t.median),
                100.0 * t.relative_spread()
            )
        });
        let mpi = if sw.points.iter().any(|p| under_mpirun(&p.variant)) {
            ""
        } else {
            " mpi was not measured: cargo xtask sweep threads adds it where OpenMPI is installed \
             (Debian: openmpi-bin libopenmpi-dev libclang-dev)."
        };
        format!(
            "Every parallel variant at each thread count, and mpi at each rank count (one \
             mpirun per count), on {} (criterion, {} samples each), against {} \
             on one core ({base}). Efficiency is each variant's speed-up over its own run on one \
             thread (one rank) divided by the threads or ranks used, capped at the {} cores \
             (\"-\" where it was not run on one); the last count oversubscribes the cores.{mpi}",
            sw.spec,
            sw.settings.samples,
            sw.baseline.as_deref().unwrap_or(baseline()),
            sw.machine.logical_cores,
        )
    }

    /// The best point only where it beats the others beyond their spread; else the points
    /// within it, "no clear best".
    fn reading(&self, sw: &Sweep) -> Option<String> {
        let base = sw.baseline.as_deref().unwrap_or(baseline());
        let said = |p: &Point| {
            let speedup = p
                .speedup
                .map_or(String::new(), |s| format!(", {s:.2}x {base}"));
            format!(
                "{} on {}{speedup}",
                p.variant,
                self.label(&p.variant, p.value)
            )
        };
        Some(match sw.best()? {
            Best::Clear(p) => format!("best: {}, beyond every other point's spread", said(p)),
            Best::Tied(points) => format!(
                "no clear best: {} are within one another's spread",
                crate::sweep::and_list(points.iter().map(|p| said(p)))
            ),
        })
    }

    fn charts(&self, sw: &Sweep) -> Vec<Chart> {
        let cores = sw.machine.logical_cores.max(1);
        let x_hi = sw.points.iter().map(|p| p.value).max().unwrap_or(1);
        let ideal = (1..=x_hi)
            .map(|t| (t as f64, t.min(cores) as f64))
            .collect();
        vec![Chart {
            title: format!(
                "Speed-up over {} against threads or ranks ({}, {} cores)",
                sw.baseline.as_deref().unwrap_or(baseline()),
                sw.spec,
                cores
            ),
            x: X::Value,
            y: Y::Speedup,
            x_desc: "threads (ranks for mpi)",
            y_desc: "speed-up",
            log_x: false,
            log_y: false,
            fit: false,
            skip_baseline: false,
            // The ideal is the baseline's, spread over the cores: a faster kernel starts above
            // it, and its own scaling is the efficiency column's.
            guides: vec![(
                format!(
                    "{} spread ideally over the cores",
                    sw.baseline.as_deref().unwrap_or(baseline())
                ),
                ideal,
            )],
            markers: Vec::new(),
            legend: Corner::LowerRight,
        }]
    }
}

/// What a variant's count means: threads, or ranks for a variant that runs under mpirun.
pub fn unit(variant: &str) -> &'static str {
    match under_mpirun(variant) {
        true => "ranks",
        false => "threads",
    }
}

/// Whether the variant a saved point names runs under mpirun (the registry's fact).
fn under_mpirun(variant: &str) -> bool {
    mandel_variants::find(variant).is_some_and(Variant::runs_under_mpirun)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_labelled_with_their_unit() {
        assert_eq!(Threads.label("rayon-rows", 1), "1 thread");
        assert_eq!(Threads.label("rayon-rows", 4), "4 threads");
        assert_eq!(Threads.label("mpi", 1), "1 rank");
        assert_eq!(Threads.label("mpi", 2), "2 ranks");
    }

    #[test]
    fn the_parallel_variants_take_threads() {
        let names: Vec<&str> = Threads.default_variants().iter().map(|v| v.name).collect();
        assert!(names.contains(&"rayon-chunks") && names.contains(&"rayon-rows"));
        assert!(
            Threads
                .check_variant(mandel_variants::find("expanded").unwrap())
                .is_err()
        );
    }
}
