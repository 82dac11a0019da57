//! `cargo xtask flags`: the compiler-flag lab. Builds the lab under a matrix of builds, each
//! into its own target folder, runs every chosen variant from every build (`mandel-lab
//! flags-cell`: validated pixel for pixel, then criterion), and has the default build gather
//! them into `reports/flags.json` (`mandel-lab flags --collect`).
//!
//! Rust builds differ in cargo's profile (`--config`) or RUSTFLAGS, each in
//! `target/flags/<build>/`. The gcc builds differ only in `MANDEL_LAB_CFLAGS`, which the
//! variants crate's build script passes to gcc instead of the kernel's own flags: they share
//! `target/flags/c/`, where only the variants crate and the lab are rebuilt between them. Every
//! binary is copied to `target/flags/bin/<build>`. A build that fails is logged with its error's
//! first line and the others go on; a build whose tools are missing is skipped with the reason.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::{interrupt, lab, stdout};

/// Which compiler a build changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Rust,
    C,
}

/// How a build differs from the default one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipe {
    /// The workspace's own release build (`target/release`).
    Default,
    /// Extra RUSTFLAGS and cargo `--config` values.
    Rust {
        rustflags: &'static str,
        config: &'static [&'static str],
    },
    /// Profile-guided optimisation: an instrumented build, training runs, the profile merged
    /// by `llvm-profdata`, and a build that uses it.
    Pgo,
    /// gcc's flags for the C kernel, instead of its own.
    C { cflags: &'static str },
}

/// One build of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct Build {
    pub name: &'static str,
    pub recipe: Recipe,
    /// Part of `--quick`'s subset.
    pub quick: bool,
}

/// The matrix, in report order; the first is the default build every speed-up is read against.
pub const BUILDS: &[Build] = &[
    Build {
        name: "release",
        recipe: Recipe::Default,
        quick: true,
    },
    Build {
        name: "native",
        recipe: Recipe::Rust {
            rustflags: "-C target-cpu=native",
            config: &[],
        },
        quick: true,
    },
    Build {
        name: "lto-fat",
        recipe: Recipe::Rust {
            rustflags: "",
            config: &[
                "profile.release.lto=\"fat\"",
                "profile.release.codegen-units=1",
            ],
        },
        quick: false,
    },
    Build {
        name: "opt2",
        recipe: Recipe::Rust {
            rustflags: "",
            config: &["profile.release.opt-level=2"],
        },
        quick: false,
    },
    Build {
        name: "panic-abort",
        recipe: Recipe::Rust {
            rustflags: "",
            config: &["profile.release.panic=\"abort\""],
        },
        quick: false,
    },
    Build {
        name: "pgo",
        recipe: Recipe::Pgo,
        quick: false,
    },
    Build {
        name: "gcc-O2",
        recipe: Recipe::C { cflags: "-O2" },
        quick: false,
    },
    Build {
        name: "gcc-O3",
        recipe: Recipe::C { cflags: "-O3" },
        quick: false,
    },
    Build {
        name: "gcc-O3-native",
        recipe: Recipe::C {
            cflags: "-O3 -march=native",
        },
        quick: true,
    },
    Build {
        name: "gcc-O3-native-nocontract",
        recipe: Recipe::C {
            cflags: "-O3 -march=native -ffp-contract=off",
        },
        quick: true,
    },
    Build {
        name: "gcc-O3-fastmath",
        recipe: Recipe::C {
            cflags: "-O3 -ffast-math",
        },
        quick: true,
    },
];

/// The variant whose code gcc's flags change.
const C_VARIANT: &str = "c-reference";

impl Build {
    pub fn lang(&self) -> Lang {
        match self.recipe {
            Recipe::C { .. } => Lang::C,
            _ => Lang::Rust,
        }
    }

    /// What differs from the default build, as the report shows it.
    pub fn flags(&self) -> String {
        match self.recipe {
            Recipe::Default => {
                "cargo build --release (opt-level 3, gcc -O3 -ffp-contract=off for the C kernel)"
                    .into()
            }
            Recipe::Rust { rustflags, config } => {
                let mut parts: Vec<String> = Vec::new();
                if !rustflags.is_empty() {
                    parts.push(format!("RUSTFLAGS={rustflags}"));
                }
                parts.extend(config.iter().map(|c| format!("--config {c}")));
                parts.join(" ")
            }
            Recipe::Pgo => "-Cprofile-generate, training runs, -Cprofile-use".into(),
            Recipe::C { cflags } => format!("gcc {cflags}"),
        }
    }

    /// Whether this build runs `variant`: a gcc build changes the C kernel only.
    pub fn runs(&self, variant: &str) -> bool {
        self.lang() == Lang::Rust || variant == C_VARIANT
    }
}

/// The builds `names` selects (comma-separated), or the whole matrix (`--quick`: its quick
/// subset); the default build is always first, since every speed-up is read against it.
pub fn select(names: Option<&str>, quick: bool) -> Result<Vec<Build>, String> {
    let Some(names) = names.filter(|n| !n.trim().is_empty()) else {
        return Ok(BUILDS
            .iter()
            .filter(|b| b.quick || !quick)
            .copied()
            .collect());
    };
    let mut out = vec![BUILDS[0]];
    for name in names.split(',').map(str::trim) {
        let Some(b) = BUILDS.iter().find(|b| b.name == name) else {
            let known: Vec<&str> = BUILDS.iter().map(|b| b.name).collect();
            return Err(format!(
                "unknown build '{name}'; builds: {}",
                known.join(", ")
            ));
        };
        if !out.iter().any(|o| o.name == b.name) {
            out.push(*b);
        }
    }
    Ok(out)
}

/// The options of `cargo xtask flags`.
#[derive(Debug, Default, PartialEq)]
pub struct Options {
    pub variants: Option<String>,
    pub builds: Option<String>,
    pub quick: bool,
}

/// Parses the options; an unknown one or a missing value is an error line.
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .filter(|v| !v.is_empty() && !v.starts_with("--"))
                .ok_or_else(|| format!("{name} needs a comma-separated list"))
        };
        match name {
            "--variants" => o.variants = Some(value()?),
            "--builds" => o.builds = Some(value()?),
            "--quick" if inline.is_none() => o.quick = true,
            _ => {
                return Err(format!(
                    "unknown option '{arg}' for flags; options: --variants a,b --builds a,b --quick"
                ));
            }
        }
    }
    Ok(o)
}

const HELP: &str = "\
cargo xtask flags: which compiler flags make each variant faster without changing its answer

Builds the lab under each build (each into target/flags/), runs each variant from each build on
the tutorial's problem, validates it pixel for pixel and measures it under criterion, and writes
reports/flags.json (the report's Compiler flags section).

Options:
  --variants a,b   variants to run (default: the single-core loops and simd-lanes)
  --builds a,b     builds to make (default: all; the default build `release` is always made)
  --quick          criterion's quick settings and the builds release, native, gcc-O3-native,
                   gcc-O3-native-nocontract, gcc-O3-fastmath

Builds:
";

pub fn run(args: &[String]) -> Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        let mut help = HELP.to_string();
        for b in BUILDS {
            help.push_str(&format!("  {:<26} {}\n", b.name, b.flags()));
        }
        stdout::print(help)?;
        return Ok(ExitCode::SUCCESS);
    }
    let opts = match parse(args) {
        Ok(o) => o,
        Err(e) => return Ok(lab::bad_input(&e)),
    };
    let builds = match select(opts.builds.as_deref(), opts.quick) {
        Ok(b) => b,
        Err(e) => return Ok(lab::bad_input(&e)),
    };
    let start = Instant::now();
    let default = lab::build_release(&[])?;
    // The variants are resolved by the lab before anything else is built: a typo costs nothing.
    let mut check = vec!["flags".into(), "--check".into()];
    check.extend(
        opts.variants
            .iter()
            .flat_map(|v| ["--variants".into(), v.clone()]),
    );
    let output = interrupt_output(Command::new(&default).args(&check))?;
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Ok(ExitCode::from(
            u8::try_from(output.status.code().unwrap_or(1)).unwrap_or(1),
        ));
    }
    let variants: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .trim()
        .split(',')
        .filter(|v| !v.is_empty())
        .map(String::from)
        .collect();
    let dir = lab::target_dir().join("flags");
    let bin = dir.join("bin");
    let run_dir = dir.join("run");
    fs::create_dir_all(&bin).with_context(|| format!("cannot create {}", bin.display()))?;
    fs::create_dir_all(&run_dir).with_context(|| format!("cannot create {}", run_dir.display()))?;

    let mut log = String::new();
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
        let outcome = make(b, &dir, &default, &variants);
        let seconds = t.elapsed().as_secs_f64();
        let (status, reason) = match outcome {
            Ok(Made::Binary(path)) => {
                let to = bin.join(b.name);
                fs::copy(&path, &to).with_context(|| {
                    format!("cannot copy {} to {}", path.display(), to.display())
                })?;
                made.push(*b);
                ("ok", String::new())
            }
            Ok(Made::Reused(built)) => {
                made.push(*b);
                eprintln!("xtask flags:   up to date (built in {built:.0} s)");
                log.push_str(&log_line(b, "ok", built, ""));
                continue;
            }
            Ok(Made::Skipped(why)) => ("skipped", why),
            Err(e) if e.downcast_ref::<interrupt::Interrupted>().is_some() => return Err(e),
            Err(e) => ("failed", format!("{e:#}")),
        };
        if status != "ok" {
            eprintln!("xtask flags:   {status}: {reason}");
        } else {
            eprintln!("xtask flags:   built in {seconds:.0} s");
        }
        log.push_str(&log_line(b, status, seconds, &reason));
    }
    fs::write(run_dir.join("builds.tsv"), &log).context("cannot write the build log")?;

    let cells = run_dir.join("cells");
    let _ = fs::remove_dir_all(&cells);
    fs::create_dir_all(&cells).with_context(|| format!("cannot create {}", cells.display()))?;
    // Variant by variant, every build in turn: the cells a speed-up compares run minutes apart
    // at most, so a shared machine's changing load moves them together.
    let jobs: Vec<(&Build, &String)> = variants
        .iter()
        .flat_map(|v| made.iter().filter(|b| b.runs(v)).map(move |b| (b, v)))
        .collect();
    let measuring = Instant::now();
    for (k, (b, v)) in jobs.iter().enumerate() {
        let t = Instant::now();
        let mut args = vec![
            "flags-cell".to_string(),
            "--variant".into(),
            v.to_string(),
            "--build".into(),
            b.name.into(),
            "--out".into(),
            cells
                .join(format!("{}.{v}.json", b.name))
                .display()
                .to_string(),
            "--criterion-dir".into(),
            dir.join("criterion").display().to_string(),
        ];
        if opts.quick {
            args.push("--quick".into());
        }
        // Criterion's chatter goes to the cell's log; the progress line says what it found.
        let log_path = run_dir.join(format!("{}.{v}.log", b.name));
        let log_file = fs::File::create(&log_path)
            .with_context(|| format!("cannot create {}", log_path.display()))?;
        let status = interrupt::status(
            Command::new(bin.join(b.name))
                .current_dir(lab::work_dir())
                .args(&args)
                .stdout(log_file.try_clone().context("cannot share the log")?)
                .stderr(log_file),
        )?;
        let outcome = if status.success() {
            let cell =
                fs::read_to_string(cells.join(format!("{}.{v}.json", b.name))).unwrap_or_default();
            cell_summary(&cell)
        } else {
            let log = fs::read_to_string(&log_path).unwrap_or_default();
            let error = log
                .lines()
                .rev()
                .find(|l| l.starts_with("error"))
                .unwrap_or("");
            format!("failed ({status}) {error}; see {}", log_path.display())
        };
        eprintln!(
            "xtask flags: [run {}/{}] {} × {v}: {outcome} ({:.0} s)",
            k + 1,
            jobs.len(),
            b.name,
            t.elapsed().as_secs_f64()
        );
    }
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
        variants.join(","),
    ];
    if opts.quick {
        collect.push("--quick".into());
    }
    let code = lab::run(&default, &collect)?;
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    if lab::work_dir().join("reports/results.json").exists() {
        lab::run_with(
            &default,
            &["report".into(), "--render-only".into()],
            Stdio::null(),
        )
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// The build log's line for `b` (the lab's `flags --collect` reads it).
pub fn log_line(b: &Build, status: &str, seconds: f64, reason: &str) -> String {
    let clean = |s: &str| s.replace(['\t', '\n'], " ");
    format!(
        "{}\t{}\t{status}\t{seconds:.1}\t{}\t{}\n",
        b.name,
        if b.lang() == Lang::C { "c" } else { "rust" },
        clean(&b.flags()),
        clean(reason)
    )
}

enum Made {
    Binary(PathBuf),
    /// The binary in `bin/` is up to date; it took this many seconds to build.
    Reused(f64),
    Skipped(String),
}

/// What a gcc build's binary depends on: its flags, the compiler, and the newest modification
/// time among the workspace's sources and manifests.
fn freshness_key(cflags: &str) -> String {
    let root = lab::root();
    let mut newest = std::time::SystemTime::UNIX_EPOCH;
    let mut stack: Vec<PathBuf> = ["src", "variants", "build.rs", "Cargo.toml", "Cargo.lock"]
        .iter()
        .map(|p| root.join(p))
        .collect();
    while let Some(p) = stack.pop() {
        let Ok(meta) = fs::metadata(&p) else { continue };
        if meta.is_dir() {
            stack.extend(
                fs::read_dir(&p)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path()),
            );
        } else if let Ok(m) = meta.modified() {
            newest = newest.max(m);
        }
    }
    let stamp = newest
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cflags} | {rustc} | {stamp}")
}

/// The build seconds recorded in `stamp` if it holds `key` and `binary` exists.
fn reusable(stamp: &Path, key: &str, binary: &Path) -> Option<f64> {
    let text = fs::read_to_string(stamp).ok()?;
    let (recorded, seconds) = text.split_once('\n')?;
    (recorded == key && binary.is_file()).then(|| seconds.trim().parse().ok())?
}

fn make(b: &Build, dir: &Path, default: &Path, variants: &[String]) -> Result<Made> {
    match b.recipe {
        Recipe::Default => Ok(Made::Binary(default.to_path_buf())),
        Recipe::Rust { rustflags, config } => {
            cargo_build(&dir.join(b.name), rustflags, config, None, b.name).map(Made::Binary)
        }
        Recipe::C { cflags } => {
            if which("gcc").is_none() {
                return Ok(Made::Skipped(
                    "gcc not found (Debian: sudo apt-get install gcc)".into(),
                ));
            }
            // The gcc builds share one target folder, where cargo rebuilds the two lab crates
            // whenever the flags change: a build whose sources, flags and compiler are unchanged
            // since its binary was made is reused instead.
            let stamp = dir.join("bin").join(format!("{}.stamp", b.name));
            let key = freshness_key(cflags);
            if let Some(seconds) = reusable(&stamp, &key, &dir.join("bin").join(b.name)) {
                return Ok(Made::Reused(seconds));
            }
            let t = Instant::now();
            let built = cargo_build(&dir.join("c"), "", &[], Some(cflags), b.name)?;
            let _ = fs::write(&stamp, format!("{key}\n{:.1}\n", t.elapsed().as_secs_f64()));
            Ok(Made::Binary(built))
        }
        Recipe::Pgo => pgo(dir, variants),
    }
}

/// Builds the lab in release into `target` with extra RUSTFLAGS, `--config` values and gcc
/// flags; cargo's output goes to `run/<log>.log`, whose first error line is the failure.
fn cargo_build(
    target: &Path,
    rustflags: &str,
    config: &[&str],
    cflags: Option<&str>,
    log: &str,
) -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let log_path = lab::target_dir()
        .join("flags")
        .join("run")
        .join(format!("{log}.log"));
    let log_file = fs::File::create(&log_path)
        .with_context(|| format!("cannot create {}", log_path.display()))?;
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(lab::root())
        .args(lab::BUILD_LAB)
        .arg("--target-dir")
        .arg(target)
        .stdout(Stdio::null())
        .stderr(log_file);
    for c in config {
        cmd.args(["--config", c]);
    }
    let inherited = std::env::var("RUSTFLAGS").unwrap_or_default();
    cmd.env("RUSTFLAGS", join_flags(&inherited, rustflags));
    match cflags {
        Some(f) => cmd.env("MANDEL_LAB_CFLAGS", f),
        None => cmd.env_remove("MANDEL_LAB_CFLAGS"),
    };
    let status = interrupt::status(&mut cmd).with_context(|| format!("running {cargo}"))?;
    if !status.success() {
        let text = fs::read_to_string(&log_path).unwrap_or_default();
        bail!("{}", first_error(&text).unwrap_or("cargo build failed"));
    }
    Ok(target.join("release").join("mandel-lab"))
}

/// `median 140.2 ms, exact` or `..., 32 pixels differ`, read from a cell's JSON (xtask has no
/// JSON parser: the lab writes one field a line).
pub fn cell_summary(cell: &str) -> String {
    let number = |key: &str| {
        cell.lines()
            .find_map(|l| l.trim().strip_prefix(&format!("\"{key}\": ")))
            .and_then(|v| v.trim_end_matches(',').parse::<f64>().ok())
    };
    let median =
        number("median").map_or("not timed".into(), |m| format!("median {:.1} ms", m * 1e3));
    match number("mismatched_pixels") {
        Some(0.0) => format!("{median}, exact"),
        Some(n) => format!("{median}, {n} pixels differ"),
        None => median,
    }
}

/// `a` and `b` joined by a space, either may be empty.
pub fn join_flags(a: &str, b: &str) -> String {
    [a.trim(), b.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first `error` line of cargo's output.
pub fn first_error(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| l.starts_with("error"))
}

/// Profile-guided optimisation: skipped with the reason when no `llvm-profdata` of rustc's
/// LLVM version is found.
fn pgo(dir: &Path, variants: &[String]) -> Result<Made> {
    let llvm = rustc_llvm_major()?;
    let profdata = match find_profdata(&llvm) {
        Ok(p) => p,
        Err(why) => return Ok(Made::Skipped(why)),
    };
    let data = dir.join("pgo-data");
    let _ = fs::remove_dir_all(&data);
    fs::create_dir_all(&data).with_context(|| format!("cannot create {}", data.display()))?;
    let generate = format!("-Cprofile-generate={}", data.display());
    let instrumented = cargo_build(&dir.join("pgo-gen"), &generate, &[], None, "pgo-gen")?;
    for v in variants {
        eprintln!("xtask flags:   training run: {v}");
        let status = interrupt::status(
            Command::new(&instrumented)
                .args(["run", "--variant", v])
                .stdout(Stdio::null()),
        )?;
        if !status.success() {
            bail!("the instrumented build's run of {v} failed ({status})");
        }
    }
    let merged = data.join("merged.profdata");
    let status = interrupt::status(
        Command::new(&profdata)
            .arg("merge")
            .arg("-o")
            .arg(&merged)
            .arg(&data),
    )?;
    if !status.success() {
        bail!("{} merge failed ({status})", profdata.display());
    }
    let use_ = format!("-Cprofile-use={}", merged.display());
    cargo_build(&dir.join("pgo"), &use_, &[], None, "pgo").map(Made::Binary)
}

/// rustc's LLVM major version (`LLVM version: 22.1.2` in `rustc -vV`).
fn rustc_llvm_major() -> Result<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(&rustc)
        .arg("-vV")
        .output()
        .with_context(|| format!("cannot run {rustc} -vV"))?;
    llvm_major(&String::from_utf8_lossy(&out.stdout), "LLVM version: ")
        .context("rustc -vV names no LLVM version")
}

/// The major version after `prefix` in `text`.
pub fn llvm_major(text: &str, prefix: &str) -> Option<String> {
    let line = text
        .lines()
        .find_map(|l| l.find(prefix).map(|i| &l[i + prefix.len()..]))?;
    Some(line.trim().split('.').next()?.to_string())
}

/// The `llvm-profdata` of LLVM `major`: rustup's `llvm-tools` first, then `PATH`; the error
/// says what was found and what to install.
fn find_profdata(major: &str) -> Result<PathBuf, String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let host = Command::new(&rustc)
        .arg("-vV")
        .output()
        .ok()
        .and_then(|o| llvm_major(&String::from_utf8_lossy(&o.stdout), "host: "));
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let (Some(sysroot), Some(host)) = (sysroot, host) {
        // `llvm_major` returns the whole value when it has no dot, as a host triple has none.
        candidates.push(Path::new(&sysroot).join(format!("lib/rustlib/{host}/bin/llvm-profdata")));
    }
    candidates.extend(which(&format!("llvm-profdata-{major}")));
    candidates.extend(which("llvm-profdata"));
    let mut found = Vec::new();
    for c in candidates.into_iter().filter(|c| c.exists()) {
        // `merge --version`: LLVM 14's llvm-profdata knows no top-level --version.
        let version = Command::new(&c)
            .args(["merge", "--version"])
            .output()
            .ok()
            .and_then(|o| llvm_major(&String::from_utf8_lossy(&o.stdout), "LLVM version "));
        if version.as_deref() == Some(major) {
            return Ok(c);
        }
        found.push(format!(
            "{} is LLVM {}",
            c.display(),
            version.unwrap_or_else(|| "?".into())
        ));
    }
    Err(format!(
        "no llvm-profdata for rustc's LLVM {major}{} (install it: rustup component add llvm-tools)",
        if found.is_empty() {
            String::new()
        } else {
            format!("; found {}", found.join(", "))
        }
    ))
}

/// `name` on `PATH`.
fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs `cmd` (dying with xtask) and captures its output.
fn interrupt_output(cmd: &mut Command) -> Result<std::process::Output> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = interrupt::spawn(cmd)?;
    child.wait_with_output().context("cannot wait for the lab")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_has_unique_names_the_default_first_and_every_issue_build() {
        let names: Vec<&str> = BUILDS.iter().map(|b| b.name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert_eq!(BUILDS[0].recipe, Recipe::Default);
        assert_eq!(BUILDS.iter().filter(|b| b.lang() == Lang::C).count(), 5);
        assert!(BUILDS.iter().any(|b| b.recipe == Recipe::Pgo));
        for b in BUILDS {
            assert!(!b.flags().is_empty(), "{}", b.name);
        }
    }

    #[test]
    fn flags_are_assembled_as_cargo_and_gcc_take_them() {
        let find = |n: &str| BUILDS.iter().find(|b| b.name == n).unwrap();
        assert_eq!(find("native").flags(), "RUSTFLAGS=-C target-cpu=native");
        assert_eq!(
            find("lto-fat").flags(),
            "--config profile.release.lto=\"fat\" --config profile.release.codegen-units=1"
        );
        assert_eq!(find("gcc-O3-native").flags(), "gcc -O3 -march=native");
        assert_eq!(
            join_flags("", "-C target-cpu=native"),
            "-C target-cpu=native"
        );
        assert_eq!(join_flags("-g", "-C x"), "-g -C x");
        assert_eq!(join_flags(" ", ""), "");
        // A gcc build changes the C kernel only.
        assert!(find("gcc-O2").runs("c-reference") && !find("gcc-O2").runs("expanded"));
        assert!(find("native").runs("c-reference") && find("native").runs("expanded"));
        let line = log_line(find("gcc-O2"), "failed", 1.25, "error: a\tb\nc");
        assert_eq!(line, "gcc-O2\tc\tfailed\t1.2\tgcc -O2\terror: a b c\n");
    }

    #[test]
    fn builds_are_selected_by_name_with_the_default_always_first() {
        let names = |b: Vec<Build>| b.iter().map(|b| b.name).collect::<Vec<_>>();
        assert_eq!(
            names(select(Some("gcc-O2,native,gcc-O2"), false).unwrap()),
            ["release", "gcc-O2", "native"]
        );
        let quick = names(select(None, true).unwrap());
        assert_eq!(quick[0], "release");
        assert!(quick.contains(&"gcc-O3-native") && quick.len() < BUILDS.len());
        assert_eq!(select(None, false).unwrap().len(), BUILDS.len());
        let err = select(Some("turbo"), false).unwrap_err();
        assert!(err.starts_with("unknown build 'turbo'; builds: release, native"));
    }

    #[test]
    fn options_parse_and_unknown_ones_are_refused() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse(&args(&[
                "--variants=naive",
                "--builds",
                "native",
                "--quick"
            ]))
            .unwrap(),
            Options {
                variants: Some("naive".into()),
                builds: Some("native".into()),
                quick: true
            }
        );
        assert!(
            parse(&args(&["--turbo"]))
                .unwrap_err()
                .contains("unknown option")
        );
        assert!(parse(&args(&["--builds"])).unwrap_err().contains("needs"));
        assert!(parse(&args(&["--quick=yes"])).is_err());
    }

    #[test]
    fn a_cell_is_summed_up_from_its_json_lines() {
        let cell = "{\n  \"validation\": {\n    \"mismatched_pixels\": 32,\n  },\n  \"timing\": {\n    \"median\": 0.1402,\n";
        assert_eq!(cell_summary(cell), "median 140.2 ms, 32 pixels differ");
        assert_eq!(cell_summary(""), "not timed");
    }

    #[test]
    fn versions_and_first_errors_are_read_from_tool_output() {
        let rustc = "rustc 1.95.0\nhost: x86_64-unknown-linux-gnu\nLLVM version: 22.1.2\n";
        assert_eq!(llvm_major(rustc, "LLVM version: ").as_deref(), Some("22"));
        assert_eq!(
            llvm_major(
                "Debian LLVM version 14.0.6\n  Optimized build.",
                "LLVM version "
            ),
            Some("14".into())
        );
        assert_eq!(
            llvm_major(
                "LLVM (http://llvm.org/):\n  LLVM version 22.1.2-rust-1.95.0-stable",
                "LLVM version "
            ),
            Some("22".into())
        );
        assert_eq!(
            first_error("   Compiling x\nerror: linking with `cc` failed\nerror: aborting"),
            Some("error: linking with `cc` failed")
        );
    }
}
