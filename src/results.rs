//! The one result schema, written as JSON by measurement and read back by every renderer.

use std::ops::RangeInclusive;
use std::path::Path;

use mandel_variants::simd::Isa;
use mandel_variants::{Availability, Exactness, Family, Tuning, Variant, Work};
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
    pub ranks: Option<Vec<crate::ranks::RankInfo>>,
    /// For a kernel made of stages (the SIMD shortcuts), each part timed on its own and the
    /// ideal ([`crate::breakdown`]); absent from older results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<crate::breakdown::Breakdown>,
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
    pub quick: Option<crate::quick::QuickPlan>,
    /// The picture of the reference's counts as a PNG, from a measurement not yet rendered: the
    /// render stage writes it beside the page and the tables it belongs with, so that a run
    /// interrupted or refused before then leaves the old picture with the old report. Never
    /// saved; `None` in results read back, whose picture is already in the report folder.
    #[serde(skip)]
    pub picture: Option<Vec<u8>>,
    /// The picture of who decides each pixel and at what cost, relative to the report folder:
    /// made where a variant that skips work was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_image: Option<String>,
    /// That picture as a PNG, from a measurement not yet rendered, written by the render stage
    /// as [`Results::picture`] is. Never saved.
    #[serde(skip)]
    pub work_picture: Option<Vec<u8>>,
}

impl Results {
    /// Writes the results atomically as pretty JSON.
    pub fn save(&self, path: &Path) -> Result<(), LabError> {
        fsutil::write_json(path, self)
    }

    /// Reads results back, refusing files of another schema version.
    pub fn load(path: &Path) -> Result<Results, LabError> {
        let remake = "re-run the measurement";
        let results =
            fsutil::read_versioned::<Results>(path, SCHEMA_VERSION, remake)?.ok_or_else(|| {
                LabError::Read {
                    path: path.to_path_buf(),
                    source: std::io::Error::from_raw_os_error(libc::ENOENT),
                }
            })?;
        results.validate(path)?;
        Ok(results)
    }

    /// Refuses figures no measurement gives (a median of 1e306 s, a problem of no pixels): the
    /// render stage draws every one of them, and a chart cannot draw what is out of all scale.
    /// `path` is the file they were read from, named in the refusal.
    pub fn validate(&self, path: &Path) -> Result<(), LabError> {
        let check = Check::new(path, "re-run the measurement");
        check.problem("problem", &self.problem)?;
        check.machine("machine", &self.machine)?;
        if let Some(s) = &self.settings {
            check.settings("settings", s)?;
        }
        for (i, v) in self.variants.iter().enumerate() {
            let field = |name: &str| format!("variants[{i}] ({}).{name}", v.info.name);
            if let Some(s) = v.first_run_seconds {
                check.seconds(&field("first_run_seconds"), s)?;
            }
            if let Some(t) = &v.timing {
                check.timing(&field("timing"), t)?;
            }
            if let Some(t) = &v.kernel_timing {
                check.timing(&field("kernel_timing"), t)?;
            }
            if let Some(s) = v.speedup_vs_naive {
                check.ratio(&field("speedup_vs_naive"), s)?;
            }
            if let Some(w) = &v.work {
                check.work(&field("work"), w, &self.problem)?;
            }
            for (j, r) in v.ranks.iter().flatten().enumerate() {
                let rank = |name: &str| field(&format!("ranks[{j}].{name}"));
                check.count(&rank("rank"), r.rank as u64, j as u64..=j as u64)?;
                check.count(&rank("units"), r.units as u64, 0..=MAX_SIDE * MAX_SIDE)?;
                check.number(&rank("busy_seconds"), r.busy_seconds, SPREAD, " s")?;
                let len = r.host.chars().count() as u64;
                check.count(
                    &rank("host (characters)"),
                    len,
                    1..=crate::ranks::MAX_HOST as u64,
                )?;
            }
        }
        if let Some(q) = &self.quick {
            check.number("quick.budget_secs", q.budget_secs, SPREAD, " s")?;
            check.number("quick.slowest_call_secs", q.slowest_call_secs, SPREAD, " s")?;
            check.number("quick.predicted_secs", q.predicted_secs, SPREAD, " s")?;
            check.count("quick.side", q.side as u64, 1..=MAX_SIDE)?;
            check.count(
                "quick.calibration_side",
                q.calibration_side as u64,
                1..=MAX_SIDE,
            )?;
            check.count(
                "quick.maxiter",
                u64::from(q.maxiter),
                1..=u64::from(u32::MAX),
            )?;
        }
        Ok(())
    }

    /// The result of the variant called `name`.
    pub fn variant(&self, name: &str) -> Option<&VariantResult> {
        self.variants.iter().find(|v| v.info.name == name)
    }
}

/// The seconds a time may be: longer than a picosecond, shorter than thirty years. Nothing the lab
/// times falls outside, and every chart can draw the whole range.
pub const SECONDS: RangeInclusive<f64> = 1e-12..=1e9;
/// A spread, a deviation or a phase of a measurement, in seconds: may be zero.
pub const SPREAD: RangeInclusive<f64> = 0.0..=1e9;
/// A ratio of two [`SECONDS`] (a speed-up).
pub const RATIO: RangeInclusive<f64> = 1e-21..=1e21;
/// A grid's width or height: far beyond what fits in memory.
pub const MAX_SIDE: u64 = 1 << 24;

/// Range checks for the figures of a file the lab reads back, each refusal one
/// [`LabError::Corrupt`] that names the file and the field. A value the lab never writes (a median
/// of 1e306 s, zero cores, a NaN spelled as a huge number) is refused where it is read, in one
/// line, instead of meeting a chart that cannot draw it.
pub struct Check<'a> {
    path: &'a Path,
    /// What remakes the file, said with the refusal.
    remedy: &'a str,
}

impl<'a> Check<'a> {
    /// Checks for the file at `path`; `remedy` says how to remake it.
    pub fn new(path: &'a Path, remedy: &'a str) -> Check<'a> {
        Check { path, remedy }
    }

    /// The refusal of `field`: `it` is what the field holds and why that cannot be.
    pub fn refuse(&self, field: &str, it: &str) -> LabError {
        LabError::Corrupt {
            path: self.path.to_path_buf(),
            message: format!("{field} is {it}; {}", self.remedy),
        }
    }

    /// A finite number within `range`; `unit` follows the figures in the message (` s`).
    pub fn number(
        &self,
        field: &str,
        v: f64,
        range: RangeInclusive<f64>,
        unit: &str,
    ) -> Result<(), LabError> {
        if v.is_finite() && range.contains(&v) {
            return Ok(());
        }
        Err(self.refuse(
            field,
            &format!(
                "{}{unit}, outside {}{unit} to {}{unit}",
                short(v),
                short(*range.start()),
                short(*range.end())
            ),
        ))
    }

    /// A time in [`SECONDS`].
    pub fn seconds(&self, field: &str, v: f64) -> Result<(), LabError> {
        self.number(field, v, SECONDS, " s")
    }

    /// A speed-up in [`RATIO`].
    pub fn ratio(&self, field: &str, v: f64) -> Result<(), LabError> {
        self.number(field, v, RATIO, "")
    }

    /// A whole number within `range`.
    pub fn count(&self, field: &str, v: u64, range: RangeInclusive<u64>) -> Result<(), LabError> {
        if range.contains(&v) {
            return Ok(());
        }
        Err(self.refuse(
            field,
            &format!("{v}, outside {} to {}", range.start(), range.end()),
        ))
    }

    /// A variant's work on `problem`: at most the reference's inner iterations executed (each
    /// pixel's at most the reference's), each count of pixels at most the grid's, and every
    /// pixel decided once.
    pub fn work(&self, field: &str, w: &WorkInfo, problem: &ProblemInfo) -> Result<(), LabError> {
        self.count(
            &format!("{field}.executed"),
            w.executed,
            0..=problem.inner_iterations,
        )?;
        let pixels = problem.pixels as u64;
        for (name, v) in [
            ("escaped", w.escaped),
            ("at_maxiter", w.at_maxiter),
            ("bulb", w.bulb),
            ("cycle", w.cycle),
        ] {
            self.count(&format!("{field}.{name}"), v, 0..=pixels)?;
        }
        let decided = w.escaped + w.at_maxiter + w.bulb + w.cycle;
        self.count(
            &format!("{field} (pixels decided)"),
            decided,
            pixels..=pixels,
        )
    }

    /// A criterion measurement: its times, spreads, samples and confidence.
    pub fn timing(&self, field: &str, t: &Timing) -> Result<(), LabError> {
        for (name, v) in [
            ("median", t.median),
            ("mean", t.mean),
            ("min", t.min),
            ("max", t.max),
        ] {
            self.seconds(&format!("{field}.{name}"), v)?;
        }
        let spreads = [
            ("std_dev", t.std_dev),
            ("median_abs_dev", t.median_abs_dev),
            ("median_ci[0]", t.median_ci[0]),
            ("median_ci[1]", t.median_ci[1]),
            ("mean_ci[0]", t.mean_ci[0]),
            ("mean_ci[1]", t.mean_ci[1]),
        ];
        for (name, v) in spreads {
            self.number(&format!("{field}.{name}"), v, SPREAD, " s")?;
        }
        self.count(
            &format!("{field}.samples"),
            t.samples as u64,
            1..=1_000_000_000,
        )?;
        self.number(
            &format!("{field}.confidence_level"),
            t.confidence_level,
            0.0..=1.0,
            "",
        )
    }

    /// Criterion's settings.
    pub fn settings(&self, field: &str, s: &BenchSettings) -> Result<(), LabError> {
        self.count(
            &format!("{field}.samples"),
            s.samples as u64,
            1..=1_000_000_000,
        )?;
        self.number(
            &format!("{field}.warm_up_secs"),
            s.warm_up_secs,
            SPREAD,
            " s",
        )?;
        self.number(
            &format!("{field}.measurement_secs"),
            s.measurement_secs,
            SPREAD,
            " s",
        )?;
        self.number(
            &format!("{field}.confidence_level"),
            s.confidence_level,
            0.0..=1.0,
            "",
        )
    }

    /// The machine: its cores, caches and the start-up probe's limit.
    pub fn machine(&self, field: &str, m: &Machine) -> Result<(), LabError> {
        self.count(
            &format!("{field}.logical_cores"),
            m.logical_cores as u64,
            1..=1 << 20,
        )?;
        for (i, c) in m.caches.iter().enumerate() {
            self.count(&format!("{field}.caches[{i}].bytes"), c.bytes, 0..=1 << 50)?;
            self.count(
                &format!("{field}.caches[{i}].shared_by"),
                c.shared_by as u64,
                0..=1 << 20,
            )?;
        }
        let Some(limit) = &m.limit else {
            return Ok(());
        };
        if let Some(clock) = limit.clock_ghz {
            self.number(
                &format!("{field}.limit.clock_ghz"),
                clock,
                1e-3..=1e3,
                " GHz",
            )?;
        }
        for (i, w) in limit.widths.iter().enumerate() {
            let f = |name: &str| format!("{field}.limit.widths[{i}].{name}");
            self.count(&f("lanes"), w.lanes as u64, 1..=1024)?;
            self.number(
                &f("g_iterations_per_s"),
                w.g_iterations_per_s,
                1e-6..=1e6,
                "",
            )?;
            if let Some(c) = w.per_cycle {
                self.number(&f("per_cycle"), c, 0.0..=1e3, "")?;
            }
        }
        Ok(())
    }

    /// A problem as asked for: a region of finite, ordered bounds, a size, an iteration limit.
    pub fn spec(&self, field: &str, s: &crate::GridSpec) -> Result<(), LabError> {
        let r = s.region;
        if let Err(e) = Region::new(r.x1, r.x2, r.y1, r.y2) {
            return Err(self.refuse(&format!("{field}.region"), &format!("no region: {e}")));
        }
        self.count(&format!("{field}.width"), s.width as u64, 1..=MAX_SIDE)?;
        self.count(&format!("{field}.height"), s.height as u64, 1..=MAX_SIDE)?;
        self.count(
            &format!("{field}.maxiter"),
            u64::from(s.maxiter),
            1..=u64::from(u32::MAX),
        )
    }

    /// A measured problem: its spec, its grid's real size, and the reference's counts, each
    /// within what the grid allows.
    pub fn problem(&self, field: &str, p: &ProblemInfo) -> Result<(), LabError> {
        self.spec(field, &p.spec())?;
        let (w, h) = (p.width as u64, p.height as u64);
        self.count(&format!("{field}.columns"), p.columns as u64, w..=w + 1)?;
        self.count(&format!("{field}.rows"), p.rows as u64, h..=h + 1)?;
        let pixels = p.columns as u64 * p.rows as u64;
        self.count(&format!("{field}.pixels"), p.pixels as u64, pixels..=pixels)?;
        self.count(
            &format!("{field}.inner_iterations"),
            p.inner_iterations,
            0..=pixels.saturating_mul(u64::from(p.maxiter)),
        )?;
        self.count(&format!("{field}.never_escape"), p.never_escape, 0..=pixels)
    }
}

/// A number as a message shows it: plainly where that is short, else in scientific notation.
fn short(v: f64) -> String {
    if v == 0.0 || (1e-3..1e6).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}
