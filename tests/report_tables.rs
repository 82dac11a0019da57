//! The report's tables: each row links its own profile (or says there is none for its SIMD
//! path) and criterion's report, long tutorial analogues are short with the whole text in a
//! tooltip, and the History table is styled like the rest. Made from the fixtures; nothing here
//! runs a kernel.

use std::path::Path;

mod common;

use mandel_lab::record::history::Entry;
use mandel_lab::record::results::Results;
use mandel_lab::render::report as render;

/// The fixture's report rendered with a profile set and a history of two runs; the page.
fn page(dir: &Path) -> String {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let results = Results::load(&fixtures.join("results.json")).unwrap();
    let (reports, flamegraphs) = (dir.join("reports"), dir.join("flamegraphs"));
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::create_dir_all(&flamegraphs).unwrap();
    let entry = serde_json::to_string(&Entry::new(&results, None)).unwrap();
    std::fs::write(reports.join("history.jsonl"), format!("{entry}\n{entry}\n")).unwrap();
    let path = |isa: &str| serde_json::json!({"isa": isa, "instructions": ["vmulpd"], "vector_width": "x", "fma": []});
    let profile = |name: &str, paths: serde_json::Value| {
        serde_json::json!({
            "variant": name, "samples": 100, "kernel_share": 0.9, "top_functions": [],
            "flamegraph": format!("{name}.svg"), "folded": format!("{name}.folded"),
            "line_profile": null, "line_profile_page": null, "hot_loop": null,
            "hot_loop_page": format!("{name}.asm.html"), "paths": paths, "notes": []
        })
    };
    let summary = common::profile_set(
        &results,
        vec![
            profile("naive", serde_json::json!([])),
            // simd-lanes' loop was read at AVX-512 and AVX2 only.
            profile(
                "simd-lanes",
                serde_json::json!([path("avx512"), path("avx2")]),
            ),
        ],
    );
    std::fs::write(flamegraphs.join("profile.json"), summary.to_string()).unwrap();
    render::render_report(&results, &reports, &flamegraphs).unwrap();
    std::fs::read_to_string(reports.join("index.html")).unwrap()
}

/// The results table's rows of `variant`, in page order.
fn rows<'a>(page: &'a str, variant: &str) -> Vec<&'a str> {
    let marker = format!("data-variant=\"{variant}\">");
    page.match_indices(&marker)
        .map(|(at, _)| {
            let row = &page[at..];
            &row[..row.find("</tr>").unwrap()]
        })
        .collect()
}

#[test]
fn each_rows_profile_link_is_its_own_simd_paths_or_says_there_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let page = page(dir.path());
    // The fixture's simd-lanes rows: its own choice (AVX-512), then AVX2, SSE2 and portable forced.
    let lanes = rows(&page, "simd-lanes");
    assert_eq!(lanes.len(), 4, "{lanes:#?}");
    assert!(
        lanes[0].contains("../flamegraphs/simd-lanes.svg"),
        "{}",
        lanes[0]
    );
    assert!(!lanes[0].contains("no profile"), "{}", lanes[0]);
    for (row, isa) in lanes[1..].iter().zip(["avx2", "sse2", "portable"]) {
        assert!(
            !row.contains("simd-lanes.svg"),
            "a forced path links another's flamegraph: {row}"
        );
        assert!(
            row.contains(&format!("no profile of the {isa} path")),
            "{row}"
        );
    }
    assert!(
        lanes[1].contains("../flamegraphs/simd-lanes.asm.html#path-avx2"),
        "the AVX2 loop, read from the binary, is linked: {}",
        lanes[1]
    );
    assert!(
        !lanes[2].contains("asm.html"),
        "no SSE2 loop was read: {}",
        lanes[2]
    );
}

#[test]
fn criterions_own_report_is_linked_from_each_row_that_has_one() {
    let dir = tempfile::tempdir().unwrap();
    let page = page(dir.path());
    let naive = rows(&page, "naive")[0];
    assert!(
        naive.contains("href=\"criterion/500x500x1000/naive/report/index.html\">criterion</a>"),
        "{naive}"
    );
    assert!(
        !rows(&page, "simd-rayon")[0].contains(">criterion</a>"),
        "none was recorded"
    );
}

#[test]
fn long_analogues_are_short_in_the_table_with_the_whole_text_in_a_tooltip() {
    let dir = tempfile::tempdir().unwrap();
    let page = page(dir.path());
    let expanded = rows(&page, "expanded")[0];
    assert!(
        expanded.contains(
            "<td title=\"calculate_z.pyx (expanded math) / shedskin2.py\">calculate_z.pyx…</td>"
        ),
        "{expanded}"
    );
    assert!(
        rows(&page, "naive")[0].contains("<td>pure_python.py</td>"),
        "short ones stay whole"
    );
}

#[test]
fn the_history_table_is_styled_like_the_rest_and_every_table_can_scroll_within_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let page = page(dir.path());
    let history = &page[page.find("<section id=\"history\">").unwrap()..];
    assert!(
        history.contains("<div class=\"wide\"><table class=\"results\">\n<thead>"),
        "{history}"
    );
    let results_tables = page.matches("<table class=\"results\">").count();
    assert!(
        page.matches("<div class=\"wide\"><table class=\"results\">")
            .count()
            >= 5,
        "the families' and History's tables sit in a scroll box ({results_tables} tables)"
    );
}
