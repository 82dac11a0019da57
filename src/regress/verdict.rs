//! The gate's verdict: each variant's count against the baseline, as a terminal table and as
//! Markdown for a pull-request comment. Pure functions of the baseline and the counts.

use std::fmt::Write as _;

use tabled::builder::Builder;

use super::baseline::{self, Baseline};
use super::count::Counted;
use crate::record::measured::Status;

/// What the gate says about one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within its threshold.
    Ok,
    /// More instructions than the baseline beyond the threshold: fails the gate.
    Regression,
    /// Fewer beyond the threshold: passes, and says how to lock it in.
    Improvement,
    /// Wrong counts: fails the gate.
    Fail,
    /// Counted but not in the baseline.
    New,
    /// In the baseline but not counted here (skipped or not selected).
    NotCounted,
}

impl Verdict {
    /// The word in the table.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Regression => "REGRESSION",
            Verdict::Improvement => "improvement (run --bless to lock this in)",
            Verdict::Fail => "FAIL: validation",
            Verdict::New => "new (run --bless to add it)",
            Verdict::NotCounted => "not counted",
        }
    }

    /// Whether this verdict fails the gate.
    pub fn fails(self) -> bool {
        matches!(self, Verdict::Regression | Verdict::Fail)
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub variant: String,
    pub baseline: Option<u64>,
    pub now: Option<u64>,
    pub change_pct: Option<f64>,
    pub threshold_pct: f64,
    pub verdict: Verdict,
    /// How it ran (`1 thread, avx2`).
    pub how: String,
}

/// Compares `counted` with `base`, in registry order; baseline entries not counted come last.
pub fn compare(base: &Baseline, counted: &[Counted]) -> Vec<Row> {
    let mut rows: Vec<Row> = counted
        .iter()
        .map(|c| {
            let threshold_pct = base.threshold(&c.variant);
            let old = base.entry(&c.variant).map(|e| e.instructions);
            let change_pct = old
                .filter(|&o| o > 0)
                .map(|o| 100.0 * (c.instructions as f64 - o as f64) / o as f64);
            let verdict = match (c.status, change_pct) {
                (Status::Fail, _) => Verdict::Fail,
                (_, None) => Verdict::New,
                (_, Some(p)) if p > threshold_pct => Verdict::Regression,
                (_, Some(p)) if p < -threshold_pct => Verdict::Improvement,
                _ => Verdict::Ok,
            };
            let mut how = Vec::new();
            if let Some(t) = c.threads {
                how.push(format!("{t} thread{}", if t == 1 { "" } else { "s" }));
            }
            how.extend(c.isa.map(|i| i.to_string()));
            Row {
                variant: c.variant.clone(),
                baseline: old,
                now: Some(c.instructions),
                change_pct,
                threshold_pct,
                verdict,
                how: how.join(", "),
            }
        })
        .collect();
    for e in &base.variants {
        if !counted.iter().any(|c| c.variant == e.name) {
            rows.push(Row {
                variant: e.name.clone(),
                baseline: Some(e.instructions),
                now: None,
                change_pct: None,
                threshold_pct: base.threshold(&e.name),
                verdict: Verdict::NotCounted,
                how: String::new(),
            });
        }
    }
    rows
}

/// Whether any row fails the gate.
pub fn failed(rows: &[Row]) -> bool {
    rows.iter().any(|r| r.verdict.fails())
}

/// One line when the compiler or target differs from the baseline's, else `None`.
pub fn toolchain_note(base: &Baseline) -> Option<String> {
    let (rustc, target) = (baseline::RUSTC, baseline::TARGET);
    (base.rustc != rustc || base.target != target).then(|| {
        format!(
            "note: the baseline was counted with {} for {}; this build is {rustc} for {target} \
             (compared all the same)",
            base.rustc, base.target
        )
    })
}

fn cells(r: &Row) -> [String; 7] {
    let n = |v: Option<u64>| v.map_or("-".into(), group_digits);
    [
        r.variant.clone(),
        r.how.clone(),
        n(r.baseline),
        n(r.now),
        r.change_pct.map_or("-".into(), |p| format!("{p:+.2}%")),
        format!("{:.1}%", r.threshold_pct),
        r.verdict.label().into(),
    ]
}

const HEADER: [&str; 7] = [
    "variant",
    "pinned",
    "baseline",
    "now",
    "change",
    "threshold",
    "verdict",
];

/// The table for the terminal.
pub fn terminal(rows: &[Row]) -> String {
    let mut b = Builder::default();
    b.push_record(HEADER);
    for r in rows {
        b.push_record(cells(r));
    }
    format!("{}\n", crate::render::export::terminal::draw(b.build()))
}

/// The table as Markdown, with a heading line giving the outcome.
pub fn markdown(rows: &[Row], base: &Baseline) -> String {
    let mut s = String::new();
    let outcome = if failed(rows) { "**fails**" } else { "passes" };
    let _ = writeln!(
        s,
        "### Instruction-count gate: {outcome}\n\nInstructions of one kernel call under callgrind \
         on {}; baseline from {} ({}): {}\n",
        base.problem, base.revision, base.blessed_at, base.reason
    );
    let _ = writeln!(s, "| {} |", HEADER.join(" | "));
    let _ = writeln!(s, "|{}", "---|".repeat(HEADER.len()));
    for r in rows {
        let _ = writeln!(s, "| {} |", cells(r).join(" | "));
    }
    s
}

/// `1234567` as `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regress::baseline::{Baseline, Entry};

    fn base() -> Baseline {
        let entry = |name: &str, instructions, threshold_pct| Entry {
            name: name.into(),
            instructions,
            threshold_pct,
            isa: None,
            threads: None,
        };
        Baseline {
            schema_version: 1,
            reason: "test".into(),
            blessed_at: "now".into(),
            revision: "abc".into(),
            rustc: baseline::RUSTC.into(),
            target: baseline::TARGET.into(),
            metric: String::new(),
            problem: crate::regress::GATE_PROBLEM,
            default_threshold_pct: 2.0,
            variants: vec![
                entry("naive", 1000, None),
                entry("expanded", 1000, None),
                entry("locals", 1000, Some(10.0)),
                entry("ndarray", 1000, None),
                entry("c-reference", 1000, None),
            ],
            skipped: vec![],
        }
    }

    fn counted(name: &str, instructions: u64, status: Status) -> Counted {
        Counted {
            variant: name.into(),
            instructions,
            isa: None,
            threads: Some(1),
            status,
            mismatched_pixels: 0,
        }
    }

    #[test]
    fn rises_beyond_the_threshold_fail_and_everything_else_is_said() {
        let rows = compare(
            &base(),
            &[
                counted("naive", 1019, Status::Ok),
                counted("expanded", 1021, Status::Ok),
                counted("locals", 1090, Status::Ok),
                counted("ndarray", 970, Status::Ok),
                counted("c-reference", 1000, Status::Fail),
                counted("rayon-rows", 5, Status::Ok),
            ],
        );
        let verdicts: Vec<(&str, Verdict)> = rows
            .iter()
            .map(|r| (r.variant.as_str(), r.verdict))
            .collect();
        assert_eq!(
            verdicts,
            [
                ("naive", Verdict::Ok),
                ("expanded", Verdict::Regression),
                ("locals", Verdict::Ok),
                ("ndarray", Verdict::Improvement),
                ("c-reference", Verdict::Fail),
                ("rayon-rows", Verdict::New),
            ]
        );
        assert!(failed(&rows));
        let md = markdown(&rows, &base());
        assert!(
            md.contains("| expanded | 1 thread | 1,000 | 1,021 | +2.10% | 2.0% | REGRESSION |")
        );
        assert!(md.contains("run --bless to lock this in"));
        assert!(toolchain_note(&base()).is_none());
    }

    #[test]
    fn baseline_variants_not_counted_are_listed_and_pass() {
        let rows = compare(&base(), &[counted("naive", 1000, Status::Ok)]);
        assert_eq!(rows.len(), 5);
        assert!(rows[1..].iter().all(|r| r.verdict == Verdict::NotCounted));
        assert!(!failed(&rows));
    }
}
