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
    ] {
        let stderr = common::refused(&[&["peers", "--install"], args].concat(), needle);
        assert!(
            !stderr.contains("xtask: pip install") && !stderr.contains("xtask: creating"),
            "{args:?}: installed before refusing: {stderr}"
        );
    }
}
