//! The output rule, tried on every kind of thing a path can name, for every command that writes.
//!
//! Each case builds a scratch folder holding one kind of path (a regular file, nothing, a missing
//! folder, a read-only folder, a symbolic link, a dangling link, a loop of links, a FIFO, a device
//! node made for the test, a folder), points one command's output option at it, and checks the
//! rule (see `src/record/write.rs`): the right thing is written (a link's target replaced, the link
//! left a link), or the run is refused with one line and exit code 2 before any work starts; and
//! in both cases nothing else in the scratch folder changed (`lstat` of every entry compared:
//! kind, size, mode, inode, mtime of files, link targets).
//!
//! The table is exhaustive rather than random: ten kinds times a dozen command forms is small
//! enough to run whole, in the fast tier.

mod common;

use std::collections::BTreeMap;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What stands at the path the command is given.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    RegularFile,
    Nothing,
    MissingFolder,
    ReadOnlyFolder,
    Symlink,
    DanglingSymlink,
    SymlinkLoop,
    Fifo,
    Device,
    Folder,
}

const KINDS: [Kind; 10] = [
    Kind::RegularFile,
    Kind::Nothing,
    Kind::MissingFolder,
    Kind::ReadOnlyFolder,
    Kind::Symlink,
    Kind::DanglingSymlink,
    Kind::SymlinkLoop,
    Kind::Fifo,
    Kind::Device,
    Kind::Folder,
];

/// Whether the option names a file the command writes, or the folder it writes into.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    File,
    /// A folder, and the file inside it that tells the command's output (checked when written).
    Folder(&'static str),
}

/// One command form: its arguments before the path option, the option, and whether the runs
/// that would succeed are run to the end (`false` for the commands whose real work takes more
/// than a second or needs valgrind: only their refusals are checked).
struct Form {
    args: &'static [&'static str],
    option: &'static str,
    target: Target,
    runs_to_the_end: bool,
}

/// The longest a case may take: a FIFO opened for writing would wait for ever.
const LIMIT: Duration = Duration::from_secs(120);

const SMALL: [&str; 6] = ["--width", "20", "--height", "20", "--maxiter", "20"];

fn forms() -> Vec<Form> {
    vec![
        Form {
            args: &["run", "--variant", "expanded"],
            option: "--image",
            target: Target::File,
            runs_to_the_end: true,
        },
        Form {
            args: &["count-once", "--variant", "expanded"],
            option: "--report",
            target: Target::File,
            runs_to_the_end: true,
        },
        Form {
            args: &["regress", "--variants", "expanded"],
            option: "--markdown",
            target: Target::File,
            runs_to_the_end: false,
        },
        Form {
            args: &["report", "--variants", "expanded", "--no-criterion"],
            option: "--out",
            target: Target::Folder("index.html"),
            runs_to_the_end: true,
        },
        Form {
            args: &[
                "sweep",
                "maxiter",
                "--quick",
                "--values",
                "10",
                "--variants",
                "expanded",
                "--samples",
                "10",
            ],
            option: "--out",
            target: Target::Folder("sweeps/maxiter.json"),
            runs_to_the_end: true,
        },
        Form {
            args: &["profile", "--variants", "expanded", "--seconds", "0.1"],
            option: "--out",
            target: Target::Folder("profile.json"),
            runs_to_the_end: false,
        },
        Form {
            args: &["peers", "--peers", "pure_python", "--repeat", "1"],
            option: "--out",
            target: Target::Folder("peers.json"),
            runs_to_the_end: false,
        },
        Form {
            args: &["history", "--append"],
            option: "--out",
            target: Target::Folder("history.jsonl"),
            runs_to_the_end: true,
        },
    ]
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn c_path(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap()
}

/// Makes `kind` at `scratch/out` (or below it) and returns the path to give the command, or
/// `None` when this machine cannot make it (a device node needs root).
fn make(kind: Kind, scratch: &Path, target: Target) -> Option<PathBuf> {
    let at = scratch.join("out");
    let real = scratch.join("real");
    match kind {
        Kind::RegularFile => std::fs::write(&at, b"previous\n").unwrap(),
        Kind::Nothing => {}
        Kind::MissingFolder => return Some(scratch.join("missing/deeper/out")),
        Kind::ReadOnlyFolder => {
            let dir = scratch.join("read-only");
            std::fs::create_dir(&dir).unwrap();
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
            return Some(dir.join("out"));
        }
        Kind::Symlink => {
            match target {
                Target::File => std::fs::write(&real, b"previous\n").unwrap(),
                Target::Folder(_) => std::fs::create_dir(&real).unwrap(),
            }
            symlink("real", &at).unwrap();
        }
        Kind::DanglingSymlink => symlink("real", &at).unwrap(),
        Kind::SymlinkLoop => {
            symlink("loop-b", &at).unwrap();
            symlink("out", scratch.join("loop-b")).unwrap();
        }
        Kind::Fifo => {
            // SAFETY: a valid path; mkfifo has no other preconditions.
            assert_eq!(unsafe { libc::mkfifo(c_path(&at).as_ptr(), 0o644) }, 0);
        }
        Kind::Device => {
            if !is_root() {
                return None;
            }
            // The node of /dev/full (character device 1, 7), made here: never the real one.
            let dev = libc::makedev(1, 7);
            let path = c_path(&at);
            // SAFETY: a valid NUL-terminated path; as root mknod may make a character device.
            let made = unsafe { libc::mknod(path.as_ptr(), libc::S_IFCHR | 0o666, dev) };
            assert_eq!(made, 0);
        }
        Kind::Folder => std::fs::create_dir(&at).unwrap(),
    }
    Some(at)
}

/// What `lstat` says of a path, in the parts a write would change.
#[derive(Debug, PartialEq)]
struct Stat {
    kind: u32,
    mode: u32,
    ino: u64,
    size: Option<u64>,
    mtime: Option<(i64, i64)>,
    link: Option<PathBuf>,
}

/// Every entry under `dir` (links not followed) with its [`Stat`]. A folder's size and mtime
/// change whenever a file inside it is made or renamed, so they are left out for folders.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Stat> {
    let mut all = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let is_dir = meta.is_dir();
            all.insert(
                path.clone(),
                Stat {
                    kind: meta.mode() & libc::S_IFMT,
                    mode: meta.mode(),
                    ino: meta.ino(),
                    size: (!is_dir).then_some(meta.size()),
                    mtime: (!is_dir).then_some((meta.mtime(), meta.mtime_nsec())),
                    link: std::fs::read_link(&path).ok(),
                },
            );
            if is_dir {
                stack.push(path);
            }
        }
    }
    all
}

/// What the rule says of `kind`: written (at which path), or refused.
fn expected(kind: Kind, given: &Path, scratch: &Path, target: Target) -> Option<PathBuf> {
    let real = scratch.join("real");
    match (kind, target) {
        (Kind::RegularFile | Kind::Nothing | Kind::MissingFolder, Target::File) => {
            Some(given.to_path_buf())
        }
        (Kind::ReadOnlyFolder, _) if is_root() => Some(given.to_path_buf()),
        (Kind::ReadOnlyFolder, _) => None,
        (Kind::Symlink | Kind::DanglingSymlink, Target::File) => Some(real),
        (Kind::Symlink, Target::Folder(_)) => Some(real),
        (Kind::Nothing | Kind::MissingFolder | Kind::Folder, Target::Folder(_)) => {
            Some(given.to_path_buf())
        }
        // A file where a folder should be, a link to nothing where a folder should be, a loop,
        // a FIFO, a device, a folder where a file should be.
        _ => None,
    }
}

/// A scratch folder with a report to read (for `history --append`) and `real` free.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json");
    std::fs::create_dir(dir.path().join("seed")).unwrap();
    std::fs::copy(&fixture, dir.path().join("seed/results.json")).unwrap();
    dir
}

#[test]
fn every_writing_command_follows_the_output_rule() {
    let mut skipped_device = false;
    let mut checked = 0;
    for form in forms() {
        for kind in KINDS {
            let dir = scratch();
            let scratch = dir.path();
            let Some(given) = make(kind, scratch, form.target) else {
                skipped_device = true;
                continue;
            };
            let written_at = expected(kind, &given, scratch, form.target);
            if written_at.is_some() && !form.runs_to_the_end {
                continue;
            }
            if form.args[0] == "history"
                && let Some(dir) = &written_at
            {
                // history --append reads the report it appends from the same folder.
                std::fs::create_dir_all(dir).unwrap();
                std::fs::copy(scratch.join("seed/results.json"), dir.join("results.json")).unwrap();
            }
            let before = snapshot(scratch);
            let mut args: Vec<String> = form.args.iter().map(|s| s.to_string()).collect();
            args.extend(
                match form.args[0] {
                    "history" | "regress" => &[][..],
                    // The axis is the iteration limit.
                    "sweep" => &SMALL[..4],
                    _ => &SMALL[..],
                }
                .iter()
                .map(|s| s.to_string()),
            );
            args.push(form.option.into());
            args.push(given.to_str().unwrap().into());
            let what = format!("{} with {kind:?}", args.join(" "));
            let (code, stderr) = common::run_bounded(&args, scratch, LIMIT)
                .unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert!(!stderr.contains("panicked"), "{what}: {stderr}");
            let after = snapshot(scratch);
            match &written_at {
                Some(at) => {
                    assert_eq!(code, Some(0), "{what}: {stderr}");
                    let file = match form.target {
                        Target::File => at.clone(),
                        Target::Folder(inside) => at.join(inside),
                    };
                    let meta = std::fs::symlink_metadata(&file)
                        .unwrap_or_else(|e| panic!("{what}: nothing at {}: {e}", file.display()));
                    assert!(
                        meta.is_file(),
                        "{what}: {} is no regular file",
                        file.display()
                    );
                    assert_ne!(
                        std::fs::read(&file).unwrap(),
                        b"previous\n",
                        "{what}: {} not replaced",
                        file.display()
                    );
                    // Everything not under the written path is as it was; a link stays a link.
                    for (path, stat) in &before {
                        if path.starts_with(at) {
                            continue;
                        }
                        assert_eq!(
                            after.get(path),
                            Some(stat),
                            "{what}: {} changed",
                            path.display()
                        );
                    }
                    for path in after.keys() {
                        assert!(
                            before.contains_key(path)
                                || path.starts_with(at)
                                || at.starts_with(path),
                            "{what}: {} appeared",
                            path.display()
                        );
                    }
                }
                None => {
                    assert_eq!(code, Some(2), "{what}: {stderr}");
                    assert_eq!(stderr.trim_end().lines().count(), 1, "{what}: {stderr}");
                    assert!(
                        stderr.contains(form.option) || stderr.contains("cannot write"),
                        "{what}: the error names neither the option nor the write: {stderr}"
                    );
                    assert_eq!(before, after, "{what}: refused, but the folder changed");
                }
            }
            checked += 1;
        }
    }
    if skipped_device {
        println!(
            "skip: the device-node cases (mknod needs root; run the tests as root, as CI does)"
        );
    }
    assert!(checked > 40, "only {checked} cases ran");
}

#[test]
fn a_fifo_inside_the_output_folder_is_refused_before_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    std::fs::create_dir(&out).unwrap();
    let fifo = out.join("results.json");
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(c_path(&fifo).as_ptr(), 0o644) }, 0);
    let before = snapshot(dir.path());
    let mut args: Vec<String> = ["report", "--variants", "expanded", "--no-criterion"]
        .iter()
        .chain(SMALL.iter())
        .map(|s| s.to_string())
        .collect();
    args.extend(["--out".into(), out.to_str().unwrap().into()]);
    let (code, stderr) = common::run_bounded(&args, dir.path(), LIMIT).unwrap();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("named pipe"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_eq!(before, snapshot(dir.path()));
}
