//! `cargo xtask gpu-check`: the one command for the day a GPU is lent. The six `cuda-*` variants
//! have never run on hardware; on a machine with an NVIDIA driver and a device this proves them
//! in one step, in under ten minutes on a 16-core machine:
//!
//! 1. the GPU tests (`gpu`, `gpu_compile`, `gpu_emulator`, `known_answers`: on a device, every
//!    float64 variant must match the reference pixel for pixel and its kernels are timed);
//! 2. every GPU variant once under `mandel-lab run` on the tutorial's problem (validation,
//!    differing pixels, whole and kernel-only seconds);
//! 3. the sizes sweep (every GPU variant against `rayon-rows` at 500, 1000 and 2048);
//! 4. a quick report, whose GPU section shows them beside the CPU variants;
//!
//! and writes the figures, with the device, its driver, the CUDA version and the date, into
//! `docs/gpu.md` between two markers (replacing the last check's). Without a GPU it says what is
//! missing in one line, exit code 2, and changes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use clap::Args;

use crate::{interrupt, lab, stdout};

/// `cargo xtask gpu-check`.
///
/// On a machine with an NVIDIA driver and a device: the GPU tests, every GPU variant under `run`
/// on the tutorial's problem, `sweep sizes --quick` and `report --quick`, then the figures (device,
/// driver, CUDA version, date, validation and times) written into docs/gpu.md (or FILE) between
/// its gpu-check markers. Without a GPU: one line saying what is missing, exit 2.
#[derive(Debug, Args)]
pub struct GpuCheckArgs {
    /// Skip the cargo tests (when they have just been run).
    #[arg(long)]
    pub no_tests: bool,
    /// The Markdown file to write the figures into (default docs/gpu.md).
    #[arg(long, value_name = "FILE")]
    pub doc: Option<PathBuf>,
}

/// The markers around the section this command owns in `docs/gpu.md`.
pub const BEGIN: &str = "<!-- gpu-check: begin (written by cargo xtask gpu-check) -->";
pub const END: &str = "<!-- gpu-check: end -->";

/// The tests that prove the GPU variants (each skips what it cannot do here).
const TESTS: &[&str] = &["gpu", "gpu_compile", "gpu_emulator", "known_answers"];

/// Why there is certainly no GPU here, found without building anything: no NVIDIA kernel driver
/// (`/proc/driver/nvidia/version`) and no device node (`/dev/nvidia0`, ...); `None` where either
/// exists, and the lab's probe must decide.
fn no_driver() -> Option<String> {
    let driver = Path::new("/proc/driver/nvidia/version").exists();
    let device = std::fs::read_dir("/dev").is_ok_and(|dir| {
        dir.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.strip_prefix("nvidia")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
    });
    (!driver && !device).then(|| {
        "no NVIDIA driver is loaded (no /proc/driver/nvidia/version, no /dev/nvidia0)".into()
    })
}

pub fn run(args: &GpuCheckArgs) -> Result<ExitCode> {
    let tests = !args.no_tests;
    let doc = args
        .doc
        .clone()
        .unwrap_or_else(|| lab::root().join("docs/gpu.md"));
    let doc_text = match std::fs::read_to_string(&doc) {
        Ok(text) => text,
        Err(e) => return Ok(lab::bad_input(&format!("--doc {}: {e}", doc.display()))),
    };
    // Said before the build (half a minute), where the kernel shows no NVIDIA driver at all; the
    // lab's own probe, after the build, decides where one is.
    if let Some(why) = no_driver() {
        return Ok(lab::bad_input(&format!(
            "no GPU here: {why}. gpu-check runs on a machine with an NVIDIA driver and a device; \
             without one, `cargo test --test gpu_compile --test gpu_emulator` proves what it can"
        )));
    }
    let binary = lab::build_release(&[])?;
    let gpu = gpu_variants(&binary)?;
    if gpu.is_empty() {
        bail!("the lab lists no GPU variant");
    }
    let available: Vec<&(String, Option<String>)> =
        gpu.iter().filter(|(_, why)| why.is_none()).collect();
    if available.is_empty() {
        let why = gpu[0].1.as_deref().unwrap_or("unavailable");
        return Ok(lab::bad_input(&format!(
            "no GPU here: {why}. gpu-check runs on a machine with an NVIDIA driver and a device; \
             without one, `cargo test --test gpu_compile --test gpu_emulator` proves what it can"
        )));
    }
    let started = Instant::now();
    let device = device_info();
    eprintln!("xtask: gpu-check on {}", device.summary());
    let test_line = if tests {
        let t = Instant::now();
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(lab::root()).args(["test", "--release"]);
        for test in TESTS {
            cmd.args(["--test", test]);
        }
        let status = interrupt::status(&mut cmd).context("cannot run cargo test")?;
        let verdict = if status.success() { "passed" } else { "FAILED" };
        format!(
            "Tests ({}): {verdict} in {:.0} s.",
            TESTS.join(", "),
            t.elapsed().as_secs_f64()
        )
    } else {
        "Tests: not run (--no-tests).".to_string()
    };
    let mut rows = Vec::new();
    for (name, _) in &available {
        eprintln!("xtask: run --variant {name}");
        rows.push(run_once(&binary, name)?);
    }
    let mut steps = Vec::new();
    for (what, args) in [
        (
            "sweep sizes --quick",
            vec!["sweep", "sizes", "--quick", "--values", "500,1000,2048"],
        ),
        ("report --quick", vec!["report", "--quick"]),
    ] {
        eprintln!("xtask: {what}");
        let args: Vec<String> = args.into_iter().map(String::from).collect();
        let code = lab::run(&binary, &args)?;
        let verdict = if code == ExitCode::SUCCESS {
            "done"
        } else {
            "FAILED"
        };
        steps.push(format!("`{what}`: {verdict}"));
    }
    let section = section(
        &device,
        &test_line,
        &rows,
        &steps,
        started.elapsed().as_secs_f64(),
    );
    let updated = replace_section(&doc_text, &section);
    write_atomically(&doc, &updated)?;
    stdout::print(format!("{section}\nWritten into {}\n", doc.display()))?;
    let failed = rows.iter().any(|r| r.status == "FAIL")
        || test_line.contains("FAILED")
        || steps.iter().any(|s| s.contains("FAILED"));
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Every GPU variant the lab lists, with why it cannot run here (`None`: it can).
fn gpu_variants(binary: &Path) -> Result<Vec<(String, Option<String>)>> {
    Ok(lab::variants(binary)?
        .into_iter()
        .filter(|v| v.gpu)
        .map(|v| {
            let why = match v.available {
                true => None,
                false => Some(v.unavailable_reason.unwrap_or_else(|| "unavailable".into())),
            };
            (v.name, why)
        })
        .collect())
}

/// One row of the figures: what `run --format json` said.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub variant: String,
    pub status: String,
    pub mismatched: u64,
    pub seconds: f64,
    pub kernel_seconds: Option<f64>,
}

fn run_once(binary: &Path, variant: &str) -> Result<Row> {
    // A failed validation exits 1 with its JSON on standard output: still a row.
    let out = capture(binary, &["run", "--variant", variant, "--format", "json"])?;
    let json: serde_json::Value =
        serde_json::from_str(&out).with_context(|| format!("run --variant {variant}'s JSON"))?;
    Ok(Row {
        variant: variant.into(),
        status: json["status"].as_str().unwrap_or("?").into(),
        mismatched: json["mismatched_pixels"].as_u64().unwrap_or(0),
        seconds: json["seconds"].as_f64().unwrap_or(f64::NAN),
        kernel_seconds: json["kernel_seconds"].as_f64(),
    })
}

/// The lab's standard output for `args` (its standard error goes to the terminal).
fn capture(binary: &Path, args: &[&str]) -> Result<String> {
    let mut child = interrupt::spawn(
        Command::new(binary)
            .current_dir(lab::work_dir())
            .args(args)
            .stdout(Stdio::piped()),
    )?;
    let mut text = String::new();
    if let Some(mut out) = child.stdout.take() {
        std::io::Read::read_to_string(&mut out, &mut text)
            .with_context(|| format!("reading mandel-lab {}", args.join(" ")))?;
    }
    interrupt::wait(&mut child, None)?;
    Ok(text)
}

/// The device, its driver and the CUDA version, as `nvidia-smi` says them.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub name: String,
    pub driver: String,
    pub cuda: String,
}

impl Device {
    fn summary(&self) -> String {
        format!("{} (driver {}, CUDA {})", self.name, self.driver, self.cuda)
    }
}

fn device_info() -> Device {
    let smi = |args: &[&str]| {
        Command::new("nvidia-smi")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let query = smi(&["--query-gpu=name,driver_version", "--format=csv,noheader"]);
    let (name, driver) = query
        .as_deref()
        .and_then(|q| q.lines().next())
        .and_then(|l| l.split_once(','))
        .map_or(
            ("unknown device (no nvidia-smi)".into(), "unknown".into()),
            |(n, d)| (n.trim().to_string(), d.trim().to_string()),
        );
    let cuda = smi(&[])
        .as_deref()
        .and_then(cuda_version)
        .unwrap_or("unknown".into());
    Device { name, driver, cuda }
}

/// The `CUDA Version: 12.4` of `nvidia-smi`'s banner.
pub fn cuda_version(banner: &str) -> Option<String> {
    let rest = banner.split("CUDA Version:").nth(1)?;
    rest.split_whitespace().next().map(str::to_string)
}

/// The Markdown section of one check.
pub fn section(device: &Device, tests: &str, rows: &[Row], steps: &[String], secs: f64) -> String {
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let mut s = format!(
        "{BEGIN}\n### Measured by `cargo xtask gpu-check`, {date}\n\n\
         Device: **{}**, driver {}, CUDA {} (the driver's). The tutorial's problem (500 × 500, \
         maxiter 1000), each variant once under `mandel-lab run`: whole run (conversion, \
         transfers, kernels) and kernels alone (device events).\n\n\
         | variant | validation | differing pixels | whole run | kernels alone |\n\
         |---|---|---:|---:|---:|\n",
        device.name, device.driver, device.cuda
    );
    for r in rows {
        let kernels = r
            .kernel_seconds
            .map_or("-".to_string(), |k| format!("{:.3} ms", k * 1e3));
        s.push_str(&format!(
            "| `{}` | {} | {} | {:.3} ms | {kernels} |\n",
            r.variant,
            r.status,
            r.mismatched,
            r.seconds * 1e3
        ));
    }
    s.push_str(&format!(
        "\n{tests} {}. Whole check: {:.0} s.\n{END}",
        steps.join("; "),
        secs
    ));
    s
}

/// `doc` with the section between the markers replaced by `section` (which carries them), or
/// `section` appended where the markers are not there yet.
pub fn replace_section(doc: &str, section: &str) -> String {
    match (doc.find(BEGIN), doc.find(END)) {
        (Some(b), Some(e)) if b < e => {
            format!("{}{section}{}", &doc[..b], &doc[e + END.len()..])
        }
        _ => format!("{}\n\n{section}\n", doc.trim_end()),
    }
}

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension(format!("md.tmp{}", std::process::id()));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .with_context(|| format!("cannot write {}", path.display()))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_replaces_the_last_check_and_nothing_else() {
        let device = Device {
            name: "NVIDIA H200".into(),
            driver: "570.1".into(),
            cuda: "12.8".into(),
        };
        let rows = [Row {
            variant: "cuda-elementwise-f64".into(),
            status: "OK".into(),
            mismatched: 0,
            seconds: 0.0042,
            kernel_seconds: Some(0.00018),
        }];
        let first = section(&device, "Tests: passed.", &rows, &[], 60.0);
        assert!(first.contains("| `cuda-elementwise-f64` | OK | 0 | 4.200 ms | 0.180 ms |"));
        assert!(first.contains("NVIDIA H200**, driver 570.1, CUDA 12.8"));
        let doc = "# The GPU variants\n\ntext\n";
        let once = replace_section(doc, &first);
        assert!(once.starts_with(doc.trim_end()));
        let second = section(&device, "Tests: FAILED.", &rows, &[], 61.0);
        let twice = replace_section(&format!("{once}after\n"), &second);
        assert_eq!(twice.matches(BEGIN).count(), 1);
        assert!(twice.contains("Tests: FAILED.") && !twice.contains("Tests: passed."));
        assert!(twice.ends_with("after\n"));
    }

    #[test]
    fn the_cuda_version_is_read_from_the_banner() {
        let banner =
            "| NVIDIA-SMI 570.86.15   Driver Version: 570.86.15   CUDA Version: 12.8     |";
        assert_eq!(cuda_version(banner).as_deref(), Some("12.8"));
        assert_eq!(cuda_version("no banner"), None);
    }
}
