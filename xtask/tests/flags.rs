//! `cargo xtask flags`: bad input is refused with one line and exit code 2, and touches no file
//! in the work folder. An unknown build or option is refused before anything is built; an
//! unknown variant after the default build only (the lab resolves variant names), before any
//! other build.

mod common;

use common::{snapshot, work_dir, xtask};

fn refused(args: &[&str], needle: &str) {
    let work = work_dir();
    let before = snapshot(work.path());
    let out = xtask(work.path()).arg("flags").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let last = stderr.trim_end().lines().last().unwrap_or("");
    assert!(
        last.starts_with("error: ") && last.contains(needle),
        "expected '{needle}' on the last line of: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(snapshot(work.path()), before, "a refused run changed files");
}

#[test]
fn an_unknown_build_is_one_line_and_exit_2_before_any_build() {
    let work = work_dir();
    let out = xtask(work.path())
        .args(["flags", "--builds", "native,turbo"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("unknown build 'turbo'; builds: release, native"));
    refused(&["--builds", "turbo"], "unknown build 'turbo'");
}

#[test]
fn an_unknown_option_or_missing_list_is_one_line_and_exit_2() {
    refused(&["--turbo"], "unknown option '--turbo'");
    refused(&["--variants"], "--variants needs a comma-separated list");
}

#[test]
fn an_unknown_variant_is_refused_by_the_lab_before_the_matrix_is_built() {
    refused(
        &["--variants", "expanded,warp-drive"],
        "unknown variant 'warp-drive'",
    );
}
