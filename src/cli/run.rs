//! `mandel-lab run`: one variant, once, timed like the tutorial timed it.

use super::out::outln;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use super::{Format, ProblemArgs, TuningArgs};
use crate::measurement as report;
use crate::validate::{self, Status, Validation};
use crate::{Region, image, known, limit, measure, reference};

#[derive(Debug, Args)]
pub(super) struct RunArgs {
    /// The variant to run (see `mandel-lab list`).
    #[arg(long, value_name = "NAME")]
    variant: String,
    #[command(flatten)]
    problem: ProblemArgs,
    #[command(flatten)]
    tuning: TuningArgs,
    /// Also write the picture as a PNG to this path.
    #[arg(long, value_name = "PATH")]
    image: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The JSON record of one run.
#[derive(Debug, Serialize)]
struct RunRecord<'a> {
    variant: &'a str,
    family: &'a str,
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
    /// MPI ranks the `mpi` variant ran on.
    ranks: Option<usize>,
    /// The SIMD path that ran, for variants that dispatch at run time.
    isa: Option<&'static str>,
    /// f64 lanes per vector on that path.
    lanes: Option<usize>,
    /// The reference's inner iterations over `seconds`, G per second.
    throughput_g_per_s: Option<f64>,
    /// Cores the variant used (`None` on a GPU).
    cores: Option<usize>,
    /// This machine's per-core limit (start-up probe), G iterations per second.
    limit_g_per_s: Option<f64>,
    /// `throughput / (limit * cores)`.
    limit_share: Option<f64>,
}

pub(super) fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.image {
        crate::fsutil::check_output_file("--image", path)?;
    }
    let variant = report::find_variant(&args.variant)?;
    let spec = args.problem.spec()?;
    let grid = spec.build()?;
    let tuning = args.tuning.tuning();
    for knob in mandel_variants::Knob::ALL {
        if knob.is_set(&tuning) && !variant.knobs.contains(&knob) {
            eprintln!(
                "note: {} has no effect on variant {}",
                knob.flag(),
                variant.name
            );
        }
    }
    let run = measure::run_once(variant, &grid, &tuning)?;
    let reference = reference::compute(&grid.problem());
    let limit = limit::probe(limit::Effort::Quick);
    let throughput = limit::throughput(reference.inner_iterations, run.seconds);
    let logical_cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let ranks = mandel_variants::parallel::mpi_jobs::ranks()
        .filter(|_| variant.name == mandel_variants::parallel::mpi_jobs::VARIANT.name);
    // For mpi, the workers are its ranks (`cargo xtask mpi --ranks 1` uses one core).
    let cores = limit::cores_used(variant.name, ranks.or(tuning.threads), logical_cores);
    let share = throughput.zip(cores).and_then(|(t, c)| limit.share(t, c));
    let check: Validation = validate::check(&run.counts, &reference, variant.exactness);
    if let Some(path) = &args.image {
        image::write_png(path, &run.counts, grid.columns(), spec.maxiter)
            .with_context(|| format!("cannot write the image {}", path.display()))?;
    }
    let known_sum = known::lookup(&spec).map(|k| k.validation_sum);
    match args.format {
        Format::Json => {
            let record = RunRecord {
                variant: variant.name,
                family: variant.family.as_str(),
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
                ranks,
                isa: run.isa.map(|i| i.name()),
                lanes: run.isa.map(|i| i.lanes()),
                throughput_g_per_s: throughput,
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
            if let Some(ranks) = ranks {
                outln!("MPI ranks: {ranks} (rank 0 serves the work units and computes too)")?;
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
                outln!(
                    "Throughput: {t:.3} G iterations/s ({} inner iterations){against}",
                    reference.inner_iterations
                )?;
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
