//! The one registry of variants, in report order (ripgrep's `FLAGS: &[&dyn Flag]`).

use crate::{
    Cores, HotCode, SweepAxis, SweepRole, Variant, gpu, parallel, scalar, shortcuts, simd, vector,
};

/// Every variant the lab knows, in the order the report lists them.
pub const VARIANTS: &[&Variant] = &[
    &scalar::naive_complex::VARIANT,
    &scalar::locals::VARIANT,
    &scalar::expanded_math::VARIANT,
    &scalar::ndarray_loop::VARIANT,
    &scalar::c_reference::VARIANT,
    &vector::vector_whole::VARIANT,
    &vector::vector_chunked::VARIANT,
    &vector::vector_fused::VARIANT,
    &parallel::rayon_chunks::VARIANT,
    &parallel::rayon_rows::VARIANT,
    &parallel::mpi_jobs::VARIANT,
    &simd::simd_lanes::VARIANT,
    &simd::simd_rayon::VARIANT,
    &shortcuts::bulb_check::VARIANT,
    &shortcuts::cycle_check::VARIANT,
    &shortcuts::shortcut::VARIANT,
    &shortcuts::simd_shortcut::VARIANT,
    &shortcuts::simd_shortcut_rayon::VARIANT,
    &gpu::cuda_vector::F32,
    &gpu::cuda_vector::F64,
    &gpu::cuda_elementwise::F32,
    &gpu::cuda_elementwise::F64,
    &gpu::cuda_gridstride::F32,
    &gpu::cuda_gridstride::F64,
];

/// The variant every speed-up in the report is over: the tutorial's starting point.
pub const SPEEDUP_BASELINE: &Variant = &scalar::naive_complex::VARIANT;

/// The variant `axis`'s sweep compares its members with, where it has one.
pub fn sweep_baseline(axis: SweepAxis) -> Option<&'static Variant> {
    VARIANTS
        .iter()
        .copied()
        .find(|v| v.sweeps.contains(&(axis, SweepRole::Baseline)))
}

/// Looks a variant up by its command-line name.
pub fn find(name: &str) -> Option<&'static Variant> {
    VARIANTS.iter().copied().find(|v| v.name == name)
}

/// A variant's place in report order; names the registry does not know come last.
pub fn report_order(name: &str) -> usize {
    VARIANTS
        .iter()
        .position(|v| v.name == name)
        .unwrap_or(usize::MAX)
}

/// The names of every variant, comma-separated, for error messages.
pub fn names() -> String {
    VARIANTS
        .iter()
        .map(|v| v.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A variant is its name: the registry holds each once (`names_are_unique`).
impl PartialEq for Variant {
    fn eq(&self, other: &Variant) -> bool {
        self.name == other.name
    }
}

impl Eq for Variant {}

/// The facts the lab once asked of a variant by its name, answered from its entry.
impl Variant {
    /// Whether it runs under `mpirun`, one process per rank (`cargo xtask mpi`; the report and
    /// the thread sweep add it from under mpirun): its cores are ranks.
    pub fn runs_under_mpirun(&self) -> bool {
        self.cores == Cores::Ranks
    }

    /// Whether it runs on a GPU: its cores are a device's.
    pub fn runs_on_gpu(&self) -> bool {
        self.cores == Cores::Device
    }

    /// Whether its kernel is C, built by gcc (the flag lab's gcc builds run only it).
    pub fn is_c(&self) -> bool {
        matches!(self.hot_code, Some(HotCode::C(_)))
    }

    /// Whether it is [`SPEEDUP_BASELINE`], the variant every speed-up is over.
    pub fn is_speedup_baseline(&self) -> bool {
        self == SPEEDUP_BASELINE
    }

    /// What a GPU variant launches, `None` for the others.
    pub fn gpu_launch(&self) -> Option<gpu::code::Launch> {
        match self.hot_code {
            Some(HotCode::Gpu(launch)) => Some(launch),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cores, Family, Knob, Rung};

    #[test]
    fn names_are_unique() {
        for (i, v) in VARIANTS.iter().enumerate() {
            assert_eq!(report_order(v.name), i, "{} registered twice", v.name);
        }
    }

    #[test]
    fn cores_agree_with_knobs_and_family() {
        for v in VARIANTS {
            let expected = match v.cores {
                Cores::Threads => v.knobs.contains(&Knob::Threads),
                Cores::Device => v.family == Family::Gpu,
                Cores::One => !v.knobs.contains(&Knob::Threads) && v.family != Family::Gpu,
                Cores::Ranks => v.family == Family::Parallel,
            };
            assert!(expected, "{}: cores {:?}", v.name, v.cores);
        }
        assert_eq!(Cores::Ranks.used(Some(3), 2), Some(2));
        assert_eq!(Cores::Ranks.used(None, 4), Some(4));
        assert_eq!(Cores::Threads.used(Some(1), 2), Some(1));
        assert_eq!(Cores::One.used(Some(8), 2), Some(1));
        assert_eq!(Cores::Device.used(None, 2), None);
    }

    #[test]
    fn the_facts_once_asked_by_name_each_hold_for_their_variants() {
        let one = |fact: fn(&Variant) -> bool| VARIANTS.iter().filter(|v| fact(v)).count();
        assert_eq!(one(Variant::runs_under_mpirun), 1);
        assert_eq!(one(Variant::is_c), 1);
        assert_eq!(one(Variant::is_speedup_baseline), 1);
        assert!(SPEEDUP_BASELINE.is_speedup_baseline());
        for v in VARIANTS {
            assert_eq!(v.runs_on_gpu(), v.family == Family::Gpu, "{}", v.name);
            assert_eq!(v.gpu_launch().is_some(), v.runs_on_gpu(), "{}", v.name);
            if v.runs_under_mpirun() {
                assert_eq!(v.family, Family::Parallel, "{}", v.name);
            }
        }
    }

    #[test]
    fn families_and_paths_are_saved_under_their_command_line_names() {
        for f in Family::ALL {
            let json = format!("\"{f}\"");
            assert_eq!(serde_json::to_string(&f).unwrap(), json);
            assert_eq!(serde_json::from_str::<Family>(&json).unwrap(), f);
        }
        for isa in simd::Isa::ALL {
            let json = format!("\"{}\"", isa.name());
            assert_eq!(serde_json::to_string(&isa).unwrap(), json);
            assert_eq!(serde_json::from_str::<simd::Isa>(&json).unwrap(), isa);
        }
    }

    #[test]
    fn every_sweep_with_a_baseline_has_one_and_the_ladder_is_whole() {
        for axis in [SweepAxis::Threads, SweepAxis::Sizes] {
            let n = VARIANTS
                .iter()
                .filter(|v| v.sweeps.contains(&(axis, SweepRole::Baseline)))
                .count();
            assert_eq!(n, 1, "{axis:?}");
        }
        for rung in [Rung::Scalar, Rung::Lanes, Rung::AllCores] {
            assert_eq!(
                VARIANTS.iter().filter(|v| v.rung == Some(rung)).count(),
                1,
                "{rung:?}"
            );
        }
    }
}
