//! The report's "History" section: each variant's median time on each SIMD path across the runs
//! in `reports/history.jsonl` (relative to its first point, so every series fits one chart), change
//! points ringed, machine changes noted, and a table of the latest instructions and time.

use askama::Template;

use super::{Context, Section};
use crate::record::history::{self, Entry};
use crate::render::markup::{filters, strip_xml_decl};

/// `history.html`: the runs of `history.jsonl`, or a note that there are none yet.
#[derive(Template)]
#[template(path = "report/history.html")]
struct HistorySection<'a> {
    runs: Option<Runs>,
    warnings: &'a [String],
    time_step: String,
    instruction_step: String,
}

/// What the section shows of the runs.
struct Runs {
    count: usize,
    problem: String,
    /// `(run index, its revision, the machine before, the machine from then on)`.
    machine_changes: Vec<(usize, String, String, String)>,
    chart: String,
    rows: Vec<HistoryRow>,
}

/// One series (a variant on one SIMD path) of the latest run.
struct HistoryRow {
    name: String,
    runs: usize,
    median: String,
    vs_first: String,
    instructions: String,
    /// `revision: step` per change point.
    changes: String,
}

/// The section, or a short note when there is no history yet.
pub fn section(entries: &[Entry], warnings: &[String]) -> Result<String, String> {
    let runs = match entries.last() {
        Some(last) => Some(Runs {
            count: entries.len(),
            problem: last.problem.clone(),
            machine_changes: history::machine_changes(entries)
                .into_iter()
                .map(|i| {
                    (
                        i,
                        entries[i].revision.clone(),
                        entries[i - 1].machine.clone(),
                        entries[i].machine.clone(),
                    )
                })
                .collect(),
            chart: strip_xml_decl(&crate::render::report::charts::history::chart(entries)?)
                .to_string(),
            rows: history::latest_series(entries)
                .into_iter()
                .map(|p| row(entries, p))
                .collect(),
        }),
        None => None,
    };
    HistorySection {
        runs,
        warnings,
        time_step: format!("{:.0}", 100.0 * history::TIME_STEP),
        instruction_step: format!("{:.0}", 100.0 * history::INSTRUCTION_STEP),
    }
    .render()
    .map_err(|e| e.to_string())
}

fn row(entries: &[Entry], p: &history::Point) -> HistoryRow {
    let s = history::series(entries, p);
    let first = s.first().map_or(p.median, |(_, f)| f.median);
    let changes: Vec<String> = history::change_points(&s)
        .into_iter()
        .map(|c| {
            let (i, b) = s[c];
            let a = s[c - 1].1;
            format!(
                "{}: {:+.1}%",
                entries[i].revision,
                100.0 * (b.median / a.median - 1.0)
            )
        })
        .collect();
    HistoryRow {
        name: p.label(),
        runs: s.len(),
        median: format!("{:.2} ms", 1e3 * p.median),
        vs_first: format!("{:+.1}%", 100.0 * (p.median / first - 1.0)),
        instructions: p
            .instructions
            .map_or("-".into(), crate::regress::verdict::group_digits),
        changes: changes.join(", "),
    }
}

/// "History" ([`section`]), where the page was given a history.
pub struct History;

impl Section for History {
    fn name(&self) -> &'static str {
        "history"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        page.extras
            .history
            .map(|h| section(h.entries, h.warnings))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use crate::record::history::{self, Entry};
    use crate::record::results::Results;

    fn fixture() -> Results {
        Results::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json"),
        )
        .unwrap()
    }

    #[test]
    fn one_run_at_every_simd_path_reads_zero_against_its_own_first_run() {
        // The fixture measured simd-lanes at AVX-512 (its own choice), AVX2, SSE2 and portable.
        let entry = Entry::new(&fixture(), None);
        let paths: Vec<_> = entry
            .variants
            .iter()
            .filter(|p| p.name == "simd-lanes") // variant-name: allowed (the fixture's ladder)
            .map(|p| p.path.map_or("none", |i| i.name()))
            .collect();
        assert_eq!(paths, ["avx512", "avx2", "sse2", "portable"]);
        let html = super::section(std::slice::from_ref(&entry), &[]).unwrap();
        assert!(html.contains("simd-lanes (sse2)"), "a row per path: {html}");
        assert_eq!(
            html.matches("+0.0%").count(),
            entry.variants.len(),
            "after one run, every row reads +0.0% against its own first run: {html}"
        );
    }

    #[test]
    fn the_report_renders_without_history_and_with_a_corrupt_line() {
        let results = fixture();
        let dir = tempfile::tempdir().unwrap();
        let none = dir.path().join("none");
        crate::render::report::render_report(&results, dir.path(), &none).unwrap();
        let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
        assert!(page.contains("<section id=\"history\">"));
        assert!(page.contains("No history yet"));

        let mut entry = Entry::new(&results, None);
        history::append(dir.path(), &entry).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(history::HISTORY_FILE))
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"not json\n"))
            .unwrap();
        entry.revision = "slower".into();
        entry.machine = "another machine".into();
        for p in &mut entry.variants {
            p.median *= 1.5;
        }
        history::append(dir.path(), &entry).unwrap();
        crate::render::report::render_report(&results, dir.path(), &none).unwrap();
        let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
        assert!(page.contains("2 runs in"), "two entries kept");
        assert!(
            page.contains("line 2: skipped"),
            "the corrupt line is warned about"
        );
        assert!(page.contains("The machine changed at run 1"));
        assert!(
            page.contains("slower: +50.0%"),
            "the step is a change point"
        );
        assert!(page.contains("<svg"));
    }
}
