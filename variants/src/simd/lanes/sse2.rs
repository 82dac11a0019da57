//! The SSE2 path: xmm vectors, masks as all-ones lanes, i64 counters (every x86-64 CPU).

use std::arch::x86_64::*;

use super::{Lanes, MAX_LANES, lane_masks};

/// SSE2: two f64 lanes in an xmm register (every x86-64 CPU has it).
#[derive(Debug, Clone, Copy)]
pub struct Sse2(());

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
    #[inline(always)]
    fn shr_counts(self, n: __m128i, shift: u32) -> __m128i {
        // A count of 64 or more shifts in zeros.
        // SAFETY: see the impl.
        unsafe { _mm_srl_epi64(n, _mm_cvtsi32_si128(shift.min(64) as i32)) }
    }
}
