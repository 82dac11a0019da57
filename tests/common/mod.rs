//! Helpers shared by the integration tests: running the lab binary and the bad-input contract.

// Each test crate uses its own subset of these.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the `mandel-lab` binary with `args`.
pub fn lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(args)
        .output()
        .expect("the mandel-lab binary runs")
}

/// Asserts exit code 2 and exactly one line on stderr containing `needle`, with no panic.
pub fn assert_bad_input(args: &[&str], needle: &str) {
    assert_one_line_error(&lab(args), args, needle);
}

/// Asserts that `out` is bad input: exit code 2, one stderr line containing `needle`, no panic.
pub fn assert_one_line_error(out: &Output, args: &[&str], needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(
        stderr.contains(needle),
        "{args:?}: expected '{needle}' in {stderr}"
    );
}

/// The tunings a variant is checked under: the default, and for a variant that dispatches to SIMD
/// paths, each path forced with `--isa`. A path this CPU lacks is a `skip:` line with its reason.
pub fn isa_tunings(variant: &mandel_variants::Variant) -> Vec<(String, mandel_variants::Tuning)> {
    use mandel_variants::simd::{Isa, names};
    use mandel_variants::{Knob, Tuning};
    let mut out = vec![(variant.name.to_string(), Tuning::default())];
    if !variant.knobs.contains(&Knob::Isa) {
        return out;
    }
    for isa in Isa::ALL {
        if isa.is_available() {
            let tuning = Tuning {
                isa: Some(isa),
                ..Tuning::default()
            };
            out.push((format!("{} --isa {isa}", variant.name), tuning));
        } else {
            println!(
                "skip: {} --isa {isa} (this CPU has only {})",
                variant.name,
                names(&Isa::available())
            );
        }
    }
    out
}

/// Runs the lab with `args` in `cwd`, killed after `limit` (a FIFO opened for writing, or a
/// problem too large, would run for ever): (exit code, stderr), or why it did not end.
pub fn run_bounded(
    args: &[impl AsRef<OsStr>],
    cwd: &Path,
    limit: Duration,
) -> Result<(Option<i32>, String), String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stderr, &mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let text = reader.join().unwrap_or_default();
    Ok((status.code(), String::from_utf8_lossy(&text).into_owned()))
}

/// The files of the modules `file` declares as `#[cfg(test)] mod name;`: `name.rs` beside it
/// (for `mod.rs`, `lib.rs` or `main.rs`) or in the folder named after it.
pub fn test_module_files(file: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let dir = file.parent().unwrap();
    let dir = if ["mod", "lib", "main"].contains(&stem) {
        dir.to_path_buf()
    } else {
        dir.join(stem)
    };
    lines
        .windows(2)
        .filter(|w| w[0] == "#[cfg(test)]")
        .filter_map(|w| w[1].strip_prefix("mod ")?.strip_suffix(';'))
        .flat_map(|name| {
            [
                dir.join(format!("{name}.rs")),
                dir.join(name).join("mod.rs"),
            ]
        })
        .collect()
}

/// A profile set of the report's problem with one variant.
pub fn profile_json(results: &mandel_lab::record::results::Results) -> String {
    let naive = serde_json::json!({
        "variant": "naive", "samples": 100, "kernel_share": 0.9, "top_functions": [],
        "flamegraph": "naive.svg", "folded": "naive.folded", "line_profile": null,
        "line_profile_page": null, "hot_loop": null, "hot_loop_page": null, "notes": []
    });
    profile_set(results, vec![naive]).to_string()
}

/// A profile set (`profile.json`) of the report's problem with `variants`' profiles.
pub fn profile_set(
    results: &mandel_lab::record::results::Results,
    variants: Vec<serde_json::Value>,
) -> serde_json::Value {
    serde_json::json!({
        "schema_version": mandel_lab::profile::SCHEMA_VERSION,
        "generated_at": "2026-12-07T00:00:00Z",
        "spec": results.problem.spec(),
        "callgrind_spec": mandel_lab::profile::CALLGRIND_PROBLEM,
        "seconds": 1.0,
        "frequency": 997,
        "variants": variants
    })
}
