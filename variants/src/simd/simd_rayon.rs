//! `simd-rayon` (beyond the tutorial): `simd-lanes` on every core, the pixels handed out
//! dynamically.
//!
//! The tutorial's multi-core step (`multi.py`) split the grid into fixed chunks. Here every worker
//! runs the lane-refill kernel, and its lanes take pixels from one shared counter in grabs
//! ([`grab`]: up to 2048 pixels), so a worker that met cheap pixels simply takes more and all cores finish
//! within a few pixels' time of each other; only the very last pixels leave lanes idle. With two
//! cores it should take half of `simd-lanes`'s time. `--threads` sets the workers (one per core by
//! default), `--isa` the path. The counts are exact.

use std::sync::atomic::AtomicUsize;

use rayon::ThreadPool;

use super::Isa;
use super::refill::{self, Counts, Feed};
use crate::tuning::thread_pool;
use crate::{Cores, HotCode, Rung, SweepAxis, SweepRole};
use crate::{
    Exactness, Family, Kernel, Knob, Problem, Tuning, Variant, VariantError, always_available,
};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "simd-rayon",
    family: Family::Simd,
    analogue: "beyond the tutorial: simd-lanes on every core (multi.py's step, at full width)",
    summary: "simd-lanes on every core, lanes fed from one shared pixel counter in small grabs",
    exactness: Exactness::Exact,
    knobs: &[Knob::Threads, Knob::Isa],
    cores: Cores::Threads,
    tutorial: None,
    hot_code: Some(HotCode::Paths(refill::SOURCE)),
    rung: Some(Rung::AllCores),
    sweeps: &[(SweepAxis::Maxiter, SweepRole::Member)],
    probe: always_available,
    prepare,
};

/// Pixels a worker takes from the shared counter at a time: as many as leave every worker at
/// least [`GRABS_PER_WORKER`] grabs, between 128 and 2048. Every grab touches the counter's cache
/// line, which both cores share, and ends with lanes split across two grabs; the last grabs are
/// what balance the cores. Measured on Zen 4, 2 cores, the tutorial's problem (minimum of 41
/// runs): grabs of 128 pixels 6.17 ms, 512 5.87, 1024 5.57, 2048 5.48, 4096 5.46.
pub fn grab(pixels: usize, workers: usize) -> usize {
    (pixels / (workers.max(1) * GRABS_PER_WORKER)).clamp(128, 2048)
}

/// The fewest grabs each worker should get, so that the last ones balance the cores.
pub const GRABS_PER_WORKER: usize = 32;

struct SimdRayon {
    qx: Vec<f64>,
    qy: Vec<f64>,
    maxiter: u32,
    isa: Isa,
    pool: ThreadPool,
}

fn prepare(problem: &Problem<'_>, tuning: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let isa = Isa::resolve(VARIANT.name, tuning.isa)?;
    refill::check_grid(VARIANT.name, problem)?;
    let pool = thread_pool(VARIANT.name, tuning.threads)?;
    let (qx, qy) = problem.points().unzip();
    Ok(Box::new(SimdRayon {
        qx,
        qy,
        maxiter: problem.maxiter,
        isa,
        pool,
    }))
}

impl Kernel for SimdRayon {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let next = AtomicUsize::new(0);
        let pixels = out.len();
        let counts = Counts::new(out);
        let (qx, qy, maxiter, isa) = (&self.qx, &self.qy, self.maxiter, self.isa);
        let grab = grab(pixels, self.pool.current_num_threads());
        self.pool.broadcast(|_| {
            let mut feed = Feed::new(&next, pixels, grab);
            refill::run(isa, qx, qy, maxiter, &mut feed, counts);
        });
        Ok(())
    }

    fn isa(&self) -> Option<Isa> {
        Some(self.isa)
    }
}
