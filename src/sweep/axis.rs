//! What an axis is: the [`Axis`] trait (its values, how one value becomes a run's problem and
//! tuning, its baseline, its figures), the parser of `--values` and the list its readings name
//! points with ([`and_list`]).
//! Each axis is one file under `axes/`; none holds measuring, parsing, saving or drawing code of
//! its own.

use std::ops::RangeInclusive;

use mandel_variants::{Availability, Family, SweepAxis, Tuning, VARIANTS, Variant};

use crate::sweep::schema::{Point, Sweep, X};
use crate::{GridSpec, LabError};

/// What the speed-ups of a sweep are measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// Nothing: the figure compares the values with each other.
    None,
    /// This variant, once, on the sweep's problem with default tuning (threads: `expanded`).
    Once(&'static Variant),
    /// This variant at every value, before the others (sizes: `rayon-rows` at each size).
    EachValue(&'static Variant),
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
    /// The registry's name for this axis, by which a variant's entry says it joins the sweep.
    fn registry_axis(&self) -> SweepAxis;
    /// The variants measured when none are given: every one the registry puts in this sweep
    /// that can run here.
    fn default_variants(&self) -> Vec<&'static Variant> {
        VARIANTS
            .iter()
            .copied()
            .filter(|v| v.joins(self.registry_axis()))
            .filter(|v| v.availability() == Availability::Available)
            .collect()
    }
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
    fn family(&self) -> Option<Family>;
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

/// `a`, `a and b`, `a, b and c`; past four items, `a, b, c, d and 3 more`: how an axis's
/// [`Axis::reading`] names several points.
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
