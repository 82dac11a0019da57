//! `cargo xtask`: the lab's task runner. It stays thin: it builds the lab in release mode and
//! hands each command to the `mandel-lab` binary, where the work lives and is tested.

mod flags;
mod gpu_check;
mod gpu_tools;
mod interrupt;
mod lab;
mod mpi;
mod peers;
mod regress;
mod report;
mod stdout;
mod sweep_threads;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask: tasks for mandel-lab

Usage: cargo xtask <COMMAND> [OPTIONS]

Commands:
  report    Build in release, validate every available variant on the tutorial's problem,
            measure each under criterion, and write reports/index.html (with results.json,
            results.csv, results.md and criterion's own report beside it).
            Where OpenMPI is installed, then measures mpi under mpirun (one rank per core) into
            the same report; then runs `profile` on the problem measured (--problem-from), so
            the report links every variant's views. --quick sizes the problem to the machine
            (about 20 s of measurement and 15 s of profiling) and says what it chose.
            Options: --quick, --width W --height H --maxiter M, --variants a,b,...,
            --render-only, --no-profile, --samples N, --format table|markdown|csv|json,
            --out DIR, --flamegraphs DIR
  profile   Build in release and profile every available variant: pprof flamegraphs,
            callgrind line profiles and hot-loop disassembly, in flamegraphs/.
            Options: --variants a,b,..., --seconds S, --frequency HZ, --quick,
            --width W --height H --maxiter M, --problem-from reports/results.json
  sweep AXIS
            Build in release and measure variants along one axis, through the one sweep
            engine, into reports/sweeps/AXIS.{json,csv,svg} and the report. Axes:
              chunks   vector-chunked at each chunk size (the tutorial's STEP_SIZE figure)
              threads  every parallel variant against thread count (1 to the cores, and twice
                       the cores), speed-up and efficiency against expanded; where OpenMPI is
                       installed, then mpi at each rank count (one mpirun each; --ranks 1,2,4,
                       --no-mpi)
              sizes    variants against grid size (500, 1000, 2048), each against rayon-rows
                       at the same size: the GPU figure (default variants: every GPU variant)
              maxiter  expanded, vector-fused, rayon-rows and the SIMD variants at maxiter 100
                       to 10,000: time against inner iterations, log-log, fitted slopes
            Options: --values a,b,..., --variants a,b, --quick, --samples N,
            --width W --height H --maxiter M (except the one the axis varies)
  sweep-chunks, sweep-threads, sweep-sizes
            The old names of `sweep chunks` (values as --sizes), `sweep threads` (--threads)
            and `sweep sizes` (--sizes).
  peers     Build in release and run the tutorial's own Python programs on this machine (pure
            Python under CPython and PyPy, numpy, numexpr, Cython, ParallelPython's ppft, numba
            @njit and prange): several runs each, kernel time inside the process, validated
            pixel for pixel, in reports/peers.json, shown in the report beside 2011 and Rust.
            Missing tools skip.
            Options: --install (pip into target/peers-venv: numpy numexpr cython numba ppft),
            --python PATH, --quick, --peers a,b, --repeat N, --timeout SECS,
            --width W --height H --maxiter M
  mpi       Build with the `mpi` feature and run the mpi variant (ParallelPython's job server on
            MPI) under mpirun; validates against the reference.
            Options: --ranks N, --hostfile FILE, --timeout SECS, --verbose, and `run`'s options
  regress   The CI gate: build in release and count the instructions of one kernel call of
            every CPU variant under callgrind (one thread, AVX2 path), against the committed
            ci/perf-baseline.json; exit 1 when any rises beyond its threshold (default 2%).
            Options: --bless --reason TEXT, --variants a,b, --threshold PCT, --jobs N,
            --markdown FILE, --baseline FILE.
            --against REV: wall time, A/B: build REV (git worktree under target/ab) and the
            working tree, run each variant alternately, ratio of medians with a 95% bootstrap
            interval. Options: --variants a,b, --rounds N, --threshold PCT,
            --width W --height H --maxiter M
  flags     The compiler-flag lab: build the lab under each build (Rust: target-cpu=native,
            fat LTO, opt-level 2, panic=abort, PGO; gcc: -O2, -O3, -O3 -march=native, with
            -ffp-contract=off, -ffast-math), each into target/flags/, run each variant from
            each, validated pixel for pixel and measured under criterion: reports/flags.json
            and the report's Compiler flags section.
            Options: --variants a,b, --builds a,b, --quick
  gpu-tools Say where NVRTC, ptxas and nvdisasm (the CUDA tools that run without a GPU) are
            found; with --install, pip installs them from NVIDIA's wheels into
            target/gpu-tools/, where the lab and the compile test find them by themselves.
            Options: --install, --python PATH
  gpu-check The one command for a machine with a GPU: the GPU tests, every GPU variant under
            `run`, `sweep sizes --quick` and `report --quick`, then the figures (device, driver,
            CUDA version, date, validation, times) written into docs/gpu.md. Without a GPU: one
            line saying what is missing. Options: --no-tests, --doc FILE
  help      Print this help

Run `cargo xtask <COMMAND> --help` for a command's options.

xtask works on the checkout it is run in (cargo's $CARGO_MANIFEST_DIR, else the workspace of the
current folder), whichever checkout it was built from, and names it to the lab in
$MANDEL_LAB_WORKSPACE. The lab runs in the workspace root (so its outputs go to reports/ and
flamegraphs/ there), or in $MANDEL_LAB_WORK_DIR where that is set. Ctrl-C stops the running step and keeps the previous
reports and profiles whole.
";

/// The commands, each of which runs in the workspace [`lab::find_root`] finds.
const COMMANDS: &[&str] = &[
    "report",
    "profile",
    "sweep",
    "sweep-chunks",
    "sweep-threads",
    "sweep-sizes",
    "peers",
    "flags",
    "mpi",
    "regress",
    "gpu-tools",
    "gpu-check",
];

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
    let Some((command, rest)) = args.split_first() else {
        return stdout::print(HELP).map_or_else(|e| e.exit(), |()| ExitCode::SUCCESS);
    };
    if matches!(command.as_str(), "help" | "--help" | "-h") {
        return stdout::print(HELP).map_or_else(|e| e.exit(), |()| ExitCode::SUCCESS);
    }
    if COMMANDS.contains(&command.as_str())
        && let Err(message) = lab::find_root()
    {
        return lab::bad_input(&message);
    }
    let result = match command.as_str() {
        "report" => report::run(rest),
        "profile" | "sweep-chunks" | "sweep-sizes" => lab::build_and_run(command, rest),
        "sweep-threads" => sweep_threads::run(&["sweep-threads"], rest),
        "sweep" => match rest.split_first() {
            Some((axis, rest)) if axis == "threads" => {
                sweep_threads::run(&["sweep", "threads"], rest)
            }
            _ => lab::build_and_run("sweep", rest),
        },
        "mpi" => mpi::run(rest),
        "regress" => regress::run(rest),
        "peers" => peers::run(rest),
        "flags" => flags::run(rest),
        "gpu-tools" => gpu_tools::run(rest),
        "gpu-check" => gpu_check::run(rest),
        other => {
            eprintln!(
                "error: unknown command '{other}'; commands: {}, help",
                COMMANDS.join(", ")
            );
            return ExitCode::from(2);
        }
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
