//! The bulb pass of `simd-shortcut`: the pixels [`in_bulb`](super::in_bulb) accepts get 0 at
//! once, and the others are compacted for the lanes. A file of its own, so that the machine-code
//! views, which tell kernels apart by the source file of their multiplies, never take the pass's
//! loop (it has multiplies too) for the lanes' loop in `simd_refill.rs`.

use super::{in_bulb_lanes, in_period2_bulb, near_cardioid};
use crate::simd::lanes::Lanes;
use crate::simd::{Isa, WithLanes, with_isa};

/// The pixels the bulb test left to the lanes, compacted: their `c` and their index in the grid.
/// Allocated once for the grid's size at prepare and refilled by each run.
#[derive(Debug, Clone, Default)]
pub struct Compacted {
    qx: Vec<f64>,
    qy: Vec<f64>,
    index: Vec<u32>,
    len: usize,
}

impl Compacted {
    /// Room for every pixel of a grid of `pixels`.
    pub fn new(pixels: usize) -> Compacted {
        Compacted {
            qx: vec![0.0; pixels],
            qy: vec![0.0; pixels],
            index: vec![0; pixels],
            len: 0,
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

    /// Writes 0 into `out` for every pixel of `(qx, qy)` that [`in_bulb`](super::in_bulb)
    /// accepts and keeps the others, in order; compiled for `isa`, so that the test runs in its
    /// vectors.
    ///
    /// # Panics
    /// If the slices' lengths differ from each other or from the room made by [`Compacted::new`].
    pub fn fill(&mut self, isa: Isa, qx: &[f64], qy: &[f64], out: &mut [u32]) {
        struct Pass<'a> {
            points: &'a mut Compacted,
            qx: &'a [f64],
            qy: &'a [f64],
            out: &'a mut [u32],
        }
        impl WithLanes for Pass<'_> {
            type Output = ();
            #[inline(always)]
            fn call<S: Lanes>(self, _: S) {
                self.points.len = keep_outside(self.qx, self.qy, self.out, self.points);
            }
        }
        assert!(qx.len() == qy.len() && qx.len() == out.len() && qx.len() == self.qx.len());
        with_isa(
            isa,
            Pass {
                points: self,
                qx,
                qy,
                out,
            },
        );
    }
}

/// Pixels whose bulb test is computed together before they are compacted.
const PASS_CHUNK: usize = 64;

/// The compaction pass. The test runs over a chunk into an array of flags, with no store that
/// depends on it, so LLVM can vectorise it ([`in_bulb_lanes`]: the square roots are computed
/// for every lane and the branches are masks); the compaction then writes every pixel and
/// advances by the flag, without a branch the predictor would have to guess at the set's edge.
#[inline(always)]
fn keep_outside(qx: &[f64], qy: &[f64], out: &mut [u32], kept: &mut Compacted) -> usize {
    // The buffers as slices held in registers: through `kept` the loop reloaded each vector's
    // pointer and length for every pixel, as its stores might have changed them.
    let (kept_x, kept_y, kept_index) = (&mut kept.qx[..], &mut kept.qy[..], &mut kept.index[..]);
    let mut len = 0;
    let chunks = qx
        .chunks(PASS_CHUNK)
        .zip(qy.chunks(PASS_CHUNK))
        .zip(out.chunks_mut(PASS_CHUNK));
    for (c, ((xs, ys), outs)) in chunks.enumerate() {
        let mut inside = [false; PASS_CHUNK];
        // Where no point of the chunk is near the cardioid, the test is the period-2 bulb's
        // alone, and the square roots are skipped: on the tutorial's grid, for about 70% of
        // the chunks (measured on Zen 3, AVX2: the pass took 1.15 ms without this, 0.89 with).
        let near = xs
            .iter()
            .zip(ys)
            .fold(false, |a, (&x, &y)| a | near_cardioid(x, y));
        if near {
            for ((flag, &x), &y) in inside.iter_mut().zip(xs).zip(ys) {
                *flag = in_bulb_lanes(x, y);
            }
        } else {
            for ((flag, &x), &y) in inside.iter_mut().zip(xs).zip(ys) {
                *flag = in_period2_bulb(x, y);
            }
        }
        for (j, ((&x, &y), o)) in xs.iter().zip(ys).zip(outs.iter_mut()).enumerate() {
            // A kept pixel's 0 is overwritten by the lanes.
            *o = 0;
            kept_x[len] = x;
            kept_y[len] = y;
            kept_index[len] = (c * PASS_CHUNK + j) as u32;
            len += usize::from(!inside[j]);
        }
    }
    len
}

impl Compacted {
    /// The kept pixels' `c` and grid index.
    pub(crate) fn kept(&self) -> (&[f64], &[f64], &[u32]) {
        let len = self.len;
        (&self.qx[..len], &self.qy[..len], &self.index[..len])
    }
}
