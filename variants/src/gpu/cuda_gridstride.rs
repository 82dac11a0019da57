//! `cuda-gridstride-f32` and `cuda-gridstride-f64` mirror the tutorial's pyCUDA `SourceModule`:
//! hand-written CUDA C with its own indexing, a grid-stride loop, so that a fixed launch shape
//! covers any grid. The tutorial launched grid (400, 1) with blocks of 512 threads (204,800
//! threads for 250,000 pixels: some threads take two). Those are the defaults here; `--chunks`
//! sets the blocks in the grid and `--chunk` the threads per block (at most 1024), so a shape
//! tuned to the card (for instance a few blocks per multiprocessor) is a setting.
//!
//! The kernel is the same loop as `cuda-elementwise`, so the difference measured is the launch
//! shape alone.

use cudarc::driver::LaunchConfig;

use super::F32_INEXACT;
use super::cuda_elementwise::PerPixel;
use crate::tuning::chunk_count;
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
    probe: super::probe,
    prepare: prepare::<f64>,
};

fn prepare<T: super::Real>(
    problem: &Problem<'_>,
    tuning: &Tuning,
) -> Result<Box<dyn Kernel>, VariantError> {
    let name = if T::SUFFIX == "f32" {
        F32.name
    } else {
        F64.name
    };
    // Blocks are work units: at least one, at most one per pixel.
    let blocks = chunk_count(name, tuning.chunks, TUTORIAL_BLOCKS, problem)?;
    let threads = match tuning.chunk {
        None => TUTORIAL_THREADS,
        Some(t) if (1..=MAX_THREADS).contains(&t) => t,
        Some(t) => {
            return Err(VariantError::BadTuning {
                variant: name,
                message: format!("--chunk {t}: threads per block must be 1 to {MAX_THREADS}"),
            });
        }
    };
    let kernel = PerPixel::<T>::new(name, "gridstride", problem, |_| LaunchConfig {
        grid_dim: (blocks as u32, 1, 1),
        block_dim: (threads as u32, 1, 1),
        shared_mem_bytes: 0,
    })?;
    Ok(Box::new(kernel))
}
