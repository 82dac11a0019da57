//! The portable path: the trait over plain arrays, for CPUs with none of the others.

use super::{Lanes, MAX_LANES};

/// The portable path: plain arrays of four f64, for CPUs with none of the other paths. LLVM
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
    #[inline(always)]
    fn shr_counts(self, n: [i64; 4], shift: u32) -> [i64; 4] {
        std::array::from_fn(|i| n[i].checked_shr(shift).unwrap_or(0))
    }
}
