//! `mandel-lab sweep-chunks`: a small real sweep, and one clear line for bad sizes.

mod common;

use common::{assert_bad_input, lab};

use mandel_lab::sweep::Sweep;
use mandel_lab::sweep_threads::{self, ThreadSweep};

#[test]
fn a_small_sweep_measures_every_size_and_draws_the_figure() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = lab(&[
        "sweep-chunks",
        "--quick",
        "--width",
        "50",
        "--height",
        "50",
        "--maxiter",
        "100",
        "--sizes",
        "10,100,2500",
        "--out",
        d,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("best at"), "{stdout}");
    let sweep = Sweep::load(dir.path()).unwrap().expect("sweep-chunks.json");
    let chunks: Vec<usize> = sweep.points.iter().map(|p| p.chunk).collect();
    assert_eq!(chunks, [10, 100, 2500]);
    for p in &sweep.points {
        assert_eq!(p.validation_sum, 8974, "chunk {}", p.chunk);
        assert_eq!(
            p.working_set_bytes,
            p.chunk as u64 * sweep.bytes_per_element
        );
        assert!(
            p.timing.as_ref().is_some_and(|t| t.samples >= 10),
            "chunk {}",
            p.chunk
        );
    }
    assert!(sweep.best().is_some());
    let csv = std::fs::read_to_string(dir.path().join("sweep-chunks.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let svg = std::fs::read_to_string(dir.path().join("sweep-chunks.svg")).unwrap();
    assert!(
        svg.contains("tutorial, 2011 laptop") && svg.contains("best:"),
        "the figure"
    );
}

#[test]
fn bad_sizes_get_one_line_and_exit_code_2() {
    for (sizes, needle) in [
        ("", "is not a chunk size of at least 1"),
        ("100,abc", "'abc'"),
        ("0", "at least 1"),
        ("100,99999999", "larger than the grid"),
    ] {
        assert_bad_input(&["sweep-chunks", "--sizes", sizes], needle);
    }
}

#[test]
fn a_small_thread_sweep_measures_every_parallel_variant() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = lab(&[
        "sweep-threads",
        "--quick",
        "--width",
        "50",
        "--height",
        "50",
        "--maxiter",
        "100",
        "--threads",
        "1,2",
        "--out",
        d,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sweep = ThreadSweep::load(dir.path())
        .unwrap()
        .expect("sweep-threads.json");
    let variants = sweep_threads::parallel_variants();
    assert_eq!(sweep.points.len(), variants.len() * 2);
    for p in &sweep.points {
        assert_eq!(p.validation_sum, 8974, "{} on {}", p.variant, p.threads);
        assert!(
            p.speedup.is_some_and(|s| s > 0.0) && p.efficiency.is_some(),
            "{p:?}"
        );
    }
    assert!(sweep.baseline_timing.samples >= 10);
    assert!(sweep.best().is_some());
}

#[test]
fn bad_thread_counts_get_one_line_and_exit_code_2() {
    assert_bad_input(&["sweep-threads", "--threads", "0"], "at least 1");
    assert_bad_input(&["sweep-threads", "--threads", "1,x"], "'x'");
    assert_bad_input(
        &["sweep-threads", "--variants", "expanded"],
        "does not take --threads",
    );
}

#[test]
fn a_small_size_sweep_compares_each_variant_with_the_baseline_at_each_size() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = lab(&[
        "sweep-sizes",
        "--quick",
        "--sizes",
        "80,40",
        "--maxiter",
        "60",
        "--variants",
        "expanded",
        "--out",
        d,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sweep = mandel_lab::sweep_sizes::SizeSweep::load(dir.path())
        .unwrap()
        .expect("sweep-sizes.json");
    let got: Vec<(&str, usize)> = sweep
        .points
        .iter()
        .map(|p| (p.variant.as_str(), p.size))
        .collect();
    assert_eq!(
        got,
        [
            ("rayon-rows", 40),
            ("expanded", 40),
            ("rayon-rows", 80),
            ("expanded", 80)
        ]
    );
    for p in &sweep.points {
        assert_eq!(p.status, mandel_lab::validate::Status::Ok, "{p:?}");
        assert!(p.timing.is_some() && p.speedup.is_some(), "{p:?}");
        assert!(
            p.kernel_timing.is_none(),
            "CPU variants have no device time"
        );
    }
    let svg = mandel_lab::charts::size_chart(&sweep)
        .unwrap()
        .expect("expanded is drawn against the baseline");
    assert!(svg.contains("expanded") && svg.contains("rayon-rows (baseline)"));
}

#[test]
fn bad_size_sweeps_get_one_line_and_exit_code_2() {
    assert_bad_input(
        &["sweep-sizes", "--sizes", "500,0"],
        "grid side of at least 1",
    );
    assert_bad_input(&["sweep-sizes", "--sizes", "x"], "'x'");
    assert_bad_input(&["sweep-sizes", "--sizes", "4000000000"], "too large");
    if mandel_variants::gpu::device().is_err() {
        assert_bad_input(
            &["sweep-sizes", "--variants", "cuda-elementwise-f64"],
            "unavailable here",
        );
    }
}
