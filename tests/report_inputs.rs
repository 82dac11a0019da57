//! What a report leaves: a corrupt side file of the render stage (`peers.json`, `flags.json`,
//! `profile.json`) blocks neither `report --check` nor the measurement, and the new page says
//! which file it left out and why (`every_input_kind.rs` tries every kind of bad file); a
//! measurement interrupted before the render leaves the old picture beside the old results and
//! page; and a finished one writes the picture with them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::lab;

/// The report's files that must not change when a report is refused or stopped.
const KEPT: [&str; 4] = ["results.json", "index.html", "mandelbrot.png", "work.png"];

/// A report folder with an earlier report in it (the fixture's results, a page and a picture
/// that are recognisably old) and an empty profiles folder beside it.
fn old_report() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (out, flamegraphs) = (dir.path().join("reports"), dir.path().join("flamegraphs"));
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&flamegraphs).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::copy(fixtures.join("results.json"), out.join("results.json")).unwrap();
    std::fs::write(out.join("index.html"), "the old page").unwrap();
    std::fs::write(out.join("mandelbrot.png"), "the old picture").unwrap();
    std::fs::write(out.join("work.png"), "the old work picture").unwrap();
    (dir, out, flamegraphs)
}

/// The kept files' bytes (`None` for one that is not there: a report without a shortcut removes
/// an earlier run's `work.png`).
fn snapshot(out: &Path) -> Vec<Option<Vec<u8>>> {
    KEPT.iter()
        .map(|f| std::fs::read(out.join(f)).ok())
        .collect()
}

/// A tiny measured report's arguments, into `out`, reading profiles from `flamegraphs`.
fn tiny<'a>(out: &'a str, flamegraphs: &'a str) -> Vec<&'a str> {
    vec![
        "report",
        "--variants",
        "expanded",
        "--width",
        "20",
        "--height",
        "20",
        "--maxiter",
        "20",
        "--samples",
        "10",
        "--warm-up",
        "0.01",
        "--measurement",
        "0.01",
        "--out",
        out,
        "--flamegraphs",
        flamegraphs,
    ]
}

#[test]
fn a_corrupt_side_file_blocks_neither_the_measurement_nor_check_and_the_page_says_why() {
    // Each side file the page reads, and how it is corrupted: not JSON, another schema, a figure
    // no measurement gives.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut peers: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixtures.join("peers.json")).unwrap()).unwrap();
    peers["peers"][0]["median"] = serde_json::json!(1e306);
    let huge_median = peers.to_string();
    let cases = [
        ("reports/flags.json", "{"),
        ("flamegraphs/profile.json", "{\"schema_version\": 7}"),
        ("reports/peers.json", huge_median.as_str()),
    ];
    for (at, text) in cases {
        let (dir, out, flamegraphs) = old_report();
        let path = dir.path().join(at);
        std::fs::write(&path, text).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let (o, f) = (out.to_str().unwrap(), flamegraphs.to_str().unwrap());
        let mut check = tiny(o, f);
        check.push("--check");
        let checked = lab(&check);
        assert_eq!(checked.status.code(), Some(0), "{at}: --check refused it");
        assert!(
            checked.stderr.is_empty(),
            "{at}: --check said more than the render"
        );
        let before = snapshot(&out);
        let mut measure = tiny(o, f);
        measure.push("--no-criterion");
        let run = lab(&measure);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(0), "{at}: {stderr}");
        assert_eq!(
            stderr.lines().filter(|l| l.contains(name)).count(),
            1,
            "{at}: one warning names the file: {stderr}"
        );
        assert!(snapshot(&out) != before, "{at}: nothing new was written");
        let page = std::fs::read_to_string(out.join("index.html")).unwrap();
        assert!(
            page.contains("id=\"unread-inputs\"") && page.contains(at),
            "{at}: the page does not say which file it could not use"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "{at} changed"
        );
    }
}

#[test]
fn a_report_writes_its_picture_with_its_results_and_page() {
    let (_dir, out, flamegraphs) = old_report();
    let (o, f) = (out.to_str().unwrap(), flamegraphs.to_str().unwrap());
    let mut args = tiny(o, f);
    args.push("--no-criterion");
    let run = lab(&args);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let png = std::fs::read(out.join("mandelbrot.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "the new picture is written");
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("mandelbrot.png"), "and the page shows it");
}

#[test]
fn a_report_of_a_shortcut_writes_the_work_picture_and_explains_the_work() {
    let (_dir, out, flamegraphs) = old_report();
    let (o, f) = (out.to_str().unwrap(), flamegraphs.to_str().unwrap());
    let mut args = tiny(o, f);
    args[2] = "shortcut,expanded";
    args.push("--no-criterion");
    let run = lab(&args);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let png = std::fs::read(out.join("work.png")).unwrap();
    assert!(
        png.starts_with(b"\x89PNG"),
        "the new work picture is written"
    );
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        page.contains("<section id=\"work\">") && page.contains("<img src=\"work.png\""),
        "and the page explains it"
    );
    let results = mandel_lab::record::results::Results::load(&out.join("results.json")).unwrap();
    let work = results.variant("shortcut").unwrap().work.expect("its work");
    assert_eq!(
        work.escaped + work.at_maxiter + work.bulb + work.cycle,
        results.problem.pixels as u64
    );
    assert!(work.executed < results.problem.inner_iterations);
    assert!(results.variant("expanded").unwrap().work.is_none());
    assert_eq!(results.work_image.as_deref(), Some("work.png"));

    // A report of variants that skip nothing has no work to explain: no section, no picture.
    let (_dir, out, flamegraphs) = old_report();
    std::fs::remove_file(out.join("work.png")).unwrap();
    let (o, f) = (out.to_str().unwrap(), flamegraphs.to_str().unwrap());
    let mut args = tiny(o, f);
    args.push("--no-criterion");
    assert_eq!(lab(&args).status.code(), Some(0));
    assert!(!out.join("work.png").exists());
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!page.contains("id=\"work\""));
}

#[test]
fn an_interrupted_report_leaves_the_old_picture_with_the_old_results() {
    let (_dir, out, flamegraphs) = old_report();
    let before = snapshot(&out);
    let (o, f) = (out.to_str().unwrap(), flamegraphs.to_str().unwrap());
    // Long enough to be caught measuring: the reference (and, before, the picture) comes first.
    let args = [
        "report",
        "--variants",
        "naive,expanded",
        "--width",
        "100",
        "--height",
        "100",
        "--samples",
        "10",
        "--warm-up",
        "2",
        "--measurement",
        "5",
        "--out",
        o,
        "--flamegraphs",
        f,
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // criterion makes its folder when the first variant's measurement starts, in the report
    // folder's staging copy (`.reports.staging-<pid>`, beside it).
    let staged = out
        .with_file_name(format!(".reports.staging-{}", child.id()))
        .join("criterion");
    let started = Instant::now();
    while !staged.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the measurement never started"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the report ended before measuring"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    // SAFETY: kill(2) has no memory-safety preconditions; the pid is our child, not yet waited for.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let stopped = child.wait_with_output().unwrap();
    assert_eq!(
        stopped.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&stopped.stderr)
    );
    assert!(
        snapshot(&out) == before,
        "an interrupted report changed the old picture, results or page"
    );
}
