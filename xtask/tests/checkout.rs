//! The code measured is this checkout's, with a target folder shared by two checkouts (full tier:
//! two release builds of the lab's crates, minutes on 2 cores).
//!
//! Two clones of this revision share one `CARGO_TARGET_DIR`, the workspace's own (so that only the
//! lab's crates are compiled, not their dependencies). Clone 2 changes the text of a variant and
//! builds with plain cargo, leaving its binary at the shared `release/mandel-lab` and its crates'
//! artifacts in `release/deps/`. Clone 1, older on disk than that build, then runs `cargo xtask
//! report` on that variant: its results must hold clone 1's text, and name clone 1 as the
//! checkout the binary was compiled in, with that binary's build ID.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The variant whose text clone 2 changes, and the file that holds its registry entry.
const VARIANT: &str = "expanded";
const VARIANT_FILE: &str = "variants/src/scalar/expanded_math.rs";

/// What clone 2 puts at the start of the variant's summary.
const MARK: &str = "CLONE-2-TEXT ";

fn this_checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| this_checkout().join("target"))
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A clone of this checkout's repository at this checkout's commit, in `dir`.
fn clone_at_head(dir: &Path) {
    let head = git(&this_checkout(), &["rev-parse", "HEAD"]);
    let source = this_checkout().canonicalize().unwrap();
    let dir_text = dir.to_str().unwrap();
    git(
        Path::new("/"),
        &[
            "clone",
            "--quiet",
            "--no-checkout",
            source.to_str().unwrap(),
            dir_text,
        ],
    );
    git(dir, &["checkout", "--quiet", &head]);
}

/// The lock every build of the lab's release binary takes (xtask's and `tests/regress.rs`'s), so
/// that clone 2's build does not swap the binary another test is copying.
fn build_lock() -> std::fs::File {
    let dir = target_dir().join("release");
    std::fs::create_dir_all(&dir).unwrap();
    let file = std::fs::File::create(dir.join(".mandel-lab-build.lock")).unwrap();
    // SAFETY: flock(2) on a descriptor owned by `file`; the lock ends when it is closed.
    let locked = unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&file), libc::LOCK_EX) };
    assert_eq!(locked, 0, "flock: {}", std::io::Error::last_os_error());
    file
}

/// The variant's summary as the lab at `binary` lists it.
fn listed_summary(binary: &Path) -> String {
    let out = Command::new(binary)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == VARIANT);
    entry.unwrap()["summary"].as_str().unwrap().to_string()
}

#[test]
#[ignore = "full tier: two release builds of the lab's crates in clones sharing one target folder"]
fn a_report_in_one_clone_measures_that_clones_code_after_another_clone_built() {
    if Command::new("git").arg("--version").output().is_err() {
        println!("skip: git not found (Debian: apt-get install git)");
        return;
    }
    let clones = tempfile::tempdir().unwrap();
    let (one, two) = (clones.path().join("one"), clones.path().join("two"));
    clone_at_head(&one);
    clone_at_head(&two);
    let source = std::fs::read_to_string(two.join(VARIANT_FILE)).unwrap();
    let changed = source.replacen("summary: \"", &format!("summary: \"{MARK}"), 1);
    assert_ne!(changed, source, "no summary in {VARIANT_FILE}");
    std::fs::write(two.join(VARIANT_FILE), changed).unwrap();

    // Clone 2 builds as a user would, with plain cargo; its binary is the one at the shared path.
    {
        let _lock = build_lock();
        let status = Command::new(env!("CARGO"))
            .current_dir(&two)
            .args([
                "build",
                "--release",
                "--quiet",
                "-p",
                "mandel-lab",
                "--bin",
                "mandel-lab",
            ])
            .env("CARGO_TARGET_DIR", target_dir())
            .status()
            .unwrap();
        assert!(status.success(), "clone 2's build failed");
        let shared = target_dir().join("release/mandel-lab");
        assert!(
            listed_summary(&shared).starts_with(MARK),
            "clone 2's build lacks its text"
        );
    }

    // Clone 1 reports that variant through xtask, as `cargo xtask report` in clone 1 runs it.
    let work = common::work_dir();
    let out = common::xtask(work.path())
        .current_dir(&one)
        .env("CARGO_MANIFEST_DIR", one.join("xtask"))
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("MANDEL_LAB_WORKSPACE")
        .args([
            "report",
            "--variants",
            VARIANT,
            "--no-criterion",
            "--no-profile",
        ])
        .args(["--width", "20", "--height", "20", "--maxiter", "20"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "clone 1's report failed: {stderr}");
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.path().join("reports/results.json")).unwrap())
            .unwrap();
    let row = results["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == VARIANT);
    let summary = row.unwrap()["summary"].as_str().unwrap();
    assert!(
        !summary.contains(MARK),
        "clone 1's report measured clone 2's code: {summary}"
    );
    let build = &results["machine"]["build"];
    let checkout = PathBuf::from(build["checkout"].as_str().unwrap());
    assert_eq!(
        checkout.canonicalize().unwrap(),
        one.canonicalize().unwrap(),
        "{build}"
    );
    // The fingerprint recorded is that of the binary xtask ran: its copy for clone 1.
    let copies = target_dir().join("xtask-labs");
    let ids: Vec<(PathBuf, serde_json::Value)> = std::fs::read_dir(&copies)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|dir| dir.join("default/mandel-lab").is_file())
        .filter_map(|dir| {
            let out = Command::new(dir.join("default/mandel-lab"))
                .arg("build-id")
                .output();
            Some((dir, serde_json::from_slice(&out.ok()?.stdout).ok()?))
        })
        .collect();
    let (folder, ours) = ids
        .iter()
        .find(|(_, id)| Path::new(id["checkout"].as_str().unwrap_or("")) == checkout)
        .unwrap_or_else(|| {
            panic!(
                "no copy of clone 1's lab under {}: {ids:?}",
                copies.display()
            )
        });
    assert_eq!(ours["fingerprint"], build["fingerprint"]);
    assert!(build["fingerprint"].as_str().unwrap().len() > 20, "{build}");
    // And the page shows it.
    let page = std::fs::read_to_string(work.path().join("reports/index.html")).unwrap();
    assert!(
        page.contains(build["fingerprint"].as_str().unwrap()),
        "the page lacks the build ID"
    );
    // The copy of a clone about to be removed is of no further use (50 MB each run).
    std::fs::remove_dir_all(folder).unwrap();
}
