//! The `mpi` variant on a real MPI runtime, through the command a user types:
//! `cargo xtask mpi --ranks N`. Each test skips, saying why, where OpenMPI is not installed;
//! `.ci/run` installs it and sets `MANDEL_LAB_REQUIRE_MPI=1`, which turns a skip into a failure.

mod common;

use std::process::{Command, Output};

use serde_json::Value;

/// The xtask binary, run from the workspace root; `None` (after saying why) where MPI is missing.
fn xtask(args: &[&str], env: &[(&str, &str)]) -> Option<Output> {
    if !common::have_mpi() {
        return None;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.current_dir(&root).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Some(cmd.output().expect("xtask runs"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `mpi` on `ranks` ranks and checks the counts against the reference.
fn validates_on(ranks: &str, chunks: &str) {
    let Some(out) = xtask(
        &[
            "mpi",
            "--ranks",
            ranks,
            "--width",
            "240",
            "--height",
            "160",
            "--maxiter",
            "500",
            "--chunks",
            chunks,
            "--format",
            "json",
        ],
        &[],
    ) else {
        return;
    };
    assert!(out.status.success(), "{}", stderr(&out));
    let record: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(record["variant"], "mpi");
    let list = record["ranks"].as_array().expect("a ranks array");
    assert_eq!(list.len(), ranks.parse::<usize>().unwrap());
    // Every unit was computed by some rank, each rank on this one machine.
    let units: u64 = list.iter().map(|r| r["units"].as_u64().unwrap()).sum();
    assert_eq!(units, chunks.parse::<u64>().unwrap());
    assert!(
        list.iter().all(|r| r["host"] == list[0]["host"]),
        "{record}"
    );
    assert_eq!(record["status"], "OK", "{record}");
    assert_eq!(record["mismatched_pixels"], 0);
    assert_eq!(record["validation_sum"], record["expected_sum"]);
    assert!(record["validation_sum"].as_u64().unwrap() > 0);
}

#[test]
#[ignore = "full tier: builds the lab with MPI and runs mpirun"]
fn mpi_on_two_ranks_matches_the_reference() {
    validates_on("2", "16");
}

#[test]
#[ignore = "full tier: builds the lab with MPI and runs mpirun"]
fn mpi_on_three_oversubscribed_ranks_matches_the_reference() {
    // More units than ranks, and units that do not divide the grid evenly.
    validates_on("3", "37");
}

#[test]
#[ignore = "full tier: builds the lab with MPI and runs mpirun"]
fn a_rank_that_dies_ends_the_run_with_a_clear_message() {
    let Some(out) = xtask(
        &["mpi", "--ranks", "2", "--timeout", "60"],
        &[("MANDEL_LAB_MPI_FAULT", "die:1")],
    ) else {
        return;
    };
    assert!(!out.status.success());
    let err = stderr(&out);
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: the MPI run failed") && last.contains("a rank died"),
        "{err}"
    );
}

#[test]
#[ignore = "full tier: builds the lab with MPI and runs mpirun"]
fn a_rank_that_hangs_is_stopped_by_the_timeout() {
    let Some(out) = xtask(
        &["mpi", "--ranks", "2", "--timeout", "5"],
        &[("MANDEL_LAB_MPI_FAULT", "hang:1")],
    ) else {
        return;
    };
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.lines()
            .last()
            .is_some_and(|l| l.contains("did not finish within 5 s")),
        "{err}"
    );
}

#[test]
#[ignore = "full tier: builds the lab with MPI and runs mpirun"]
fn bad_mpi_options_get_one_line_and_exit_2() {
    let Some(_) = xtask(&["help"], &[]) else {
        return;
    };
    for args in [
        &["mpi", "--ranks", "0"][..],
        &["mpi", "--ranks", "2", "--chunks", "0"],
        &[
            "mpi", "--ranks", "2", "--width", "4", "--height", "4", "--chunks", "100000",
        ],
        &["mpi", "--hostfile", "/no/such/hostfile"],
    ] {
        let out = xtask(args, &[]).unwrap();
        let err = stderr(&out);
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(errors.len(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// The processes still running that name `dir` (their command line or environment).
fn processes_naming(dir: &std::path::Path) -> Vec<String> {
    let needle = dir.as_os_str().as_encoded_bytes();
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter(|e| e.file_name().to_str() != Some(me.as_str()))
        .filter(|e| {
            ["cmdline", "environ"].iter().any(|f| {
                std::fs::read(e.path().join(f))
                    .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle))
            })
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// What mpirun's session folders left in `work`'s temporary folder (xtask's `TMPDIR` there).
fn session_folders(work: &std::path::Path) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(work.join("tmp"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect()
}

#[test]
#[ignore = "full tier: builds the lab with MPI and runs mpirun"]
fn an_mpi_run_interrupted_by_ctrl_c_leaves_no_session_folder_and_no_rank() {
    if xtask(&["help"], &[]).is_none() {
        return;
    }
    let work = common::work_dir();
    let args = [
        "mpi",
        "--ranks",
        "2",
        "--width",
        "3000",
        "--height",
        "3000",
        "--maxiter",
        "3000",
    ];
    let child = common::xtask(work.path())
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupted once mpirun has made its session files (after the build, on the first run).
    let until = std::time::Instant::now() + std::time::Duration::from_secs(900);
    let started = loop {
        let inside = std::fs::read_dir(work.path().join("tmp"))
            .unwrap()
            .flatten()
            .any(|e| std::fs::read_dir(e.path()).is_ok_and(|mut d| d.next().is_some()));
        if inside {
            break true;
        }
        if std::time::Instant::now() > until {
            break false;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(started, "mpirun never made its session folder");
    std::thread::sleep(std::time::Duration::from_millis(1000));
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert_eq!(
        session_folders(work.path()),
        Vec::<std::ffi::OsString>::new()
    );
    assert_eq!(processes_naming(work.path()), Vec::<String>::new());
}

#[test]
#[ignore = "full tier: builds the lab with MPI and runs mpirun"]
fn a_rank_that_dies_leaves_no_session_folder_and_no_rank() {
    if xtask(&["help"], &[]).is_none() {
        return;
    }
    let work = common::work_dir();
    let out = common::xtask(work.path())
        .args(["mpi", "--ranks", "2", "--timeout", "60"])
        .env("MANDEL_LAB_MPI_FAULT", "die:1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("a rank died"), "{}", stderr(&out));
    assert_eq!(
        session_folders(work.path()),
        Vec::<std::ffi::OsString>::new()
    );
    assert_eq!(processes_naming(work.path()), Vec::<String>::new());
}
