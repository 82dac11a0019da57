//! What xtask says is true, and its options mean what the lab's mean: a variant list the lab
//! refuses is refused by xtask with the same line, and an mpi build interrupted by Ctrl-C says it
//! was interrupted (not that OpenMPI and libclang must be installed).
//!
//! The interrupted build runs against a stand-in lab and a stand-in cargo that waits to be
//! stopped, with `mpirun` and `mpicc` stand-ins on `PATH`: milliseconds, no build.

mod common;

use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::work_dir;

/// Writes an executable shell script `name` in `dir`.
fn script(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&path, perms).unwrap();
    path
}

/// The message of a one-line refusal, without the pointer to a command's help.
fn message(stderr: &str) -> String {
    let last = stderr.trim_end().lines().last().unwrap_or("").to_string();
    last.split(" (see ").next().unwrap_or("").to_string()
}

#[test]
fn xtask_refuses_an_empty_or_repeating_variant_list_with_the_labs_own_line() {
    let Some(lab) = common::test_build_lab() else {
        println!("skip: no mandel-lab built beside this test (run `cargo build -p mandel-lab`)");
        return;
    };
    for (command, list, needle) in [
        (&["report"][..], "", "names no variant"),
        (&["report"], "naive,naive", "naive is named twice"),
        (&["profile"], "naive, naive", "naive is named twice"),
        (&["sweep", "chunks"], "a,b,a", "a is named twice"),
        (&["regress"], " ", "names no variant"),
    ] {
        let args: Vec<&str> = command
            .iter()
            .copied()
            .chain(["--variants", list])
            .collect();
        let ours = common::refused(&args, needle);
        let work = work_dir();
        let labs = Command::new(&lab)
            .current_dir(work.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(labs.status.code(), Some(2), "{args:?}");
        assert_eq!(
            message(&ours),
            message(&String::from_utf8_lossy(&labs.stderr)),
            "{args:?}: xtask and the lab refuse it differently"
        );
    }
    common::refused(
        &["flags", "--variants", "naive,naive"],
        "naive is named twice",
    );
}

#[test]
fn an_interrupted_mpi_build_says_it_was_interrupted_not_what_to_install() {
    let work = work_dir();
    let bin = work.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    // A lab that lists one variant run under mpirun and accepts every stage; MPI's tools; and a
    // cargo that builds nothing and waits until it is stopped.
    let lab = script(
        work.path(),
        "fake-lab",
        "if [ \"$1\" = list ]; then echo '[{\"name\":\"stand-in-mpi\",\"mpirun\":true}]'; fi",
    );
    script(&bin, "mpirun", "exit 0");
    script(&bin, "mpicc", "exit 0");
    let cargo = script(&bin, "cargo", "exec /bin/sleep 60");
    let mut child = common::xtask(work.path())
        .env("MANDEL_LAB_BINARY", &lab)
        .env("CARGO", &cargo)
        .env("CARGO_TARGET_DIR", work.path().join("target"))
        .env("PATH", &bin)
        .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
        .args(["report", "--no-profile"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut said = Vec::new();
    let mut sent = false;
    for line in lines.map_while(Result::ok) {
        if !sent && line.contains("features mpi") {
            // Ctrl-C as `kill -INT` of xtask alone: xtask passes it on to its cargo.
            // SAFETY: kill(2) on the pid of a child this test started and has not waited for.
            unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
            sent = true;
        }
        said.push(line);
    }
    let until = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < until, "xtask did not stop: {said:?}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(sent, "xtask never started the mpi build: {said:?}");
    assert_eq!(status.code(), Some(130), "{said:?}");
    let text = said.join("\n");
    assert!(
        !text.contains("libclang") && !text.contains("not measured"),
        "{text}"
    );
    let last = said.last().map(String::as_str).unwrap_or("");
    assert!(last.starts_with("error: interrupted"), "{text}");
}
