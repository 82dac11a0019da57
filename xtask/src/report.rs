//! `cargo xtask report`: build in release, measure and render with `mandel-lab report` (where
//! OpenMPI is installed, the MPI variant is then measured under `mpirun`, one rank per core, and
//! merged into the same results, so the report's multi-core table holds it beside the rayon
//! variants), then profile every variant on the problem the report measured (unless
//! `--no-profile`), append the history line and re-render the page with both.
//!
//! The profiles come after the measurement because `--quick` chooses its problem on the machine
//! (see the lab's `quick` module): `profile --problem-from <out>/results.json` profiles that one,
//! into `--flamegraphs`, the folder the page links.

use std::process::{ExitCode, Stdio};

use anyhow::Result;
use clap::Args;
use mandel_lab_options::{HistoryArgs, ProfileArgs, defaults};

use crate::lab;
use crate::mpi::{self, Launch};
use crate::staged::Staged;

/// `cargo xtask report`: the lab's `report` options, and xtask's own.
#[derive(Debug, Args)]
pub struct ReportCommand {
    #[command(flatten)]
    pub lab: mandel_lab_options::ReportArgs,
    /// Skip the profiling stage (the page then links the profiles already in --flamegraphs).
    #[arg(long, help_heading = "xtask options")]
    pub no_profile: bool,
}

/// Measures and renders (see [`measure_and_render`]); then, after a measurement that passed,
/// profiles its problem, appends its line to `reports/history.jsonl` and re-renders the page so
/// that it links the profiles and its History section includes the run.
pub fn run(args: &ReportCommand) -> Result<ExitCode> {
    let report = &args.lab;
    let binary = lab::build_release(&[])?;
    if report.render_only || report.check {
        return lab::run(&binary, &lab::argv(&["report"], report));
    }
    // Every option checked before anything runs: a typo is refused now, not after profiling.
    let check = mandel_lab_options::ReportArgs {
        check: true,
        ..report.clone()
    };
    let code = lab::run(&binary, &lab::argv(&["report"], &check))?;
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    // One transaction for the whole command: the report folder (results, exports, pictures,
    // page, criterion's folder and log, the history line) and the profiles change together at
    // the end, or not at all.
    let mut folders = vec![report.out.as_path()];
    if !args.no_profile {
        folders.push(report.flamegraphs.as_path());
    }
    let staged = match Staged::begin(&folders) {
        Ok(staged) => staged,
        Err(message) => return Ok(lab::bad_input(&message)),
    };
    let code = steps(args, &binary)?;
    if code != ExitCode::SUCCESS {
        staged.say_kept(code);
        return Ok(code);
    }
    staged.commit()?;
    eprintln!(
        "xtask: {} re-rendered with the profiles and the history",
        report.out.join("index.html").display()
    );
    // The answer last, where the reader's eye is when the command ends.
    let verdict = mandel_lab_options::VerdictArgs {
        out: report.out.clone(),
    };
    lab::run(&binary, &lab::argv(&["verdict"], &verdict))
}

/// The steps of `report` after the check, each a lab command into the staged folders.
fn steps(args: &ReportCommand, binary: &std::path::Path) -> Result<ExitCode> {
    let report = &args.lab;
    let code = measure_and_render(binary, report)?;
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    if !args.no_profile {
        let code = lab::run(binary, &lab::argv(&["profile"], &profile_args(report)?))?;
        if code != ExitCode::SUCCESS {
            return Ok(code);
        }
    }
    let history = HistoryArgs {
        append: true,
        out: report.out.clone(),
        flamegraphs: report.flamegraphs.clone(),
    };
    let append = lab::run(binary, &lab::argv(&["history"], &history))?;
    if append != ExitCode::SUCCESS {
        return Ok(append);
    }
    let again = mandel_lab_options::ReportArgs {
        render_only: true,
        out: report.out.clone(),
        flamegraphs: report.flamegraphs.clone(),
        ..defaults()?
    };
    lab::run_rerender(binary, &lab::argv(&["report"], &again))
}

/// The profiling stage of `report`: its variants and `--quick`, on the problem the report
/// measured (`--problem-from`), into the folder the page links (`--flamegraphs`).
fn profile_args(report: &mandel_lab_options::ReportArgs) -> Result<ProfileArgs> {
    Ok(ProfileArgs {
        variants: report.variants.clone(),
        quick: report.quick,
        problem_from: Some(report.out.join("results.json")),
        out: report.flamegraphs.clone(),
        ..defaults()?
    })
}

/// Measures and renders; where the report's variants include the MPI
/// one and OpenMPI is installed, measures it under mpirun and merges it in.
fn measure_and_render(
    binary: &std::path::Path,
    report: &mandel_lab_options::ReportArgs,
) -> Result<ExitCode> {
    let mpi_variant = lab::mpi_variant(binary)?;
    let with_mpi = selects(report.variants.as_deref(), &mpi_variant);
    let missing = with_mpi.then(mpi::missing_tool).flatten();
    if let Some(tool) = missing {
        eprintln!(
            "xtask: {mpi_variant} not measured: {tool} not found (install OpenMPI: {}; then rerun)",
            mpi::INSTALL
        );
    }
    if !with_mpi || missing.is_some() {
        return lab::run(binary, &lab::argv(&["report"], report));
    }
    // The tables are printed once, by the run that merges the MPI variant in.
    let code = lab::run_with(binary, &lab::argv(&["report"], report), Stdio::null())?;
    if code == ExitCode::FAILURE {
        // A variant failed validation: show the tables that say which, and stop there.
        lab::run(binary, &lab::argv(&["report"], &rerender(report)))?;
    }
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    let launch = Launch {
        ranks: std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
        ..Launch::default()
    };
    eprintln!(
        "xtask: measuring {mpi_variant} under mpirun -n {}",
        launch.ranks
    );
    let merge = mandel_lab_options::ReportArgs {
        variants: Some(mpi_variant),
        merge: true,
        ..report.clone()
    };
    let merged = mpi::build()
        .and_then(|mpi_binary| launch.run(&mpi_binary, &lab::argv(&["report"], &merge)));
    match merged {
        Ok(code) if code == ExitCode::SUCCESS => Ok(code),
        // Said once, as an interruption, by `main`.
        Err(e) if e.is::<crate::interrupt::Interrupted>() => Err(e),
        other => {
            if let Err(e) = &other {
                eprintln!(
                    "error: {} not measured: {e:#}",
                    merge.variants.unwrap_or_default()
                );
            }
            // The report without the MPI variant is written; print its tables.
            lab::run(binary, &lab::argv(&["report"], &rerender(report)))?;
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `report` turned into a re-render of the saved results (same folders and format).
fn rerender(report: &mandel_lab_options::ReportArgs) -> mandel_lab_options::ReportArgs {
    mandel_lab_options::ReportArgs {
        variants: None,
        no_criterion: false,
        render_only: true,
        ..report.clone()
    }
}

/// Whether the variant list `--variants` gives selects `variant` (no list is every variant; an
/// empty one never gets here, refused by `mandel_lab_options::variant_list` as the lab refuses it).
fn selects(list: Option<&str>, variant: &str) -> bool {
    list.is_none_or(|list| list.split(',').any(|v| v.trim() == variant))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use mandel_lab_options::ToArgv;

    #[derive(Debug, Parser)]
    struct Report {
        #[command(flatten)]
        args: ReportCommand,
    }

    fn parse(args: &[&str]) -> ReportCommand {
        Report::try_parse_from(std::iter::once("report").chain(args.iter().copied()))
            .unwrap()
            .args
    }

    #[test]
    fn the_profile_gets_the_reports_problem_variants_and_folder() {
        let args = parse(&[
            "--quick",
            "--samples",
            "20",
            "--variants",
            "a,b",
            "--maxiter=300",
            "--out",
            "r",
            "--flamegraphs",
            "f",
        ]);
        // The problem reaches the profile through --problem-from, never as options.
        assert_eq!(
            profile_args(&args.lab).unwrap().to_argv(),
            [
                "--variants=a,b",
                "--seconds=3",
                "--frequency=997",
                "--quick",
                "--problem-from=r/results.json",
                "--out=f"
            ]
        );
    }

    #[test]
    fn options_come_in_any_order() {
        let a = parse(&[
            "--no-profile",
            "--quick",
            "--region=-0.753,-0.746,0.1,0.107",
        ]);
        let b = parse(&[
            "--region=-0.753,-0.746,0.1,0.107",
            "--quick",
            "--no-profile",
        ]);
        assert_eq!(a.lab, b.lab);
        assert!(a.no_profile && b.no_profile);
        assert_eq!(a.lab.problem.region.to_string(), "-0.753,-0.746,0.1,0.107");
    }

    #[test]
    fn no_variant_list_is_every_variant_and_a_list_is_its_names() {
        assert!(selects(None, "m"));
        assert!(selects(Some("a, m"), "m"));
        assert!(!selects(Some("a"), "m"));
    }

    #[test]
    fn an_empty_or_repeating_variant_list_is_refused_when_parsed() {
        for list in ["", " ", "a,a"] {
            let parsed = Report::try_parse_from(["report", "--variants", list]);
            assert!(parsed.is_err(), "{list:?} was accepted");
        }
    }
}
