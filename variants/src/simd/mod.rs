//! The "SIMD lanes" family (beyond the tutorial): the exact kernel across every f64 lane of the
//! core's vector unit, with lane refill, on one core and on all of them.
//!
//! The tutorial stopped at one f64 per instruction (Cython, ShedSkin) or at numpy's passes over
//! memory; its closing wish was for versions "which go as fast as possible". A core of this lab's
//! machines has 512-bit vectors: eight f64 lanes, four with AVX2, two with SSE2 or NEON. The
//! kernels here are written once, generically over [`lanes::Lanes`], and compiled for each
//! instruction set inside a `#[target_feature]` function; [`Isa`] picks the widest path the CPU has
//! at run time, on the stable toolchain, and `--isa` forces a narrower one.
//!
//! Why `core::arch` intrinsics and not a safe SIMD crate: the lab's binary is built for the
//! baseline x86-64 target and must pick AVX-512 at run time. `wide` chooses its implementation
//! with `cfg(target_feature)` at compile time, so in a baseline build its `f64x8` is four SSE2
//! pairs even inside an AVX-512 function; `std::simd` is nightly-only; `pulp` dispatches at run
//! time but hides the mask and counter types the refill loop needs (k-registers on AVX-512) behind
//! its own abstraction. A measurement decided it: the same generic kernel over plain arrays
//! ([`lanes::Portable`], what a safe crate lowers to), compiled inside the AVX-512 function, ran
//! the tutorial's problem in 34.4 ms against the intrinsics' 11.8 ms (AMD EPYC Zen 4, best of
//! five), because LLVM does not turn per-lane bools and counters into k-register masks, masked
//! adds and expands. The intrinsics are confined to `lanes/`, one line each, behind a token that
//! only run-time detection can create.

pub mod fused;
pub mod lanes;
pub mod probe;
pub mod refill;
pub mod simd_lanes;
pub mod simd_rayon;

use crate::VariantError;
use lanes::Lanes;

/// A SIMD path: an instruction set and its f64 lane count. Saved in JSON under its
/// [`Isa::name`], so a results file is read back into the type at once.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Isa {
    /// x86-64 AVX-512F with AVX-512VL: 8 lanes.
    Avx512,
    /// x86-64 AVX2: 4 lanes.
    Avx2,
    /// x86-64 SSE2: 2 lanes.
    Sse2,
    /// AArch64 NEON: 2 lanes.
    Neon,
    /// Plain Rust arrays of 4 lanes, for any other CPU.
    Portable,
}

impl Isa {
    /// Every path, widest first.
    pub const ALL: [Isa; 5] = [Isa::Avx512, Isa::Avx2, Isa::Sse2, Isa::Neon, Isa::Portable];

    /// The name `--isa` takes and results record.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Avx512 => "avx512",
            Isa::Avx2 => "avx2",
            Isa::Sse2 => "sse2",
            Isa::Neon => "neon",
            Isa::Portable => "portable",
        }
    }

    /// The path called `name`, if there is one.
    pub fn parse(name: &str) -> Option<Isa> {
        Isa::ALL.into_iter().find(|isa| isa.name() == name)
    }

    /// The demangled path of this path's own function (see [`with_isa`]), which holds its loops
    /// in a binary: how the machine-code views find each path.
    pub fn symbol(self) -> &'static str {
        match self {
            Isa::Avx512 => concat!(module_path!(), "::x86::avx512"),
            Isa::Avx2 => concat!(module_path!(), "::x86::avx2"),
            Isa::Sse2 => concat!(module_path!(), "::x86::sse2"),
            Isa::Neon => concat!(module_path!(), "::arm::neon"),
            Isa::Portable => concat!(module_path!(), "::portable"),
        }
    }

    /// f64 lanes per vector.
    pub fn lanes(self) -> usize {
        match self {
            Isa::Avx512 => 8,
            Isa::Avx2 | Isa::Portable => 4,
            Isa::Sse2 | Isa::Neon => 2,
        }
    }

    /// The register names of its vectors, as the machine-code view shows them.
    pub fn registers(self) -> &'static str {
        match self {
            Isa::Avx512 => "zmm",
            Isa::Avx2 => "ymm",
            Isa::Sse2 => "xmm",
            Isa::Neon => "q (v) registers",
            Isa::Portable => "whatever LLVM chose for the baseline target",
        }
    }

    /// Whether this CPU (and this build's architecture) has the path.
    pub fn is_available(self) -> bool {
        match self {
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => lanes::Avx512::detect().is_some(),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => lanes::Avx2::detect().is_some(),
            #[cfg(target_arch = "x86_64")]
            Isa::Sse2 => lanes::Sse2::detect().is_some(),
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => lanes::Neon::detect().is_some(),
            Isa::Portable => true,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// Every path this CPU has, widest first.
    pub fn available() -> Vec<Isa> {
        Isa::ALL.into_iter().filter(|i| i.is_available()).collect()
    }

    /// The widest path this CPU has.
    pub fn best() -> Isa {
        Isa::available().first().copied().unwrap_or(Isa::Portable)
    }

    /// `asked`, refused in one line when this CPU lacks it, or the widest path.
    pub fn resolve(variant: &'static str, asked: Option<Isa>) -> Result<Isa, VariantError> {
        match asked {
            None => Ok(Isa::best()),
            Some(isa) if isa.is_available() => Ok(isa),
            Some(isa) => Err(VariantError::BadTuning {
                variant,
                message: format!(
                    "--isa {} is not available on this CPU; it has {}",
                    isa.name(),
                    names(&Isa::available())
                ),
            }),
        }
    }
}

impl std::fmt::Display for Isa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Comma-separated names of `isas`.
pub fn names(isas: &[Isa]) -> String {
    isas.iter().map(|i| i.name()).collect::<Vec<_>>().join(", ")
}

/// A computation generic over the lane type, run by [`with_isa`] on one path (pulp's `WithSimd`).
/// `call` must be `#[inline(always)]`, so it is compiled with the path's target features.
pub trait WithLanes {
    /// What the computation returns.
    type Output;
    /// Runs the computation on the lanes of `s`.
    fn call<S: Lanes>(self, s: S) -> Self::Output;
}

/// Runs `w` on the path `isa`, compiled for that instruction set.
///
/// # Panics
/// If this CPU lacks `isa`; callers resolve it first with [`Isa::resolve`].
pub fn with_isa<W: WithLanes>(isa: Isa, w: W) -> W::Output {
    let missing = || -> ! { panic!("the {isa} path was chosen on a CPU without it") };
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => {
            let s = lanes::Avx512::detect().unwrap_or_else(|| missing());
            // SAFETY: the token proves the CPU has AVX-512F and AVX-512VL.
            unsafe { x86::avx512(s, w) }
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => {
            let s = lanes::Avx2::detect().unwrap_or_else(|| missing());
            // SAFETY: the token proves the CPU has AVX2.
            unsafe { x86::avx2(s, w) }
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Sse2 => x86::sse2(lanes::Sse2::detect().unwrap_or_else(|| missing()), w),
        #[cfg(target_arch = "aarch64")]
        Isa::Neon => {
            let s = lanes::Neon::detect().unwrap_or_else(|| missing());
            // SAFETY: the token proves the CPU has NEON.
            unsafe { arm::neon(s, w) }
        }
        Isa::Portable => portable(lanes::Portable::detect().unwrap_or_else(|| missing()), w),
        #[allow(unreachable_patterns)]
        _ => missing(),
    }
}

// Every path has a function of its own, never inlined, so the machine-code view can find each
// path's loop by name (`mandel_variants::simd::x86::avx512`, ...).

#[inline(never)]
fn portable<W: WithLanes>(s: lanes::Portable, w: W) -> W::Output {
    w.call(s)
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::WithLanes;
    use super::lanes::{Avx2, Avx512, Sse2};

    #[inline(never)]
    pub(super) fn sse2<W: WithLanes>(s: Sse2, w: W) -> W::Output {
        w.call(s)
    }

    /// # Safety
    /// The CPU must have AVX-512F and AVX-512VL (the token says so).
    #[inline(never)]
    #[target_feature(enable = "avx512f,avx512vl")]
    pub(super) unsafe fn avx512<W: WithLanes>(s: Avx512, w: W) -> W::Output {
        w.call(s)
    }

    /// # Safety
    /// The CPU must have AVX2 (the token says so).
    #[inline(never)]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2<W: WithLanes>(s: Avx2, w: W) -> W::Output {
        w.call(s)
    }
}

#[cfg(target_arch = "aarch64")]
mod arm {
    use super::WithLanes;
    use super::lanes::Neon;

    /// # Safety
    /// The CPU must have NEON (the token says so).
    #[inline(never)]
    #[target_feature(enable = "neon")]
    pub(super) unsafe fn neon<W: WithLanes>(s: Neon, w: W) -> W::Output {
        w.call(s)
    }
}
