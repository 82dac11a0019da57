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

use rayon::ThreadPool;
use rayon::prelude::*;

use crate::tuning::{chunk_len, thread_pool};
use crate::{
    Exactness, Family, Kernel, Knob, Problem, Tuning, Variant, VariantError, always_available,
};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "vector-fused",
    family: Family::Vector,
    analogue: "numpy_vector_numexpr.py (numexpr)",
    summary: "one fused pass per cache-sized block per iteration, blocks over all cores, no early exit",
    exactness: Exactness::Exact,
    knobs: &[Knob::Chunk, Knob::Threads],
    probe: always_available,
    prepare,
};

/// Pixels per block when `--chunk` is not given (see the module documentation).
pub const DEFAULT_BLOCK: usize = 1024;

/// All `maxiter` iterations of the fused expression over one block of points.
///
/// `zx`, `zy`, `qx` and `qy` are the block's scratch, as long as `output`; `qx` and `qy` must hold
/// the block's points and `zx`, `zy` zeros on entry. Never inlined, so profiles name it.
#[inline(never)]
pub fn evaluate_block(
    zx: &mut [f64],
    zy: &mut [f64],
    qx: &mut [f64],
    qy: &mut [f64],
    maxiter: u32,
    output: &mut [u32],
) {
    output.fill(0);
    for iteration in 0..maxiter {
        let pixels = zx
            .iter_mut()
            .zip(zy.iter_mut())
            .zip(qx.iter_mut())
            .zip(qy.iter_mut())
            .zip(output.iter_mut());
        for ((((zx, zy), qx), qy), out) in pixels {
            let (x, y) = (*zx, *zy);
            let new_x = (x * x - y * y) + *qx;
            let new_y = (x * y + y * x) + *qy;
            let done = new_x * new_x + new_y * new_y > 4.0;
            // Selects, not branches, as numexpr's `where`, so the loop is branch-free. On the
            // baseline x86-64 target (SSE2) LLVM's cost model keeps it scalar. An AVX2 build
            // (as the vector passes dispatch to) vectorises it with blends and measured twice as
            // slow here (0.47 s against 0.23-0.31 s on 500 x 500 x 1000), so this stays scalar.
            *qx = if done { 0.0 } else { *qx };
            *qy = if done { 0.0 } else { *qy };
            *zx = if done { 0.0 } else { new_x };
            *zy = if done { 0.0 } else { new_y };
            *out = if done { iteration } else { *out };
        }
    }
}

struct VectorFused {
    qx: Vec<f64>,
    qy: Vec<f64>,
    block: usize,
    maxiter: u32,
    pool: ThreadPool,
}

fn prepare(problem: &Problem<'_>, tuning: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let block = chunk_len(VARIANT.name, tuning.chunk, DEFAULT_BLOCK, problem)?;
    let pool = thread_pool(VARIANT.name, tuning.threads)?;
    let (qx, qy) = problem.points().unzip();
    Ok(Box::new(VectorFused {
        qx,
        qy,
        block,
        maxiter: problem.maxiter,
        pool,
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

    fn run(&mut self, qx: &[f64], qy: &[f64], maxiter: u32, output: &mut [u32]) {
        let len = qx.len();
        self.qx.clear();
        self.qx.extend_from_slice(qx);
        self.qy.clear();
        self.qy.extend_from_slice(qy);
        for v in [&mut self.zx, &mut self.zy] {
            v.clear();
            v.resize(len, 0.0);
        }
        evaluate_block(
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
        let (qx, qy, block, maxiter) = (&self.qx, &self.qy, self.block, self.maxiter);
        self.pool.install(|| {
            out.par_chunks_mut(block)
                .zip(qx.par_chunks(block))
                .zip(qy.par_chunks(block))
                .for_each_init(
                    || Scratch::new(block),
                    |scratch, ((out, qx), qy)| scratch.run(qx, qy, maxiter, out),
                );
        });
        Ok(())
    }
}
