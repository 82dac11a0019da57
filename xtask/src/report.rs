//! `cargo xtask report`: build in release, measure and render with `mandel-lab report` (where
//! OpenMPI is installed, `mpi` is then measured under `mpirun`, one rank per core, and merged into
//! the same results, so the report's multi-core table holds it beside the rayon variants), then
//! profile every variant on the problem the report measured (unless `--no-profile`), append the
//! history line and re-render the page with both.
//!
//! The profiles come after the measurement because `--quick` chooses its problem on the machine
//! (see the lab's `quick` module): `profile --problem-from <out>/results.json` profiles that one.

use std::process::{ExitCode, Stdio};

use anyhow::Result;

use crate::lab;
use crate::mpi::{self, Launch};

/// Options of `report` that `profile` takes too, with whether they take a value (the problem
/// reaches it through `--problem-from`).
const SHARED: &[(&str, bool)] = &[("--quick", false), ("--variants", true)];

/// Measures and renders (see [`measure_and_render`]); then, after a measurement that passed,
/// profiles its problem, appends its line to `reports/history.jsonl` and re-renders the page so
/// that it links the profiles and its History section includes the run.
pub fn run(args: &[String]) -> Result<ExitCode> {
    let code = measure_and_render(args)?;
    let measured = !args
        .iter()
        .any(|a| a == "--render-only" || a == "--help" || a == "-h");
    if code != ExitCode::SUCCESS || !measured {
        return Ok(code);
    }
    let binary = lab::build_release(&[])?;
    let out = last_value(args, "--out").unwrap_or_else(|| "reports".into());
    if !args.iter().any(|a| a == "--no-profile") {
        let mut profile = lab::options(args, SHARED, true);
        profile.extend(["--problem-from".into(), format!("{out}/results.json")]);
        if let Some(dir) = last_value(args, "--flamegraphs") {
            profile.extend(["--out".into(), dir]);
        }
        let code = lab::run(&binary, &lab::with_command("profile", &profile))?;
        if code != ExitCode::SUCCESS {
            return Ok(code);
        }
    }
    let folders = lab::options(args, &[("--out", true)], true);
    let append = lab::run(
        &binary,
        &lab::with_command("history", &[vec!["--append".into()], folders].concat()),
    )?;
    if append != ExitCode::SUCCESS {
        return Ok(append);
    }
    let mut again = lab::options(args, &[("--out", true), ("--flamegraphs", true)], true);
    again.push("--render-only".into());
    let code = lab::run_with(&binary, &lab::with_command("report", &again), Stdio::null())?;
    if code == ExitCode::SUCCESS {
        eprintln!("xtask: {out}/index.html re-rendered with the profiles and the history");
    }
    Ok(code)
}

/// The value of the last `name VALUE` or `name=VALUE` in `args`.
fn last_value(args: &[String], name: &str) -> Option<String> {
    let found = lab::options(args, &[(name, true)], true);
    let last = found.last()?;
    Some(match last.strip_prefix(&format!("{name}=")) {
        Some(value) => value.to_string(),
        None => last.clone(),
    })
}

fn measure_and_render(args: &[String]) -> Result<ExitCode> {
    let report_args: Vec<String> = args
        .iter()
        .filter(|a| *a != "--no-profile")
        .cloned()
        .collect();
    let wants_help = args.iter().any(|a| a == "--help" || a == "-h");
    let render_only = args.iter().any(|a| a == "--render-only");
    let binary = lab::build_release(&[])?;
    if !(render_only || wants_help) {
        // Every option checked before anything runs: a typo is refused now, not after profiling.
        let mut check = lab::with_command("report", &report_args);
        check.push("--check".into());
        let code = lab::run(&binary, &check)?;
        if code != ExitCode::SUCCESS {
            return Ok(code);
        }
    }
    let with_mpi = !(render_only || wants_help) && selects_mpi(args);
    let missing = with_mpi.then(mpi::missing_tool).flatten();
    if let Some(tool) = missing {
        eprintln!(
            "xtask: mpi not measured: {tool} not found (install OpenMPI: {}; then rerun)",
            mpi::INSTALL
        );
    }
    if !with_mpi || missing.is_some() {
        return lab::run(&binary, &lab::with_command("report", &report_args));
    }
    // The tables are printed once, by the run that merges mpi in.
    let code = lab::run_with(
        &binary,
        &lab::with_command("report", &report_args),
        Stdio::null(),
    )?;
    if code == ExitCode::FAILURE {
        // A variant failed validation: show the tables that say which, and stop there.
        lab::run(
            &binary,
            &lab::with_command("report", &rerender_args(&report_args)),
        )?;
    }
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    let launch = Launch {
        ranks: std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
        ..Launch::default()
    };
    eprintln!("xtask: measuring mpi under mpirun -n {}", launch.ranks);
    let mut merge_args = lab::options(&report_args, &[("--variants", true)], false);
    merge_args.extend(["--variants", "mpi", "--merge"].map(String::from));
    let merged = mpi::build()
        .and_then(|mpi_binary| launch.run(&mpi_binary, &lab::with_command("report", &merge_args)));
    match merged {
        Ok(code) if code == ExitCode::SUCCESS => Ok(code),
        other => {
            if let Err(e) = &other {
                eprintln!("error: mpi not measured: {e:#}");
            }
            // The report without mpi is written; print its tables.
            lab::run(
                &binary,
                &lab::with_command("report", &rerender_args(&report_args)),
            )?;
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `report_args` turned into a re-render of the saved results (same folder and format).
fn rerender_args(report_args: &[String]) -> Vec<String> {
    let mut args = lab::options(
        report_args,
        &[("--variants", true), ("--no-criterion", false)],
        false,
    );
    args.push("--render-only".into());
    args
}

/// Whether the report's variants include `mpi` (all do, unless `--variants` leaves it out; an
/// empty list is every variant, as the lab takes it).
fn selects_mpi(args: &[String]) -> bool {
    let chosen = lab::options(args, &[("--variants", true)], true);
    let list = match chosen.last() {
        None => return true,
        Some(last) => last.strip_prefix("--variants=").unwrap_or(last),
    };
    list.trim().is_empty() || list.split(',').any(|v| v.trim() == "mpi")
}

#[cfg(test)]
mod tests {
    use super::{SHARED, last_value, selects_mpi};
    use crate::lab::options;

    #[test]
    fn profile_gets_only_the_options_it_shares_with_report() {
        // The problem reaches the profile through --problem-from, never as options.
        let args: Vec<String> = [
            "--quick",
            "--samples",
            "20",
            "--variants",
            "naive",
            "--maxiter=300",
            "--render-only",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            options(&args, SHARED, true),
            ["--quick", "--variants", "naive"]
        );
    }

    #[test]
    fn an_empty_variant_list_is_every_variant_mpi_included() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(selects_mpi(&args(&["--quick"])));
        assert!(selects_mpi(&args(&["--variants", ""])));
        assert!(selects_mpi(&args(&["--variants="])));
        assert!(selects_mpi(&args(&["--variants", "naive,mpi"])));
        assert!(!selects_mpi(&args(&["--variants", "naive"])));
    }

    #[test]
    fn the_last_value_of_an_option_is_found_in_either_form() {
        let args: Vec<String> = ["--out", "a", "--quick", "--out=b", "--flamegraphs", "f"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(last_value(&args, "--out").as_deref(), Some("b"));
        assert_eq!(last_value(&args, "--flamegraphs").as_deref(), Some("f"));
        assert_eq!(last_value(&args, "--samples"), None);
    }
}
