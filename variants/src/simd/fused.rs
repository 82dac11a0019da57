//! numexpr's fused pass, across every lane: the kernel of `vector-fused`.
//!
//! numexpr compiles an expression into one pass over cache-sized blocks and, on CPUs with vector
//! units, evaluates each block with SIMD (through its own kernels or Intel's VML). This is that
//! pass, generic over [`Lanes`]: one iteration of `z = where(done, 0, z*z + q)` over a block held
//! in L1, a vector of pixels at a time. numexpr's semantics are kept: no early exit, every pixel
//! iterated `maxiter` times, an escaped pixel's `z` and `q` become 0 so it stays at 0 and never
//! escapes again. The `where`s only change memory when a lane of the vector has escaped in this
//! iteration, so the common case stores `z` alone.

use super::lanes::Lanes;
use super::{Isa, WithLanes, with_isa};

/// This file, where numexpr's fused pass is: the variants that run it name it as their hot code, and the
/// machine-code views find its loops by it ([`crate::HotCode::Paths`]).
pub const SOURCE: &str = file!();

/// Runs [`evaluate`] over one block on the path `isa`.
///
/// `zx`, `zy`, `qx` and `qy` are the block's scratch, a whole number of `isa.lanes()` long and at
/// least as long as `output`; `qx` and `qy` hold the block's points (zeros past `output`'s end)
/// and `zx`, `zy` zeros.
pub fn evaluate_on(
    isa: Isa,
    zx: &mut [f64],
    zy: &mut [f64],
    qx: &mut [f64],
    qy: &mut [f64],
    maxiter: u32,
    output: &mut [u32],
) {
    struct Block<'a> {
        zx: &'a mut [f64],
        zy: &'a mut [f64],
        qx: &'a mut [f64],
        qy: &'a mut [f64],
        maxiter: u32,
        output: &'a mut [u32],
    }
    impl WithLanes for Block<'_> {
        type Output = ();
        #[inline(always)]
        fn call<S: Lanes>(self, s: S) {
            evaluate(
                s,
                self.zx,
                self.zy,
                self.qx,
                self.qy,
                self.maxiter,
                self.output,
            );
        }
    }
    with_isa(
        isa,
        Block {
            zx,
            zy,
            qx,
            qy,
            maxiter,
            output,
        },
    );
}

/// All `maxiter` iterations of the fused expression over one block (see [`evaluate_on`]).
#[inline(always)]
pub fn evaluate<S: Lanes>(
    s: S,
    zx: &mut [f64],
    zy: &mut [f64],
    qx: &mut [f64],
    qy: &mut [f64],
    maxiter: u32,
    output: &mut [u32],
) {
    let lanes = S::LANES;
    assert!(zx.len().is_multiple_of(lanes) && zx.len() >= output.len());
    output.fill(0);
    let (zero, four) = (s.splat(0.0), s.splat(4.0));
    for iteration in 0..maxiter {
        let vectors = zx
            .chunks_exact_mut(lanes)
            .zip(zy.chunks_exact_mut(lanes))
            .zip(qx.chunks_exact_mut(lanes))
            .zip(qy.chunks_exact_mut(lanes));
        for (i, (((zx, zy), qx), qy)) in vectors.enumerate() {
            let (x, y, cx, cy) = (s.load(zx), s.load(zy), s.load(qx), s.load(qy));
            let t = s.mul(x, y);
            let new_x = s.add(s.sub(s.mul(x, x), s.mul(y, y)), cx);
            let new_y = s.add(s.add(t, t), cy);
            let done = s.gt(s.add(s.mul(new_x, new_x), s.mul(new_y, new_y)), four);
            let mut bits = s.bits(done);
            if bits == 0 {
                s.store(new_x, zx);
                s.store(new_y, zy);
                continue;
            }
            s.store(s.select(done, zero, new_x), zx);
            s.store(s.select(done, zero, new_y), zy);
            s.store(s.select(done, zero, cx), qx);
            s.store(s.select(done, zero, cy), qy);
            // Padding lanes hold q = 0 and never escape, so every escaped lane is a pixel.
            while bits != 0 {
                output[i * lanes + bits.trailing_zeros() as usize] = iteration;
                bits &= bits - 1;
            }
        }
    }
}
