//! The verdict: the answer to "which technique is fastest here, and why", in a few lines made
//! from the record alone: the fastest exact variant, the fastest of each family, each against
//! `naive`, the tutorial's best and the machine's limit; the steps that made the difference, each
//! with what its variant changes (the registry's summary); and whether the figures can be trusted
//! (the machine's load, the limit's spread, disturbed samples). The report page shows it first
//! (`report/sections/verdict.rs`, each line linking down to its evidence) and the terminal last
//! (`mandel-lab report`, `mandel-lab verdict`, the end of `cargo xtask report`).

use mandel_variants::Family;

use crate::record::measured::Status;
use crate::record::results::Results;
use crate::record::units::format_seconds;
use crate::render::export::{self, Context, Row};

/// One line of the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    /// The page's anchor that holds the evidence (`scalar`, `limit`), and what it is.
    pub link: Option<(String, String)>,
    /// A line that says a figure cannot be fully trusted.
    pub warning: bool,
}

impl Line {
    fn new(text: String, anchor: &str, what: &str) -> Line {
        Line {
            text,
            link: Some((anchor.into(), what.into())),
            warning: false,
        }
    }
}

/// The verdict's parts, in the order they are shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict {
    /// The fastest exact variant, against `naive`, the tutorial and the limit.
    pub headline: Vec<Line>,
    /// The fastest of each family.
    pub families: Vec<Line>,
    /// From `naive` to the fastest, each step that made it faster and what it changed.
    pub steps: Vec<Line>,
    /// How far the figures can be trusted.
    pub trust: Vec<Line>,
}

/// A result as the verdict reads it: its family, its table row, its status and whether its
/// variant is exact.
type Entry = (Family, Row, Status, bool);

/// The verdict of `results`.
pub fn verdict(results: &Results) -> Verdict {
    let ctx = Context::of(results);
    let rows: Vec<Entry> = results
        .variants
        .iter()
        .map(|v| {
            let exact = v.info.inexact_reason.is_none();
            (v.info.family, Row::new(v, ctx), v.status, exact)
        })
        .collect();
    // A run with a forced path or tuning is an experiment beside the variant's own run.
    let ran = |r: &&Entry| r.1.tuning.is_none() && r.2 != Status::Fail;
    let timed = |r: &&Entry| ran(r) && r.1.median.is_some() && r.2 != Status::Skip;
    let exact = |r: &&Entry| r.3;
    let fastest = |it: &mut dyn Iterator<Item = &Entry>| {
        it.min_by(|a, b| {
            a.1.median
                .unwrap_or(f64::MAX)
                .total_cmp(&b.1.median.unwrap_or(f64::MAX))
        })
        .cloned()
    };
    let mut out = Verdict::default();
    match fastest(&mut rows.iter().filter(timed).filter(exact)) {
        Some((family, best, ..)) => out.headline.push(headline(results, family, &best)),
        None => out.headline.push(Line {
            text: "No exact variant was timed in this run: there is no verdict to give.".into(),
            link: None,
            warning: true,
        }),
    }
    for family in Family::ALL {
        let mine = || rows.iter().filter(move |r| r.0 == family);
        let line = match fastest(&mut mine().filter(timed)) {
            Some((_, row, _, exact)) => format!(
                "{}: {}, {}{}{}",
                family.title(),
                row.label(),
                row.median.map_or("-".into(), format_seconds),
                times_naive(&row),
                if exact { "" } else { " (inexact)" }
            ),
            None => match mine().next() {
                Some((_, row, ..)) => format!(
                    "{}: not timed here: {}",
                    family.title(),
                    row.status_detail.as_deref().unwrap_or(&row.status)
                ),
                None => continue,
            },
        };
        out.families.push(Line::new(line, family.as_str(), "table"));
    }
    out.steps = steps(&rows.iter().filter(timed).filter(exact).collect::<Vec<_>>());
    out.trust = trust(results, &rows);
    out
}

/// "Fastest exact variant: ..." with its ratios.
fn headline(results: &Results, family: Family, best: &Row) -> Line {
    let median = best.median.unwrap_or(f64::NAN);
    let mut text = format!(
        "Fastest exact variant: {}, of the {} family, {}{}",
        best.label(),
        family.as_str(),
        format_seconds(median),
        times_naive(best)
    );
    if export::is_tutorial_problem(results) {
        if let Some(t) = mandel_variants::tutorial::FIGURES
            .iter()
            .min_by(|a, b| a.seconds.total_cmp(&b.seconds))
        {
            text.push_str(&format!(
                "; {} the tutorial's best ({}, {}: {} on a {})",
                ratio(t.seconds / median),
                t.program,
                t.technique,
                format_seconds(t.seconds),
                t.machine
            ));
        }
    } else {
        text.push_str("; the tutorial timed another problem, so it is not compared");
    }
    match (best.limit_share, best.cores) {
        (Some(share), Some(cores)) => text.push_str(&format!(
            "; {:.0}% of the machine's limit on {cores} core{}",
            share * 100.0,
            if cores == 1 { "" } else { "s" }
        )),
        _ => text.push_str("; the machine's limit was not measured"),
    }
    if results.under_load() {
        text.push_str(", measured under load");
    }
    text.push('.');
    Line::new(text, family.as_str(), "its table")
}

/// From `naive` (the first exact row), each family's fastest exact variant that beats the step
/// before it, with the gain and what that variant changes.
fn steps(exact: &[&Entry]) -> Vec<Line> {
    let is_baseline =
        |name: &str| mandel_variants::find(name).is_some_and(|v| v.is_speedup_baseline());
    let Some(mut at) = exact
        .iter()
        .find(|r| is_baseline(&r.1.variant))
        .map(|r| &r.1)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for family in Family::ALL {
        let best = exact.iter().filter(|r| r.0 == family).min_by(|a, b| {
            a.1.median
                .unwrap_or(f64::MAX)
                .total_cmp(&b.1.median.unwrap_or(f64::MAX))
        });
        let Some((_, row, ..)) = best.copied() else {
            continue;
        };
        let (Some(from), Some(to)) = (at.median, row.median) else {
            continue;
        };
        if to >= from {
            continue;
        }
        let changes = mandel_variants::find(&row.variant).map_or("", |v| v.summary);
        out.push(Line::new(
            format!(
                "{} → {}, {} faster: {}",
                at.label(),
                row.label(),
                ratio(from / to),
                sentence(changes)
            ),
            family.as_str(),
            "table",
        ));
        at = row;
    }
    out
}

/// How far the figures can be trusted: the machine's load, the limit's spread, disturbed samples
/// and what the kernel's counters gave.
fn trust(results: &Results, rows: &[Entry]) -> Vec<Line> {
    let mut out = Vec::new();
    let warn = |text: String, anchor: &str| Line {
        text,
        link: Some((anchor.into(), anchor.into())),
        warning: true,
    };
    match &results.conditions {
        Some(c) if c.under_load() => out.push(warn(
            format!(
                "Measured under load: other processes took {:.0}% of the machine's CPU time \
                 during the run, so every time here is slower, and every ratio less certain, \
                 than on this machine alone.",
                c.others_cpu_share.unwrap_or(0.0) * 100.0
            ),
            "conditions",
        )),
        Some(c) => out.push(Line::new(
            format!("Conditions: {}.", c.describe()),
            "conditions",
            "conditions",
        )),
        None => out.push(Line::new(
            "The machine's load was not recorded (results of an older lab).".into(),
            "overview",
            "machine",
        )),
    }
    if let Some(w) = results
        .machine
        .limit
        .as_ref()
        .and_then(|l| l.spread_warning())
    {
        out.push(warn(format!("The machine's limit: {w}."), "limit"));
    }
    let disturbed: Vec<String> = results
        .variants
        .iter()
        .filter_map(|v| {
            let row = rows.iter().find(|(_, r, ..)| r.variant == v.info.name)?;
            v.account?
                .disturbed(row.1.cores.unwrap_or(1))
                .map(|_| Row::new(v, Context::of(results)).label())
        })
        .collect();
    if !disturbed.is_empty() {
        out.push(warn(
            format!(
                "Samples disturbed (by other processes, context switches or CPU migrations): {}.",
                disturbed.join(", ")
            ),
            "conditions",
        ));
    }
    out
}

/// `, 412× naive` where the speed-up is known.
fn times_naive(row: &Row) -> String {
    row.speedup_vs_naive
        .map_or(String::new(), |s| format!(", {} naive", ratio(s)))
}

/// `3.2×` or `412×` (a ratio below 1 reads `0.41×`).
pub fn ratio(r: f64) -> String {
    if r >= 100.0 {
        format!("{r:.0}×")
    } else if r >= 10.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.2}×")
    }
}

/// A registry summary ending in a full stop; its first word is left as written (it may be a
/// variant's name, which is never capitalised).
fn sentence(text: &str) -> String {
    let mut s = text.trim().to_string();
    if !s.is_empty() && !s.ends_with('.') {
        s.push('.');
    }
    s
}

/// The verdict as terminal text: its lines, the links left out, wrapped to `width`.
pub fn to_text(v: &Verdict, width: usize) -> String {
    let wrap = |line: &Line, bullet: &str| {
        let mark = if line.warning { "! " } else { bullet };
        export::terminal::wrap(&format!("{mark}{}", line.text), width, "    ")
    };
    let mut out = String::from("Verdict\n");
    for line in &v.headline {
        out.push_str(&wrap(line, "  "));
    }
    if !v.families.is_empty() {
        out.push_str("  Fastest per family:\n");
        for line in &v.families {
            out.push_str(&wrap(line, "  - "));
        }
    }
    if !v.steps.is_empty() {
        out.push_str("  The steps that made the difference:\n");
        for line in &v.steps {
            out.push_str(&wrap(line, "  - "));
        }
    }
    for line in &v.trust {
        out.push_str(&wrap(line, "  "));
    }
    if export::terminal::plain_ascii() {
        export::terminal::to_ascii(&out)
    } else {
        out
    }
}
