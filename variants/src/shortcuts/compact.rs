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

use super::first_pass::sieve;
use super::simd_refill::tally_paths;
use crate::Work;
use crate::simd::lanes::Lanes;
use crate::simd::{Isa, WithLanes, with_isa};

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
pub(super) const PASS_CHUNK: usize = 64;

/// The room for the pixels kept from one part of the grid, which starts at grid index `base`.
pub(super) struct Segment<'a> {
    pub(super) base: usize,
    pub(super) qx: &'a mut [f64],
    pub(super) qy: &'a mut [f64],
    pub(super) index: &'a mut [u32],
    pub(super) zx2: &'a mut [f64],
    pub(super) zy2: &'a mut [f64],
    pub(super) zxy: &'a mut [f64],
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
