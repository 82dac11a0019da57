//! The terminal: tables in plain ASCII where the terminal may show nothing else (a locale that is
//! not UTF-8, `TERM=dumb`), box-drawing where it can, and `list` within 100 columns.

use std::path::Path;
use std::process::{Command, Output};

/// The lab with `env` set and the locale variables it does not set removed.
fn lab_in(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mandel-lab"));
    for var in ["LC_ALL", "LC_CTYPE", "LANG", "TERM", "NO_COLOR"] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied())
        .args(args)
        .output()
        .expect("the mandel-lab binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const UTF8: &[(&str, &str)] = &[("LANG", "C.UTF-8"), ("TERM", "xterm")];
const PLAIN: [&[(&str, &str)]; 3] = [
    &[("LANG", "C"), ("TERM", "xterm")],
    &[("LANG", "C.UTF-8"), ("TERM", "dumb")],
    &[("LC_ALL", "POSIX"), ("LANG", "en_GB.UTF-8")],
];

#[test]
fn list_fits_100_columns_in_every_locale_and_its_long_form_too() {
    for env in PLAIN.iter().copied().chain([UTF8]) {
        for args in [&["list"][..], &["list", "--long"]] {
            let out = lab_in(env, args);
            assert!(out.status.success(), "{env:?} {args:?}");
            let text = stdout(&out);
            let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            assert!(widest <= 100, "{env:?} {args:?}: {widest} columns\n{text}");
            // Every variant is still named.
            for v in mandel_variants::VARIANTS {
                assert!(text.contains(v.name), "{env:?} {args:?}: {}", v.name);
            }
        }
    }
}

#[test]
fn tables_are_ascii_under_lang_c_and_term_dumb_and_boxes_under_utf8() {
    for env in PLAIN {
        let text = stdout(&lab_in(env, &["list"]));
        assert!(text.is_ascii(), "{env:?}\n{text}");
        assert!(text.contains("+---"), "{env:?}\n{text}");
    }
    assert!(stdout(&lab_in(UTF8, &["list"])).contains('╭'));
}

#[test]
fn the_report_s_terminal_tables_are_ascii_under_lang_c() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json"),
        dir.path().join("results.json"),
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let args = ["report", "--render-only", "--out", d];
    let out = lab_in(PLAIN[0], &args);
    let text = stdout(&out);
    assert!(text.contains("+---"), "{text}");
    let tables: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with('|') || l.starts_with('+'))
        .collect();
    assert!(tables.len() > 10, "{text}");
    for line in tables {
        assert!(line.is_ascii(), "{line}");
    }
}

#[test]
fn a_run_without_a_terminal_for_its_bar_says_each_step_in_a_plain_line() {
    // Standard error is a pipe here, where the bar cannot be drawn: each step is one line.
    let dir = tempfile::tempdir().unwrap();
    let out = lab_in(
        UTF8,
        &[
            "report",
            "--no-criterion",
            "--variants",
            "naive,expanded",
            "--width=20",
            "--height=20",
            "--maxiter=20",
            "--out",
            dir.path().to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The lines go to the terminal's standard error, not into the log of criterion's output.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let steps: Vec<&str> = stderr.lines().filter(|l| l.starts_with('[')).collect();
    assert!(
        steps.iter().any(|l| l.starts_with("[1/2] validating ")),
        "{stderr}"
    );
    assert!(
        steps.iter().any(|l| l.starts_with("[2/2] validating ")),
        "{stderr}"
    );
}
