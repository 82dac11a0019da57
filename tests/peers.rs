//! `mandel-lab peers` with what this machine has: the pure-Python peers under the system's
//! python3 on a small grid, every other peer run or skipped with the line that installs it,
//! broken peer programs reported as FAIL, and bad input refused in one line.

mod common;

use std::path::Path;
use std::process::Command;

use common::{assert_bad_input, lab};
use mandel_lab::peers::PeerResults;
use mandel_lab::validate::Status;

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
