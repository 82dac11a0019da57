//! `cargo xtask peers --install`: the lab checks the other arguments before pip runs, so a bad
//! one is refused in one line, with exit code 2, and nothing is installed or written.

mod common;

#[test]
fn install_with_a_bad_argument_is_refused_before_pip_runs() {
    for (args, needle) in [
        (&["--width", "0"][..], "width and height must be at least 1"),
        (&["--peers", "nope"][..], "unknown peer 'nope'"),
        (
            &["--repeat", "0"][..],
            "--repeat and --timeout must be at least 1",
        ),
        // Refused by xtask itself, naming the path, rather than failing (exit 1) at `venv`.
        (
            &["--python", "/nonexistent/python3"][..],
            "--python /nonexistent/python3: no such program",
        ),
        (&["--python=no-such-python-here"][..], "no-such-python-here"),
    ] {
        let stderr = common::refused(&[&["peers", "--install"], args].concat(), needle);
        assert!(
            !stderr.contains("xtask: pip install") && !stderr.contains("xtask: creating"),
            "{args:?}: installed before refusing: {stderr}"
        );
    }
}
