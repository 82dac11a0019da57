//! The regression gate end to end, on release builds of the lab (the gate counts optimised code):
//! unchanged code passes five times in a row with the same counts, a planted slowdown in
//! `expanded`'s inner loop and in the SIMD shortcuts' step fails exactly the variants that share
//! those kernels, and bad baselines and options are one line and exit code 2 with the baseline
//! untouched.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The variants whose kernels hold the planted slowdown: those that run `expanded`'s
/// `escape_time` (`mpi` does too, but the gate skips it), and the SIMD shortcuts, whose first pass
/// and lanes share one step (`variants/src/shortcuts/simd_refill.rs`).
const PLANTED: [&str; 5] = [
    "expanded",
    "rayon-chunks",
    "rayon-rows",
    "simd-shortcut",
    "simd-shortcut-rayon",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// The lock xtask's builds take too (`xtask/src/lab.rs`, `build_lock`): a planted build passing
/// through `target/release` must not meet another test's or xtask's build. flock(2) locks belong
/// to an open file, so the tests of this binary exclude each other through it as well.
fn build_lock() -> std::fs::File {
    let dir = target().join("release");
    std::fs::create_dir_all(&dir).unwrap();
    let file = std::fs::File::create(dir.join(".mandel-lab-build.lock")).unwrap();
    // SAFETY: flock(2) on a descriptor owned by `file`; the lock ends when it is closed.
    let locked = unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&file), libc::LOCK_EX) };
    assert_eq!(locked, 0, "flock: {}", std::io::Error::last_os_error());
    file
}

fn cargo_build(features: &[&str]) {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root()).args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "mandel-lab",
        "--bin",
        "mandel-lab",
    ]);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let status = cmd.status().expect("cargo runs");
    assert!(
        status.success(),
        "cargo build --release {features:?} failed"
    );
}

/// A copy of the release binary of the working tree; with `planted`, of the one built with the
/// feature `planted-regression` (the plain build is then restored in `target/release`). Each test
/// gets its own copy, made under the lock, so that a planted build passing through
/// `target/release` never changes the binary another test is counting.
fn release_binary(planted: bool) -> PathBuf {
    let _guard = build_lock();
    let built = target().join("release").join("mandel-lab");
    // A fresh copy per call: overwriting a binary another test is running would fail (text file
    // busy).
    static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!(
        "{}-{}-{n}",
        if planted { "planted" } else { "plain" },
        std::process::id()
    );
    let copy = target().join("regress-tests").join(name).join("mandel-lab");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    if planted {
        cargo_build(&["planted-regression"]);
        std::fs::copy(&built, &copy).unwrap();
    }
    cargo_build(&[]);
    if !planted {
        std::fs::copy(&built, &copy).unwrap();
    }
    copy
}

fn valgrind_missing() -> bool {
    let missing = Command::new("valgrind").arg("--version").output().is_err();
    if missing {
        println!("skip: the regression gate needs valgrind (Debian: apt-get install valgrind)");
    }
    missing
}

fn gate(binary: &Path, args: &[&str]) -> Output {
    Command::new(binary)
        .current_dir(root())
        .arg("regress")
        .args(args)
        .output()
        .expect("the lab runs")
}

/// `(variant, now, verdict)` of every row of the gate's table.
fn rows(out: &Output) -> Vec<(String, u64, String)> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('│').map(str::trim).collect();
            let now = cells.get(4)?.replace(',', "").parse().ok()?;
            Some((cells[1].to_string(), now, cells.get(7)?.to_string()))
        })
        .collect()
}

fn bless(binary: &Path, baseline: &Path) {
    let out = gate(
        binary,
        &[
            "--baseline",
            baseline.to_str().unwrap(),
            "--bless",
            "--reason",
            "test baseline",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "full tier: a release build and five callgrind passes over every variant"]
fn the_gate_passes_unchanged_code_five_times_in_a_row_with_the_same_counts() {
    if valgrind_missing() {
        return;
    }
    let binary = release_binary(false);
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    bless(&binary, &baseline);
    let mut first: Option<Vec<(String, u64, String)>> = None;
    for run in 1..=5 {
        let out = gate(&binary, &["--baseline", baseline.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "run {run}: {stderr}");
        let now = rows(&out);
        assert!(now.len() >= 12, "run {run}: {now:?}");
        assert!(now.iter().all(|(_, _, v)| v == "ok"), "run {run}: {now:?}");
        let Some(first) = &first else {
            first = Some(now);
            continue;
        };
        for ((name, a, _), (_, b, _)) in first.iter().zip(&now) {
            let pooled = mandel_variants::find(name)
                .is_some_and(|v| v.knobs.contains(&mandel_variants::Knob::Threads));
            if pooled {
                // The pool's hand-off leaves a few dozen instructions to the host's timing: a
                // share of a large count, or a few hundred of a small one (the shortcuts').
                let drift = (*a as f64 - *b as f64).abs() / *a as f64;
                assert!(
                    drift < 1e-5 || a.abs_diff(*b) < 500,
                    "run {run}: {name} {a} then {b}"
                );
            } else {
                assert_eq!(a, b, "run {run}: {name} is not deterministic");
            }
        }
    }
}

#[test]
#[ignore = "full tier: builds the lab with the planted regression and counts it under callgrind"]
fn the_gate_fails_a_planted_regression_naming_exactly_the_variants_that_share_the_kernel() {
    if valgrind_missing() {
        return;
    }
    let plain = release_binary(false);
    let planted = release_binary(true);
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    bless(&plain, &baseline);
    let md = dir.path().join("verdict.md");
    let out = gate(
        &planted,
        &[
            "--baseline",
            baseline.to_str().unwrap(),
            "--markdown",
            md.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let failing: Vec<String> = rows(&out)
        .into_iter()
        .filter(|(_, _, v)| v != "ok")
        .map(|(name, _, v)| {
            assert_eq!(v, "REGRESSION", "{name}");
            name
        })
        .collect();
    assert_eq!(failing, PLANTED);
    assert!(
        stderr.contains(
            "the gate fails: expanded, rayon-chunks, rayon-rows, simd-shortcut, simd-shortcut-rayon;"
        ),
        "{stderr}"
    );
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.contains("### Instruction-count gate: **fails**"), "{md}");
    assert_eq!(md.matches("| REGRESSION |").count(), PLANTED.len(), "{md}");
}

#[test]
fn bad_baselines_and_thresholds_are_one_line_and_exit_2_with_the_baseline_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(root().join("ci/perf-baseline.json")).unwrap();
    let cases: [(&str, String, &[&str], &str); 8] = [
        ("missing", String::new(), &[], "no baseline at"),
        (
            "corrupt",
            "{\"schema_version\": 1, trunc".into(),
            &[],
            "cannot use",
        ),
        (
            "schema",
            good.replace("\"schema_version\": 1", "\"schema_version\": 7"),
            &[],
            "schema_version 7, this lab reads version 1; re-bless it",
        ),
        (
            "threshold",
            good.replace(
                "\"default_threshold_pct\": 2.0",
                "\"default_threshold_pct\": \"two\"",
            ),
            &[],
            "expected f64",
        ),
        (
            "negative",
            good.replace(
                "\"default_threshold_pct\": 2.0",
                "\"default_threshold_pct\": -1.0",
            ),
            &[],
            "at least 0",
        ),
        (
            "option",
            good.clone(),
            &["--threshold", "abc"],
            "--threshold",
        ),
        (
            "reason",
            good.clone(),
            &["--bless"],
            "--bless needs --reason",
        ),
        (
            "bless-corrupt",
            "[1, 2".into(),
            &["--bless", "--reason", "x"],
            "delete it to bless a fresh baseline",
        ),
    ];
    for (name, text, extra, needle) in cases {
        let path = dir.path().join(format!("{name}.json"));
        if !text.is_empty() {
            std::fs::write(&path, &text).unwrap();
        }
        let mut args = vec!["regress", "--baseline", path.to_str().unwrap()];
        args.extend(extra);
        common::assert_bad_input(&args, needle);
        if !text.is_empty() {
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                text,
                "{name} changed"
            );
        } else {
            assert!(!path.exists(), "{name}: a baseline was created");
        }
    }
}
