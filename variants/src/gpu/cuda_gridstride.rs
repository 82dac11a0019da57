//! `cuda-gridstride-f32` and `cuda-gridstride-f64` mirror the tutorial's pyCUDA `SourceModule`:
//! hand-written CUDA C with its own indexing, a grid-stride loop, so that a fixed launch shape
//! covers any grid. The tutorial launched grid (400, 1) with blocks of 512 threads (204,800
//! threads for 250,000 pixels: some threads take two). Those are the defaults here; `--chunks`
//! sets the blocks in the grid and `--chunk` the threads per block (at most 1024), so a shape
//! tuned to the card (for instance a few blocks per multiprocessor) is a setting.
//!
//! The kernel is the same loop as `cuda-elementwise`, so the difference measured is the launch
//! shape alone.

use super::F32_INEXACT;
use super::code::Launch;
use super::cuda_elementwise::{PerPixel, PerPixelKernel};
use super::launch::{DeviceReal, Shape};
use crate::tuning::chunk_count;
use crate::{Cores, HotCode, SweepAxis, SweepRole};
use crate::{Exactness, Family, Kernel, Knob, Problem, Tuning, Variant, VariantError};

/// The tutorial's launch shape.
pub const TUTORIAL_BLOCKS: usize = 400;
pub const TUTORIAL_THREADS: usize = 512;
/// CUDA's limit on threads per block.
const MAX_THREADS: usize = 1024;

/// Registry entry, float32.
pub const F32: Variant = Variant {
    name: "cuda-gridstride-f32",
    family: Family::Gpu,
    analogue: "pyCUDA SourceModule, grid (400,1) block 512 (float32)",
    summary: "hand-written grid-stride kernel; --chunks blocks of --chunk threads, float32",
    exactness: Exactness::Inexact(F32_INEXACT),
    knobs: &[Knob::Chunk, Knob::Chunks],
    cores: Cores::Device,
    tutorial: None,
    hot_code: Some(HotCode::Gpu(Launch {
        kernels: super::code::GRIDSTRIDE,
        threads_per_block: TUTORIAL_THREADS as u32,
        double: false,
    })),
    rung: None,
    sweeps: &[(SweepAxis::Sizes, SweepRole::Member)],
    probe: super::probe,
    prepare: prepare::<f32>,
};

/// Registry entry, float64.
pub const F64: Variant = Variant {
    name: "cuda-gridstride-f64",
    family: Family::Gpu,
    analogue: "pyCUDA SourceModule, grid (400,1) block 512 (float64)",
    summary: "hand-written grid-stride kernel; --chunks blocks of --chunk threads, float64, no FMA",
    exactness: Exactness::Exact,
    knobs: &[Knob::Chunk, Knob::Chunks],
    cores: Cores::Device,
    tutorial: None,
    hot_code: Some(HotCode::Gpu(Launch {
        kernels: super::code::GRIDSTRIDE,
        threads_per_block: TUTORIAL_THREADS as u32,
        double: true,
    })),
    rung: None,
    sweeps: &[(SweepAxis::Sizes, SweepRole::Member)],
    probe: super::probe,
    prepare: prepare::<f64>,
};

/// The host side of `cuda-gridstride`: one launch of `--chunks` blocks of `--chunk` threads.
pub(crate) fn sequence(
    variant: &'static str,
    problem: &Problem<'_>,
    tuning: &Tuning,
) -> Result<PerPixel, VariantError> {
    // Blocks are work units: at least one, at most one per pixel.
    let blocks = chunk_count(variant, tuning.chunks, TUTORIAL_BLOCKS, problem)?;
    let threads = match tuning.chunk {
        None => TUTORIAL_THREADS,
        Some(t) if (1..=MAX_THREADS).contains(&t) => t,
        Some(t) => {
            return Err(VariantError::BadTuning {
                variant,
                message: format!("--chunk {t}: threads per block must be 1 to {MAX_THREADS}"),
            });
        }
    };
    // `PerPixel::new` refuses grids of more than u32::MAX pixels, so `blocks` (at most one per
    // pixel) fits in a u32 wherever the shape is used; `threads` is at most 1024.
    PerPixel::new(variant, PerPixelKernel::Gridstride, problem, |_| Shape {
        blocks: u32::try_from(blocks).unwrap_or(u32::MAX),
        threads: threads as u32,
    })
}

fn prepare<T: DeviceReal>(
    problem: &Problem<'_>,
    tuning: &Tuning,
) -> Result<Box<dyn Kernel>, VariantError> {
    let name = if T::SUFFIX == "f32" {
        F32.name
    } else {
        F64.name
    };
    sequence(name, problem, tuning)?.on_device::<T>(name)
}
