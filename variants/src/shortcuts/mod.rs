//! The shortcuts family (beyond the tutorial): the same exact loop as `expanded`, with the work
//! whose answer is already known left out, and not one pixel changed.
//!
//! On the tutorial's problem 50,066 of the 250,000 pixels never escape, and they take about 97% of
//! the inner iterations, each running to `maxiter` to learn the answer 0. Two facts give that
//! answer sooner:
//!
//! - **The main cardioid and the period-2 bulb** ([`in_bulb`]). A point inside either has an
//!   attracting fixed point or 2-cycle, and its orbit never escapes. The test keeps a margin
//!   ([`MARGIN`]): it accepts a point only where the cycle's multiplier `μ` has `|μ| ≤ 1 − MARGIN`.
//!   Why that makes the answer exact in floating point, and not only in exact arithmetic: near
//!   the attracting fixed point `z*` the map is `f(z) − z* = (z − z*)(z + z*)`, and `|2z*| = |μ|`,
//!   so on the disc `|z − z*| ≤ R` with `R = (1 − |μ|)/2` it contracts by at least
//!   `(1 + |μ|)/2`. Each floating-point step adds an error `e` with `|e|` about `4·2⁻⁵³·(|z|² + |c|)`,
//!   below `1e-15` on this region; the disc maps into itself as long as
//!   `|e| ≤ R·(1 − |μ|)/2 = (1 − |μ|)²/4`, which with `|μ| ≤ 1 − 1/1024` is above `2e-7`, eight
//!   orders of magnitude above the rounding: the rounded
//!   orbit, once in the disc, never leaves it, let alone reaches `|z| > 2`. Before it reaches the
//!   disc the orbit lies in the filled Julia set, at least `2 − 1.5` from the escape circle
//!   (every such `c` has `|c| ≤ 3/4`, so the set lies within `|z| ≤ (1 + √(1 + 4|c|))/2 = 1.5`), a
//!   distance rounding errors of `1e-15` per step do not cross in the few hundred steps the
//!   approach takes. The same holds for the 2-cycle of the bulb (`μ = 4(c + 1)`) with `f∘f`.
//!   Without the margin the argument fails where `|μ|` is near 1 (a Siegel disc's rotation does
//!   not contract rounding errors); those points are left to the loop, and the tests run the
//!   grids where the shortcut is most at risk (the cusp, the neck, the bulb's far edge, the rim)
//!   against the reference at maxiter 100,000.
//! - **Bit-exact cycle detection** ([`orbit`] with `CYCLES`), as Fractint's "periodicity
//!   checking" but with exact equality: `z` is saved at iterations 1, 2, 4, 8, … (Brent's
//!   schedule) and each new `z` is compared with the saved one, bit for bit. The map is
//!   deterministic, so a repeated `z` means the orbit repeats forever, through values that have
//!   all been tested and did not escape: the answer is 0, exactly the reference's. The
//!   comparison comes after the escape test, so an escaping pixel's count is untouched; no
//!   tolerance, since an approximate comparison would change answers.
//!
//! Each variant changes one thing from its predecessor: [`bulb_check`] (`expanded` plus the bulb
//! test), [`cycle_check`] (`expanded` plus cycle detection), [`shortcut`] (both),
//! [`simd_shortcut`] (`simd-lanes` plus both: the bulb pass in [`compact`], the lanes with the
//! cycle check in [`simd_refill`]), [`simd_shortcut_rayon`] (that on every core).

pub mod bulb_check;
pub mod compact;
pub mod cycle_check;
#[cfg(test)]
mod edge_tests;
mod first_pass;
pub mod shortcut;
pub mod simd_refill;
pub mod simd_shortcut;
pub mod simd_shortcut_rayon;
#[cfg(test)]
mod simd_tests;

use crate::simd::lanes::{Lanes, all_bits};
use crate::{Decided, Problem, Work};

/// The margin of the bulb test: accepted points have a multiplier `|μ| ≤ 1 − MARGIN`. Measured on
/// the tutorial's problem (`shortcut`, maxiter 1000): with 1/64 the test decides 42,501 pixels and
/// 6.98 M inner iterations are left; with 1/1024, 43,972 and 5.51 M; with 1/65536, 44,061 and
/// 5.42 M. The last step gains under 2% and brings the rim 64 times nearer: 1/1024 it is.
pub const MARGIN: f64 = 1.0 / 1024.0;

/// Whether `c = x + iy` is well inside the main cardioid or the period-2 bulb (see the module's
/// argument): its orbit never escapes, in exact arithmetic or in the reference's.
///
/// The tests run in turn and stop at the first answer, which suits a loop over one point at a
/// time: no cardioid test outside the cardioid's box. `in_bulb_bits` is the same test for
/// vectors of points.
#[inline]
pub fn in_bulb(x: f64, y: f64) -> bool {
    in_period2_bulb(x, y) || (near_cardioid(x, y) && in_cardioid(x, y))
}

/// [`in_bulb`] in vector lanes, as bits (lane 0 in bit 0): [`period2_bits`] and
/// [`cardioid_bits`], the same operations as [`in_bulb`]'s in the same order, lane by lane, so
/// each lane's answer is [`in_bulb`]'s for its point (the tests compare them on every path).
/// `simd-shortcut`'s first pass runs it where a lane is in [`BULB_BOX`]: the scalar test in a
/// loop over points, even branch-free, cost that pass 0.15 of its 0.27 ms with no iteration on
/// AVX-512.
#[inline(always)]
pub(crate) fn in_bulb_bits<S: Lanes>(s: S, x: S::F, y: S::F) -> u32 {
    period2_bits(s, x, y) | cardioid_bits(s, x, y)
}

/// [`in_period2_bulb`] in vector lanes, as bits.
#[inline(always)]
pub(crate) fn period2_bits<S: Lanes>(s: S, x: S::F, y: S::F) -> u32 {
    let dx = s.add(x, s.splat(1.0));
    s.bits(s.gt(s.splat(PERIOD2_R2), s.add(s.mul(dx, dx), s.mul(y, y))))
}

/// [`near_cardioid`] and [`in_cardioid`] in vector lanes, as bits: every lane's cardioid test
/// is computed, and only the lanes in the box keep it, with no branch (`|y| ≤ 0.7` is
/// `−0.7 ≤ y ≤ 0.7`, the same answer for every `y`). No closure for the constants: a closure
/// does not inherit the caller's target features, and the lanes' operations would then be
/// calls (the pass took 25 times as long).
#[inline(always)]
pub(crate) fn cardioid_bits<S: Lanes>(s: S, x: S::F, y: S::F) -> u32 {
    let near = s.bits(in_box(s, (x, y), NEAR_CARDIOID));
    let wr = s.sub(s.splat(1.0), s.mul(s.splat(4.0), x));
    let wi = s.mul(s.splat(-4.0), y);
    let m2 = s.add(s.mul(wr, wr), s.mul(wi, wi));
    let p = s.sub(s.add(m2, s.splat(K * K)), s.mul(s.splat(2.0), wr));
    let bound = s.mul(s.mul(s.mul(s.splat(4.0), m2), s.splat(LL)), s.splat(LL));
    near & s.bits(s.or(s.gt(s.splat(0.0), p), s.gt(bound, s.mul(p, p))))
}

/// The lanes whose point `(x, y)` is in the box `(x_min, x_max, y_min, y_max)`, its edges
/// included.
#[inline(always)]
pub(crate) fn in_box<S: Lanes>(s: S, (x, y): (S::F, S::F), b: (f64, f64, f64, f64)) -> S::M {
    let all = s.mask(all_bits(S::LANES));
    let in_x = s.and_le(s.and_le(all, s.splat(b.0), x), x, s.splat(b.1));
    s.and_le(s.and_le(in_x, s.splat(b.2), y), y, s.splat(b.3))
}

/// [`near_cardioid`]'s box, symmetric about the real axis.
const NEAR_CARDIOID: (f64, f64, f64, f64) = (-0.8, 0.3, -0.7, 0.7);

/// A box that holds every point [`in_bulb`] accepts, `(x_min, x_max, y_min, y_max)`, with room
/// to spare: the cardioid's part answers yes only inside [`near_cardioid`]'s box, the period-2
/// bulb's only inside its disc (centre −1, radius under 1/4). A pass over points skips the test
/// where none is in it (the tests check that no point outside is accepted).
pub(crate) const BULB_BOX: (f64, f64, f64, f64) = (-1.3, 0.35, -0.75, 0.75);

/// The multiplier's limit: accepted points have `|μ| < LIMIT`.
const LIMIT: f64 = 1.0 - MARGIN;

/// `LIMIT²`.
const LL: f64 = LIMIT * LIMIT;

/// The period-2 bulb's radius, squared, with the margin: `(LIMIT / 4)²`.
const PERIOD2_R2: f64 = (LIMIT / 4.0) * (LIMIT / 4.0);

/// The period-2 bulb's part of [`in_bulb`]: centre −1, radius 1/4; its 2-cycle's multiplier is
/// `4(c + 1)`.
#[inline]
pub(crate) fn in_period2_bulb(x: f64, y: f64) -> bool {
    let dx = x + 1.0;
    dx * dx + y * y < PERIOD2_R2
}

/// The box where the cardioid's test is tried: outside it [`in_bulb`] answers no whatever
/// [`in_cardioid`] says. It holds the cardioid but for the tips of its two lobes (which reach
/// x = 0.375 near y = ±0.22, past the box's 0.3): their few points are left to the loop.
#[inline]
pub(crate) fn near_cardioid(x: f64, y: f64) -> bool {
    let (x_min, x_max, _, y_max) = NEAR_CARDIOID;
    (x_min..=x_max).contains(&x) & (y.abs() <= y_max)
}

/// The main cardioid's part of [`in_bulb`], used only inside [`near_cardioid`]'s box: the fixed
/// point's multiplier is `μ = 1 − s` with `s = a + ib = √w`, `w = 1 − 4c`, the principal square
/// root, and the test is `|μ|² < L²` (`L = 1 − MARGIN`), with no square root at all:
///
/// - `|1 − s|² = 1 − 2a + |s|²` and `|s|² = |w| = m`, so the test is `m + k < 2a` with
///   `k = 1 − L² > 0`;
/// - both sides are at least 0 and `4a² = 2(m + wr)`, so it is `(m + k)² < 2(m + wr)`, that is
///   `P < 2mL²` with `P = m² + k² − 2wr` (and `m² = wr² + wi²`, no root);
/// - where `P < 0` that holds; elsewhere both sides are at least 0 and it is `P² < 4m²L⁴`.
///
/// Why rounding cannot matter: `P² − 4m²L⁴ = (|μ|² − L²)(m + k + 2a)(P + 2mL²)`, whose last two
/// factors are positive wherever the second branch is taken, so the rounded test can disagree with
/// the exact one only for `|μ|` a few roundings from `L`, where the argument of the module's docs
/// holds with orders of magnitude to spare (the tests compare it with the multiplier itself,
/// computed with its square roots, on a dense grid and along the curve `|μ| = L`). Three square
/// roots (the multiplier itself) cost the first pass of `simd-shortcut` 0.14 ms of its 0.34 ms
/// bulb test on AVX-512; this costs a few multiplies.
#[inline]
fn in_cardioid(x: f64, y: f64) -> bool {
    let (wr, wi) = (1.0 - 4.0 * x, -4.0 * y);
    let m2 = wr * wr + wi * wi;
    let p = m2 + K * K - 2.0 * wr;
    (p < 0.0) | (p * p < 4.0 * m2 * LL * LL)
}

/// `1 − L²`, the cardioid test's margin in `|μ|²` (see [`in_cardioid`]).
const K: f64 = 1.0 - LL;

/// One pixel's answer: its count (the reference's), the inner iterations run to get it, and what
/// decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub count: u32,
    pub executed: u64,
    pub decided: Decided,
}

/// The `expanded` loop for `c = (qx, qy)`, with the bulb test first where `BULB` and bit-exact
/// cycle detection where `CYCLES`. The kernels read [`Outcome::count`] alone, and the counting
/// compiles away; [`work`] reads the rest.
#[inline(always)]
pub fn orbit<const BULB: bool, const CYCLES: bool>(qx: f64, qy: f64, maxiter: u32) -> Outcome {
    if BULB && in_bulb(qx, qy) {
        return Outcome {
            count: 0,
            executed: 0,
            decided: Decided::Bulb,
        };
    }
    let (mut zx, mut zy) = (0.0_f64, 0.0_f64);
    let (mut zx2, mut zy2) = (0.0_f64, 0.0_f64);
    // The saved z (the start, 0, at first) and the iteration at which the next is saved.
    let (mut saved_x, mut saved_y) = (zx.to_bits(), zy.to_bits());
    let mut save_at = 1_u32;
    for iteration in 0..maxiter {
        let zx_new = (zx2 - zy2) + qx;
        let zy_new = (zx * zy + zy * zx) + qy;
        zx = zx_new;
        zy = zy_new;
        zx2 = zx * zx;
        zy2 = zy * zy;
        if zx2 + zy2 > 4.0 {
            return Outcome {
                count: iteration,
                executed: u64::from(iteration) + 1,
                decided: Decided::Escape,
            };
        }
        if CYCLES {
            if zx.to_bits() == saved_x && zy.to_bits() == saved_y {
                return Outcome {
                    count: 0,
                    executed: u64::from(iteration) + 1,
                    decided: Decided::Cycle,
                };
            }
            if iteration == save_at {
                (saved_x, saved_y) = (zx.to_bits(), zy.to_bits());
                save_at = save_at.saturating_mul(2);
            }
        }
    }
    Outcome {
        count: 0,
        executed: u64::from(maxiter),
        decided: Decided::MaxIter,
    }
}

/// [`orbit`] over the points `(qx[i], qy[i])`: the counts alone.
pub fn calculate_z<const BULB: bool, const CYCLES: bool>(
    qx: &[f64],
    qy: &[f64],
    maxiter: u32,
    output: &mut [u32],
) {
    for ((&x, &y), out) in qx.iter().zip(qy).zip(output.iter_mut()) {
        *out = orbit::<BULB, CYCLES>(x, y, maxiter).count;
    }
}

/// What [`orbit`] does over the points `(qx[i], qy[i])`, counted in an untimed pass: the inner
/// iterations executed and who decided each pixel.
pub fn work<const BULB: bool, const CYCLES: bool>(qx: &[f64], qy: &[f64], maxiter: u32) -> Work {
    let mut w = Work::default();
    for (&x, &y) in qx.iter().zip(qy) {
        let o = orbit::<BULB, CYCLES>(x, y, maxiter);
        w.add(o.decided, o.executed);
    }
    w
}

/// A shortcut variant's own loop over the points: a function in the variant's module, so that
/// the machine-code views find it by the module's path ([`crate::HotCode::Symbol`]).
pub(crate) type Loop = fn(&[f64], &[f64], u32, &mut [u32]);

/// The kernel every scalar shortcut variant prepares: the points as two arrays, as `expanded` has
/// them, its loop, and the untimed pass that counts its work.
pub(crate) struct Points {
    qx: Vec<f64>,
    qy: Vec<f64>,
    maxiter: u32,
    run: Loop,
    work: fn(&[f64], &[f64], u32) -> Work,
}

impl Points {
    /// The kernel of the variant whose loop is `run` (its `calculate_z`) and whose shortcuts are
    /// `BULB` and `CYCLES`.
    pub(crate) fn prepare<const BULB: bool, const CYCLES: bool>(
        problem: &Problem<'_>,
        run: Loop,
    ) -> Result<Box<dyn crate::Kernel>, crate::VariantError> {
        let (qx, qy) = problem.points().unzip();
        Ok(Box::new(Points {
            qx,
            qy,
            maxiter: problem.maxiter,
            run,
            work: work::<BULB, CYCLES>,
        }))
    }
}

impl crate::Kernel for Points {
    fn run(&mut self, out: &mut [u32]) -> Result<(), crate::VariantError> {
        (self.run)(&self.qx, &self.qy, self.maxiter, out);
        Ok(())
    }

    fn work(&self) -> Option<Work> {
        Some((self.work)(&self.qx, &self.qy, self.maxiter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bulb_test_accepts_inside_and_rejects_just_outside_each_boundary() {
        // Well inside: the cardioid's centre region and the bulb's centre.
        assert!(in_bulb(0.0, 0.0) && in_bulb(-0.5, 0.3) && in_bulb(-1.0, 0.0));
        // Just outside: past the cusp, beyond the neck's bulb edge, above the cardioid's top.
        for (x, y) in [
            (0.250_001, 0.0),
            (-1.250_001, 0.0),
            (-0.1, 0.66),
            (0.3, 0.0),
        ] {
            assert!(!in_bulb(x, y), "({x}, {y})");
        }
        // On the boundaries, where the multiplier is 1: refused by the margin.
        for t in 0..64 {
            let theta = f64::from(t) * std::f64::consts::TAU / 64.0;
            let (c, s) = (theta.cos(), theta.sin());
            // c(θ) = e^{iθ}/2 − e^{2iθ}/4 on the cardioid; −1 + e^{iθ}/4 on the bulb.
            let (x, y) = (c / 2.0 - (c * c - s * s) / 4.0, s / 2.0 - 2.0 * s * c / 4.0);
            assert!(!in_bulb(x, y), "cardioid rim at θ = {theta}");
            assert!(!in_bulb(-1.0 + c / 4.0, s / 4.0), "bulb rim at θ = {theta}");
        }
        // Far away and not a number: refused, never a panic.
        assert!(!in_bulb(1e300, 1e300) && !in_bulb(f64::NAN, 0.0));
    }

    /// Points where the bulb test is most at risk: a dense grid around both shapes, their rims
    /// at the margin (`|μ| = LIMIT`) and one step either side, the boxes' edges, and values that
    /// are not numbers or far away.
    fn risky_points() -> Vec<(f64, f64)> {
        let mut points = Vec::new();
        let steps = 400;
        for i in 0..=steps {
            for j in 0..=steps {
                let x = -2.2 + 3.0 * f64::from(i) / f64::from(steps);
                let y = -1.4 + 2.8 * f64::from(j) / f64::from(steps);
                points.push((x, y));
            }
        }
        for t in 0..4096 {
            let theta = f64::from(t) * std::f64::consts::TAU / 4096.0;
            let (c, s) = (LIMIT * theta.cos(), LIMIT * theta.sin());
            // c = μ/2 − μ²/4 on the cardioid's curve |μ| = LIMIT; −1 + μ/4 on the bulb's.
            let cardioid = (c / 2.0 - (c * c - s * s) / 4.0, s / 2.0 - 2.0 * s * c / 4.0);
            let bulb = (-1.0 + c / 4.0, s / 4.0);
            for (x, y) in [cardioid, bulb] {
                for dx in [-1, 0, 1] {
                    let nx = f64::from_bits(x.to_bits().wrapping_add_signed(dx));
                    points.push((nx, y));
                }
            }
        }
        for (x0, x1, y0, y1) in [NEAR_CARDIOID, BULB_BOX] {
            for x in [x0, x1] {
                for y in [y0, y1, 0.0, -0.0] {
                    points.push((x, y));
                }
            }
        }
        points.extend([
            (f64::NAN, 0.0),
            (0.0, f64::NAN),
            (f64::INFINITY, 0.0),
            (f64::NEG_INFINITY, f64::INFINITY),
            (1e300, -1e300),
            (-1e300, 1e300),
        ]);
        points
    }

    #[test]
    fn the_bulb_test_in_vector_lanes_has_the_same_answer_on_every_path() {
        struct Compare<'a>(&'a [(f64, f64)]);
        impl crate::simd::WithLanes for Compare<'_> {
            type Output = Vec<String>;
            #[inline(always)]
            fn call<S: Lanes>(self, s: S) -> Vec<String> {
                let mut wrong = Vec::new();
                for group in self.0.chunks(S::LANES) {
                    let (mut xs, mut ys) = ([0.0; 8], [0.0; 8]);
                    for (l, &(x, y)) in group.iter().enumerate() {
                        (xs[l], ys[l]) = (x, y);
                    }
                    let bits = in_bulb_bits(s, s.load(&xs), s.load(&ys));
                    for (l, &(x, y)) in group.iter().enumerate() {
                        if (bits >> l & 1 == 1) != in_bulb(x, y) {
                            wrong.push(format!("({x:e}, {y:e})"));
                        }
                    }
                }
                wrong
            }
        }
        let points = risky_points();
        for isa in crate::simd::Isa::available() {
            let wrong = crate::simd::with_isa(isa, Compare(&points));
            assert!(
                wrong.is_empty(),
                "{isa}: {} points differ: {wrong:?}",
                wrong.len()
            );
        }
    }

    #[test]
    fn no_point_outside_the_bulb_box_is_accepted() {
        let (x0, x1, y0, y1) = BULB_BOX;
        let outside = |(x, y): (f64, f64)| !(x0..=x1).contains(&x) || !(y0..=y1).contains(&y);
        let mut points = risky_points();
        // The rims at |μ| = 1, beyond the margin: the shapes' own edges (the cardioid's reach
        // x = 0.375, beyond `near_cardioid`'s box: the test never accepts them).
        for t in 0..4096 {
            let theta = f64::from(t) * std::f64::consts::TAU / 4096.0;
            let (c, s) = (theta.cos(), theta.sin());
            points.push((c / 2.0 - (c * c - s * s) / 4.0, s / 2.0 - 2.0 * s * c / 4.0));
            points.push((-1.0 + c / 4.0, s / 4.0));
        }
        for &p in &points {
            assert!(
                !(in_bulb(p.0, p.1) && outside(p)),
                "{p:?} is accepted outside the box"
            );
        }
    }

    /// The cardioid's multiplier `|μ|`, computed with its square roots (the test's oracle).
    fn multiplier(x: f64, y: f64) -> f64 {
        let (wr, wi) = (1.0 - 4.0 * x, -4.0 * y);
        let modulus = (wr * wr + wi * wi).sqrt();
        let sr = ((modulus + wr) * 0.5).sqrt();
        let si = ((modulus - wr) * 0.5).sqrt().copysign(wi);
        (1.0 - sr).hypot(si)
    }

    #[test]
    fn the_cardioid_test_without_square_roots_is_the_multipliers_limit() {
        // Wherever the test and `|μ| < L` disagree, `|μ|` is L to within rounding: the module's
        // argument holds there all the same. A dense grid over the box, then the curve |μ| = L
        // itself and either side of it, where the two can disagree at all.
        let check = |x: f64, y: f64| {
            let mu = multiplier(x, y);
            if in_cardioid(x, y) != (mu < LIMIT) {
                assert!((mu - LIMIT).abs() < 1e-12, "({x}, {y}): |μ| = {mu}");
            }
        };
        let steps = 1000;
        for i in 0..=steps {
            for j in 0..=steps {
                check(
                    -0.8 + 1.1 * f64::from(i) / f64::from(steps),
                    -0.7 + 1.4 * f64::from(j) / f64::from(steps),
                );
            }
        }
        for t in 0..20_000 {
            let theta = f64::from(t) * std::f64::consts::TAU / 20_000.0;
            for r in [
                LIMIT - 1e-6,
                LIMIT - 1e-12,
                LIMIT,
                LIMIT + 1e-12,
                LIMIT + 1e-6,
            ] {
                let (c, s) = (r * theta.cos(), r * theta.sin());
                // c = μ/2 − μ²/4 for μ = r·e^{iθ}.
                check(c / 2.0 - (c * c - s * s) / 4.0, s / 2.0 - 2.0 * s * c / 4.0);
            }
        }
        // Well inside and well outside, and the cusp, where `w` is 0.
        assert!(in_cardioid(0.0, 0.0) && in_cardioid(-0.5, 0.3) && !in_cardioid(0.25, 0.0));
    }

    #[test]
    fn the_cycle_check_never_fires_on_an_escaping_orbit() {
        // Points just outside the set escape late; every count must be the plain loop's.
        for i in 0..600 {
            let t = f64::from(i) / 600.0 * std::f64::consts::TAU;
            for r in [0.251, 0.2501, 0.26] {
                let (x, y) = (-1.0 + r * t.cos(), r * t.sin());
                let plain = orbit::<false, false>(x, y, 20_000);
                let checked = orbit::<false, true>(x, y, 20_000);
                assert_eq!(plain.count, checked.count, "({x}, {y})");
                if plain.decided == Decided::Escape {
                    assert_eq!(checked.decided, Decided::Escape, "({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn a_repeated_start_is_a_cycle() {
        // c = 0: z stays 0, equal to the start at once.
        let o = orbit::<false, true>(0.0, 0.0, 1000);
        assert_eq!((o.count, o.decided, o.executed), (0, Decided::Cycle, 1));
        // c = −1: 0, −1, 0, −1, ...: back to the start after two steps.
        let o = orbit::<false, true>(-1.0, 0.0, 1000);
        assert_eq!((o.count, o.decided), (0, Decided::Cycle));
        assert_eq!(orbit::<true, true>(-1.0, 0.0, 1000).decided, Decided::Bulb);
    }
}
