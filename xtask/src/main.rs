//! `cargo xtask`: the lab's task runner. It stays thin: it builds the lab in release mode and
//! hands each command to the `mandel-lab` binary, where the work lives and is tested.
//!
//! The command line is clap's, and every option xtask passes on to the lab is the lab's own
//! struct from `mandel-lab-options`, flattened into xtask's command beside xtask's own options:
//! one definition, one `--help`, and the lab's command line written back with `to_argv`.

mod build;
mod codegen;
mod gpu_check;
mod gpu_tools;
mod hosts;
mod interrupt;
mod lab;
mod mpi;
mod mpi_session;
mod peers;
mod regress;
mod report;
mod staged;
mod stdout;
mod sweep;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use mandel_lab_options::{ProfileArgs, SweepChunksArgs, SweepSizesArgs};

/// Tasks for mandel-lab: build the lab in release and run its stages.
///
/// Each command builds the lab in release mode and hands the work to the `mandel-lab` binary,
/// passing on the lab's own options (listed in each command's --help).
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    disable_help_subcommand = true,
    after_help = "Run `cargo xtask <COMMAND> --help` for a command's options.",
    after_long_help = AFTER_LONG_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where xtask works, said at the end of `cargo xtask --help`.
const AFTER_LONG_HELP: &str = "\
xtask works on the checkout it is run in (cargo's $CARGO_MANIFEST_DIR, else the workspace of the
current folder), whichever checkout it was built from, and names it to the lab in
$MANDEL_LAB_WORKSPACE. The lab runs in the workspace root (so its outputs go to reports/ and
flamegraphs/ there), or in $MANDEL_LAB_WORK_DIR where that is set. Each folder a command writes
changes all at once when it succeeds, or not at all: Ctrl-C, a failed step or a full disk keep the
previous reports and profiles as they were, and a second command into a folder being written is
refused.";

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure every variant and write reports/index.html, then profile and record the run.
    ///
    /// Build in release, validate every available variant on the tutorial's problem, measure each
    /// under criterion, and write reports/index.html (with results.json, results.csv, results.md
    /// and criterion's own report beside it). Where OpenMPI is installed, then measures mpi under
    /// mpirun (one rank per core) into the same report; then runs `profile` on the problem
    /// measured (--problem-from), into --flamegraphs, so the report links every variant's views;
    /// then appends the run to reports/history.jsonl and re-renders the page. --quick sizes the
    /// problem to the machine (about 20 s of measurement and 15 s of profiling) and says what it
    /// chose.
    Report(report::ReportCommand),
    /// Profile every available variant: flamegraphs, line profiles, hot-loop disassembly.
    ///
    /// Build in release and profile every available variant: pprof flamegraphs, callgrind line
    /// profiles and hot-loop disassembly, in flamegraphs/.
    Profile(ProfileArgs),
    /// Measure variants along one axis: chunks, threads, sizes or maxiter.
    ///
    /// Build in release and measure variants along one axis, through the one sweep engine, into
    /// reports/sweeps/AXIS.{json,csv,svg} and the report. Axes: chunks (vector-chunked at each
    /// chunk size, the tutorial's STEP_SIZE figure); threads (every parallel variant against
    /// thread count, 1 to the cores and twice the cores, speed-up and efficiency against the
    /// single-core baseline; where OpenMPI is installed, then the MPI variant at each rank
    /// count, one mpirun each: --ranks, --no-mpi); sizes (variants against grid size, 500, 1000,
    /// 2048, each against rayon-rows at the same size: the GPU figure); maxiter (time against
    /// inner iterations at maxiter 100 to 10,000, log-log, fitted slopes).
    Sweep(sweep::SweepCommand),
    /// The old name of `sweep chunks` (values as --sizes).
    SweepChunks(SweepChunksArgs),
    /// The old name of `sweep threads` (values as --threads).
    SweepThreads(sweep::SweepThreadsCommand),
    /// The old name of `sweep sizes` (values as --sizes).
    SweepSizes(SweepSizesArgs),
    /// Run the tutorial's own Python programs on this machine, into reports/peers.json.
    ///
    /// Build in release and run the tutorial's own Python programs on this machine (pure Python
    /// under CPython and PyPy, numpy, numexpr, Cython, ParallelPython's ppft, numba @njit and
    /// prange): several runs each, kernel time inside the process, validated pixel for pixel, in
    /// reports/peers.json, shown in the report beside 2011 and Rust. Missing tools skip.
    Peers(peers::PeersCommand),
    /// The compiler-flag lab: every variant from each build, into reports/flags.json.
    ///
    /// Build the lab under each build (Rust: target-cpu=native, fat LTO, opt-level 2,
    /// panic=abort, PGO; gcc: -O2, -O3, -O3 -march=native, with -ffp-contract=off,
    /// -ffast-math), each into target/flags/, run each variant from each, validated pixel for
    /// pixel and measured under criterion: reports/flags.json and the report's Compiler flags
    /// section.
    Flags(codegen::CodegenArgs),
    /// Run the MPI variant (ParallelPython's job server on MPI) under mpirun.
    ///
    /// Build with the `mpi` feature and run the MPI variant under mpirun; validates against the
    /// reference.
    Mpi(mpi::MpiArgs),
    /// The CI gate: instruction counts against ci/perf-baseline.json; or, with --against, A/B.
    ///
    /// Build in release and count the instructions of one kernel call of every CPU variant under
    /// callgrind (one thread, AVX2 path), against the committed ci/perf-baseline.json; exit 1
    /// when any rises beyond its threshold (default 2%). With --against REV: wall time, A/B:
    /// build REV (git worktree under target/ab) and the working tree, run each variant
    /// alternately, ratio of medians with a 95% bootstrap interval.
    Regress(regress::RegressCommand),
    /// Say where NVRTC, ptxas and nvdisasm are found; --install pips them in.
    ///
    /// Say where NVRTC, ptxas and nvdisasm (the CUDA tools that run without a GPU) are found;
    /// with --install, pip installs them from NVIDIA's wheels into target/gpu-tools/, where the
    /// lab and the compile test find them by themselves.
    GpuTools(gpu_tools::GpuToolsArgs),
    /// The one command for a machine with a GPU: tests, runs, sweep and report into docs/gpu.md.
    ///
    /// The GPU tests, every GPU variant under `run`, `sweep sizes --quick` and `report --quick`,
    /// then the figures (device, driver, CUDA version, date, validation, times) written into
    /// docs/gpu.md. Without a GPU: one line saying what is missing.
    GpuCheck(gpu_check::GpuCheckArgs),
    /// Print this help, or a command's (`cargo xtask help report`).
    Help {
        /// The command whose help to print (anything else prints this help).
        #[arg(num_args = 0.., trailing_var_arg = true, allow_hyphen_values = true)]
        rest: Vec<String>,
    },
}

fn main() -> ExitCode {
    interrupt::install();
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(arg) => {
                return lab::bad_input(&format!(
                    "argument {} is not valid UTF-8; xtask's options and paths must be",
                    arg.to_string_lossy()
                ));
            }
        }
    }
    if args.is_empty() {
        return print_help(None);
    }
    let cli = match parse(&args) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    if let Command::Help { rest } = &cli.command {
        return print_help(rest.first().map(String::as_str));
    }
    if let Err(message) = lab::find_root() {
        return lab::bad_input(&message);
    }
    let result = match cli.command {
        Command::Report(args) => report::run(&args),
        Command::Profile(args) => lab::build_and_run(&["profile"], &args),
        Command::Sweep(args) => sweep::run(args),
        Command::SweepChunks(args) => lab::build_and_run(&["sweep-chunks"], &args),
        Command::SweepThreads(args) => sweep::run_old_threads(args),
        Command::SweepSizes(args) => lab::build_and_run(&["sweep-sizes"], &args),
        Command::Mpi(args) => mpi::run(&args),
        Command::Regress(args) => regress::run(&args),
        Command::Peers(args) => peers::run(&args),
        Command::Flags(args) => codegen::run(&args),
        Command::GpuTools(args) => gpu_tools::run(&args),
        Command::GpuCheck(args) => gpu_check::run(&args),
        Command::Help { .. } => return print_help(None),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.downcast_ref::<stdout::StdoutError>().is_some() => e
            .downcast_ref::<stdout::StdoutError>()
            .map_or(ExitCode::FAILURE, stdout::StdoutError::exit),
        Err(e) if e.downcast_ref::<interrupt::Interrupted>().is_some() => {
            eprintln!("error: {}", interrupt::Interrupted);
            ExitCode::from(interrupt::EXIT_INTERRUPTED)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// xtask's command line: the derived one, with every option taking a negative number as its
/// value (so the option's own parser names a bad one), and `flags --help` listing the builds.
fn command() -> clap::Command {
    let cli = mandel_lab_options::accept_negative_numbers(Cli::command())
        .mut_subcommand("flags", |c| c.after_long_help(codegen::builds_help()));
    let details = details(&cli);
    cli.after_long_help(format!(
        "Commands in detail:\n{details}\nRun `cargo xtask <COMMAND> --help` for a command's \
         options.\n\n{AFTER_LONG_HELP}"
    ))
}

/// Every command's long description (its `--help`'s opening), wrapped under its name: the
/// long help of `cargo xtask --help`, written once, in the commands' doc comments.
fn details(cli: &clap::Command) -> String {
    let mut text = String::new();
    for sub in cli.get_subcommands() {
        let about = sub.get_long_about().or(sub.get_about());
        let Some(about) = about.map(ToString::to_string) else {
            continue;
        };
        // The first paragraph is the one-line summary the command list shows already.
        let body = about
            .split_once("\n\n")
            .map_or(about.as_str(), |(_, rest)| rest);
        text.push_str(&format!("  {}\n", sub.get_name()));
        text.push_str(&wrap(body, 96, "      "));
    }
    text
}

/// `text` wrapped at `width` columns, each line after `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n") {
        let mut line = String::from(indent);
        for word in paragraph.split_whitespace() {
            if line.len() > indent.len() && line.len() + 1 + word.len() > width {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from(indent);
            }
            if line.len() > indent.len() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Parses `args`; `--help` is printed and a bad command line is one `error:` line, each with the
/// exit code to end with.
fn parse(args: &[String]) -> Result<Cli, ExitCode> {
    let argv = std::iter::once("cargo xtask".to_string()).chain(args.iter().cloned());
    match command()
        .try_get_matches_from(argv)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => Ok(cli),
        // --help and --version: on standard output, without panicking on a closed pipe.
        Err(e) if !e.use_stderr() => {
            Err(stdout::print(e.render()).map_or_else(|e| e.exit(), |()| ExitCode::SUCCESS))
        }
        Err(e) => {
            let help = match args.first() {
                Some(sub) if command_names().contains(sub) => format!("cargo xtask {sub} --help"),
                _ => "cargo xtask --help".into(),
            };
            eprintln!(
                "{}",
                mandel_lab_options::one_line(&e.render().to_string(), &help)
            );
            Err(ExitCode::from(2))
        }
    }
}

/// The commands xtask has.
fn command_names() -> Vec<String> {
    command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// Prints xtask's help, or `command`'s where it names one, on standard output: what `cargo
/// xtask --help` or `cargo xtask <command> --help` prints.
fn print_help(command_name: Option<&str>) -> ExitCode {
    let mut args = Vec::new();
    if let Some(name) = command_name.filter(|n| command_names().iter().any(|c| c == n)) {
        args.push(name.to_string());
    }
    args.push("--help".into());
    match parse(&args) {
        Err(code) => code,
        // Unreachable: --help always ends the parse.
        Ok(_) => ExitCode::SUCCESS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        command().debug_assert();
    }

    #[test]
    fn long_descriptions_are_wrapped_under_their_command() {
        assert_eq!(wrap("a bb ccc dddd", 8, "  "), "  a bb\n  ccc\n  dddd\n");
        let help = command().render_long_help().to_string();
        assert!(help.contains("Commands in detail:"), "{help}");
        assert!(
            help.contains("  regress\n      Build in release and count"),
            "{help}"
        );
        let details = details(&command());
        assert!(
            details.lines().all(|l| l.chars().count() <= 96),
            "{details}"
        );
    }
}
