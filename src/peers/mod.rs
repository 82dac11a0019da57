//! The tutorial's own Python, measured today beside the Rust variants: `mandel-lab peers`.
//!
//! The peer programs live in `peers/python/`, one file per technique. The lab finds what is
//! installed ([`discover`]), runs each peer several times through one protocol ([`run`]):
//! arguments in, one JSON result line and a counts file out), validates its counts pixel for
//! pixel against its own reference, and writes `reports/peers.json` atomically ([`PeerResults`],
//! its schema in [`schema`]), which the report reads. A peer whose tools are missing is a SKIP with the line that installs
//! them; one that crashes, hangs or prints garbage is a FAIL with its last line of stderr.

pub mod discover;
pub mod registry;
pub mod run;
pub mod schema;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::measure::stats::{median, median_abs_dev};
use crate::problem::reference::Reference;
use crate::record::machine::Machine;
use crate::record::measured::Status;
use crate::record::results::ProblemInfo;
use crate::record::units::now_rfc3339;
use crate::{GridSpec, LabError};
pub use discover::Toolbox;
pub use registry::{PEERS, Peer};
pub use schema::{HOW_TO_MEASURE, JSON_FILE, PeerResult, PeerResults, SCHEMA_VERSION};

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
