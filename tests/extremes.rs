//! Extreme and negative numbers on the command line, and the smaller findings of the second
//! robustness round: each is one line naming the option and exit code 2, before any work.

mod common;

use common::{assert_bad_input, lab};

#[test]
fn a_negative_number_names_its_option() {
    for (option, value) in [
        ("--maxiter", "-1"),
        ("--width", "-1"),
        ("--height", "-20"),
        ("--chunk", "-1"),
        ("--threads", "-2"),
        ("--width", "-1e5"),
    ] {
        let args = ["run", "--variant", "expanded", option, value];
        assert_bad_input(&args, &format!("invalid value '{value}' for '{option} "));
    }
    assert_bad_input(&["report", "--check", "--samples", "-3"], "'--samples <N>'");
    assert_bad_input(&["profile", "--seconds", "-1"], "--seconds -1");
    // A list whose first value is negative reaches the list's own parser.
    assert_bad_input(
        &["sweep", "maxiter", "--values", "-1,2", "--quick"],
        "--values '-1,2': '-1' is not a valid iteration limit",
    );
}

#[test]
fn the_largest_sizes_are_refused_without_wrapping() {
    for width in ["18446744073709551615", "18446744073709551614"] {
        let args = [
            "run",
            "--variant",
            "expanded",
            "--width",
            width,
            "--height",
            "1",
        ];
        assert_bad_input(&args, "is too large");
    }
    assert_bad_input(
        &["report", "--check", "--samples", "18446744073709551615"],
        "at most 100000",
    );
}

#[test]
fn durations_beyond_a_day_are_refused_before_anything_runs() {
    for option in ["--measurement", "--warm-up"] {
        for value in ["1e20", "1e306", "86401"] {
            assert_bad_input(&["report", "--check", option, value], "at most 86400");
        }
    }
    assert_bad_input(&["profile", "--seconds", "1e20"], "--seconds 1e20");
    assert_bad_input(&["profile", "--frequency", "2147483647"], "--frequency");
    // A legal duration still passes the check.
    let out = lab(&["report", "--check", "--measurement", "86400"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn history_says_when_there_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = lab(&["history", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("No history yet"), "{stdout}");
}

#[test]
fn ab_runs_the_file_named_not_a_program_in_path() {
    // `ls` names a program in PATH, but no file here: refused, not run.
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(["ab", "--a", "ls", "--b", "ls", "--variants", "expanded"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    common::assert_one_line_error(&out, &["ab"], "no binary at ls");
    // A bare name that is a file here is that file: a copy of the lab, run as `./lab`.
    std::fs::copy(env!("CARGO_BIN_EXE_mandel-lab"), dir.path().join("lab")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(["ab", "--a", "lab", "--b", "lab", "--variants", "expanded"])
        .args([
            "--rounds",
            "3",
            "--width",
            "20",
            "--height",
            "20",
            "--maxiter",
            "20",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 1 is a verdict (noise can call one copy slower than the other), not an error.
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
}

#[test]
fn an_output_folder_that_is_a_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "a file\n").unwrap();
    let out = file.to_str().unwrap();
    assert_bad_input(
        &["report", "--check", "--out", out],
        "is a file, not a folder",
    );
    let long = dir.path().join("x".repeat(300));
    assert_bad_input(
        &["report", "--check", "--out", long.to_str().unwrap()],
        "more than the file system allows",
    );
}
