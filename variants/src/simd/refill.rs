//! The lane-refill kernel: every lane of `U` vectors holds its own pixel, and a lane whose pixel
//! has escaped (or reached `maxiter`) writes its count and takes the next pixel, so the vectors
//! never idle on finished pixels.
//!
//! A vector of eight pixels that ran until its slowest lane finished would waste most of its
//! lanes: at the set's edge neighbouring pixels escape after 3 and after 900 iterations. Here the
//! lanes run in blocks of up to [`REFILL_PERIOD`] iterations; after a block, each vector with a
//! finished lane stores its state, refills the finished lanes with new pixels from the [`Feed`],
//! and reloads. `U` independent vectors are in flight in every iteration, so the
//! multiply-add-compare chain of one (about 4 latencies of 3-4 cycles) overlaps the others'.
//!
//! Within a block every lane computes every iteration; a lane that has escaped keeps computing
//! (its values grow to infinity and NaN) but its mask bit is clear, so its counter stops. Blocks
//! never run a lane past `maxiter`: a block is cut short at the earliest lane's deadline.
//!
//! Finished lanes are packed into a small buffer (`Retired`; one register compress per vector
//! on AVX-512) and written out in batches: a loop over a vector's finished lanes would branch on
//! how many finished, which no predictor guesses, and at 60,000 refills per frame the
//! mispredictions cost 3% of the time (measured on Zen 4: 11.8 → 11.55 ms).
//!
//! The arithmetic is the reference's, in its order, with no fused multiply-add:
//! `zx' = (zx*zx - zy*zy) + qx`, `zy' = (zx*zy + zy*zx) + qy`, escape when `zx*zx + zy*zy > 4`.
//! Two rewrites keep every bit: the squares computed for the escape test are the next step's
//! `zx*zx` and `zy*zy` (the same products of the same values), and `zx*zy + zy*zx` is `t + t`
//! with `t = zx*zy` (floating-point multiplication is commutative). So a lane carries `z` as
//! its three products, `zx*zx`, `zy*zy` and `zx*zy`, computed as soon as `z` is.
//!
//! Registers decide the speed. With `z` as three products, four AVX-512 vectors' state (products,
//! `c`, counters, pixel indices: 28 registers) fits the 32 registers, and `each_vector!` writes
//! the refill out per vector so that the state never leaves them: the loop over vectors with a
//! counter kept it on the stack, with masked stores that later full loads cannot be forwarded
//! from. Measured on Zen 4 (one core, the tutorial's problem): 11.6 ms before, 10.85 ms after
//! (the C yardstick: 10.95 ms); either change alone was slower (12.5 ms), since without the other
//! the state no longer fits. The 16-register paths spill whatever the layout; there the same
//! changes moved AVX2 from 22.4 to 26.0 ms and SSE2 from 39.9 to 35.6 (each change alone also
//! moved AVX2 by 4 to 5 ms: the register allocator's choices, not the operations, decide it).

use std::sync::atomic::{AtomicUsize, Ordering};

use super::lanes::{Lanes, MAX_LANES, all_bits};
use super::{Isa, WithLanes, with_isa};
use crate::VariantError;

/// This file, where the lane-refill kernel is: the variants that run it name it as their hot code, and the
/// machine-code views find its loops by it ([`crate::HotCode::Paths`]).
pub const SOURCE: &str = file!();

/// Iterations per block between refills. Shorter blocks refill sooner (less time on escaped
/// lanes) but pay the store, refill and reload more often; 20 to 32 measured best here.
pub const REFILL_PERIOD: i64 = 24;

/// Hands out pixel indices in grabs from a shared counter: one grab of everything for one core,
/// small grabs for many, so the cores finish together.
pub struct Feed<'a> {
    next: &'a AtomicUsize,
    end: usize,
    grab: usize,
    cur: usize,
    stop: usize,
    exhausted: bool,
}

impl<'a> Feed<'a> {
    /// A feed over pixels `next..end`, taking `grab` pixels from `next` at a time.
    pub fn new(next: &'a AtomicUsize, end: usize, grab: usize) -> Feed<'a> {
        Feed {
            next,
            end,
            grab: grab.max(1),
            cur: 0,
            stop: 0,
            exhausted: false,
        }
    }

    /// Up to `want` consecutive pixels as `(first, count)`, or `None` when every pixel has been
    /// handed out.
    #[inline]
    pub(crate) fn take(&mut self, want: usize) -> Option<(usize, usize)> {
        if self.cur == self.stop {
            if self.exhausted {
                return None;
            }
            let start = self.next.fetch_add(self.grab, Ordering::Relaxed);
            if start >= self.end {
                self.exhausted = true;
                return None;
            }
            self.cur = start;
            self.stop = (start + self.grab).min(self.end);
        }
        let first = self.cur;
        let count = want.min(self.stop - first);
        self.cur += count;
        Some((first, count))
    }
}

/// The lowest `count` lanes of `want` (bits, lane 0 in bit 0): those a refill fills when the
/// feed handed out `count` pixels for the lanes of `want`.
#[inline(always)]
pub(crate) fn lowest_lanes(want: u32, count: usize) -> u32 {
    let mut take = want;
    for _ in count..want.count_ones() as usize {
        take &= !(1 << (31 - take.leading_zeros()));
    }
    take
}

/// The output counts, shared by the threads that fill them.
#[derive(Clone, Copy)]
pub struct Counts {
    ptr: *mut u32,
    len: usize,
}

// SAFETY: threads write through `Counts` only at pixel indices handed out by one `Feed` counter,
// each index exactly once, so no two threads write the same element and nobody reads meanwhile.
unsafe impl Send for Counts {}
// SAFETY: as for `Send`.
unsafe impl Sync for Counts {}

impl Counts {
    /// Shares `out` for the duration of one kernel run.
    pub fn new(out: &mut [u32]) -> Counts {
        Counts {
            ptr: out.as_mut_ptr(),
            len: out.len(),
        }
    }

    #[inline]
    pub(crate) fn write(&self, index: usize, count: u32) {
        assert!(index < self.len, "pixel {index} outside the grid");
        // SAFETY: in bounds (checked above); each index is written once, by the thread that took
        // it from the feed (see `Send`).
        unsafe { self.ptr.add(index).write(count) }
    }
}

/// Refuses grids whose pixel indices do not fit the 32-bit lanes the AVX-512 path keeps them in
/// (over 4 billion pixels: far beyond what the lab's memory check lets through).
pub fn check_grid(variant: &'static str, problem: &crate::Problem<'_>) -> Result<(), VariantError> {
    if problem.pixels() > u32::MAX as usize {
        return Err(VariantError::BadTuning {
            variant,
            message: format!(
                "{} pixels is more than its 32-bit lanes can index",
                problem.pixels()
            ),
        });
    }
    Ok(())
}

/// Runs `body` with `v` bound to each of `0..u` (`u` ≤ 4). Where `written_out` (vectors in
/// registers: every path but the portable one) the body is written out once per vector with `v`
/// a constant, so every `[v]` is a constant index and the vectors' state can stay in registers
/// across the refill, instead of going through memory with a loop counter (masked stores to the
/// stack, then full reloads that cannot be forwarded from them). The portable path's arrays live
/// in memory either way, and written out its refill only grows (measured on Zen 4: 52 ms looped,
/// 67 written out; AVX2 26.0 written out, 26.8 looped; SSE2 35.6 and 37.3).
macro_rules! each_vector {
    ($u:expr, $written_out:expr, |$v:ident| $body:block) => {{
        const { assert!($u <= 4) };
        if !$written_out {
            for $v in 0..$u {
                $body
            }
        } else {
            if 0 < $u {
                let $v = 0;
                $body
            }
            if 1 < $u {
                let $v = 1;
                $body
            }
            if 2 < $u {
                let $v = 2;
                $body
            }
            if 3 < $u {
                let $v = 3;
                $body
            }
        }
    }};
}
pub(crate) use each_vector;

/// Runs [`escape_counts`] on the path `isa` over the pixels `feed` hands out: four vectors in
/// flight where there are 32 vector registers (AVX-512), three where there are 16 (measured on
/// Zen 4: AVX2 about 26 ms with three, 25 with two, 50 with four; SSE2 36, 46 and 37 ms).
pub fn run(isa: Isa, qx: &[f64], qy: &[f64], maxiter: u32, feed: &mut Feed<'_>, out: Counts) {
    struct Job<'a, 'b> {
        qx: &'a [f64],
        qy: &'a [f64],
        maxiter: u32,
        feed: &'a mut Feed<'b>,
        out: Counts,
    }
    impl WithLanes for Job<'_, '_> {
        type Output = ();
        #[inline(always)]
        fn call<S: Lanes>(self, s: S) {
            if S::LANES >= 8 {
                escape_counts::<S, 4>(s, self.qx, self.qy, self.maxiter, self.feed, self.out);
            } else {
                escape_counts::<S, 3>(s, self.qx, self.qy, self.maxiter, self.feed, self.out);
            }
        }
    }
    with_isa(
        isa,
        Job {
            qx,
            qy,
            maxiter,
            feed,
            out,
        },
    );
}

/// Computes the escape count of every pixel the feed hands out, `U` vectors of `S` lanes at a
/// time, writing each into `out` at the pixel's index.
#[inline(always)]
pub fn escape_counts<S: Lanes, const U: usize>(
    s: S,
    qx: &[f64],
    qy: &[f64],
    maxiter: u32,
    feed: &mut Feed<'_>,
    out: Counts,
) {
    let maxiter = i64::from(maxiter);
    let full = all_bits(S::LANES);
    let (zero, four) = (s.splat(0.0), s.splat(4.0));
    // z as its products: the squares, computed for the escape test and reused by the next step,
    // and zx*zy. z itself is not kept (see `iterate`).
    let mut zx2 = [zero; U];
    let mut zy2 = [zero; U];
    let mut zxy = [zero; U];
    let mut cx = [zero; U];
    let mut cy = [zero; U];
    // Iterations each lane's pixel has run while alive, and the pixel itself.
    let mut n = [s.zeros(); U];
    let mut pixel = [s.zeros(); U];
    let mut alive = [s.mask(0); U];
    // Lanes with no pixel: at the start, and once the feed is empty.
    let mut idle = [full; U];
    // An upper bound of the largest counter: when it reaches maxiter, some lane may be done.
    let mut most = maxiter;
    let mut retired = Retired::new();
    loop {
        let mut busy = false;
        each_vector!(U, S::REGISTERS, |v| {
            let alive_bits = s.bits(alive[v]);
            let escaped = !alive_bits & full & !idle[v];
            let spent = if most == maxiter {
                s.count_is(n[v], maxiter) & alive_bits
            } else {
                0
            };
            if escaped | spent != 0 {
                retired.push(s, n[v], pixel[v], (escaped, spent), out, |p| p as usize);
            }
            let empty = escaped | spent | idle[v];
            if empty != 0 {
                let mut want = empty;
                while want != 0 {
                    let Some((first, count)) = feed.take(want.count_ones() as usize) else {
                        break;
                    };
                    // The lowest `count` lanes of `want` take pixels first..first + count.
                    let take = lowest_lanes(want, count);
                    cx[v] = s.expand(cx[v], take, &qx[first..first + count]);
                    cy[v] = s.expand(cy[v], take, &qy[first..first + count]);
                    pixel[v] = s.expand_index(pixel[v], take, first as i64);
                    want &= !take;
                }
                // Lanes left in `want` get no pixel: they idle at c = 0, which never escapes.
                cx[v] = s.clear(cx[v], want);
                cy[v] = s.clear(cy[v], want);
                zx2[v] = s.clear(zx2[v], empty);
                zy2[v] = s.clear(zy2[v], empty);
                zxy[v] = s.clear(zxy[v], empty);
                n[v] = s.clear_counts(n[v], empty);
                idle[v] = want;
                alive[v] = s.mask((alive_bits | empty) & !want);
            }
            busy |= idle[v] != full;
        });
        if !busy {
            retired.write(out, |p| p as usize);
            return; // Every lane is idle: every pixel is done.
        }
        if most == maxiter {
            // Some lane may have been at maxiter: the bound is recomputed from the counters.
            // Otherwise it stays a bound, as refilled lanes start at 0.
            most = (0..U).map(|v| s.max_count(n[v])).max().unwrap_or(0);
        }
        let block = (maxiter - most).min(REFILL_PERIOD);
        most += block;
        for _ in 0..block {
            for v in 0..U {
                let z = (&mut zx2[v], &mut zy2[v], &mut zxy[v]);
                iterate(s, z, (cx[v], cy[v]), (&mut n[v], &mut alive[v]), four);
            }
        }
    }
}

/// Finished pixels waiting to be written: appended a vector's worth at a time (packed, with no
/// loop over lanes), written out in one predictable loop when [`RETIRED`] have gathered. A lane
/// holds a pixel's index in the arrays the kernel reads; `at` turns it into the pixel's index in
/// the grid (the identity here; through the index of the kept pixels in the shortcuts' kernel).
pub(crate) struct Retired {
    pixels: [u32; RETIRED + MAX_LANES],
    counts: [u32; RETIRED + MAX_LANES],
    len: usize,
}

/// Pixels gathered before they are written out.
const RETIRED: usize = 256;

impl Retired {
    pub(crate) fn new() -> Retired {
        Retired {
            pixels: [0; RETIRED + MAX_LANES],
            counts: [0; RETIRED + MAX_LANES],
            len: 0,
        }
    }

    /// Gathers the lanes that finished: `n - 1` (the iteration of escape) for the `escaped`
    /// lanes, 0 for the `spent` ones, which stayed bounded for maxiter iterations.
    #[inline(always)]
    pub(crate) fn push<S: Lanes>(
        &mut self,
        s: S,
        n: S::I,
        pixel: S::I,
        finished: (u32, u32),
        out: Counts,
        at: impl Fn(u32) -> usize,
    ) {
        let len = self.len;
        self.len += s.pack_finished(
            (n, pixel),
            finished,
            &mut self.pixels[len..],
            &mut self.counts[len..],
        );
        if self.len >= RETIRED {
            self.write(out, at);
        }
    }

    /// Writes every gathered count into `out`, at the grid index `at` gives.
    pub(crate) fn write(&mut self, out: Counts, at: impl Fn(u32) -> usize) {
        for (&pixel, &count) in self.pixels[..self.len].iter().zip(&self.counts[..self.len]) {
            out.write(at(pixel), count);
        }
        self.len = 0;
    }
}

/// One inner iteration of one vector: the next `z = z*z + c` from `z`'s products, its products
/// (the new squares and `zx*zy`), and the escape test, counting the lanes still alive (the
/// reference's operations, in its order).
///
/// Only the products are carried from one iteration to the next: they are all the next step
/// needs, and three vectors of state instead of four leave registers for a fourth vector in
/// flight with its pixel indices.
#[inline(always)]
pub fn iterate<S: Lanes>(
    s: S,
    (zx2, zy2, zxy): (&mut S::F, &mut S::F, &mut S::F),
    (cx, cy): (S::F, S::F),
    (n, alive): (&mut S::I, &mut S::M),
    four: S::F,
) {
    let x = s.add(s.sub(*zx2, *zy2), cx);
    let y = s.add(s.add(*zxy, *zxy), cy);
    *zx2 = s.mul(x, x);
    *zy2 = s.mul(y, y);
    *zxy = s.mul(x, y);
    *n = s.count(*n, *alive);
    *alive = s.and_le(*alive, s.add(*zx2, *zy2), four);
}
