//! The shortcuts family where it is most at risk: tiny grids at the edges of the regions the bulb
//! test accepts and where orbits cycle slowly, at maxiter up to 100,000, every shortcut variant
//! on every SIMD path this CPU has, against the reference pixel for pixel; and the work each
//! counts against the reference's.

use mandel_lab::problem::reference;
use mandel_variants::simd::Isa;
use mandel_variants::{Family, Knob, Problem, Tuning, VARIANTS, Variant};

/// A `n × n` grid centred on `(x, y)`, `span` wide.
fn grid(x: f64, y: f64, span: f64, n: usize) -> (Vec<f64>, Vec<f64>) {
    let axis = |c: f64| -> Vec<f64> {
        (0..n)
            .map(|i| c - span / 2.0 + span * i as f64 / (n - 1) as f64)
            .collect()
    };
    (axis(x), axis(y))
}

/// A grid's axes: its column and row coordinates.
type Axes = (Vec<f64>, Vec<f64>);

/// The places the shortcuts could go wrong: the cardioid's cusp, the neck between cardioid and
/// bulb, the bulb's far edge, points on the cardioid's rim (at a rational and an irrational
/// angle), and the edges of two period-3 bulbs.
fn risky() -> Vec<(&'static str, Axes)> {
    let rim = |theta: f64| {
        let (c, s) = (theta.cos(), theta.sin());
        (c / 2.0 - (c * c - s * s) / 4.0, s / 2.0 - 2.0 * s * c / 4.0)
    };
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    let (gx, gy) = rim(golden);
    let (qx, qy) = rim(std::f64::consts::FRAC_PI_2);
    vec![
        ("cusp", grid(0.25, 0.0, 1e-6, 12)),
        ("neck", grid(-0.75, 0.0, 1e-6, 12)),
        ("bulb's far edge", grid(-1.25, 0.0, 1e-6, 12)),
        ("rim at a golden angle", grid(gx, gy, 1e-7, 12)),
        ("rim at a quarter turn", grid(qx, qy, 1e-7, 12)),
        ("period-3 bulb", grid(-0.1226, 0.7449, 1e-4, 12)),
        ("period-3 real bulb", grid(-1.7549, 0.0, 1e-4, 12)),
    ]
}

fn shortcut_variants() -> Vec<&'static Variant> {
    VARIANTS
        .iter()
        .copied()
        .filter(|v| v.family == Family::Shortcuts)
        .collect()
}

/// Every tuning a variant should be tried with: each SIMD path this CPU has, for a variant that
/// dispatches; the default otherwise.
fn tunings(v: &Variant) -> Vec<Tuning> {
    if !v.knobs.contains(&Knob::Isa) {
        return vec![Tuning::default()];
    }
    Isa::ALL
        .into_iter()
        .filter(|i| i.is_available())
        .map(|isa| Tuning {
            isa: Some(isa),
            ..Tuning::default()
        })
        .collect()
}

#[test]
fn every_shortcut_matches_the_reference_where_it_is_most_at_risk() {
    let variants = shortcut_variants();
    assert!(variants.len() >= 3, "{variants:?}");
    for (place, (xs, ys)) in risky() {
        for maxiter in [1000, 100_000] {
            let problem = Problem {
                xs: &xs,
                ys: &ys,
                maxiter,
            };
            let expected = reference::compute(&problem).counts;
            for v in &variants {
                for tuning in tunings(v) {
                    let mut kernel = v.prepare(&problem, &tuning).unwrap();
                    let mut out = vec![u32::MAX; problem.pixels()];
                    kernel.run(&mut out).unwrap();
                    let differ = out.iter().zip(&expected).filter(|(a, b)| a != b).count();
                    assert_eq!(
                        differ, 0,
                        "{} ({tuning:?}) at the {place}, maxiter {maxiter}: {differ} pixels differ",
                        v.name
                    );
                }
            }
        }
    }
}

#[test]
fn the_work_counted_is_the_reference_s_less_what_was_skipped() {
    let (xs, ys) = grid(-0.6, 0.0, 2.6, 64);
    let problem = Problem {
        xs: &xs,
        ys: &ys,
        maxiter: 2000,
    };
    let reference = reference::compute(&problem);
    for v in shortcut_variants() {
        let kernel = v.prepare(&problem, &Tuning::default()).unwrap();
        let work = kernel
            .work()
            .unwrap_or_else(|| panic!("{} counts its work", v.name));
        let pixels = work.escaped + work.at_maxiter + work.bulb + work.cycle;
        assert_eq!(pixels, problem.pixels() as u64, "{}", v.name);
        assert!(
            work.executed < reference.inner_iterations,
            "{}: {work:?}",
            v.name
        );
        // Escaping pixels are decided the reference's way, at the reference's iteration.
        let escaped = reference.counts.iter().filter(|&&c| c > 0).count() as u64;
        assert!(work.escaped >= escaped, "{}: {work:?}", v.name);
        assert!(work.bulb + work.cycle > 0, "{}: {work:?}", v.name);
    }
    // Brute force skips nothing, and says so.
    let expanded = &mandel_variants::scalar::expanded_math::VARIANT;
    let kernel = expanded.prepare(&problem, &Tuning::default()).unwrap();
    assert!(kernel.work().is_none());
}
