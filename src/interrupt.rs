//! What an interruption leaves behind: the previous results, whole, and nothing else.
//!
//! Results are written through a temporary file and a rename ([`crate::record::write::atomic_write`]),
//! so a reader only ever sees a whole old or a whole new file, whatever kills the process. What is
//! left to clean up is the lab's own litter: those temporary files, the scratch folders of the
//! profiler, and the tools it runs (valgrind, objdump, the Python peers). Each registers
//! here while it exists, and on SIGINT, SIGTERM or SIGHUP (Ctrl-C, `kill`, a closed terminal, or
//! `cargo xtask` passing its own interruption on) the handler kills the tools, removes the files
//! and folders, and exits with 130 after one line. A tool that starts processes of its own (a
//! peer's multiprocessing pool, ppft's workers) runs in its own process group, and the handler
//! kills the whole group: the pool's workers are not the lab's children, and a terminal's Ctrl-C
//! does not reach a group other than the terminal's.
//!
//! SIGKILL cannot be caught. Against it, every tool is started with Linux's parent-death signal,
//! so it does not outlive the lab; and a temporary file can only be left in the instant between
//! its creation and its rename: it is hidden (`.NAME.tmpPID`), never read, and the next write of
//! the same file removes it.

use std::io;
use std::path::PathBuf;
use std::process::{Child, Command, Output};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Exit code of an interrupted run (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(Default)]
struct Litter {
    interrupted: bool,
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
    children: Vec<Tracked>,
}

/// A registered child: its pid, and whether it leads its own process group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tracked {
    pid: u32,
    group: bool,
}

static LITTER: Mutex<Litter> = Mutex::new(Litter {
    interrupted: false,
    files: Vec::new(),
    folders: Vec::new(),
    children: Vec::new(),
});

fn litter() -> MutexGuard<'static, Litter> {
    // The handler exits the process while holding the lock; a panic elsewhere leaves the lists
    // as they were, which is still right.
    LITTER.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Installs the handler. Called once, at the start of the command line.
pub fn install() {
    // Without a handler the default action still ends the process, only with more left behind:
    // not worth refusing to run for.
    let _ = ctrlc::set_handler(on_signal);
}

/// Set once the command's output folder has been committed ([`committed`]).
static COMMITTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Says that the command's output folder now holds this run's files: from here on an
/// interruption is ignored (what is left is cleaning up and printing), so that exit code 130
/// always means that the folders are as they were. Called inside [`uninterrupted`], right after
/// the commit.
pub fn committed() {
    COMMITTED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Held while a step that must not be cut in two runs (see [`uninterrupted`]).
static CRITICAL: Mutex<()> = Mutex::new(());

/// Runs `step` to its end even if an interruption arrives meanwhile: the handler waits for it,
/// then cleans up and exits. For the few milliseconds in which several finished files are moved
/// into place together (a profile's views, then its `profile.json`), so that an interruption
/// leaves either all the old ones or all the new ones.
pub fn uninterrupted<T>(step: impl FnOnce() -> T) -> T {
    let _critical = CRITICAL.lock().unwrap_or_else(PoisonError::into_inner);
    step()
}

/// The handler: runs on ctrlc's own thread, not in signal context, so it may lock and do I/O.
fn on_signal() {
    // Taken first, and before the litter's lock, which the step may need for its own files.
    let _critical = CRITICAL.lock().unwrap_or_else(PoisonError::into_inner);
    if COMMITTED.load(std::sync::atomic::Ordering::SeqCst) {
        // The command's folder has changed already: it ends as a success in a moment, and an
        // exit code 130 would claim the folder was kept as it was.
        return;
    }
    let mut l = litter();
    l.interrupted = true;
    for child in &l.children {
        let pid = child.pid as libc::pid_t;
        // SAFETY: kill(2) has no memory-safety preconditions. The pid is a child this process
        // started and has not yet waited for, so it cannot have been reused; a group's id is
        // that of its leader, and Linux keeps it from reuse while the group has a member.
        unsafe {
            libc::kill(if child.group { -pid } else { pid }, libc::SIGKILL);
        }
    }
    for file in &l.files {
        let _ = std::fs::remove_file(file);
    }
    for folder in &l.folders {
        remove_folder(folder);
    }
    eprintln!("error: interrupted; the previous results are kept");
    // Exits with the lock held, so no other thread can start a new temporary file meanwhile.
    std::process::exit(i32::from(EXIT_INTERRUPTED));
}

/// Removes `folder` while the command's own thread may still be writing into it (the handler
/// runs beside it until the exit): again while something new appears in it, and once more a
/// moment after it is gone, for a write that was on its way (a library's own `create_dir_all`,
/// a copy in progress). An output folder's staging copy that survives all this is hidden, and
/// the next command on the folder removes it.
fn remove_folder(folder: &std::path::Path) {
    for _ in 0..3 {
        for _ in 0..100 {
            match std::fs::remove_dir_all(folder) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                _ => break,
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        if std::fs::symlink_metadata(folder).is_err() {
            return;
        }
    }
}

/// A registered temporary file or folder: removed by the handler if the process is interrupted
/// while this guard lives. Dropping it only unregisters (the owner removes or renames the path).
#[derive(Debug)]
pub struct Registered {
    path: PathBuf,
    folder: bool,
}

impl Registered {
    /// Registers the temporary file `path` before it is created. Refused once interrupted.
    pub fn file(path: PathBuf) -> io::Result<Registered> {
        register(path, false)
    }

    /// Registers the scratch folder `path`, created just before.
    pub fn folder(path: PathBuf) -> io::Result<Registered> {
        register(path, true)
    }
}

fn register(path: PathBuf, folder: bool) -> io::Result<Registered> {
    let mut l = litter();
    if l.interrupted {
        return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
    }
    match folder {
        true => l.folders.push(path.clone()),
        false => l.files.push(path.clone()),
    }
    Ok(Registered { path, folder })
}

impl Drop for Registered {
    fn drop(&mut self) {
        let mut l = litter();
        let list = if self.folder {
            &mut l.folders
        } else {
            &mut l.files
        };
        if let Some(i) = list.iter().position(|p| *p == self.path) {
            list.swap_remove(i);
        }
    }
}

/// A scratch folder in the system's temporary folder, removed when dropped or interrupted.
pub fn scratch_dir() -> io::Result<(tempfile::TempDir, Registered)> {
    let dir = tempfile::tempdir()?;
    let registered = Registered::folder(dir.path().to_path_buf())?;
    Ok((dir, registered))
}

/// Starts `cmd` as a child that dies with the lab (parent-death signal) and that the handler
/// kills; the returned guard unregisters it once it has been waited for.
pub fn spawn(cmd: &mut Command) -> io::Result<(Child, ChildGuard)> {
    track(cmd, false)
}

/// [`spawn`], the child leading a new process group of its own: the handler kills the whole
/// group, the processes the child started included. For children that start others (Python
/// with multiprocessing or ppft); the parent-death signal still reaches the child alone.
pub fn spawn_group(cmd: &mut Command) -> io::Result<(Child, ChildGuard)> {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    track(cmd, true)
}

fn track(cmd: &mut Command, group: bool) -> io::Result<(Child, ChildGuard)> {
    die_with_parent(cmd);
    let mut l = litter();
    if l.interrupted {
        return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
    }
    let child = cmd.spawn()?;
    let tracked = Tracked {
        pid: child.id(),
        group,
    };
    l.children.push(tracked);
    Ok((child, ChildGuard(tracked)))
}

/// [`spawn`], then wait for the child's output, as `Command::output` does.
pub fn output(cmd: &mut Command) -> io::Result<Output> {
    use std::process::Stdio;
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let (child, _guard) = spawn(cmd)?;
    child.wait_with_output()
}

/// Keeps a child registered until it has been waited for.
#[derive(Debug)]
pub struct ChildGuard(Tracked);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let mut l = litter();
        if let Some(i) = l.children.iter().position(|&c| c == self.0) {
            l.children.swap_remove(i);
        }
    }
}

/// Asks Linux to send the child SIGKILL when the lab dies, even by SIGKILL.
#[cfg(target_os = "linux")]
fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: getpid is async-signal-safe and called before the fork.
    let parent = unsafe { libc::getpid() };
    // SAFETY: the closure runs between fork and exec and calls only prctl, getppid and _exit,
    // which are async-signal-safe; it allocates nothing and touches no lock.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(io::Error::last_os_error());
            }
            // The lab may have died between the fork and the prctl.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_cmd: &mut Command) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrations_end_with_their_guards() {
        let path = PathBuf::from("/nonexistent/.x.tmp1");
        let guard = Registered::file(path.clone()).unwrap();
        assert!(litter().files.contains(&path));
        drop(guard);
        assert!(!litter().files.contains(&path));
    }

    #[test]
    fn a_tracked_child_is_untracked_once_waited_for() {
        for group in [false, true] {
            let (mut child, guard) = track(&mut Command::new("true"), group).unwrap();
            let tracked = Tracked {
                pid: child.id(),
                group,
            };
            assert!(litter().children.contains(&tracked));
            assert!(child.wait().unwrap().success());
            drop(guard);
            assert!(!litter().children.contains(&tracked));
        }
        assert!(output(&mut Command::new("true")).unwrap().status.success());
    }
}
