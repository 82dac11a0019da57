//! `simd-lanes` (beyond the tutorial): `expanded`'s exact loop across every f64 lane of one core,
//! with lane refill.
//!
//! `expanded` runs one pixel at a time, so each iteration waits for the previous one's multiply,
//! subtract and add (about 12 cycles of latency) while the core could start a new vector operation
//! every cycle. Here eight pixels share a 512-bit vector (four with AVX2, two with SSE2 or NEON),
//! four vectors are in flight at once so their latencies overlap, and a lane whose pixel is done
//! takes the next pixel every few iterations (see `refill.rs`), so the lanes stay busy. That
//! should bring the loop from the FPU's latency to its throughput: on a core that issues one
//! 512-bit add and one 512-bit multiply per cycle, about eight of the nine floating-point operations of an
//! iteration each cycle across eight lanes, i.e. near one pixel-iteration per cycle per lane pair.
//!
//! `--isa` forces a path (`avx512`, `avx2`, `sse2`, `neon`, `portable`), so the same kernel can be
//! measured at 2, 4 and 8 lanes: the report's lane ladder. The counts are exact on every path.

use std::sync::atomic::AtomicUsize;

use super::Isa;
use super::refill::{self, Counts, Feed};
use crate::{Cores, HotCode, Rung, SweepAxis, SweepRole};
use crate::{
    Exactness, Family, Kernel, Knob, Problem, Tuning, Variant, VariantError, always_available,
};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "simd-lanes",
    family: Family::Simd,
    analogue: "beyond the tutorial: its closing wish, versions \"which go as fast as possible\"",
    summary: "expanded math across every f64 lane of one core (AVX-512: 8), 4 vectors in flight, lanes refilled as pixels finish",
    exactness: Exactness::Exact,
    knobs: &[Knob::Isa],
    cores: Cores::One,
    tutorial: None,
    hot_code: Some(HotCode::Paths(refill::SOURCE)),
    rung: Some(Rung::Lanes),
    sweeps: &[(SweepAxis::Maxiter, SweepRole::Member)],
    probe: always_available,
    prepare,
};

struct SimdLanes {
    qx: Vec<f64>,
    qy: Vec<f64>,
    maxiter: u32,
    isa: Isa,
}

fn prepare(problem: &Problem<'_>, tuning: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let isa = Isa::resolve(VARIANT.name, tuning.isa)?;
    refill::check_grid(VARIANT.name, problem)?;
    let (qx, qy) = problem.points().unzip();
    Ok(Box::new(SimdLanes {
        qx,
        qy,
        maxiter: problem.maxiter,
        isa,
    }))
}

impl Kernel for SimdLanes {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let next = AtomicUsize::new(0);
        // One core: one grab of every pixel.
        let mut feed = Feed::new(&next, out.len(), out.len());
        refill::run(
            self.isa,
            &self.qx,
            &self.qy,
            self.maxiter,
            &mut feed,
            Counts::new(out),
        );
        Ok(())
    }

    fn isa(&self) -> Option<Isa> {
        Some(self.isa)
    }
}
