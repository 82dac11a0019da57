//! "The work you do not do" (`work.html`): for each variant measured that skips work (the
//! shortcuts), the inner iterations it executed against the reference's and the pixels by what
//! decided them, a sentence on what each step removes, the fastest one's speed-up over `expanded`
//! and `simd-lanes` from the same run, and the picture of who decides each pixel (`work.png`,
//! made by the measurement stage). Rendered from `results.json` alone; omitted where no variant
//! recorded its work.
//!
//! A section of its own, right after the families' sections, rather than a part of the shortcuts
//! family's: it reads rows of three families (the shortcuts against `expanded` and `simd-lanes`),
//! and it has its own picture; the family's table just above it already carries the two rates.

use askama::Template;
use mandel_variants::{Rung, scalar, shortcuts, simd};

use super::{Context, Section, template_err};
use crate::record::measured::Status;
use crate::record::results::{Results, VariantResult, WorkInfo};
use crate::record::units::format_seconds;
use crate::render::export::{self, Row};
use crate::render::image::{WORK_BULB, WORK_CYCLE, WORK_HEAT, WORK_MAXITER};
use crate::render::markup::filters;

/// "The work you do not do".
pub struct Work;

impl Section for Work {
    fn name(&self) -> &'static str {
        "work"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        section(page.results)
    }
}

/// `work.html`.
#[derive(Template)]
#[template(path = "report/work.html")]
struct WorkSection {
    /// What each step removes, the variants named from the registry.
    steps: String,
    /// The reference's inner iterations, formatted.
    reference: String,
    rows: Vec<WorkRow>,
    /// The fastest shortcut against `expanded` and `simd-lanes`, or why there is no comparison.
    best: Option<String>,
    /// Where the time of each staged kernel goes, from its own measurement.
    breakdowns: Vec<BreakdownRows>,
    picture: Option<Picture>,
}

/// One staged kernel's parts, then its ideal, then its whole median, each `(what, ms)`.
struct BreakdownRows {
    label: String,
    rows: Vec<(String, String)>,
}

/// One variant's work.
struct WorkRow {
    label: String,
    executed: String,
    /// The share of the reference's iterations executed and skipped: `10.7%`, `89.3%`.
    share: String,
    skipped: String,
    /// Pixels by what decided them, each with its share of the grid.
    bulb: String,
    cycle: String,
    escaped: String,
    at_maxiter: String,
    median: String,
    rate: String,
    equivalent: String,
    /// What this variant's shortcuts removed here, and what is left.
    removes: String,
}

/// `work.png` with its legend.
struct Picture {
    src: String,
    width: usize,
    /// `(CSS colour, what it means)`.
    legend: Vec<(String, String)>,
    /// The heat map's gradient, for its swatch.
    heat: String,
    /// The variant whose decisions the picture shows.
    shortcut: &'static str,
    maxiter: u32,
}

/// The section, or `None` where no variant recorded its work.
pub fn section(results: &Results) -> Result<Option<String>, String> {
    let ctx = export::Context::of(results);
    let measured: Vec<(&VariantResult, WorkInfo, Row)> = results
        .variants
        .iter()
        .filter(|v| v.status != Status::Fail)
        .filter_map(|v| Some((v, v.work?, Row::new(v, ctx))))
        .collect();
    if measured.is_empty() {
        return Ok(None);
    }
    let p = &results.problem;
    let rows = measured
        .iter()
        .map(|(v, w, row)| work_row(v, w, row, p.inner_iterations, p.pixels as u64, p.maxiter))
        .collect();
    WorkSection {
        steps: steps(),
        reference: millions(p.inner_iterations),
        rows,
        best: best(results, &measured),
        breakdowns: measured
            .iter()
            .filter_map(|(v, _, row)| breakdown_rows(v, row))
            .collect(),
        picture: results.work_image.as_ref().map(|src| Picture {
            src: src.clone(),
            width: p.columns.min(500),
            legend: vec![
                (
                    css(WORK_BULB),
                    "decided by the cardioid and bulb test".into(),
                ),
                (css(WORK_CYCLE), "decided by a repeated orbit value".into()),
                (
                    css(WORK_MAXITER),
                    "run to maxiter: neither proof applies, the time still goes here".into(),
                ),
            ],
            heat: format!(
                "linear-gradient(to right, {})",
                WORK_HEAT.map(css).join(", ")
            ),
            shortcut: shortcuts::shortcut::VARIANT.name,
            maxiter: p.maxiter,
        }),
    }
    .render()
    .map(Some)
    .map_err(template_err)
}

/// The rows of `v`'s breakdown, if it has one: each part alone, its ideal (its executed
/// iterations at the rate of `simd-lanes` on the same path, measured beside it) and its median.
fn breakdown_rows(v: &VariantResult, row: &Row) -> Option<BreakdownRows> {
    let b = v.breakdown.as_ref()?;
    let ms = |s: f64| format!("{:.3} ms", s * 1e3);
    let mut rows: Vec<(String, String)> = b
        .parts
        .iter()
        .map(|p| (p.name.clone(), ms(p.seconds)))
        .collect();
    let path = b.where_measured();
    rows.push((
        format!(
            "ideal: {} executed iterations at the rate of {}{path} ({:.2} G/s)",
            millions(b.executed),
            b.lanes_variant,
            b.lanes_g_per_s
        ),
        ms(b.ideal_seconds),
    ));
    if let Some(t) = &v.timing {
        rows.push((
            format!(
                "the whole run (criterion's median): {:.2}x the ideal",
                t.median / b.ideal_seconds.max(f64::MIN_POSITIVE)
            ),
            ms(t.median),
        ));
    }
    Some(BreakdownRows {
        label: row.label(),
        rows,
    })
}

/// What each shortcut variant removes, named from the registry.
fn steps() -> String {
    format!(
        "{} removes the pixels inside the main cardioid and the period-2 bulb (0 without an \
         iteration), {} the ones whose orbit repeats a value bit for bit (0 from the first \
         repeat), {} both; {} and {} do the same work on SIMD lanes, the second on every core. \
         Every count stays the reference's: what is left out is work whose answer is already \
         known.",
        shortcuts::bulb_check::VARIANT.name,
        shortcuts::cycle_check::VARIANT.name,
        shortcuts::shortcut::VARIANT.name,
        shortcuts::simd_shortcut::VARIANT.name,
        shortcuts::simd_shortcut_rayon::VARIANT.name,
    )
}

fn work_row(
    v: &VariantResult,
    w: &WorkInfo,
    row: &Row,
    reference: u64,
    pixels: u64,
    maxiter: u32,
) -> WorkRow {
    let of_pixels = |n: u64| format!("{n} ({})", percent(n, pixels));
    let skipped = w.skipped_share(reference);
    WorkRow {
        label: row.label(),
        executed: millions(w.executed),
        share: format!("{:.1}%", 100.0 * (1.0 - skipped)),
        skipped: format!("{:.1}%", 100.0 * skipped),
        bulb: of_pixels(w.bulb),
        cycle: of_pixels(w.cycle),
        escaped: of_pixels(w.escaped),
        at_maxiter: of_pixels(w.at_maxiter),
        median: row.median.map_or("-".into(), format_seconds),
        rate: row.throughput_cell(),
        equivalent: row.equivalent_cell(),
        removes: removes(v, w, pixels, maxiter),
    }
}

/// The sentence on what one variant's shortcuts removed here, and where its time still goes.
fn removes(v: &VariantResult, w: &WorkInfo, pixels: u64, maxiter: u32) -> String {
    let mut parts = Vec::new();
    if w.bulb > 0 {
        parts.push(format!(
            "the bulb test decides {} of the pixels without an iteration",
            percent(w.bulb, pixels)
        ));
    }
    if w.cycle > 0 {
        parts.push(format!(
            "a repeated orbit value ends {} early",
            percent(w.cycle, pixels)
        ));
    }
    let mut s = match parts.is_empty() {
        true => "No pixel was decided early on this problem".to_string(),
        false => capitalise(&parts.join("; ")),
    };
    if let Some(isa) = &v.isa {
        s.push_str(&format!(", the rest run on {isa} lanes"));
    }
    // Each pixel run to maxiter executes exactly maxiter iterations.
    let at_maxiter = w.at_maxiter.saturating_mul(u64::from(maxiter));
    if w.at_maxiter > 0 {
        s.push_str(&format!(
            ". The {} pixels that still run to maxiter take {} of the {} iterations left",
            w.at_maxiter,
            percent(at_maxiter.min(w.executed), w.executed),
            millions(w.executed)
        ));
    }
    s.push('.');
    s
}

/// The fastest shortcut's speed-up over the lane ladder's scalar and lanes rungs (`expanded`, and
/// `simd-lanes` on its widest path, the run without `--isa`) from the same run, where either was
/// measured.
fn best(results: &Results, measured: &[(&VariantResult, WorkInfo, Row)]) -> Option<String> {
    let (_, _, fastest) = measured
        .iter()
        .filter(|(_, _, r)| r.median.is_some())
        .min_by(|a, b| a.2.median.unwrap().total_cmp(&b.2.median.unwrap()))?;
    let seconds = fastest.median?;
    let ctx = export::Context::of(results);
    let timed = |v: &&VariantResult| v.status != Status::Fail && v.seconds().is_some();
    let expanded = results
        .variants
        .iter()
        .filter(|v| v.info.variant().and_then(|r| r.rung) == Some(Rung::Scalar))
        .find(timed);
    let lanes = results
        .variants
        .iter()
        .filter(|v| v.info.variant().and_then(|r| r.rung) == Some(Rung::Lanes))
        .filter(|v| v.tuning.isa.is_none())
        .find(timed);
    let against: Vec<String> = [expanded, lanes]
        .into_iter()
        .flatten()
        .map(|v| {
            let row = Row::new(v, ctx);
            let theirs = row.median.unwrap_or(seconds);
            format!(
                "{:.1}× {} at {}{}",
                theirs / seconds,
                row.label(),
                format_seconds(theirs),
                on_cores(&row)
            )
        })
        .collect();
    let head = format!(
        "The fastest shortcut, {} at {}{},",
        fastest.label(),
        format_seconds(seconds),
        on_cores(fastest)
    );
    Some(match against.is_empty() {
        true => format!(
            "{head} has nothing to be compared with here: measure {} and {} in the same run for \
             its speed-up over them.",
            scalar::expanded_math::VARIANT.name,
            simd::simd_lanes::VARIANT.name
        ),
        false => format!(
            "{head} is {} from this run (ratios of medians).",
            against.join(" and ")
        ),
    })
}

/// ` on 2 cores` for a row that used more than one core.
fn on_cores(row: &Row) -> String {
    match row.cores {
        Some(c) if c > 1 => format!(" on {c} cores"),
        _ => String::new(),
    }
}

/// `6.98 M`: inner iterations in millions.
fn millions(n: u64) -> String {
    format!("{:.2} M", n as f64 / 1e6)
}

/// `17.6%` of `whole`, or `-` of nothing.
fn percent(part: u64, whole: u64) -> String {
    match whole {
        0 => "-".into(),
        w => format!("{:.1}%", 100.0 * part as f64 / w as f64),
    }
}

fn css([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}
