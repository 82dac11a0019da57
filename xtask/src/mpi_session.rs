//! What one `mpirun` leaves behind, and what it says. Each launch gets a session folder of its
//! own (OpenMPI's `orte_tmpdir_base`, where mpirun and every daemon keep their session files),
//! which is removed when the launch ends, however it ends: normally, on a rank's failure, on a
//! timeout or on Ctrl-C (the guard's drop), and, after a SIGKILL of xtask, by the next launch
//! (a folder whose xtask is gone). Before the folder goes, any process still naming it (a
//! daemon on a host that stopped answering, a rank its daemon lost) is killed, so nothing of the
//! run outlives it on this machine.
//!
//! mpirun's own notices come in boxes of dashes; they are kept from the terminal unless
//! `--verbose`, and the one that says which rank died on which node is kept for the error line.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The session folders' names: `<PREFIX><xtask's pid>.<launch>`, in the system's temporary folder.
const PREFIX: &str = "mandel-lab-mpi.";

static LAUNCHES: AtomicUsize = AtomicUsize::new(0);

/// A launch's session folder; dropping it ends what is left of the launch and removes it.
#[derive(Debug)]
pub struct Session {
    dir: PathBuf,
}

impl Session {
    /// Removes the folders of launches whose xtask is gone, then makes this launch's.
    pub fn create() -> std::io::Result<Session> {
        let base = std::env::temp_dir();
        remove_stale(&base);
        let n = LAUNCHES.fetch_add(1, Ordering::SeqCst);
        let dir = base.join(format!("{PREFIX}{}.{n}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir(&dir)?;
        Ok(Session { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Kills every process that still names the session folder (its command line or
    /// environment): a daemon or rank the launch left behind on this machine.
    pub fn kill_leftovers(&self) -> usize {
        let needle = self.dir.as_os_str().as_encoded_bytes();
        let me = std::process::id();
        let mut killed = 0;
        let Ok(procs) = std::fs::read_dir("/proc") else {
            return 0;
        };
        for entry in procs.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if pid == me {
                continue;
            }
            let names = ["cmdline", "environ"].iter().any(|file| {
                std::fs::read(entry.path().join(file))
                    .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
            });
            if names {
                // SAFETY: kill(2) has no memory-safety preconditions; at worst the pid has gone.
                unsafe {
                    libc::kill(pid as libc::pid_t, libc::SIGKILL);
                }
                killed += 1;
            }
        }
        killed
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Twice: a daemon killed in the first pass may have started a child a moment before.
        for _ in 0..2 {
            if self.kill_leftovers() == 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Removes the session folders under `base` whose xtask process is no longer running.
fn remove_stale(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        if !alive && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// mpirun's standard error, read on a thread: its notices withheld unless `verbose`, the rest
/// passed on, and the line naming a rank that died kept.
#[derive(Debug, Clone, Default)]
pub struct Notices {
    died: Arc<Mutex<Option<String>>>,
    done: Arc<Mutex<bool>>,
}

impl Notices {
    /// Starts reading `stderr`.
    pub fn read(stderr: impl Read + Send + 'static, verbose: bool) -> Notices {
        let notices = Notices::default();
        let keep = notices.clone();
        std::thread::spawn(move || {
            let mut in_box = false;
            let mut reader = BufReader::new(stderr);
            let mut bytes = Vec::new();
            // Read to the end whatever the bytes: a pipe left unread would stall mpirun.
            while reader.read_until(b'\n', &mut bytes).is_ok_and(|n| n > 0) {
                let text = String::from_utf8_lossy(&bytes);
                let line = text.trim_end_matches(['\n', '\r']).to_string();
                bytes.clear();
                let dashes = line.len() >= 20 && line.bytes().all(|b| b == b'-');
                if let Some(died) = rank_death(&line) {
                    keep.died
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert(died);
                }
                // The lab's rank 0 says it was interrupted when mpirun stops it after another
                // rank failed or timed out; the line xtask prints then says what happened.
                let stopped = line.starts_with("error: interrupted");
                if verbose || !(dashes || in_box || stopped) {
                    let _ = writeln!(std::io::stderr(), "{line}");
                }
                if dashes {
                    in_box = !in_box;
                }
            }
            *keep.done.lock().unwrap_or_else(|e| e.into_inner()) = true;
        });
        notices
    }

    /// Waits up to `patience` for the end of mpirun's output, so that nothing it passed on is
    /// lost when xtask exits (a daemon left holding the pipe would keep it open: kill it first).
    pub fn finish(&self, patience: Duration) {
        let until = Instant::now() + patience;
        while !*self.done.lock().unwrap_or_else(|e| e.into_inner()) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Which rank died where, if mpirun said so.
    pub fn rank_death(&self) -> Option<String> {
        self.died.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// "rank 2 on host 10.1.2.12 exited on signal 9 (Killed)" from mpirun's "mpirun noticed that
/// process rank 2 with PID 1234 on node 10.1.2.12 exited on signal 9 (Killed)."
fn rank_death(line: &str) -> Option<String> {
    let rest = line.split("mpirun noticed that process rank ").nth(1)?;
    let (rank, rest) = rest.split_once(' ')?;
    let node = rest.split(" on node ").nth(1)?;
    let (node, what) = node.split_once(' ')?;
    Some(format!(
        "rank {rank} on host {node} {}",
        what.trim_end_matches('.')
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpiruns_line_about_a_dead_rank_names_rank_and_host() {
        let line = "mpirun noticed that process rank 2 with PID 19711 on node 10.213.9.12 \
                    exited on signal 9 (Killed).";
        assert_eq!(
            rank_death(line).as_deref(),
            Some("rank 2 on host 10.213.9.12 exited on signal 9 (Killed)")
        );
        assert_eq!(rank_death("error: the lab failed"), None);
    }

    #[test]
    fn notices_are_read_to_the_end_through_bytes_that_are_not_text() {
        let dashes = "-".repeat(74);
        let mut stream = b"error: \xff not text\n".to_vec();
        stream.extend_from_slice(
            format!(
                "{dashes}\nmpirun noticed that process rank 1 with PID 7 on node hostb exited on \
                 signal 6 (Aborted).\n{dashes}\n"
            )
            .as_bytes(),
        );
        let notices = Notices::read(std::io::Cursor::new(stream), false);
        notices.finish(Duration::from_secs(10));
        assert!(*notices.done.lock().unwrap(), "not read to the end");
        assert_eq!(
            notices.rank_death().as_deref(),
            Some("rank 1 on host hostb exited on signal 6 (Aborted)")
        );
    }

    #[test]
    fn a_session_folder_is_gone_after_its_launch_and_stale_ones_are_removed() {
        let session = Session::create().unwrap();
        let dir = session.dir().to_path_buf();
        std::fs::write(dir.join("contact.txt"), "x").unwrap();
        drop(session);
        assert!(!dir.exists());
        // A folder left by an xtask that is gone (no process has pid u32::MAX on Linux).
        let stale = std::env::temp_dir().join(format!("{PREFIX}{}.0", u32::MAX));
        std::fs::create_dir_all(stale.join("ompi.host.0")).unwrap();
        drop(Session::create().unwrap());
        assert!(!stale.exists());
    }

    #[test]
    fn a_process_naming_the_session_folder_is_killed_with_it() {
        let session = Session::create().unwrap();
        let mut child = std::process::Command::new("sleep")
            .arg("60")
            .env("OMPI_MCA_orte_tmpdir_base", session.dir())
            .spawn()
            .unwrap();
        // The child's environment as /proc shows it, before the session ends: on a loaded
        // machine the kernel can show the new program's environment a moment after `spawn`.
        let environ = format!("/proc/{}/environ", child.id());
        let needle = session.dir().as_os_str().as_encoded_bytes().to_vec();
        let shows = || {
            std::fs::read(&environ)
                .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_slice()))
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !shows() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(session);
        let status = child.wait().unwrap();
        assert!(!status.success(), "the leftover was not killed");
    }
}
