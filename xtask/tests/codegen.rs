//! `cargo xtask flags`: bad input is refused with one line and exit code 2, and touches no file
//! in the work folder. An unknown build or option is refused before anything is built; an
//! unknown variant after the default build only (the lab resolves variant names), before any
//! other build.

mod common;

use common::{work_dir, xtask_fast};

fn refused(args: &[&str], needle: &str) {
    common::refused(&[&["flags"], args].concat(), needle);
}

#[test]
fn an_unknown_build_is_one_line_and_exit_2_before_any_build() {
    let work = work_dir();
    let out = xtask_fast(work.path())
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
    refused(&["--turbo"], "unexpected argument '--turbo' found");
    refused(
        &["--variants"],
        "a value is required for '--variants <A,B,...>' but none was supplied",
    );
    // An empty list is refused as the lab refuses it (`mandel_lab_options::variant_list`).
    refused(&["--variants="], "the list names no variant");
}

#[test]
fn an_unknown_variant_is_refused_by_the_lab_before_the_matrix_is_built() {
    refused(
        &["--variants", "expanded,warp-drive"],
        "unknown variant 'warp-drive'",
    );
}
