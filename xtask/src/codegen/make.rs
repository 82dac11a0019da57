//! Making one build of the matrix: cargo into the build's own target folder (the gcc builds
//! sharing one, and reused while their sources, flags and compiler are unchanged), and PGO with a
//! matching `llvm-profdata`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::builds::{Build, Recipe};
use crate::{interrupt, lab};

/// What making a build gave.
pub enum Made {
    /// Built: the binary.
    Binary(PathBuf),
    /// The binary in `bin/` is up to date; it took this many seconds to build.
    Reused(f64),
    /// A tool it needs is missing: why.
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

pub fn make(b: &Build, dir: &Path, default: &Path, variants: &[String]) -> Result<Made> {
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
    match crate::build::run_cargo(&mut cmd).with_context(|| format!("running {cargo}"))? {
        Ok(executable) => Ok(executable),
        Err(_) => {
            let text = fs::read_to_string(&log_path).unwrap_or_default();
            bail!("{}", first_error(&text).unwrap_or("cargo build failed"))
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_joined_with_either_empty() {
        assert_eq!(
            join_flags("", "-C target-cpu=native"),
            "-C target-cpu=native"
        );
        assert_eq!(join_flags("-g", "-C x"), "-g -C x");
        assert_eq!(join_flags(" ", ""), "");
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
