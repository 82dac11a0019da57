//! Interrupting `cargo xtask`: nothing it started outlives it.
//!
//! xtask starts cargo, the lab and mpirun, one at a time. On SIGINT, SIGTERM or SIGHUP it passes
//! SIGINT on to the child (a terminal's Ctrl-C has reached the child already; a `kill` of xtask
//! alone has not), waits for the child to clean up after itself (the lab removes its temporary
//! files and its valgrind; mpirun stops its ranks), kills it if it does not stop, and exits with
//! 130 after one line. Every child is also started with Linux's parent-death signal (SIGTERM), so
//! that even a SIGKILL of xtask stops it.

use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// Exit code of an interrupted task (128 + SIGINT).
pub const EXIT_INTERRUPTED: u8 = 130;

/// How long an interrupted child gets to clean up before it is killed.
const GRACE: Duration = Duration::from_secs(10);

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_signal: libc::c_int) {
    // Only an atomic store: the one kind of work that is safe in a signal handler.
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Installs the handler for SIGINT, SIGTERM and SIGHUP.
pub fn install() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            libc::signal(signal, on_signal as *const () as libc::sighandler_t);
        }
    }
}

/// Whether xtask has been interrupted.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The error of an interrupted task; `main` turns it into one line and exit code 130.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted; the previous reports and profiles are kept")
    }
}

impl std::error::Error for Interrupted {}

/// Starts `cmd` so that it dies with xtask, and waits for it: [`Command::status`] that an
/// interruption ends with [`Interrupted`].
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    let mut child = spawn(cmd)?;
    Ok(wait(&mut child, None)?.expect("no deadline"))
}

/// Starts `cmd` with the parent-death signal set.
pub fn spawn(cmd: &mut Command) -> Result<Child> {
    die_with_parent(cmd);
    if interrupted() {
        return Err(Interrupted.into());
    }
    cmd.spawn()
        .with_context(|| format!("cannot run {}", cmd.get_program().to_string_lossy()))
}

/// Runs `cmd` (dying with xtask) and captures its standard output and error.
pub fn output(cmd: &mut Command) -> Result<std::process::Output> {
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = spawn(cmd)?;
    child
        .wait_with_output()
        .context("cannot wait for a child process")
}

/// Waits for `child` until it ends (its status), `deadline` passes (`None`, the child killed),
/// or xtask is interrupted ([`Interrupted`], the child stopped).
pub fn wait(child: &mut Child, deadline: Option<Instant>) -> Result<Option<ExitStatus>> {
    loop {
        if let Some(status) = child
            .try_wait()
            .context("cannot wait for a child process")?
        {
            // A child that ended because of the same Ctrl-C (cargo, the lab) is an interruption,
            // not a failure of its own; one that finished its work first has finished it (a lab
            // command has committed its folder), and the next step is refused instead.
            if interrupted() && !status.success() {
                return Err(Interrupted.into());
            }
            return Ok(Some(status));
        }
        if interrupted() {
            stop(child);
            return Err(Interrupted.into());
        }
        if deadline.is_some_and(|d| Instant::now() > d) {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Passes SIGINT on to `child`, gives it [`GRACE`] to clean up, then kills it.
fn stop(child: &mut Child) {
    // SAFETY: kill(2) has no memory-safety preconditions; the child has not been waited for, so
    // its pid is still its own.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let until = Instant::now() + GRACE;
    while Instant::now() < until {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Asks Linux to send the child SIGTERM when xtask dies, even by SIGKILL.
#[cfg(target_os = "linux")]
fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: getpid has no preconditions.
    let parent = unsafe { libc::getpid() };
    // SAFETY: the closure runs between fork and exec and calls only prctl, getppid and _exit,
    // which are async-signal-safe; it allocates nothing and takes no lock.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // xtask may have died between the fork and the prctl.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_cmd: &mut Command) {}
