//! Helpers of the xtask tests that run commands in a scratch work folder.

// Each test crate uses its own subset of these.
#![allow(dead_code)]

pub mod cluster;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The xtask binary, run with its lab in `work` (`MANDEL_LAB_WORK_DIR`), so that the
/// repository's own `reports/` and `flamegraphs/` are never touched. xtask builds the lab in
/// release, as a user's run does (the full tier's tests need that build).
pub fn xtask(work: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.current_dir(work)
        .env("MANDEL_LAB_WORK_DIR", work)
        .env("TMPDIR", work.join("tmp"))
        .env_remove("MANDEL_LAB_BINARY");
    cmd
}

/// [`xtask`] running the lab that `cargo test` built beside this test (`target/debug/mandel-lab`,
/// through `MANDEL_LAB_BINARY`) instead of building a release one: for the fast tier's tests of
/// xtask's own arguments, which never reach a measurement. Where that lab is not built (`cargo
/// test -p xtask` alone), xtask builds its release one as usual.
pub fn xtask_fast(work: &Path) -> Command {
    let mut cmd = xtask(work);
    if let Some(lab) = test_build_lab() {
        cmd.env("MANDEL_LAB_BINARY", lab);
    }
    cmd
}

/// `mandel-lab` beside this test's own folder: `target/<profile>/mandel-lab` for a test binary in
/// `target/<profile>/deps/`.
pub fn test_build_lab() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let lab = exe.parent()?.parent()?.join("mandel-lab");
    lab.is_file().then_some(lab)
}

/// A scratch work folder with an empty `tmp/` for the lab's temporary folders.
pub fn work_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    dir
}

/// Every file under `dir` with its contents.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    files
}

/// Runs `cargo xtask <args>` in a scratch work folder and checks that it is refused: exit code 2,
/// `needle` on the last line (an `error: ` line), no panic, no file changed. Returns stderr.
pub fn refused(args: &[&str], needle: &str) -> String {
    let work = work_dir();
    let before = snapshot(work.path());
    let out = xtask_fast(work.path()).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    let last = stderr.trim_end().lines().last().unwrap_or("");
    assert!(
        last.starts_with("error: ") && last.contains(needle),
        "{args:?}: expected '{needle}' on the last line of: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert_eq!(
        snapshot(work.path()),
        before,
        "{args:?}: a refused run changed files"
    );
    stderr
}

/// Whether OpenMPI is here (`mpirun` and `mpicc` in `PATH`), after saying `skip:` where not; a
/// failure instead where `MANDEL_LAB_REQUIRE_MPI` is set (CI installs OpenMPI and sets it).
pub fn have_mpi() -> bool {
    let missing = ["mpirun", "mpicc"].into_iter().find(|tool| {
        !std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
    });
    if let Some(tool) = missing {
        assert!(
            std::env::var_os("MANDEL_LAB_REQUIRE_MPI").is_none(),
            "MANDEL_LAB_REQUIRE_MPI is set but {tool} is not installed"
        );
        eprintln!(
            "skip: {tool} not found (Debian: apt-get install openmpi-bin libopenmpi-dev libclang-dev)"
        );
    }
    missing.is_none()
}
