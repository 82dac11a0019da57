//! The compiler-flag lab: which builds make each variant faster without changing its answer
//! (`cargo xtask flags`). Its rooms are called `codegen`, so that they are never read as the
//! command line's flags.
//!
//! xtask builds the lab under a matrix of builds (Rust profiles and flags, gcc flags for the C
//! kernel), each binary runs one variant per process (`mandel-lab flags-cell`: validated pixel for
//! pixel, then measured under criterion) and writes one [`Cell`]; `mandel-lab flags --collect`
//! gathers the cells and xtask's build log, reads each binary's hot loops ([`evidence`]) and
//! writes `reports/flags.json` atomically ([`CodegenResults`]), which the report renders.
//!
//! Unlike the other stages, a build that breaks an exact variant's answer is still timed: what
//! it would have gained is the point of the table. Its cell says how many pixels differ, and
//! [`answer`] never picks it.

pub mod evidence;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::record::machine::Machine;
use crate::record::measured::{BenchSettings, Timing};
use crate::record::measured::{Status, Validation};
use crate::record::results::ProblemInfo;
use crate::{LabError, record::write};

/// Version of the `flags.json` layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;
/// The file the flags stage writes in the report folder.
pub const JSON_FILE: &str = "flags.json";
/// What to type to measure the builds, said where there are none.
pub const HOW_TO_MEASURE: &str = "cargo xtask flags --quick";
/// The default build, against which every speed-up is read.
pub const BASELINE: &str = "release";
/// The variant whose kernel is C: the one a gcc build changes, and the control of the Rust builds.
pub const C_VARIANT: &str = mandel_variants::scalar::c_reference::VARIANT.name;
/// A geometric-mean speed-up below this is within the noise of a shared machine.
pub const NOISE: f64 = 0.02;

// The builds xtask made travel from xtask to the lab as JSON (`run/builds.json`) in the one
// struct both sides share, and are kept in flags.json as they are.
pub use mandel_lab_options::codegen::{Build, BuildStatus, Lang};

/// One variant from one build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub build: String,
    pub variant: String,
    /// Whether the registry declares the variant exact (it must then match pixel for pixel).
    pub declared_exact: bool,
    /// `None` where the run itself failed (see `error`).
    pub validation: Option<Validation>,
    pub timing: Option<Timing>,
    /// The SIMD path that ran, for variants that dispatch at run time.
    pub isa: Option<mandel_variants::simd::Isa>,
    /// The flags gcc built the C kernel with, as the binary recorded them.
    pub c_flags: String,
    /// RUSTFLAGS and profile as the binary recorded them.
    pub rust_build: String,
    /// The hot loop read from this build's binary, where the variant's loop was found.
    #[serde(default)]
    pub evidence: Option<evidence::Evidence>,
    /// The first line of the run's error, when it did not produce a result.
    pub error: Option<String>,
}

impl Cell {
    /// Whether this cell gave the reference's answer pixel for pixel.
    pub fn is_exact(&self) -> bool {
        self.validation
            .as_ref()
            .is_some_and(|v| v.mismatched_pixels == 0)
    }

    /// Whether this build broke a variant declared exact.
    pub fn breaks_exactness(&self) -> bool {
        self.declared_exact
            && self
                .validation
                .as_ref()
                .is_some_and(|v| v.mismatched_pixels > 0)
    }

    /// The median seconds, where measured.
    pub fn median(&self) -> Option<f64> {
        self.timing.as_ref().map(|t| t.median).filter(|m| *m > 0.0)
    }
}

/// Everything one flags run measured: `reports/flags.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodegenResults {
    pub schema_version: u32,
    pub generated_at: String,
    pub machine: Machine,
    pub problem: ProblemInfo,
    pub quick: bool,
    pub settings: BenchSettings,
    /// The variants, in the order asked.
    pub variants: Vec<String>,
    /// The builds, in the matrix's order; the first is [`BASELINE`].
    pub builds: Vec<Build>,
    pub cells: Vec<Cell>,
}

impl CodegenResults {
    /// Writes `dir/flags.json` atomically.
    pub fn save(&self, dir: &Path) -> Result<(), LabError> {
        write::write_json(&dir.join(JSON_FILE), self)
    }

    /// Reads `dir/flags.json` where it exists, refusing another schema version.
    pub fn load(dir: &Path) -> Result<Option<CodegenResults>, LabError> {
        let path = dir.join(JSON_FILE);
        let remake = format!("rerun `{HOW_TO_MEASURE}`");
        let Some(flags) = write::read_versioned::<CodegenResults>(&path, SCHEMA_VERSION, &remake)?
        else {
            return Ok(None);
        };
        flags.validate(&path)?;
        Ok(Some(flags))
    }

    /// Refuses figures no flags run gives (see [`crate::record::check::Check`]); `path` is the file
    /// they were read from.
    pub fn validate(&self, path: &Path) -> Result<(), LabError> {
        let remedy = format!("rerun `{HOW_TO_MEASURE}`");
        let check = crate::record::check::Check::new(path, &remedy);
        check.problem("problem", &self.problem)?;
        check.machine("machine", &self.machine)?;
        check.settings("settings", &self.settings)?;
        // The heat map is a cell per build and variant: a few dozen of each at most.
        check.count(
            "variants (their number)",
            self.variants.len() as u64,
            0..=1000,
        )?;
        check.count("builds (their number)", self.builds.len() as u64, 0..=1000)?;
        for (i, b) in self.builds.iter().enumerate() {
            if let Some(s) = b.build_seconds {
                let field = format!("builds[{i}] ({}).build_seconds", b.name);
                check.number(&field, s, crate::record::check::SPREAD, " s")?;
            }
        }
        for (i, c) in self.cells.iter().enumerate() {
            let field = |name: &str| format!("cells[{i}] ({} {}).{name}", c.build, c.variant);
            if let Some(t) = &c.timing {
                check.timing(&field("timing"), t)?;
            }
            if let Some(e) = &c.evidence {
                check.count(
                    &field("evidence.instructions"),
                    e.instructions as u64,
                    0..=1 << 20,
                )?;
            }
        }
        Ok(())
    }

    /// The cell of `variant` from `build`.
    pub fn cell(&self, build: &str, variant: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.build == build && c.variant == variant)
    }

    /// `variant`'s speed-up in `build` over the default build: the ratio of medians.
    pub fn speedup(&self, build: &str, variant: &str) -> Option<f64> {
        let base = self.cell(BASELINE, variant)?.median()?;
        Some(base / self.cell(build, variant)?.median()?)
    }

    /// The geometric mean of `build`'s speed-ups over the variants it measured.
    pub fn mean_speedup(&self, build: &str) -> Option<(f64, usize)> {
        let logs: Vec<f64> = self
            .variants
            .iter()
            .filter_map(|v| self.speedup(build, v))
            .map(f64::ln)
            .collect();
        (!logs.is_empty()).then(|| {
            (
                (logs.iter().sum::<f64>() / logs.len() as f64).exp(),
                logs.len(),
            )
        })
    }

    /// The control's spread: `c-reference` runs the same machine code in every Rust build (gcc
    /// builds it with the same flags), so its largest speed-up or slow-down across them is what
    /// this run's noise alone can do. At least [`NOISE`].
    pub fn control_noise(&self) -> Option<f64> {
        self.builds
            .iter()
            .filter(|b| b.lang == Lang::Rust && b.name != BASELINE)
            .filter_map(|b| self.speedup(&b.name, C_VARIANT))
            .map(|s| s.ln().abs().exp_m1())
            .reduce(f64::max)
    }

    /// The typical spread of a speed-up, a ratio of two medians: √2 times the median relative
    /// spread (MAD over median) of the default build's cells.
    pub fn ratio_spread(&self) -> Option<f64> {
        let spreads: Vec<f64> = self
            .cells
            .iter()
            .filter(|c| c.build == BASELINE)
            .filter_map(|c| c.timing.as_ref().map(|t| t.relative_spread()))
            .collect();
        (!spreads.is_empty())
            .then(|| std::f64::consts::SQRT_2 * crate::measure::stats::median(&spreads))
    }

    /// The relative change below which a speed-up is noise: the larger of the control's spread
    /// and the typical spread of a ratio of medians, at least [`NOISE`].
    pub fn noise(&self) -> f64 {
        let control = self.control_noise().unwrap_or(0.0);
        control.max(self.ratio_spread().unwrap_or(0.0)).max(NOISE)
    }

    /// Whether every variant declared exact that `build` ran matched the reference.
    pub fn keeps_exact(&self, build: &str) -> bool {
        self.cells
            .iter()
            .filter(|c| c.build == build)
            .all(|c| !c.declared_exact || c.is_exact())
    }
}

/// The answer to the tutorial's wish, for one compiler: the fastest build that keeps every
/// exact variant exact, and the fastest of all where that one broke exactness.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub lang: Lang,
    /// The fastest exact build and its geometric-mean speed-up over the variants it ran.
    pub best: Option<(String, f64, usize)>,
    /// A faster build that changed an exact variant's answer, with the pixels that differ.
    pub faster_but_wrong: Option<(String, f64, u64)>,
    /// The relative change below which a speed-up is noise ([`CodegenResults::noise`]).
    pub noise: f64,
}

/// The fastest build for `lang` (the default build included) that keeps every exact variant
/// exact, by the geometric mean of its speed-ups over the default build.
pub fn answer(results: &CodegenResults, lang: Lang) -> Answer {
    let candidates: Vec<(&Build, f64, usize)> = results
        .builds
        .iter()
        .filter(|b| b.status == BuildStatus::Ok && (b.lang == lang || b.name == BASELINE))
        .filter_map(|b| {
            let (speedup, n) = if lang == Lang::C {
                // A C build changes only the C kernel: read it on the variants with C in them.
                let s = results.speedup(&b.name, C_VARIANT)?;
                (s, 1)
            } else {
                results.mean_speedup(&b.name)?
            };
            Some((b, speedup, n))
        })
        .collect();
    let best = candidates
        .iter()
        .filter(|(b, ..)| results.keeps_exact(&b.name))
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(b, s, n)| (b.name.clone(), *s, *n));
    let faster_but_wrong = candidates
        .iter()
        .filter(|(b, ..)| !results.keeps_exact(&b.name))
        .filter(|(_, s, _)| best.as_ref().is_none_or(|(_, bs, _)| s > bs))
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(b, s, _)| {
            let pixels = results
                .cells
                .iter()
                .filter(|c| c.build == b.name && c.breaks_exactness())
                .filter_map(|c| c.validation.as_ref().map(|v| v.mismatched_pixels))
                .max()
                .unwrap_or(0);
            (b.name.clone(), *s, pixels)
        });
    Answer {
        lang,
        best,
        faster_but_wrong,
        noise: results.noise(),
    }
}

/// The answer in one sentence, e.g. "Rust: the fastest build that keeps every exact variant
/// exact is `lto-fat`, 1.04x the default build (geometric mean over 6 variants)."
pub fn answer_sentence(a: &Answer) -> String {
    let who = match a.lang {
        Lang::Rust => "Rust".to_string(),
        Lang::C => format!("C ({C_VARIANT})"),
    };
    let over = |n: usize| match (a.lang, n) {
        (Lang::C, _) => String::new(),
        (_, 1) => " (1 variant)".to_string(),
        (_, n) => format!(" (geometric mean over {n} variants)"),
    };
    let mut s = match &a.best {
        None => format!("{who}: no build was measured against the default build."),
        Some((name, _, _)) if name == BASELINE => format!(
            "{who}: no build beats the default build `{BASELINE}` while keeping every exact \
             variant exact."
        ),
        Some((name, speedup, n)) if *speedup < 1.0 + a.noise => format!(
            "{who}: the fastest build that keeps every exact variant exact is `{name}`, \
             {speedup:.2}x the default build{}, within this run's noise (±{:.0}%): the default \
             is as good.",
            over(*n),
            100.0 * a.noise
        ),
        Some((name, speedup, n)) => format!(
            "{who}: the fastest build that keeps every exact variant exact is `{name}`, \
             {speedup:.2}x the default build{}.",
            over(*n)
        ),
    };
    if let Some((name, speedup, pixels)) = &a.faster_but_wrong {
        s.push_str(&format!(
            " `{name}` would be {speedup:.2}x, but {pixels} pixels differ from the reference."
        ));
    }
    s
}

/// The status a cell's validation should carry: the registry's exactness decides, whatever the
/// build did (the run itself is validated as inexact so that a broken build is still timed).
pub fn status_for(declared_exact: bool, mismatched: u64, computed: Status) -> Status {
    match (declared_exact, mismatched) {
        (_, 0) => Status::Ok,
        (true, _) => Status::Fail,
        (false, _) => computed,
    }
}

#[cfg(test)]
mod tests;
