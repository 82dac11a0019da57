//! The `mandel-lab` command line: argument parsing, dispatch, and the one-line error contract.
//!
//! Every error is printed once, on one line, prefixed `error:`. Errors caused by the user's input
//! (a bad size, region or name; an unreadable or corrupt results file) exit with code 2; failures
//! of the machine or of a variant exit with code 1. User input never reaches a panic.

mod codegen;
mod given;
mod history;
mod list;
pub(crate) mod out;
mod peers;
mod profile;
mod progress;
mod regress;
mod report;
mod run;
mod sweep;
mod verdict;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::GridSpec;

/// The Rust edition of Ian Ozsvald's High Performance Python (EuroPython 2011) Mandelbrot lab.
///
/// Every optimisation technique of the tutorial is a kernel variant; the lab validates each one
/// against the reference and times it.
#[derive(Debug, Parser)]
#[command(name = "mandel-lab", version, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every variant: family, tutorial analogue, exactness, availability here.
    List(list::ListArgs),
    /// Run one variant once, timing only the kernel call, and validate its counts.
    Run(run::RunArgs),
    /// Validate and measure every available variant under criterion; write reports/index.html.
    Report(report::ReportArgs),
    /// Profile variants: pprof flamegraphs, callgrind line profiles, hot-loop disassembly.
    Profile(profile::ProfileArgs),
    /// Measure variants along one axis: chunks (the cache figure), threads (the multi-core
    /// figure), sizes (the GPU figure) or maxiter (cost growth); writes reports/sweeps/<axis>.json.
    Sweep(sweep::SweepArgs),
    /// `sweep chunks`, with its values as --sizes: vector-chunked at each chunk size.
    SweepChunks(sweep::ChunksArgs),
    /// `sweep threads`, with its values as --threads: every parallel variant against thread count.
    SweepThreads(sweep::ThreadsArgs),
    /// `sweep sizes`, with its values as --sizes: variants against grid size, vs rayon-rows.
    SweepSizes(sweep::SizesArgs),
    /// Run the tutorial's own Python programs (CPython, PyPy, numpy, numexpr, Cython, ppft, numba)
    /// on this machine, validate each against the reference, and write reports/peers.json.
    Peers(peers::PeersArgs),
    /// Run one kernel once and nothing else (the target of the callgrind line profile).
    #[command(hide = true)]
    KernelOnce(profile::KernelOnceArgs),
    /// The instruction-count gate: every CPU variant under callgrind against ci/perf-baseline.json.
    Regress(regress::RegressArgs),
    /// Wall time, A/B: two lab binaries run alternately, ratio of medians with a 95% interval.
    Ab(regress::AbArgs),
    /// Append this report's line to reports/history.jsonl, or print the history.
    History(history::HistoryArgs),
    /// The verdict of the report folder's results: the fastest, per family, the steps that made
    /// the difference, and how far the figures can be trusted.
    Verdict(mandel_lab_options::VerdictArgs),
    /// Count one kernel call (the target of the gate's callgrind run).
    #[command(hide = true)]
    CountOnce(regress::CountOnceArgs),
    /// The compiler-flag lab's variants (`--check`) and results (`--collect`); see `cargo xtask flags`.
    #[command(hide = true)]
    Flags(codegen::CodegenArgs),
    /// Validate and measure one variant from this build (a cell of `cargo xtask flags`).
    #[command(hide = true)]
    FlagsCell(codegen::CodegenCellArgs),
    /// Print this binary's build (its fingerprint and the checkout it was compiled in) as JSON:
    /// how `cargo xtask` checks that the binary it built is its own checkout's.
    #[command(hide = true)]
    BuildId,
}

pub(crate) use mandel_lab_options::{Format, ProblemArgs, TuningArgs};

/// `build-id`: [`crate::record::build_id::BuildId::this`] as one JSON line.
fn build_id() -> anyhow::Result<ExitCode> {
    let id = serde_json::to_string(&crate::record::build_id::BuildId::this())?;
    out::outln!("{id}")?;
    Ok(ExitCode::SUCCESS)
}

/// What the lab makes of the shared problem options (`mandel_lab_options::ProblemArgs`).
pub(crate) trait ProblemSpec {
    /// The problem asked for (its options were parsed into their types by clap, once).
    fn spec(&self) -> GridSpec;

    /// The problem; under `--quick`, what was given kept and the rest `--quick`'s, with the
    /// iteration limit `quick_maxiter` (see [`given`]).
    fn spec_for(&self, quick: bool, quick_maxiter: u32) -> GridSpec {
        let spec = self.spec();
        match quick {
            true => self.given().quick(spec, quick_maxiter),
            false => spec,
        }
    }

    /// Which of the problem's options the user set (so `--quick` keeps them).
    fn given(&self) -> given::Given;
}

impl ProblemSpec for ProblemArgs {
    fn spec(&self) -> GridSpec {
        GridSpec {
            region: self.region,
            width: self.width,
            height: self.height,
            maxiter: self.maxiter,
        }
    }

    fn given(&self) -> given::Given {
        given::Given::of(self)
    }
}

/// What the lab makes of the shared tuning knobs (`mandel_lab_options::TuningArgs`).
pub(crate) trait KnobTuning {
    /// The knobs as the variants take them; `--isa` was checked by [`parse_isa`] when parsed.
    fn tuning(&self) -> mandel_variants::Tuning;
}

impl KnobTuning for TuningArgs {
    fn tuning(&self) -> mandel_variants::Tuning {
        mandel_variants::Tuning {
            chunk: self.chunk,
            chunks: self.chunks,
            threads: self.threads,
            isa: self
                .isa
                .as_deref()
                .and_then(mandel_variants::simd::Isa::parse),
        }
    }
}

/// Checks `--isa`, naming every path when the name is unknown; the shared option keeps the name.
fn parse_isa(name: &str) -> Result<String, String> {
    use mandel_variants::simd::{Isa, names};
    Isa::parse(name)
        .map(|_| name.to_string())
        .ok_or_else(|| format!("unknown SIMD path; the paths are {}", names(&Isa::ALL)))
}

/// Starts MPI when `mpirun` started this process (ranks other than 0 serve the `mpi` variant's
/// work units and exit), then runs the lab.
pub fn main() -> ExitCode {
    use mandel_variants::parallel::mpi_jobs::{Launch, launch};
    match launch() {
        Launch::WorkerDone(Ok(())) => ExitCode::SUCCESS,
        Launch::WorkerDone(Err(e)) => {
            eprintln!("error: mpi worker: {e}");
            ExitCode::FAILURE
        }
        // The session is dropped after the lab returns: that stops the other ranks.
        Launch::Leader(_session) => lab_main(),
        Launch::Alone => lab_main(),
    }
}

/// Parses the process's arguments, runs the command, and turns errors into one line and an exit
/// code.
fn lab_main() -> ExitCode {
    let cli = match command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // No command: the help, on standard output, and the one error line.
            let _ = out::out!("{}", command().render_help());
            eprintln!(
                "error: no command given; commands: {} (see mandel-lab --help)",
                command_names().join(", ")
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            let help = match std::env::args_os().nth(1) {
                Some(sub) if command_names().iter().any(|c| sub.to_str() == Some(c)) => {
                    format!("mandel-lab {} --help", sub.to_string_lossy())
                }
                _ => "mandel-lab --help".into(),
            };
            // Rendered as text, without colour codes.
            let mut rendered = e.render().to_string();
            if e.kind() == clap::error::ErrorKind::InvalidUtf8 {
                // clap does not say which argument; the user needs to know.
                if let Some((i, arg)) = std::env::args_os()
                    .enumerate()
                    .find(|(_, a)| a.to_str().is_none())
                {
                    rendered = format!(
                        "error: argument {i} ('{}') is not valid UTF-8, and this option needs text",
                        arg.to_string_lossy()
                    );
                }
            }
            eprintln!("{}", mandel_lab_options::one_line(&rendered, &help));
            return ExitCode::from(2);
        }
    };
    // The targets callgrind runs write nothing to clean up, and must count the same instructions
    // every time: the signal handler's thread, starting beside them, would not.
    if !matches!(cli.command, Command::KernelOnce(_) | Command::CountOnce(_)) {
        crate::interrupt::install();
    }
    let result = match cli.command {
        Command::List(args) => list::run(args),
        Command::Run(args) => run::run(args),
        Command::Report(args) => report::run(args),
        Command::Profile(args) => profile::run(args),
        Command::KernelOnce(args) => profile::kernel_once(args),
        Command::Sweep(args) => sweep::run(args),
        Command::SweepChunks(args) => sweep::run_chunks(args),
        Command::SweepThreads(args) => sweep::run_threads(args),
        Command::SweepSizes(args) => sweep::run_sizes(args),
        Command::Regress(args) => regress::run(args),
        Command::Ab(args) => regress::ab_run(args),
        Command::History(args) => history::run(args),
        Command::Verdict(args) => verdict::run(args),
        Command::CountOnce(args) => regress::count_once(args),
        Command::Peers(args) => peers::run(args),
        Command::Flags(args) => codegen::run(args),
        Command::FlagsCell(args) => codegen::cell(args),
        Command::BuildId => build_id(),
    };
    match result {
        Ok(code) => code,
        Err(e) => match e.chain().find_map(|c| c.downcast_ref::<out::StdoutError>()) {
            // The reader closed the pipe (`| head`): it has what it wanted.
            Some(closed) if closed.is_broken_pipe() => ExitCode::SUCCESS,
            // The one line is about standard output itself, whatever the command was doing.
            Some(stdout) => {
                eprintln!("error: {stdout}");
                ExitCode::FAILURE
            }
            None => {
                eprintln!("error: {e:#}");
                exit_code_for(&e)
            }
        },
    }
}

/// The command line as parsed: the derived one, with every option taking a negative number as
/// its value, and every list option a value that begins with a hyphen (see
/// [`mandel_lab_options::accept_negative_numbers`]), and `--isa` checked as it is parsed.
fn command() -> clap::Command {
    mandel_lab_options::accept_negative_numbers(Cli::command()).mut_subcommands(|sub| {
        sub.mut_args(|arg| match arg.get_id().as_str() {
            "isa" => arg.value_parser(parse_isa),
            _ => arg,
        })
    })
}

/// The commands a user can type (the hidden ones left out).
fn command_names() -> Vec<String> {
    command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect()
}

/// Exit code 1 if any of `statuses` is a validation FAIL, else 0: how every measuring command ends.
fn exit_code_for_statuses(
    mut statuses: impl Iterator<Item = crate::record::measured::Status>,
) -> ExitCode {
    if statuses.any(|s| s == crate::record::measured::Status::Fail) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Exit code 2 for bad input anywhere in the error's chain, 1 for everything else.
fn exit_code_for(e: &anyhow::Error) -> ExitCode {
    // A variant's own error may reach here without the lab's error wrapped round it (`kernel-once`).
    ExitCode::from(if crate::error::is_bad_input(e) { 2 } else { 1 })
}
