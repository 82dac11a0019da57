//! Running a variant once and timing only the kernel call, as the tutorial did.

use std::time::Instant;

use std::path::Path;

use mandel_variants::simd::Isa;
use mandel_variants::{Kernel, Tuning, Variant, Work};

use crate::measure::criterion::{self, Clock};

use crate::problem::reference::Reference;
use crate::problem::validate;
use crate::record::measured::{BenchSettings, Timing};
use crate::record::measured::{Status, Validation};
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
    /// The SIMD path that ran, for variants that dispatch at run time.
    pub isa: Option<Isa>,
    /// For a variant that skips work, what it executed ([`Kernel::work`], counted after the
    /// timed call); `None` from [`run_kernel`], which counts nothing.
    pub work: Option<Work>,
}

/// Prepares `variant` for `grid` (untimed), then times one call of its kernel, then counts its
/// work where it skips some (untimed).
pub fn run_once(variant: &Variant, grid: &Grid, tuning: &Tuning) -> Result<RunOnce, LabError> {
    let mut kernel = variant.prepare(&grid.problem(), tuning)?;
    let run = run_kernel(kernel.as_mut(), grid.pixels())?;
    Ok(RunOnce {
        work: kernel.work(),
        ..run
    })
}

/// Times one call of an already prepared kernel over `pixels` pixels.
pub fn run_kernel(kernel: &mut dyn Kernel, pixels: usize) -> Result<RunOnce, LabError> {
    // The buffer's pages written before the clock starts: zeroed memory from the allocator is
    // mapped at its first write, and the one call would pay for the page faults inside its time,
    // where criterion's calls, which reuse one buffer, never do (`shortcut_timing` with SINGLE,
    // AVX-512, maxiter 1000, loaded machine: simd-shortcut's one call 4.9 ms into a fresh buffer,
    // 2.1 ms into a written one, against a steady 1.9 ms).
    let mut counts = vec![1u32; pixels];
    std::hint::black_box(&mut counts);
    counts.fill(0);
    let start = Instant::now();
    kernel.run(&mut counts)?;
    let seconds = start.elapsed().as_secs_f64();
    Ok(RunOnce {
        counts,
        seconds,
        kernel_seconds: kernel.kernel_seconds(),
        isa: kernel.isa(),
        work: None,
    })
}

/// Where criterion measures a variant: benchmark `group/id`, files under `dir`.
#[derive(Debug, Clone, Copy)]
pub struct Bench<'a> {
    pub settings: &'a BenchSettings,
    pub group: &'a str,
    pub id: &'a str,
    pub dir: &'a Path,
}

/// What validating and measuring one variant found.
#[derive(Debug, Clone)]
pub struct Measured {
    pub check: Validation,
    /// The validation run's time, as the tutorial timed (kernel call only).
    pub first_run_seconds: f64,
    /// Criterion's measurement of whole runs; `None` if it failed validation or was not benched.
    pub timing: Option<Timing>,
    /// For a variant that times its kernels on a device, those kernels alone
    /// (`group/<id>-kernel-only`).
    pub kernel_timing: Option<Timing>,
    /// The SIMD path that ran, for variants that dispatch at run time.
    pub isa: Option<Isa>,
    /// For a variant that skips work, what it executed ([`Kernel::work`], counted untimed).
    pub work: Option<Work>,
}

/// Prepares `variant`, validates one run against `reference`, then, unless it failed and when
/// `bench` says where, measures it under criterion: whole runs, and a GPU variant's kernels alone.
pub fn validate_and_measure(
    variant: &Variant,
    grid: &Grid,
    reference: &Reference,
    tuning: &Tuning,
    bench: Option<Bench<'_>>,
) -> Result<Measured, LabError> {
    let mut kernel = variant.prepare(&grid.problem(), tuning)?;
    let first = run_kernel(kernel.as_mut(), grid.pixels())?;
    let mut measured = Measured {
        check: validate::check(&first.counts, reference, variant.exactness),
        first_run_seconds: first.seconds,
        timing: None,
        kernel_timing: None,
        isa: first.isa,
        work: kernel.work(),
    };
    let Some(b) = bench.filter(|_| measured.check.status != Status::Fail) else {
        return Ok(measured);
    };
    let mut measure = |id: &str, clock| {
        criterion::measure_clock(
            kernel.as_mut(),
            grid.pixels(),
            b.group,
            id,
            b.dir,
            b.settings,
            clock,
        )
    };
    measured.timing = Some(measure(b.id, Clock::Wall)?);
    if first.kernel_seconds.is_some() {
        measured.kernel_timing = Some(measure(&format!("{}-kernel-only", b.id), Clock::Device)?);
    }
    Ok(measured)
}
