//! `cargo xtask` works on the checkout it is run in, not the one its binary was compiled in: with
//! a shared `CARGO_TARGET_DIR` or a copied checkout, one xtask binary serves several checkouts.
//! Here the xtask built from this checkout (A) is run in a second checkout (B, this revision
//! exported into a scratch folder), as `cargo xtask` in B runs it from the shared target folder:
//! `report --render-only` must render B's `reports/`, and never touch A's.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::snapshot;

/// This checkout (A): the folder above xtask's.
fn checkout_a() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A second checkout of this revision (B) in a scratch folder, from `git archive`, with the
/// fixture results in its `reports/`; `None` (the test skips, saying why) outside a git checkout.
fn checkout_b() -> Option<tempfile::TempDir> {
    let b = tempfile::tempdir().unwrap();
    let archive = Command::new("git")
        .current_dir(checkout_a())
        .args(["archive", "--format=tar", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let mut tar = Command::new("tar")
        .current_dir(b.path())
        .arg("-x")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    std::io::Write::write_all(tar.stdin.as_mut().unwrap(), &archive.stdout).unwrap();
    drop(tar.stdin.take());
    assert!(tar.wait().unwrap().success(), "tar could not unpack");
    std::fs::create_dir_all(b.path().join("tmp")).unwrap();
    std::fs::copy(
        checkout_a().join("tests/fixtures/results.json"),
        b.path().join("reports/results.json"),
    )
    .unwrap();
    Some(b)
}

/// xtask run in `b` the way `cargo xtask` runs it (`CARGO_MANIFEST_DIR` set to `b/xtask` where
/// `manifest_env`, else unset), with the lab that `cargo test` built (see `common::xtask_fast`).
fn render_only_in(b: &Path, manifest_env: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.current_dir(b)
        .args(["report", "--render-only"])
        .env("TMPDIR", b.join("tmp"))
        .env_remove("MANDEL_LAB_WORK_DIR")
        .env_remove("MANDEL_LAB_WORKSPACE");
    match manifest_env {
        true => cmd.env("CARGO_MANIFEST_DIR", b.join("xtask")),
        false => cmd.env_remove("CARGO_MANIFEST_DIR"),
    };
    if let Some(lab) = common::test_build_lab() {
        cmd.env("MANDEL_LAB_BINARY", lab);
    }
    cmd.output().unwrap()
}

#[test]
fn xtask_run_in_another_checkout_renders_that_checkouts_reports() {
    if common::test_build_lab().is_none() {
        println!(
            "skip: no mandel-lab built beside this test (run `cargo build -p mandel-lab` or \
             `cargo test --workspace` first; building a release lab for checkout B takes minutes)"
        );
        return;
    }
    let a_reports = checkout_a().join("reports");
    let before = snapshot(&a_reports);
    // Through cargo's CARGO_MANIFEST_DIR (`cargo xtask`), and without it, from the current folder
    // (`cargo locate-project`), as when the binary is run by hand.
    for manifest_env in [true, false] {
        let Some(b) = checkout_b() else {
            println!("skip: not a git checkout, so no second checkout to run in");
            return;
        };
        let out = render_only_in(b.path(), manifest_env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The fixture holds a FAIL row, and a report with a FAIL exits 1 after rendering.
        assert_eq!(
            out.status.code(),
            Some(1),
            "CARGO_MANIFEST_DIR set: {manifest_env}: {stderr}"
        );
        let page = b.path().join("reports/index.html");
        assert!(
            page.is_file(),
            "CARGO_MANIFEST_DIR set: {manifest_env}: checkout B's report was not rendered: {stderr}"
        );
        assert_eq!(
            snapshot(&a_reports),
            before,
            "checkout A's reports/ changed by a run in checkout B"
        );
    }
}

#[test]
fn xtask_outside_any_checkout_is_refused_in_one_line() {
    let nowhere = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(nowhere.path())
        .args(["report", "--render-only"])
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("MANDEL_LAB_WORK_DIR")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot find the mandel-lab workspace"),
        "{stderr}"
    );
}
