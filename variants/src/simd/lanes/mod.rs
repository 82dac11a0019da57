//! One small trait over the f64 vector types of each instruction set, and its implementations.
//!
//! The kernels in this folder are written once, generically over [`Lanes`], and instantiated per
//! instruction set inside a `#[target_feature]` function (see `dispatch!` in `mod.rs`). Every
//! method is `#[inline(always)]`, so it is compiled into that function with its features and the
//! intrinsics become single instructions; called anywhere else they would be calls.
//!
//! A value of a lane type is a *token*: the only way to get one is [`Lanes::detect`], which checks
//! the CPU at run time. That is what makes the safe methods sound: every `unsafe` block below
//! calls an intrinsic whose target feature the token proves present.
//!
//! Only the operations of the reference appear here (add, subtract, multiply, compare), besides
//! the bookkeeping of masks and counters and the shortcuts' bitwise comparison of states: there
//! is no fused multiply-add anywhere, so the kernels stay exact.
//!
//! One file per instruction set (as memchr's `arch/`): the trait and its defaults here, each
//! path's implementation in its own file (`avx512.rs`, `avx2.rs`, `sse2.rs`, `neon.rs`,
//! `portable.rs`). A path's file holds only what maps the trait onto its instructions.

/// The widest vector any path has, in f64 lanes: scratch arrays are this long.
pub const MAX_LANES: usize = 8;

/// An f64 vector type of one instruction set, with a per-lane mask and per-lane i64 counters.
pub trait Lanes: Copy + Send + Sync + 'static {
    /// f64 lanes per vector.
    const LANES: usize;
    /// Whether the vectors are machine registers (every path but the portable one, whose
    /// "vectors" are arrays): the refill is then written out per vector (see `refill.rs`).
    const REGISTERS: bool = true;
    /// A vector of `LANES` f64.
    type F: Copy;
    /// A per-lane mask.
    type M: Copy;
    /// A vector of `LANES` i64 counters.
    type I: Copy;

    /// The token, if this CPU has the instruction set.
    fn detect() -> Option<Self>;
    /// Every lane `x`.
    fn splat(self, x: f64) -> Self::F;
    /// `a[0..LANES]`.
    ///
    /// # Panics
    /// If `a` is shorter than `LANES` (free where the length is known, as in `chunks_exact`).
    fn load(self, a: &[f64]) -> Self::F;
    /// Writes the vector into `a[0..LANES]`.
    ///
    /// # Panics
    /// If `a` is shorter than `LANES`.
    fn store(self, v: Self::F, a: &mut [f64]);
    /// `a + b`, lane by lane.
    fn add(self, a: Self::F, b: Self::F) -> Self::F;
    /// `a - b`, lane by lane.
    fn sub(self, a: Self::F, b: Self::F) -> Self::F;
    /// `a * b`, lane by lane (never fused with a following add).
    fn mul(self, a: Self::F, b: Self::F) -> Self::F;
    /// The lanes of `m` where also `a <= b` (false for NaN).
    fn and_le(self, m: Self::M, a: Self::F, b: Self::F) -> Self::M;
    /// The lanes where `a > b` (false for NaN).
    fn gt(self, a: Self::F, b: Self::F) -> Self::M;
    /// `if m { a } else { b }`, lane by lane.
    fn select(self, m: Self::M, a: Self::F, b: Self::F) -> Self::F;
    /// `m` as bits, lane 0 in bit 0.
    fn bits(self, m: Self::M) -> u32;
    /// A mask from bits, lane 0 in bit 0.
    fn mask(self, bits: u32) -> Self::M;
    /// Counters of 0.
    fn zeros(self) -> Self::I;
    /// `n + 1` in the lanes of `m`, `n` elsewhere.
    fn count(self, n: Self::I, m: Self::M) -> Self::I;
    /// Lanes `0..LANES` of `a` as counters.
    fn load_counts(self, a: &[i64; MAX_LANES]) -> Self::I;
    /// Writes the counters into lanes `0..LANES` of `a`.
    fn store_counts(self, n: Self::I, a: &mut [i64; MAX_LANES]);

    // The cycle check's operations (the shortcuts family's lane kernel): the lanes' states are
    // compared as bit patterns, never as floats, so that `-0.0` and `0.0` differ and a NaN is
    // equal to itself, as `to_bits` has them.

    /// The lanes of `m` where also `a` and `b` hold the same 64 bits.
    fn and_eq(self, m: Self::M, a: Self::F, b: Self::F) -> Self::M;
    /// The lanes of `a` or of `b`.
    fn or(self, a: Self::M, b: Self::M) -> Self::M;
    /// The lanes where the counter `n` is at least `at` (both between 0 and 2³²).
    fn count_ge(self, n: Self::I, at: Self::I) -> Self::M;
    /// `if m { a } else { b }`, lane by lane, for counters.
    fn select_counts(self, m: Self::M, a: Self::I, b: Self::I) -> Self::I;
    /// `a + b`, lane by lane, for counters.
    fn add_counts(self, a: Self::I, b: Self::I) -> Self::I;
    /// `n >> shift`, lane by lane, for counters (which are never negative); 0 where `shift` is
    /// the counters' width or more.
    fn shr_counts(self, n: Self::I, shift: u32) -> Self::I;

    // The refill's operations. The defaults go through memory; AVX-512 has an instruction for
    // each (and the narrow stores then wide reload of the defaults would stall its loads).

    /// `v` with the lanes in `m` (bits) taking `src[0]`, `src[1]`, ... in lane order.
    ///
    /// # Panics
    /// If `src` is shorter than the number of bits in `m`.
    #[inline(always)]
    fn expand(self, v: Self::F, m: u32, src: &[f64]) -> Self::F {
        let mut a = [0.0; MAX_LANES];
        self.store(v, &mut a);
        let mut k = 0;
        for (l, lane) in a.iter_mut().enumerate().take(Self::LANES) {
            if m >> l & 1 == 1 {
                *lane = src[k];
                k += 1;
            }
        }
        self.load(&a)
    }
    /// `n` with the lanes in `m` (bits) taking `first`, `first + 1`, ... in lane order.
    #[inline(always)]
    fn expand_index(self, n: Self::I, m: u32, first: i64) -> Self::I {
        let mut a = [0; MAX_LANES];
        self.store_counts(n, &mut a);
        let mut next = first;
        for (l, lane) in a.iter_mut().enumerate().take(Self::LANES) {
            if m >> l & 1 == 1 {
                *lane = next;
                next += 1;
            }
        }
        self.load_counts(&a)
    }
    /// `v` with the lanes in `m` (bits) set to 0.
    #[inline(always)]
    fn clear(self, v: Self::F, m: u32) -> Self::F {
        self.select(self.mask(m), self.splat(0.0), v)
    }
    /// `n` with the lanes in `m` (bits) set to 0.
    #[inline(always)]
    fn clear_counts(self, n: Self::I, m: u32) -> Self::I {
        let mut a = [0; MAX_LANES];
        self.store_counts(n, &mut a);
        for (l, lane) in a.iter_mut().enumerate().take(Self::LANES) {
            if m >> l & 1 == 1 {
                *lane = 0;
            }
        }
        self.load_counts(&a)
    }
    /// Writes the counters, as u32, into lanes `0..LANES` of `a` (counts and pixel indices fit).
    #[inline(always)]
    fn store_u32(self, n: Self::I, a: &mut [u32; MAX_LANES]) {
        let mut wide = [0; MAX_LANES];
        self.store_counts(n, &mut wide);
        for (lane, w) in a.iter_mut().zip(wide).take(Self::LANES) {
            *lane = w as u32;
        }
    }
    /// Writes the finished lanes (`escaped | spent`, bits), in lane order, packed to the front:
    /// their pixel into `pixels` and their count into `counts`, `n - 1` (the iteration of escape)
    /// for `escaped` lanes and 0 for `spent` ones; returns how many. Up to `LANES` elements of
    /// each may be written, past the returned count too.
    ///
    /// # Panics
    /// If `pixels` or `counts` is shorter than `LANES`.
    #[inline(always)]
    fn pack_finished(
        self,
        (n, pixel): (Self::I, Self::I),
        (escaped, spent): (u32, u32),
        pixels: &mut [u32],
        counts: &mut [u32],
    ) -> usize {
        let (mut c, mut p) = ([0u32; MAX_LANES], [0u32; MAX_LANES]);
        self.store_u32(n, &mut c);
        self.store_u32(pixel, &mut p);
        let mut k = 0;
        let mut done = escaped | spent;
        while done != 0 {
            let l = done.trailing_zeros() as usize;
            pixels[k] = p[l];
            counts[k] = if escaped >> l & 1 == 1 { c[l] - 1 } else { 0 };
            k += 1;
            done &= done - 1;
        }
        k
    }
    /// The largest counter.
    #[inline(always)]
    fn max_count(self, n: Self::I) -> i64 {
        let mut a = [0; MAX_LANES];
        self.store_counts(n, &mut a);
        a[..Self::LANES].iter().copied().max().unwrap_or(0)
    }
    /// The lanes (bits) whose counter is `x`.
    #[inline(always)]
    fn count_is(self, n: Self::I, x: i64) -> u32 {
        let mut a = [0; MAX_LANES];
        self.store_counts(n, &mut a);
        (0..Self::LANES).map(|l| u32::from(a[l] == x) << l).sum()
    }
}

/// Lane bits `0..lanes` set.
#[inline(always)]
pub const fn all_bits(lanes: usize) -> u32 {
    (1u32 << lanes) - 1
}

mod portable;
pub use portable::Portable;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "x86_64")]
mod sse2;
#[cfg(target_arch = "x86_64")]
pub use {avx2::Avx2, avx512::Avx512, sse2::Sse2};

#[cfg(target_arch = "aarch64")]
mod neon;
#[cfg(target_arch = "aarch64")]
pub use neon::Neon;

/// Expands mask bits into all-ones 64-bit lanes (the masks of AVX2 and SSE2).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn lane_masks(bits: u32) -> [i64; MAX_LANES] {
    std::array::from_fn(|i| -i64::from(bits >> i & 1 == 1))
}
