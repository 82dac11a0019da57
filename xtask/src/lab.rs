//! Building the lab in release mode and running its binary from the workspace root.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};

use crate::interrupt;

/// `cargo` arguments that build the lab's release binary, and nothing else.
pub const BUILD_LAB: &[&str] = &[
    "build",
    "--release",
    "--package",
    "mandel-lab",
    "--bin",
    "mandel-lab",
];

/// The workspace root (the folder above `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Builds the `mandel-lab` binary in release mode with `features`, and returns its path. A build
/// with features goes to its own target folder (`target/mpi` for `mpi`), so that it and the plain
/// build do not rebuild each other.
pub fn build_release(features: &[&str]) -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    if !features.is_empty() {
        target = target.join(features.join("+"));
    }
    if features.is_empty() {
        eprintln!("xtask: building mandel-lab (release)...");
    } else {
        eprintln!(
            "xtask: building mandel-lab (release, features {}) into {}...",
            features.join(","),
            target.display()
        );
    }
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(root()).args(BUILD_LAB);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")])
            .arg("--target-dir")
            .arg(&target);
    }
    let status = interrupt::status(&mut cmd).with_context(|| format!("running {cargo}"))?;
    if !status.success() {
        bail!("cargo build --release failed ({status})");
    }
    Ok(target.join("release").join("mandel-lab"))
}

/// The folder the lab runs in, where its `reports/` and `flamegraphs/` are: `$MANDEL_LAB_WORK_DIR`
/// where set (tests use a scratch folder), else the workspace root.
pub fn work_dir() -> PathBuf {
    std::env::var_os("MANDEL_LAB_WORK_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(root)
}

/// Runs the lab binary with `args` from the work folder and passes its exit code through.
pub fn run(binary: &Path, args: &[String]) -> Result<ExitCode> {
    run_with(binary, args, Stdio::inherit())
}

/// [`run`] with the lab's standard output sent to `stdout`.
pub fn run_with(binary: &Path, args: &[String], stdout: Stdio) -> Result<ExitCode> {
    let status = interrupt::status(
        Command::new(binary)
            .current_dir(work_dir())
            .args(args)
            .stdout(stdout),
    )
    .with_context(|| format!("running {}", binary.display()))?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

/// Builds in release and runs `mandel-lab <command> <args>`: the xtask commands that add nothing
/// of their own (`profile`, `sweep-chunks`, `sweep-sizes`).
pub fn build_and_run(command: &str, args: &[String]) -> Result<ExitCode> {
    let binary = build_release(&[])?;
    run(&binary, &with_command(command, args))
}

/// `command` followed by `args`.
pub fn with_command(command: &str, args: &[String]) -> Vec<String> {
    std::iter::once(command.to_string())
        .chain(args.iter().cloned())
        .collect()
}

/// The options of `args` named in `names` (`keep`), or all the others (`!keep`), each with its
/// value where `names` says it takes one, in `--opt value` or `--opt=value` form.
pub fn options(args: &[String], names: &[(&str, bool)], keep: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let name = arg.split('=').next().unwrap_or(arg);
        let named = names.iter().find(|(n, _)| *n == name);
        let value = match named {
            Some((_, true)) if !arg.contains('=') => iter.next().cloned(),
            _ => None,
        };
        if named.is_some() == keep {
            out.push(arg.clone());
            out.extend(value);
        }
    }
    out
}

/// Prints one error line and returns exit code 2: the contract for bad input.
pub fn bad_input(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
