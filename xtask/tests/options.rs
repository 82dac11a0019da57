//! xtask's command line, which flattens the lab's own option structs (`mandel-lab-options`):
//! every command's `--help` is its own, options come in any order, a repeated option is refused,
//! and each lab stage gets the options meant for it.
//!
//! Most tests run xtask against a stand-in lab (`MANDEL_LAB_BINARY`, a shell script that records
//! its arguments and lists two variants, one of them run under mpirun under a name no real variant
//! has), with a `PATH` that holds no MPI: what is tested is what xtask hands the lab, in
//! milliseconds. One test runs a real quick report of a region end to end.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{work_dir, xtask_fast};

/// The stand-in lab's name for the variant that runs under mpirun: xtask must take it from the
/// lab's `list`, never name the MPI variant itself.
const MPI_STAND_IN: &str = "stand-in-mpi";

/// A scratch work folder with a stand-in lab that appends each command line it gets, one line
/// per run, to `lab.log`.
struct FakeLab {
    work: tempfile::TempDir,
    lab: PathBuf,
}

impl FakeLab {
    fn new() -> FakeLab {
        let work = work_dir();
        let lab = work.path().join("fake-lab");
        let log = work.path().join("lab.log");
        let script = format!(
            "#!/bin/sh\n\
             echo \"$*\" >> '{}'\n\
             if [ \"$1\" = list ]; then\n\
             echo '[{{\"name\":\"naive\",\"mpirun\":false}},{{\"name\":\"{MPI_STAND_IN}\",\"mpirun\":true}}]'\n\
             fi\n",
            log.display()
        );
        std::fs::write(&lab, script).unwrap();
        let mut perms = std::fs::metadata(&lab).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&lab, perms).unwrap();
        // A PATH without mpirun: the MPI steps are said to be skipped, never built.
        std::fs::create_dir_all(work.path().join("empty-path")).unwrap();
        FakeLab { work, lab }
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = common::xtask(self.work.path())
            .env("MANDEL_LAB_BINARY", &self.lab)
            .env("PATH", self.work.path().join("empty-path"))
            .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        out
    }

    /// The lab's command lines, one per run, since the last call.
    fn calls(&self) -> Vec<String> {
        let log = self.work.path().join("lab.log");
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let _ = std::fs::remove_file(&log);
        text.lines().map(String::from).collect()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_command_prints_its_own_help_with_its_own_and_the_labs_options() {
    let fake = FakeLab::new();
    for (command, options) in [
        (
            &["report"][..],
            &[
                "--no-profile",
                "--quick",
                "--flamegraphs",
                "--region",
                "--samples",
            ][..],
        ),
        (&["profile"], &["--problem-from", "--frequency", "--width"]),
        (
            &["sweep"],
            &["--ranks", "--no-mpi", "--hostfile", "--values", "--quick"],
        ),
        (&["sweep-threads"], &["--ranks", "--no-mpi", "--threads"]),
        (&["sweep-chunks"], &["--sizes", "--maxiter"]),
        (&["sweep-sizes"], &["--sizes", "--variants"]),
        (
            &["peers"],
            &["--install", "--python", "--repeat", "--width"],
        ),
        (
            &["regress"],
            &[
                "--against",
                "--rounds",
                "--bless",
                "--reason",
                "--jobs",
                "--width",
            ],
        ),
        (
            &["mpi"],
            &[
                "--ranks",
                "--hostfile",
                "--timeout",
                "--verbose",
                "--chunks",
            ],
        ),
        (&["flags"], &["--builds", "--variants", "--quick", "gcc-O3"]),
        (&["gpu-tools"], &["--install", "--python"]),
        (&["gpu-check"], &["--no-tests", "--doc"]),
    ] {
        let name = command[0];
        let asked = fake.run(&[name, "--help"]);
        let via_help = fake.run(&["help", name]);
        let help = String::from_utf8_lossy(&asked.stdout).into_owned();
        assert_eq!(asked.status.code(), Some(0), "{name}: {}", stderr(&asked));
        assert!(
            help.contains(&format!("Usage: cargo xtask {name}")),
            "{name}: {help}"
        );
        for option in options {
            assert!(
                help.contains(option),
                "{name} --help lacks {option}: {help}"
            );
        }
        assert_eq!(
            String::from_utf8_lossy(&via_help.stdout),
            help,
            "help {name} differs from {name} --help"
        );
    }
    assert!(fake.calls().is_empty(), "--help ran the lab");
}

#[test]
fn a_repeated_option_is_refused_in_one_line() {
    for args in [
        &["sweep", "threads", "--ranks", "2", "--ranks", "3"][..],
        &["sweep-threads", "--ranks=2", "--ranks=3"],
        &["mpi", "--ranks", "2", "--ranks", "3"],
        &["report", "--quick", "--out", "a", "--out", "b"],
    ] {
        common::refused(args, "cannot be used multiple times");
    }
}

#[test]
fn sweep_options_before_the_axis_are_the_options_after_it() {
    let fake = FakeLab::new();
    let mut runs = Vec::new();
    for args in [
        &["sweep", "--quick", "threads"][..],
        &["sweep", "threads", "--quick"],
        &["sweep", "--ranks", "2", "threads", "--quick"],
        &["sweep", "threads", "--quick", "--ranks", "2"],
    ] {
        let out = fake.run(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        // The MPI step is reached (and skipped, for want of mpirun), whatever the order.
        assert!(
            err.contains(&format!(
                "xtask: {MPI_STAND_IN} not swept: mpirun not found"
            )),
            "{args:?}: {err}"
        );
        let calls = fake.calls();
        assert!(
            calls[0].starts_with("sweep threads ") && calls[0].contains("--quick"),
            "{args:?}: {calls:?}"
        );
        runs.push(calls);
    }
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[2], runs[3]);
    // --no-mpi before the axis is honoured too.
    let out = fake.run(&["sweep", "--no-mpi", "threads"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("not swept"), "{}", stderr(&out));
}

#[test]
fn report_stages_get_the_reports_region_and_folders() {
    let fake = FakeLab::new();
    // xtask parses the region once and hands it on in the one form it prints in.
    let given = "--region=-0.7530,-0.7460,0.1,0.107";
    let region = "--region=-0.753,-0.746,0.1,0.107";
    let out = fake.run(&[
        "report",
        "--flamegraphs",
        "fg",
        given,
        "--quick",
        "--out=r",
        "--variants",
        "naive",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let calls = fake.calls();
    let find =
        |prefix: &str| -> Vec<&String> { calls.iter().filter(|c| c.starts_with(prefix)).collect() };
    let reports = find("report ");
    assert!(
        reports
            .iter()
            .any(|c| c.ends_with("--check") && c.contains(region)),
        "{calls:?}"
    );
    assert!(
        reports.iter().any(|c| !c.contains("--check")
            && !c.contains("--render-only")
            && c.contains(region)
            && c.contains("--quick")
            && c.contains("--out=r")),
        "the measurement lacks the region: {calls:?}"
    );
    let profile = find("profile ");
    assert_eq!(profile.len(), 1, "{calls:?}");
    for part in [
        "--problem-from=r/results.json",
        "--out=fg",
        "--quick",
        "--variants=naive",
    ] {
        assert!(profile[0].contains(part), "{part} not in {}", profile[0]);
    }
    // The profile's problem comes from the results, never from options.
    assert!(!profile[0].contains("--region"), "{}", profile[0]);
    let history = find("history ");
    assert_eq!(history.len(), 1, "{calls:?}");
    assert!(
        history[0].contains("--out=r") && history[0].contains("--flamegraphs=fg"),
        "{}",
        history[0]
    );
    assert!(
        reports
            .iter()
            .any(|c| c.contains("--render-only") && c.contains("--flamegraphs=fg")),
        "the re-render does not link fg: {calls:?}"
    );
    // The verdict of the committed folder is the command's last word.
    let last = calls.last().unwrap();
    assert!(
        last.starts_with("verdict ") && last.contains("--out=r"),
        "{calls:?}"
    );
}

#[test]
fn report_adds_the_mpi_variant_the_lab_names_and_skips_it_without_mpirun() {
    let fake = FakeLab::new();
    let out = fake.run(&["report", "--no-profile"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "xtask: {MPI_STAND_IN} not measured: mpirun not found"
        )),
        "{}",
        stderr(&out)
    );
    let calls = fake.calls();
    assert!(!calls.iter().any(|c| c.starts_with("profile")), "{calls:?}");
}

#[test]
fn regress_against_passes_the_ab_options_and_refuses_the_gates() {
    common::refused(
        &["regress", "--against", "HEAD", "--bless"],
        "cannot be used with",
    );
    common::refused(&["regress", "--rounds", "5"], "--against");
    common::refused(&["regress", "--maxiter", "5"], "--against");
}

/// The problem of a results or profile summary file.
fn problem_of(path: &Path, key: &str) -> serde_json::Value {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    json[key]["region"].clone()
}

#[test]
fn a_quick_report_of_a_region_measures_profiles_and_reports_that_region() {
    let work = work_dir();
    let out = xtask_fast(work.path())
        .args([
            "report",
            "--region=-0.7530,-0.7460,0.1,0.107",
            "--quick",
            "--variants",
            "naive",
            "--no-criterion",
            "--flamegraphs",
            "fg",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let results = problem_of(&work.path().join("reports/results.json"), "problem");
    let profiled = problem_of(&work.path().join("fg/profile.json"), "spec");
    assert_eq!(results["x1"], -0.753, "{results}");
    assert_eq!(results["y2"], 0.107, "{results}");
    assert_eq!(profiled, results, "the profiles are of another problem");
    let page = std::fs::read_to_string(work.path().join("reports/index.html")).unwrap();
    assert!(
        page.contains("../fg/naive.svg"),
        "the page does not link fg/"
    );
    let history = std::fs::read_to_string(work.path().join("reports/history.jsonl")).unwrap();
    assert_eq!(history.lines().count(), 1, "{history}");
}
