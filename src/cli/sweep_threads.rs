//! `mandel-lab sweep-threads`: every parallel variant against thread count, under criterion.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use tabled::builder::Builder;
use tabled::settings::Style;

use super::ProblemArgs;
use super::progress::Quiet;
use crate::bench::BenchSettings;
use crate::export::format_timing;
use crate::sweep_threads::{self, ThreadSweep};
use crate::{LabError, report};
use mandel_variants::parallel::mpi_jobs;

#[derive(Debug, Args)]
pub(super) struct SweepThreadsArgs {
    /// Comma-separated thread counts (default: 1 up to the cores, and twice the cores).
    #[arg(long, value_name = "N,N,...")]
    threads: Option<String>,
    /// Comma-separated parallel variants (default: every one that takes --threads).
    #[arg(long, value_name = "A,B,...")]
    variants: Option<String>,
    #[command(flatten)]
    problem: ProblemArgs,
    /// maxiter 300 (unless given) and short criterion settings.
    #[arg(long)]
    quick: bool,
    /// Criterion samples per point (at least 10).
    #[arg(long, value_name = "N")]
    samples: Option<usize>,
    /// The report folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    out: PathBuf,
    /// Add the measured points to the sweep already in the report folder (same problem), using
    /// its baseline: how `cargo xtask sweep-threads` adds `mpi` at each rank count.
    #[arg(long)]
    merge: bool,
}

pub(super) fn run(args: SweepThreadsArgs) -> anyhow::Result<ExitCode> {
    let mut spec = args.problem.spec()?;
    if args.quick && !args.problem.is_explicit() {
        spec.maxiter = 300;
    }
    spec.build()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let counts = match &args.threads {
        Some(text) => sweep_threads::parse_counts(text)?,
        None => sweep_threads::default_counts(cores),
    };
    let variants = match &args.variants {
        None => sweep_threads::parallel_variants(),
        Some(names) => {
            let chosen = report::select(Some(names))?;
            if chosen.iter().any(|v| v.name == mpi_jobs::VARIANT.name)
                && mpi_jobs::ranks().is_none()
            {
                return Err(LabError::bad_input(
                    "mpi is swept against rank count by `cargo xtask sweep-threads`, which starts \
                     this command under mpirun once per rank count",
                )
                .into());
            }
            if let Some(v) = chosen.iter().find(|v| {
                v.name != mpi_jobs::VARIANT.name
                    && !v.knobs.contains(&mandel_variants::Knob::Threads)
            }) {
                return Err(LabError::bad_input(format!(
                    "variant {} does not take --threads; parallel variants: {}",
                    v.name,
                    sweep_threads::parallel_variants()
                        .iter()
                        .map(|v| v.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .into());
            }
            chosen
        }
    };
    let mut settings = if args.quick {
        BenchSettings::QUICK
    } else {
        BenchSettings::SWEEP
    };
    settings = settings.with_samples(args.samples)?;
    let earlier = if args.merge {
        let earlier = ThreadSweep::load(&args.out)?
            .filter(|s| s.spec == spec)
            .ok_or_else(|| {
                LabError::bad_input(format!(
                    "--merge needs a sweep of the same problem in {}/{}: run sweep-threads \
                     without --merge first",
                    args.out.display(),
                    sweep_threads::JSON_FILE
                ))
            })?;
        Some(earlier)
    } else {
        None
    };
    let steps = usize::from(earlier.is_none())
        + variants
            .iter()
            .map(|v| match v.name == mpi_jobs::VARIANT.name {
                true => 1,
                false => counts.len(),
            })
            .sum::<usize>();
    let quiet = Quiet::start(&args.out.join("criterion.log"), steps as u64)?;
    let result = sweep_threads::run(
        &spec,
        &variants,
        &counts,
        &settings,
        &args.out.join("criterion"),
        earlier.as_ref().map(|e| e.baseline_timing.clone()),
        |variant, count| {
            quiet.bar.inc(1);
            quiet.bar.set_message(format!(
                "{variant} on {}",
                sweep_threads::count_label(variant, count)
            ));
        },
    );
    quiet.finish();
    let sweep = match (result?, earlier) {
        (new, Some(mut earlier)) => {
            earlier.merge(new.points);
            earlier
        }
        (new, None) => new,
    };
    sweep.save(&args.out)?;
    print_table(&sweep);
    if let Some(best) = sweep.best() {
        println!(
            "best: {} on {}, {:.2}x {}",
            best.variant,
            sweep_threads::count_label(&best.variant, best.threads),
            best.speedup.unwrap_or(0.0),
            sweep.baseline
        );
    }
    println!(
        "Written {}/{}",
        args.out.display(),
        sweep_threads::JSON_FILE
    );
    Ok(super::exit_code_for_statuses(
        sweep.points.iter().map(|p| p.status),
    ))
}

/// The sweep as a terminal table.
fn print_table(sweep: &ThreadSweep) {
    let mut b = Builder::default();
    b.push_record([
        "variant",
        "threads (ranks for mpi)",
        "median ± spread",
        "speed-up",
        "efficiency",
        "validation",
    ]);
    let t = &sweep.baseline_timing;
    b.push_record([
        sweep.baseline.clone(),
        "1".into(),
        format_timing(Some(t)),
        "1.00x".into(),
        "-".into(),
        "baseline".into(),
    ]);
    for p in &sweep.points {
        b.push_record([
            p.variant.clone(),
            p.threads.to_string(),
            format_timing(p.timing.as_ref()),
            p.speedup.map_or("-".into(), |s| format!("{s:.2}x")),
            p.efficiency
                .map_or("-".into(), |e| format!("{:.0}%", 100.0 * e)),
            format!("{} {}", p.status.label(), p.validation_sum),
        ]);
    }
    println!("{}", b.build().with(Style::rounded()));
}
