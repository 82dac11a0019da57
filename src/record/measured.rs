//! What measuring a variant records, as the schema keeps it: its validation ([`Status`],
//! [`Validation`]), criterion's settings and timing ([`BenchSettings`], [`Timing`]), where a
//! staged kernel's time goes ([`Breakdown`]) and what `--quick` chose ([`QuickPlan`]). The
//! measuring itself is in `crate::measure` and `crate::problem::validate`, which depend on these
//! types; nothing here measures.

use serde::{Deserialize, Serialize};

use crate::{GridSpec, Region};

/// The verdict on one variant's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    /// Exact variant: identical to the reference pixel for pixel (and the known sum).
    Ok,
    /// Inexact variant: ran, and the differing pixels are reported.
    Approx,
    /// Wrong answer.
    Fail,
    /// Not run here.
    Skip,
}

impl Status {
    /// The label shown in tables.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Approx => "APPROX",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }
}

/// The result of comparing counts with the reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    pub validation_sum: u64,
    /// The sum every exact variant must give (the known answer where there is one).
    pub expected_sum: u64,
    /// Pixels whose counts differ from the reference.
    pub mismatched_pixels: u64,
    pub status: Status,
}

/// How long and how often to sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchSettings {
    /// Samples per variant (criterion's minimum is 10).
    pub samples: usize,
    pub warm_up_secs: f64,
    /// Target measurement time; slow kernels take at least `samples` runs regardless.
    pub measurement_secs: f64,
    pub confidence_level: f64,
    /// Criterion's bootstrap resamples per statistic (its default is 100,000).
    #[serde(default = "default_resamples")]
    pub resamples: usize,
    /// Whether criterion draws its own HTML report's plots. Its distribution plots are kernel
    /// density estimates over every bootstrap resample: about 4 s a benchmark on 2 cores, more
    /// than a quick measurement of the benchmark itself.
    #[serde(default = "default_plots")]
    pub plots: bool,
}

fn default_resamples() -> usize {
    100_000
}

fn default_plots() -> bool {
    true
}

impl BenchSettings {
    /// The full report: enough samples for a stable median on a noisy 2-core machine.
    pub const FULL: BenchSettings = BenchSettings {
        samples: 20,
        warm_up_secs: 1.0,
        measurement_secs: 4.0,
        confidence_level: 0.95,
        resamples: 100_000,
        plots: true,
    };

    /// A sweep's many points: criterion's minimum sample count, medium phases.
    pub const SWEEP: BenchSettings = BenchSettings {
        samples: 10,
        warm_up_secs: 0.5,
        measurement_secs: 2.0,
        confidence_level: 0.95,
        resamples: 100_000,
        plots: true,
    };

    /// `--quick`: criterion's minimum sample count and short phases: a fast kernel is still run
    /// dozens of times, a slow one ten times (flat sampling, one call a sample).
    pub const QUICK: BenchSettings = BenchSettings {
        samples: 10,
        warm_up_secs: 0.1,
        measurement_secs: 0.3,
        confidence_level: 0.95,
        resamples: 10_000,
        plots: false,
    };
}

/// A timing with its spread, in seconds per kernel call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub median: f64,
    pub mean: f64,
    pub std_dev: f64,
    /// Median absolute deviation: the spread shown beside the median.
    pub median_abs_dev: f64,
    pub min: f64,
    pub max: f64,
    /// Number of samples (criterion's `sample.json`).
    pub samples: usize,
    /// Total kernel calls over all samples.
    pub iterations: u64,
    pub confidence_level: f64,
    /// Criterion's bootstrap confidence intervals, `[lower, upper]`.
    pub median_ci: [f64; 2],
    pub mean_ci: [f64; 2],
    /// Criterion's HTML report for this benchmark, relative to the report folder.
    pub criterion_report: Option<String>,
}

impl Timing {
    /// The spread as a fraction of the median.
    pub fn relative_spread(&self) -> f64 {
        if self.median > 0.0 {
            self.median_abs_dev / self.median
        } else {
            0.0
        }
    }
}

/// One part of a run and its median time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Part {
    pub name: String,
    pub seconds: f64,
}

/// A staged kernel's parts and its ideal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Breakdown {
    /// Calls of each part timed; each part's figure is their median.
    pub calls: usize,
    pub parts: Vec<Part>,
    /// The variant whose rate the ideal is read at, and the path it ran.
    pub lanes_variant: String,
    pub lanes_isa: Option<mandel_variants::simd::Isa>,
    /// Its median time for the whole problem and its rate, the reference's inner iterations
    /// over that time, G per second.
    pub lanes_seconds: f64,
    pub lanes_g_per_s: f64,
    /// The cores the staged kernel runs on: its ideal is that rate on each.
    #[serde(default = "one")]
    pub cores: usize,
    /// The inner iterations the staged kernel executes, and their time at that rate.
    pub executed: u64,
    pub ideal_seconds: f64,
}

impl Breakdown {
    /// Where the ideal's rate was measured, as the sentences that read it say it: " on avx512",
    /// and ", on each of N cores" for a kernel on several.
    pub fn where_measured(&self) -> String {
        let path = self
            .lanes_isa
            .as_ref()
            .map_or(String::new(), |i| format!(" on {i}"));
        match self.cores {
            1 => path,
            n => format!("{path}, on each of {n} cores"),
        }
    }
}

fn one() -> usize {
    1
}

/// What `--quick` chose and why: recorded with the results and said in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuickPlan {
    /// The budget the measurement was sized to, in seconds.
    pub budget_secs: f64,
    /// The calibration grid's side: every run made once on it.
    pub calibration_side: usize,
    /// The chosen grid's side (width and height) and iteration limit.
    pub side: usize,
    pub maxiter: u32,
    /// The run whose calls are slowest, and its predicted call on the chosen grid, in seconds.
    pub slowest: String,
    pub slowest_call_secs: f64,
    /// The measurement's predicted seconds on the chosen grid.
    pub predicted_secs: f64,
}

impl QuickPlan {
    /// The problem the plan chose, on `region`.
    pub fn spec(&self, region: Region) -> GridSpec {
        GridSpec {
            region,
            width: self.side,
            height: self.side,
            maxiter: self.maxiter,
        }
    }

    /// One sentence for the report and the terminal.
    pub fn describe(&self) -> String {
        format!(
            "--quick chose {side} x {side} pixels at maxiter {maxiter} to fit a {budget:.0} s \
             budget here: every run made once on {cal} x {cal} predicted {predicted:.0} s on this \
             grid, the slowest call being {slowest}'s ({call:.0} ms)",
            side = self.side,
            maxiter = self.maxiter,
            budget = self.budget_secs,
            cal = self.calibration_side,
            predicted = self.predicted_secs,
            slowest = self.slowest,
            call = self.slowest_call_secs * 1e3,
        )
    }
}
