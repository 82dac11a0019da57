//! The one registry of variants, in report order (ripgrep's `FLAGS: &[&dyn Flag]`).

use crate::{Variant, gpu, parallel, scalar, simd, vector};

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
    &gpu::cuda_vector::F32,
    &gpu::cuda_vector::F64,
    &gpu::cuda_elementwise::F32,
    &gpu::cuda_elementwise::F64,
    &gpu::cuda_gridstride::F32,
    &gpu::cuda_gridstride::F64,
];

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
