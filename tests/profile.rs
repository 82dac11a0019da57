//! The profiling stage on real kernels: the flamegraph, the line profile and the machine code say
//! what the tutorial's lessons predict. Line profiles and disassembly need valgrind and binutils
//! (`.ci/run` installs them); without valgrind those checks are skipped with a message, except
//! under CI, where its absence is a failure.

mod common;

use common::{assert_bad_input, lab};

use std::path::Path;
use std::process::Command;

use mandel_lab::profile::{ProfileSummary, sampling};
use mandel_variants::{Availability, VARIANTS};

fn valgrind_here() -> bool {
    let found = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "valgrind is missing; .ci/run installs it with apt-get install valgrind"
    );
    found
}

/// The lines of `naive`'s inner loop: from `for iteration in 0..maxiter` to its closing brace.
fn inner_loop_lines(source: &str) -> (u32, u32) {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_start().starts_with("for iteration in 0..maxiter"))
        .expect("naive has an inner loop");
    let indent = lines[start].len() - lines[start].trim_start().len();
    let end = (start + 1..lines.len())
        .find(|&i| lines[i].trim() == "}" && lines[i].len() - lines[i].trim_start().len() == indent)
        .expect("the inner loop closes");
    (start as u32 + 1, end as u32 + 1)
}

#[test]
fn profiles_show_the_tutorials_lessons() {
    let dir = tempfile::tempdir().unwrap();
    let out = lab(&[
        "profile",
        "--variants",
        "naive,expanded,c-reference",
        "--seconds",
        "1",
        "--out",
        dir.path().to_str().unwrap(),
        // No report there: the tutorial's problem, whatever this checkout's reports/ holds.
        "--report",
        dir.path().join("no-report").to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = ProfileSummary::load(dir.path())
        .unwrap()
        .expect("profile.json");
    for v in ["naive", "expanded", "c-reference"] {
        let svg = std::fs::read_to_string(dir.path().join(format!("{v}.svg"))).unwrap();
        assert!(svg.contains("<svg") && svg.contains(v), "{v} flamegraph");
    }

    // Sampling: the kernel function is on at least 80% of naive's samples.
    let folded =
        sampling::parse_folded(&std::fs::read_to_string(dir.path().join("naive.folded")).unwrap());
    assert!(
        sampling::total(&folded) >= 100,
        "too few samples: {}",
        sampling::total(&folded)
    );
    let share = sampling::share_containing(&folded, "calculate_z [naive_complex.rs]");
    assert!(
        share >= 0.8,
        "calculate_z on {:.1}% of naive's samples",
        100.0 * share
    );

    if !valgrind_here() {
        println!("skip: line profile and disassembly checks (valgrind not installed)");
        return;
    }
    // Lines: at least 90% of naive's cost is on its inner-loop lines.
    let naive = summary.variant("naive").unwrap();
    let lp = naive.line_profile.as_ref().expect("naive line profile");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("variants/src/scalar/naive_complex.rs");
    let (first, last) = inner_loop_lines(&std::fs::read_to_string(source).unwrap());
    let inner = lp.share_of_lines("variants/src/scalar/naive_complex.rs", first, last);
    assert!(
        inner >= 0.9,
        "inner loop (lines {first}-{last}) holds {:.1}%",
        100.0 * inner
    );
    assert!(
        lp.calls_out.iter().any(|(f, _)| f.contains("hypot")),
        "{:?}",
        lp.calls_out
    );
    assert!(dir.path().join("naive.lines.html").exists());

    // Machine code: the exact variants' hot loops contain no fused multiply-add.
    for v in ["expanded", "c-reference"] {
        let hot = summary
            .variant(v)
            .unwrap()
            .hot_loop
            .as_ref()
            .expect("hot loop");
        assert!(!hot.instructions.is_empty(), "{v}");
        assert!(hot.fma.is_empty(), "{v} uses FMA: {:?}", hot.fma);
        assert!(
            hot.instructions.iter().any(|i| i.text.starts_with("mulsd")),
            "{v}: {hot:?}"
        );
        assert!(dir.path().join(format!("{v}.asm.html")).exists());
    }
}

#[test]
fn profile_refuses_bad_input_with_one_line() {
    assert_bad_input(
        &["profile", "--variants", "turbo"],
        "unknown variant 'turbo'",
    );
    assert_bad_input(
        &["profile", "--variants", "naive", "--frequency", "0"],
        "--frequency",
    );
    assert_bad_input(
        &["profile", "--variants", "naive", "--seconds", "0"],
        "--seconds",
    );
    match VARIANTS
        .iter()
        .find(|v| v.availability() != Availability::Available)
    {
        Some(v) => assert_bad_input(
            &["profile", "--variants", v.name],
            "cannot be profiled here",
        ),
        None => println!("skip: no variant is unavailable on this machine"),
    }
}

#[test]
fn inner_loop_is_found_in_naive() {
    let src = "fn f() {\n    for i in 0..n {\n        for iteration in 0..maxiter {\n            a();\n        }\n    }\n}\n";
    assert_eq!(inner_loop_lines(src), (3, 5));
}

#[test]
fn every_simd_path_shows_its_vector_width_and_no_fma() {
    if !valgrind_here() {
        println!("skip: no valgrind (Debian: apt-get install valgrind binutils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = lab(&[
        "profile",
        "--variants",
        "simd-lanes",
        "--quick",
        "--out",
        dir.path().to_str().unwrap(),
        "--report",
        dir.path().join("no-report").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = ProfileSummary::load(dir.path()).unwrap().unwrap();
    let v = summary.variant("simd-lanes").unwrap();
    let widths: Vec<(&str, &str)> = v
        .paths
        .iter()
        .map(|p| (p.isa.name(), p.vector_width.as_str()))
        .collect();
    #[cfg(target_arch = "x86_64")]
    for expected in [
        ("avx512", "AVX-512 (512-bit)"),
        ("avx2", "AVX2 (256-bit)"),
        ("sse2", "SSE (128-bit packed)"),
    ] {
        assert!(widths.contains(&expected), "{expected:?} in {widths:?}");
    }
    assert!(v.paths.iter().all(|p| p.fma.is_empty()), "{:?}", v.paths);
    // valgrind cannot run AVX-512: the page says which path the line profile ran, and why it is
    // not the one the lab runs here when this CPU has AVX-512.
    let hot = v.hot_loop.as_ref().unwrap();
    assert_ne!(hot.vector_width, "AVX-512 (512-bit)");
    // The page's text, with the apostrophes the template escapes read back.
    let page = std::fs::read_to_string(dir.path().join("simd-lanes.asm.html"))
        .unwrap()
        .replace("&#39;", "'");
    assert!(page.contains("Every SIMD path"), "{page}");
    let best = mandel_variants::simd::Isa::best();
    if best == mandel_variants::simd::Isa::Avx512 {
        assert!(page.contains(&format!("are of the {} path", hot.vector_width)));
    } else {
        // No AVX-512 here: the path callgrind ran is the one every run here takes.
        assert!(
            page.contains(&format!(
                "This CPU's widest path is {best} ({})",
                hot.vector_width
            )),
            "{page}"
        );
    }
}

#[test]
fn profile_without_a_problem_profiles_the_reports_and_keeps_the_other_variants() {
    let dir = tempfile::tempdir().unwrap();
    let (reports, flamegraphs) = (dir.path().join("reports"), dir.path().join("flamegraphs"));
    let (r, f) = (reports.to_str().unwrap(), flamegraphs.to_str().unwrap());
    let report = lab(&[
        "report",
        "--variants",
        "naive,expanded",
        "--width",
        "20",
        "--height",
        "20",
        "--maxiter",
        "20",
        "--no-criterion",
        "--out",
        r,
        "--flamegraphs",
        f,
    ]);
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    // An earlier profile of `expanded` for another problem, as the code before wrote it (no
    // problem per variant), and its flamegraph.
    let earlier = serde_json::json!({
        "schema_version": mandel_lab::profile::SCHEMA_VERSION,
        "generated_at": "2026-12-01T00:00:00Z",
        "spec": {"region": {"x1": -2.13, "x2": 0.77, "y1": -1.3, "y2": 1.3},
                 "width": 500, "height": 500, "maxiter": 300},
        "callgrind_spec": mandel_lab::profile::QUICK_CALLGRIND_PROBLEM,
        "seconds": 0.25, "frequency": 997,
        "variants": [{
            "variant": "expanded", "samples": 50, "kernel_share": 1.0, "top_functions": [],
            "flamegraph": "expanded.svg", "folded": "expanded.folded", "line_profile": null,
            "line_profile_page": null, "hot_loop": null, "hot_loop_page": null, "notes": []
        }]
    });
    std::fs::create_dir_all(&flamegraphs).unwrap();
    std::fs::write(flamegraphs.join("profile.json"), earlier.to_string()).unwrap();
    std::fs::write(flamegraphs.join("expanded.svg"), "earlier").unwrap();

    // What README shows, against that report folder.
    let run = lab(&[
        "profile",
        "--variants",
        "naive",
        "--quick",
        "--report",
        r,
        "--out",
        f,
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("note: profiling 20 × 20, maxiter 20") && stderr.contains(r),
        "the problem chosen and why: {stderr}"
    );
    let summary = ProfileSummary::load(&flamegraphs).unwrap().unwrap();
    let problem = |name: &str| summary.variant(name).unwrap().problem(&summary);
    assert_eq!((problem("naive").width, problem("naive").maxiter), (20, 20));
    assert_eq!(
        problem("expanded").maxiter,
        300,
        "the other variant's entry is kept"
    );
    let svg = std::fs::read_to_string(flamegraphs.join("expanded.svg")).unwrap();
    assert_eq!(svg, "earlier");

    // The page links both, the other problem's marked with the problem it was made for.
    let render = lab(&["report", "--render-only", "--out", r, "--flamegraphs", f]);
    assert!(
        render.status.success(),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    let page = std::fs::read_to_string(reports.join("index.html")).unwrap();
    assert!(
        page.contains("../flamegraphs/naive.svg") && page.contains("../flamegraphs/expanded.svg")
    );
    assert_eq!(
        page.matches("This profile was made for another problem")
            .count(),
        1
    );
    assert!(
        page.contains("another problem (500 × 500, maxiter 300"),
        "{page}"
    );
    assert!(
        page.contains("href=\"#profile-expanded\""),
        "the table marks it"
    );
}
