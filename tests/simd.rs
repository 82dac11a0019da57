//! The SIMD lanes family and the paths it dispatches to: edge-case grids on every path this CPU
//! has, the refusal of a path it lacks, and the path each run reports.

mod common;

use mandel_lab::problem::reference;
use mandel_variants::simd::{Isa, refill::REFILL_PERIOD};
use mandel_variants::{Knob, Problem, Tuning, VARIANTS, VariantError};

/// Grids the random test may not draw: one pixel, one row, one column, sizes around every lane
/// count, maxiter 1, and limits around the refill period.
fn edge_problems() -> Vec<(Vec<f64>, Vec<f64>, u32)> {
    let axis = |n: usize, lo: f64, hi: f64| -> Vec<f64> {
        (0..n)
            .map(|i| lo + (hi - lo) * i as f64 / n.max(1) as f64)
            .collect()
    };
    let period = REFILL_PERIOD as u32;
    let mut out = vec![
        (vec![-0.5], vec![0.0], 1000),           // one pixel that never escapes
        (vec![1.0], vec![1.0], 1000),            // one pixel that escapes at once
        (vec![-0.75], vec![0.1], 1),             // maxiter 1
        (axis(37, -2.13, 0.77), vec![0.3], 200), // one row
        (vec![-0.1], axis(29, -1.3, 1.3), 300),  // one column
    ];
    for (w, h) in [
        (1, 2),
        (3, 3),
        (5, 2),
        (7, 1),
        (9, 3),
        (15, 2),
        (17, 1),
        (33, 2),
    ] {
        for maxiter in [1, 2, period - 1, period, period + 1, 2 * period + 3, 997] {
            out.push((axis(w, -2.13, 0.77), axis(h, -1.3, 1.3), maxiter));
        }
    }
    out
}

fn simd_variants() -> impl Iterator<Item = &'static mandel_variants::Variant> {
    VARIANTS
        .iter()
        .copied()
        .filter(|v| v.knobs.contains(&Knob::Isa))
}

#[test]
fn every_simd_path_is_exact_on_edge_case_grids() {
    let variants: Vec<_> = simd_variants().collect();
    assert!(
        variants.iter().any(|v| v.name == "simd-lanes") && variants.len() >= 3,
        "simd-lanes, simd-rayon and vector-fused dispatch: {variants:?}"
    );
    for (xs, ys, maxiter) in edge_problems() {
        let problem = Problem {
            xs: &xs,
            ys: &ys,
            maxiter,
        };
        let expected = reference::compute(&problem).counts;
        for variant in &variants {
            for (label, tuning) in common::isa_tunings(variant) {
                let mut kernel = variant.prepare(&problem, &tuning).unwrap();
                let mut out = vec![u32::MAX; problem.pixels()];
                kernel.run(&mut out).unwrap();
                assert_eq!(
                    out,
                    expected,
                    "{label} on {}x{} maxiter {maxiter}",
                    xs.len(),
                    ys.len()
                );
            }
        }
    }
}

#[test]
fn simd_rayon_is_exact_on_any_thread_count() {
    let variant = mandel_variants::find("simd-rayon").unwrap();
    let xs: Vec<f64> = (0..61).map(|i| -2.13 + 2.9 * f64::from(i) / 61.0).collect();
    let ys: Vec<f64> = (0..47).map(|i| 1.3 - 2.6 * f64::from(i) / 47.0).collect();
    let problem = Problem {
        xs: &xs,
        ys: &ys,
        maxiter: 333,
    };
    let expected = reference::compute(&problem).counts;
    for threads in [1, 2, 3, 8] {
        let tuning = Tuning {
            threads: Some(threads),
            ..Tuning::default()
        };
        let mut kernel = variant.prepare(&problem, &tuning).unwrap();
        let mut out = vec![0; problem.pixels()];
        kernel.run(&mut out).unwrap();
        assert_eq!(out, expected, "simd-rayon --threads {threads}");
    }
}

#[test]
fn a_path_this_cpu_lacks_is_refused_in_one_line() {
    let Some(missing) = Isa::ALL.into_iter().find(|i| !i.is_available()) else {
        println!("skip: this CPU has every SIMD path, none to refuse");
        return;
    };
    let xs = [0.0];
    let problem = Problem {
        xs: &xs,
        ys: &xs,
        maxiter: 10,
    };
    for variant in simd_variants() {
        let tuning = Tuning {
            isa: Some(missing),
            ..Tuning::default()
        };
        match variant.prepare(&problem, &tuning) {
            Err(VariantError::BadTuning { message, .. }) => {
                assert!(message.contains(missing.name()), "{message}")
            }
            Err(other) => panic!("{}: {other}", variant.name),
            Ok(_) => panic!("{} accepted --isa {missing}", variant.name),
        }
    }
    let args = [
        "run",
        "--variant",
        "simd-lanes",
        "--isa",
        missing.name(),
        "--width",
        "8",
    ];
    common::assert_bad_input(&args, &format!("--isa {missing} is not available"));
    common::assert_bad_input(
        &["run", "--variant", "simd-lanes", "--isa", "avx1024"],
        "avx1024",
    );
}

#[test]
fn run_says_which_path_ran_and_how_far_from_the_limit() {
    let best = Isa::best();
    let out = common::lab(&[
        "run",
        "--variant",
        "simd-lanes",
        "--width",
        "40",
        "--height",
        "30",
        "--maxiter",
        "50",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["isa"], best.name());
    assert_eq!(json["lanes"], best.lanes());
    assert_eq!(json["cores"], 1);
    assert!(json["throughput_g_per_s"].as_f64().unwrap() > 0.0, "{json}");
    assert!(json["limit_g_per_s"].as_f64().unwrap() > 0.0, "{json}");
    assert!(json["limit_share"].as_f64().unwrap() > 0.0, "{json}");
    for isa in Isa::available() {
        let out = common::lab(&[
            "run",
            "--variant",
            "simd-lanes",
            "--isa",
            isa.name(),
            "--width",
            "20",
            "--height",
            "10",
            "--maxiter",
            "30",
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(
            text.contains(&format!("SIMD path: {isa} ({} f64 lanes", isa.lanes())),
            "{text}"
        );
        assert!(text.contains("Validation: OK"), "{text}");
    }
}
