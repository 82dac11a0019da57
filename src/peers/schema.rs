//! The peers stage's schema: `reports/peers.json` ([`PeerResults`], one [`PeerResult`] per
//! peer), saved atomically, read back range-checked, and the peer that stands for a variant's row.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::record::machine::Machine;
use crate::record::measured::{Status, Validation};
use crate::record::results::ProblemInfo;
use crate::{LabError, record::write};

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
