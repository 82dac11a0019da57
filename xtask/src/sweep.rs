//! `cargo xtask sweep <axis>` (and the old name `sweep-threads`): build in release and run the
//! lab's sweep; along threads, then, where OpenMPI is installed, add the MPI variant at each rank
//! count: one `mpirun` per count, each merging its point into `reports/sweeps/threads.json`
//! against the same baseline.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use mandel_lab_options::{SweepCommonArgs, SweepThreadsArgs as LabThreadsArgs, ToArgv};

use crate::lab;
use crate::mpi::{self, Launch, LaunchArgs};
use crate::staged::Staged;

/// The axis whose sweep xtask completes with the MPI variant.
const THREADS: &str = "threads";

/// `cargo xtask sweep <axis>`: the lab's `sweep` options, and xtask's own for the threads axis.
#[derive(Debug, Args)]
pub struct SweepCommand {
    #[command(flatten)]
    pub lab: mandel_lab_options::SweepArgs,
    #[command(flatten)]
    pub mpi: MpiSweepArgs,
}

/// `cargo xtask sweep-threads`: the lab's `sweep-threads` options, and xtask's own.
#[derive(Debug, Args)]
pub struct SweepThreadsCommand {
    #[command(flatten)]
    pub lab: LabThreadsArgs,
    #[command(flatten)]
    pub mpi: MpiSweepArgs,
}

/// xtask's options of the thread sweep: the MPI variant's rank counts and launch.
#[derive(Debug, Clone, Default, PartialEq, Args)]
#[command(next_help_heading = "xtask options (sweep threads)")]
pub struct MpiSweepArgs {
    /// MPI rank counts for the MPI variant (default: 1 to the cores, and twice the cores).
    #[arg(long, value_name = "N,N,...", value_parser = parse_rank_list)]
    pub ranks: Option<RankList>,
    /// Sweep threads without the MPI variant.
    #[arg(long)]
    pub no_mpi: bool,
    #[command(flatten)]
    pub launch: LaunchArgs,
}

/// Rank counts, sorted, without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankList(pub Vec<usize>);

/// Parses `--ranks 1,2,4`.
fn parse_rank_list(text: &str) -> Result<RankList, String> {
    let mut counts = text
        .split(',')
        .map(mpi::parse_ranks)
        .collect::<Result<Vec<_>, _>>()?;
    counts.sort_unstable();
    counts.dedup();
    Ok(RankList(counts))
}

/// `sweep <axis>`: along threads, the sweep and the MPI variant; along any other axis, the lab's
/// sweep alone (xtask's thread options refused).
pub fn run(args: SweepCommand) -> Result<ExitCode> {
    if args.lab.axis != THREADS {
        if args.mpi != MpiSweepArgs::default() {
            return Ok(lab::bad_input(&format!(
                "--ranks, --no-mpi, --hostfile, --rsh-agent, --tcp-include, --timeout and \
                 --verbose belong to `sweep {THREADS}`, not `sweep {}`",
                args.lab.axis
            )));
        }
        return lab::build_and_run(&["sweep"], &args.lab);
    }
    let mpi_run = |common: SweepCommonArgs| mandel_lab_options::SweepArgs {
        values: None,
        common,
        ..args.lab.clone()
    };
    threads(&["sweep"], &args.lab, &args.lab.common, &args.mpi, mpi_run)
}

/// `sweep-threads`, the old name of `sweep threads`.
pub fn run_old_threads(args: SweepThreadsCommand) -> Result<ExitCode> {
    let mpi_run = |common: SweepCommonArgs| LabThreadsArgs {
        threads: None,
        common,
    };
    threads(
        &["sweep-threads"],
        &args.lab,
        &args.lab.common,
        &args.mpi,
        mpi_run,
    )
}

/// The thread sweep (`command` with `sweep`'s options), then the MPI variant at each rank count,
/// each run being `mpi_run` of the common options with the MPI variant and `--merge`.
fn threads<T: ToArgv>(
    command: &[&str],
    sweep: &dyn ToArgv,
    common: &SweepCommonArgs,
    opts: &MpiSweepArgs,
    mpi_run: impl Fn(SweepCommonArgs) -> T,
) -> Result<ExitCode> {
    let launch = match Launch::new(&opts.launch, None) {
        Ok(launch) => launch,
        Err(message) => return Ok(lab::bad_input(&message)),
    };
    for &n in opts.ranks.iter().flat_map(|r| &r.0) {
        if let Err(message) = launch.check_ranks(n) {
            return Ok(lab::bad_input(&message));
        }
    }
    let binary = lab::build_release(&[])?;
    if opts.no_mpi {
        return lab::run(&binary, &lab::argv(command, sweep));
    }
    // One transaction: the sweep and every rank count's merged point land together, or none.
    let staged = match Staged::begin(&[common.out.as_path()]) {
        Ok(staged) => staged,
        Err(message) => return Ok(lab::bad_input(&message)),
    };
    let code = threads_steps(command, sweep, common, opts, &launch, &binary, mpi_run)?;
    if code != ExitCode::SUCCESS {
        staged.say_kept(code);
        return Ok(code);
    }
    staged.commit()?;
    Ok(code)
}

/// The thread sweep and the MPI variant's points, into the staged report folder.
fn threads_steps<T: ToArgv>(
    command: &[&str],
    sweep: &dyn ToArgv,
    common: &SweepCommonArgs,
    opts: &MpiSweepArgs,
    launch: &Launch,
    binary: &std::path::Path,
    mpi_run: impl Fn(SweepCommonArgs) -> T,
) -> Result<ExitCode> {
    let code = lab::run(binary, &lab::argv(command, sweep))?;
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    let mpi_variant = lab::mpi_variant(binary)?;
    if let Some(tool) = mpi::missing_tool() {
        eprintln!(
            "xtask: {mpi_variant} not swept: {tool} not found (install OpenMPI: {}; then rerun)",
            mpi::INSTALL
        );
        return Ok(code);
    }
    let mpi_binary = mpi::build()?;
    let run = mpi_run(SweepCommonArgs {
        variants: Some(mpi_variant.clone()),
        merge: true,
        ..common.clone()
    });
    let ranks = opts
        .ranks
        .as_ref()
        .map_or_else(default_ranks, |r| r.0.clone());
    for ranks in ranks {
        eprintln!("xtask: {mpi_variant} on {ranks} ranks (mpirun -n {ranks})");
        let launch = Launch {
            ranks,
            ..launch.clone()
        };
        let code = launch.run(&mpi_binary, &lab::argv(command, &run))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Sweep {
        #[command(flatten)]
        args: SweepCommand,
    }

    fn parse(args: &[&str]) -> Result<SweepCommand, clap::Error> {
        Sweep::try_parse_from(std::iter::once("sweep").chain(args.iter().copied())).map(|s| s.args)
    }

    #[test]
    fn rank_counts_are_sorted_and_deduplicated() {
        assert_eq!(parse_rank_list("4,1,2,2"), Ok(RankList(vec![1, 2, 4])));
        assert!(parse_rank_list("0").is_err());
        assert!(parse_rank_list("1,,2").is_err());
    }

    #[test]
    fn options_before_the_axis_are_the_same_as_after_it() {
        let before = parse(&["--quick", "--ranks", "2", THREADS]).unwrap();
        let after = parse(&[THREADS, "--ranks", "2", "--quick"]).unwrap();
        assert_eq!(before.lab, after.lab);
        assert_eq!(before.mpi, after.mpi);
        assert!(before.lab.common.quick);
        assert_eq!(before.mpi.ranks, Some(RankList(vec![2])));
    }

    #[test]
    fn a_repeated_option_is_refused() {
        let e = parse(&[THREADS, "--ranks", "2", "--ranks", "3"]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
