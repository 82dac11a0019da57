//! The render stage from fixture JSON: golden exports, every chart, the HTML page, and the
//! re-render's error handling. Nothing here runs a kernel.

mod common;

use common::{assert_one_line_error, lab};

use std::path::{Path, PathBuf};

use mandel_lab::record::results::Results;
use mandel_lab::render::export::{self, csv, json, markdown};
use mandel_lab::render::report::{self as render, charts, page, sections};
use mandel_lab::variants::Family;

fn fixture() -> Results {
    Results::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json"))
        .expect("the fixture loads")
}

/// Compares `actual` with `tests/golden/<name>`; `UPDATE_GOLDEN=1` rewrites the file instead.
fn golden(name: &str, actual: &str) {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(
        actual, expected,
        "{name} changed; review and run with UPDATE_GOLDEN=1"
    );
}

#[test]
fn markdown_export_matches_golden() {
    golden("tables.md", &markdown::render(&export::groups(&fixture())));
}

#[test]
fn csv_export_matches_golden() {
    golden("tables.csv", &csv::render(&export::groups(&fixture())));
}

#[test]
fn json_export_matches_golden() {
    golden("tables.json", &json::render(&export::groups(&fixture())));
}

#[test]
fn groups_keep_the_tutorials_tables_in_order_with_the_simd_family() {
    let groups = export::groups(&fixture());
    let families: Vec<&str> = groups.iter().map(|g| g.family.as_str()).collect();
    assert_eq!(
        families,
        ["scalar", "vector", "parallel", "simd", "shortcuts", "gpu"]
    );
    let scalar: Vec<&str> = groups[0].rows.iter().map(|r| r.variant.as_str()).collect();
    assert_eq!(
        scalar,
        ["naive", "locals", "expanded", "ndarray", "c-reference"]
    );
    assert!(
        groups[0].rows[1].noisy,
        "locals has an 8% spread in the fixture"
    );
    assert_eq!(groups[0].rows[0].tutorial_seconds, Some(49.0));
}

#[test]
fn every_group_chart_renders_as_svg() {
    for g in export::groups(&fixture()) {
        let bars = charts::group_bars(&g);
        match charts::then_and_now(g.title, &bars).unwrap() {
            Some(svg) => {
                assert!(
                    svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
                    "{}",
                    g.title
                );
                for b in &bars {
                    assert!(
                        svg.contains(&b.label),
                        "{} missing from {}",
                        b.label,
                        g.title
                    );
                }
            }
            None => assert!(bars.is_empty(), "{}", g.title),
        }
    }
}

#[test]
fn html_page_has_every_section_row_and_warning() {
    let results = fixture();
    let page = page::render(&results, &export::groups(&results), Default::default()).unwrap();
    for needle in [
        "<!DOCTYPE html>",
        "Single-core loops",
        "Vector techniques",
        "Multi-core and multi-machine",
        "GPU",
        "mandelbrot.png",
        "AMD EPYC",
        "timing noisy for locals",
        "412 pixels differ",
        "no CUDA driver library",
        "criterion/report/index.html",
        "The tutorial's 2011 timings",
    ] {
        assert!(page.contains(needle), "missing {needle}");
    }
    assert_eq!(page.matches("<tr class=").count(), results.variants.len());
    assert!(
        !page.contains("<?xml"),
        "inline SVG must not carry an XML declaration"
    );
}

#[test]
fn render_report_writes_the_page_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    render::render_report(&fixture(), dir.path(), &dir.path().join("no-profiles")).unwrap();
    for f in ["index.html", "results.md", "results.csv"] {
        assert!(dir.path().join(f).metadata().unwrap().len() > 100, "{f}");
    }
}

#[test]
fn render_only_rebuilds_the_report_from_json_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json"),
        dir.path().join("results.json"),
    )
    .unwrap();
    let out = lab(&[
        "report",
        "--render-only",
        "--out",
        dir.path().to_str().unwrap(),
        "--format",
        "csv",
    ]);
    // The fixture holds a FAIL row, and a report with a FAIL exits 1 after rendering.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("family,variant,"));
    assert!(dir.path().join("index.html").exists());
    // Rendering must not run any kernel, so no picture or criterion data appears.
    assert!(!dir.path().join("criterion").exists());
}

#[test]
fn missing_or_corrupt_results_fail_cleanly_and_keep_the_old_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let args = ["report", "--render-only", "--out", d];
    assert_one_line_error(&lab(&args), &args, "results.json");

    std::fs::write(dir.path().join("index.html"), "previous report").unwrap();
    for corrupt in [
        "{ not json",
        "{\"schema_version\": 999}",
        "{\"schema_version\": 1}",
    ] {
        std::fs::write(dir.path().join("results.json"), corrupt).unwrap();
        assert_one_line_error(&lab(&args), &args, "results.json");
        let kept = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
        assert_eq!(
            kept, "previous report",
            "a failed render must not touch the old report"
        );
    }
}

#[test]
fn merge_replaces_measured_variants_and_recomputes_speedups() {
    let mut old = fixture();
    let mut new = fixture();
    // A second process measured `expanded` again, twice as fast, and nothing else.
    new.variants.retain(|v| v.info.name == "expanded");
    let t = new.variants[0].timing.as_mut().expect("expanded is timed");
    t.median /= 2.0;
    let before = old.variant("expanded").unwrap().speedup_vs_naive.unwrap();
    let count = old.variants.len();
    mandel_lab::measure::stage::merge(&mut old, new).unwrap();
    assert_eq!(old.variants.len(), count);
    let after = old.variant("expanded").unwrap().speedup_vs_naive.unwrap();
    assert!((after / before - 2.0).abs() < 1e-9, "{before} -> {after}");
    assert_eq!(old.variants[0].info.name, "naive", "registry order kept");

    // Results of another problem are refused as bad input.
    let mut other = fixture();
    other.problem.maxiter += 1;
    let err = mandel_lab::measure::stage::merge(&mut fixture(), other).unwrap_err();
    assert!(
        err.is_bad_input() && err.to_string().contains("--merge"),
        "{err}"
    );
}

#[test]
fn merge_without_saved_results_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let args = [
        "report",
        "--merge",
        "--variants",
        "expanded",
        "--no-criterion",
        "--out",
        out,
    ];
    assert_one_line_error(&lab(&args), &args, "results.json");
}

#[test]
fn every_row_is_read_against_the_limit_and_the_ladder_climbs_in_lane_order() {
    let results = fixture();
    let groups = export::groups(&results);
    let simd = groups.iter().find(|g| g.family == Family::Simd).unwrap();
    let lanes = &simd.rows[0];
    assert_eq!(lanes.label(), "simd-lanes (avx512)");
    // 51,414,419 inner iterations in 11.9 ms on one core of a 5.5 G/s limit.
    assert!(
        (lanes.throughput.unwrap() - 4.3205).abs() < 1e-3,
        "{lanes:?}"
    );
    assert_eq!(lanes.limit_cell(), "79% of 1 core");
    let rayon = simd
        .rows
        .iter()
        .find(|r| r.variant == "simd-rayon")
        .unwrap();
    assert_eq!(rayon.cores, Some(2));
    assert_eq!(rayon.limit_cell(), "77% of 2 cores");
    let gpu = groups
        .iter()
        .flat_map(|g| &g.rows)
        .find(|r| r.variant.starts_with("cuda"));
    assert_eq!(gpu.unwrap().limit_cell(), "-", "no CPU limit for a GPU");

    let page = page::render(&results, &groups, sections::Extras::default()).unwrap();
    for needle in [
        "Against the machine's limit",
        "3 multiplies, 5 adds or subtracts",
        "Every variant against the limit",
        "limit, one core",
        "The lane ladder",
        "two 256-bit halves",
        "The portable path",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    let ladder = &page[page.find("id=\"ladder\"").unwrap()..];
    let steps: Vec<usize> = [
        "<td>expanded</td>",
        "<td>simd-lanes (sse2)</td>",
        "<td>simd-lanes (avx2)</td>",
        "<td>simd-lanes (avx512)</td>",
        "<td>simd-rayon (avx512)</td>",
    ]
    .iter()
    .map(|s| {
        ladder
            .find(s)
            .unwrap_or_else(|| panic!("{s} in the ladder"))
    })
    .collect();
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
    // 40.0 ms -> 22.1 ms -> 11.9 ms -> 6.1 ms.
    for gain in ["1.81×", "1.86×", "1.95×"] {
        assert!(ladder.contains(gain), "{gain}");
    }
}

#[test]
fn results_without_a_limit_say_so_instead_of_guessing() {
    let mut results = fixture();
    results.machine.limit = None;
    let groups = export::groups(&results);
    assert!(
        groups
            .iter()
            .flat_map(|g| &g.rows)
            .all(|r| r.limit_share.is_none())
    );
    let page = page::render(&results, &groups, sections::Extras::default()).unwrap();
    assert!(page.contains("carry no limit measurement"));
}

/// A `profile.json` for `spec`, with one profiled variant (`naive`), written into `dir`.
fn profiles_for(dir: &Path, spec: mandel_lab::GridSpec) {
    use mandel_lab::profile::{CALLGRIND_PROBLEM, ProfileSummary, SCHEMA_VERSION, VariantProfile};
    let summary = ProfileSummary {
        schema_version: SCHEMA_VERSION,
        generated_at: "2026-11-25T00:00:00Z".into(),
        spec,
        callgrind_spec: CALLGRIND_PROBLEM,
        seconds: 1.0,
        frequency: 997,
        gpu: Vec::new(),
        variants: vec![VariantProfile {
            variant: "naive".into(),
            samples: 100,
            kernel_share: 0.9,
            top_functions: Vec::new(),
            flamegraph: "naive.svg".into(),
            folded: "naive.folded".into(),
            line_profile: None,
            line_profile_page: None,
            hot_loop: None,
            hot_loop_page: None,
            paths: Vec::new(),
            notes: Vec::new(),
            spec: None,
            callgrind_spec: None,
        }],
    };
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("profile.json"),
        serde_json::to_string(&summary).unwrap(),
    )
    .unwrap();
}

#[test]
fn profiles_of_another_problem_are_linked_and_marked_with_their_problem() {
    let results = fixture();
    let dir = tempfile::tempdir().unwrap();
    let (reports, flamegraphs) = (dir.path().join("reports"), dir.path().join("flamegraphs"));
    let page = || std::fs::read_to_string(reports.join("index.html")).unwrap();

    // Profiles of the report's own problem are linked, unmarked.
    profiles_for(&flamegraphs, results.problem.spec());
    render::render_report(&results, &reports, &flamegraphs).unwrap();
    assert!(page().contains("../flamegraphs/naive.svg"), "{}", page());
    assert!(!page().contains("made for another problem"));

    // Profiles of another problem (here `--quick`'s maxiter 300 beside full results, as an
    // interrupted `cargo xtask report --quick` leaves them) are linked all the same, each marked
    // with the problem it was made for.
    let mut quick = results.problem.spec();
    quick.maxiter = 300;
    assert_ne!(quick, results.problem.spec());
    profiles_for(&flamegraphs, quick);
    render::render_report(&results, &reports, &flamegraphs).unwrap();
    let html = page();
    assert!(
        html.contains("../flamegraphs/naive.svg"),
        "the links are kept"
    );
    assert!(
        html.contains("made for another problem")
            && html.contains(&format!("maxiter {}", quick.maxiter)),
        "the page does not say which problem the profile was made for"
    );
}

fn peers_fixture() -> mandel_lab::peers::PeerResults {
    mandel_lab::peers::PeerResults::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    )
    .expect("the peers fixture loads")
    .expect("tests/fixtures/peers.json exists")
}

#[test]
fn tutorial_rows_show_2011_python_today_and_rust_in_tables_and_charts() {
    let results = fixture();
    let peers = peers_fixture();
    let groups = export::groups_with_peers(&results, Some(&peers));
    let naive = &groups[0].rows[0];
    let python = peers.for_row("naive").unwrap().median;
    assert_eq!(naive.python_today, python);
    assert_eq!(naive.python_peer.as_deref(), Some("pure_python"));
    assert!(
        naive.then_python_cell().starts_with("49.00 s · "),
        "{}",
        naive.then_python_cell()
    );
    let bars = charts::group_bars(&groups[0]);
    assert_eq!(bars[0].python, python);
    let svg = charts::then_and_now(groups[0].title, &bars)
        .unwrap()
        .unwrap();
    assert!(svg.contains("Python today") && svg.contains("tutorial, 2011"));
    let extras = sections::Extras {
        peers: Some(&peers),
        ..Default::default()
    };
    let page = page::render(&results, &groups, extras).unwrap();
    for p in &peers.peers {
        assert!(
            page.contains(&format!("data-peer=\"{}\"", p.name)),
            "{}",
            p.name
        );
    }
    assert!(page.contains("<h2>Python today</h2>") && page.contains("Rust speed-up"));
    // Every tutorial row has its Python today but the GPU ones, which say why they have none.
    let ndarray = groups
        .iter()
        .flat_map(|g| &g.rows)
        .find(|r| r.variant == "ndarray")
        .unwrap();
    assert_eq!(ndarray.python_peer.as_deref(), Some("cython-numpy"));
    let missing = sections::peers::rows_without_python(&results, &peers);
    let names: Vec<&str> = missing.iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(names, ["cuda-elementwise-f64"]);
    assert!(missing[0].1.contains("pyCUDA needs an NVIDIA GPU"));
    assert!(page.contains("<code>cuda-elementwise-f64</code>: no peer: pyCUDA"));
    // Peers of another problem are not compared, and the page says so.
    let mut other = peers.clone();
    other.problem.maxiter = 300;
    assert!(
        export::groups_with_peers(&results, Some(&other))[0].rows[0]
            .python_today
            .is_none()
    );
    let extras = sections::Extras {
        peers: Some(&other),
        ..Default::default()
    };
    let page = page::render(&results, &groups, extras).unwrap();
    assert!(page.contains("measured on another problem"));
}

#[test]
fn a_report_without_peers_says_how_to_measure_them() {
    let results = fixture();
    let page = page::render(&results, &export::groups(&results), Default::default()).unwrap();
    assert!(page.contains(mandel_lab::peers::HOW_TO_MEASURE));
}

#[test]
fn render_only_includes_the_saved_peers() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for f in ["results.json", "peers.json"] {
        std::fs::copy(fixtures.join(f), dir.path().join(f)).unwrap();
    }
    let out = lab(&[
        "report",
        "--render-only",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "the fixture holds a FAIL row");
    let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(page.contains("data-peer=\"pure_python\""));
    let md = std::fs::read_to_string(dir.path().join("results.md")).unwrap();
    assert!(md.contains("2011 · Python today") && md.contains("49.00 s · "));
}

#[test]
fn every_sweep_has_its_section_with_figures_and_the_cost_growth_fits() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for f in [
        "sweep-chunks.json",
        "sweep-threads.json",
        "sweep-sizes.json",
    ] {
        std::fs::copy(fixtures.join("legacy-sweeps").join(f), dir.path().join(f)).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("sweeps")).unwrap();
    std::fs::copy(
        fixtures.join("sweeps/maxiter.json"),
        dir.path().join("sweeps/maxiter.json"),
    )
    .unwrap();
    let sweeps =
        mandel_lab::sweep::load_all(dir.path(), mandel_lab::sweep::Legacy::Convert).unwrap();
    assert_eq!(sweeps.len(), 4);
    let results = fixture();
    let groups = export::groups(&results);
    let extras = sections::Extras {
        sweeps: &sweeps,
        ..Default::default()
    };
    let page = page::render(&results, &groups, extras).unwrap();
    for id in [
        "id=\"sweep\"",
        "id=\"scaling\"",
        "id=\"sizes\"",
        "id=\"cost-growth\"",
    ] {
        assert!(page.contains(id), "{id}");
    }
    // Each sweep sits in its family's section; cost growth has its own.
    let at = |s: &str| page.find(s).unwrap();
    assert!(at("id=\"vector\"") < at("id=\"sweep\"") && at("id=\"sweep\"") < at("id=\"parallel\""));
    assert!(at("id=\"parallel\"") < at("id=\"scaling\""));
    let growth = &page[at("id=\"cost-growth\"")..];
    assert!(growth.contains("Time against inner iterations, log-log"));
    assert!(growth.contains("slope against inner iterations") && growth.contains("R²"));
    for v in ["expanded", "vector-fused", "rayon-rows"] {
        assert!(growth.contains(&format!("<td>{v}</td>")), "{v} in the fits");
    }
    assert!(page.contains("sweeps/maxiter.json") && page.contains("slope against pixels"));
}

fn flags_fixture() -> mandel_lab::codegen::CodegenResults {
    mandel_lab::codegen::CodegenResults::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    )
    .expect("the flags fixture loads")
    .expect("tests/fixtures/flags.json exists")
}

#[test]
fn the_compiler_flags_section_shows_builds_cells_heat_map_evidence_and_the_answer() {
    let flags = flags_fixture();
    let h = sections::codegen::section(Some(&flags)).unwrap();
    assert!(h.contains("<h2>Compiler flags</h2>"));
    for b in &flags.builds {
        assert!(
            h.contains(&format!("<tr data-build=\"{}\">", b.name)),
            "{}",
            b.name
        );
        assert!(
            h.contains(&format!("<li data-build=\"{}\">", b.name)),
            "{}",
            b.name
        );
    }
    // Median ± spread, speed-up and exactness in each cell; the broken build says how broken.
    assert!(h.contains("140.0 ms ± 0.1%<br>1.00x<br>exact"), "{h}");
    assert!(h.contains("1.20x<br>32 pixels differ (sum 1148517)"));
    assert!(h.contains("build failed: error: linking with `cc` failed"));
    assert!(h.contains("skipped: no llvm-profdata for rustc's LLVM 22"));
    // The evidence: the contracting build's loop has FMA, the others keep the default's shape.
    assert!(
        h.contains(
            "c-reference's loop now fuses multiplies and adds (2 FMA, e.g. vfmsub231sd), \
             which rounds once and moves 32 pixels"
        ),
        "{h}"
    );
    assert!(h.contains("the default build's shape"));
    // The heat map marks the inexact cell.
    let svg = charts::codegen::heat_map(&flags).unwrap().unwrap();
    assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"));
    assert!(svg.contains("× 1.20x") && svg.contains("gcc-O3-native-nocontract"));
    assert!(
        h.contains("The answer:")
            && h.contains("<code>gcc-O3-native-nocontract</code>, 1.07x the default build")
    );
    // The page carries the section where flags.json is given, and says how to make one where not.
    let results = fixture();
    let groups = export::groups(&results);
    let extras = sections::Extras {
        flags: Some(&flags),
        ..Default::default()
    };
    let page = page::render(&results, &groups, extras).unwrap();
    assert!(page.contains("<section id=\"compiler-flags\">") && page.contains("The answer:"));
    let page = page::render(&results, &groups, Default::default()).unwrap();
    assert!(page.contains(mandel_lab::codegen::HOW_TO_MEASURE));
}

#[test]
fn render_only_includes_the_saved_flags_and_leaves_a_corrupt_file_out_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for f in ["results.json", "flags.json"] {
        std::fs::copy(fixtures.join(f), dir.path().join(f)).unwrap();
    }
    render::render_report(&fixture(), dir.path(), &dir.path().join("none")).unwrap();
    let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(page.contains("<tr data-build=\"gcc-O3-native\">"));
    assert!(!page.contains("id=\"unread-inputs\""));
    std::fs::write(dir.path().join("flags.json"), "{\"schema_version\": 1}").unwrap();
    let inputs = render::render_report(&fixture(), dir.path(), &dir.path().join("none")).unwrap();
    assert_eq!(inputs.broken.len(), 1);
    assert!(
        inputs.broken[0].why.contains("flags.json"),
        "{:?}",
        inputs.broken
    );
    let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(
        !page.contains("id=\"compiler-flags\""),
        "the section is left out"
    );
    assert!(
        page.contains("id=\"unread-inputs\"") && page.contains("flags.json"),
        "and the page says which file and why"
    );
}

/// The fixture with two shortcut rows that counted their work (`fixtures/shortcut-rows.json`:
/// the scalar `shortcut` and `simd-shortcut` on AVX-512, the tutorial's problem) and the work
/// picture a measurement of them makes.
fn with_shortcuts() -> Results {
    let mut results = fixture();
    let rows: Vec<mandel_lab::record::results::VariantResult> = serde_json::from_slice(
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shortcut-rows.json"),
        )
        .unwrap(),
    )
    .unwrap();
    results.variants.extend(rows);
    results
        .variants
        .sort_by_key(|v| mandel_variants::report_order(&v.info.name));
    results.work_image = Some(mandel_lab::measure::stage::WORK_IMAGE_FILE.into());
    results
        .validate(Path::new("with-shortcuts.json"))
        .expect("the shortcut rows are in range");
    results
}

#[test]
fn a_shortcut_row_is_read_against_the_limit_by_what_it_executed() {
    let groups = export::groups(&with_shortcuts());
    let rows = &groups
        .iter()
        .find(|g| g.family == Family::Shortcuts)
        .unwrap()
        .rows;
    let simd = rows.iter().find(|r| r.variant == "simd-shortcut").unwrap();
    // 6,991,702 iterations executed in 4.9 ms: 1.43 G/s, 26% of the 5.5 G/s limit; the
    // reference's 51,414,419 in the same time, 10.49 G/s, which no brute-force kernel reaches here.
    assert!((simd.throughput.unwrap() - 1.4269).abs() < 1e-3, "{simd:?}");
    assert!((simd.equivalent_throughput.unwrap() - 10.4927).abs() < 1e-3);
    assert_eq!(simd.limit_cell(), "26% of 1 core");
    assert_eq!(
        (simd.throughput_cell(), simd.equivalent_cell()),
        ("1.43 G/s".into(), "10.49 G/s".into())
    );
    // A row that skips nothing has one rate in both columns.
    for r in groups.iter().flat_map(|g| &g.rows) {
        if !r.variant.contains("shortcut") {
            assert_eq!(r.throughput, r.equivalent_throughput, "{}", r.variant);
        }
    }
    let md = markdown::render(&groups);
    assert!(
        md.contains("| 1.43 G/s | 26% of 1 core | 10.49 G/s |"),
        "{md}"
    );
    let csv = csv::render(&groups);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains("equivalent_g_iterations_per_s")
    );
    assert!(csv.contains(",1.4269,1,0.2594,10.4927,"), "{csv}");
}

#[test]
fn the_work_section_shows_what_each_shortcut_executed_and_skipped_and_the_picture() {
    let results = with_shortcuts();
    let page = page::render(&results, &export::groups(&results), Default::default()).unwrap();
    let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("{s} missing"));
    // Right after the families' sections, before the rest of the page.
    assert!(at("<section id=\"gpu\">") < at("<section id=\"work\">"));
    assert!(at("<section id=\"work\">") < at("<section id=\"limit\">"));
    let work = &page[at("<section id=\"work\">")..];
    let work = &work[..work.find("</section>").unwrap()];
    for needle in [
        "<h2>The work you do not do</h2>",
        // What each step removes, every shortcut named.
        "bulb-check removes the pixels inside the main cardioid",
        "cycle-check the ones whose orbit repeats",
        "shortcut both; simd-shortcut and simd-shortcut-rayon do the same work on SIMD lanes",
        "the reference executes 51.41 M inner iterations",
        // shortcut: 5.51 M of 51.41 M executed (10.7%), 89.3% skipped; its pixels by decider.
        "<tr data-work=\"shortcut\"><td>shortcut</td><td>5.51 M</td><td>10.7%</td><td>89.3%</td>\
         <td>43972 (17.6%)</td><td>3018 (1.2%)</td><td>199934 (80.0%)</td><td>3076 (1.2%)</td>",
        "<td>1.43 G/s</td><td>10.49 G/s</td>",
        "The bulb test decides 17.6% of the pixels without an iteration; a repeated orbit value \
         ends 1.2% early. The 3076 pixels that still run to maxiter take 55.8% of the 5.51 M",
        "the rest run on avx512 lanes",
        // The fastest against expanded and simd-lanes (avx512) from the same run.
        "The fastest shortcut, simd-shortcut (avx512) at 4.900 ms, is 11.5× expanded at \
         56.59 ms and 2.4× simd-lanes (avx512) at 11.90 ms from this run",
        "<img src=\"work.png\"",
        "class=\"swatch\" style=\"background: #285aaa\"",
        "decided by the cardioid and bulb test",
        "run to maxiter",
    ] {
        assert!(work.contains(needle), "{needle} missing from\n{work}");
    }
    // Its rows are not result rows: the results tables keep one row per variant.
    assert_eq!(page.matches("<tr class=").count(), results.variants.len());
}

#[test]
fn without_work_there_is_no_work_section_and_without_a_picture_it_says_why() {
    let results = fixture();
    let page = page::render(&results, &export::groups(&results), Default::default()).unwrap();
    assert!(!page.contains("id=\"work\""));
    assert!(sections::work::section(&results).unwrap().is_none());

    // Results with work but no picture (measured before the lab made one): the table, no image.
    let mut results = with_shortcuts();
    results.work_image = None;
    let html = sections::work::section(&results).unwrap().unwrap();
    assert!(html.contains("<td>5.51 M</td>") && !html.contains("<img"));
    assert!(html.contains("No picture of who decides each pixel"));

    // Without expanded and simd-lanes the section says what to measure instead of a speed-up.
    let mut results = with_shortcuts();
    results
        .variants
        .retain(|v| v.info.family == Family::Shortcuts);
    let html = sections::work::section(&results).unwrap().unwrap();
    assert!(
        html.contains("measure expanded and simd-lanes in the same run"),
        "{html}"
    );
}

#[test]
fn results_round_trip_with_and_without_work_and_old_files_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.json");
    // With work: saved and read back whole (the pictures travel beside the results, never in them).
    let results = with_shortcuts();
    results.save(&path).unwrap();
    let back = Results::load(&path).unwrap();
    assert_eq!(back, results);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("\"work\":").count(), 2);
    assert!(text.contains("\"work_image\": \"work.png\""));
    // Without: no `work` field is written, and a file without one (every older file) loads.
    let results = fixture();
    results.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("\"work") && !text.contains("work_image"));
    assert_eq!(Results::load(&path).unwrap(), results);
}

#[test]
fn implausible_work_is_refused_in_one_line_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.json");
    let saved = with_shortcuts();
    let i = saved
        .variants
        .iter()
        .position(|v| v.work.is_some())
        .unwrap();
    type Spoil = fn(&mut mandel_lab::record::results::WorkInfo);
    let cases: [(&str, Spoil); 3] = [
        // More than the reference executes on the whole grid.
        ("work.executed", |w| w.executed = 51_414_420),
        // More pixels than the grid has.
        ("work.bulb", |w| w.bulb = 250_001),
        // Pixels decided twice.
        ("pixels decided", |w| w.escaped += 1),
    ];
    for (field, spoil) in cases {
        let mut results = saved.clone();
        spoil(results.variants[i].work.as_mut().unwrap());
        results.save(&path).unwrap();
        let err = Results::load(&path).unwrap_err();
        let line = err.to_string();
        assert!(err.is_bad_input(), "{line}");
        assert!(
            line.contains(field) && line.contains("results.json"),
            "{line}"
        );
        assert!(!line.contains('\n'), "{line}");
    }
    // A negative or fractional count is not a count.
    let mut value = serde_json::to_value(&saved).unwrap();
    for bad in [serde_json::json!(-1), serde_json::json!(2.5)] {
        value["variants"][i]["work"]["cycle"] = bad;
        std::fs::write(&path, value.to_string()).unwrap();
        let err = Results::load(&path).unwrap_err();
        assert!(
            err.is_bad_input() && err.to_string().contains("results.json"),
            "{err}"
        );
    }
}
