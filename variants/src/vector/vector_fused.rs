//! `vector-fused` mirrors `numpy_vector_numexpr.py`: numexpr evaluates the whole expression of an
//! iteration in one pass over cache-sized blocks, on every core, instead of numpy's one pass over
//! the whole grid per operation.
//!
//! numexpr took the tutorial from numpy's 42 s to 19.1 s because it compiles
//! `z*z + q`, the escape test and the `where`s into one virtual-machine program and runs it block
//! by block, so intermediate results stay in cache instead of becoming grid-sized temporaries, and
//! it spreads the blocks over threads. Here the iteration is one fused loop over a block: load
//! `z` and `q`, compute the new `z`, test it, and store `z`, `q` and the output with selects, with
//! no `done` array and no second pass. Each block runs all `maxiter` iterations while its arrays
//! stay in cache, and rayon spreads the blocks over the cores (`--threads`, one per core by
//! default).
//!
//! Block size (`--chunk`, default 1024): a pixel's state is `zx`, `zy`, `qx`, `qy` (four f64) and
//! its count (a u32), 36 bytes, so 1024 pixels are 36 KiB: in L1 on cores with a 48 KiB data
//! cache and far inside L2 everywhere. Much smaller blocks add loop overhead per pass; much larger
//! ones spill to L3 and leave fewer blocks (a 500 x 500 grid gives about 245) for balancing the
//! costly blocks near the set over the cores. numexpr's semantics are kept: no per-pixel early
//! exit, every pixel is iterated `maxiter` times, and an escaped pixel's `z` and `q` become 0. The
//! arithmetic is the reference's, in its order, so the counts are exact.
//!
//! numexpr vectorises its block loops, so this does too: the pass is `simd::fused`, compiled for
//! each SIMD path and dispatched at run time to the widest one the CPU has (`--isa` forces one).
//! A block's scratch is padded to a whole number of vectors with points at 0, which never escape.

use rayon::ThreadPool;
use rayon::prelude::*;

use crate::simd::{Isa, fused};
use crate::tuning::{chunk_len, thread_pool};
use crate::{Cores, HotCode, SweepAxis, SweepRole};
use crate::{
    Exactness, Family, Kernel, Knob, Problem, Tuning, Variant, VariantError, always_available,
};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "vector-fused",
    family: Family::Vector,
    analogue: "numpy_vector_numexpr.py (numexpr)",
    summary: "one fused SIMD pass per cache-sized block per iteration, blocks over all cores, no early exit",
    exactness: Exactness::Exact,
    knobs: &[Knob::Chunk, Knob::Threads, Knob::Isa],
    cores: Cores::Threads,
    tutorial: Some(&crate::tutorial::NUMEXPR),
    hot_code: Some(HotCode::Paths(fused::SOURCE)),
    rung: None,
    sweeps: &[(SweepAxis::Maxiter, SweepRole::Member)],
    probe: always_available,
    prepare,
};

/// Pixels per block when `--chunk` is not given (see the module documentation).
pub const DEFAULT_BLOCK: usize = 1024;

struct VectorFused {
    qx: Vec<f64>,
    qy: Vec<f64>,
    block: usize,
    maxiter: u32,
    pool: ThreadPool,
    isa: Isa,
}

fn prepare(problem: &Problem<'_>, tuning: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let isa = Isa::resolve(VARIANT.name, tuning.isa)?;
    let block = chunk_len(VARIANT.name, tuning.chunk, DEFAULT_BLOCK, problem)?;
    let pool = thread_pool(VARIANT.name, tuning.threads)?;
    let (qx, qy) = problem.points().unzip();
    Ok(Box::new(VectorFused {
        qx,
        qy,
        block,
        maxiter: problem.maxiter,
        pool,
        isa,
    }))
}

/// One worker's block-sized scratch, reused across the blocks it runs.
struct Scratch {
    zx: Vec<f64>,
    zy: Vec<f64>,
    qx: Vec<f64>,
    qy: Vec<f64>,
}

impl Scratch {
    fn new(block: usize) -> Scratch {
        Scratch {
            zx: Vec::with_capacity(block),
            zy: Vec::with_capacity(block),
            qx: Vec::with_capacity(block),
            qy: Vec::with_capacity(block),
        }
    }

    fn run(&mut self, isa: Isa, qx: &[f64], qy: &[f64], maxiter: u32, output: &mut [u32]) {
        // Padded to whole vectors; the padding's points are 0 and never escape.
        let len = qx.len().next_multiple_of(isa.lanes());
        for (scratch, points) in [(&mut self.qx, qx), (&mut self.qy, qy)] {
            scratch.clear();
            scratch.extend_from_slice(points);
            scratch.resize(len, 0.0);
        }
        for v in [&mut self.zx, &mut self.zy] {
            v.clear();
            v.resize(len, 0.0);
        }
        fused::evaluate_on(
            isa,
            &mut self.zx,
            &mut self.zy,
            &mut self.qx,
            &mut self.qy,
            maxiter,
            output,
        );
    }
}

impl Kernel for VectorFused {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let (qx, qy, block, maxiter, isa) =
            (&self.qx, &self.qy, self.block, self.maxiter, self.isa);
        self.pool.install(|| {
            out.par_chunks_mut(block)
                .zip(qx.par_chunks(block))
                .zip(qy.par_chunks(block))
                .for_each_init(
                    || Scratch::new(block + isa.lanes()),
                    |scratch, ((out, qx), qy)| scratch.run(isa, qx, qy, maxiter, out),
                );
        });
        Ok(())
    }

    fn isa(&self) -> Option<Isa> {
        Some(self.isa)
    }
}
