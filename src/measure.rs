//! Running a variant once and timing only the kernel call, as the tutorial did.

use std::time::Instant;

use mandel_variants::{Kernel, Tuning, Variant};

use crate::{Grid, LabError};

/// What one timed run produced.
#[derive(Debug, Clone)]
pub struct RunOnce {
    /// Escape count per pixel, row-major.
    pub counts: Vec<u32>,
    /// Wall-clock seconds of the kernel call alone (preparation is not timed).
    pub seconds: f64,
    /// For a GPU variant, the device's seconds in its kernels alone (device events).
    pub kernel_seconds: Option<f64>,
}

/// Prepares `variant` for `grid` (untimed), then times one call of its kernel.
pub fn run_once(variant: &Variant, grid: &Grid, tuning: &Tuning) -> Result<RunOnce, LabError> {
    let mut kernel = variant.prepare(&grid.problem(), tuning)?;
    run_kernel(kernel.as_mut(), grid.pixels())
}

/// Times one call of an already prepared kernel over `pixels` pixels.
pub fn run_kernel(kernel: &mut dyn Kernel, pixels: usize) -> Result<RunOnce, LabError> {
    let mut counts = vec![0u32; pixels];
    let start = Instant::now();
    kernel.run(&mut counts)?;
    let seconds = start.elapsed().as_secs_f64();
    Ok(RunOnce {
        counts,
        seconds,
        kernel_seconds: kernel.kernel_seconds(),
    })
}
