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

/// The portable path: plain arrays of four f64, for CPUs with none of the paths below. LLVM
/// vectorises what it can for the baseline target.
#[derive(Debug, Clone, Copy)]
pub struct Portable(());

impl Lanes for Portable {
    const LANES: usize = 4;
    const REGISTERS: bool = false;
    type F = [f64; 4];
    type M = [bool; 4];
    type I = [i64; 4];

    fn detect() -> Option<Self> {
        Some(Portable(()))
    }
    #[inline(always)]
    fn splat(self, x: f64) -> [f64; 4] {
        [x; 4]
    }
    #[inline(always)]
    fn load(self, a: &[f64]) -> [f64; 4] {
        [a[0], a[1], a[2], a[3]]
    }
    #[inline(always)]
    fn store(self, v: [f64; 4], a: &mut [f64]) {
        a[..4].copy_from_slice(&v);
    }
    #[inline(always)]
    fn add(self, a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        std::array::from_fn(|i| a[i] + b[i])
    }
    #[inline(always)]
    fn sub(self, a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        std::array::from_fn(|i| a[i] - b[i])
    }
    #[inline(always)]
    fn mul(self, a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        std::array::from_fn(|i| a[i] * b[i])
    }
    #[inline(always)]
    fn and_le(self, m: [bool; 4], a: [f64; 4], b: [f64; 4]) -> [bool; 4] {
        std::array::from_fn(|i| m[i] & (a[i] <= b[i]))
    }
    #[inline(always)]
    fn gt(self, a: [f64; 4], b: [f64; 4]) -> [bool; 4] {
        std::array::from_fn(|i| a[i] > b[i])
    }
    #[inline(always)]
    fn select(self, m: [bool; 4], a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        std::array::from_fn(|i| if m[i] { a[i] } else { b[i] })
    }
    #[inline(always)]
    fn bits(self, m: [bool; 4]) -> u32 {
        (0..4).map(|i| u32::from(m[i]) << i).sum()
    }
    #[inline(always)]
    fn mask(self, bits: u32) -> [bool; 4] {
        std::array::from_fn(|i| bits >> i & 1 == 1)
    }
    #[inline(always)]
    fn zeros(self) -> [i64; 4] {
        [0; 4]
    }
    #[inline(always)]
    fn count(self, n: [i64; 4], m: [bool; 4]) -> [i64; 4] {
        std::array::from_fn(|i| n[i] + i64::from(m[i]))
    }
    #[inline(always)]
    fn load_counts(self, a: &[i64; MAX_LANES]) -> [i64; 4] {
        [a[0], a[1], a[2], a[3]]
    }
    #[inline(always)]
    fn store_counts(self, n: [i64; 4], a: &mut [i64; MAX_LANES]) {
        a[..4].copy_from_slice(&n);
    }
    #[inline(always)]
    fn and_eq(self, m: [bool; 4], a: [f64; 4], b: [f64; 4]) -> [bool; 4] {
        std::array::from_fn(|i| m[i] & (a[i].to_bits() == b[i].to_bits()))
    }
    #[inline(always)]
    fn or(self, a: [bool; 4], b: [bool; 4]) -> [bool; 4] {
        std::array::from_fn(|i| a[i] | b[i])
    }
    #[inline(always)]
    fn count_ge(self, n: [i64; 4], at: [i64; 4]) -> [bool; 4] {
        std::array::from_fn(|i| n[i] >= at[i])
    }
    #[inline(always)]
    fn select_counts(self, m: [bool; 4], a: [i64; 4], b: [i64; 4]) -> [i64; 4] {
        std::array::from_fn(|i| if m[i] { a[i] } else { b[i] })
    }
    #[inline(always)]
    fn add_counts(self, a: [i64; 4], b: [i64; 4]) -> [i64; 4] {
        std::array::from_fn(|i| a[i] + b[i])
    }
}

#[cfg(target_arch = "x86_64")]
pub use x86::{Avx2, Avx512, Sse2};

#[cfg(target_arch = "aarch64")]
pub use arm::Neon;

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::{Lanes, MAX_LANES, all_bits};

    /// AVX-512F (with VL): eight f64 lanes in a zmm register, masks in k registers, and the
    /// counters as eight u32 in a ymm register: half a zmm operation per count, which on cores
    /// that split 512-bit operations in two (Zen 4) is one pipe slot instead of two.
    #[derive(Debug, Clone, Copy)]
    pub struct Avx512(());

    /// AVX2: four f64 lanes in a ymm register, masks as all-ones lanes.
    #[derive(Debug, Clone, Copy)]
    pub struct Avx2(());

    /// SSE2: two f64 lanes in an xmm register (every x86-64 CPU has it).
    #[derive(Debug, Clone, Copy)]
    pub struct Sse2(());

    // SAFETY (every `unsafe` block in this impl): a `Avx512` exists only when `detect` found
    // AVX-512F and AVX-512VL, and the pointers are to at least 8 elements.
    impl Lanes for Avx512 {
        const LANES: usize = 8;
        type F = __m512d;
        type M = __mmask8;
        type I = __m256i;

        fn detect() -> Option<Self> {
            (is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512vl"))
                .then_some(Avx512(()))
        }
        #[inline(always)]
        fn splat(self, x: f64) -> __m512d {
            // SAFETY: see the impl.
            unsafe { _mm512_set1_pd(x) }
        }
        #[inline(always)]
        fn load(self, a: &[f64]) -> __m512d {
            assert!(a.len() >= Self::LANES);
            // SAFETY: see the impl; `a` has LANES elements (checked above).
            unsafe { _mm512_loadu_pd(a.as_ptr()) }
        }
        #[inline(always)]
        fn store(self, v: __m512d, a: &mut [f64]) {
            assert!(a.len() >= Self::LANES);
            // SAFETY: see the impl; `a` has LANES elements (checked above).
            unsafe { _mm512_storeu_pd(a.as_mut_ptr(), v) }
        }
        #[inline(always)]
        fn add(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: see the impl.
            unsafe { _mm512_add_pd(a, b) }
        }
        #[inline(always)]
        fn sub(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: see the impl.
            unsafe { _mm512_sub_pd(a, b) }
        }
        #[inline(always)]
        fn mul(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: see the impl.
            unsafe { _mm512_mul_pd(a, b) }
        }
        #[inline(always)]
        fn and_le(self, m: __mmask8, a: __m512d, b: __m512d) -> __mmask8 {
            // SAFETY: see the impl.
            unsafe { _mm512_mask_cmp_pd_mask::<_CMP_LE_OQ>(m, a, b) }
        }
        #[inline(always)]
        fn gt(self, a: __m512d, b: __m512d) -> __mmask8 {
            // SAFETY: see the impl.
            unsafe { _mm512_cmp_pd_mask::<_CMP_GT_OQ>(a, b) }
        }
        #[inline(always)]
        fn select(self, m: __mmask8, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: see the impl.
            unsafe { _mm512_mask_blend_pd(m, b, a) }
        }
        #[inline(always)]
        fn bits(self, m: __mmask8) -> u32 {
            u32::from(m)
        }
        #[inline(always)]
        fn mask(self, bits: u32) -> __mmask8 {
            bits as __mmask8
        }
        #[inline(always)]
        fn zeros(self) -> __m256i {
            // SAFETY: see the impl.
            unsafe { _mm256_setzero_si256() }
        }
        #[inline(always)]
        fn count(self, n: __m256i, m: __mmask8) -> __m256i {
            // SAFETY: see the impl.
            unsafe { _mm256_mask_add_epi32(n, m, n, _mm256_set1_epi32(1)) }
        }
        #[inline(always)]
        fn load_counts(self, a: &[i64; MAX_LANES]) -> __m256i {
            // Counters and pixel indices fit in u32 (the variants refuse larger grids).
            // SAFETY: see the impl.
            unsafe { _mm512_cvtepi64_epi32(_mm512_loadu_epi64(a.as_ptr())) }
        }
        #[inline(always)]
        fn store_counts(self, n: __m256i, a: &mut [i64; MAX_LANES]) {
            // SAFETY: see the impl.
            unsafe { _mm512_storeu_epi64(a.as_mut_ptr(), _mm512_cvtepu32_epi64(n)) }
        }
        #[inline(always)]
        fn expand(self, v: __m512d, m: u32, src: &[f64]) -> __m512d {
            let count = m.count_ones() as usize;
            assert!(src.len() >= count);
            // A masked load of the first `count` elements, then the register form of expand:
            // Zen 4 runs the memory form of `vexpandpd` as a slow microcoded sequence.
            // SAFETY: see the impl; the masked load reads `count` elements, which `src` has
            // (checked above), and suppresses the rest.
            unsafe {
                let values = _mm512_maskz_loadu_pd(all_bits(count) as __mmask8, src.as_ptr());
                _mm512_mask_expand_pd(v, m as __mmask8, values)
            }
        }
        #[inline(always)]
        fn expand_index(self, n: __m256i, m: u32, first: i64) -> __m256i {
            // SAFETY: see the impl.
            unsafe {
                let next = _mm256_add_epi32(
                    _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0),
                    _mm256_set1_epi32(first as u32 as i32),
                );
                _mm256_mask_expand_epi32(n, m as __mmask8, next)
            }
        }
        #[inline(always)]
        fn clear(self, v: __m512d, m: u32) -> __m512d {
            // SAFETY: see the impl.
            unsafe { _mm512_maskz_mov_pd(!m as __mmask8, v) }
        }
        #[inline(always)]
        fn clear_counts(self, n: __m256i, m: u32) -> __m256i {
            // SAFETY: see the impl.
            unsafe { _mm256_maskz_mov_epi32(!m as __mmask8, n) }
        }
        #[inline(always)]
        fn max_count(self, n: __m256i) -> i64 {
            // SAFETY: see the impl.
            unsafe { _mm512_reduce_max_epu64(_mm512_cvtepu32_epi64(n)) as i64 }
        }
        #[inline(always)]
        fn store_u32(self, n: __m256i, a: &mut [u32; MAX_LANES]) {
            // SAFETY: see the impl.
            unsafe { _mm256_storeu_si256(a.as_mut_ptr().cast(), n) }
        }
        #[inline(always)]
        fn pack_finished(
            self,
            (n, pixel): (__m256i, __m256i),
            (escaped, spent): (u32, u32),
            pixels: &mut [u32],
            counts: &mut [u32],
        ) -> usize {
            assert!(pixels.len() >= Self::LANES && counts.len() >= Self::LANES);
            let done = (escaped | spent) as __mmask8;
            // Register compresses and whole stores: no scalar loop over lanes, so no branch
            // whose outcome depends on how many lanes finished.
            // SAFETY: see the impl; both slices have LANES u32 (checked above).
            unsafe {
                let values = _mm256_maskz_sub_epi32(escaped as __mmask8, n, _mm256_set1_epi32(1));
                let packed_pixels = _mm256_maskz_compress_epi32(done, pixel);
                let packed_counts = _mm256_maskz_compress_epi32(done, values);
                _mm256_storeu_si256(pixels.as_mut_ptr().cast(), packed_pixels);
                _mm256_storeu_si256(counts.as_mut_ptr().cast(), packed_counts);
            }
            done.count_ones() as usize
        }
        #[inline(always)]
        fn count_is(self, n: __m256i, x: i64) -> u32 {
            // SAFETY: see the impl.
            unsafe {
                u32::from(_mm256_cmpeq_epi32_mask(
                    n,
                    _mm256_set1_epi32(x as u32 as i32),
                ))
            }
        }
        #[inline(always)]
        fn and_eq(self, m: __mmask8, a: __m512d, b: __m512d) -> __mmask8 {
            // SAFETY: see the impl.
            unsafe {
                _mm512_mask_cmpeq_epi64_mask(m, _mm512_castpd_si512(a), _mm512_castpd_si512(b))
            }
        }
        #[inline(always)]
        fn or(self, a: __mmask8, b: __mmask8) -> __mmask8 {
            a | b
        }
        #[inline(always)]
        fn count_ge(self, n: __m256i, at: __m256i) -> __mmask8 {
            // The counters are u32 here (see `count`).
            // SAFETY: see the impl.
            unsafe { _mm256_cmpge_epu32_mask(n, at) }
        }
        #[inline(always)]
        fn select_counts(self, m: __mmask8, a: __m256i, b: __m256i) -> __m256i {
            // SAFETY: see the impl.
            unsafe { _mm256_mask_blend_epi32(m, b, a) }
        }
        #[inline(always)]
        fn add_counts(self, a: __m256i, b: __m256i) -> __m256i {
            // SAFETY: see the impl.
            unsafe { _mm256_add_epi32(a, b) }
        }
    }

    /// Expands mask bits into all-ones 64-bit lanes.
    #[inline(always)]
    fn lane_masks(bits: u32) -> [i64; MAX_LANES] {
        std::array::from_fn(|i| -i64::from(bits >> i & 1 == 1))
    }

    // SAFETY (every `unsafe` block in this impl): a `Avx2` exists only when `detect` found AVX2
    // (which implies AVX), and the pointers are to at least 4 elements.
    impl Lanes for Avx2 {
        const LANES: usize = 4;
        type F = __m256d;
        type M = __m256d;
        type I = __m256i;

        fn detect() -> Option<Self> {
            is_x86_feature_detected!("avx2").then_some(Avx2(()))
        }
        #[inline(always)]
        fn splat(self, x: f64) -> __m256d {
            // SAFETY: see the impl.
            unsafe { _mm256_set1_pd(x) }
        }
        #[inline(always)]
        fn load(self, a: &[f64]) -> __m256d {
            assert!(a.len() >= Self::LANES);
            // SAFETY: see the impl; `a` has LANES elements (checked above).
            unsafe { _mm256_loadu_pd(a.as_ptr()) }
        }
        #[inline(always)]
        fn store(self, v: __m256d, a: &mut [f64]) {
            assert!(a.len() >= Self::LANES);
            // SAFETY: see the impl; `a` has LANES elements (checked above).
            unsafe { _mm256_storeu_pd(a.as_mut_ptr(), v) }
        }
        #[inline(always)]
        fn add(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: see the impl.
            unsafe { _mm256_add_pd(a, b) }
        }
        #[inline(always)]
        fn sub(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: see the impl.
            unsafe { _mm256_sub_pd(a, b) }
        }
        #[inline(always)]
        fn mul(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: see the impl.
            unsafe { _mm256_mul_pd(a, b) }
        }
        #[inline(always)]
        fn and_le(self, m: __m256d, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: see the impl.
            unsafe { _mm256_and_pd(m, _mm256_cmp_pd::<_CMP_LE_OQ>(a, b)) }
        }
        #[inline(always)]
        fn gt(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: see the impl.
            unsafe { _mm256_cmp_pd::<_CMP_GT_OQ>(a, b) }
        }
        #[inline(always)]
        fn select(self, m: __m256d, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: see the impl.
            unsafe { _mm256_blendv_pd(b, a, m) }
        }
        #[inline(always)]
        fn bits(self, m: __m256d) -> u32 {
            // SAFETY: see the impl.
            unsafe { _mm256_movemask_pd(m) as u32 }
        }
        #[inline(always)]
        fn mask(self, bits: u32) -> __m256d {
            let lanes = lane_masks(bits);
            // SAFETY: see the impl.
            unsafe { _mm256_castsi256_pd(_mm256_loadu_si256(lanes.as_ptr().cast())) }
        }
        #[inline(always)]
        fn zeros(self) -> __m256i {
            // SAFETY: see the impl.
            unsafe { _mm256_setzero_si256() }
        }
        #[inline(always)]
        fn count(self, n: __m256i, m: __m256d) -> __m256i {
            // An all-ones lane is -1: subtracting it adds one.
            // SAFETY: see the impl.
            unsafe { _mm256_sub_epi64(n, _mm256_castpd_si256(m)) }
        }
        #[inline(always)]
        fn load_counts(self, a: &[i64; MAX_LANES]) -> __m256i {
            // SAFETY: see the impl.
            unsafe { _mm256_loadu_si256(a.as_ptr().cast()) }
        }
        #[inline(always)]
        fn store_counts(self, n: __m256i, a: &mut [i64; MAX_LANES]) {
            // SAFETY: see the impl.
            unsafe { _mm256_storeu_si256(a.as_mut_ptr().cast(), n) }
        }
        #[inline(always)]
        fn and_eq(self, m: __m256d, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: see the impl.
            unsafe {
                let eq = _mm256_cmpeq_epi64(_mm256_castpd_si256(a), _mm256_castpd_si256(b));
                _mm256_and_pd(m, _mm256_castsi256_pd(eq))
            }
        }
        #[inline(always)]
        fn or(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: see the impl.
            unsafe { _mm256_or_pd(a, b) }
        }
        #[inline(always)]
        fn count_ge(self, n: __m256i, at: __m256i) -> __m256d {
            // n >= at is not at > n.
            // SAFETY: see the impl.
            unsafe {
                let below = _mm256_cmpgt_epi64(at, n);
                _mm256_castsi256_pd(_mm256_xor_si256(below, _mm256_set1_epi64x(-1)))
            }
        }
        #[inline(always)]
        fn select_counts(self, m: __m256d, a: __m256i, b: __m256i) -> __m256i {
            // SAFETY: see the impl.
            unsafe {
                _mm256_castpd_si256(_mm256_blendv_pd(
                    _mm256_castsi256_pd(b),
                    _mm256_castsi256_pd(a),
                    m,
                ))
            }
        }
        #[inline(always)]
        fn add_counts(self, a: __m256i, b: __m256i) -> __m256i {
            // SAFETY: see the impl.
            unsafe { _mm256_add_epi64(a, b) }
        }
    }

    // SAFETY (every `unsafe` block in this impl): SSE2 is part of x86-64, and the pointers are to
    // at least 2 elements.
    impl Lanes for Sse2 {
        const LANES: usize = 2;
        type F = __m128d;
        type M = __m128d;
        type I = __m128i;

        fn detect() -> Option<Self> {
            Some(Sse2(()))
        }
        #[inline(always)]
        fn splat(self, x: f64) -> __m128d {
            // SAFETY: see the impl.
            unsafe { _mm_set1_pd(x) }
        }
        #[inline(always)]
        fn load(self, a: &[f64]) -> __m128d {
            assert!(a.len() >= Self::LANES);
            // SAFETY: see the impl; `a` has LANES elements (checked above).
            unsafe { _mm_loadu_pd(a.as_ptr()) }
        }
        #[inline(always)]
        fn store(self, v: __m128d, a: &mut [f64]) {
            assert!(a.len() >= Self::LANES);
            // SAFETY: see the impl; `a` has LANES elements (checked above).
            unsafe { _mm_storeu_pd(a.as_mut_ptr(), v) }
        }
        #[inline(always)]
        fn add(self, a: __m128d, b: __m128d) -> __m128d {
            // SAFETY: see the impl.
            unsafe { _mm_add_pd(a, b) }
        }
        #[inline(always)]
        fn sub(self, a: __m128d, b: __m128d) -> __m128d {
            // SAFETY: see the impl.
            unsafe { _mm_sub_pd(a, b) }
        }
        #[inline(always)]
        fn mul(self, a: __m128d, b: __m128d) -> __m128d {
            // SAFETY: see the impl.
            unsafe { _mm_mul_pd(a, b) }
        }
        #[inline(always)]
        fn and_le(self, m: __m128d, a: __m128d, b: __m128d) -> __m128d {
            // SAFETY: see the impl.
            unsafe { _mm_and_pd(m, _mm_cmple_pd(a, b)) }
        }
        #[inline(always)]
        fn gt(self, a: __m128d, b: __m128d) -> __m128d {
            // SAFETY: see the impl.
            unsafe { _mm_cmpgt_pd(a, b) }
        }
        #[inline(always)]
        fn select(self, m: __m128d, a: __m128d, b: __m128d) -> __m128d {
            // SAFETY: see the impl.
            unsafe { _mm_or_pd(_mm_and_pd(m, a), _mm_andnot_pd(m, b)) }
        }
        #[inline(always)]
        fn bits(self, m: __m128d) -> u32 {
            // SAFETY: see the impl.
            unsafe { _mm_movemask_pd(m) as u32 }
        }
        #[inline(always)]
        fn mask(self, bits: u32) -> __m128d {
            let lanes = lane_masks(bits);
            // SAFETY: see the impl.
            unsafe { _mm_castsi128_pd(_mm_loadu_si128(lanes.as_ptr().cast())) }
        }
        #[inline(always)]
        fn zeros(self) -> __m128i {
            // SAFETY: see the impl.
            unsafe { _mm_setzero_si128() }
        }
        #[inline(always)]
        fn count(self, n: __m128i, m: __m128d) -> __m128i {
            // An all-ones lane is -1: subtracting it adds one.
            // SAFETY: see the impl.
            unsafe { _mm_sub_epi64(n, _mm_castpd_si128(m)) }
        }
        #[inline(always)]
        fn load_counts(self, a: &[i64; MAX_LANES]) -> __m128i {
            // SAFETY: see the impl.
            unsafe { _mm_loadu_si128(a.as_ptr().cast()) }
        }
        #[inline(always)]
        fn store_counts(self, n: __m128i, a: &mut [i64; MAX_LANES]) {
            // SAFETY: see the impl.
            unsafe { _mm_storeu_si128(a.as_mut_ptr().cast(), n) }
        }
        #[inline(always)]
        fn and_eq(self, m: __m128d, a: __m128d, b: __m128d) -> __m128d {
            // SSE2 has no 64-bit compare (SSE4.1's `pcmpeqq`): the 32-bit halves are compared,
            // and a lane is equal where both its halves are (each half ANDed with its partner).
            // SAFETY: see the impl.
            unsafe {
                let halves = _mm_cmpeq_epi32(_mm_castpd_si128(a), _mm_castpd_si128(b));
                let both = _mm_and_si128(halves, _mm_shuffle_epi32::<0b10_11_00_01>(halves));
                _mm_and_pd(m, _mm_castsi128_pd(both))
            }
        }
        #[inline(always)]
        fn or(self, a: __m128d, b: __m128d) -> __m128d {
            // SAFETY: see the impl.
            unsafe { _mm_or_pd(a, b) }
        }
        #[inline(always)]
        fn count_ge(self, n: __m128i, at: __m128i) -> __m128d {
            // SSE2 has no 64-bit compare (SSE4.2's `pcmpgtq`): n >= at where at - n - 1 is
            // negative (exact, as both lie in 0..2³³), and that sign, in each lane's upper half,
            // is spread over the lane.
            // SAFETY: see the impl.
            unsafe {
                let d = _mm_sub_epi64(_mm_sub_epi64(at, n), _mm_set1_epi64x(1));
                let sign = _mm_srai_epi32::<31>(d);
                _mm_castsi128_pd(_mm_shuffle_epi32::<0b11_11_01_01>(sign))
            }
        }
        #[inline(always)]
        fn select_counts(self, m: __m128d, a: __m128i, b: __m128i) -> __m128i {
            // SAFETY: see the impl.
            unsafe {
                let m = _mm_castpd_si128(m);
                _mm_or_si128(_mm_and_si128(m, a), _mm_andnot_si128(m, b))
            }
        }
        #[inline(always)]
        fn add_counts(self, a: __m128i, b: __m128i) -> __m128i {
            // SAFETY: see the impl.
            unsafe { _mm_add_epi64(a, b) }
        }
    }
}

#[cfg(target_arch = "aarch64")]
mod arm {
    use std::arch::aarch64::*;

    use super::{Lanes, MAX_LANES};

    /// NEON (Advanced SIMD): two f64 lanes in a q register (every AArch64 CPU has it).
    #[derive(Debug, Clone, Copy)]
    pub struct Neon(());

    // SAFETY (every `unsafe` block in this impl): NEON is part of AArch64, and the pointers are
    // to at least 2 elements.
    impl Lanes for Neon {
        const LANES: usize = 2;
        type F = float64x2_t;
        type M = uint64x2_t;
        type I = int64x2_t;

        fn detect() -> Option<Self> {
            std::arch::is_aarch64_feature_detected!("neon").then_some(Neon(()))
        }
        #[inline(always)]
        fn splat(self, x: f64) -> float64x2_t {
            // SAFETY: see the impl.
            unsafe { vdupq_n_f64(x) }
        }
        #[inline(always)]
        fn load(self, a: &[f64]) -> float64x2_t {
            assert!(a.len() >= Self::LANES);
            // SAFETY: see the impl; `a` has LANES elements (checked above).
            unsafe { vld1q_f64(a.as_ptr()) }
        }
        #[inline(always)]
        fn store(self, v: float64x2_t, a: &mut [f64]) {
            assert!(a.len() >= Self::LANES);
            // SAFETY: see the impl; `a` has LANES elements (checked above).
            unsafe { vst1q_f64(a.as_mut_ptr(), v) }
        }
        #[inline(always)]
        fn add(self, a: float64x2_t, b: float64x2_t) -> float64x2_t {
            // SAFETY: see the impl.
            unsafe { vaddq_f64(a, b) }
        }
        #[inline(always)]
        fn sub(self, a: float64x2_t, b: float64x2_t) -> float64x2_t {
            // SAFETY: see the impl.
            unsafe { vsubq_f64(a, b) }
        }
        #[inline(always)]
        fn mul(self, a: float64x2_t, b: float64x2_t) -> float64x2_t {
            // SAFETY: see the impl.
            unsafe { vmulq_f64(a, b) }
        }
        #[inline(always)]
        fn and_le(self, m: uint64x2_t, a: float64x2_t, b: float64x2_t) -> uint64x2_t {
            // SAFETY: see the impl.
            unsafe { vandq_u64(m, vcleq_f64(a, b)) }
        }
        #[inline(always)]
        fn gt(self, a: float64x2_t, b: float64x2_t) -> uint64x2_t {
            // SAFETY: see the impl.
            unsafe { vcgtq_f64(a, b) }
        }
        #[inline(always)]
        fn select(self, m: uint64x2_t, a: float64x2_t, b: float64x2_t) -> float64x2_t {
            // SAFETY: see the impl.
            unsafe { vbslq_f64(m, a, b) }
        }
        #[inline(always)]
        fn bits(self, m: uint64x2_t) -> u32 {
            // SAFETY: see the impl.
            unsafe { (vgetq_lane_u64::<0>(m) & 1 | (vgetq_lane_u64::<1>(m) & 1) << 1) as u32 }
        }
        #[inline(always)]
        fn mask(self, bits: u32) -> uint64x2_t {
            let lanes: [u64; 2] =
                std::array::from_fn(|i| 0u64.wrapping_sub(u64::from(bits >> i & 1)));
            // SAFETY: see the impl.
            unsafe { vld1q_u64(lanes.as_ptr()) }
        }
        #[inline(always)]
        fn zeros(self) -> int64x2_t {
            // SAFETY: see the impl.
            unsafe { vdupq_n_s64(0) }
        }
        #[inline(always)]
        fn count(self, n: int64x2_t, m: uint64x2_t) -> int64x2_t {
            // An all-ones lane is -1: subtracting it adds one.
            // SAFETY: see the impl.
            unsafe { vsubq_s64(n, vreinterpretq_s64_u64(m)) }
        }
        #[inline(always)]
        fn load_counts(self, a: &[i64; MAX_LANES]) -> int64x2_t {
            // SAFETY: see the impl.
            unsafe { vld1q_s64(a.as_ptr()) }
        }
        #[inline(always)]
        fn store_counts(self, n: int64x2_t, a: &mut [i64; MAX_LANES]) {
            // SAFETY: see the impl.
            unsafe { vst1q_s64(a.as_mut_ptr(), n) }
        }
        #[inline(always)]
        fn and_eq(self, m: uint64x2_t, a: float64x2_t, b: float64x2_t) -> uint64x2_t {
            // SAFETY: see the impl.
            unsafe {
                let eq = vceqq_u64(vreinterpretq_u64_f64(a), vreinterpretq_u64_f64(b));
                vandq_u64(m, eq)
            }
        }
        #[inline(always)]
        fn or(self, a: uint64x2_t, b: uint64x2_t) -> uint64x2_t {
            // SAFETY: see the impl.
            unsafe { vorrq_u64(a, b) }
        }
        #[inline(always)]
        fn count_ge(self, n: int64x2_t, at: int64x2_t) -> uint64x2_t {
            // SAFETY: see the impl.
            unsafe { vcgeq_s64(n, at) }
        }
        #[inline(always)]
        fn select_counts(self, m: uint64x2_t, a: int64x2_t, b: int64x2_t) -> int64x2_t {
            // SAFETY: see the impl.
            unsafe { vbslq_s64(m, a, b) }
        }
        #[inline(always)]
        fn add_counts(self, a: int64x2_t, b: int64x2_t) -> int64x2_t {
            // SAFETY: see the impl.
            unsafe { vaddq_s64(a, b) }
        }
    }
}
