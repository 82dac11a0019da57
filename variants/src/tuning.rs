//! Checks of the tuning knobs, shared by the variants that use them.

use crate::{Problem, VariantError};

/// The slice length to use: `asked`, or `default` capped at the grid, refusing 0 and an explicit
/// slice longer than the grid (never clamped silently).
pub fn chunk_len(
    variant: &'static str,
    asked: Option<usize>,
    default: usize,
    problem: &Problem<'_>,
) -> Result<usize, VariantError> {
    per_pixel_knob(variant, "--chunk", asked, default, problem)
}

/// The number of work units: `asked` (between 1 and the pixel count), or `default`.
pub fn chunk_count(
    variant: &'static str,
    asked: Option<usize>,
    default: usize,
    problem: &Problem<'_>,
) -> Result<usize, VariantError> {
    per_pixel_knob(variant, "--chunks", asked, default, problem)
}

/// A knob counted in pixels: between 1 and the grid's pixel count when given, else `default`
/// brought into that range.
fn per_pixel_knob(
    variant: &'static str,
    flag: &str,
    asked: Option<usize>,
    default: usize,
    problem: &Problem<'_>,
) -> Result<usize, VariantError> {
    let pixels = problem.pixels().max(1);
    match asked {
        Some(0) => Err(bad(variant, format!("{flag} must be at least 1"))),
        Some(n) if n > pixels => Err(bad(
            variant,
            format!("{flag} {n} is larger than the grid's {pixels} pixels"),
        )),
        Some(n) => Ok(n),
        None => Ok(default.clamp(1, pixels)),
    }
}

/// A rayon pool of `asked` threads (default: one per core), refusing 0.
pub fn thread_pool(
    variant: &'static str,
    asked: Option<usize>,
) -> Result<rayon::ThreadPool, VariantError> {
    if asked == Some(0) {
        return Err(bad(variant, "--threads must be at least 1".into()));
    }
    let threads =
        asked.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("{variant}-{i}"))
        .build()
        .map_err(|e| VariantError::Runtime {
            variant,
            message: format!("cannot start {threads} threads: {e}"),
        })
}

fn bad(variant: &'static str, message: String) -> VariantError {
    VariantError::BadTuning { variant, message }
}
