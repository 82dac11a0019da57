//! The record names the build that ran, options mean one thing in every command, and each message
//! is said once.
//!
//! - `results.json` records the binary's build ID and the checkout it was compiled in, and the
//!   page shows them; records from before carry none and still load.
//! - A variant list that is empty or names a variant twice is refused in one line by every
//!   command that takes one.
//! - `--quick` with part of the problem given keeps that part and says what it chose.
//! - A re-render says no noise warning: the measurement said it, and the page keeps it.

mod common;

use std::path::Path;

use common::{assert_bad_input, lab};
use mandel_lab::record::results::Results;
use mandel_lab::render::export;
use mandel_lab::render::report::page;

fn fixture_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json")
}

/// A scratch report folder holding the fixture's results.
fn report_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture_path(), dir.path().join("results.json")).unwrap();
    dir
}

#[test]
fn the_binary_says_its_build_id_and_checkout_and_the_page_shows_them() {
    let out = lab(&["build-id"]);
    assert!(out.status.success());
    let id: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fingerprint = id["fingerprint"].as_str().unwrap();
    assert!(
        fingerprint.starts_with("build-id:") || fingerprint.starts_with("fnv1a64:"),
        "{id}"
    );
    let checkout = Path::new(id["checkout"].as_str().unwrap());
    assert_eq!(
        checkout.canonicalize().unwrap(),
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .canonicalize()
            .unwrap()
    );
    // Results from before the build was recorded load, and the page says it was not.
    let mut results = Results::load(&fixture_path()).unwrap();
    assert_eq!(results.machine.build, None);
    let render = |r: &Results| page::render(r, &export::groups(r), Default::default()).unwrap();
    assert!(render(&results).contains("not recorded (results of an older lab)"));
    results.machine.build = Some(serde_json::from_value(id.clone()).unwrap());
    let page = render(&results);
    assert!(page.contains(fingerprint), "the page lacks the build ID");
}

#[test]
fn every_command_refuses_an_empty_or_repeating_variant_list_in_one_line() {
    for command in [
        &["report"][..],
        &["profile"],
        &["sweep", "chunks"],
        &["regress"],
        &["ab", "--check"],
        &["flags", "--check"],
    ] {
        for (list, needle) in [
            ("", "names no variant"),
            (" ", "names no variant"),
            ("naive,,expanded", "empty name"),
            ("naive,naive", "naive is named twice"),
            ("expanded, naive ,naive", "naive is named twice"),
        ] {
            let args: Vec<&str> = command
                .iter()
                .copied()
                .chain(["--variants", list])
                .collect();
            assert_bad_input(&args, needle);
        }
    }
}

#[test]
fn quick_keeps_a_given_width_and_says_what_it_kept_and_chose() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("r");
    let out = lab(&[
        "report",
        "--quick",
        "--width",
        "24",
        "--variants",
        "naive",
        "--no-criterion",
        "--out",
        out_dir.to_str().unwrap(),
        "--flamegraphs",
        dir.path().join("fg").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let said: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("--quick"))
        .collect();
    assert_eq!(
        said,
        [
            "--quick kept --width 24 as given and chose --height 24 (a square grid), --maxiter \
          300 and the tutorial's region."
        ],
        "{stderr}"
    );
    let results = Results::load(&out_dir.join("results.json")).unwrap();
    let p = &results.problem;
    assert_eq!((p.width, p.height, p.maxiter), (24, 24, 300));
}

#[test]
fn a_rerender_repeats_no_noise_warning_and_the_page_keeps_it() {
    let dir = report_dir();
    let out = lab(&[
        "report",
        "--render-only",
        "--out",
        dir.path().to_str().unwrap(),
        "--flamegraphs",
        dir.path().join("fg").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The fixture holds a FAIL row: the render exits 1 after writing the page.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("timing noisy"), "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(page.contains("timing noisy for locals"));
}
