//! The first pass of `simd-shortcut`, over the whole grid: the bulb test, then the first
//! iterations of every pixel it leaves, in plain vectors with no refill; only the pixels still
//! running after them are compacted, with their state, for the lanes of `simd_refill.rs`. A file
//! of its own, so that the machine-code views, which tell kernels apart by the source file of
//! their multiplies, never take the bulb test's loop (it has multiplies too) for the lanes' loop.
//!
//! Why a first pass: once the bulb test has decided the interior, most of the pixels left escape
//! within a few iterations (on the tutorial's grid 190,000 of 206,000 within 16), and each of
//! them cost the lane-refill kernel a refill, a retire and a partly idle block. Here vectors of
//! neighbouring pixels are loaded straight from the grid and run together for up to
//! [`Schedule::head`](super::simd_refill::Schedule) iterations, stopping as soon as every lane
//! has escaped; a pixel that escaped gets its count written at once. The state of a pixel still
//! running (its three products and, implicitly, its count, `head`) is carried on into the lanes,
//! which continue it with the same operations: the counts are the reference's, bit for bit.

use super::simd_refill::{step, tally_paths};
use super::{in_bulb_lanes, in_period2_bulb, near_cardioid};
use crate::simd::lanes::{Lanes, MAX_LANES, all_bits};
use crate::simd::{Isa, WithLanes, with_isa};
use crate::{Decided, Work};

/// The pixels the first pass left to the lanes, compacted: their `c`, their grid index and their
/// state after the first pass. Allocated once for the grid's size at prepare and refilled by
/// each run, so that a single run allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct Compacted {
    qx: Vec<f64>,
    qy: Vec<f64>,
    index: Vec<u32>,
    zx2: Vec<f64>,
    zy2: Vec<f64>,
    zxy: Vec<f64>,
    len: usize,
    bulb: usize,
    head: u32,
}

/// The kept pixels as the lanes read them: `c`, grid index, state (`z` as its three products)
/// and the iterations every one of them has run.
#[derive(Clone, Copy)]
pub(crate) struct Kept<'a> {
    pub(crate) qx: &'a [f64],
    pub(crate) qy: &'a [f64],
    pub(crate) index: &'a [u32],
    pub(crate) zx2: &'a [f64],
    pub(crate) zy2: &'a [f64],
    pub(crate) zxy: &'a [f64],
    pub(crate) head: u32,
}

impl Compacted {
    /// Room for every pixel of a grid of `pixels`, written once here, so that the first run does
    /// not pay for the pages' first touch (zeroed memory from the allocator is mapped lazily, and
    /// a single `run` then paid for it inside the timing).
    pub fn new(pixels: usize) -> Compacted {
        // Values whose bits are not all zero: `vec!` asks the allocator for zeroed memory when
        // they are, and that is what is mapped lazily.
        let touched = -0.0;
        Compacted {
            qx: vec![touched; pixels],
            qy: vec![touched; pixels],
            index: vec![u32::MAX; pixels],
            zx2: vec![touched; pixels],
            zy2: vec![touched; pixels],
            zxy: vec![touched; pixels],
            len: 0,
            bulb: 0,
            head: 0,
        }
    }

    /// The pixels kept by the last [`Compacted::fill`].
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the last fill kept none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The pixels the bulb test decided in the last fill.
    pub fn bulb(&self) -> usize {
        self.bulb
    }

    /// The first pass over the grid `(qx, qy)`, compiled for `isa`: writes 0 into `out` for every
    /// pixel [`in_bulb`](super::in_bulb) accepts, runs the others for up to `head` iterations
    /// (never past `maxiter`), writes the count of each that escaped (or 0 where `maxiter` was
    /// reached) and keeps the rest, in grid order, with their state. Where `TALLY`, counts into
    /// `work` what it decided and executed (an instrumented run, never timed).
    ///
    /// # Panics
    /// If the slices' lengths differ from each other or from the room made by [`Compacted::new`].
    pub fn fill<const TALLY: bool>(
        &mut self,
        isa: Isa,
        grid: (&[f64], &[f64]),
        out: &mut [u32],
        (maxiter, head): (u32, u32),
        work: &mut Work,
    ) {
        assert!(grid.0.len() == grid.1.len() && grid.0.len() == out.len());
        assert!(grid.0.len() == self.qx.len());
        self.head = head.min(maxiter);
        let limits = (maxiter, self.head);
        (self.len, self.bulb) = fill_segment::<TALLY>(isa, grid, out, self.segment(), limits, work);
    }

    /// [`Compacted::fill`] with the grid cut into one part per worker of `pool`, each part's
    /// pass on its own worker: every part keeps its pixels at its own offset, and one move then
    /// closes the gaps (the pixels kept are few, about 6% of the grid at maxiter 1000).
    ///
    /// # Panics
    /// As [`Compacted::fill`].
    pub fn fill_on<const TALLY: bool>(
        &mut self,
        pool: &rayon::ThreadPool,
        isa: Isa,
        (qx, qy): (&[f64], &[f64]),
        out: &mut [u32],
        (maxiter, head): (u32, u32),
        work: &mut Work,
    ) {
        assert!(qx.len() == qy.len() && qx.len() == out.len() && qx.len() == self.qx.len());
        self.head = head.min(maxiter);
        let limits = (maxiter, self.head);
        let workers = pool.current_num_threads().max(1);
        // Parts of whole chunks, so that only the grid's last chunk can be partial.
        let part = qx.len().div_ceil(workers).div_ceil(PASS_CHUNK).max(1) * PASS_CHUNK;
        let mut results = vec![(0, 0, Work::default()); qx.len().div_ceil(part)];
        // One part per worker, each taken by its worker in one broadcast: spawned jobs waited
        // for a sleeping worker to steal them, which cost as much as the part itself.
        let mut jobs = Vec::with_capacity(results.len());
        let mut rest = self.segment();
        let parts = qx
            .chunks(part)
            .zip(qy.chunks(part))
            .zip(out.chunks_mut(part));
        for ((grid, out), result) in parts.zip(results.iter_mut()) {
            let (mine, others) = rest.split(grid.0.len());
            rest = others;
            jobs.push(std::sync::Mutex::new(Some((grid, out, mine, result))));
        }
        pool.broadcast(|worker| {
            let job = jobs
                .get(worker.index())
                .and_then(|j| j.lock().unwrap_or_else(|e| e.into_inner()).take());
            if let Some((grid, out, mine, result)) = job {
                let (len, bulb) =
                    fill_segment::<TALLY>(isa, grid, out, mine, limits, &mut result.2);
                (result.0, result.1) = (len, bulb);
            }
        });
        drop(jobs);
        let (mut len, mut bulb) = (0, 0);
        for (p, (kept, decided, w)) in results.into_iter().enumerate() {
            let from = p * part;
            for v in [
                &mut self.qx,
                &mut self.qy,
                &mut self.zx2,
                &mut self.zy2,
                &mut self.zxy,
            ] {
                v.copy_within(from..from + kept, len);
            }
            self.index.copy_within(from..from + kept, len);
            len += kept;
            bulb += decided;
            work.merge(w);
        }
        (self.len, self.bulb) = (len, bulb);
    }

    /// All the room, as one segment.
    fn segment(&mut self) -> Segment<'_> {
        Segment {
            base: 0,
            qx: &mut self.qx,
            qy: &mut self.qy,
            index: &mut self.index,
            zx2: &mut self.zx2,
            zy2: &mut self.zy2,
            zxy: &mut self.zxy,
        }
    }

    /// The kept pixels, as the lanes read them.
    pub(crate) fn kept(&self) -> Kept<'_> {
        let len = self.len;
        Kept {
            qx: &self.qx[..len],
            qy: &self.qy[..len],
            index: &self.index[..len],
            zx2: &self.zx2[..len],
            zy2: &self.zy2[..len],
            zxy: &self.zxy[..len],
            head: self.head,
        }
    }
}

/// Pixels whose bulb test is computed together, and the unit of the first pass.
const PASS_CHUNK: usize = 64;

/// The room for the pixels kept from one part of the grid, which starts at grid index `base`.
struct Segment<'a> {
    base: usize,
    qx: &'a mut [f64],
    qy: &'a mut [f64],
    index: &'a mut [u32],
    zx2: &'a mut [f64],
    zy2: &'a mut [f64],
    zxy: &'a mut [f64],
}

impl<'a> Segment<'a> {
    /// The room for the first `at` pixels, and for the rest.
    fn split(self, at: usize) -> (Segment<'a>, Segment<'a>) {
        let (qx, qx_rest) = self.qx.split_at_mut(at);
        let (qy, qy_rest) = self.qy.split_at_mut(at);
        let (index, index_rest) = self.index.split_at_mut(at);
        let (zx2, zx2_rest) = self.zx2.split_at_mut(at);
        let (zy2, zy2_rest) = self.zy2.split_at_mut(at);
        let (zxy, zxy_rest) = self.zxy.split_at_mut(at);
        let base = self.base;
        (
            Segment {
                base,
                qx,
                qy,
                index,
                zx2,
                zy2,
                zxy,
            },
            Segment {
                base: base + at,
                qx: qx_rest,
                qy: qy_rest,
                index: index_rest,
                zx2: zx2_rest,
                zy2: zy2_rest,
                zxy: zxy_rest,
            },
        )
    }
}

/// The first pass over one part of the grid, compiled for `isa`; returns the pixels it kept
/// and those the bulb test decided.
fn fill_segment<const TALLY: bool>(
    isa: Isa,
    grid: (&[f64], &[f64]),
    out: &mut [u32],
    kept: Segment<'_>,
    limits: (u32, u32),
    work: &mut Work,
) -> (usize, usize) {
    struct Pass<'a, const TALLY: bool> {
        kept: Segment<'a>,
        grid: (&'a [f64], &'a [f64]),
        out: &'a mut [u32],
        limits: (u32, u32),
        work: &'a mut Work,
    }
    impl<const TALLY: bool> WithLanes for Pass<'_, TALLY> {
        type Output = (usize, usize);
        #[inline(always)]
        fn call<S: Lanes>(self, s: S) -> (usize, usize) {
            let Pass {
                mut kept,
                grid,
                out,
                limits,
                work,
            } = self;
            // Four vectors in flight with 32 registers, two with 16 (the state of one is
            // seven registers).
            if S::LANES >= 8 {
                sieve::<S, 4, TALLY>(s, grid, out, &mut kept, limits, work)
            } else {
                sieve::<S, 2, TALLY>(s, grid, out, &mut kept, limits, work)
            }
        }
    }
    let pass = Pass::<TALLY> {
        kept,
        grid,
        out,
        limits,
        work,
    };
    if TALLY {
        tally_paths::with_isa(isa, pass)
    } else {
        with_isa(isa, pass)
    }
}

/// The first pass over the grid, chunk by chunk; the grid's last chunk, if partial, is padded
/// with `c = 0`, which the bulb test decides, and only its own pixels are written back.
#[inline(always)]
fn sieve<S: Lanes, const U: usize, const TALLY: bool>(
    s: S,
    (qx, qy): (&[f64], &[f64]),
    out: &mut [u32],
    kept: &mut Segment<'_>,
    limits: (u32, u32),
    work: &mut Work,
) -> (usize, usize) {
    let (mut len, mut bulb) = (0, 0);
    let chunks = qx
        .chunks(PASS_CHUNK)
        .zip(qy.chunks(PASS_CHUNK))
        .zip(out.chunks_mut(PASS_CHUNK));
    for (c, ((xs, ys), outs)) in chunks.enumerate() {
        let first = kept.base + c * PASS_CHUNK;
        let full = (
            <&[f64; PASS_CHUNK]>::try_from(xs),
            <&[f64; PASS_CHUNK]>::try_from(ys),
        );
        if let ((Ok(xs), Ok(ys)), Ok(outs)) = (full, <&mut [u32; PASS_CHUNK]>::try_from(&mut *outs))
        {
            bulb += chunk::<S, U, TALLY>(s, (xs, ys), outs, first, kept, &mut len, limits, work);
        } else {
            let (mut px, mut py, mut po) = ([0.0; PASS_CHUNK], [0.0; PASS_CHUNK], [0; PASS_CHUNK]);
            px[..xs.len()].copy_from_slice(xs);
            py[..ys.len()].copy_from_slice(ys);
            let mut mine = Work::default();
            let b = chunk::<S, U, TALLY>(
                s,
                (&px, &py),
                &mut po,
                first,
                kept,
                &mut len,
                limits,
                &mut mine,
            );
            outs.copy_from_slice(&po[..outs.len()]);
            let padding = PASS_CHUNK - xs.len();
            bulb += b - padding;
            if TALLY {
                mine.bulb -= padding as u64;
                work.merge(mine);
            }
        }
    }
    (len, bulb)
}

/// The first pass over one chunk of 64 pixels: the bulb test into flags, then groups of `U`
/// vectors for up to `head` iterations each; returns the pixels the bulb test decided.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn chunk<S: Lanes, const U: usize, const TALLY: bool>(
    s: S,
    (xs, ys): (&[f64; PASS_CHUNK], &[f64; PASS_CHUNK]),
    outs: &mut [u32; PASS_CHUNK],
    first: usize,
    kept: &mut Segment<'_>,
    len: &mut usize,
    (maxiter, head): (u32, u32),
    work: &mut Work,
) -> usize {
    // The flags as bits, in one pass LLVM turns into a vector compare and a mask move.
    let inside = bulb_bits(xs, ys);
    let lanes = S::LANES;
    let full = all_bits(lanes);
    let (zero, four) = (s.splat(0.0), s.splat(4.0));
    let mut decided = 0;
    for g in (0..PASS_CHUNK).step_by(U * lanes) {
        let mut zx2 = [zero; U];
        let mut zy2 = [zero; U];
        let mut zxy = [zero; U];
        let mut cx = [zero; U];
        let mut cy = [zero; U];
        let mut n = [s.zeros(); U];
        let mut alive = [s.mask(0); U];
        let mut outside = [0_u32; U];
        for v in 0..U {
            let o = g + v * lanes;
            cx[v] = s.load(&xs[o..]);
            cy[v] = s.load(&ys[o..]);
            let bits = (inside >> o) as u32 & full;
            outside[v] = !bits & full;
            alive[v] = s.mask(outside[v]);
            decided += bits.count_ones() as usize;
        }
        // Stop as soon as every lane has escaped: far from the set a group is done in a few
        // iterations, and only the groups at the set's edge run all `head`.
        // The test comes every second iteration (a lane that escaped in the first of the two
        // stops counting by its mask): the test and its branch cost as much as half an
        // iteration of the four vectors.
        let mut live = outside.iter().fold(0, |a, &b| a | b) != 0;
        let mut done = 0;
        while live && done < head {
            let steps = if head - done >= 2 { 2 } else { 1 };
            for _ in 0..steps {
                for v in 0..U {
                    let z = (&mut zx2[v], &mut zy2[v], &mut zxy[v]);
                    step(s, z, (cx[v], cy[v]), (&mut n[v], &mut alive[v]), four);
                }
            }
            done += steps;
            live = (0..U).fold(0, |a, v| a | s.bits(alive[v])) != 0;
        }
        for v in 0..U {
            let o = g + v * lanes;
            let running = s.bits(alive[v]);
            let escaped = outside[v] & !running;
            let mut counts = [0_u32; MAX_LANES];
            s.store_u32(n[v], &mut counts);
            for l in 0..lanes {
                // An escaped lane's count is its iteration of escape, `n - 1`; the others' 0,
                // which the lanes overwrite for the pixels kept.
                let e = escaped >> l & 1;
                outs[o + l] = counts[l].wrapping_sub(1) & 0_u32.wrapping_sub(e);
            }
            if TALLY {
                tally(&counts[..lanes], (escaped, running), (maxiter, head), work);
            }
            if running != 0 && head < maxiter {
                keep(
                    s,
                    (xs, ys),
                    (zx2[v], zy2[v], zxy[v]),
                    running,
                    (o, first + o),
                    kept,
                    len,
                );
            }
        }
    }
    if TALLY {
        work.bulb += decided as u64;
    }
    decided
}

/// Appends the lanes in `running` (bits) of the vector at index `o` of the chunk and `at` of the
/// grid to the kept pixels, with their state.
#[inline(always)]
fn keep<S: Lanes>(
    s: S,
    (xs, ys): (&[f64; PASS_CHUNK], &[f64; PASS_CHUNK]),
    (zx2, zy2, zxy): (S::F, S::F, S::F),
    running: u32,
    (o, at): (usize, usize),
    kept: &mut Segment<'_>,
    len: &mut usize,
) {
    let (mut a, mut b, mut c) = ([0.0; MAX_LANES], [0.0; MAX_LANES], [0.0; MAX_LANES]);
    s.store(zx2, &mut a);
    s.store(zy2, &mut b);
    s.store(zxy, &mut c);
    let mut bits = running;
    while bits != 0 {
        let l = bits.trailing_zeros() as usize;
        let k = *len;
        kept.qx[k] = xs[o + l];
        kept.qy[k] = ys[o + l];
        kept.index[k] = (at + l) as u32;
        kept.zx2[k] = a[l];
        kept.zy2[k] = b[l];
        kept.zxy[k] = c[l];
        *len = k + 1;
        bits &= bits - 1;
    }
}

/// For the tally: the pixels the first pass decided, and what it executed for them.
fn tally(
    counts: &[u32],
    (escaped, running): (u32, u32),
    (maxiter, head): (u32, u32),
    work: &mut Work,
) {
    for (l, &c) in counts.iter().enumerate() {
        if escaped >> l & 1 == 1 {
            work.add(Decided::Escape, u64::from(c));
        } else if running >> l & 1 == 1 && head == maxiter {
            work.add(Decided::MaxIter, u64::from(maxiter));
        }
    }
}

/// The bulb test over a chunk, as one bit per point, with no store that depends on it, so LLVM
/// can vectorise it ([`in_bulb_lanes`]: the square roots are computed for every lane and the
/// branches are masks).
#[inline(always)]
fn bulb_bits(xs: &[f64; PASS_CHUNK], ys: &[f64; PASS_CHUNK]) -> u64 {
    // Where no point of the chunk is near the cardioid, the test is the period-2 bulb's alone,
    // and the square roots are skipped: on the tutorial's grid, for about 70% of the chunks
    // (measured on Zen 3, AVX2: the pass took 1.15 ms without this, 0.89 with).
    let near = xs
        .iter()
        .zip(ys)
        .fold(false, |a, (&x, &y)| a | near_cardioid(x, y));
    let points = xs.iter().zip(ys).enumerate();
    if near {
        points.fold(0, |b, (i, (&x, &y))| {
            b | u64::from(in_bulb_lanes(x, y)) << i
        })
    } else {
        points.fold(0, |b, (i, (&x, &y))| {
            b | u64::from(in_period2_bulb(x, y)) << i
        })
    }
}
