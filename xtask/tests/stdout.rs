//! xtask's own standard output never panics: a reader that has closed the pipe ends the command
//! quietly with exit 0 (as ripgrep does), and any other failed write (a full disk) is one line and
//! exit 1.

mod common;

use std::process::{Output, Stdio};

/// The commands that print from xtask itself, without running the lab.
const PRINTING: &[&[&str]] = &[&["help"], &[], &["mpi", "--help"], &["flags", "--help"]];

fn run(args: &[&str], stdout: Stdio) -> Output {
    let work = common::work_dir();
    common::xtask_fast(work.path())
        .args(args)
        .stdout(stdout)
        .output()
        .unwrap()
}

#[test]
fn help_into_a_closed_pipe_ends_quietly_with_exit_0() {
    for args in PRINTING {
        // The reading end is closed before xtask starts, so its first write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = run(args, Stdio::from(writer));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn help_onto_a_full_disk_is_one_line_and_exit_1() {
    if !std::path::Path::new("/dev/full").exists() {
        println!("skip: no /dev/full here");
        return;
    }
    for args in PRINTING {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = run(args, Stdio::from(full));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write to standard output: "),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
