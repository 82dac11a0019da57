//! `simd-shortcut-rayon` (beyond the tutorial): `simd-shortcut` on every core, as `simd-rayon`
//! is `simd-lanes` on every core.
//!
//! The grid is cut into one part per worker, each a problem of its own with its own
//! [`Compacted`] (so a kept pixel's index is into its part, and its part's counts are written
//! through that part's slice of the output). Everything runs in one broadcast
//! (`SimdShortcutRayon::broadcast`): a worker claims the part with its own index, runs the
//! first pass over it (the bulb test and the first iterations, `compact.rs`), and starts the
//! lanes of `simd_refill.rs` over that part's kept pixels, taken from the part's shared counter
//! in grabs sized as `simd-rayon`'s ([`grab`]); once that counter is spent it joins the other
//! parts' lanes in turn, sieving any part no worker has claimed yet (a worker that starts late
//! finds its part done) and waiting, spinning, for one being sieved. The counts are exact: a
//! part is sieved once, and each kept pixel is handed out once. `--threads` sets the workers,
//! `--isa` the path.
//!
//! Why one broadcast. Until 2026-12-08 the first pass was split across the workers in one
//! broadcast, each part keeping its pixels at its own offset of one buffer; the calling thread
//! then closed the gaps with one move, and a second broadcast ran the lanes from one counter.
//! Timed phase by phase (Zen 4, AVX-512, maxiter 1000, wall clock, 41 runs): the split first pass
//! took 0.40 to 0.52 ms against 0.62 to 0.73 on one core, the lanes 0.58 to 0.61 against 1.09 to
//! 1.12; what was left was waiting: the workers woken twice, the move on one core, and the lanes
//! started only once the slower part was done. Criterion, the two builds alternated three times
//! (maxiter 1000, 40 samples, the other core free: others took 0 to 1% of the CPU time): that
//! design 0.993, 1.033 and 1.113 ms (1.78×, 1.73× and 1.62× `simd-shortcut`'s 1.766 to 1.804);
//! this one 0.887, 0.917 and 0.889 ms (2.00×, 1.95×, 2.01× `simd-shortcut`'s 1.773 to 1.790), MAD
//! 1.4 to 4.7%. At maxiter 10,000 (20 samples, twice): 1.758 and 1.738 ms (1.81×, 1.84×) against
//! 1.676 and 1.673 ms (1.90×, 1.89×). A worker's lanes now finish its part before joining the
//! next, so each worker drains its lanes once per part (the in-flight pixels finish with fewer
//! lanes busy): at most a few microseconds at maxiter 1000, tens at 10,000, well under what the
//! second broadcast and the move cost.
//!
//! Earlier (Zen 3, AVX2, 2 cores shared): with one serial first pass and one shared counter,
//! criterion gave 4.013 ms ± 1.2% (MAD) at maxiter 1000, 1.67× `simd-shortcut`'s 6.689 ms; grabs
//! of 8, 32, 64 and 244 pixels gave no consistent order.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use rayon::ThreadPool;

use super::compact::{Compacted, PASS_CHUNK};
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
    summary: "simd-shortcut on every core: each worker sieves a part of the grid, then every worker runs the lanes over every part's kept pixels",
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
    /// Pixels per part of the grid (the last part can be shorter).
    part: usize,
    /// Each part's kept pixels, as one `simd-shortcut` kernel's over that part alone.
    kept: Vec<Compacted>,
}

fn prepare(problem: &Problem<'_>, tuning: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let isa = Isa::resolve(VARIANT.name, tuning.isa)?;
    refill::check_grid(VARIANT.name, problem)?;
    let pool = thread_pool(VARIANT.name, tuning.threads)?;
    let (qx, qy): (Vec<f64>, Vec<f64>) = problem.points().unzip();
    let part = part_size(qx.len(), pool.current_num_threads());
    Ok(Box::new(SimdShortcutRayon {
        kept: rooms(&qx, part),
        part,
        qx,
        qy,
        maxiter: problem.maxiter,
        isa,
        pool,
    }))
}

/// One part per worker, of whole chunks of the first pass, so that only the grid's last chunk
/// can be partial.
fn part_size(pixels: usize, workers: usize) -> usize {
    pixels.div_ceil(workers.max(1)).div_ceil(PASS_CHUNK).max(1) * PASS_CHUNK
}

/// What a broadcast does on every worker: the first pass over the parts it claims (the limits
/// `(maxiter, head)`), the lanes over every part (the schedule), or both.
#[derive(Clone, Copy)]
struct Steps {
    fill: Option<(u32, u32)>,
    lanes: Option<Schedule>,
}

impl Steps {
    /// A whole run: the first pass, then the lanes, with the variant's schedule.
    fn whole(maxiter: u32) -> Steps {
        Steps {
            fill: Some((maxiter, SCHEDULE.head)),
            lanes: Some(SCHEDULE),
        }
    }
}

/// Each part's room for its kept pixels, the grid `qx` cut in parts of `part` pixels.
fn rooms(qx: &[f64], part: usize) -> Vec<Compacted> {
    qx.chunks(part).map(|c| Compacted::new(c.len())).collect()
}

/// One part of the grid, as the workers share it: the first pass's job, taken by the worker
/// that claims it; its kept pixels and counts once that pass is done; and the counter its
/// lanes take kept pixels from.
struct Part<'a> {
    job: Mutex<Option<PartJob<'a>>>,
    ready: OnceLock<(&'a Compacted, Counts)>,
    /// Set if the worker sieving the part panicked: the others stop waiting for it (the
    /// broadcast then passes the panic on), never spin forever.
    failed: AtomicBool,
    next: AtomicUsize,
}

/// Marks its part failed if dropped while the worker sieving it unwinds.
struct Sieving<'p>(&'p AtomicBool);

impl Drop for Sieving<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Release);
        }
    }
}

/// A part's first pass: its kept pixels' room, its points and its counts.
type PartJob<'a> = (&'a mut Compacted, (&'a [f64], &'a [f64]), &'a mut [u32]);

impl SimdShortcutRayon {
    /// One broadcast: every worker claims the part with its own index and runs its first pass,
    /// then the lanes over it; then goes on to the other parts in turn, claiming (and sieving)
    /// any not yet claimed, waiting for one being sieved, and sharing the lanes of each. One
    /// broadcast, not one per step: a step that waits for every worker pays for the slowest
    /// one's start and for waking the workers again. Where `TALLY`, the work every worker did
    /// is counted into `work`.
    fn broadcast<const TALLY: bool>(
        &self,
        kept: &mut [Compacted],
        out: &mut [u32],
        steps: Steps,
        work: &Mutex<Work>,
    ) {
        let grid = self.qx.chunks(self.part).zip(self.qy.chunks(self.part));
        let parts: Vec<Part<'_>> = kept
            .iter_mut()
            .zip(grid)
            .zip(out.chunks_mut(self.part))
            .map(|((kept, grid), out)| Part {
                job: Mutex::new(Some((kept, grid, out))),
                ready: OnceLock::new(),
                failed: AtomicBool::new(false),
                next: AtomicUsize::new(0),
            })
            .collect();
        let workers = self.pool.current_num_threads();
        self.pool.broadcast(|worker| {
            let mut mine = Work::default();
            for p in (0..parts.len()).map(|i| (worker.index() + i) % parts.len()) {
                let part = &parts[p];
                let job = part.job.lock().unwrap_or_else(|e| e.into_inner()).take();
                if let Some((kept, grid, out)) = job {
                    let _sieving = Sieving(&part.failed);
                    if let Some(limits) = steps.fill {
                        kept.fill::<TALLY>(self.isa, grid, out, limits, &mut mine);
                    }
                    let kept: &Compacted = kept;
                    // Only this worker took the job, so only it sets the part ready.
                    let _ = part.ready.set((kept, Counts::new(out)));
                }
                let Some(schedule) = steps.lanes else {
                    continue;
                };
                let Some(&(kept, counts)) = ready(part) else {
                    return;
                };
                let mut feed = Feed::new(&part.next, kept.len(), grab(kept.len(), workers));
                let limits = (self.maxiter, schedule);
                simd_refill::run::<TALLY>(self.isa, kept, limits, &mut feed, counts, &mut mine);
            }
            if TALLY {
                work.lock().unwrap_or_else(|e| e.into_inner()).merge(mine);
            }
        });
    }

    /// [`SimdShortcutRayon::broadcast`] over this kernel's own parts.
    fn run_steps<const TALLY: bool>(&mut self, out: &mut [u32], steps: Steps, work: &Mutex<Work>) {
        let mut kept = std::mem::take(&mut self.kept);
        self.broadcast::<TALLY>(&mut kept, out, steps, work);
        self.kept = kept;
    }
}

/// The part's kept pixels and counts, once the worker that claimed it has set them: it is
/// running its first pass now (it took the job inside this broadcast), so the wait is short;
/// `None` if that worker panicked.
fn ready<'p>(part: &'p Part<'_>) -> Option<&'p (&'p Compacted, Counts)> {
    let mut spins = 0_u32;
    loop {
        if let Some(ready) = part.ready.get() {
            return Some(ready);
        }
        if part.failed.load(Ordering::Acquire) {
            return None;
        }
        spins = spins.saturating_add(1);
        if spins < 1 << 12 {
            std::hint::spin_loop();
        } else {
            // More workers than free cores: let the one sieving run.
            std::thread::yield_now();
        }
    }
}

impl Kernel for SimdShortcutRayon {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let steps = Steps::whole(self.maxiter);
        self.run_steps::<false>(out, steps, &Mutex::new(Work::default()));
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
        let steps = match part {
            0 => Steps {
                fill: Some((0, 0)),
                lanes: None,
            },
            1 => Steps {
                fill: Some((self.maxiter, SCHEDULE.head)),
                lanes: None,
            },
            _ => {
                let every = if part == 2 { SCHEDULE.every } else { u32::MAX };
                Steps {
                    fill: None,
                    lanes: Some(Schedule { every, ..SCHEDULE }),
                }
            }
        };
        self.run_steps::<false>(out, steps, &Mutex::new(Work::default()));
        Ok(())
    }

    /// An instrumented run of this very kernel on the same workers (the tally instantiation).
    /// Which lane a pixel takes depends on the workers' timing, and with it the check block that
    /// finds a cycle, so two tallies can differ by a few check blocks' iterations per cycle.
    fn work(&self) -> Option<Work> {
        let mut kept = rooms(&self.qx, self.part);
        let mut out = vec![0; self.qx.len()];
        let work = Mutex::new(Work::default());
        let steps = Steps::whole(self.maxiter);
        self.broadcast::<true>(&mut kept, &mut out, steps, &work);
        Some(work.into_inner().unwrap_or_else(|e| e.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_whose_sieving_worker_panicked_is_not_waited_for() {
        let part = Part {
            job: Mutex::new(None),
            ready: OnceLock::new(),
            failed: AtomicBool::new(false),
            next: AtomicUsize::new(0),
        };
        let sieve = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _sieving = Sieving(&part.failed);
            panic!("a planted panic in a part's first pass");
        }));
        assert!(sieve.is_err());
        assert!(
            ready(&part).is_none(),
            "the other workers would spin forever"
        );
        // A part sieved without a panic is not marked.
        let ok = AtomicBool::new(false);
        drop(Sieving(&ok));
        assert!(!ok.load(Ordering::Acquire));
    }
}
