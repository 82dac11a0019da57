//! `rayon-rows` is `multi.py` with work stealing instead of fixed chunks: every row of the grid is
//! a task, and rayon's pool balances them.
//!
//! `rayon-chunks` gives each worker a fixed share of the grid, and the shares do not cost the
//! same: a row through the body of the set runs all `maxiter` iterations for most of its pixels
//! while a row at the edge escapes within a few. Here `par_chunks_mut` over the output's rows lets
//! rayon split the rows recursively; a worker that finishes its half steals part of another's, so
//! every core stays busy until the last rows. That removes the idle tail of fixed chunks at the
//! cost of a few hundred cheap task hand-offs, so with two cores it should come close to half of
//! `expanded`'s time. `--threads` sets the workers (one per core by default); `--chunks` does not
//! apply, the unit of work is always one row. Each pixel runs `expanded`'s own loop, so the
//! counts are exact.

use rayon::ThreadPool;
use rayon::prelude::*;

use crate::scalar::expanded_math::calculate_z;
use crate::tuning::thread_pool;
use crate::{Cores, SweepAxis, SweepRole};
use crate::{
    Exactness, Family, Kernel, Knob, Problem, Tuning, Variant, VariantError, always_available,
};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "rayon-rows",
    family: Family::Parallel,
    analogue: "multi.py (work stealing instead of fixed chunks)",
    summary: "expanded kernel with one task per row, balanced by rayon's work stealing",
    exactness: Exactness::Exact,
    knobs: &[Knob::Threads],
    cores: Cores::Threads,
    tutorial: None,
    hot_code: None,
    rung: None,
    sweeps: &[
        (SweepAxis::Threads, SweepRole::Member),
        (SweepAxis::Sizes, SweepRole::Baseline),
        (SweepAxis::Maxiter, SweepRole::Member),
    ],
    probe: always_available,
    prepare,
};

struct RayonRows {
    qx: Vec<f64>,
    qy: Vec<f64>,
    columns: usize,
    maxiter: u32,
    pool: ThreadPool,
}

fn prepare(problem: &Problem<'_>, tuning: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let pool = thread_pool(VARIANT.name, tuning.threads)?;
    let (qx, qy) = problem.points().unzip();
    Ok(Box::new(RayonRows {
        qx,
        qy,
        // A row of zero columns has no pixels; 1 keeps `par_chunks` valid on an empty grid.
        columns: problem.xs.len().max(1),
        maxiter: problem.maxiter,
        pool,
    }))
}

impl Kernel for RayonRows {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let (qx, qy, columns, maxiter) = (&self.qx, &self.qy, self.columns, self.maxiter);
        self.pool.install(|| {
            out.par_chunks_mut(columns)
                .zip(qx.par_chunks(columns))
                .zip(qy.par_chunks(columns))
                .for_each(|((out, qx), qy)| calculate_z(qx, qy, maxiter, out));
        });
        Ok(())
    }
}
