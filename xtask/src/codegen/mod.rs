//! `cargo xtask flags`: the compiler-flag lab. Builds the lab under a matrix of builds
//! ([`builds`]), each into its own target folder ([`make`]), runs every chosen variant from every
//! build ([`cells`]: `mandel-lab flags-cell`, validated pixel for pixel, then criterion), and has
//! the default build gather them into `reports/flags.json` (`mandel-lab flags --collect`).
//!
//! Rust builds differ in cargo's profile (`--config`) or RUSTFLAGS, each in
//! `target/flags/<build>/`. The gcc builds differ only in `MANDEL_LAB_CFLAGS`, which the
//! variants crate's build script passes to gcc instead of the kernel's own flags: they share
//! `target/flags/c/`, where only the variants crate and the lab are rebuilt between them. Every
//! binary is copied to `target/flags/bin/<build>`. A build that fails is logged with its error's
//! first line and the others go on; a build whose tools are missing is skipped with the reason.
//!
//! xtask and the lab talk in JSON, through the structs of `mandel_lab_options::codegen`: the lab's
//! `flags --check` says which variants to run and which of them is C ([`CodegenCheck`]), and xtask
//! hands the builds it made to `flags --collect` in `run/builds.json`. xtask names no variant.

mod builds;
mod cells;
mod make;

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use clap::builder::NonEmptyStringValueParser;
use mandel_lab_options::codegen::{BUILD_LOG_FILE, BuildStatus, CodegenCheck};

use crate::staged::Staged;
use crate::{interrupt, lab};
use builds::{BUILDS, Build, select};
use make::Made;

/// `cargo xtask flags`: which compiler flags make each variant faster without changing its
/// answer.
///
/// Builds the lab under each build (each into target/flags/), runs each variant from each build on
/// the tutorial's problem, validates it pixel for pixel and measures it under criterion, and
/// writes reports/flags.json (the report's Compiler flags section).
#[derive(Debug, Default, PartialEq, Args)]
pub struct CodegenArgs {
    /// Comma-separated variants to run (default: the single-core loops and the SIMD lanes).
    #[arg(long, value_name = "A,B,...", value_parser = mandel_lab_options::variant_list)]
    pub variants: Option<String>,
    /// Comma-separated builds to make (default: all; the default build `release` is always made).
    #[arg(long, value_name = "A,B,...", value_parser = NonEmptyStringValueParser::new())]
    pub builds: Option<String>,
    /// Criterion's quick settings, and the quick builds (marked below).
    #[arg(long)]
    pub quick: bool,
}

/// The builds, for the end of `cargo xtask flags --help`.
pub fn builds_help() -> String {
    let mut help = "Builds (* in --quick):\n".to_string();
    for b in BUILDS {
        let quick = if b.quick { "*" } else { " " };
        help.push_str(&format!("  {quick} {:<26} {}\n", b.name, b.flags()));
    }
    help
}

pub fn run(opts: &CodegenArgs) -> Result<ExitCode> {
    let builds = match select(opts.builds.as_deref(), opts.quick) {
        Ok(b) => b,
        Err(e) => return Ok(lab::bad_input(&e)),
    };
    let start = Instant::now();
    let default = lab::build_release(&[])?;
    // The variants are resolved by the lab before anything else is built: a typo costs nothing.
    let check = match check(&default, opts.variants.as_deref())? {
        Ok(check) => check,
        Err(code) => return Ok(code),
    };
    let dir = lab::target_dir().join("flags");
    let bin = dir.join("bin");
    let run_dir = dir.join("run");
    fs::create_dir_all(&bin).with_context(|| format!("cannot create {}", bin.display()))?;
    fs::create_dir_all(&run_dir).with_context(|| format!("cannot create {}", run_dir.display()))?;

    let mut log = Vec::new();
    let mut made = Vec::new();
    for (i, b) in builds.iter().enumerate() {
        eprintln!(
            "xtask flags: [build {}/{}] {} ({})",
            i + 1,
            builds.len(),
            b.name,
            b.flags()
        );
        let t = Instant::now();
        let outcome = make::make(b, &dir, &default, &check.variants);
        let seconds = t.elapsed().as_secs_f64();
        let (status, reason) = match outcome {
            Ok(Made::Binary(path)) => {
                let to = bin.join(b.name);
                fs::copy(&path, &to).with_context(|| {
                    format!("cannot copy {} to {}", path.display(), to.display())
                })?;
                made.push(*b);
                (BuildStatus::Ok, String::new())
            }
            Ok(Made::Reused(built)) => {
                made.push(*b);
                eprintln!("xtask flags:   up to date (built in {built:.0} s)");
                log.push(b.record(BuildStatus::Ok, built, ""));
                continue;
            }
            Ok(Made::Skipped(why)) => (BuildStatus::Skipped, why),
            Err(e) if e.downcast_ref::<interrupt::Interrupted>().is_some() => return Err(e),
            Err(e) => (BuildStatus::Failed, format!("{e:#}")),
        };
        match status {
            BuildStatus::Ok => eprintln!("xtask flags:   built in {seconds:.0} s"),
            BuildStatus::Skipped => eprintln!("xtask flags:   skipped: {reason}"),
            BuildStatus::Failed => eprintln!("xtask flags:   failed: {reason}"),
        }
        log.push(b.record(status, seconds, &reason));
    }
    let log_path = run_dir.join(BUILD_LOG_FILE);
    fs::write(&log_path, serde_json::to_string_pretty(&log)?)
        .with_context(|| format!("cannot write {}", log_path.display()))?;

    let cells = run_dir.join("cells");
    let _ = fs::remove_dir_all(&cells);
    fs::create_dir_all(&cells).with_context(|| format!("cannot create {}", cells.display()))?;
    // Variant by variant, every build in turn: the cells a speed-up compares run minutes apart
    // at most, so a shared machine's changing load moves them together.
    let jobs: Vec<(&Build, &String)> = check
        .variants
        .iter()
        .flat_map(|v| {
            made.iter()
                .filter(|b| b.runs(v, &check.c_variant))
                .map(move |b| (b, v))
        })
        .collect();
    let measuring = Instant::now();
    let bench = cells::Bench {
        bin: &bin,
        run_dir: &run_dir,
        cells: &cells,
        criterion: dir.join("criterion"),
        quick: opts.quick,
    };
    cells::run_all(&bench, &jobs)?;
    eprintln!(
        "xtask flags: measured in {:.0} s (builds and all: {:.0} s)",
        measuring.elapsed().as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
    let mut collect = vec![
        "flags".to_string(),
        "--collect".into(),
        dir.display().to_string(),
        "--variants".into(),
        check.variants.join(","),
    ];
    if opts.quick {
        collect.push("--quick".into());
    }
    // flags.json and the page that shows it land together.
    let reports = Path::new("reports");
    let staged = match Staged::begin(&[reports]) {
        Ok(staged) => staged,
        Err(message) => return Ok(lab::bad_input(&message)),
    };
    let code = lab::run(&default, &collect)?;
    if code != ExitCode::SUCCESS {
        staged.say_kept(code);
        return Ok(code);
    }
    if lab::work_dir().join(reports).join("results.json").exists() {
        let code = lab::run_with(
            &default,
            &["report".into(), "--render-only".into()],
            Stdio::null(),
        )?;
        if code != ExitCode::SUCCESS {
            staged.say_kept(code);
            return Ok(code);
        }
    }
    staged.commit()?;
    Ok(ExitCode::SUCCESS)
}

/// Asks the lab (`flags --check`) which variants `variants` selects and which of them is C; the
/// lab's refusal of a bad list is passed on with its exit code.
fn check(default: &Path, variants: Option<&str>) -> Result<Result<CodegenCheck, ExitCode>> {
    let mut args = vec!["flags".to_string(), "--check".into()];
    args.extend(variants.map(|v| format!("--variants={v}")));
    let output = interrupt::output(
        Command::new(default)
            .current_dir(lab::work_dir())
            .args(&args),
    )?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Ok(Err(ExitCode::from(
            u8::try_from(output.status.code().unwrap_or(1)).unwrap_or(1),
        )));
    }
    let check = serde_json::from_slice(&output.stdout)
        .with_context(|| format!("reading {} flags --check", default.display()))?;
    Ok(Ok(check))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_and_unknown_ones_are_refused() {
        #[derive(Debug, clap::Parser)]
        struct Flags {
            #[command(flatten)]
            args: CodegenArgs,
        }
        let parse = |a: &[&str]| {
            <Flags as clap::Parser>::try_parse_from(
                std::iter::once("flags").chain(a.iter().copied()),
            )
            .map(|f| f.args)
        };
        assert_eq!(
            parse(&["--variants=naive", "--builds", "native", "--quick"]).unwrap(),
            CodegenArgs {
                variants: Some("naive".into()),
                builds: Some("native".into()),
                quick: true
            }
        );
        assert!(parse(&["--turbo"]).is_err());
        assert!(parse(&["--builds"]).is_err());
        assert!(parse(&["--builds="]).is_err());
        assert!(parse(&["--quick=yes"]).is_err());
    }
}
