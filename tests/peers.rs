//! `mandel-lab peers` with what this machine has: the pure-Python peers under the system's
//! python3 on a small grid, every other peer run or skipped with the line that installs it,
//! broken peer programs reported as FAIL, an interrupted run that leaves no peer process (nor a
//! worker it started) behind, and bad input refused in one line.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{assert_bad_input, lab};
use mandel_lab::peers::PeerResults;
use mandel_lab::record::measured::Status;

/// The system's python3 (not the lab's virtual environment), or `None` with a `skip:` line.
fn system_python() -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output();
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).trim().to_string()),
        _ => {
            println!("skip: no python3 on the PATH");
            None
        }
    }
}

fn small(out: &Path, python: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "peers",
        "--width",
        "40",
        "--height",
        "30",
        "--maxiter",
        "50",
        "--repeat",
        "1",
        "--python",
        python,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    lab(&args)
}

#[test]
fn pure_python_peers_validate_and_the_others_run_or_say_what_installs_them() {
    let Some(python) = system_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = small(dir.path(), &python, &["--timeout", "120"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let peers = PeerResults::load(dir.path())
        .unwrap()
        .expect("peers.json written");
    assert!(peers.problem.columns >= 40 && peers.problem.rows >= 30);
    for p in &peers.peers {
        match p.name.as_str() {
            "pure_python" | "pure_python_2" | "expanded" => {
                assert_eq!(p.status, Status::Ok, "{}: {:?}", p.name, p.reason);
                let v = p.validation.as_ref().unwrap();
                assert_eq!(v.mismatched_pixels, 0);
                assert_eq!(v.validation_sum, peers.problem.reference_sum);
                assert_eq!(p.samples.len(), 1);
                assert!(p.interpreter.as_deref().unwrap().starts_with("CPython"));
            }
            _ => match p.status {
                Status::Ok | Status::Approx => assert!(p.median.is_some(), "{}", p.name),
                Status::Skip => {
                    let why = p.reason.as_deref().unwrap_or("");
                    assert!(
                        why.contains("cargo xtask peers --install")
                            || why.contains("apt-get install"),
                        "{}: {why}",
                        p.name
                    );
                    println!("skip: {} ({why})", p.name);
                }
                Status::Fail => panic!("{} failed: {:?}", p.name, p.reason),
            },
        }
    }
}

#[test]
fn broken_peer_programs_are_failures_with_their_last_stderr_line() {
    let Some(python) = system_python() else {
        return;
    };
    let scripts = tempfile::tempdir().unwrap();
    let write = |name: &str, body: &str| std::fs::write(scripts.path().join(name), body).unwrap();
    write(
        "pure_python.py",
        "import sys\nsys.stderr.write('starting\\nboom: broken on purpose\\n')\nsys.exit(1)\n",
    );
    write("pure_python_2.py", "print('hello, not a result line')\n");
    write("pure_python_expanded.py", "import time\ntime.sleep(60)\n");
    let dir = tempfile::tempdir().unwrap();
    let out = small(
        dir.path(),
        &python,
        &[
            "--peers",
            "pure_python,pure_python_2,expanded",
            "--timeout",
            "3",
            "--scripts",
            scripts.path().to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let peers = PeerResults::load(dir.path()).unwrap().unwrap();
    let reason = |name: &str| {
        let p = peers.peers.iter().find(|p| p.name == name).unwrap();
        assert_eq!(p.status, Status::Fail, "{name}");
        p.reason.clone().unwrap()
    };
    assert!(reason("pure_python").contains("'boom: broken on purpose'"));
    assert!(reason("pure_python_2").contains("no result line"));
    assert!(reason("expanded").contains("timed out"));
    // The hung program was killed: nothing runs from the scripts folder any more.
    let marker = scripts.path().to_str().unwrap().to_string();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&cmdline).contains(&marker),
            "a peer was left running"
        );
    }
}

/// A stand-in for multi.py that starts what the real parallel peers start (forked worker
/// processes as multiprocessing's, and a separate interpreter as ppft's), says so, and waits.
/// Every one of them has the program's path on its command line.
const WORKERS_THEN_WAIT: &str = r#"
import multiprocessing, subprocess, sys, time
ctx = multiprocessing.get_context("fork")
for _ in range(2):
    ctx.Process(target=time.sleep, args=(120,)).start()
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", sys.argv[0]])
time.sleep(120)
"#;

/// The processes still running (not zombies) whose command line contains `marker`, with their
/// process groups.
fn running_with(marker: &str) -> Vec<(u32, u32)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if !String::from_utf8_lossy(&cmdline).contains(marker) {
            continue;
        }
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // After the command name in parentheses: state, ppid, pgrp.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
        if let (Some(&state), Some(pgrp)) = (fields.first(), fields.get(2))
            && state != "Z"
        {
            found.push((pid, pgrp.parse().unwrap_or(0)));
        }
    }
    found
}

fn signal(pid: i32, sig: libc::c_int) {
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe {
        libc::kill(pid, sig);
    }
}

#[test]
fn an_interrupted_peers_run_kills_the_peer_and_its_workers_and_keeps_peers_json_whole() {
    use std::os::unix::process::CommandExt;
    let Some(python) = system_python() else {
        return;
    };
    // SIGINT to the lab alone (as `cargo xtask` passes its own on), and to the lab's whole
    // process group (a terminal's Ctrl-C, which never reaches the peer's own group).
    for to_group in [false, true] {
        let scripts = tempfile::tempdir().unwrap();
        let program = scripts.path().join("multi.py");
        std::fs::write(&program, WORKERS_THEN_WAIT).unwrap();
        // The program's path: on the command line of the peer and its workers, not of the lab.
        let marker = program.to_str().unwrap().to_string();
        let out = tempfile::tempdir().unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peers.json");
        std::fs::copy(&fixture, out.path().join("peers.json")).unwrap();
        let before = std::fs::read(out.path().join("peers.json")).unwrap();
        let mut lab = Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
            .args([
                "peers", "--peers", "multi", "--width", "40", "--height", "30",
            ])
            .args(["--maxiter", "50", "--repeat", "1", "--timeout", "300"])
            .args(["--python", &python, "--scripts"])
            .arg(scripts.path())
            .arg("--out")
            .arg(out.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        // The peer, its two forked workers and the interpreter it started.
        let started = Instant::now();
        while running_with(&marker).len() < 4 {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the peer did not start its workers: {:?}",
                running_with(&marker)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let group = running_with(&marker)[0].1;
        assert!(
            running_with(&marker).iter().all(|&(_, g)| g == group) && group != lab.id(),
            "the peer and its workers share one process group of their own"
        );
        let pid = lab.id() as i32;
        signal(if to_group { -pid } else { pid }, libc::SIGINT);
        let until = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = lab.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < until, "the lab did not exit after SIGINT");
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = std::io::read_to_string(lab.stderr.take().unwrap()).unwrap();
        assert_eq!(status.code(), Some(130), "{stderr}");
        // SIGKILL is delivered at once, but a process needs a moment to die.
        let until = Instant::now() + Duration::from_secs(5);
        while !running_with(&marker).is_empty() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        let left = running_with(&marker);
        for &(pid, _) in &left {
            signal(pid as i32, libc::SIGKILL);
        }
        assert!(
            left.is_empty(),
            "left running after the interruption: {left:?}"
        );
        // The previous results, whole, and no temporary file beside them.
        assert_eq!(
            std::fs::read(out.path().join("peers.json")).unwrap(),
            before
        );
        let names: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["peers.json"]);
    }
}

#[test]
fn bad_peer_names_and_interpreters_are_one_line_errors() {
    assert_bad_input(
        &["peers", "--peers", "pure_python,nope"],
        "unknown peer 'nope'",
    );
    assert_bad_input(
        &["peers", "--python", "/nonexistent/python3"],
        "--python /nonexistent/python3",
    );
    assert_bad_input(&["peers", "--repeat", "0"], "--repeat");
}
