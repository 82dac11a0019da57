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
        .map(|p| (p.isa.as_str(), p.vector_width.as_str()))
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
