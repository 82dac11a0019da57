//! `rayon-chunks` mirrors `multi.py`: the tutorial split its `q` list into one chunk per worker
//! and handed the chunks to a `multiprocessing.Pool` with `map_async`, each worker running the
//! serial kernel, and joined the results in order.
//!
//! This is `expanded` (the fastest single-core loop) run on every core: the grid is cut into
//! `--chunks` contiguous pieces (default one per worker thread) and each piece is one task for a
//! rayon pool of `--threads` workers. Two cores should nearly halve the time, as they did for the
//! tutorial (30 s to 19 s on pure Python, where pickling the lists ate part of the gain); here
//! nothing is copied between workers, each writes its own slice of the output. Fixed chunks are
//! what it keeps from multiprocessing, and that is its weakness: the rows through the middle of
//! the set cost `maxiter` iterations per pixel while the top and bottom rows escape at once, so
//! with one chunk per core the middle chunk's worker finishes last while the others idle.
//! More chunks (`--chunks 16`) trade that imbalance for scheduling overhead; `rayon-rows` lets
//! the pool balance instead. Each pixel runs `expanded`'s own loop, so the counts are exact.

use rayon::ThreadPool;
use rayon::prelude::*;

use super::chunk_range;
use crate::scalar::expanded_math::calculate_z;
use crate::tuning::{chunk_count, thread_pool};
use crate::{Cores, SweepAxis, SweepRole};
use crate::{
    Exactness, Family, Kernel, Knob, Problem, Tuning, Variant, VariantError, always_available,
};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "rayon-chunks",
    family: Family::Parallel,
    analogue: "multi.py (multiprocessing Pool.map_async)",
    summary: "expanded kernel over --chunks fixed contiguous chunks on a pool of --threads workers",
    exactness: Exactness::Exact,
    knobs: &[Knob::Chunks, Knob::Threads],
    cores: Cores::Threads,
    tutorial: Some(&crate::tutorial::MULTIPROCESSING),
    hot_code: None,
    rung: None,
    sweeps: &[(SweepAxis::Threads, SweepRole::Member)],
    probe: always_available,
    prepare,
};

struct RayonChunks {
    qx: Vec<f64>,
    qy: Vec<f64>,
    chunks: usize,
    maxiter: u32,
    pool: ThreadPool,
}

fn prepare(problem: &Problem<'_>, tuning: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let pool = thread_pool(VARIANT.name, tuning.threads)?;
    let chunks = chunk_count(
        VARIANT.name,
        tuning.chunks,
        pool.current_num_threads(),
        problem,
    )?;
    let (qx, qy) = problem.points().unzip();
    Ok(Box::new(RayonChunks {
        qx,
        qy,
        chunks,
        maxiter: problem.maxiter,
        pool,
    }))
}

impl Kernel for RayonChunks {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let (qx, qy, maxiter) = (&self.qx, &self.qy, self.maxiter);
        // Cut the output into the chunks' disjoint slices, in order, as `map_async` returned them.
        let mut tasks = Vec::with_capacity(self.chunks);
        let mut rest = out;
        for k in 0..self.chunks {
            let range = chunk_range(k, self.chunks, qx.len());
            let (piece, tail) = rest.split_at_mut(range.len());
            tasks.push((piece, &qx[range.clone()], &qy[range]));
            rest = tail;
        }
        self.pool.install(|| {
            tasks
                .into_par_iter()
                .with_max_len(1)
                .for_each(|(out, qx, qy)| calculate_z(qx, qy, maxiter, out));
        });
        Ok(())
    }
}
