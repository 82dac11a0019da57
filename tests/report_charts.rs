//! Every chart of a full report reads cleanly: no two texts overlap (tick labels above all), and
//! no legend names something that is not drawn. The report is made from the fixtures, as the
//! render tests make theirs: results, peers, flags, every sweep, a history of several runs and a
//! profile set. Nothing here runs a kernel.

mod common;
mod svg_check;

use std::path::Path;

use mandel_lab::record::history::Entry;
use mandel_lab::record::results::Results;
use mandel_lab::render::report as render;

/// A report folder with every input a full report reads, rendered; returns the page.
fn full_report(dir: &Path) -> String {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let reports = dir.join("reports");
    std::fs::create_dir_all(reports.join("sweeps")).unwrap();
    for f in [
        "results.json",
        "peers.json",
        "flags.json",
        "sweeps/maxiter.json",
    ] {
        std::fs::copy(fixtures.join(f), reports.join(f)).unwrap();
    }
    for f in [
        "sweep-chunks.json",
        "sweep-threads.json",
        "sweep-sizes.json",
    ] {
        std::fs::copy(fixtures.join("legacy-sweeps").join(f), reports.join(f)).unwrap();
    }
    let results = Results::load(&reports.join("results.json")).unwrap();
    // Six runs over a week, a step at the fourth: every series on the History chart.
    let mut history = String::new();
    for run in 0..6 {
        let mut entry = Entry::new(&results, None);
        entry.date = format!("2026-12-0{}T1{run}:04:00Z", run + 1);
        entry.revision = format!("rev{run}");
        for (i, p) in entry.variants.iter_mut().enumerate() {
            let wobble = 1.0 + 0.03 * ((run * 7 + i * 3) % 5) as f64;
            p.median *= if run >= 3 { 0.8 * wobble } else { wobble };
        }
        history.push_str(&serde_json::to_string(&entry).unwrap());
        history.push('\n');
    }
    std::fs::write(reports.join("history.jsonl"), history).unwrap();
    let flamegraphs = dir.join("flamegraphs");
    std::fs::create_dir_all(&flamegraphs).unwrap();
    std::fs::write(
        flamegraphs.join("profile.json"),
        common::profile_json(&results),
    )
    .unwrap();
    render::render_report(&results, &reports, &flamegraphs).unwrap();
    std::fs::read_to_string(reports.join("index.html")).unwrap()
}

/// The first text of an SVG: its caption, to name it in a failure.
fn caption(svg: &str) -> String {
    svg_check::parse(svg)
        .0
        .first()
        .map_or("(no text)".into(), |t| t.content.clone())
}

#[test]
fn every_chart_of_a_full_report_has_no_overlapping_text_and_no_empty_legend_entry() {
    let dir = tempfile::tempdir().unwrap();
    let page = full_report(dir.path());
    let svgs = svg_check::inline_svgs(&page);
    // Then and now for every family with results (5), the chunk sweep, scaling, sizes (2),
    // cost growth (2), the limit, the heat map and the history.
    assert!(svgs.len() >= 12, "{} charts on the page", svgs.len());
    let mut problems = Vec::new();
    for svg in &svgs {
        for (a, b) in svg_check::overlapping_texts(svg) {
            problems.push(format!("{}: '{a}' overlaps '{b}'", caption(svg)));
        }
        for entry in svg_check::empty_legend_entries(svg) {
            problems.push(format!(
                "{}: legend entry '{entry}' has nothing drawn",
                caption(svg)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_history_chart_is_labelled_with_its_runs_and_keeps_its_legend_off_the_lines() {
    let dir = tempfile::tempdir().unwrap();
    let page = full_report(dir.path());
    let history = &page[page.find("<section id=\"history\">").unwrap()..];
    let svg = svg_check::inline_svgs(history)[0];
    let (texts, shapes) = svg_check::parse(svg);
    let labels: Vec<&str> = texts.iter().map(|t| t.content.as_str()).collect();
    assert!(
        labels.contains(&"12-01 10:04"),
        "the first run's date: {labels:?}"
    );
    assert!(!labels.contains(&"-0"), "no fractional runs: {labels:?}");
    // The legend's box stands right of every line.
    let legend = shapes
        .iter()
        .find(|s| s.tag == "rect" && s.fill == "NONE" && s.stroke == "#000000")
        .expect("a legend box");
    let swatch = |r: svg_check::Rect| r.0 >= legend.extent.0 && r.2 <= legend.extent.2;
    let lines: Vec<_> = shapes
        .iter()
        .filter(|s| s.tag == "polyline" && s.stroke != "#000000" && !swatch(s.extent))
        .collect();
    assert!(!lines.is_empty(), "the series are drawn");
    for line in lines {
        assert!(
            line.extent.2 < legend.extent.0,
            "a line under the legend: {line:?} {legend:?}"
        );
    }
}

#[test]
fn the_checker_catches_a_planted_overlap_and_a_planted_empty_legend_entry() {
    let text = |x: u32, y: u32, s: &str| {
        format!(
            "<text x=\"{x}\" y=\"{y}\" dy=\"0.76em\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"12\" opacity=\"1\" fill=\"#000000\">\n{s}\n</text>\n"
        )
    };
    let clean = format!(
        "<svg width=\"400\" height=\"200\">\n{}{}<rect x=\"300\" y=\"10\" width=\"90\" height=\"30\" opacity=\"1\" fill=\"none\" stroke=\"#000000\"/>\n<rect x=\"305\" y=\"15\" width=\"10\" height=\"10\" opacity=\"1\" fill=\"#1F77B4\" stroke=\"none\"/>\n{}<rect x=\"20\" y=\"100\" width=\"50\" height=\"20\" opacity=\"1\" fill=\"#1F77B4\" stroke=\"none\"/>\n</svg>",
        text(100, 150, "5 ms"),
        text(160, 150, "10 ms"),
        "<text x=\"320\" y=\"15\" dy=\"0.76em\" text-anchor=\"start\" font-family=\"sans-serif\" font-size=\"10\" opacity=\"1\" fill=\"#000000\">\nRust\n</text>\n"
    );
    assert!(svg_check::overlapping_texts(&clean).is_empty(), "{clean}");
    assert!(
        svg_check::empty_legend_entries(&clean).is_empty(),
        "{clean}"
    );

    // Two tick labels 20 pixels apart, each about 30 wide: the shortcuts' 5–10 ms.
    let crowded = clean.replace(&text(160, 150, "10 ms"), &text(120, 150, "10 ms"));
    assert_eq!(
        svg_check::overlapping_texts(&crowded),
        [("5 ms".to_string(), "10 ms".to_string())]
    );
    // A legend entry whose colour no bar is drawn in: "tutorial, 2011" without its bars.
    let empty = clean.replace(
        "<rect x=\"20\" y=\"100\" width=\"50\" height=\"20\" opacity=\"1\" fill=\"#1F77B4\"",
        "<rect x=\"20\" y=\"100\" width=\"50\" height=\"20\" opacity=\"1\" fill=\"#BEBEBE\"",
    );
    assert_eq!(svg_check::empty_legend_entries(&empty), ["Rust"]);
}
