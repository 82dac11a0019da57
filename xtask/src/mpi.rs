//! `cargo xtask mpi`: build the lab with MPI and run the MPI variant under `mpirun`, and the
//! launcher the thread sweep and the report use for their MPI runs.
//!
//! Every failure ends in one line and a non-zero exit, never a hang: `mpirun --timeout` stops
//! every rank when the run takes too long, and a watchdog here kills `mpirun` itself if it does
//! not stop. mpirun's own multi-line notices are withheld (`--verbose` brings them back), and a
//! rank that died is named with its host (`mpi_session`). Each launch has its own session folder,
//! removed afterwards with whatever still uses it.
//!
//! Across several hosts (`--hostfile`, with `--rsh-agent` and `--tcp-include`), the ranks talk
//! over TCP (shared memory only between ranks of one host), on the network `--tcp-include` names.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use clap::Args;
use mandel_lab_options::{RunArgs, RunOptions};

use crate::hosts::{self, Hostfile};
use crate::mpi_session::{Notices, Session};
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
    /// Run across the machines FILE lists (OpenMPI's hostfile format: HOST [slots=N] per line,
    /// each HOST an address or a name that resolves). The binary must be at the same path on
    /// every machine (build the same checkout there, or share the folder).
    #[arg(long, value_name = "FILE")]
    pub hostfile: Option<PathBuf>,
    /// How mpirun starts its daemons on the hosts of --hostfile, called like ssh
    /// (CMD HOST COMMAND...): OpenMPI's plm_rsh_agent. Default: ssh.
    #[arg(long, value_name = "CMD")]
    pub rsh_agent: Option<String>,
    /// The network the ranks and daemons talk over, as an IPv4 CIDR block such as 10.1.2.0/24
    /// (OpenMPI's btl_tcp_if_include and oob_tcp_if_include).
    #[arg(long, value_name = "CIDR", value_parser = hosts::parse_cidr)]
    pub tcp_include: Option<String>,
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
    /// What the hostfile lists, read and checked when the launch was made.
    pub hosts: Option<Hostfile>,
    pub rsh_agent: Option<String>,
    pub tcp_include: Option<String>,
    pub timeout: Duration,
    pub verbose: bool,
}

impl Default for Launch {
    fn default() -> Launch {
        Launch {
            ranks: 2,
            hostfile: None,
            hosts: None,
            rsh_agent: None,
            tcp_include: None,
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
            launch.hosts = Some(hosts::read_hostfile(path)?);
            // mpirun runs in the work folder: the path must not depend on where xtask was typed.
            launch.hostfile = Some(std::path::absolute(path).unwrap_or_else(|_| path.clone()));
        }
        if let Some(agent) = &args.rsh_agent {
            if launch.hostfile.is_none() {
                return Err(format!(
                    "--rsh-agent {agent} needs --hostfile: the agent starts mpirun's daemons on \
                     the hosts the hostfile lists"
                ));
            }
            hosts::check_agent(agent)?;
        }
        // mpirun runs in the work folder: a relative agent path must not depend on where xtask
        // was typed.
        launch.rsh_agent = args.rsh_agent.as_deref().map(absolute_program);
        launch.tcp_include = args.tcp_include.clone();
        if let Some(ranks) = ranks {
            launch.check_ranks(ranks)?;
            launch.ranks = ranks;
        }
        Ok(launch)
    }

    /// Refuses more ranks than this launch can sensibly start: [`RANKS_PER_CORE`] per core on
    /// this machine alone; with a hostfile, its slots where every line gives them, else
    /// [`MAX_RANKS`].
    pub fn check_ranks(&self, ranks: usize) -> Result<(), String> {
        let cores = cores();
        let slots = self.hosts.as_ref().and_then(|h| h.slots);
        if let (Some(file), Some(slots)) = (&self.hostfile, slots)
            && ranks > slots
        {
            return Err(format!(
                "--ranks {ranks} is more than the {slots} slots --hostfile {} lists",
                file.display()
            ));
        }
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
        // Dropped last, on every way out of here: what is left of the launch ends with it.
        let session = Session::create().context("cannot make mpirun's session folder")?;
        let mut cmd = Command::new("mpirun");
        cmd.current_dir(lab::work_dir())
            .args(["-n", &self.ranks.to_string()])
            // The ranks share the cores with the OS scheduler; binding would pin rank 0's threads.
            .args(["--bind-to", "none"])
            .args(["--timeout", &self.timeout.as_secs().to_string()])
            .args(["--mca", "orte_tmpdir_base"])
            .arg(session.dir());
        match &self.hostfile {
            Some(file) => {
                // Shared memory only between ranks on one host; TCP between hosts.
                cmd.arg("--hostfile")
                    .arg(file)
                    .args(["--mca", "btl", "self,vader,tcp"]);
            }
            None if self.ranks > cores() => {
                cmd.arg("--oversubscribe");
            }
            None => {}
        }
        if let Some(agent) = &self.rsh_agent {
            cmd.args(["--mca", "plm_rsh_agent", agent]);
        }
        if let Some(cidr) = &self.tcp_include {
            cmd.args(["--mca", "btl_tcp_if_include", cidr]).args([
                "--mca",
                "oob_tcp_if_include",
                cidr,
            ]);
        }
        if running_as_root() {
            // OpenMPI refuses root unless told; containers and CI run as root.
            cmd.env("OMPI_ALLOW_RUN_AS_ROOT", "1")
                .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        }
        // The folders xtask staged for this command reach rank 0, which writes into them.
        if std::env::var_os(mandel_lab_folder::STAGED_ENV).is_some() {
            cmd.args(["-x", mandel_lab_folder::STAGED_ENV]);
        }
        cmd.arg(binary)
            .args(args)
            .stderr(std::process::Stdio::piped());
        let started = Instant::now();
        let mut child = interrupt::spawn(&mut cmd).context("cannot start mpirun")?;
        let notices = child
            .stderr
            .take()
            .map(|stderr| Notices::read(stderr, self.verbose))
            .unwrap_or_default();
        // mpirun's --timeout should stop the ranks; this bounds mpirun itself.
        let deadline = self.timeout + Duration::from_secs(30);
        let waited = interrupt::wait(&mut child, Some(started + deadline));
        // A daemon that lost mpirun may hold its standard error open: end it before reading on.
        session.kill_leftovers();
        notices.finish(Duration::from_secs(2));
        let Some(status) = waited? else {
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
        if status.success() {
            return Ok(ExitCode::SUCCESS);
        }
        if let Some(died) = notices.rank_death() {
            bail!("the MPI run failed: a rank died: {died}{hint}");
        }
        let hosts = if self.hostfile.is_some() {
            ", or a host of --hostfile did not answer"
        } else {
            ""
        };
        match status.code() {
            // The lab's own exit codes: it has printed its one line already.
            Some(code @ (1 | 2)) => Ok(ExitCode::from(code as u8)),
            _ if started.elapsed() >= self.timeout => bail!(
                "the MPI run did not finish within {} s (--timeout): a rank hung or was too \
                 slow{hosts}, and mpirun stopped every rank",
                self.timeout.as_secs()
            ),
            code => bail!(
                "the MPI run failed: mpirun ended with {} (a rank died, or mpirun could not \
                 start the {} ranks{hosts}){hint}",
                code.map_or("a signal".to_string(), |c| format!("exit status {c}")),
                self.ranks
            ),
        }
    }
}

/// `agent` with its program made absolute where it is a relative path (`./agent -v`).
fn absolute_program(agent: &str) -> String {
    let program = agent.split_whitespace().next().unwrap_or_default();
    if !program.contains('/') || program.starts_with('/') {
        return agent.to_string();
    }
    match std::path::absolute(program) {
        Ok(path) => agent.replacen(program, &path.to_string_lossy(), 1),
        Err(_) => agent.to_string(),
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
    let hosts = launch.hosts.as_ref().map_or(String::new(), |h| {
        format!(
            " on {} host{} ({})",
            h.hosts.len(),
            if h.hosts.len() == 1 { "" } else { "s" },
            h.hosts.join(", ")
        )
    });
    eprintln!(
        "xtask: mpirun -n {}{hosts}: mandel-lab {}",
        launch.ranks,
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
    fn a_relative_agent_is_made_absolute_and_keeps_its_arguments() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            absolute_program("./agent -v"),
            format!("{} -v", cwd.join("agent").display())
        );
        assert_eq!(absolute_program("ssh -x"), "ssh -x");
        assert_eq!(absolute_program("/usr/bin/ssh"), "/usr/bin/ssh");
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
