//! Range checks for every file the lab reads back ([`Check`]): the results
//! ([`Results::validate`]), and the sweeps, profiles, peers and compiler builds, each refusing a figure no measurement gives in one line
//! that names the file and the field.

use std::ops::RangeInclusive;
use std::path::Path;

use crate::record::machine::Machine;
use crate::record::measured::{BenchSettings, Timing};
use crate::record::results::{ProblemInfo, Results, WorkInfo};
use crate::{LabError, Region};

/// The results' own checks: every figure the render stage draws.
impl Results {
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
            if let Some(a) = &v.account {
                check.number(&field("account.seconds"), a.seconds, SPREAD, " s")?;
                if let Some(s) = a.others_cpu_share {
                    check.number(&field("account.others_cpu_share"), s, 0.0..=1.0, "")?;
                }
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
                    1..=crate::record::ranks::MAX_HOST as u64,
                )?;
            }
        }
        if let Some(s) = self.conditions.as_ref().and_then(|c| c.others_cpu_share) {
            check.number("conditions.others_cpu_share", s, 0.0..=1.0, "")?;
        }
        for (i, snap) in self
            .conditions
            .iter()
            .flat_map(|c| [&c.start, &c.end])
            .enumerate()
        {
            for (j, l) in snap.load_average.iter().flatten().enumerate() {
                check.number(
                    &format!("conditions load_average[{i}][{j}]"),
                    *l,
                    0.0..=1e6,
                    "",
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
            if let Some(s) = w.spread {
                self.number(&f("spread"), s, 0.0..=1.0, "")?;
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
