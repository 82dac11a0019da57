//! The AVX-512 path: zmm vectors, k-register masks, u32 counters in a ymm register.

use std::arch::x86_64::*;

use super::{Lanes, MAX_LANES, all_bits};

/// AVX-512F (with VL): eight f64 lanes in a zmm register, masks in k registers, and the
/// counters as eight u32 in a ymm register: half a zmm operation per count, which on cores
/// that split 512-bit operations in two (Zen 4) is one pipe slot instead of two.
#[derive(Debug, Clone, Copy)]
pub struct Avx512(());

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
        unsafe { _mm512_mask_cmpeq_epi64_mask(m, _mm512_castpd_si512(a), _mm512_castpd_si512(b)) }
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
    #[inline(always)]
    fn shr_counts(self, n: __m256i, shift: u32) -> __m256i {
        // The counters are u32 here (see `count`); a count of 32 or more shifts in zeros.
        // SAFETY: see the impl.
        unsafe { _mm256_srl_epi32(n, _mm_cvtsi32_si128(shift.min(32) as i32)) }
    }
}
