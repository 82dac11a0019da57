//! `cargo xtask regress`: build in release and run the lab's instruction-count gate
//! (`mandel-lab regress`, which also does `--bless`); with `--against REV`, build REV in a git
//! worktree under `target/ab/` and the working tree, and hand both binaries to `mandel-lab ab`.
//!
//! The working tree is built first, and its lab checks the options; then REV is built with the
//! workspace's own target folder, so the dependencies it shares with the working tree are not
//! compiled again (only the two lab crates are: cargo keys them by name, not by checkout; about a
//! minute on 2 cores). Each build's binary is copied out (the working tree's by
//! `lab::build_release`, REV's into `target/ab/`) before the next replaces `target/release/`.

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

use crate::lab;

pub fn run(args: &[String]) -> Result<ExitCode> {
    let against = lab::options(args, &[("--against", true)], true);
    let Some(rev) = against.last() else {
        let binary = lab::build_release(&[])?;
        return lab::run(&binary, &lab::with_command("regress", args));
    };
    let rev = rev.strip_prefix("--against=").unwrap_or(rev);
    if rev.is_empty() || rev == "--against" {
        return Ok(lab::bad_input("--against needs a revision"));
    }
    let rest = lab::options(args, &[("--against", true)], false);
    let Some(commit) = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ]) else {
        return Ok(lab::bad_input(&format!(
            "--against {rev}: not a revision of this repository"
        )));
    };
    let short = &commit[..12.min(commit.len())];
    let dir = lab::root().join("target").join("ab");
    let tree = dir.join("worktree");
    if tree.exists() {
        // A worktree left from an interrupted run: never throw away changes made in it.
        let dirty = git_in(&tree, &["status", "--porcelain"]).unwrap_or_default();
        if !dirty.is_empty() {
            return Ok(lab::bad_input(&format!(
                "{} has uncommitted changes in the way; commit or remove them, then rerun",
                tree.display()
            )));
        }
        remove_worktree(&tree)?;
    }
    // The working tree's lab first: it checks the other options (`ab --check`) before REV is
    // built, so a bad `--rounds` is refused in seconds, not after two builds. It is a copy
    // (see `lab::build_release`), so REV's build below does not replace it.
    let b = lab::build_release(&[])?;
    let mut check = vec!["ab".to_string(), "--check".to_string()];
    check.extend(rest.iter().cloned());
    let checked = lab::run(&b, &check)?;
    if checked != ExitCode::SUCCESS {
        return Ok(checked);
    }
    eprintln!("xtask: building {rev} ({short}) in {}", tree.display());
    let a = dir.join(format!("mandel-lab-{short}"));
    let built = add_worktree(&tree, &commit).and_then(|()| lab::build_in(&tree, &[], Some(&a)));
    let removed = remove_worktree(&tree);
    built?;
    removed?;
    let mut ab_args: Vec<String> = vec![
        "ab".into(),
        "--a".into(),
        a.display().to_string(),
        "--b".into(),
        b.display().to_string(),
        "--label-a".into(),
        short.into(),
        "--label-b".into(),
        "working tree".into(),
    ];
    ab_args.extend(rest);
    lab::run(&b, &ab_args)
}

fn add_worktree(tree: &Path, commit: &str) -> Result<()> {
    let status = Command::new("git")
        .current_dir(lab::root())
        .args(["worktree", "add", "--detach", "--quiet"])
        .arg(tree)
        .arg(commit)
        .status()
        .context("cannot run git worktree add")?;
    if !status.success() {
        bail!("git worktree add {} {commit} failed", tree.display());
    }
    Ok(())
}

fn remove_worktree(tree: &Path) -> Result<()> {
    if tree.exists() {
        let _ = Command::new("git")
            .current_dir(lab::root())
            .args(["worktree", "remove", "--force"])
            .arg(tree)
            .status();
        if tree.exists() {
            std::fs::remove_dir_all(tree)
                .with_context(|| format!("cannot remove {}", tree.display()))?;
        }
    }
    let _ = Command::new("git")
        .current_dir(lab::root())
        .args(["worktree", "prune"])
        .status();
    Ok(())
}

fn git(args: &[&str]) -> Option<String> {
    git_in(&lab::root(), args)
}

fn git_in(dir: &Path, args: &[&str]) -> Option<String> {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}
