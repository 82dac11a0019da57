//! The SIMD shortcut kernel against the reference (`expanded`), on every path this CPU has: the
//! tutorial's grid, random grids, and the grids where a shortcut is most at risk.

use std::sync::atomic::AtomicUsize;

use super::compact::Compacted;
use super::simd_refill::{self, SCHEDULE, Schedule};
use super::{orbit, simd_shortcut, simd_shortcut_rayon};
use crate::scalar::expanded_math;
use crate::simd::Isa;
use crate::simd::refill::{Counts, Feed, REFILL_PERIOD};
use crate::{Decided, Problem, Tuning, Work};

/// An axis as the lab builds it: `start`, then `start + step`, ... (`n` values).
fn axis(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    let step = (hi - lo) / n as f64;
    let mut v = lo;
    (0..n)
        .map(|_| {
            let x = v;
            v += step;
            x
        })
        .collect()
}

/// The tutorial's region at `n`×`n` pixels (rows from the top, as the lab builds them).
fn tutorial(n: usize) -> (Vec<f64>, Vec<f64>) {
    (
        axis(n, -2.13, 0.77),
        axis(n, -1.3, 1.3).into_iter().rev().collect(),
    )
}

/// A tiny grid of `n`×`n` pixels spanning `span` around `(x, y)`.
fn tiny(x: f64, y: f64, n: usize, span: f64) -> (Vec<f64>, Vec<f64>) {
    (
        axis(n, x - span / 2.0, x + span / 2.0),
        axis(n, y - span / 2.0, y + span / 2.0),
    )
}

fn points(xs: &[f64], ys: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let p = Problem { xs, ys, maxiter: 0 };
    p.points().unzip()
}

fn reference(xs: &[f64], ys: &[f64], maxiter: u32) -> Vec<u32> {
    let (qx, qy) = points(xs, ys);
    let mut out = vec![u32::MAX; qx.len()];
    expanded_math::calculate_z(&qx, &qy, maxiter, &mut out);
    out
}

/// The kernel's counts on one path and schedule, one core, and its tally.
fn kernel(isa: Isa, schedule: Schedule, xs: &[f64], ys: &[f64], maxiter: u32) -> (Vec<u32>, Work) {
    let (qx, qy) = points(xs, ys);
    let mut kept = Compacted::new(qx.len());
    let mut out = vec![u32::MAX; qx.len()];
    let mut work = Work::default();
    kept.fill::<true>(
        isa,
        (&qx, &qy),
        &mut out,
        (maxiter, schedule.head),
        &mut work,
    );
    let next = AtomicUsize::new(0);
    let mut feed = Feed::new(&next, kept.len(), kept.len());
    let limits = (maxiter, schedule);
    simd_refill::run::<true>(
        isa,
        &kept,
        limits,
        &mut feed,
        Counts::new(&mut out),
        &mut work,
    );
    (out, work)
}

/// Both variants on every path, with the schedule they run, against the reference.
fn assert_exact(xs: &[f64], ys: &[f64], maxiter: u32, what: &str) {
    let expected = reference(xs, ys, maxiter);
    let problem = Problem { xs, ys, maxiter };
    for isa in Isa::available() {
        for variant in [&simd_shortcut::VARIANT, &simd_shortcut_rayon::VARIANT] {
            let tuning = Tuning {
                isa: Some(isa),
                threads: Some(2),
                ..Tuning::default()
            };
            let mut k = variant.prepare(&problem, &tuning).unwrap();
            let mut out = vec![u32::MAX; problem.pixels()];
            // Twice: the second run reuses the buffers the first filled.
            for _ in 0..2 {
                k.run(&mut out).unwrap();
                assert!(out == expected, "{} {isa} on {what}", variant.name);
            }
        }
    }
}

#[test]
fn every_path_matches_the_reference_on_the_tutorial_grid() {
    let (xs, ys) = tutorial(100);
    assert_exact(&xs, &ys, 1000, "the tutorial grid, 100x100");
}

#[test]
fn every_path_matches_the_reference_on_the_full_tutorial_grid() {
    let (xs, ys) = tutorial(500);
    assert_exact(&xs, &ys, 1000, "the tutorial grid, 500x500");
}

#[test]
fn every_schedule_is_exact_and_its_tally_adds_up() {
    let (xs, ys) = tutorial(60);
    let maxiter = 3000;
    let expected = reference(&xs, &ys, maxiter);
    let (qx, qy) = points(&xs, &ys);
    for isa in Isa::available() {
        for (every, period, head) in [(1, 24, 0), (2, 7, 5), (3, 16, 1), (5, 24, 40), (8, 12, 16)] {
            for (first_save, growth) in [(0, 0), (1, 2), (100, 0), (0, 3)] {
                let schedule = Schedule {
                    every,
                    first_save,
                    growth,
                    period,
                    head,
                };
                let (out, work) = kernel(isa, schedule, &xs, &ys, maxiter);
                assert!(out == expected, "{isa} {schedule:?}");
                let decided = work.escaped + work.at_maxiter + work.bulb + work.cycle;
                assert_eq!(decided, out.len() as u64, "{isa} {schedule:?}");
                // The escaping pixels are the reference's, and so are their iterations.
                let escapes: Vec<_> = qx
                    .iter()
                    .zip(&qy)
                    .map(|(&x, &y)| orbit::<false, false>(x, y, maxiter))
                    .filter(|o| o.decided == Decided::Escape)
                    .collect();
                assert_eq!(work.escaped, escapes.len() as u64, "{isa} {schedule:?}");
                assert!(
                    work.cycle > 0 && work.bulb > 0,
                    "{isa} {schedule:?}: {work:?}"
                );
                let escaped: u64 = escapes.iter().map(|o| o.executed).sum();
                let at_most = escaped + (out.len() as u64 - work.escaped) * u64::from(maxiter);
                assert!(work.executed <= at_most, "{isa} {schedule:?}");
            }
        }
    }
}

/// A small generator, so the test needs no crate: xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn every_path_matches_the_reference_on_random_grids() {
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    for _ in 0..40 {
        let (w, h) = (1 + rng.next() % 23, 1 + rng.next() % 17);
        let (x, y) = (-2.2 + 2.8 * rng.unit(), -1.3 + 2.6 * rng.unit());
        let span = 10f64.powf(-6.0 * rng.unit());
        let maxiter = match rng.next() % 4 {
            0 => 1 + (rng.next() % 60) as u32,
            1 => REFILL_PERIOD as u32 * (1 + (rng.next() % 4) as u32) + (rng.next() % 3) as u32,
            _ => 1 + (rng.next() % 5000) as u32,
        };
        let xs = axis(w as usize, x, x + span);
        let ys = axis(h as usize, y, y + span * 0.8);
        assert_exact(
            &xs,
            &ys,
            maxiter,
            &format!("{w}x{h} at ({x}, {y}) span {span:e}"),
        );
    }
}

#[test]
fn every_path_matches_the_reference_where_the_shortcuts_are_most_at_risk() {
    // The cusp, the neck, the bulb's far edge, points of the cardioid's rim, and the edges of
    // period-3 bulbs: where orbits converge slowest and escape latest.
    let mut centres = vec![
        (0.25, 0.0),
        (-0.75, 0.0),
        (-1.25, 0.0),
        (-0.1226, 0.7449),
        (-1.7549, 0.0),
    ];
    for theta in [0.7_f64, 2.0, 2.9] {
        let (c, s) = (theta.cos(), theta.sin());
        centres.push((c / 2.0 - (c * c - s * s) / 4.0, s / 2.0 - 2.0 * s * c / 4.0));
    }
    for (x, y) in centres {
        let (xs, ys) = tiny(x, y, 24, 1e-6);
        assert_exact(
            &xs,
            &ys,
            100_000,
            &format!("24x24 spanning 1e-6 at ({x}, {y})"),
        );
    }
}

#[test]
fn the_cycle_check_never_fires_on_an_escaping_orbit() {
    // Rings just outside the bulb and the cardioid's cusp: orbits that escape late. Every
    // pixel the plain loop sees escape must be tallied as an escape, with the same count.
    let mut qx = Vec::new();
    let mut qy = Vec::new();
    for i in 0..600 {
        let t = f64::from(i) / 600.0 * std::f64::consts::TAU;
        for r in [0.251, 0.2501, 0.26] {
            qx.push(-1.0 + r * t.cos());
            qy.push(r * t.sin());
        }
        qx.push(0.25 + 1e-4 * (1.0 + t.cos()));
        qy.push(1e-4 * t.sin());
    }
    let maxiter = 20_000;
    let plain: Vec<_> = qx
        .iter()
        .zip(&qy)
        .map(|(&x, &y)| orbit::<false, false>(x, y, maxiter))
        .collect();
    let escapes = plain
        .iter()
        .filter(|o| o.decided == Decided::Escape)
        .count();
    assert!(escapes > 1000, "the rings escape: {escapes}");
    for isa in Isa::available() {
        for every in [1, SCHEDULE.every] {
            let schedule = Schedule { every, ..SCHEDULE };
            // One row of points: the grid's axes are the points themselves, one per column.
            let mut kept = Compacted::new(qx.len());
            let mut out = vec![u32::MAX; qx.len()];
            let mut work = Work::default();
            let limits = (maxiter, schedule.head);
            kept.fill::<true>(isa, (&qx, &qy), &mut out, limits, &mut work);
            let next = AtomicUsize::new(0);
            let mut feed = Feed::new(&next, kept.len(), kept.len());
            let counts = Counts::new(&mut out);
            simd_refill::run::<true>(
                isa,
                &kept,
                (maxiter, schedule),
                &mut feed,
                counts,
                &mut work,
            );
            assert_eq!(work.escaped, escapes as u64, "{isa} every {every}");
            let expected: Vec<u32> = plain.iter().map(|o| o.count).collect();
            assert!(out == expected, "{isa} every {every}");
        }
    }
}

#[test]
fn the_tally_is_what_the_variant_reports_and_adds_up() {
    let (xs, ys) = tutorial(80);
    let problem = Problem {
        xs: &xs,
        ys: &ys,
        maxiter: 1000,
    };
    let k = simd_shortcut::VARIANT
        .prepare(&problem, &Tuning::default())
        .unwrap();
    let work = crate::Kernel::work(&*k).unwrap();
    let (_, expected) = kernel(Isa::best(), SCHEDULE, &xs, &ys, 1000);
    assert_eq!(work, expected);
    let k = simd_shortcut_rayon::VARIANT
        .prepare(&problem, &Tuning::default())
        .unwrap();
    let rayon = crate::Kernel::work(&*k).unwrap();
    let total = |w: &Work| w.escaped + w.at_maxiter + w.bulb + w.cycle;
    assert_eq!(total(&rayon), problem.pixels() as u64);
    assert_eq!((rayon.escaped, rayon.bulb), (work.escaped, work.bulb));
}
