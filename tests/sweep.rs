//! The one sweep engine: a small real sweep along every axis (through the old names where they
//! exist), one clear line for bad input, and old sweep files converted once or refused.

mod common;

use std::path::Path;

use common::{assert_bad_input, lab};

use mandel_lab::record::measured::Status;
use mandel_lab::sweep::{self, Sweep, X};

fn load(dir: &Path, axis: &str) -> Sweep {
    sweep::load(dir, sweep::find_axis(axis).unwrap())
        .unwrap()
        .unwrap_or_else(|| panic!("sweeps/{axis}.json"))
}

fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "full tier: a real sweep under criterion"]
fn a_small_chunk_sweep_measures_every_size_and_draws_the_figure() {
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
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("best at") || stdout.contains("no clear best"),
        "{stdout}"
    );
    let sweep = load(dir.path(), "chunks");
    let chunks: Vec<usize> = sweep.points.iter().map(|p| p.value).collect();
    assert_eq!(chunks, [10, 100, 2500]);
    for p in &sweep.points {
        assert_eq!(p.validation_sum, 8974, "chunk {}", p.value);
        assert!(p.timing.as_ref().is_some_and(|t| t.samples >= 10));
    }
    let csv = std::fs::read_to_string(sweep::file(dir.path(), "chunks", "csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let svg = std::fs::read_to_string(sweep::file(dir.path(), "chunks", "svg")).unwrap();
    assert!(svg.contains("tutorial, 2011 laptop"));
    assert!(
        svg.contains("best:") || svg.contains("no clear best"),
        "{svg}"
    );
}

#[test]
#[ignore = "full tier: a real sweep under criterion"]
fn a_small_thread_sweep_measures_every_parallel_variant_against_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = lab(&[
        "sweep",
        "threads",
        "--quick",
        "--width",
        "50",
        "--height",
        "50",
        "--maxiter",
        "100",
        "--values",
        "1,2",
        "--out",
        d,
    ]);
    ok(&out);
    let sweep = load(dir.path(), "threads");
    let axis = sweep::find_axis("threads").unwrap();
    assert_eq!(sweep.points.len(), axis.default_variants().len() * 2);
    for p in &sweep.points {
        assert_eq!(p.validation_sum, 8974, "{} on {}", p.variant, p.value);
        assert!(p.speedup.is_some_and(|s| s > 0.0) && p.efficiency.is_some());
    }
    assert!(sweep.baseline_timing.as_ref().unwrap().samples >= 10);
    assert!(sweep.best().is_some());
}

#[test]
#[ignore = "full tier: a real sweep under criterion"]
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
    ok(&out);
    let sweep = load(dir.path(), "sizes");
    let got: Vec<(&str, usize)> = sweep
        .points
        .iter()
        .map(|p| (p.variant.as_str(), p.value))
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
        assert_eq!(p.status, Status::Ok, "{p:?}");
        assert!(p.timing.is_some() && p.speedup.is_some(), "{p:?}");
        assert!(
            p.kernel_timing.is_none(),
            "CPU variants have no device time"
        );
    }
    let charts = sweep.axis().charts(&sweep);
    assert_eq!(charts.len(), 2, "speed-up and the fit against pixels");
    let svg = mandel_lab::render::report::charts::sweep_figure(&sweep, &charts[0])
        .unwrap()
        .expect("expanded is drawn against the baseline");
    assert!(svg.contains("expanded") && svg.contains("rayon-rows (baseline)"));
    assert_eq!(sweep.fits(X::Pixels).len(), 2);
}

#[test]
#[ignore = "full tier: a real sweep under criterion"]
fn the_maxiter_sweep_times_against_the_references_exact_inner_iterations() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = lab(&[
        "sweep",
        "maxiter",
        "--quick",
        "--width",
        "50",
        "--height",
        "50",
        "--values",
        "30,100,300",
        "--variants",
        "expanded,vector-fused",
        "--out",
        d,
    ]);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("slope against inner iterations"),
        "{stdout}"
    );
    let sweep = load(dir.path(), "maxiter");
    for p in &sweep.points {
        let spec = mandel_lab::GridSpec {
            width: 50,
            height: 50,
            maxiter: p.value as u32,
            ..mandel_lab::GridSpec::TUTORIAL
        };
        let reference = mandel_lab::problem::reference::compute(&spec.build().unwrap().problem());
        assert_eq!(p.inner_iterations, reference.inner_iterations, "{p:?}");
        assert_eq!(p.validation_sum, reference.validation_sum, "{p:?}");
    }
    let sums: Vec<u64> = sweep.points.iter().map(|p| p.validation_sum).collect();
    assert!(sums.contains(&6502) && sums.contains(&8974), "{sums:?}");
    let fits = sweep.fits(X::InnerIterations);
    assert_eq!(fits.len(), 2);
    assert!(
        fits.iter().all(|f| f.slope > 0.0 && f.r2 <= 1.0),
        "{fits:?}"
    );
    let svg = std::fs::read_to_string(sweep::file(dir.path(), "maxiter", "svg")).unwrap();
    assert!(
        svg.contains("slope") && svg.contains("R²"),
        "the fits in the legend"
    );
}

#[test]
fn bad_sweeps_get_one_line_naming_the_axis_and_its_range_and_exit_code_2() {
    assert_bad_input(
        &["sweep", "bogus"],
        "unknown sweep axis 'bogus'; axes: chunks, threads, sizes, maxiter",
    );
    assert_bad_input(
        &["sweep", "maxiter", "--values", "0"],
        "sweep maxiter: --values '0': 0 is outside the range; maxiter takes whole numbers from 1 to",
    );
    assert_bad_input(&["sweep", "maxiter", "--values", ""], "'' is not a");
    assert_bad_input(&["sweep", "maxiter", "--values", "100,,200"], "'' is not a");
    assert_bad_input(
        &["sweep", "maxiter", "--maxiter", "50"],
        "what this axis varies",
    );
    assert_bad_input(
        &["sweep", "sizes", "--values", "0"],
        "sweep sizes: --values '0'",
    );
    assert_bad_input(
        &["sweep", "sizes", "--width", "20"],
        "what this axis varies",
    );
    let too_many = (mandel_variants::tuning::max_threads() + 1).to_string();
    assert_bad_input(
        &["sweep", "threads", "--values", &format!("1,{too_many}")],
        "threads takes whole numbers from 1 to",
    );
    // The old names, with their old options.
    for (sizes, needle) in [
        ("", "is not a valid chunk size"),
        ("100,abc", "'abc'"),
        ("0", "outside the range"),
        ("100,99999999", "outside the range"),
    ] {
        assert_bad_input(&["sweep-chunks", "--sizes", sizes], needle);
    }
    assert_bad_input(&["sweep-threads", "--threads", "0"], "--threads '0'");
    assert_bad_input(&["sweep-threads", "--threads", "1,x"], "'x'");
    assert_bad_input(
        &["sweep-threads", "--variants", "expanded"],
        "does not take --threads",
    );
    assert_bad_input(&["sweep-sizes", "--sizes", "500,0"], "outside the range");
    assert_bad_input(&["sweep-sizes", "--sizes", "x"], "'x'");
    assert_bad_input(&["sweep-sizes", "--sizes", "60000"], "too large");
    if mandel_variants::gpu::device().is_err() {
        assert_bad_input(
            &["sweep-sizes", "--variants", "cuda-elementwise-f64"],
            "unavailable here",
        );
    }
}

#[test]
fn sweeps_under_their_old_names_are_converted_once() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy-sweeps");
    for f in [
        "sweep-chunks.json",
        "sweep-threads.json",
        "sweep-sizes.json",
    ] {
        std::fs::copy(fixtures.join(f), dir.path().join(f)).unwrap();
    }
    let sweeps = sweep::load_all(dir.path(), sweep::Legacy::Convert).unwrap();
    let axes: Vec<&str> = sweeps.iter().map(|s| s.axis.as_str()).collect();
    assert_eq!(axes, ["chunks", "threads", "sizes"]);
    for f in [
        "sweep-chunks.json",
        "sweep-threads.json",
        "sweep-sizes.json",
    ] {
        assert!(
            !dir.path().join(f).exists(),
            "{f} is left beside its conversion"
        );
    }
    // The same figures as before the conversion.
    let chunks = &sweeps[0];
    assert_eq!(chunks.points.len(), 9);
    assert_eq!(chunks.points[0].validation_sum, 831326);
    let threads = &sweeps[1];
    assert_eq!(threads.baseline.as_deref(), Some("expanded"));
    assert!(threads.points.iter().all(|p| p.speedup.is_some()));
    // Loaded again, from the new files.
    assert_eq!(
        sweep::load_all(dir.path(), sweep::Legacy::Convert).unwrap(),
        sweeps
    );
}

#[test]
fn report_check_reads_old_sweeps_but_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy-sweeps");
    std::fs::copy(
        fixtures.join("sweep-chunks.json"),
        dir.path().join("sweep-chunks.json"),
    )
    .unwrap();
    let listing = |d: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing(dir.path());
    let out = lab(&["report", "--check", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        listing(dir.path()),
        before,
        "report --check wrote or removed a file"
    );
    // Read-only, the old sweep is still checked: the same figures as its conversion.
    let read = sweep::load_all(dir.path(), sweep::Legacy::ReadOnly).unwrap();
    assert_eq!(read[0].points.len(), 9);
    assert_eq!(listing(dir.path()), before);
}

#[test]
fn an_old_sweep_that_cannot_be_converted_is_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sweep-threads.json"),
        r#"{"schema_version": 7}"#,
    )
    .unwrap();
    let err = sweep::load(dir.path(), sweep::find_axis("threads").unwrap()).unwrap_err();
    assert!(err.is_bad_input());
    let line = err.to_string();
    assert!(
        line.contains("sweep-threads.json") && line.contains("cargo xtask sweep threads"),
        "{line}"
    );
    assert!(!line.contains('\n'));
    assert!(
        dir.path().join("sweep-threads.json").exists(),
        "refused, not touched"
    );
}

/// A legacy fixture sweep along `axis`, converted in a scratch folder.
fn fixture_sweep(axis: &str) -> Sweep {
    let dir = tempfile::tempdir().unwrap();
    let name = format!("sweep-{axis}.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/legacy-sweeps")
            .join(&name),
        dir.path().join(&name),
    )
    .unwrap();
    load(dir.path(), axis)
}

#[test]
fn thread_efficiency_is_against_each_variants_own_one_thread_run() {
    let mut sweep = fixture_sweep("threads");
    let cores = sweep.machine.logical_cores.max(1);
    for p in &sweep.points {
        let own = sweep
            .points
            .iter()
            .find(|q| q.variant == p.variant && q.value == 1)
            .and_then(|q| q.median())
            .unwrap();
        let expected = own / p.median().unwrap() / p.value.min(cores) as f64;
        let got = p.efficiency.unwrap();
        assert!(
            (got - expected).abs() < 1e-9,
            "{} {}: {got} {expected}",
            p.variant,
            p.value
        );
        if p.value == 1 {
            assert!((got - 1.0).abs() < 1e-9, "one thread is its own yardstick");
        }
    }
    // Without its one-thread run a variant has no efficiency, rather than one against another
    // variant's time.
    let first = sweep.points[0].variant.clone();
    sweep
        .points
        .retain(|p| !(p.variant == first && p.value == 1));
    sweep.set_efficiencies();
    assert!(
        sweep
            .points
            .iter()
            .filter(|p| p.variant == first)
            .all(|p| p.efficiency.is_none())
    );
    let table = sweep::table::points(&sweep);
    assert!(
        table
            .rows
            .iter()
            .any(|r| r[0] == first && r.contains(&"-".to_string()))
    );
}

#[test]
fn a_best_point_is_named_only_where_it_beats_the_others_beyond_their_spread() {
    let mut sweep = fixture_sweep("chunks");
    let set_spread = |sweep: &mut Sweep, share: f64| {
        for p in &mut sweep.points {
            let t = p.timing.as_mut().unwrap();
            t.median_abs_dev = share * t.median;
        }
    };
    set_spread(&mut sweep, 0.001);
    let reading = sweep.axis().reading(&sweep).unwrap();
    assert!(reading.starts_with("best at"), "{reading}");
    assert!(matches!(sweep.best(), Some(sweep::Best::Clear(_))));

    // A ±30% spread covers the neighbours: no clear best, and the ones within it are named.
    set_spread(&mut sweep, 0.3);
    let reading = sweep.axis().reading(&sweep).unwrap();
    assert!(reading.starts_with("no clear best"), "{reading}");
    let Some(sweep::Best::Tied(tied)) = sweep.best() else {
        panic!("tied");
    };
    assert!(tied.len() >= 2 && std::ptr::eq(tied[0], sweep.fastest().unwrap()));
    let svg =
        mandel_lab::render::report::charts::sweep_figure(&sweep, &sweep.axis().charts(&sweep)[0])
            .unwrap()
            .unwrap();
    assert!(
        svg.contains("no clear best") && !svg.contains("\nbest: "),
        "{svg}"
    );
}
