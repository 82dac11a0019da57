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
//! The arithmetic is the reference's, in its order, with no fused multiply-add:
//! `zx' = (zx*zx - zy*zy) + qx`, `zy' = (zx*zy + zy*zx) + qy`, escape when `zx*zx + zy*zy > 4`.
//! Two rewrites keep every bit: the squares computed for the escape test are the next step's
//! `zx*zx` and `zy*zy` (the same products of the same values), and `zx*zy + zy*zx` is `t + t`
//! with `t = zx*zy` (floating-point multiplication is commutative).

use std::sync::atomic::{AtomicUsize, Ordering};

use super::lanes::{Lanes, MAX_LANES, all_bits};
use super::{Isa, WithLanes, with_isa};

/// Iterations per block between refills. Shorter blocks refill sooner (less time on escaped
/// lanes) but pay the store, refill and reload more often; 20 to 32 measured best here.
pub const REFILL_PERIOD: u64 = 24;

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

    /// The next pixel, or `None` when every pixel has been handed out.
    #[inline]
    fn take(&mut self) -> Option<usize> {
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
        let p = self.cur;
        self.cur += 1;
        Some(p)
    }
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
    fn write(&self, index: usize, count: u32) {
        assert!(index < self.len, "pixel {index} outside the grid");
        // SAFETY: in bounds (checked above); each index is written once, by the thread that took
        // it from the feed (see `Send`).
        unsafe { self.ptr.add(index).write(count) }
    }
}

/// Runs [`escape_counts`] on the path `isa` over the pixels `feed` hands out: four vectors in
/// flight where there are 32 vector registers (AVX-512), two where there are 16.
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
                escape_counts::<S, 2>(s, self.qx, self.qy, self.maxiter, self.feed, self.out);
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

/// No pixel in this lane.
const IDLE: usize = usize::MAX;

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
    let maxiter = u64::from(maxiter);
    let full = all_bits(S::LANES);
    let (zero, four) = (s.splat(0.0), s.splat(4.0));
    let mut zx = [zero; U];
    let mut zy = [zero; U];
    let mut cx = [zero; U];
    let mut cy = [zero; U];
    let mut n = [s.zeros(); U];
    let mut alive = [s.mask(0); U];
    // Scalar state per lane: its pixel and the clock when it took it.
    let mut pixel = [[IDLE; MAX_LANES]; U];
    let mut start = [[0u64; MAX_LANES]; U];
    let mut idle = [full; U];
    // Iterations run so far (the clock), and the earliest clock at which a lane reaches maxiter.
    let mut clock = 0u64;
    let mut deadline = 0u64;
    loop {
        // Refill every vector that has a finished lane.
        let mut refilled = false;
        for v in 0..U {
            let escaped = !s.bits(alive[v]) & full & !idle[v];
            if escaped == 0 && clock != deadline {
                continue;
            }
            refilled = true;
            let mut lane = Lane {
                zx: [0.0; MAX_LANES],
                zy: [0.0; MAX_LANES],
                cx: [0.0; MAX_LANES],
                cy: [0.0; MAX_LANES],
                n: [0; MAX_LANES],
            };
            s.store(zx[v], &mut lane.zx);
            s.store(zy[v], &mut lane.zy);
            s.store(cx[v], &mut lane.cx);
            s.store(cy[v], &mut lane.cy);
            s.store_counts(n[v], &mut lane.n);
            let mut bits = s.bits(alive[v]);
            for l in 0..S::LANES {
                let p = pixel[v][l];
                let escaped_here = escaped >> l & 1 == 1;
                let budget_spent = p != IDLE && clock - start[v][l] == maxiter;
                if p != IDLE && !escaped_here && !budget_spent {
                    continue;
                }
                if p != IDLE {
                    // The count is the iteration of escape (iterations done - 1), or 0 when the
                    // pixel stayed bounded for maxiter iterations.
                    out.write(
                        p,
                        if escaped_here {
                            (lane.n[l] - 1) as u32
                        } else {
                            0
                        },
                    );
                }
                match feed.take() {
                    Some(q) => {
                        pixel[v][l] = q;
                        start[v][l] = clock;
                        lane.cx[l] = qx[q];
                        lane.cy[l] = qy[q];
                        bits |= 1 << l;
                        idle[v] &= !(1 << l);
                    }
                    None => {
                        pixel[v][l] = IDLE;
                        lane.cx[l] = 0.0;
                        lane.cy[l] = 0.0;
                        bits &= !(1 << l);
                        idle[v] |= 1 << l;
                    }
                }
                lane.zx[l] = 0.0;
                lane.zy[l] = 0.0;
                lane.n[l] = 0;
            }
            zx[v] = s.load(&lane.zx);
            zy[v] = s.load(&lane.zy);
            cx[v] = s.load(&lane.cx);
            cy[v] = s.load(&lane.cy);
            n[v] = s.load_counts(&lane.n);
            alive[v] = s.mask(bits);
        }
        if refilled {
            deadline = u64::MAX;
            for v in 0..U {
                for l in 0..S::LANES {
                    if pixel[v][l] != IDLE {
                        deadline = deadline.min(start[v][l] + maxiter);
                    }
                }
            }
            if deadline == u64::MAX {
                return; // Every lane is idle: every pixel is done.
            }
        }
        let block = (deadline - clock).min(REFILL_PERIOD);
        clock += block;
        // The squares of the current z, for the first step of the block.
        let mut zx2: [S::F; U] = std::array::from_fn(|v| s.mul(zx[v], zx[v]));
        let mut zy2: [S::F; U] = std::array::from_fn(|v| s.mul(zy[v], zy[v]));
        for _ in 0..block {
            for v in 0..U {
                let t = s.mul(zx[v], zy[v]);
                let x = s.add(s.sub(zx2[v], zy2[v]), cx[v]);
                let y = s.add(s.add(t, t), cy[v]);
                zx[v] = x;
                zy[v] = y;
                zx2[v] = s.mul(x, x);
                zy2[v] = s.mul(y, y);
                n[v] = s.count(n[v], alive[v]);
                alive[v] = s.and_le(alive[v], s.add(zx2[v], zy2[v]), four);
            }
        }
    }
}

/// One vector's state, spilled to arrays for the refill.
struct Lane {
    zx: [f64; MAX_LANES],
    zy: [f64; MAX_LANES],
    cx: [f64; MAX_LANES],
    cy: [f64; MAX_LANES],
    n: [i64; MAX_LANES],
}
