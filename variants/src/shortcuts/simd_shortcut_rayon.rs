//! `simd-shortcut-rayon` (beyond the tutorial): `simd-shortcut` on every core, as `simd-rayon`
//! is `simd-lanes` on every core.
//!
//! The first pass (the bulb test and the first iterations, `compact.rs`) is split across the
//! workers ([`Compacted::fill_on`]): each takes one part of the grid, keeps its pixels at its own
//! offset, and one move closes the gaps, cheap since few pixels are kept; then every worker runs
//! the lanes of `simd_refill.rs` over the kept pixels, taking them from one
//! shared counter in grabs sized as `simd-rayon`'s ([`grab`]), so the workers finish together
//! even though the kept pixels' costs differ far more than the grid's. `--threads` sets the
//! workers, `--isa` the path; the counts are exact.
//!
//! Measured on the tutorial's problem, AMD EPYC Zen 3, 2 cores shared with other work, so
//! wall-clock times, median (min..max) of 21 runs, are only as good as the other core was free;
//! from the series where it was: maxiter 1000, `simd-rayon` 15.5 (15.2..15.9) ms, this variant
//! 4.49 (4.44..8.14), against `simd-shortcut`'s 7.72 on one core; maxiter 10,000, `simd-rayon`
//! 132 (128..343), this variant 9.79 (9.24..17.6), against 15.7 on one core. The serial pass
//! (0.9 ms) is then a fifth of the run at maxiter 1000; splitting it across the workers (each
//! compacting its part, then one move to close the gaps) is the next step.
//!
//! Criterion, one run with the other core free, margin 1/1024, maxiter 1000: 4.013 ms ± 1.2%
//! (MAD), 1.67× `simd-shortcut`'s 6.689 ms; `simd-rayon` 15.01 ms ± 1.3%.
//!
//! With the first pass split (2026-12-07, Zen 4, AVX-512, 2 cores shared with other engineers'
//! builds). Criterion, one `mandel-lab report` run at 19:37 UTC with the other core free
//! (`simd-rayon` 5.78 ms against `simd-lanes`' 11.07, 1.91×; load average 0.1 to 1.0), the parts
//! then spawned on a rayon scope: 1.416 ms ± 3.1% (MAD) against `simd-shortcut`'s 1.933 ms ±
//! 0.5%, **1.37×**; its breakdown: first pass 0.55 ms (0.71 on one core), lanes 0.69 (1.21). The
//! pass without iterations took as long on two workers as on one (0.38 against 0.36 ms): a
//! spawned part waited for a sleeping worker to steal it. Now one broadcast hands each worker
//! its part (the first single runs after it: pass 0.43 to 0.60 ms, lanes 0.76 to 0.87; the other
//! core was busy from then on, so no criterion figure of it). An earlier timing-example run
//! (wall time here against `simd-shortcut`'s CPU time, load 1.7) gave 1.96× at maxiter 1000 and
//! 1.64× at 10,000, where a few hundred pixels run to maxiter and the last grabs decide when the
//! workers finish; grabs of 8, 32, 64 and 244 (today's) pixels gave no consistent order.

use std::sync::Mutex;
use std::sync::atomic::AtomicUsize;

use rayon::ThreadPool;

use super::compact::Compacted;
use super::simd_refill::{self, SCHEDULE, Schedule};
use super::simd_shortcut::PARTS;
use crate::simd::Isa;
use crate::simd::refill::{self, Counts, Feed};
use crate::simd::simd_rayon::grab;
use crate::tuning::thread_pool;
use crate::{
    Cores, Exactness, Family, HotCode, Kernel, Knob, Problem, SweepAxis, SweepRole, Tuning,
    Variant, VariantError, Work, always_available,
};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "simd-shortcut-rayon",
    family: Family::Shortcuts,
    analogue: "beyond the tutorial",
    summary: "simd-shortcut on every core, the kept pixels fed from one shared counter in small grabs",
    exactness: Exactness::Exact,
    knobs: &[Knob::Threads, Knob::Isa],
    cores: Cores::Threads,
    tutorial: None,
    hot_code: Some(HotCode::Paths(simd_refill::SOURCE)),
    rung: None,
    sweeps: &[(SweepAxis::Maxiter, SweepRole::Member)],
    probe: always_available,
    prepare,
};

struct SimdShortcutRayon {
    qx: Vec<f64>,
    qy: Vec<f64>,
    maxiter: u32,
    isa: Isa,
    pool: ThreadPool,
    kept: Compacted,
}

fn prepare(problem: &Problem<'_>, tuning: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let isa = Isa::resolve(VARIANT.name, tuning.isa)?;
    refill::check_grid(VARIANT.name, problem)?;
    let pool = thread_pool(VARIANT.name, tuning.threads)?;
    let (qx, qy): (Vec<f64>, Vec<f64>) = problem.points().unzip();
    Ok(Box::new(SimdShortcutRayon {
        kept: Compacted::new(qx.len()),
        qx,
        qy,
        maxiter: problem.maxiter,
        isa,
        pool,
    }))
}

impl SimdShortcutRayon {
    /// One run: the bulb pass, then every worker's lanes over the kept pixels. Where `TALLY`,
    /// the work every worker did is counted into `work`.
    fn all_cores<const TALLY: bool>(
        &self,
        kept: &mut Compacted,
        out: &mut [u32],
        work: &Mutex<Work>,
    ) {
        let mut first = Work::default();
        let limits = (self.maxiter, SCHEDULE.head);
        let grid = (&self.qx[..], &self.qy[..]);
        kept.fill_on::<TALLY>(&self.pool, self.isa, grid, out, limits, &mut first);
        if TALLY {
            work.lock().unwrap_or_else(|e| e.into_inner()).merge(first);
        }
        self.lanes::<TALLY>(kept, SCHEDULE, out, work);
    }

    /// Every worker's lanes over the pixels the first pass kept, with the schedule `schedule`.
    fn lanes<const TALLY: bool>(
        &self,
        kept: &Compacted,
        schedule: Schedule,
        out: &mut [u32],
        work: &Mutex<Work>,
    ) {
        let next = AtomicUsize::new(0);
        let counts = Counts::new(out);
        let grab = grab(kept.len(), self.pool.current_num_threads());
        let limits = (self.maxiter, schedule);
        self.pool.broadcast(|_| {
            let mut feed = Feed::new(&next, kept.len(), grab);
            let mut mine = Work::default();
            simd_refill::run::<TALLY>(self.isa, kept, limits, &mut feed, counts, &mut mine);
            if TALLY {
                work.lock().unwrap_or_else(|e| e.into_inner()).merge(mine);
            }
        });
    }
}

impl Kernel for SimdShortcutRayon {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let mut kept = std::mem::take(&mut self.kept);
        self.all_cores::<false>(&mut kept, out, &Mutex::new(Work::default()));
        self.kept = kept;
        Ok(())
    }

    fn isa(&self) -> Option<Isa> {
        Some(self.isa)
    }

    fn parts(&self) -> &'static [&'static str] {
        &PARTS
    }

    /// `simd-shortcut`'s parts, each on every worker.
    fn run_part(&mut self, part: usize, out: &mut [u32]) -> Result<(), VariantError> {
        let mut kept = std::mem::take(&mut self.kept);
        let grid = (&self.qx[..], &self.qy[..]);
        let scratch = &mut Work::default();
        match part {
            0 => kept.fill_on::<false>(&self.pool, self.isa, grid, out, (0, 0), scratch),
            1 => {
                let limits = (self.maxiter, SCHEDULE.head);
                kept.fill_on::<false>(&self.pool, self.isa, grid, out, limits, scratch);
            }
            _ => {
                let every = if part == 2 { SCHEDULE.every } else { u32::MAX };
                let schedule = Schedule { every, ..SCHEDULE };
                self.lanes::<false>(&kept, schedule, out, &Mutex::new(Work::default()));
            }
        }
        self.kept = kept;
        Ok(())
    }

    /// An instrumented run of this very kernel on the same workers (the tally instantiation).
    /// Which lane a pixel takes depends on the workers' timing, and with it the check block that
    /// finds a cycle, so two tallies can differ by a few check blocks' iterations per cycle.
    fn work(&self) -> Option<Work> {
        let mut kept = Compacted::new(self.qx.len());
        let mut out = vec![0; self.qx.len()];
        let work = Mutex::new(Work::default());
        self.all_cores::<true>(&mut kept, &mut out, &work);
        Some(work.into_inner().unwrap_or_else(|e| e.into_inner()))
    }
}
