//! `cargo xtask report` is one transaction over its folders (see `xtask/src/staged.rs`): a second
//! command into a folder it is writing is refused in one line, and a run whose later step fails
//! leaves `reports/` and `flamegraphs/` byte for byte as they were. Fast tier: the lab that
//! `cargo test` built, on a tiny problem.

mod common;

use std::path::Path;

use common::{snapshot, work_dir, xtask_fast};
use mandel_lab_folder::Transaction;

const TINY: &[&str] = &[
    "--quick",
    "--variants",
    "expanded",
    "--width",
    "20",
    "--height",
    "20",
];

fn report(work: &Path, extra: &[&str]) -> std::process::Output {
    xtask_fast(work)
        .arg("report")
        .args(TINY)
        .args(extra)
        .args(if extra.contains(&"--maxiter") {
            &[][..]
        } else {
            &["--maxiter", "20"][..]
        })
        .output()
        .unwrap()
}

#[test]
fn a_report_into_a_folder_another_command_is_writing_is_refused_in_one_line() {
    let work = work_dir();
    let reports = work.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    std::fs::write(reports.join("results.json"), "the old results").unwrap();
    let before = snapshot(work.path());
    let holder = Transaction::begin(&reports).unwrap();
    let out = report(work.path(), &["--no-profile"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let last = stderr.trim_end().lines().last().unwrap_or("");
    assert!(
        last.starts_with("error: ") && last.contains("another command"),
        "{stderr}"
    );
    drop(holder);
    assert!(snapshot(work.path()) == before);
}

#[test]
fn a_report_whose_history_step_fails_changes_neither_folder() {
    let work = work_dir();
    let first = report(work.path(), &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let reports = work.path().join("reports");
    let flamegraphs = work.path().join("flamegraphs");
    assert!(reports.join("index.html").is_file() && flamegraphs.join("profile.json").is_file());
    // A folder where the history's file should be: the run measures and profiles, then cannot
    // append its line.
    let history = reports.join("history.jsonl");
    std::fs::remove_file(&history).unwrap();
    std::fs::create_dir(&history).unwrap();
    let before = (snapshot(&reports), snapshot(&flamegraphs));
    let failed = report(work.path(), &["--maxiter", "21"]);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success(), "{stderr}");
    assert!(stderr.contains("history.jsonl"), "{stderr}");
    assert!(
        (snapshot(&reports), snapshot(&flamegraphs)) == before,
        "a failed run changed the folders: {stderr}"
    );
    let beside: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".staging-"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}
