//! `cargo xtask sweep threads` (and its old name `sweep-threads`): build in release and run the
//! lab's thread sweep, then, where OpenMPI is installed, add `mpi` at each rank count: one
//! `mpirun` per count, each merging its point into `reports/sweeps/threads.json` against the same
//! baseline.

use std::process::ExitCode;

use anyhow::Result;

use crate::mpi::{self, Launch};
use crate::{lab, stdout};

/// Options of `sweep-threads` that belong to the thread sweep alone, with whether they take a value.
const THREADS_ONLY: &[(&str, bool)] = &[
    ("--threads", true),
    ("--values", true),
    ("--variants", true),
];

/// `command` is the lab's command: `["sweep", "threads"]`, or the old `["sweep-threads"]`.
pub fn run(command: &[&str], args: &[String]) -> Result<ExitCode> {
    let wants_help = args.iter().any(|a| a == "--help" || a == "-h");
    let no_mpi = args.iter().any(|a| a == "--no-mpi");
    let args: Vec<String> = args.iter().filter(|a| *a != "--no-mpi").cloned().collect();
    let (ranks, args) = match rank_counts(&args) {
        Ok(parsed) => parsed,
        Err(message) => return Ok(lab::bad_input(&message)),
    };
    let (launch, args) = match Launch::parse(&args, false) {
        Ok(parsed) => parsed,
        Err(message) => return Ok(lab::bad_input(&message)),
    };
    for &n in ranks.iter().flatten() {
        if let Err(message) = launch.check_ranks(n) {
            return Ok(lab::bad_input(&message));
        }
    }
    let binary = lab::build_release(&[])?;
    let lab_command = |rest: &[String]| -> Vec<String> {
        command
            .iter()
            .map(|c| c.to_string())
            .chain(rest.iter().cloned())
            .collect()
    };
    let code = lab::run(&binary, &lab_command(&args))?;
    if wants_help {
        stdout::println(
            "\nxtask options: --ranks 1,2,4 (mpi rank counts; default 1 to the cores and twice \
             the cores), --no-mpi, --hostfile FILE, --timeout SECS, --verbose",
        )?;
    }
    if wants_help || code != ExitCode::SUCCESS || no_mpi {
        return Ok(code);
    }
    if let Some(tool) = mpi::missing_tool() {
        eprintln!(
            "xtask: mpi not swept: {tool} not found (install OpenMPI: {}; then rerun)",
            mpi::INSTALL
        );
        return Ok(code);
    }
    let mpi_binary = mpi::build()?;
    let mut lab_args = lab_command(&lab::options(&args, THREADS_ONLY, false));
    lab_args.extend(["--variants", "mpi", "--merge"].map(String::from));
    for ranks in ranks.unwrap_or_else(default_ranks) {
        eprintln!("xtask: mpi on {ranks} ranks (mpirun -n {ranks})");
        let launch = Launch {
            ranks,
            ..launch.clone()
        };
        let code = launch.run(&mpi_binary, &lab_args)?;
        if code != ExitCode::SUCCESS {
            return Ok(code);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One rank up to the cores, then twice the cores, as for threads.
fn default_ranks() -> Vec<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut counts: Vec<usize> = (1..=cores).collect();
    counts.push(2 * cores);
    counts
}

/// Takes `--ranks 1,2,4` out of `args`.
fn rank_counts(args: &[String]) -> Result<(Option<Vec<usize>>, Vec<String>), String> {
    let ranks = lab::options(args, &[("--ranks", true)], true);
    let rest = lab::options(args, &[("--ranks", true)], false);
    let Some(list) = ranks.last() else {
        return Ok((None, rest));
    };
    let list = list.strip_prefix("--ranks=").unwrap_or(list);
    if list == "--ranks" {
        return Err("--ranks needs a value, e.g. --ranks 1,2,4".into());
    }
    let mut counts = list
        .split(',')
        .map(mpi::parse_ranks)
        .collect::<Result<Vec<_>, _>>()?;
    counts.sort_unstable();
    counts.dedup();
    Ok((Some(counts), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rank_counts_are_parsed_and_removed() {
        let (ranks, rest) = rank_counts(&strings(&["--quick", "--ranks", "4,1,2,2"])).unwrap();
        assert_eq!(ranks, Some(vec![1, 2, 4]));
        assert_eq!(rest, ["--quick"]);
        let (ranks, _) = rank_counts(&strings(&["--ranks=3"])).unwrap();
        assert_eq!(ranks, Some(vec![3]));
        assert!(rank_counts(&strings(&["--ranks", "0"])).is_err());
        assert!(rank_counts(&strings(&["--ranks"])).is_err());
    }

    #[test]
    fn the_mpi_runs_get_the_problem_but_not_the_thread_options() {
        let args = strings(&[
            "--threads",
            "1,2",
            "--quick",
            "--variants=rayon-rows",
            "--width",
            "9",
        ]);
        assert_eq!(
            lab::options(&args, THREADS_ONLY, false),
            ["--quick", "--width", "9"]
        );
    }
}
