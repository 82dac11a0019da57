//! The one result schema, written as JSON by measurement and read back by every renderer.

use std::path::Path;

use mandel_variants::{Availability, Exactness, Tuning, Variant};
use serde::{Deserialize, Serialize};

use crate::bench::{BenchSettings, Timing};
use crate::machine::Machine;
use crate::validate::{Status, Validation};
use crate::{Grid, LabError, Region, fsutil, known, reference::Reference};

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

    /// Describes `grid` and its reference.
    pub fn new(grid: &Grid, reference: &Reference) -> ProblemInfo {
        ProblemInfo {
            region: grid.spec.region,
            width: grid.spec.width,
            height: grid.spec.height,
            columns: grid.columns(),
            rows: grid.rows(),
            pixels: grid.pixels(),
            maxiter: grid.spec.maxiter,
            reference_sum: reference.validation_sum,
            inner_iterations: reference.inner_iterations,
            never_escape: reference.never_escape,
            known_sum: known::lookup(&grid.spec).map(|k| k.validation_sum),
        }
    }
}

/// A variant's identity and metadata, as recorded with its results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantInfo {
    pub name: String,
    pub family: String,
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
    /// Records `variant`'s metadata and its availability here, now.
    pub fn new(variant: &Variant) -> VariantInfo {
        let unavailable_reason = match variant.availability() {
            Availability::Available => None,
            Availability::Unavailable(why) => Some(why),
        };
        VariantInfo {
            name: variant.name.into(),
            family: variant.family.as_str().into(),
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
    pub isa: Option<String>,
}

impl From<&Tuning> for TuningInfo {
    fn from(t: &Tuning) -> TuningInfo {
        TuningInfo {
            chunk: t.chunk,
            chunks: t.chunks,
            threads: t.threads,
            isa: t.isa.map(|i| i.name().to_string()),
        }
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
    pub isa: Option<String>,
    /// Ratio of `naive`'s median to this variant's, from the same run.
    pub speedup_vs_naive: Option<f64>,
    /// What went wrong, when the variant was available but failed to run.
    pub error: Option<String>,
}

impl VariantResult {
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
    pub quick: Option<crate::quick::QuickPlan>,
}

impl Results {
    /// Writes the results atomically as pretty JSON.
    pub fn save(&self, path: &Path) -> Result<(), LabError> {
        fsutil::write_json(path, self)
    }

    /// Reads results back, refusing files of another schema version.
    pub fn load(path: &Path) -> Result<Results, LabError> {
        let bytes = fsutil::read(path)?;
        let corrupt = |message: String| LabError::Corrupt {
            path: path.to_path_buf(),
            message,
        };
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
        match value.get("schema_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            other => {
                return Err(corrupt(format!(
                    "schema_version {other:?}, this lab reads version {SCHEMA_VERSION}; \
                     re-run the measurement"
                )));
            }
        }
        serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))
    }

    /// The result of the variant called `name`.
    pub fn variant(&self, name: &str) -> Option<&VariantResult> {
        self.variants.iter().find(|v| v.info.name == name)
    }
}

/// The current time as RFC 3339 UTC, to the second.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}
