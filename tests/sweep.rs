//! `mandel-lab sweep-chunks`: a small real sweep, and one clear line for bad sizes.

mod common;

use common::{assert_bad_input, lab};

use mandel_lab::sweep::Sweep;

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
        ("", "not a positive whole number"),
        ("100,abc", "'abc'"),
        ("0", "at least 1"),
        ("100,99999999", "larger than the grid"),
    ] {
        assert_bad_input(&["sweep-chunks", "--sizes", sizes], needle);
    }
}
