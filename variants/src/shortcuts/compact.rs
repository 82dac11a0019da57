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

    /// All the room, as one segment.
    fn segment(&mut self) -> Segment<'_> {
        Segment {
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

/// The room for the pixels kept from the grid.
pub(super) struct Segment<'a> {
    pub(super) qx: &'a mut [f64],
    pub(super) qy: &'a mut [f64],
    pub(super) index: &'a mut [u32],
    pub(super) zx2: &'a mut [f64],
    pub(super) zy2: &'a mut [f64],
    pub(super) zxy: &'a mut [f64],
}

/// The first pass over the grid (for `simd-shortcut-rayon`, one part of it), compiled for
/// `isa`; returns the pixels it kept and those the bulb test decided.
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
            // Two vectors in flight on every path (the state of one is seven registers). With
            // 32 registers four were tried first: on AVX-512 (Zen 4, maxiter 1000) the pass
            // took 0.56 ms with four and 0.48 with two, the pass with no iteration 0.22 and
            // 0.15, the whole kernel 1.70 to 1.73 and 1.66 to 1.67; one vector was slower than
            // two on AVX-512 and no faster on AVX2.
            sieve::<S, 2, TALLY>(s, grid, out, &mut kept, limits, work)
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
