//! `cargo xtask regress --against`: bad input is one line and exit code 2, before any build.

mod common;

use std::path::Path;
use std::process::Command;

/// The tests that make or look at `target/ab/worktree` run one at a time.
static WORKTREE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("xtask runs")
}

fn assert_one_line(out: &std::process::Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "expected '{needle}' in {stderr}");
}

fn in_git() -> bool {
    let ok = Command::new("git")
        .current_dir(root())
        .args(["rev-parse", "HEAD"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("skip: not a git checkout");
    }
    ok
}

#[test]
fn an_unknown_revision_is_one_line_and_exit_2() {
    if !in_git() {
        return;
    }
    let out = xtask(&["regress", "--against", "no-such-revision-of-mandel-lab"]);
    assert_one_line(&out, "not a revision of this repository");
}

#[test]
fn a_leftover_worktree_with_uncommitted_changes_is_never_thrown_away() {
    if !in_git() {
        return;
    }
    let _one_at_a_time = WORKTREE.lock().unwrap_or_else(|e| e.into_inner());
    let tree = root().join("target/ab/worktree");
    if tree.exists() {
        println!("skip: {} exists", tree.display());
        return;
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(root())
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        git(&[
            "worktree",
            "add",
            "--detach",
            "--quiet",
            tree.to_str().unwrap(),
            "HEAD"
        ])
        .status
        .success()
    );
    std::fs::write(tree.join("README.md"), "someone's edit\n").unwrap();
    let out = xtask(&["regress", "--against", "HEAD"]);
    let kept = std::fs::read_to_string(tree.join("README.md")).unwrap();
    git(&["worktree", "remove", "--force", tree.to_str().unwrap()]);
    assert_one_line(&out, "uncommitted changes in the way");
    assert_eq!(kept, "someone's edit\n");
}

#[test]
fn bad_options_are_refused_before_the_revision_is_built() {
    if !in_git() {
        return;
    }
    let _one_at_a_time = WORKTREE.lock().unwrap_or_else(|e| e.into_inner());
    for (rounds, needle) in [
        ("-1", "invalid value '-1' for '--rounds"),
        ("18446744073709551615", "must be from 3 to 1000"),
        ("2", "must be from 3 to 1000"),
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
        cmd.current_dir(root())
            .args(["regress", "--against", "HEAD", "--rounds", rounds]);
        // The lab `cargo test` built checks the options, where there is one: no release build.
        if let Some(lab) = common::test_build_lab() {
            cmd.env("MANDEL_LAB_BINARY", lab);
        }
        // One line: no "xtask: building HEAD" before it.
        assert_one_line(&cmd.output().unwrap(), needle);
    }
}
