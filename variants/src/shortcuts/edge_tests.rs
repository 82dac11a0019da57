//! The SIMD shortcuts at their edges, on every path this CPU has, against the reference: every
//! maxiter from 0 to 100 (around each block length the kernel uses: the first pass's 16
//! iterations and the lanes' blocks of 24, and values that are no multiple of either; the
//! schedules' own test covers other lengths), grids of one pixel, one
//! row and one column (lengths that are no multiple of a vector, of a pass chunk or of a worker's
//! part), and a grid whose every pixel the bulb test decides.

use super::simd_refill::SCHEDULE;
use super::{in_bulb, simd_shortcut, simd_shortcut_rayon};
use crate::scalar::expanded_math;
use crate::simd::Isa;
use crate::{Problem, Tuning, Work};

/// `n` values from `lo` towards `hi`, as the lab builds an axis.
fn axis(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    let step = (hi - lo) / n as f64;
    (0..n).map(|i| lo + step * i as f64).collect()
}

/// Every SIMD shortcut variant on every path (the rayon one on two and three workers) against
/// the reference, twice each, so the second run reuses the buffers the first filled; and the
/// tally of each accounts for every pixel.
fn assert_exact(xs: &[f64], ys: &[f64], maxiter: u32, what: &str) {
    let problem = Problem { xs, ys, maxiter };
    let (qx, qy): (Vec<f64>, Vec<f64>) = problem.points().unzip();
    let mut expected = vec![u32::MAX; qx.len()];
    expanded_math::calculate_z(&qx, &qy, maxiter, &mut expected);
    for isa in Isa::available() {
        let runs = [
            (&simd_shortcut::VARIANT, None),
            (&simd_shortcut_rayon::VARIANT, Some(2)),
            (&simd_shortcut_rayon::VARIANT, Some(3)),
        ];
        for (variant, threads) in runs {
            let tuning = Tuning {
                isa: Some(isa),
                threads,
                ..Tuning::default()
            };
            let mut k = variant.prepare(&problem, &tuning).unwrap();
            for _ in 0..2 {
                let mut out = vec![u32::MAX; qx.len()];
                k.run(&mut out).unwrap();
                assert!(
                    out == expected,
                    "{} {isa} {threads:?} on {what}, maxiter {maxiter}",
                    variant.name
                );
            }
            let w: Work = k.work().unwrap();
            let decided = w.escaped + w.at_maxiter + w.bulb + w.cycle;
            assert_eq!(decided, qx.len() as u64, "{} {isa} on {what}", variant.name);
        }
    }
}

#[test]
fn every_maxiter_from_0_to_100_is_exact_across_the_block_lengths() {
    // A grid across the set's edge: pixels that escape at once, late, and never, in 13 x 11
    // pixels (143: no multiple of a vector or of a pass chunk).
    let (xs, ys) = (axis(13, -2.1, 0.6), axis(11, -1.2, 1.2));
    const { assert!(SCHEDULE.head < 100 && SCHEDULE.period < 100) };
    for maxiter in 0..=100 {
        assert_exact(&xs, &ys, maxiter, "a 13 x 11 grid across the set");
    }
}

#[test]
fn a_grid_of_one_pixel_is_exact_wherever_the_pixel_lies() {
    // Escapes at once, escapes late, periodic (decided by a cycle), in the bulb.
    for (x, y) in [
        (1.5, 1.5),
        (-0.75, 0.1),
        (-0.1, 0.9),
        (0.0, 0.0),
        (-1.0, 0.0),
    ] {
        for maxiter in [1, 15, 16, 17, 24, 25, 1000] {
            assert_exact(&[x], &[y], maxiter, &format!("the pixel ({x}, {y})"));
        }
    }
}

#[test]
fn grids_of_one_row_and_one_column_are_exact() {
    for n in [2, 7, 8, 9, 63, 64, 65, 129, 301] {
        let (row, column) = (axis(n, -2.1, 0.6), axis(n, -1.2, 1.2));
        for maxiter in [1, 16, 17, 300] {
            assert_exact(&row, &[0.05], maxiter, &format!("a row of {n}"));
            assert_exact(&[-0.74], &column, maxiter, &format!("a column of {n}"));
        }
    }
}

#[test]
fn a_grid_the_bulb_test_decides_entirely_is_exact() {
    let (xs, ys) = (axis(37, -0.4, 0.1), axis(29, -0.3, 0.3));
    assert!(xs.iter().all(|&x| ys.iter().all(|&y| in_bulb(x, y))));
    for maxiter in [0, 1, 16, 1000] {
        assert_exact(&xs, &ys, maxiter, "a grid inside the cardioid");
    }
}
