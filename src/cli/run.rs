//! `mandel-lab run`: one variant, once, timed like the tutorial timed it.

use super::out::outln;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use super::{Format, KnobTuning, ProblemSpec};
use crate::measure::breakdown;
use crate::measure::stage;
use crate::problem::validate;
use crate::record::measured::Breakdown;
use crate::record::measured::{Status, Validation};
use crate::record::ranks::{self, RankInfo};
use crate::record::results::WorkInfo;
use crate::{
    Region, measure::limit, measure::once, problem::known, problem::reference, render::image,
};

pub(super) use mandel_lab_options::RunArgs;

/// The JSON record of one run.
#[derive(Debug, Serialize)]
struct RunRecord<'a> {
    variant: &'a str,
    family: mandel_variants::Family,
    region: Region,
    width: usize,
    height: usize,
    columns: usize,
    rows: usize,
    pixels: usize,
    maxiter: u32,
    validation_sum: u64,
    expected_sum: u64,
    known_sum: Option<u64>,
    mismatched_pixels: u64,
    status: Status,
    seconds: f64,
    /// For a GPU variant, the kernels alone (device events); `seconds` includes the transfers.
    kernel_seconds: Option<f64>,
    chunk: Option<usize>,
    chunks: Option<usize>,
    threads: Option<usize>,
    /// The `mpi` variant's ranks: each one's host, work units and busy seconds.
    ranks: Option<Vec<RankInfo>>,
    /// The SIMD path that ran, for variants that dispatch at run time.
    isa: Option<mandel_variants::simd::Isa>,
    /// f64 lanes per vector on that path.
    lanes: Option<usize>,
    /// The inner iterations the variant executed over `seconds`, G per second: the reference's
    /// iterations, except for a variant that skips work (`work`).
    throughput_g_per_s: Option<f64>,
    /// The inner iterations the variant executed.
    executed_iterations: u64,
    /// The inner iterations the reference executes on this problem.
    reference_iterations: u64,
    /// The reference's inner iterations over `seconds`: the rate of a brute-force kernel as fast
    /// as this one, G per second.
    equivalent_g_per_s: Option<f64>,
    /// For a variant that skips work, what it executed and its pixels by what decided them.
    work: Option<WorkInfo>,
    /// For a kernel made of stages (the SIMD shortcuts), each part timed on its own and the
    /// ideal, its executed iterations at `simd-lanes`' rate on the same path, from this run.
    #[serde(skip_serializing_if = "Option::is_none")]
    breakdown: Option<Breakdown>,
    /// Cores the variant used (`None` on a GPU).
    cores: Option<usize>,
    /// This machine's per-core limit (start-up probe), G iterations per second.
    limit_g_per_s: Option<f64>,
    /// `throughput / (limit * cores)`.
    limit_share: Option<f64>,
}

pub(super) fn run(run: RunArgs) -> anyhow::Result<ExitCode> {
    let variant = &run.variant;
    let args = &run.options;
    if let Some(path) = &args.image {
        crate::record::write::check_output_file("--image", path)?;
    }
    let variant = stage::find_variant(variant)?;
    let spec = args.problem.spec();
    let grid = spec.build()?;
    let tuning = args.tuning.tuning();
    // Refused before any note, so that a variant that cannot run here is one line.
    if let mandel_variants::Availability::Unavailable(why) = variant.availability() {
        return Err(mandel_variants::VariantError::Unavailable {
            variant: variant.name,
            why,
        }
        .into());
    }
    for knob in mandel_variants::Knob::ALL {
        if knob.is_set(&tuning) && !variant.knobs.contains(&knob) {
            eprintln!(
                "note: {} has no effect on variant {}",
                knob.flag(),
                variant.name
            );
        }
    }
    let run = once::run_once(variant, &grid, &tuning)?;
    let rank_stats: Option<Vec<RankInfo>> = mandel_variants::parallel::mpi_jobs::take_rank_stats()
        .map(|stats| stats.into_iter().map(RankInfo::from).collect());
    let reference = reference::compute(&grid.problem());
    let limit = limit::probe(limit::Effort::Quick);
    // A variant that skips work is read against the limit by what it executed; the reference's
    // iterations over its time say what brute force would have to reach to match it.
    let executed = run.work.map_or(reference.inner_iterations, |w| w.executed);
    let throughput = limit::throughput(executed, run.seconds);
    let equivalent = limit::throughput(reference.inner_iterations, run.seconds);
    let logical_cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let ranks =
        mandel_variants::parallel::mpi_jobs::ranks().filter(|_| variant.runs_under_mpirun());
    // For mpi, the workers are its ranks (`cargo xtask mpi --ranks 1` uses one core).
    let cores = limit::cores_used(variant.name, ranks.or(tuning.threads), logical_cores);
    let share = throughput.zip(cores).and_then(|(t, c)| limit.share(t, c));
    let check: Validation = validate::check(&run.counts, &reference, variant.exactness);
    let iterations = (executed, reference.inner_iterations);
    let breakdown = breakdown::measure(variant, &grid, &tuning, iterations)?;
    if let Some(path) = &args.image {
        image::write_png(path, &run.counts, grid.columns(), spec.maxiter)
            .with_context(|| format!("cannot write the image {}", path.display()))?;
    }
    let known_sum = known::lookup(&spec).map(|k| k.validation_sum);
    match args.format {
        Format::Json => {
            let record = RunRecord {
                variant: variant.name,
                family: variant.family,
                region: spec.region,
                width: spec.width,
                height: spec.height,
                columns: grid.columns(),
                rows: grid.rows(),
                pixels: grid.pixels(),
                maxiter: spec.maxiter,
                validation_sum: check.validation_sum,
                expected_sum: check.expected_sum,
                known_sum,
                mismatched_pixels: check.mismatched_pixels,
                status: check.status,
                seconds: run.seconds,
                kernel_seconds: run.kernel_seconds,
                chunk: tuning.chunk,
                chunks: tuning.chunks,
                threads: tuning.threads,
                ranks: rank_stats,
                isa: run.isa,
                lanes: run.isa.map(|i| i.lanes()),
                throughput_g_per_s: throughput,
                executed_iterations: executed,
                reference_iterations: reference.inner_iterations,
                equivalent_g_per_s: equivalent,
                work: run.work.map(WorkInfo::from),
                breakdown,
                cores,
                limit_g_per_s: limit.per_core(),
                limit_share: share,
            };
            outln!("{}", serde_json::to_string_pretty(&record)?)?;
        }
        Format::Text => {
            outln!("Variant: {} ({})", variant.name, variant.analogue)?;
            outln!(
                "Grid: {} x {} pixels (asked {} x {}), maxiter {}, region {}",
                grid.columns(),
                grid.rows(),
                spec.width,
                spec.height,
                spec.maxiter,
                spec.region
            )?;
            outln!("Total elements: {}", grid.pixels())?;
            let knobs: Vec<String> = [
                ("--chunk", tuning.chunk),
                ("--chunks", tuning.chunks),
                ("--threads", tuning.threads),
            ]
            .into_iter()
            .filter_map(|(flag, value)| value.map(|v| format!("{flag} {v}")))
            .collect();
            if !knobs.is_empty() {
                outln!("Tuning: {}", knobs.join(" "))?;
            }
            if let Some(isa) = run.isa {
                outln!("SIMD path: {isa} ({} f64 lanes per vector)", isa.lanes())?;
            }
            if let Some(stats) = &rank_stats {
                let hosts = ranks::per_host(stats).len();
                outln!(
                    "MPI ranks: {} on {hosts} host{} (rank 0 serves the work units and computes \
                     too); per rank, as ParallelPython's job statistics:",
                    stats.len(),
                    if hosts == 1 { "" } else { "s" }
                )?;
                for line in ranks::table(stats) {
                    outln!("{line}")?;
                }
            }
            outln!("calculate_z took {:.6} seconds", run.seconds)?;
            if let Some(k) = run.kernel_seconds {
                outln!(
                    "  of which the kernels alone (device events): {k:.6} seconds; the rest is \
                     conversion and transfers (a first run includes the GPU's warm-up)"
                )?;
            }
            if let Some(t) = throughput {
                let against = match (share, limit.best(), cores) {
                    (Some(share), Some(best), Some(cores)) => format!(
                        "; {:.1}% of this machine's limit ({:.2} G/s per core on {}, x {cores} core{})",
                        100.0 * share,
                        best.g_iterations_per_s,
                        best.isa,
                        if cores == 1 { "" } else { "s" }
                    ),
                    _ => String::new(),
                };
                outln!("Throughput: {t:.3} G iterations/s ({executed} inner iterations){against}")?;
            }
            if let Some(w) = run.work {
                outln!(
                    "Work: {executed} of the reference's {} inner iterations executed ({:.1}x \
                     fewer); reference-equivalent {:.3} G iterations/s",
                    reference.inner_iterations,
                    reference.inner_iterations as f64 / executed.max(1) as f64,
                    equivalent.unwrap_or(0.0)
                )?;
                outln!(
                    "Pixels decided: {} by escape, {} at maxiter, {} by the cardioid and bulb \
                     test, {} by a repeated orbit",
                    w.escaped,
                    w.at_maxiter,
                    w.bulb,
                    w.cycle
                )?;
            }
            if let Some(b) = &breakdown {
                print_breakdown(b, run.seconds)?;
            }
            outln!(
                "Total sum of elements (for validation): {}",
                check.validation_sum
            )?;
            let against = match known_sum {
                Some(k) => format!("the tutorial's answer is {k}"),
                None => format!("the reference sum is {}", check.expected_sum),
            };
            match check.status {
                Status::Ok => outln!("Validation: OK, identical to the reference ({against})")?,
                status => outln!(
                    "Validation: {}, {} pixels differ from the reference ({against})",
                    status.label(),
                    check.mismatched_pixels
                )?,
            }
            if let Some(path) = &args.image {
                outln!("Image written to {}", path.display())?;
            }
        }
    }
    Ok(super::exit_code_for_statuses(std::iter::once(check.status)))
}

/// The parts of a staged kernel's run and its ideal, as `run` prints them.
fn print_breakdown(b: &Breakdown, seconds: f64) -> Result<(), super::out::StdoutError> {
    outln!(
        "Where the time goes (each part alone, median of {} calls):",
        b.calls
    )?;
    for part in &b.parts {
        outln!("  {:<62} {:9.3} ms", part.name, part.seconds * 1e3)?;
    }
    let path = b.where_measured();
    outln!(
        "  {:<62} {:9.3} ms: {} executed iterations at the rate of {}{path} ({:.2} G/s, {:.3} ms for \
         the problem in this run); this run took {:.2}x the ideal",
        "ideal",
        b.ideal_seconds * 1e3,
        b.executed,
        b.lanes_variant,
        b.lanes_g_per_s,
        b.lanes_seconds * 1e3,
        seconds / b.ideal_seconds.max(f64::MIN_POSITIVE)
    )
}
