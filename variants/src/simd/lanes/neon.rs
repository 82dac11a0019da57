//! The NEON path: q-register vectors and masks, i64 counters (every AArch64 CPU).

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
        let lanes: [u64; 2] = std::array::from_fn(|i| 0u64.wrapping_sub(u64::from(bits >> i & 1)));
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
    #[inline(always)]
    fn shr_counts(self, n: int64x2_t, shift: u32) -> int64x2_t {
        // A negative count shifts right; the counters are never negative, so the arithmetic
        // shift is the logical one, and 64 or more leaves 0.
        // SAFETY: see the impl.
        unsafe { vshlq_s64(n, vdupq_n_s64(-i64::from(shift.min(64)))) }
    }
}
