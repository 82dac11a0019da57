//! Helpers shared by the integration tests: running the lab binary and the bad-input contract.

// Each test crate uses its own subset of these.
#![allow(dead_code)]

use std::process::{Command, Output};

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
