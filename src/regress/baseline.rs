//! The committed baseline of the gate (`ci/perf-baseline.json`): per-variant instruction counts,
//! the problem, compiler and target they came from, per-variant thresholds, and a one-line reason
//! for its last change. Written atomically by `--bless`; anything else only reads it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::count::Counted;
use crate::{GridSpec, LabError, record::write};

/// Version of the baseline's layout.
pub const SCHEMA_VERSION: u32 = 1;
/// Where the baseline lives, from the workspace root.
pub const BASELINE_FILE: &str = mandel_lab_options::BASELINE_FILE;
/// A rise beyond this many percent fails the gate, unless a variant sets its own.
pub const DEFAULT_THRESHOLD_PCT: f64 = 2.0;

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub schema_version: u32,
    /// Why the baseline last changed (one line, from `--bless --reason`).
    pub reason: String,
    pub blessed_at: String,
    /// The revision the counts were taken from (`-dirty` if uncommitted changes were counted).
    pub revision: String,
    pub rustc: String,
    pub target: String,
    /// What is counted.
    pub metric: String,
    pub problem: GridSpec,
    pub default_threshold_pct: f64,
    pub variants: Vec<Entry>,
    /// Variants the gate does not count, and why.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
}

/// One variant's baseline count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub instructions: u64,
    /// This variant's own threshold in percent, where the default does not suit it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_pct: Option<f64>,
    pub isa: Option<mandel_variants::simd::Isa>,
    pub threads: Option<usize>,
}

/// A variant left out of the gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

/// The compiler and target this binary was built with.
pub const RUSTC: &str = env!("MANDEL_RUSTC_VERSION");
pub const TARGET: &str = env!("MANDEL_TARGET");

/// The metric's description, stored in the file so that a reader knows what the numbers are.
pub const METRIC: &str = "instructions (callgrind Ir) of one Kernel::run: from the entry of \
                          mandel_lab_counted_run to the entry of mandel_lab_count_end, called as \
                          soon as the kernel returns; for a variant on a rayon pool (1 worker), \
                          only the pool's job";

impl Baseline {
    /// Reads and checks the baseline: a missing file, bad JSON, another schema version or a
    /// threshold that is not a non-negative number are each one error naming the file.
    pub fn load(path: &Path) -> Result<Baseline, LabError> {
        if !path.exists() {
            return Err(LabError::bad_input(format!(
                "no baseline at {}: create it with cargo xtask regress --bless --reason \"...\"",
                path.display()
            )));
        }
        let corrupt = |message: String| LabError::Corrupt {
            path: path.to_path_buf(),
            message,
        };
        let b = write::read_versioned::<Baseline>(
            path,
            SCHEMA_VERSION,
            "re-bless it with cargo xtask regress --bless --reason \"...\"",
        )?
        .ok_or_else(|| corrupt("it went missing while being read".into()))?;
        let thresholds = std::iter::once(("default_threshold_pct", b.default_threshold_pct)).chain(
            b.variants
                .iter()
                .filter_map(|e| e.threshold_pct.map(|t| (e.name.as_str(), t))),
        );
        for (name, t) in thresholds {
            check_threshold(t).map_err(|m| corrupt(format!("{name}: {m}")))?;
        }
        Ok(b)
    }

    /// Writes the baseline atomically.
    pub fn save(&self, path: &Path) -> Result<(), LabError> {
        write::write_json(path, self)
    }

    /// The threshold of variant `name`, in percent.
    pub fn threshold(&self, name: &str) -> f64 {
        self.entry(name)
            .and_then(|e| e.threshold_pct)
            .unwrap_or(self.default_threshold_pct)
    }

    /// The entry of variant `name`.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.variants.iter().find(|e| e.name == name)
    }

    /// A new baseline from `counted`, keeping `old`'s thresholds and, for variants not counted
    /// now, its entries (so blessing some variants keeps the others).
    pub fn bless(
        old: Option<&Baseline>,
        counted: &[Counted],
        skipped: Vec<Skipped>,
        problem: GridSpec,
        reason: &str,
    ) -> Baseline {
        let mut variants: Vec<Entry> = counted
            .iter()
            .map(|c| Entry {
                name: c.variant.clone(),
                instructions: c.instructions,
                threshold_pct: old.and_then(|o| o.entry(&c.variant)?.threshold_pct),
                isa: c.isa,
                threads: c.threads,
            })
            .collect();
        if let Some(old) = old.filter(|o| o.problem == problem) {
            for e in &old.variants {
                if !variants.iter().any(|n| n.name == e.name) {
                    variants.push(e.clone());
                }
            }
        }
        variants.sort_by_key(|e| mandel_variants::report_order(&e.name));
        let mut skipped = skipped;
        for s in old.map_or(&[][..], |o| &o.skipped[..]) {
            let known = |name: &str| name == s.name;
            if !variants.iter().any(|e| known(&e.name)) && !skipped.iter().any(|k| known(&k.name)) {
                skipped.push(s.clone());
            }
        }
        skipped.sort_by_key(|s| mandel_variants::report_order(&s.name));
        Baseline {
            schema_version: SCHEMA_VERSION,
            reason: reason.to_string(),
            blessed_at: crate::record::units::now_rfc3339(),
            revision: crate::measure::machine::git_revision().unwrap_or_else(|| "unknown".into()),
            rustc: RUSTC.into(),
            target: TARGET.into(),
            metric: METRIC.into(),
            problem,
            default_threshold_pct: old.map_or(DEFAULT_THRESHOLD_PCT, |o| o.default_threshold_pct),
            variants,
            skipped,
        }
    }
}

/// A threshold must be a finite number of percent, at least 0.
pub fn check_threshold(t: f64) -> Result<f64, String> {
    if t.is_finite() && t >= 0.0 {
        Ok(t)
    } else {
        Err(format!(
            "threshold {t} must be a number of percent, at least 0"
        ))
    }
}
