//! `mandel-lab report`: every available variant once, validated, as a table and results JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::ProblemArgs;
use crate::validate::Status;
use crate::{report, table};

#[derive(Debug, Args)]
pub(super) struct ReportArgs {
    #[command(flatten)]
    problem: ProblemArgs,
    /// Comma-separated variants to run (default: all).
    #[arg(long, value_name = "A,B,...")]
    variants: Option<String>,
    /// Where to write the results.
    #[arg(long, value_name = "PATH", default_value = "reports/results.json")]
    out: PathBuf,
}

pub(super) fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let spec = args.problem.spec()?;
    let selection = report::select(args.variants.as_deref())?;
    let bar = ProgressBar::new(selection.len() as u64 + 1).with_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg} ({elapsed})")
            .expect("static template")
            .progress_chars("=> "),
    );
    let mut started = false;
    let results = report::run_all(&spec, &selection, |name| {
        if started {
            bar.inc(1);
        }
        started = true;
        bar.set_message(format!("running {name}"));
    })?;
    bar.finish_and_clear();
    results.save(&args.out)?;
    let p = &results.problem;
    println!(
        "{} x {} pixels, maxiter {}, reference sum {}{}",
        p.columns,
        p.rows,
        p.maxiter,
        p.reference_sum,
        p.known_sum
            .map_or(String::new(), |k| format!(" (tutorial: {k})"))
    );
    println!("{}", table::results_table(&results));
    println!("Results written to {}", args.out.display());
    let failed = results.variants.iter().any(|v| v.status == Status::Fail);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
