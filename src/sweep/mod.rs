//! One sweep engine over any axis, as criterion makes every benchmark one `BenchmarkGroup` over
//! inputs. An [`Axis`] (one file under `axes/`, one line in [`AXES`]) says what its values are and
//! how one value becomes a run's problem and tuning; the engine ([`engine::run`]) validates and
//! measures every chosen variant at every value with [`crate::measure::validate_and_measure`],
//! and the result is one [`Sweep`], saved as `reports/sweeps/<axis>.json` (with a CSV beside it).
//! One chart function ([`crate::report::charts::sweep_figure`]) and one report section renderer draw
//! every axis.

pub mod axes;
pub mod engine;
pub mod fit;
pub mod legacy;
pub mod table;

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use mandel_variants::{Tuning, Variant};
use serde::{Deserialize, Serialize};

use crate::bench::{BenchSettings, Timing};
use crate::machine::Machine;
use crate::validate::Status;
use crate::{GridSpec, LabError, fsutil};

pub use axes::AXES;
pub use engine::run;
pub use fit::Fit;

/// Version of `reports/sweeps/<axis>.json`.
pub const SCHEMA_VERSION: u32 = 2;
/// The folder of the sweeps, inside the report folder.
pub const DIR: &str = "sweeps";

/// What the speed-ups of a sweep are measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// Nothing: the figure compares the values with each other.
    None,
    /// This variant, once, on the sweep's problem with default tuning (threads: `expanded`).
    Once(&'static str),
    /// This variant at every value, before the others (sizes: `rayon-rows` at each size).
    EachValue(&'static str),
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

/// What a figure's vertical axis shows for a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Y {
    /// Seconds per run (the median).
    Seconds,
    /// Time over each variant's own best time.
    RelativeToBest,
    /// The baseline's median over this point's.
    Speedup,
    /// Nanoseconds per inner iteration of the reference: flat for a kernel whose cost follows
    /// its work.
    NanosPerInnerIteration,
}

/// One of an axis's figures: labels and scales. The engine draws it from the points.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub x: X,
    pub y: Y,
    pub x_desc: &'static str,
    pub y_desc: &'static str,
    pub log_x: bool,
    pub log_y: bool,
    /// Draw each variant's least-squares line of log time against log x (and name its slope).
    pub fit: bool,
    /// Leave the baseline out of the lines (it is 1x by definition).
    pub skip_baseline: bool,
    /// Extra reference lines: `(label, points)`, drawn grey (the tutorial's curve, the ideal).
    pub guides: Vec<(String, Vec<(f64, f64)>)>,
    /// Vertical markers at x: `(x, label)` (the caches' sizes).
    pub markers: Vec<(f64, String)>,
    /// Where the legend goes, clear of the lines.
    pub legend: Corner,
}

/// A corner of a figure's plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    UpperLeft,
    UpperRight,
    MiddleRight,
    LowerRight,
}

/// An axis's extra table column: its header, and its cell for a point.
pub type Detail = (&'static str, fn(&Sweep, &Point) -> String);

/// A sweep's axis: the only thing a new sweep writes. See `axes/maxiter.rs` for a short one.
pub trait Axis: Sync {
    /// The name users type: `mandel-lab sweep <name>`, `reports/sweeps/<name>.json`.
    fn name(&self) -> &'static str;
    /// One line for `--help` and the list of axes.
    fn about(&self) -> &'static str;
    /// One value in words, for messages and table headers ("chunk size").
    fn noun(&self) -> &'static str;
    /// The values accepted for the problem `spec`.
    fn range(&self, spec: &GridSpec) -> RangeInclusive<usize>;
    /// The values measured when none are given.
    fn default_values(&self, spec: &GridSpec, quick: bool) -> Vec<usize>;
    /// The iteration limit under `--quick` when the user sets no problem option (`None`: keep it).
    fn quick_maxiter(&self) -> Option<u32>;
    /// The problem options the axis sets itself, refused when given (`--maxiter` for maxiter).
    fn sets(&self) -> &'static [&'static str] {
        &[]
    }
    /// The variants measured when none are given.
    fn default_variants(&self) -> Vec<&'static Variant>;
    /// Refuses a chosen variant that cannot be swept along this axis.
    fn check_variant(&self, _variant: &Variant) -> Result<(), LabError> {
        Ok(())
    }
    /// What the speed-ups are measured against.
    fn baseline(&self) -> Baseline {
        Baseline::None
    }
    /// The values `variant` runs at, from those asked for (`mpi` under `mpirun`: its ranks).
    fn values_for(&self, _variant: &Variant, values: &[usize]) -> Vec<usize> {
        values.to_vec()
    }
    /// The problem and tuning of one run of `variant` at `value`.
    fn setup(&self, spec: &GridSpec, value: usize, variant: &Variant) -> (GridSpec, Tuning);
    /// A value with its unit, for tables and progress ("4 threads", "2 ranks", "maxiter 300").
    fn label(&self, _variant: &str, value: usize) -> String {
        format!("{} {value}", self.noun())
    }
    /// Parallel efficiency of `point` in `sweep`, where the axis has one.
    fn efficiency(&self, _sweep: &Sweep, _point: &Point) -> Option<f64> {
        None
    }
    /// An extra table column: its header, and its cell for a point (chunks: the working set).
    fn detail(&self) -> Option<Detail> {
        None
    }
    /// What the sweep's least-squares fits put time against (`(column header, x)`), if any.
    fn fit_work(&self) -> &'static [(&'static str, X)] {
        &[]
    }
    /// Where the report shows the sweep: inside a family's section, or (`None`) its own.
    fn family(&self) -> Option<&'static str>;
    /// The report section's anchor and heading.
    fn heading(&self) -> (&'static str, &'static str);
    /// The paragraph under the heading.
    fn intro(&self, sweep: &Sweep) -> String;
    /// One sentence saying what the sweep found, where there is one.
    fn reading(&self, _sweep: &Sweep) -> Option<String> {
        None
    }
    /// The figures, in order.
    fn charts(&self, sweep: &Sweep) -> Vec<Chart>;
}

/// Looks an axis up by name; an unknown name is bad input that lists the axes.
pub fn find_axis(name: &str) -> Result<&'static dyn Axis, LabError> {
    AXES.iter()
        .copied()
        .find(|a| a.name() == name)
        .ok_or_else(|| {
            LabError::bad_input(format!(
                "unknown sweep axis '{name}'; axes: {}",
                axis_names().join(", ")
            ))
        })
}

/// The registered axes' names, in report order.
pub fn axis_names() -> Vec<&'static str> {
    AXES.iter().map(|a| a.name()).collect()
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

/// `a`, `a and b`, `a, b and c`; past four items, `a, b, c, d and 3 more`.
pub fn and_list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let shown = items.len().min(4);
    let mut head = items[..shown].to_vec();
    let last = match items.len() - shown {
        0 => head.pop().unwrap_or_default(),
        more => format!("{more} more"),
    };
    match head.is_empty() {
        true => last,
        false => format!("{} and {last}", head.join(", ")),
    }
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
    /// A [`Baseline::Once`] baseline's timing.
    pub baseline_timing: Option<Timing>,
    /// In registry order, then by value (a per-value baseline first at each value).
    pub points: Vec<Point>,
}

impl Sweep {
    /// The sweep's axis (a sweep is only ever loaded for a registered axis).
    pub fn axis(&self) -> &'static dyn Axis {
        find_axis(&self.axis).expect("a loaded sweep names a registered axis")
    }

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

    /// Sets every point's efficiency from the axis ([`Axis::efficiency`]): after a measurement
    /// and a merge, and on load, so that a file written under an older rule reads right.
    pub fn set_efficiencies(&mut self) {
        let Ok(axis) = find_axis(&self.axis) else {
            return;
        };
        let efficiencies: Vec<Option<f64>> = self
            .points
            .iter()
            .map(|p| axis.efficiency(self, p))
            .collect();
        for (p, e) in self.points.iter_mut().zip(efficiencies) {
            p.efficiency = e;
        }
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
    /// value order: how `cargo xtask sweep threads` adds `mpi` at each rank count.
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
        self.set_efficiencies();
    }

    /// Refuses figures no sweep gives (see [`crate::results::Check`]); `path` is the file they
    /// were read from.
    pub fn validate(&self, path: &Path) -> Result<(), LabError> {
        use crate::results::{Check, SPREAD};
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

    /// Saves the JSON and the CSV atomically into `dir/sweeps/`.
    pub fn save(&self, dir: &Path) -> Result<(), LabError> {
        fsutil::write_json(&json_path(dir, &self.axis), self)?;
        fsutil::atomic_write(&file(dir, &self.axis, "csv"), self.csv().as_bytes())
    }

    /// One line per point, through the lab's one CSV writer ([`crate::export::csv::line`]).
    pub fn csv(&self) -> String {
        use crate::export::csv::line;
        let mut out = line(&[
            "variant",
            "value",
            "pixels",
            "inner_iterations",
            "median_s",
            "median_abs_dev_s",
            "min_s",
            "max_s",
            "samples",
            "kernel_median_s",
            "speedup",
            "efficiency",
            "validation_sum",
            "status",
        ]);
        let f = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:e}"));
        for p in &self.points {
            let t = p.timing.as_ref();
            out.push_str(&line(&[
                p.variant.clone(),
                p.value.to_string(),
                p.pixels.to_string(),
                p.inner_iterations.to_string(),
                f(t.map(|t| t.median)),
                f(t.map(|t| t.median_abs_dev)),
                f(t.map(|t| t.min)),
                f(t.map(|t| t.max)),
                t.map_or(String::new(), |t| t.samples.to_string()),
                f(p.kernel_timing.as_ref().map(|t| t.median)),
                f(p.speedup),
                f(p.efficiency),
                p.validation_sum.to_string(),
                p.status.label().to_string(),
            ]));
        }
        out
    }
}

/// `dir/sweeps/<axis>.<ext>`.
pub fn file(dir: &Path, axis: &str, ext: &str) -> PathBuf {
    dir.join(DIR).join(format!("{axis}.{ext}"))
}

/// `dir/sweeps/<axis>.json`.
pub fn json_path(dir: &Path, axis: &str) -> PathBuf {
    file(dir, axis, "json")
}

/// Reads the sweep along `axis` from the report folder `dir`, if one was run. A sweep still under
/// its old file name (`sweep-chunks.json`, ...) is converted once; one of another schema is
/// refused with the line that remakes it.
pub fn load(dir: &Path, axis: &dyn Axis) -> Result<Option<Sweep>, LabError> {
    load_as(dir, axis, Legacy::Convert)
}

/// What loading does with a sweep under its old file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    /// Convert it to `sweeps/<axis>.json` and remove the old files (see [`legacy::convert`]).
    Convert,
    /// Read and check it, writing nothing: what `report --check` does.
    ReadOnly,
}

/// [`load`], choosing what happens to a sweep under its old file name.
pub fn load_as(dir: &Path, axis: &dyn Axis, legacy: Legacy) -> Result<Option<Sweep>, LabError> {
    let path = json_path(dir, axis.name());
    if !path.exists() {
        let converted = legacy::convert(dir, axis.name(), legacy == Legacy::Convert)?;
        let mut converted = converted;
        if let Some(sweep) = &mut converted {
            sweep.validate(&path)?;
            sweep.set_efficiencies();
        }
        return Ok(converted);
    }
    let remake = format!("run `cargo xtask sweep {}` again", axis.name());
    let Some(sweep) = fsutil::read_versioned::<Sweep>(&path, SCHEMA_VERSION, &remake)? else {
        return Ok(None);
    };
    if sweep.axis != axis.name() {
        return Err(LabError::Corrupt {
            path,
            message: format!("it holds a sweep along '{}'", sweep.axis),
        });
    }
    sweep.validate(&path)?;
    let mut sweep = sweep;
    sweep.set_efficiencies();
    Ok(Some(sweep))
}

/// Every registered axis's sweep found in `dir`, in registry order.
pub fn load_all(dir: &Path, legacy: Legacy) -> Result<Vec<Sweep>, LabError> {
    let mut sweeps = Vec::new();
    for axis in AXES {
        sweeps.extend(load_as(dir, *axis, legacy)?);
    }
    Ok(sweeps)
}

/// Parses `--values 100,1000,...` for `axis`: whole numbers inside the axis's range, sorted, with
/// duplicates removed. Anything else is one line naming the axis and its range.
/// `flag` names the option the values came with (`--values`, or an old name's `--sizes`).
pub fn parse_values(
    axis: &dyn Axis,
    spec: &GridSpec,
    flag: &str,
    text: &str,
) -> Result<Vec<usize>, LabError> {
    let range = axis.range(spec);
    let refuse = |why: String| {
        LabError::bad_input(format!(
            "sweep {}: {flag} '{text}': {why}; {} takes whole numbers from {} to {} \
             (e.g. {flag} {})",
            axis.name(),
            axis.name(),
            range.start(),
            range.end(),
            example(axis, spec)
        ))
    };
    let mut values = Vec::new();
    for part in text.split(',').map(str::trim) {
        match part.parse::<usize>() {
            Ok(n) if range.contains(&n) => values.push(n),
            Ok(n) => return Err(refuse(format!("{n} is outside the range"))),
            Err(_) => return Err(refuse(format!("'{part}' is not a valid {}", axis.noun()))),
        }
    }
    values.sort_unstable();
    values.dedup();
    Ok(values)
}

/// Three of the axis's default values, as a valid example list.
fn example(axis: &dyn Axis, spec: &GridSpec) -> String {
    let d = axis.default_values(spec, true);
    let picks = [d.first(), d.get(d.len() / 2), d.last()];
    let mut picks: Vec<usize> = picks.into_iter().flatten().copied().collect();
    picks.dedup();
    picks
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
