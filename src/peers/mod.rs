//! The tutorial's own Python, measured today beside the Rust variants: `mandel-lab peers`.
//!
//! The peer programs live in `peers/python/`, one file per technique. The lab finds what is
//! installed ([`discover`]), runs each peer several times through one protocol ([`run`]):
//! arguments in, one JSON result line and a counts file out), validates its counts pixel for
//! pixel against its own reference, and writes `reports/peers.json` atomically ([`PeerResults`]),
//! which the report reads. A peer whose tools are missing is a SKIP with the line that installs
//! them; one that crashes, hangs or prints garbage is a FAIL with its last line of stderr.

pub mod discover;
pub mod registry;
pub mod run;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::measure::stats::{median, median_abs_dev};
use crate::problem::reference::Reference;
use crate::record::machine::Machine;
use crate::record::measured::{Status, Validation};
use crate::record::results::ProblemInfo;
use crate::record::units::now_rfc3339;
use crate::{GridSpec, LabError, record::write};
pub use discover::Toolbox;
pub use registry::{PEERS, Peer};

/// Version of the `peers.json` layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;
/// The file the peers stage writes in the report folder.
pub const JSON_FILE: &str = "peers.json";
/// What to type to measure them, said where there are none.
pub const HOW_TO_MEASURE: &str = "cargo xtask peers --install";

/// One peer's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerResult {
    pub name: String,
    pub program: String,
    pub technique: String,
    pub tool: String,
    /// `CPython 3.11.7`, `PyPy 7.3.11 (Python 3.9.16)`; `None` when skipped.
    pub interpreter: Option<String>,
    /// Versions of the libraries it used (numpy, numba, ...), and their thread counts.
    pub libraries: BTreeMap<String, String>,
    pub status: Status,
    /// Why it was skipped or failed, or why its pixels differ.
    pub reason: Option<String>,
    /// Kernel seconds of each timed run, measured inside the process.
    pub samples: Vec<f64>,
    pub median: Option<f64>,
    /// Median absolute deviation of the samples, seconds.
    pub spread: Option<f64>,
    /// Whether an untimed warm-up run (JIT compilation) came first.
    pub warmup_excluded: bool,
    pub validation: Option<Validation>,
    /// `exact`, or `inexact: <reason>` where its pixels differ; `-` where it did not run.
    pub exactness: String,
    /// The Rust variant doing the same technique.
    pub variant: String,
    /// Whether it is the "Python today" figure of its variant's row.
    pub stands_for_row: bool,
}

impl PeerResult {
    /// `3.412 s ± 1.2%`, or `-`.
    pub fn time_cell(&self) -> String {
        match (self.median, self.spread) {
            (Some(m), Some(s)) if m > 0.0 => format!(
                "{} ± {:.1}%",
                crate::record::units::format_seconds(m),
                100.0 * s / m
            ),
            _ => "-".into(),
        }
    }

    /// The interpreter and the libraries, e.g. `CPython 3.11.7, numpy 2.4.6`.
    pub fn tool_cell(&self) -> String {
        let mut parts: Vec<String> = self.interpreter.iter().cloned().collect();
        parts.extend(
            self.libraries
                .iter()
                .filter(|(k, _)| !["threads", "processes", "cc"].contains(&k.as_str()))
                .map(|(k, v)| format!("{k} {v}")),
        );
        for unit in ["threads", "processes"] {
            if let Some(n) = self.libraries.get(unit) {
                parts.push(format!("{n} {unit}"));
            }
        }
        if parts.is_empty() {
            self.tool.clone()
        } else {
            parts.join(", ")
        }
    }
}

/// Everything one peers run measured: `reports/peers.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerResults {
    pub schema_version: u32,
    pub generated_at: String,
    pub machine: Machine,
    pub problem: ProblemInfo,
    pub peers: Vec<PeerResult>,
}

impl PeerResults {
    /// Writes `dir/peers.json` atomically.
    pub fn save(&self, dir: &Path) -> Result<(), LabError> {
        write::write_json(&dir.join(JSON_FILE), self)
    }

    /// Reads `dir/peers.json` where it exists, refusing another schema version.
    pub fn load(dir: &Path) -> Result<Option<PeerResults>, LabError> {
        let path = dir.join(JSON_FILE);
        let remake = "re-run cargo xtask peers";
        let Some(peers) = write::read_versioned::<PeerResults>(&path, SCHEMA_VERSION, remake)?
        else {
            return Ok(None);
        };
        peers.validate(&path)?;
        Ok(Some(peers))
    }

    /// Refuses figures no run of the peers gives (see [`crate::record::check::Check`]); `path` is the
    /// file they were read from.
    pub fn validate(&self, path: &Path) -> Result<(), LabError> {
        let check = crate::record::check::Check::new(path, "re-run cargo xtask peers");
        check.problem("problem", &self.problem)?;
        check.machine("machine", &self.machine)?;
        for (i, p) in self.peers.iter().enumerate() {
            let field = |name: &str| format!("peers[{i}] ({}).{name}", p.name);
            for (j, s) in p.samples.iter().enumerate() {
                check.seconds(&field(&format!("samples[{j}]")), *s)?;
            }
            if let Some(m) = p.median {
                check.seconds(&field("median"), m)?;
            }
            if let Some(s) = p.spread {
                check.number(&field("spread"), s, crate::record::check::SPREAD, " s")?;
            }
        }
        Ok(())
    }

    /// The peer standing for `variant`'s row, where it ran and validated.
    pub fn for_row(&self, variant: &str) -> Option<&PeerResult> {
        self.peers.iter().find(|p| {
            p.stands_for_row
                && p.variant == variant
                && matches!(p.status, Status::Ok | Status::Approx)
                && p.median.is_some()
        })
    }
}

/// How to run the peers.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder of the peer programs (`peers/python/`).
    pub scripts: PathBuf,
    /// Where compiled extensions are built.
    pub build_dir: PathBuf,
    /// Timed runs per peer; `None` takes each peer's own.
    pub repeat: Option<u32>,
    /// Longest a peer may run, warm-up and every timed run together.
    pub timeout: Duration,
}

/// One step of [`measure`], for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Reference,
    Running(&'a Peer),
    Done(&'a Peer),
}

/// `--peers a,b`: the peers named, in registry order, or every one (for no list or an empty one,
/// as `--variants` takes it); an unknown name is bad input.
pub fn select(list: Option<&str>) -> Result<Vec<&'static Peer>, LabError> {
    let Some(list) = crate::measure::stage::named(list) else {
        return Ok(PEERS.iter().collect());
    };
    let names: Vec<&str> = list.split(',').map(str::trim).collect();
    for n in &names {
        if registry::find(n).is_none() {
            let all: Vec<&str> = PEERS.iter().map(|p| p.name).collect();
            return Err(LabError::bad_input(format!(
                "unknown peer '{n}'; the peers are {}",
                all.join(", ")
            )));
        }
    }
    Ok(PEERS.iter().filter(|p| names.contains(&p.name)).collect())
}

/// Runs every selected peer on `spec` and validates each against the reference.
pub fn measure(
    spec: &GridSpec,
    peers: &[&'static Peer],
    tools: &Toolbox,
    opts: &Options,
    mut progress: impl FnMut(Step<'_>),
) -> Result<PeerResults, LabError> {
    let grid = spec.build()?;
    progress(Step::Reference);
    let reference = crate::problem::reference::compute(&grid.problem());
    let mut results = Vec::new();
    for &peer in peers {
        progress(Step::Running(peer));
        results.push(measure_one(peer, spec, &reference, tools, opts));
        progress(Step::Done(peer));
    }
    Ok(PeerResults {
        schema_version: SCHEMA_VERSION,
        generated_at: now_rfc3339(),
        machine: Machine::detect(),
        problem: ProblemInfo::new(&grid, &reference),
        peers: results,
    })
}

fn measure_one(
    peer: &'static Peer,
    spec: &GridSpec,
    reference: &Reference,
    tools: &Toolbox,
    opts: &Options,
) -> PeerResult {
    let mut result = PeerResult {
        name: peer.name.into(),
        program: peer.script.into(),
        technique: peer.technique.into(),
        tool: peer.tool.into(),
        interpreter: None,
        libraries: BTreeMap::new(),
        status: Status::Skip,
        reason: None,
        samples: Vec::new(),
        median: None,
        spread: None,
        warmup_excluded: false,
        validation: None,
        exactness: "-".into(),
        variant: peer.variant.name.into(),
        stands_for_row: peer.stands_for_row,
    };
    let python = match tools.for_peer(peer) {
        Ok(p) => p,
        Err(why) => {
            result.reason = Some(why);
            return result;
        }
    };
    result.interpreter = Some(python.version.clone());
    let inv = run::Invocation {
        python: &python.path,
        script: opts.scripts.join(peer.script),
        spec: *spec,
        repeat: opts.repeat.unwrap_or(peer.repeat).max(1),
        warmup: peer.warmup,
        build_dir: opts.build_dir.clone(),
        timeout: opts.timeout,
    };
    match run::run(&inv, reference, peer.exactness) {
        Err(why) => {
            result.status = Status::Fail;
            result.reason = Some(why);
        }
        Ok(out) => {
            let v = &out.validation;
            result.status = v.status;
            result.interpreter = Some(out.line.interpreter.clone());
            result.libraries = out.line.libraries.clone();
            result.warmup_excluded = out.line.warmup_excluded;
            result.median = Some(median(&out.line.seconds));
            result.spread = Some(median_abs_dev(&out.line.seconds));
            result.samples = out.line.seconds;
            result.exactness = "exact".into();
            if v.mismatched_pixels > 0 {
                let why = match peer.exactness {
                    mandel_variants::Exactness::Inexact(why) => why,
                    mandel_variants::Exactness::Exact => "it should match the reference exactly",
                };
                result.reason = Some(format!("{} pixels differ: {why}", v.mismatched_pixels));
                result.exactness = format!(
                    "inexact: {} pixels differ (sum {}, expected {}): {why}",
                    v.mismatched_pixels, v.validation_sum, v.expected_sum
                );
            }
            result.validation = Some(out.validation);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_peer_names_are_bad_input() {
        assert!(select(Some("numba,nope")).unwrap_err().is_bad_input());
        let chosen = select(Some("numba, pure_python")).unwrap();
        let names: Vec<&str> = chosen.iter().map(|p| p.name).collect();
        assert_eq!(names, ["pure_python", "numba"]);
    }
}
