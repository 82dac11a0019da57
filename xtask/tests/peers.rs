//! `cargo xtask peers --install`: the lab checks the other arguments before pip runs, so a bad
//! one is refused in one line, with exit code 2, and nothing is installed or written.

mod common;

use common::{snapshot, work_dir, xtask};

#[test]
fn install_with_a_bad_argument_is_refused_before_pip_runs() {
    for (args, needle) in [
        (&["--width", "0"][..], "width and height must be at least 1"),
        (&["--peers", "nope"][..], "unknown peer 'nope'"),
        (
            &["--repeat", "0"][..],
            "--repeat and --timeout must be at least 1",
        ),
    ] {
        let work = work_dir();
        let before = snapshot(work.path());
        let out = xtask(work.path())
            .args(["peers", "--install"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let last = stderr.trim_end().lines().last().unwrap_or("");
        assert!(
            last.starts_with("error: ") && last.contains(needle),
            "{args:?}: expected '{needle}' on the last line of: {stderr}"
        );
        assert!(
            !stderr.contains("xtask: pip install") && !stderr.contains("xtask: creating"),
            "{args:?}: installed before refusing: {stderr}"
        );
        assert_eq!(snapshot(work.path()), before, "{args:?}: files changed");
    }
}
