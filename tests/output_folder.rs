//! A report folder is one transaction (see `src/record/output.rs` and the `mandel-lab-folder` crate):
//! what a command writes there appears all together or not at all. Interrupted at a random
//! moment, killed, refused for a busy folder, or failing on a full disk, a command leaves the
//! folder byte for byte as it was, and nothing beside it but, after a SIGKILL, a hidden staging
//! copy that the next command removes. A second command into a folder being written is refused in
//! one line. A command run by a parent that staged the folder writes into the parent's copy.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::assert_one_line_error;
use mandel_lab_folder::{STAGED_ENV, Transaction};

/// Every file under `dir`, by relative path, with its bytes (links by their targets).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap().flatten() {
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                files.insert(rel, target.into_os_string().into_encoded_bytes());
            } else {
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// The names in `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A measured report of two variants with criterion (its quick settings) into `out`: about two
/// seconds, in stages (reference, validation, measurement, picture, render).
fn report_args(out: &Path, maxiter: &str) -> Vec<String> {
    [
        "report",
        "--quick",
        "--variants",
        "naive,expanded",
        "--width",
        "60",
        "--height",
        "60",
        "--maxiter",
        maxiter,
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([out.display().to_string(), "--flamegraphs".into()])
    .chain([out.with_file_name("flamegraphs").display().to_string()])
    .collect()
}

fn lab(args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(args)
        .output()
        .unwrap()
}

/// A folder `reports` holding one finished report, and the scratch folder around it.
fn finished_report() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let done = lab(&report_args(&out, "30"));
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    (dir, out)
}

/// Milliseconds from 0 to `max`, different on every call.
fn random_millis(max: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    u64::from(nanos) % max
}

/// Starts the report into `out`, waits a random moment, sends `signal`, and returns its exit.
fn interrupted_report(out: &Path, signal: libc::c_int) -> std::process::ExitStatus {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(report_args(out, "40"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(50 + random_millis(1200)));
    // SAFETY: kill(2) has no memory-safety preconditions; the pid is our child, not yet waited for.
    unsafe {
        libc::kill(child.id() as libc::pid_t, signal);
    }
    child.wait().unwrap()
}

#[test]
fn an_interrupted_report_leaves_its_folder_byte_for_byte_and_nothing_beside_it() {
    let (dir, out) = finished_report();
    for round in 0..3 {
        let before = snapshot(&out);
        let status = interrupted_report(&out, libc::SIGINT);
        if status.success() {
            // It finished first: the folder is the new report, whole; the next round starts there.
            continue;
        }
        assert_eq!(status.code(), Some(130), "round {round}");
        assert!(
            snapshot(&out) == before,
            "round {round}: an interrupted report changed its folder"
        );
        assert_eq!(names(dir.path()), ["reports"], "round {round}");
    }
}

#[test]
fn a_report_interrupted_while_it_copies_its_folder_leaves_nothing_beside_it() {
    // A folder big enough that its copy takes a good part of a second, and interruptions early
    // enough to land in it: the copy was registered with the handler only once made, and a
    // half-made one was left beside the folder.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    std::fs::create_dir(&out).unwrap();
    let mut big = std::fs::File::create(out.join("big.bin")).unwrap();
    let block = vec![7_u8; 1 << 20];
    for _ in 0..192 {
        std::io::Write::write_all(&mut big, &block).unwrap();
    }
    drop(big);
    for delay in [20, 60, 120] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
            .args(report_args(&out, "40"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        // SAFETY: kill(2) has no memory-safety preconditions; the pid is our child, not yet
        // waited for.
        unsafe {
            libc::kill(child.id() as libc::pid_t, libc::SIGINT);
        }
        let status = child.wait().unwrap();
        if status.success() {
            continue;
        }
        assert_eq!(status.code(), Some(130), "after {delay} ms");
        assert_eq!(names(dir.path()), ["reports"], "after {delay} ms");
        assert_eq!(names(&out), ["big.bin"], "after {delay} ms");
    }
}

#[test]
fn a_killed_report_leaves_its_folder_and_the_next_one_removes_its_copy() {
    let (dir, out) = finished_report();
    let before = snapshot(&out);
    let status = interrupted_report(&out, libc::SIGKILL);
    if !status.success() {
        assert!(
            snapshot(&out) == before,
            "a killed report changed its folder"
        );
    }
    // At most the killed run's hidden copy is left beside it; the next report removes it.
    let left: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| n != "reports")
        .collect();
    assert!(
        left.iter().all(|n| n.starts_with(".reports.staging-")),
        "{left:?}"
    );
    let next = lab(&report_args(&out, "30"));
    assert!(next.status.success());
    assert_eq!(names(dir.path()), ["reports"]);
}

#[test]
fn a_command_into_a_folder_another_is_writing_is_refused_in_one_line() {
    let (_dir, out) = finished_report();
    let before = snapshot(&out);
    let o = out.display().to_string();
    let f = out.with_file_name("flamegraphs").display().to_string();
    let holder = Transaction::begin(&out).unwrap();
    let small = ["--width", "20", "--height", "20", "--maxiter", "20"];
    let report = report_args(&out, "30");
    let commands: Vec<Vec<&str>> = vec![
        report.iter().map(String::as_str).collect(),
        ["report", "--render-only", "--out", &o, "--flamegraphs", &f].to_vec(),
        ["history", "--append", "--out", &o, "--flamegraphs", &f].to_vec(),
        [
            &[
                "sweep", "chunks", "--quick", "--values", "10,100", "--out", &o,
            ][..],
            &small,
        ]
        .concat(),
        [
            &[
                "profile",
                "--variants",
                "expanded",
                "--seconds",
                "0.1",
                "--out",
                &o,
            ][..],
            &small,
        ]
        .concat(),
    ];
    for args in &commands {
        let output = Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
            .args(args)
            .output()
            .unwrap();
        assert_one_line_error(&output, args, "another command");
    }
    drop(holder);
    assert!(snapshot(&out) == before);
}

#[test]
fn a_command_writes_into_the_copy_its_parent_staged_and_leaves_the_commit_to_it() {
    let (dir, out) = finished_report();
    let before = snapshot(&out);
    let txn = Transaction::begin(&out).unwrap();
    let staged = Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(report_args(&out, "35"))
        .env(STAGED_ENV, Transaction::env(&[&txn]))
        .output()
        .unwrap();
    assert!(
        staged.status.success(),
        "{}",
        String::from_utf8_lossy(&staged.stderr)
    );
    // The messages name the folder the user gave, not the copy.
    let said = String::from_utf8_lossy(&staged.stdout);
    assert!(
        said.contains(&format!("{}/index.html", out.display())),
        "{said}"
    );
    assert!(!said.contains(".staging-"), "{said}");
    assert!(snapshot(&out) == before, "the parent had not committed");
    let new = snapshot(txn.staging());
    txn.commit().unwrap();
    assert!(snapshot(&out) == new);
    assert_ne!(new, before);
    assert_eq!(names(dir.path()), ["reports"]);
}

#[test]
#[ignore = "full tier: mounts a small tmpfs (root only) and fills it"]
fn a_report_on_a_full_disk_leaves_its_folder_as_it_was() {
    if !nix_root() {
        eprintln!("skip: mounting a tmpfs needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&disk)
        .status();
    if !mounted.is_ok_and(|s| s.success()) {
        eprintln!("skip: cannot mount a tmpfs here");
        return;
    }
    let _unmount = Unmount(disk.clone());
    let out = disk.join("reports");
    let empty = fs_free(&disk);
    let first = lab(&report_args(&out, "30"));
    assert!(first.status.success());
    let before = snapshot(&out);
    // Fill the disk but for room to copy the folder and start writing the new files: the run
    // fails part of the way through its writes (a new problem doubles criterion's folder).
    let free = fs_free(&disk);
    let used = empty - free;
    let filler = free.saturating_sub(used + used / 3);
    std::fs::write(disk.join("filler"), vec![0u8; filler]).unwrap();
    let wider: Vec<String> = report_args(&out, "31")
        .into_iter()
        .map(|a| if a == "60" { "200".into() } else { a })
        .collect();
    let full = lab(&wider);
    assert_eq!(full.status.code(), Some(1));
    let err = String::from_utf8_lossy(&full.stderr);
    // One error line, the last (a note on what --quick kept may come before it).
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert_eq!(err.trim_end().lines().last(), Some(errors[0]), "{err}");
    let err = errors[0];
    assert!(err.contains("as it was before this command"), "{err}");
    assert!(
        !err.contains(".staging-"),
        "a message named the hidden copy: {err}"
    );
    assert!(
        snapshot(&out) == before,
        "a full disk left the folder changed"
    );
    assert_eq!(names(&disk), ["filler", "reports"]);
}

/// Whether this process runs as root.
fn nix_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Free bytes on the file system of `dir`.
fn fs_free(dir: &Path) -> usize {
    let c = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: statvfs(3) writes into the zeroed struct it is given; the path is NUL-terminated.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        assert_eq!(libc::statvfs(c.as_ptr(), &mut st), 0);
        (st.f_bavail as usize) * (st.f_frsize as usize)
    }
}

/// Unmounts the test's tmpfs, also when the test fails.
struct Unmount(PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_report_without_a_shortcut_leaves_no_work_picture_of_an_earlier_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let small = [
        "--width",
        "20",
        "--height",
        "20",
        "--maxiter",
        "20",
        "--no-criterion",
    ];
    let o = out.display().to_string();
    let with_shortcut = common::lab(
        &[
            &["report", "--variants", "shortcut", "--out", &o][..],
            &small,
        ]
        .concat(),
    );
    assert!(with_shortcut.status.success());
    assert!(out.join("work.png").is_file());
    let without = common::lab(
        &[
            &["report", "--variants", "expanded", "--out", &o][..],
            &small,
        ]
        .concat(),
    );
    assert!(without.status.success());
    assert!(
        !out.join("work.png").exists(),
        "work.png of the earlier run stayed"
    );
}
