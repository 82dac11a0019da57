//! `cargo xtask mpi`: build the lab with MPI and run the MPI variant under `mpirun`, and the
//! launcher the thread sweep and the report use for their MPI runs.
//!
//! Every failure ends in one line and a non-zero exit, never a hang: `mpirun --timeout` stops
//! every rank when the run takes too long, and a watchdog here kills `mpirun` itself if it does
//! not stop. mpirun's own multi-line notices are quietened (`-q`); `--verbose` brings them back.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use clap::Args;
use mandel_lab_options::{RunArgs, RunOptions};

use crate::{interrupt, lab};

/// `cargo xtask mpi`: xtask's launch options and the lab's `run` options.
///
/// Builds mandel-lab in release with the `mpi` feature (copied to target/xtask-labs/<checkout>/mpi/) and
/// runs `mpirun -n N mandel-lab run --variant <the MPI variant> [RUN OPTIONS]`. Rank 0 builds the
/// grid and serves the --chunks work units (default 16) on demand to every rank, itself
/// included; it validates the counts against the reference and prints the tutorial's lines.
/// Needs OpenMPI (Debian: sudo apt-get install openmpi-bin libopenmpi-dev libclang-dev).
#[derive(Debug, Args)]
#[command(next_help_heading = "xtask options")]
pub struct MpiArgs {
    /// MPI processes. On one machine, more ranks than cores oversubscribe.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = parse_ranks)]
    pub ranks: usize,
    #[command(flatten)]
    pub launch: LaunchArgs,
    /// `mandel-lab run`'s options, for the MPI variant's run.
    #[command(flatten, next_help_heading = "Run options")]
    pub run: RunOptions,
}

/// How mpirun starts the ranks, besides their number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct LaunchArgs {
    /// Run across the machines FILE lists (OpenMPI's hostfile format). The binary must be at the
    /// same path on every machine (build the same checkout there).
    #[arg(long, value_name = "FILE")]
    pub hostfile: Option<PathBuf>,
    /// Stop every rank after SECS seconds (default 600, at most a week).
    #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: Option<u64>,
    /// Show mpirun's own notices.
    #[arg(long)]
    pub verbose: bool,
}

/// The lab's cargo feature that links MPI.
const MPI_FEATURE: &str = "mpi"; // variant-name: allowed (the cargo feature, not the variant)

/// The Debian packages MPI needs.
pub const INSTALL: &str = "sudo apt-get install openmpi-bin libopenmpi-dev libclang-dev";

/// The tools the `mpi` build and launch need.
const TOOLS: [&str; 2] = ["mpirun", "mpicc"];

/// How to start the ranks.
#[derive(Debug, Clone)]
pub struct Launch {
    pub ranks: usize,
    pub hostfile: Option<PathBuf>,
    pub timeout: Duration,
    pub verbose: bool,
}

impl Default for Launch {
    fn default() -> Launch {
        Launch {
            ranks: 2,
            hostfile: None,
            timeout: Duration::from_secs(600),
            verbose: false,
        }
    }
}

/// The most ranks `--ranks` accepts with a `--hostfile` (the machines' cores are not known here).
const MAX_RANKS: usize = 1024;

/// The longest `--timeout`: a week. (A larger one overflowed the watchdog's deadline.)
const MAX_TIMEOUT_SECS: u64 = 7 * 24 * 3600;

/// Ranks per core accepted on this machine alone: the lab's limit on threads
/// (`mandel_variants::tuning::THREADS_PER_CORE`), which xtask cannot depend on. Ranks are whole
/// processes, so this is no less generous than it needs to be: 64 per core is far beyond useful
/// oversubscription, and 100000 ranks would never start.
const RANKS_PER_CORE: usize = 64;

/// Why `--ranks` text is not a usable rank count.
pub fn parse_ranks(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_RANKS).contains(&n) => Ok(n),
        _ => Err(format!(
            "'{text}' is not a rank count between 1 and {MAX_RANKS}"
        )),
    }
}

/// Why `--timeout` text is not a usable number of seconds.
fn parse_timeout(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(secs) if (1..=MAX_TIMEOUT_SECS).contains(&secs) => Ok(secs),
        _ => Err(format!(
            "'{text}' is not a whole number of seconds between 1 and \
             {MAX_TIMEOUT_SECS} (a week)"
        )),
    }
}

impl Launch {
    /// The launch `args` ask for, with `ranks` where given (checked against this machine).
    pub fn new(args: &LaunchArgs, ranks: Option<usize>) -> Result<Launch, String> {
        let mut launch = Launch {
            verbose: args.verbose,
            ..Launch::default()
        };
        if let Some(secs) = args.timeout {
            launch.timeout = Duration::from_secs(secs);
        }
        if let Some(path) = &args.hostfile {
            if !path.is_file() {
                return Err(format!("--hostfile {}: no such file", path.display()));
            }
            // mpirun runs in the work folder: the path must not depend on where xtask was typed.
            launch.hostfile = Some(std::path::absolute(path).unwrap_or_else(|_| path.clone()));
        }
        if let Some(ranks) = ranks {
            launch.check_ranks(ranks)?;
            launch.ranks = ranks;
        }
        Ok(launch)
    }

    /// Refuses more ranks than this launch can sensibly start: [`RANKS_PER_CORE`] per core on
    /// this machine alone; with a hostfile, [`MAX_RANKS`].
    pub fn check_ranks(&self, ranks: usize) -> Result<(), String> {
        let cores = cores();
        match self.hostfile {
            None if ranks > RANKS_PER_CORE * cores => Err(format!(
                "--ranks {ranks} is more processes than this machine can sensibly start: at most \
                 {} ({RANKS_PER_CORE} per core on {cores} cores; use --hostfile to spread ranks \
                 over several machines)",
                RANKS_PER_CORE * cores
            )),
            _ => Ok(()),
        }
    }

    /// Runs `binary args` on the ranks under `mpirun`, and turns its failures into one line.
    pub fn run(&self, binary: &Path, args: &[String]) -> Result<ExitCode> {
        let mut cmd = Command::new("mpirun");
        cmd.current_dir(lab::work_dir())
            .args(["-n", &self.ranks.to_string()])
            // The ranks share the cores with the OS scheduler; binding would pin rank 0's threads.
            .args(["--bind-to", "none"])
            .args(["--timeout", &self.timeout.as_secs().to_string()]);
        if !self.verbose {
            cmd.arg("-q");
        }
        match &self.hostfile {
            Some(file) => {
                cmd.arg("--hostfile").arg(file);
            }
            None if self.ranks > cores() => {
                cmd.arg("--oversubscribe");
            }
            None => {}
        }
        if running_as_root() {
            // OpenMPI refuses root unless told; containers and CI run as root.
            cmd.env("OMPI_ALLOW_RUN_AS_ROOT", "1")
                .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        }
        cmd.arg(binary).args(args);
        let started = Instant::now();
        let mut child = interrupt::spawn(&mut cmd).context("cannot start mpirun")?;
        // mpirun's --timeout should stop the ranks; this bounds mpirun itself.
        let deadline = self.timeout + Duration::from_secs(30);
        let Some(status) = interrupt::wait(&mut child, Some(started + deadline))? else {
            bail!(
                "mpirun did not stop within {} s of its --timeout; killed it",
                deadline.as_secs()
            );
        };
        let hint = if self.verbose {
            ""
        } else {
            "; rerun with --verbose for mpirun's own messages"
        };
        match status.code() {
            Some(0) => Ok(ExitCode::SUCCESS),
            // The lab's own exit codes: it has printed its one line already.
            Some(code @ (1 | 2)) => Ok(ExitCode::from(code as u8)),
            _ if started.elapsed() >= self.timeout => bail!(
                "the MPI run did not finish within {} s (--timeout): a rank hung or was too \
                 slow, and mpirun stopped every rank",
                self.timeout.as_secs()
            ),
            code => bail!(
                "the MPI run failed: mpirun ended with {} (a rank died, or mpirun could not \
                 start the {} ranks){hint}",
                code.map_or("a signal".to_string(), |c| format!("exit status {c}")),
                self.ranks
            ),
        }
    }
}

/// The MPI tool that is missing, if any.
pub fn missing_tool() -> Option<&'static str> {
    TOOLS.into_iter().find(|tool| !on_path(tool))
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|uids| uids.split_whitespace().next().map(|u| u == "0"))
            .unwrap_or(false)
    })
}

/// Builds the lab with the `mpi` feature, after checking that MPI is installed.
pub fn build() -> Result<PathBuf> {
    if let Some(tool) = missing_tool() {
        bail!("{tool} not found: the MPI variant needs OpenMPI (Debian: {INSTALL})");
    }
    // The lab's cargo feature (Cargo.toml's `[features]`), not a variant name. An interrupted
    // build is said to be interrupted, not blamed on what may be missing.
    lab::build_release(&[MPI_FEATURE]).map_err(|e| {
        if e.is::<interrupt::Interrupted>() {
            return e;
        }
        e.context(format!(
            "building with MPI needs OpenMPI's mpicc and libclang (Debian: {INSTALL})"
        ))
    })
}

pub fn run(args: &MpiArgs) -> Result<ExitCode> {
    let launch = match Launch::new(&args.launch, Some(args.ranks)) {
        Ok(launch) => launch,
        Err(message) => return Ok(lab::bad_input(&message)),
    };
    let binary = build()?;
    let run = RunArgs {
        variant: lab::mpi_variant(&binary)?,
        options: args.run.clone(),
    };
    let lab_args = lab::argv(&["run"], &run);
    eprintln!(
        "xtask: mpirun -n {}{}: mandel-lab {}",
        launch.ranks,
        launch
            .hostfile
            .as_ref()
            .map_or(String::new(), |f| format!(" --hostfile {}", f.display())),
        lab_args.join(" ")
    );
    launch.run(&binary, &lab_args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Mpi {
        #[command(flatten)]
        args: MpiArgs,
    }

    fn parse(args: &[&str]) -> Result<MpiArgs, String> {
        let args = Mpi::try_parse_from(std::iter::once("mpi").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?
            .args;
        Launch::new(&args.launch, Some(args.ranks))?;
        Ok(args)
    }

    #[test]
    fn launch_options_are_taken_and_the_rest_passed_on() {
        let args = parse(&["--ranks", "3", "--width", "100", "--timeout=9", "--verbose"]).unwrap();
        let launch = Launch::new(&args.launch, Some(args.ranks)).unwrap();
        assert_eq!(launch.ranks, 3);
        assert_eq!(launch.timeout, Duration::from_secs(9));
        assert!(launch.verbose);
        assert_eq!(args.run.problem.width, 100);
    }

    #[test]
    fn bad_launch_options_are_refused() {
        for bad in [
            &["--ranks", "0"][..],
            &["--ranks", "x"],
            &["--ranks"],
            &["--ranks", "2", "--ranks", "3"],
            &["--timeout", "0"],
            &["--timeout", "18446744073709551615"],
            &["--hostfile", "/no/such/hostfile"],
            &["--ranks", "100000"],
            &["--variant", "naive"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let too_many = (RANKS_PER_CORE * cores() + 1).to_string();
        assert!(parse(&["--ranks", &too_many]).is_err());
        let with_hosts = Launch {
            hostfile: Some("hosts".into()),
            ..Launch::default()
        };
        assert!(with_hosts.check_ranks(RANKS_PER_CORE * cores() + 1).is_ok());
    }
}
