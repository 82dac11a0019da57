//! `cargo xtask regress`: build in release and run the lab's instruction-count gate
//! (`mandel-lab regress`, which also does `--bless`); with `--against REV`, build REV in a git
//! worktree under `target/ab/` and the working tree, and hand both binaries to `mandel-lab ab`.
//!
//! The working tree is built first, and its lab checks the options; then REV is built with the
//! workspace's own target folder, so the dependencies it shares with the working tree are not
//! compiled again (only the lab's crates are, keyed to their checkout by `.cargo/config.toml`; about a
//! minute on 2 cores). Each build's binary is copied out (the working tree's by
//! `lab::build_release`, REV's into `target/ab/`) before the next replaces `target/release/`.

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use clap::Args;
use mandel_lab_options::{AbArgs, ProblemArgs};

use crate::lab;

/// `cargo xtask regress`: the lab's `regress` options, and `--against` with the A/B's options.
#[derive(Debug, Args)]
pub struct RegressCommand {
    #[command(flatten)]
    pub gate: mandel_lab_options::RegressArgs,
    /// Wall time, A/B, instead of the gate: build REV (a git worktree under target/ab) and the
    /// working tree, and run each variant from each alternately (`mandel-lab ab`); --variants
    /// and --threshold then apply to the A/B.
    #[arg(long, value_name = "REV", value_parser = clap::builder::NonEmptyStringValueParser::new(),
          conflicts_with_all = ["baseline", "bless", "reason", "jobs", "markdown"],
          help_heading = "xtask options (A/B)")]
    pub against: Option<String>,
    /// Runs of each binary per variant, alternating (default: ab's, 10).
    #[arg(
        long,
        value_name = "N",
        requires = "against",
        help_heading = "xtask options (A/B)"
    )]
    pub rounds: Option<usize>,
    /// The A/B's problem (the gate counts its own pinned one).
    #[command(flatten, next_help_heading = "xtask options (A/B)")]
    pub problem: ProblemArgs,
}

pub fn run(args: &RegressCommand) -> Result<ExitCode> {
    let Some(rev) = &args.against else {
        if args.problem.is_explicit() {
            return Ok(lab::bad_input(
                "--width, --height, --maxiter and --region are the A/B's: give them with \
                 --against REV (the gate counts its own pinned problem)",
            ));
        }
        return lab::build_and_run(&["regress"], &args.gate);
    };
    // ab's defaults (--a and --b are required unless --check).
    let defaults = AbArgs {
        check: false,
        ..mandel_lab_options::parse_args(&["--check"])?
    };
    let ab = AbArgs {
        variants: args
            .gate
            .variants
            .clone()
            .unwrap_or(defaults.variants.clone()),
        threshold: args.gate.threshold.unwrap_or(defaults.threshold),
        rounds: args.rounds.unwrap_or(defaults.rounds),
        problem: args.problem.clone(),
        ..defaults
    };
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
    let check = AbArgs {
        check: true,
        ..ab.clone()
    };
    let checked = lab::run(&b, &lab::argv(&["ab"], &check))?;
    if checked != ExitCode::SUCCESS {
        return Ok(checked);
    }
    eprintln!("xtask: building {rev} ({short}) in {}", tree.display());
    let a = dir.join(format!("mandel-lab-{short}"));
    let built = add_worktree(&tree, &commit).and_then(|()| lab::build_in(&tree, &[], &a));
    let removed = remove_worktree(&tree);
    built?;
    removed?;
    let ab = AbArgs {
        a: Some(a),
        b: Some(b.clone()),
        label_a: short.into(),
        label_b: "working tree".into(),
        ..ab
    };
    lab::run(&b, &lab::argv(&["ab"], &ab))
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
