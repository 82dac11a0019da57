//! Standard output that fails: every printing command into a pipe whose reader has already
//! closed (`| head -c 0`), and into `/dev/full` (a full disk). The first ends quietly with exit
//! code 0; the second with one line, `error: cannot write to standard output: ...`, and exit
//! code 1; neither panics.

use std::path::Path;
use std::process::{Command, Stdio};

/// The printing commands, small enough to run in a second each.
fn commands(scratch: &Path) -> Vec<Vec<String>> {
    let out = scratch.join("reports").to_str().unwrap().to_string();
    let small = ["--width", "20", "--height", "20", "--maxiter", "20"];
    let with = |args: &[&str]| -> Vec<String> { args.iter().map(|s| s.to_string()).collect() };
    let mut report = with(&["report", "--variants", "expanded", "--no-criterion"]);
    report.extend(with(&small));
    report.extend(["--out".into(), out.clone()]);
    let mut report_json = report.clone();
    report_json.extend(with(&["--format", "json"]));
    // The verdict reads a report folder of its own (a report into a failing standard output
    // commits nothing).
    let verdict = scratch.join("verdict");
    std::fs::create_dir_all(&verdict).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json"),
        verdict.join("results.json"),
    )
    .unwrap();
    let verdict = verdict.to_str().unwrap().to_string();
    let mut run = with(&["run", "--variant", "expanded"]);
    run.extend(with(&small));
    let mut run_json = run.clone();
    run_json.extend(with(&["--format", "json"]));
    vec![
        with(&["list"]),
        with(&["list", "--format", "json"]),
        run,
        run_json,
        report,
        report_json,
        vec!["verdict".into(), "--out".into(), verdict],
        with(&["list", "--long"]),
        vec!["history".into(), "--out".into(), out],
        // No command: the help on standard output, and the error line.
        vec![],
    ]
}

/// Runs the lab with standard output given by `stdout`; (exit code, stderr).
fn run_with(args: &[String], cwd: &Path, stdout: Stdio) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A pipe whose read end is already closed: the first write gets EPIPE.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: fds[0] is the read end, ours, closed once.
    unsafe { libc::close(fds[0]) };
    // SAFETY: fds[1] is an open descriptor that the Stdio now owns.
    unsafe { <Stdio as std::os::fd::FromRawFd>::from_raw_fd(fds[1]) }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    for args in commands(dir.path()) {
        let (code, stderr) = run_with(&args, dir.path(), closed_pipe());
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("standard output"), "{args:?}: {stderr}");
        // No command is bad input whatever happens to the help.
        let want = if args.is_empty() { 2 } else { 0 };
        assert_eq!(code, Some(want), "{args:?}: {stderr}");
    }
}

#[test]
fn a_full_disk_is_one_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    for args in commands(dir.path()) {
        if args.is_empty() {
            continue;
        }
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let (code, stderr) = run_with(&args, dir.path(), full.into());
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(
            errors,
            ["error: cannot write to standard output: No space left on device (os error 28)"],
            "{args:?}: {stderr}"
        );
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
    }
}
