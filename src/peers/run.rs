//! Running one peer program: the protocol's arguments, a timeout that kills it (and anything it
//! started), its one result line, its counts file, and the verdict against the reference.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::GridSpec;
use crate::problem::reference::Reference;
use crate::problem::validate;
use crate::record::measured::Validation;

/// A finished child: whether it exited 0, and what it printed.
#[derive(Debug)]
pub struct Finished {
    pub success: bool,
    /// The exit status, as the shell says it (`exit status: 1`, `signal: 9`).
    pub status: String,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` in its own process group, capturing its output; past `limit`, the whole group is
/// killed and the error says so. The group is registered with [`crate::interrupt`], so Ctrl-C
/// kills it too, worker processes (multiprocessing, ppft) included.
pub fn output_within(cmd: &mut Command, limit: Duration) -> std::io::Result<Finished> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (mut child, _guard) = crate::interrupt::spawn_group(cmd)?;
    let pipe = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = pipe(child.stdout.take().map(|s| Box::new(s) as _));
    let err = pipe(child.stderr.take().map(|s| Box::new(s) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > limit {
            // SAFETY: kill(2) has no memory-safety preconditions; the group is the child's own
            // (spawn_group) and the child has not been waited for, so its id is not reused.
            unsafe {
                libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
            }
            let _ = child.wait();
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("timed out after {} s and was killed", limit.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The group may still hold a grandchild holding the pipes; it is of no further use.
    // SAFETY: as above. Linux keeps a process group's id from being reused while the group has a
    // member; with none left the call finds no process and does nothing.
    unsafe {
        libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
    }
    Ok(Finished {
        success: status.success(),
        status: status.to_string(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// The last non-empty line of `text`, trimmed.
pub fn last_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).rfind(|l| !l.is_empty())
}

/// What a peer prints as its last line.
#[derive(Debug, Clone, Deserialize)]
pub struct ResultLine {
    pub validation_sum: u64,
    pub seconds: Vec<f64>,
    pub warmup_excluded: bool,
    pub interpreter: String,
    #[serde(default)]
    pub libraries: BTreeMap<String, String>,
    pub pixels: usize,
}

/// How to run one peer program.
#[derive(Debug, Clone)]
pub struct Invocation<'a> {
    pub python: &'a Path,
    pub script: PathBuf,
    pub spec: GridSpec,
    pub repeat: u32,
    pub warmup: bool,
    /// Where compiled extensions are built (Cython).
    pub build_dir: PathBuf,
    pub timeout: Duration,
}

/// A peer's outcome: its result line and the validation of its counts, or why it failed.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub line: ResultLine,
    pub validation: Validation,
}

/// Runs the program, reads its result line and counts, and validates them. `Err` is a FAIL: the
/// reason ends with the last line the program wrote on standard error.
pub fn run(
    inv: &Invocation<'_>,
    reference: &Reference,
    exactness: mandel_variants::Exactness,
) -> Result<Outcome, String> {
    let (scratch, _registered) = crate::interrupt::scratch_dir().map_err(|e| e.to_string())?;
    let counts_path = scratch.path().join("counts.u32");
    let s = &inv.spec;
    let mut cmd = Command::new(inv.python);
    cmd.arg(&inv.script)
        .args(mandel_lab_options::ToArgv::to_argv(
            &mandel_lab_options::ProblemArgs::from(s),
        ))
        .args(["--repeat", &inv.repeat.to_string()])
        .arg("--counts")
        .arg(&counts_path)
        .arg("--build-dir")
        .arg(&inv.build_dir)
        // The programs import their shared module from their folder: no bytecode left there.
        .env("PYTHONDONTWRITEBYTECODE", "1");
    if inv.warmup {
        cmd.arg("--warmup");
    }
    let out = output_within(&mut cmd, inv.timeout).map_err(|e| e.to_string())?;
    let stderr_tail =
        || last_line(&out.stderr).map_or("nothing on standard error".into(), |l| format!("'{l}'"));
    if !out.success {
        return Err(format!("exited with {}: {}", out.status, stderr_tail()));
    }
    let last = last_line(&out.stdout).unwrap_or("");
    let line: ResultLine = serde_json::from_str(last).map_err(|e| {
        format!(
            "printed no result line ({e}; last line '{}'); stderr: {}",
            truncate(last, 80),
            stderr_tail()
        )
    })?;
    if line.seconds.is_empty() || line.seconds.iter().any(|s| !(s.is_finite() && *s >= 0.0)) {
        return Err(format!("printed no valid timings: {:?}", line.seconds));
    }
    let bytes = std::fs::read(&counts_path)
        .map_err(|e| format!("wrote no counts file ({e}); stderr: {}", stderr_tail()))?;
    if bytes.len() != 4 * reference.counts.len() {
        return Err(format!(
            "wrote {} bytes of counts, not {} (one u32 per pixel of the {}-pixel grid)",
            bytes.len(),
            4 * reference.counts.len(),
            reference.counts.len()
        ));
    }
    let counts: Vec<u32> = bytes
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let validation = validate::check(&counts, reference, exactness);
    if validation.validation_sum != line.validation_sum {
        return Err(format!(
            "printed validation sum {} but its counts sum to {}",
            line.validation_sum, validation.validation_sum
        ));
    }
    Ok(Outcome { line, validation })
}

fn truncate(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}
