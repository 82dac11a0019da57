//! `mandel-lab sweep-chunks`: `vector-chunked` under criterion at each chunk size, as the
//! tutorial swept numpy_vector_2.py's STEP_SIZE.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use tabled::builder::Builder;
use tabled::settings::Style;

use super::ProblemArgs;
use super::progress::Quiet;
use crate::bench::BenchSettings;
use crate::export::format_timing;
use crate::machine::human_size;
use crate::{LabError, charts, fsutil, report, sweep};

#[derive(Debug, Args)]
pub(super) struct SweepArgs {
    /// Comma-separated chunk sizes (default: the tutorial's, the whole grid, and log-spaced sizes
    /// between them).
    #[arg(long, value_name = "N,N,...")]
    sizes: Option<String>,
    #[command(flatten)]
    problem: ProblemArgs,
    /// maxiter 100 (unless given), the tutorial's sizes only, short criterion settings.
    #[arg(long)]
    quick: bool,
    /// Criterion samples per size (at least 10).
    #[arg(long, value_name = "N")]
    samples: Option<usize>,
    /// The report folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    out: PathBuf,
}

pub(super) fn run(args: SweepArgs) -> anyhow::Result<ExitCode> {
    let mut spec = args.problem.spec()?;
    if args.quick && !args.problem.is_explicit() {
        spec.maxiter = 100;
    }
    let pixels = spec.build()?.pixels();
    let sizes = match &args.sizes {
        Some(text) => sweep::parse_sizes(text, pixels)?,
        None if args.quick => {
            let mut s: Vec<usize> = crate::tutorial::STEP_SIZE_SWEEP
                .iter()
                .map(|(n, _)| (*n).min(pixels))
                .collect();
            s.push(pixels);
            s.sort_unstable();
            s.dedup();
            s
        }
        None => sweep::default_sizes(pixels),
    };
    let mut settings = BenchSettings::SWEEP;
    if args.quick {
        settings = BenchSettings::QUICK;
    }
    settings = settings.with_samples(args.samples)?;
    let variant = report::find_variant(sweep::VARIANT)?;
    let quiet = Quiet::start(&args.out.join("criterion.log"), sizes.len() as u64)?;
    let mut first = true;
    let result = sweep::run(
        variant,
        &spec,
        &sizes,
        &settings,
        &args.out.join("criterion"),
        |chunk| {
            if !first {
                quiet.bar.inc(1);
            }
            first = false;
            quiet.bar.set_message(format!("chunk {chunk}"));
        },
    );
    quiet.finish();
    let sweep = result?;
    sweep.save(&args.out)?;
    if let Some(svg) = charts::sweep_chart(&sweep)
        .map_err(|e| LabError::bad_input(format!("cannot draw the sweep: {e}")))?
    {
        fsutil::atomic_write(&args.out.join(sweep::SVG_FILE), svg.as_bytes())?;
    }
    print_table(&sweep);
    if let Some(reading) = sweep.reading() {
        println!("{reading}");
    }
    println!(
        "Written {0}/{1}, {0}/{2} and {0}/{3}",
        args.out.display(),
        sweep::JSON_FILE,
        sweep::CSV_FILE,
        sweep::SVG_FILE
    );
    Ok(super::exit_code_for_statuses(
        sweep.points.iter().map(|p| p.status),
    ))
}

fn print_table(sweep: &sweep::Sweep) {
    let best = sweep
        .best()
        .and_then(|b| b.timing.as_ref())
        .map(|t| t.median);
    let mut b = Builder::default();
    b.push_record([
        "chunk",
        "working set",
        "median ± spread",
        "vs best",
        "validation",
    ]);
    for p in &sweep.points {
        let (time, rel) = match (&p.timing, best) {
            (Some(t), Some(best)) => (format_timing(Some(t)), format!("{:.2}x", t.median / best)),
            _ => ("-".into(), "-".into()),
        };
        b.push_record([
            p.chunk.to_string(),
            human_size(p.working_set_bytes),
            time,
            rel,
            format!("{} {}", p.status.label(), p.validation_sum),
        ]);
    }
    println!("{}", b.build().with(Style::rounded()));
}
