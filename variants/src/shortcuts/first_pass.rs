//! The first pass's kernel (`simd-shortcut`, see `compact.rs`): over each chunk of 64 pixels of
//! the grid, the bulb test as one bit per point, then groups of `U` vectors of neighbouring
//! pixels for up to `head` iterations, the count of every pixel that escaped written at once and
//! the pixels still running appended, with their state, to the kept pixels. Apart from
//! `compact.rs`, which owns the buffers and hands out the parts, to keep each file to one job.

use super::compact::{PASS_CHUNK, Segment};
use super::simd_refill::step;
use super::{BULB_BOX, in_box, in_bulb_bits};
use crate::simd::lanes::{Lanes, MAX_LANES, all_bits};
use crate::{Decided, Work};

/// The first pass over the grid, chunk by chunk; the grid's last chunk, if partial, is padded
/// with `c = 0`, which the bulb test decides, and only its own pixels are written back.
#[inline(always)]
pub(super) fn sieve<S: Lanes, const U: usize, const TALLY: bool>(
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
        let first = c * PASS_CHUNK;
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
    let inside = bulb_bits(s, xs, ys);
    let lanes = S::LANES;
    let full = all_bits(lanes);
    let (zero, four) = (s.splat(0.0), s.splat(4.0));
    let minus_one = s.load_counts(&[-1; MAX_LANES]);
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
        // The test comes every third iteration (a lane that escaped before stops counting by
        // its mask): the test and its branch cost as much as an iteration. Every 1, 2, 3, 4
        // and 5 iterations, alternated (AVX-512, maxiter 1000, the whole kernel): 1.64 to 1.66,
        // 1.65 to 1.69, 1.59 to 1.65, 1.61 to 1.64, 1.62 to 1.64 ms; on AVX2 3.26, 3.24 to
        // 3.27, 3.22 to 3.24 ms for 1, 2 and 3.
        let mut live = outside.iter().fold(0, |a, &b| a | b) != 0;
        let mut done = 0;
        while live && done < head {
            let steps = (head - done).min(3);
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
            // An escaped lane's count is its iteration of escape, `n - 1`; the others' 0, which
            // the lanes overwrite for the pixels kept. In vector lanes, then one copy: a loop
            // over the lanes cost the pass with no iteration 6% more (AVX-512: 0.272 ms against
            // 0.256, alternated three times).
            let written = s.clear_counts(s.add_counts(n[v], minus_one), !escaped & full);
            let mut counts = [0_u32; MAX_LANES];
            s.store_u32(written, &mut counts);
            outs[o..o + lanes].copy_from_slice(&counts[..lanes]);
            if TALLY {
                s.store_u32(n[v], &mut counts);
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

/// The bulb test over a chunk, as one bit per point, a vector at a time ([`in_bulb_bits`]).
#[inline(always)]
fn bulb_bits<S: Lanes>(s: S, xs: &[f64; PASS_CHUNK], ys: &[f64; PASS_CHUNK]) -> u64 {
    let mut bits = 0;
    for o in (0..PASS_CHUNK).step_by(S::LANES) {
        let (x, y) = (s.load(&xs[o..]), s.load(&ys[o..]));
        // Outside the box that holds both shapes the answer is no: the test is skipped.
        if s.bits(in_box(s, (x, y), BULB_BOX)) != 0 {
            bits |= u64::from(in_bulb_bits(s, x, y)) << o;
        }
    }
    bits
}
