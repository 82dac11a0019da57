//! The sweep's schema: `reports/sweeps/<axis>.json`, one [`Sweep`] of [`Point`]s along one axis,
//! the same for every axis, and what can be read from it (the fastest point, the fits, the range
//! checks), and where its files are. Measuring fills it ([`crate::sweep::engine`]); saving and loading it is
//! [`crate::sweep::files`]'s.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::record::machine::Machine;
use crate::record::measured::{BenchSettings, Status, Timing};
use crate::sweep::fit::Fit;
use crate::{GridSpec, LabError};

/// Version of `reports/sweeps/<axis>.json`.
pub const SCHEMA_VERSION: u32 = 2;

/// The folder of the sweeps, inside the report folder.
pub const DIR: &str = "sweeps";

/// `dir/sweeps/<axis>.<ext>`.
pub fn file(dir: &Path, axis: &str, ext: &str) -> PathBuf {
    dir.join(DIR).join(format!("{axis}.{ext}"))
}

/// `dir/sweeps/<axis>.json`.
pub fn json_path(dir: &Path, axis: &str) -> PathBuf {
    file(dir, axis, "json")
}

/// What a figure's horizontal axis shows for a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum X {
    /// The value swept itself.
    Value,
    /// Pixels of the grid as built.
    Pixels,
    /// Inner iterations of the reference: the work a kernel with an early exit does.
    InnerIterations,
    /// Pixels times the value (maxiter): the work a kernel with no early exit does.
    PixelsTimesValue,
}

/// One variant at one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub variant: String,
    pub value: usize,
    /// Pixels of the grid as built.
    pub pixels: usize,
    /// Inner iterations of the reference on this point's problem (exact).
    pub inner_iterations: u64,
    pub validation_sum: u64,
    pub mismatched_pixels: u64,
    pub status: Status,
    /// The whole run (for a GPU variant: conversions, transfers and kernels).
    pub timing: Option<Timing>,
    /// A GPU variant's kernels alone (device events).
    pub kernel_timing: Option<Timing>,
    /// The baseline's median over this point's.
    pub speedup: Option<f64>,
    /// Speed-up over the cores used (threads axis).
    pub efficiency: Option<f64>,
}

impl Point {
    /// The median, where the point was timed.
    pub fn median(&self) -> Option<f64> {
        self.timing.as_ref().map(|t| t.median)
    }

    /// The point's horizontal position on a figure.
    pub fn x(&self, x: X) -> f64 {
        match x {
            X::Value => self.value as f64,
            X::Pixels => self.pixels as f64,
            X::InnerIterations => self.inner_iterations as f64,
            X::PixelsTimesValue => self.pixels as f64 * self.value as f64,
        }
    }
}

/// What a sweep can say of its fastest point.
#[derive(Debug, Clone, PartialEq)]
pub enum Best<'a> {
    /// The fastest point, faster than every other beyond both their spreads.
    Clear(&'a Point),
    /// The fastest point first, then every other whose spread reaches it: none is clearly best.
    Tied(Vec<&'a Point>),
}

/// `(median - spread, median + spread)` of a timed point: the interval the page shows.
fn interval(p: &Point) -> Option<(f64, f64)> {
    p.timing
        .as_ref()
        .map(|t| (t.median - t.median_abs_dev, t.median + t.median_abs_dev))
}

/// `reports/sweeps/<axis>.json`: one sweep along one axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    pub schema_version: u32,
    pub axis: String,
    /// The problem every value starts from (the axis changes one part of it).
    pub spec: GridSpec,
    pub machine: Machine,
    pub settings: BenchSettings,
    pub baseline: Option<String>,
    /// A [`Baseline::Once`](crate::sweep::Baseline::Once) baseline's timing.
    pub baseline_timing: Option<Timing>,
    /// In registry order, then by value (a per-value baseline first at each value).
    pub points: Vec<Point>,
}

impl Sweep {
    /// The variants swept, in the order of their first point.
    pub fn variants(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for p in &self.points {
            if !names.contains(&p.variant.as_str()) {
                names.push(&p.variant);
            }
        }
        names
    }

    /// The fastest timed point.
    pub fn fastest(&self) -> Option<&Point> {
        self.points
            .iter()
            .filter(|p| p.timing.is_some())
            .min_by(|a, b| a.median().unwrap().total_cmp(&b.median().unwrap()))
    }

    /// The fastest timed point, and whether it is clearly the best: its median plus its spread
    /// below every other point's median minus that one's spread. Every point shares the sweep's
    /// problem along threads and chunks, so the fastest is also the largest speed-up there.
    pub fn best(&self) -> Option<Best<'_>> {
        let fastest = self.fastest()?;
        let (_, top) = interval(fastest)?;
        let mut tied = vec![fastest];
        let mut within: Vec<&Point> = self
            .points
            .iter()
            .filter(|p| {
                !std::ptr::eq(*p, fastest) && interval(p).is_some_and(|(low, _)| low <= top)
            })
            .collect();
        within.sort_by(|a, b| {
            a.median()
                .unwrap_or(0.0)
                .total_cmp(&b.median().unwrap_or(0.0))
        });
        tied.extend(within);
        Some(match tied.len() {
            1 => Best::Clear(fastest),
            _ => Best::Tied(tied),
        })
    }

    /// Each variant's least-squares fit of log time against log `x`.
    pub fn fits(&self, x: X) -> Vec<Fit> {
        self.variants()
            .into_iter()
            .filter_map(|v| {
                let pts: Vec<(f64, f64)> = self
                    .points
                    .iter()
                    .filter(|p| p.variant == v)
                    .filter_map(|p| Some((p.x(x), p.median()?)))
                    .collect();
                Fit::log_log(v, &pts)
            })
            .collect()
    }

    /// Adds `points`, replacing any of the same variant and value, and keeps registry order, then
    /// value order: how `cargo xtask sweep threads` adds `mpi` at each rank count. The caller then
    /// sets the efficiencies through the axis ([`Sweep::set_efficiencies`]).
    pub fn merge(&mut self, points: Vec<Point>) {
        self.points.retain(|old| {
            !points
                .iter()
                .any(|new| new.variant == old.variant && new.value == old.value)
        });
        self.points.extend(points);
        self.points.sort_by_key(|p| {
            (
                mandel_variants::report_order(&p.variant),
                p.variant.clone(),
                p.value,
            )
        });
    }

    /// Refuses figures no sweep gives (see [`crate::record::check::Check`]); `path` is the file they
    /// were read from.
    pub fn validate(&self, path: &Path) -> Result<(), LabError> {
        use crate::record::check::{Check, SPREAD};
        let remedy = format!("run `cargo xtask sweep {}` again", self.axis);
        let check = Check::new(path, &remedy);
        check.spec("spec", &self.spec)?;
        check.machine("machine", &self.machine)?;
        check.settings("settings", &self.settings)?;
        if let Some(t) = &self.baseline_timing {
            check.timing("baseline_timing", t)?;
        }
        for (i, p) in self.points.iter().enumerate() {
            let field = |name: &str| format!("points[{i}] ({} {}).{name}", p.variant, p.value);
            check.count(&field("value"), p.value as u64, 0..=u64::from(u32::MAX))?;
            check.count(&field("pixels"), p.pixels as u64, 1..=1 << 48)?;
            check.count(
                &field("inner_iterations"),
                p.inner_iterations,
                0..=(p.pixels as u64).saturating_mul(u64::from(u32::MAX)),
            )?;
            if let Some(t) = &p.timing {
                check.timing(&field("timing"), t)?;
            }
            if let Some(t) = &p.kernel_timing {
                check.timing(&field("kernel_timing"), t)?;
            }
            if let Some(s) = p.speedup {
                check.ratio(&field("speedup"), s)?;
            }
            if let Some(e) = p.efficiency {
                check.number(&field("efficiency"), e, SPREAD, "")?;
            }
        }
        Ok(())
    }
}
