//! The tabular formats: one row model ([`Row`], [`Group`]) rendered by one small module per
//! format (terminal, Markdown, CSV, JSON). The HTML page is [`crate::render::report`]'s.
//!
//! Every renderer reads [`Results`] only: nothing here runs a kernel.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod terminal;

use mandel_variants::Family;
use serde::Serialize;

use crate::measure::limit;

use crate::record::machine::Limit;
use crate::record::measured::Status;
use crate::record::results::{Results, VariantResult};
use crate::record::units::format_seconds;
use crate::tutorial;

/// A result whose spread (median absolute deviation) exceeds this share of its median is flagged.
pub const NOISE_THRESHOLD: f64 = 0.05;

/// One table row: a variant's result as every format shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub variant: String,
    /// The tuning it ran with, as flags (`--chunk 180`), when any was set.
    pub tuning: Option<String>,
    pub analogue: String,
    /// Median seconds (criterion's, else the single run's).
    pub median: Option<f64>,
    /// Median absolute deviation, seconds.
    pub spread: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub samples: Option<usize>,
    pub speedup_vs_naive: Option<f64>,
    pub validation_sum: Option<u64>,
    /// `OK`, `APPROX`, `FAIL` or `SKIP`.
    pub status: String,
    /// Why: differing pixels, the error, or what is missing here.
    pub status_detail: Option<String>,
    /// `exact`, or `inexact: <reason>`.
    pub exactness: String,
    /// Spread above [`NOISE_THRESHOLD`] of the median.
    pub noisy: bool,
    /// The tutorial's 2011 time for the same technique, when the problem is the tutorial's.
    pub tutorial_seconds: Option<f64>,
    /// The same technique in Python on this machine today (`reports/peers.json`, same problem).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python_today: Option<f64>,
    /// The peer program that gave [`Row::python_today`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python_peer: Option<String>,
    /// The SIMD path that ran, for variants that dispatch.
    pub isa: Option<mandel_variants::simd::Isa>,
    /// The inner iterations the variant executed over the median, G per second: the problem's
    /// (the reference's), except for a variant that skips work, whose executed ones
    /// ([`VariantResult::work`]) are what the limit is read against.
    pub throughput: Option<f64>,
    /// Cores the run used (`None` on a GPU).
    pub cores: Option<usize>,
    /// `throughput / (per-core limit x cores)`, where the machine's limit was measured.
    pub limit_share: Option<f64>,
    /// The problem's inner iterations (the reference's) over the median, G per second: the rate
    /// a kernel that skipped nothing would need to be as fast. [`Row::throughput`] for every
    /// variant but those that skip work.
    pub equivalent_throughput: Option<f64>,
    /// The SIMD path was forced with `--isa` (a rung of the lane ladder), not the variant's own
    /// choice: its profile, made on the variant's own choice, is not this row's.
    #[serde(skip)]
    pub isa_forced: bool,
    /// Criterion's own report of this measurement, relative to the report folder, where
    /// criterion wrote one (a page link: the table formats leave it out).
    #[serde(skip)]
    pub criterion_report: Option<String>,
    /// Its samples were disturbed (other processes, context switches or migrations:
    /// [`crate::record::account::Account::disturbed`]); absent where they were not, or not counted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disturbed: bool,
}

/// What a row is read against: the problem's work and the machine's limit.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Whether the tutorial's 2011 figures are for the same problem and may stand beside it.
    pub tutorial_problem: bool,
    pub inner_iterations: u64,
    pub limit: Option<&'a Limit>,
    pub logical_cores: usize,
}

impl<'a> Context<'a> {
    /// The context of `results`.
    pub fn of(results: &'a Results) -> Context<'a> {
        Context {
            tutorial_problem: is_tutorial_problem(results),
            inner_iterations: results.problem.inner_iterations,
            limit: results.machine.limit.as_ref(),
            logical_cores: results.machine.logical_cores,
        }
    }
}

/// One of the tutorial's tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub family: Family,
    pub title: &'static str,
    pub rows: Vec<Row>,
}

impl Row {
    /// The row for one variant's result, read against `ctx`.
    pub fn new(v: &VariantResult, ctx: Context<'_>) -> Row {
        let timing = v.timing.as_ref();
        let status_detail = match (&v.info.unavailable_reason, &v.error, &v.validation) {
            (Some(why), _, _) => Some(why.clone()),
            (_, Some(err), _) => Some(err.clone()),
            (_, _, Some(val)) if val.mismatched_pixels > 0 => {
                Some(format!("{} pixels differ", val.mismatched_pixels))
            }
            _ => None,
        };
        let t = &v.tuning;
        let mut flags: Vec<String> = [
            ("--chunk", t.chunk),
            ("--chunks", t.chunks),
            ("--threads", t.threads),
        ]
        .iter()
        .filter_map(|(flag, n)| n.map(|n| format!("{flag} {n}")))
        .collect();
        flags.extend(t.isa.iter().map(|isa| format!("--isa {isa}")));
        let seconds = v.seconds().filter(|_| v.status != Status::Fail);
        let throughput =
            seconds.and_then(|s| limit::throughput(v.executed(ctx.inner_iterations), s));
        let equivalent_throughput =
            seconds.and_then(|s| limit::throughput(ctx.inner_iterations, s));
        let cores = limit::cores_used(&v.info.name, t.threads, ctx.logical_cores);
        let limit_share = match (throughput, cores, ctx.limit) {
            (Some(t), Some(c), Some(l)) => l.share(t, c),
            _ => None,
        };
        Row {
            variant: v.info.name.clone(),
            tuning: (!flags.is_empty()).then(|| flags.join(" ")),
            analogue: v.info.analogue.clone(),
            median: v.seconds(),
            spread: timing.map(|t| t.median_abs_dev),
            min: timing.map(|t| t.min),
            max: timing.map(|t| t.max),
            samples: timing.map(|t| t.samples),
            speedup_vs_naive: v.speedup_vs_naive,
            validation_sum: v.validation.as_ref().map(|val| val.validation_sum),
            status: v.status.label().into(),
            status_detail,
            exactness: match &v.info.inexact_reason {
                None => "exact".into(),
                Some(why) => format!("inexact: {why}"),
            },
            noisy: timing.is_some_and(|t| t.relative_spread() > NOISE_THRESHOLD),
            tutorial_seconds: tutorial::figure_for(&v.info.name)
                .filter(|_| ctx.tutorial_problem && t.isa.is_none())
                .map(|f| f.seconds),
            python_today: None,
            python_peer: None,
            isa: v.isa,
            throughput,
            cores,
            limit_share,
            equivalent_throughput,
            isa_forced: t.isa.is_some(),
            criterion_report: timing.and_then(|t| t.criterion_report.clone()),
            disturbed: v
                .account
                .is_some_and(|a| a.disturbed(cores.unwrap_or(1)).is_some()),
        }
    }

    /// The variant's name with its tuning flags and the SIMD path that ran.
    pub fn label(&self) -> String {
        let mut label = self.variant.clone();
        if let Some(t) = &self.tuning {
            label.push_str(&format!(" ({t})"));
        } else if let Some(isa) = self.isa {
            label.push_str(&format!(" ({isa})"));
        }
        label
    }

    /// The tutorial analogue as a table cell has room for: the program's name, before its
    /// parenthesis or colon (`multi.py`), and the whole text where it was cut, for a tooltip.
    pub fn analogue_short(&self) -> (String, Option<String>) {
        let full = self.analogue.as_str();
        let cut = [" (", ": ", " / "]
            .iter()
            .filter_map(|sep| full.find(sep))
            .min();
        match cut {
            Some(at) => (format!("{}…", &full[..at]), Some(full.to_string())),
            None => (full.to_string(), None),
        }
    }

    /// `3.97 G/s`, or `-`.
    pub fn throughput_cell(&self) -> String {
        rate_cell(self.throughput)
    }

    /// The reference-equivalent rate: `9.32 G/s`, or `-`.
    pub fn equivalent_cell(&self) -> String {
        rate_cell(self.equivalent_throughput)
    }

    /// `79% of 1 core`, or `-` where the limit was not measured (or on a GPU).
    pub fn limit_cell(&self) -> String {
        match (self.limit_share, self.cores) {
            (Some(s), Some(c)) => format!(
                "{}% of {c} core{}",
                if s >= 0.1 {
                    format!("{:.0}", 100.0 * s)
                } else {
                    format!("{:.1}", 100.0 * s)
                },
                if c == 1 { "" } else { "s" }
            ),
            _ => "-".into(),
        }
    }

    /// `193.4 ms ± 0.8%`, or `-` when the variant did not run.
    pub fn time_cell(&self) -> String {
        match (self.median, self.spread) {
            (Some(m), Some(s)) if m > 0.0 => {
                format!(
                    "{} ± {:.1}%{}{}",
                    format_seconds(m),
                    100.0 * s / m,
                    if self.noisy { " (noisy)" } else { "" },
                    if self.disturbed { " (disturbed)" } else { "" }
                )
            }
            (Some(m), _) => format!("{} (1 run)", format_seconds(m)),
            _ => "-".into(),
        }
    }

    /// `OK`, `FAIL (3 pixels differ)`, `SKIP (no CUDA driver)`.
    pub fn status_cell(&self) -> String {
        match &self.status_detail {
            Some(d) => format!("{} ({d})", self.status),
            None => self.status.clone(),
        }
    }

    /// `12.30x`, or `-`.
    pub fn speedup_cell(&self) -> String {
        self.speedup_vs_naive
            .map_or("-".into(), |s| format!("{s:.2}x"))
    }

    /// `49.0 s · 3.412 s`: the tutorial's 2011 time and Python's today, `-` for each missing.
    pub fn then_python_cell(&self) -> String {
        if self.tutorial_seconds.is_none() && self.python_today.is_none() {
            return "-".into();
        }
        let f = |s: Option<f64>| s.map_or("-".into(), format_seconds);
        format!("{} · {}", f(self.tutorial_seconds), f(self.python_today))
    }

    /// The validation sum, or `-`.
    pub fn sum_cell(&self) -> String {
        self.validation_sum.map_or("-".into(), |s| s.to_string())
    }
}

/// A rate in G iterations per second as the tables show it: `3.97 G/s`, `41.2 M/s`, or `-`.
fn rate_cell(rate: Option<f64>) -> String {
    rate.map_or("-".into(), |t| {
        if t >= 0.1 {
            format!("{t:.2} G/s")
        } else {
            format!("{:.1} M/s", t * 1e3)
        }
    })
}

/// The results as the tutorial's four tables, in report order; empty groups are kept so a report
/// can say that a group has no variants yet.
pub fn groups(results: &Results) -> Vec<Group> {
    let ctx = Context::of(results);
    Family::ALL
        .iter()
        .map(|family| Group {
            family: *family,
            title: family.title(),
            rows: results
                .variants
                .iter()
                .filter(|v| v.info.family == *family)
                .map(|v| Row::new(v, ctx))
                .collect(),
        })
        .collect()
}

/// [`groups`], each row with its "Python today" figure where `peers` measured the same problem.
pub fn groups_with_peers(
    results: &Results,
    peers: Option<&crate::peers::PeerResults>,
) -> Vec<Group> {
    let mut groups = groups(results);
    let Some(peers) = peers.filter(|p| p.problem.spec() == results.problem.spec()) else {
        return groups;
    };
    for row in groups.iter_mut().flat_map(|g| g.rows.iter_mut()) {
        if row.tuning.is_some() {
            continue;
        }
        if let Some(p) = peers.for_row(&row.variant) {
            row.python_today = p.median;
            row.python_peer = Some(p.name.clone());
        }
    }
    groups
}

/// Whether the results are for the tutorial's own problem (its region, 500 x 500, maxiter 1000),
/// the only one its 2011 timings can be compared with.
pub fn is_tutorial_problem(results: &Results) -> bool {
    let p = &results.problem;
    let t = crate::GridSpec::TUTORIAL;
    p.region == t.region && (p.width, p.height, p.maxiter) == (t.width, t.height, t.maxiter)
}

/// One line of advice per noisy result, each said once. A result is named as its row in the
/// tables is ([`Row::label`]): `simd-lanes` runs once per SIMD path, and the warning says which
/// path's run was noisy.
pub fn noise_warnings(results: &Results) -> Vec<String> {
    let ctx = Context::of(results);
    let mut warnings: Vec<String> = Vec::new();
    for v in &results.variants {
        let Some(t) = v
            .timing
            .as_ref()
            .filter(|t| t.relative_spread() > NOISE_THRESHOLD)
        else {
            continue;
        };
        let w = format!(
            "timing noisy for {}: spread {:.1}% of the median (over {} samples); close other \
             programs or re-run with more samples (--samples 50)",
            Row::new(v, ctx).label(),
            100.0 * t.relative_spread(),
            t.samples
        );
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    warnings
}

/// `12.30 ms ± 1.5%`: a criterion median with its spread; `-` where nothing was measured.
pub fn format_timing(t: Option<&crate::record::measured::Timing>) -> String {
    t.map_or("-".into(), |t| {
        format!(
            "{} ± {:.1}%",
            format_seconds(t.median),
            100.0 * t.relative_spread()
        )
    })
}

/// The header shared by the table formats. "G iterations/s" is what a variant executed (read
/// against the limit in "% of limit"); the reference-equivalent rate beside it is the
/// reference's iterations over the same time, higher only for a variant that skips work.
pub const HEADER: [&str; COLUMNS] = [
    "variant",
    "tutorial analogue",
    "2011 · Python today",
    "median ± spread",
    "speed-up vs naive",
    "G iterations/s",
    "% of limit",
    "reference-equivalent G iterations/s",
    "validation sum",
    "status",
    "exactness",
];

/// The number of columns of the table formats.
pub const COLUMNS: usize = 11;

/// The index of the status cell in [`HEADER`].
const STATUS: usize = 9;

/// The reasons the skipped rows give, each once with the variants it applies to, in row order:
/// said under a table instead of in every row.
pub fn skip_reasons(rows: &[Row]) -> Vec<(&str, Vec<&str>)> {
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for row in rows.iter().filter(|r| r.status == "SKIP") {
        let why = row.status_detail.as_deref().unwrap_or("not run");
        match reasons.iter_mut().find(|(w, _)| *w == why) {
            Some((_, names)) => names.push(&row.variant),
            None => reasons.push((why, vec![&row.variant])),
        }
    }
    reasons
}

/// [`cells`] for a table with [`skip_reasons`] under it: a skipped row's status is just `SKIP`.
pub fn cells_noting_skips(row: &Row) -> [String; COLUMNS] {
    let mut cells = cells(row);
    if row.status == "SKIP" {
        cells[STATUS] = "SKIP (see below)".into();
    }
    cells
}

/// A row's cells in [`HEADER`] order.
pub fn cells(row: &Row) -> [String; COLUMNS] {
    [
        row.label(),
        row.analogue.clone(),
        row.then_python_cell(),
        row.time_cell(),
        row.speedup_cell(),
        row.throughput_cell(),
        row.limit_cell(),
        row.equivalent_cell(),
        row.sum_cell(),
        row.status_cell(),
        row.exactness.clone(),
    ]
}

/// Whether the run had any FAIL.
pub fn any_failed(results: &Results) -> bool {
    results.variants.iter().any(|v| v.status == Status::Fail)
}

#[cfg(test)]
mod tests {
    use super::noise_warnings;
    use crate::record::results::Results;

    #[test]
    fn noise_warnings_name_the_simd_path_and_are_each_said_once() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json");
        let mut results = Results::load(&path).unwrap();
        let lanes: Vec<usize> = (0..results.variants.len())
            .filter(|&i| results.variants[i].info.name == "simd-lanes")
            .collect();
        assert!(lanes.len() >= 3, "the fixture has the lane ladder");
        // Every simd-lanes run equally noisy, and one of them recorded twice (a merge of the same
        // run): the warnings differ only by the path, and the repeated one is said once.
        for &i in &lanes {
            let t = results.variants[i].timing.as_mut().unwrap();
            t.median_abs_dev = 0.1 * t.median;
            t.samples = 20;
        }
        let again = results.variants[lanes[1]].clone();
        results.variants.push(again);
        let warnings: Vec<String> = noise_warnings(&results)
            .into_iter()
            .filter(|w| w.contains("simd-lanes"))
            .collect();
        assert_eq!(warnings.len(), lanes.len(), "{warnings:#?}");
        for w in &warnings {
            assert!(w.contains("timing noisy for simd-lanes ("), "{w}");
        }
        assert!(
            warnings.iter().any(|w| w.contains("simd-lanes (avx512)")),
            "{warnings:#?}"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("simd-lanes (--isa sse2)")),
            "{warnings:#?}"
        );
    }
}
