//! The AVX2 path: ymm vectors, masks as all-ones lanes, i64 counters.

use std::arch::x86_64::*;

use super::{Lanes, MAX_LANES, lane_masks};

/// AVX2: four f64 lanes in a ymm register, masks as all-ones lanes.
#[derive(Debug, Clone, Copy)]
pub struct Avx2(());

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
    #[inline(always)]
    fn shr_counts(self, n: __m256i, shift: u32) -> __m256i {
        // A count of 64 or more shifts in zeros.
        // SAFETY: see the impl.
        unsafe { _mm256_srl_epi64(n, _mm_cvtsi32_si128(shift.min(64) as i32)) }
    }
}
