//! `cargo xtask mpi`: build the lab with MPI and run the `mpi` variant under `mpirun`, and the
//! launcher `sweep-threads` uses for its rank counts.
//!
//! Every failure ends in one line and a non-zero exit, never a hang: `mpirun --timeout` stops
//! every rank when the run takes too long, and a watchdog here kills `mpirun` itself if it does
//! not stop. mpirun's own multi-line notices are quietened (`-q`); `--verbose` brings them back.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{interrupt, lab, stdout};

const HELP: &str = "\
cargo xtask mpi: run the mpi variant (ParallelPython's job server, on MPI) under mpirun

Usage: cargo xtask mpi [--ranks N] [--hostfile FILE] [--timeout SECS] [--verbose] [RUN OPTIONS]

Builds mandel-lab in release with the `mpi` feature (copied to target/release/xtask/mpi/) and runs
`mpirun -n N mandel-lab run --variant mpi [RUN OPTIONS]`. Rank 0 builds the grid and serves the
--chunks work units (default 16) on demand to every rank, itself included; it validates the counts
against the reference and prints the tutorial's lines.

Options:
  --ranks N        MPI processes (default 2). On one machine, more ranks than cores oversubscribe.
  --hostfile FILE  Run across the machines FILE lists (OpenMPI's hostfile format). The binary must
                   be at the same path on every machine (build the same checkout there).
  --timeout SECS   Stop every rank after SECS seconds (default 600).
  --verbose        Show mpirun's own notices.
  RUN OPTIONS      Any option of `mandel-lab run`: --width W --height H --maxiter M, --region=...,
                   --chunks N, --image PATH, --format text|json.

Needs OpenMPI (Debian: sudo apt-get install openmpi-bin libopenmpi-dev libclang-dev).
";

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
            "--ranks '{text}' is not a rank count between 1 and {MAX_RANKS}"
        )),
    }
}

impl Launch {
    /// Takes `--hostfile`, `--timeout` and `--verbose` out of `args` (and `--ranks` when
    /// `with_ranks`), returning the launch and the remaining arguments.
    pub fn parse(args: &[String], with_ranks: bool) -> Result<(Launch, Vec<String>), String> {
        let mut launch = Launch::default();
        let mut rest = Vec::new();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
                _ => (arg.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| iter.next().cloned())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match name {
                "--ranks" if with_ranks => launch.ranks = parse_ranks(&value()?)?,
                "--hostfile" => {
                    let path = PathBuf::from(value()?);
                    if !path.is_file() {
                        return Err(format!("--hostfile {}: no such file", path.display()));
                    }
                    // mpirun runs in the work folder: the path must not depend on where
                    // xtask was typed.
                    launch.hostfile = Some(std::path::absolute(&path).unwrap_or(path));
                }
                "--timeout" => {
                    let text = value()?;
                    match text.parse::<u64>() {
                        Ok(secs) if (1..=MAX_TIMEOUT_SECS).contains(&secs) => {
                            launch.timeout = Duration::from_secs(secs)
                        }
                        _ => {
                            return Err(format!(
                                "--timeout '{text}' is not a whole number of seconds between 1 \
                                 and {MAX_TIMEOUT_SECS} (a week)"
                            ));
                        }
                    }
                }
                "--verbose" => launch.verbose = true,
                _ => rest.push(arg.clone()),
            }
        }
        if with_ranks {
            launch.check_ranks(launch.ranks)?;
        }
        Ok((launch, rest))
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
        bail!("{tool} not found: the mpi variant needs OpenMPI (Debian: {INSTALL})");
    }
    lab::build_release(&["mpi"]).with_context(|| {
        format!("building with MPI needs OpenMPI's mpicc and libclang (Debian: {INSTALL})")
    })
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        stdout::print(HELP)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (launch, rest) = match Launch::parse(args, true) {
        Ok(parsed) => parsed,
        Err(message) => return Ok(lab::bad_input(&message)),
    };
    if rest
        .iter()
        .any(|a| a == "--variant" || a.starts_with("--variant="))
    {
        return Ok(lab::bad_input(
            "cargo xtask mpi always runs --variant mpi; use `cargo run --release -- run` for others",
        ));
    }
    let binary = build()?;
    eprintln!(
        "xtask: mpirun -n {}{}: mandel-lab run --variant mpi {}",
        launch.ranks,
        launch
            .hostfile
            .as_ref()
            .map_or(String::new(), |f| format!(" --hostfile {}", f.display())),
        rest.join(" ")
    );
    let mut lab_args: Vec<String> = ["run", "--variant", "mpi"].map(String::from).to_vec();
    lab_args.extend(rest);
    launch.run(&binary, &lab_args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn launch_options_are_taken_and_the_rest_passed_on() {
        let (launch, rest) = Launch::parse(
            &strings(&["--ranks", "3", "--width", "100", "--timeout=9", "--verbose"]),
            true,
        )
        .unwrap();
        assert_eq!(launch.ranks, 3);
        assert_eq!(launch.timeout, Duration::from_secs(9));
        assert!(launch.verbose);
        assert_eq!(rest, ["--width", "100"]);
    }

    #[test]
    fn bad_launch_options_are_refused() {
        for bad in [
            &["--ranks", "0"][..],
            &["--ranks", "x"],
            &["--ranks"],
            &["--timeout", "0"],
            &["--timeout", "18446744073709551615"],
            &["--hostfile", "/no/such/hostfile"],
            &["--ranks", "100000"],
        ] {
            assert!(Launch::parse(&strings(bad), true).is_err(), "{bad:?}");
        }
        let too_many = (RANKS_PER_CORE * cores() + 1).to_string();
        assert!(Launch::parse(&strings(&["--ranks", &too_many]), true).is_err());
        let with_hosts = Launch {
            hostfile: Some("hosts".into()),
            ..Launch::default()
        };
        assert!(with_hosts.check_ranks(RANKS_PER_CORE * cores() + 1).is_ok());
    }
}
