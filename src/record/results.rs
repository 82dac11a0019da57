//! The one result schema, written as JSON by measurement and read back by every renderer; its
//! figures are range-checked on reading by [`crate::record::check`].

use std::path::Path;

use mandel_variants::simd::Isa;
use mandel_variants::{Availability, Exactness, Family, Tuning, Variant, Work};
use serde::{Deserialize, Serialize};

use crate::record::machine::Machine;
use crate::record::measured::{BenchSettings, Status, Timing, Validation};
use crate::{LabError, Region, record::write};

/// Version of the `results.json` layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The problem a set of results was measured on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemInfo {
    pub region: Region,
    /// Pixel width and height asked for.
    pub width: usize,
    pub height: usize,
    /// The grid's real size (the tutorial's accumulation can add one of each).
    pub columns: usize,
    pub rows: usize,
    pub pixels: usize,
    pub maxiter: u32,
    /// The reference's validation sum, iteration count and never-escaping pixels.
    pub reference_sum: u64,
    pub inner_iterations: u64,
    pub never_escape: u64,
    /// The tutorial's published sum for this problem, if it published one.
    pub known_sum: Option<u64>,
}

impl ProblemInfo {
    /// The problem as it was asked for.
    pub fn spec(&self) -> crate::GridSpec {
        crate::GridSpec {
            region: self.region,
            width: self.width,
            height: self.height,
            maxiter: self.maxiter,
        }
    }
}

/// A variant's identity and metadata, as recorded with its results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantInfo {
    pub name: String,
    pub family: Family,
    pub analogue: String,
    pub summary: String,
    pub exact: bool,
    /// Why the variant cannot be exact, for inexact ones.
    pub inexact_reason: Option<String>,
    pub available: bool,
    /// What is missing here and how to install it, for unavailable ones.
    pub unavailable_reason: Option<String>,
}

impl VariantInfo {
    /// The registry's entry for the variant recorded, where this build still has it: the one
    /// way from a saved name back to the variant's typed facts.
    pub fn variant(&self) -> Option<&'static Variant> {
        mandel_variants::find(&self.name)
    }

    /// Records `variant`'s metadata and its availability here, now.
    pub fn new(variant: &Variant) -> VariantInfo {
        let unavailable_reason = match variant.availability() {
            Availability::Available => None,
            Availability::Unavailable(why) => Some(why),
        };
        VariantInfo {
            name: variant.name.into(),
            family: variant.family,
            analogue: variant.analogue.into(),
            summary: variant.summary.into(),
            exact: variant.exactness.is_exact(),
            inexact_reason: match variant.exactness {
                Exactness::Exact => None,
                Exactness::Inexact(why) => Some(why.into()),
            },
            available: unavailable_reason.is_none(),
            unavailable_reason,
        }
    }
}

/// The tuning knobs a result was measured with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TuningInfo {
    pub chunk: Option<usize>,
    pub chunks: Option<usize>,
    pub threads: Option<usize>,
    /// The SIMD path asked for with `--isa`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isa: Option<Isa>,
}

impl From<&Tuning> for TuningInfo {
    fn from(t: &Tuning) -> TuningInfo {
        TuningInfo {
            chunk: t.chunk,
            chunks: t.chunks,
            threads: t.threads,
            isa: t.isa,
        }
    }
}

/// What a variant that skips work did over the grid ([`Work`], counted in an untimed pass): the
/// inner iterations it executed, and its pixels by what decided them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkInfo {
    /// Inner iterations executed (the reference executes [`ProblemInfo::inner_iterations`]).
    pub executed: u64,
    /// Pixels that escaped.
    pub escaped: u64,
    /// Pixels run to `maxiter`.
    pub at_maxiter: u64,
    /// Pixels decided by the cardioid and bulb test, without iterating.
    pub bulb: u64,
    /// Pixels decided by a repeated orbit value.
    pub cycle: u64,
}

impl From<Work> for WorkInfo {
    fn from(w: Work) -> WorkInfo {
        WorkInfo {
            executed: w.executed,
            escaped: w.escaped,
            at_maxiter: w.at_maxiter,
            bulb: w.bulb,
            cycle: w.cycle,
        }
    }
}

impl WorkInfo {
    /// The share of the reference's `inner_iterations` this work left out (0 where the reference
    /// executes none).
    pub fn skipped_share(&self, inner_iterations: u64) -> f64 {
        if inner_iterations == 0 {
            return 0.0;
        }
        1.0 - self.executed.min(inner_iterations) as f64 / inner_iterations as f64
    }
}

/// One variant's outcome in a report run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantResult {
    #[serde(flatten)]
    pub info: VariantInfo,
    pub tuning: TuningInfo,
    pub status: Status,
    pub validation: Option<Validation>,
    /// Seconds of the single validation run, timed as the tutorial timed (kernel call only).
    pub first_run_seconds: Option<f64>,
    /// Criterion's measurement; `None` when the variant was skipped, failed, or not benchmarked.
    pub timing: Option<Timing>,
    /// For a GPU variant, criterion's measurement of its kernels alone (device events, after
    /// the warm-up); `timing` includes the conversions and transfers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_timing: Option<Timing>,
    /// The SIMD path that ran, for variants that dispatch at run time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isa: Option<Isa>,
    /// Ratio of `naive`'s median to this variant's, from the same run.
    pub speedup_vs_naive: Option<f64>,
    /// What went wrong, when the variant was available but failed to run.
    pub error: Option<String>,
    /// For a variant that skips work (the shortcuts), what its validation run executed; `None`
    /// for a variant that runs every pixel as the reference does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work: Option<WorkInfo>,
    /// For the `mpi` variant, each rank's host, units and busy time in its last measured run;
    /// absent for the others (and in files written before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranks: Option<Vec<crate::record::ranks::RankInfo>>,
    /// For a kernel made of stages (the SIMD shortcuts), each part timed on its own and the
    /// ideal ([`crate::measure::breakdown`]); absent from older results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<crate::record::measured::Breakdown>,
    /// The kernel's account of this variant's measurement (context switches, migrations, page
    /// faults, other processes' share); absent from older results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<crate::record::account::Account>,
}

impl VariantResult {
    /// The inner iterations this variant executed: its [`WorkInfo::executed`], else the
    /// reference's `inner_iterations`.
    pub fn executed(&self, inner_iterations: u64) -> u64 {
        self.work.map_or(inner_iterations, |w| w.executed)
    }

    /// The figure tables show: criterion's median, else the single run's time.
    pub fn seconds(&self) -> Option<f64> {
        self.timing
            .as_ref()
            .map(|t| t.median)
            .or(self.first_run_seconds)
    }
}

/// Everything one report run measured: `reports/results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub schema_version: u32,
    /// When the run finished (RFC 3339, UTC).
    pub generated_at: String,
    pub machine: Machine,
    /// Criterion's settings; `None` when variants were run once without criterion.
    pub settings: Option<BenchSettings>,
    pub problem: ProblemInfo,
    /// The picture of the reference counts, relative to the report folder.
    pub image: Option<String>,
    pub variants: Vec<VariantResult>,
    /// What `--quick` chose for this machine, when it chose the problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick: Option<crate::record::measured::QuickPlan>,
    /// The picture of who decides each pixel and at what cost, relative to the report folder:
    /// made where a variant that skips work was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_image: Option<String>,
    /// The machine's state over the run (load, other processes' share, governor, SMT, the CPUs
    /// it ran on); absent from older results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<crate::record::conditions::Conditions>,
}

/// The pictures of a measurement not yet rendered, as PNG bytes. They travel beside its
/// [`Results`], never in them: the render stage writes them beside the page and the tables they
/// belong with, so that a run interrupted or refused before then leaves the old pictures with the
/// old report. Results read back have none (their pictures are already in the report folder).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pictures {
    /// The reference's counts (`mandelbrot.png`).
    pub counts: Option<Vec<u8>>,
    /// Who decides each pixel and at what cost (`work.png`), made where a variant that skips
    /// work was measured.
    pub work: Option<Vec<u8>>,
}

impl Results {
    /// Writes the results atomically as pretty JSON.
    pub fn save(&self, path: &Path) -> Result<(), LabError> {
        write::write_json(path, self)
    }

    /// Reads results back, refusing files of another schema version.
    pub fn load(path: &Path) -> Result<Results, LabError> {
        let remake = "re-run the measurement";
        let results =
            write::read_versioned::<Results>(path, SCHEMA_VERSION, remake)?.ok_or_else(|| {
                LabError::Read {
                    path: path.to_path_buf(),
                    source: std::io::Error::from_raw_os_error(libc::ENOENT),
                }
            })?;
        results.validate(path)?;
        Ok(results)
    }

    /// Whether the record says the run was measured under load.
    pub fn under_load(&self) -> bool {
        self.conditions
            .as_ref()
            .is_some_and(crate::record::conditions::Conditions::under_load)
    }

    /// The result of the variant called `name`.
    pub fn variant(&self, name: &str) -> Option<&VariantResult> {
        self.variants.iter().find(|v| v.info.name == name)
    }
}
