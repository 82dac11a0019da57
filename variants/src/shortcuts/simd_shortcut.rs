//! `simd-shortcut` (beyond the tutorial): `simd-lanes` with both of the scalar `shortcut`'s
//! shortcuts, every count still the reference's.
//!
//! `simd-lanes` runs the tutorial's problem at the FPU's throughput, but 42,501 of its 250,000
//! pixels lie in the main cardioid or the period-2 bulb and take 42.5 M of its 51.4 M inner
//! iterations (maxiter 1000) to learn the answer 0. `shortcut` removes that work one pixel at a
//! time (6.98 M iterations left); here the same two shortcuts feed the lanes, in the kernel of
//! `simd_refill.rs`:
//!
//! - **The bulb test and a first pass decide most pixels before they take a lane.** Each run
//!   starts with one pass over the grid ([`Compacted::fill`], `compact.rs`): the bulb test writes
//!   0 for every pixel [`super::in_bulb`] accepts (the same test and margin), tested a vector at
//!   a time with `in_bulb_bits`, the same operations in vector lanes with no branch, skipped
//!   for a vector with no point in the box that holds both shapes; then the pixels it leaves run their first [`SCHEDULE`]`.head` (16) iterations in
//!   plain vectors loaded straight from the grid, four vectors at a time (two with 16
//!   registers), which stop as soon as all their lanes have escaped. A pixel that escaped gets
//!   its count there; only the pixels still running are compacted, with their `c`, grid index
//!   and state (`z` as its three products), into buffers allocated at prepare, and the lanes
//!   continue them from that state with the same operations: the counts are the reference's.
//!   On the tutorial's problem the bulb test leaves 206,028 pixels and the first pass 15,671
//!   (28,912 after 8 iterations, 12,058 after 24), so the lanes refill 15,671 times instead of
//!   206,028.
//! - **Bit-exact cycle detection in every lane.** A lane carries `z` as `(zx², zy², zx·zy)`,
//!   which alone determines the next step, so a bitwise repeat of the triple proves the orbit
//!   periodic through values that have all passed the escape test: it never escapes, and the
//!   answer is 0. The triples are compared as 64-bit patterns ([`Lanes::and_eq`]), never as
//!   floats. Per lane: a saved triple, and the count at which the next save is due: when the
//!   count has grown by a quarter ([`Schedule::growth`]; Brent's schedule, which the scalar
//!   `shortcut` keeps, doubles it), so the gap between saves keeps growing and every period is
//!   eventually caught, and an orbit that has settled on its cycle is caught sooner. A lane found periodic retires with 0 at
//!   the block's end, as a spent one does; the comparison comes after the escape test of the
//!   same iteration, so an escaping pixel's count is never touched.
//! - **Check blocks.** The lanes run blocks of iterations between refills; a check only at
//!   block ends would compare states a multiple of the block length apart and miss most
//!   periods. Instead every 8th block is a check block: the saves that are due happen at its
//!   start, and every one of its iterations is compared with the saved triple, and so is the
//!   state it starts from (without that, a period equal to the spacing of the check blocks
//!   would never be seen: its repeats would all fall on the unchecked block ends).
//! - **Blocks and vectors.** The lanes run blocks of 24 iterations between refills, as
//!   `simd-lanes`: before the first pass most kept pixels escaped within a few iterations and
//!   blocks of 12 measured best (the table below); the pixels the first pass leaves live longer.
//!   With 16 registers, the saved triples take room: two vectors in flight instead of three.
//!
//! How the schedule was chosen before the first pass existed, on the tutorial's problem, median of 11 runs (this thread's CPU
//! time; the machine, an AMD EPYC Zen 3 with 2 cores, was shared with other work, and
//! wall-clock times spread up to 3×), AVX2, in ms, then the inner iterations executed:
//!
//! | block | check every | maxiter 1000 | maxiter 10,000 |
//! |------:|------------:|-------------:|---------------:|
//! |     8 |  1 / 2 / 4 / 8 / 16 | 9.72 / 9.14 / 8.92 / 8.73 / 8.60 | 23.1 / 20.8 / 20.2 / 19.7 / 20.0 |
//! |    12 |  1 / 2 / 4 / 8 / 16 | 9.56 / 9.09 / 8.86 / 8.74 / 8.55 | 21.6 / 19.8 / 19.3 / 19.2 / 19.1 |
//! |    16 |  1 / 2 / 4 / 8 / 16 | 9.70 / 9.30 / 9.05 / 8.87 / 8.79 | 21.5 / 20.2 / 19.6 / 19.3 / 19.4 |
//! |    24 |  1 / 2 / 4 / 8 / 16 | 10.30 / 9.87 / 9.61 / 9.41 / 9.41 | 21.4 / 20.4 / 19.7 / 19.4 / 19.4 |
//!
//! (three vectors in flight then). Checking every block costs about 12%; checking every 8th
//! leaves a little more work (blocks of 12: 6.92 → 6.99 M iterations at maxiter 1000, 22.50 →
//! 22.89 M at 10,000, against the scalar `shortcut`'s 6.98 M and 22.82 M, which checks every
//! iteration) for less time; every 16th is no faster at 10,000 and wastes more (23.34 M).
//! Delaying the first save until a lane has run 64 iterations changed nothing measurable
//! (within 0.1 ms everywhere), so saves start at once. Vectors in flight (AVX2, blocks of 12,
//! every 8th; best medians over six alternating runs): two 7.84 / 16.4 ms, three 8.49 /
//! 17.5 ms, four 7.71 / 15.5 ms but erratic (up to 14 / 34 ms in the same series): two. The
//! AVX-512 path keeps `simd-lanes`'s four (this CPU has no AVX-512 to measure it on).
//!
//! The result, median (min..max) of 21 runs, CPU time, same machine, AVX2 unless said:
//!
//! | maxiter | `simd-lanes` | `simd-shortcut` | `shortcut` (scalar) |
//! |--------:|-------------:|----------------:|--------------------:|
//! |   1,000 | 31.7 (30.4..32.4) | 7.72 (7.47..7.99) | 23.8 (23.5..24.1) |
//! |  10,000 | 272 (265..286) | 17.0 (16.7..17.6) | 79.7 (78.0..80.4) |
//!
//! SSE2 at maxiter 1000: 43.2 → 12.9 ms. So 4.1× `simd-lanes` at maxiter 1000, and 3.1× the
//! scalar `shortcut`, where the lanes' 4 pixels alone would promise 4×: the iterations left are
//! the costly kind for lanes (207,499 short-lived pixels, each a refill, and 3,914 pixels that
//! run to maxiter without repeating a value: 3.9 M of the 6.99 M iterations). The bulb pass is
//! 0.9 ms of the 7.7.
//!
//! The figures above were measured with the bulb test's margin at 1/64; at today's 1/1024
//! ([`super::MARGIN`]) the test decides 43,972 pixels and 5.52 M iterations are left. Criterion,
//! one run, the same machine then quiet, maxiter 1000: `simd-lanes` 29.30 ms ± 0.2% (MAD), this
//! variant 6.689 ms ± 3.0% (4.38×); maxiter 10,000: 266.6 ms ± 0.1% against 10.57 ms ± 0.2%
//! (25.2×). Its executed iterations run at 0.82 G/s, 34% of the core's measured limit (2.43 G/s
//! on AVX2), where `simd-lanes` reaches 72%: the per-pixel refill of short-lived pixels, not the
//! arithmetic, is what is left.
//!
//! **With the first pass** (2026-12-07, AMD EPYC Zen 4, family 25 model 17, 2 cores shared with
//! other engineers' builds, load average 3.8; `examples/shortcut_timing.rs`, median (min..max)
//! of 21 runs of this thread's CPU time, all ratios from one run at 19:31 UTC). Heads of 8, 12,
//! 16, 24, 32 iterations against blocks of 12 and 24 and check blocks every 8, 16, 32 (earlier
//! runs the same day): head 16, blocks of 24, every 8th block, within noise of the best
//! everywhere (head 24 equal on AVX2).
//!
//! | path, maxiter | `simd-lanes` | `simd-shortcut` before | after | first pass | lanes |
//! |---|---:|---:|---:|---:|---:|
//! | AVX-512, 1000 | 11.09 (10.92..11.97) | 3.02 (3.7×) | 1.99 (1.91..2.42), 5.6× | 0.75 | 1.21 |
//! | AVX-512, 10,000 | 94.9 (94.2..97.5) | 4.75 (20.5×) | 3.70 (3.60..4.00), 25.6× | 0.69 | 2.89 |
//! | AVX2, 1000 | 26.91 (26.70..28.22) | 5.63 (4.7×) | 3.57 (3.53..4.46), 7.5× | 1.07 | 2.44 |
//! | AVX2, 10,000 | 237.0 (234.6..334.1) | 9.04 (25.0×) | 6.93 (6.74..7.79), 34.2× | 1.06 | 5.74 |
//!
//! ("before": the same example at 18:39 UTC, load average 8.) Criterion, one `mandel-lab
//! report` run at 19:37 UTC (load average 0.1 to 1.0, 20 samples, median ± MAD): maxiter 1000,
//! `simd-lanes` 11.07 ms ± 2.1%, this variant 1.933 ms ± 0.5%, **5.73×**; maxiter 10,000 (load
//! 1.0 to 2.6, noisy) 97.6 ms ± 3.0% against 4.52 ms ± 7.1%, 21.6×. Where the time goes, against the
//! ideal (the iterations this kernel executes, 5.54 M at maxiter 1000, at `simd-lanes`' own rate
//! in the same run, 4.6 G/s on AVX-512: 1.20 ms, 9.2×). The lanes run the 4.5 M iterations left
//! to them at about 3.7 G/s, 80% of that rate: the arithmetic is most of their profile (the check
//! blocks, every 8th, and the refills are the rest; without check blocks the lanes take longer,
//! 1.6 ms, as the periodic pixels then run to maxiter). The first pass is what is left: its own
//! iterations are about 1.0 M (1.4 M lane-iterations with the lanes that wait for their vector's
//! last), 0.25 ms at that rate, and the pass takes 0.7 ms: the bulb test over 250,000 points (its
//! three square roots in the chunks near the cardioid) and the 250,000 counts written are 0.35 ms
//! (the pass at maxiter 0, which iterates nothing). Measured on the way: the bulb test's flags
//! folded into one 64-bit word per chunk instead of an array of flags turned into lane masks
//! (0.51 → 0.35 ms for the pass at maxiter 0, kept); testing for the end of a group every second
//! iteration instead of every one (0.80 → 0.72 ms for the pass, kept).
//!
//! **Second pass** (2026-12-07, 21:00-21:45 UTC, the same machine, load average 8 to 11 from
//! the other engineers' builds; the example, median of 21 runs of this thread's CPU time, all
//! ratios from one run). Measured first: a profile put a fifth of the first pass in the bulb
//! test's cardioid part, and the pass at maxiter 0 took 0.34 ms with it and 0.20 without.
//!
//! - *Kept*: the cardioid test with no square root ([`super::in_bulb`], the multiplier's limit
//!   squared out; the scalar variants share it): the pass at maxiter 0 0.34 → 0.26 ms on AVX-512,
//!   0.45 → 0.36 on AVX2.
//! - *Kept*: the next save when the count has grown by a quarter, not doubled
//!   ([`Schedule::growth`] 2): a settled orbit is caught sooner. Executed iterations 5.54 →
//!   5.33 M at maxiter 1000, 13.04 → 11.74 M at 10,000 (AVX-512). Growth 0 / 1 / 2 / 3 with a
//!   check block every 8th: 1.99 / 1.94 / 1.94 / 1.89 ms at 1000, 3.56 / 3.37 / 3.29 / 3.29 at
//!   10,000; growth 5 3.86 at 10,000 (the gaps too short for the longer periods); every 4th or
//!   12th block no better.
//! - *Dropped*: the square roots skipped per block of eight points where all were certainly
//!   outside the cardioid (0.34 → 0.58 ms: the branch per block undid LLVM's vectors), or per
//!   chunk (0.34 → 0.34: the chunks near the cardioid nearly all touch it); and, with the test
//!   now cheap, no chunk skipped at all (0.26 → 0.27 ms, 0.36 → 0.41 on AVX2).
//! - A single `run` call: `mandel-lab` timed the page faults of its fresh output buffer (SINGLE
//!   in the example: 4.89 ms into a fresh buffer, 2.05 into a written one, against a steady
//!   1.92); it now writes the buffer before the clock starts.
//!
//! | path, maxiter | `simd-lanes` | `simd-shortcut` | ratio | its rate, of `simd-lanes`' (2nd run) |
//! |---|---:|---:|---:|---:|
//! | AVX-512, 1000 | 11.00 / 11.18 | 1.86 / 1.96 | 5.91× / 5.69× | 59% |
//! | AVX-512, 10,000 | 94.76 / 95.67 | 3.28 / 3.34 | 28.9× / 28.6× | 67% |
//! | AVX2, 1000 | 28.27 / 26.17 | 3.90 / 3.52 | 7.25× / 7.43× | 77% |
//! | AVX2, 10,000 | 236.2 / 226.4 | 6.20 / 6.30 | 38.1× / 35.9× | 84% |
//!
//! (two runs, 21:28 and 21:42 UTC.) The rate falls where the kernel gets faster by executing
//! fewer iterations: it is the executed iterations per second. The rayon variant's wall-clock
//! time could not be measured with ten programs runnable on two cores (its median was 2.6× the
//! one-core one's CPU time); its figure, like the criterion ones, is for a quiet machine.
//!
//! 2026-12-08, the same Zen 4. At the start of the day (the example, 21 runs, CPU time, quiet):
//! `simd-lanes` 10.89 ms and this 1.76 at AVX-512, maxiter 1000 (6.18×, 64% of `simd-lanes`'
//! rate). Where the 1.76 ms went: the first pass 0.62 ms, of which 0.27 with no iteration at all
//! (1.1 ns a pixel on grids of 100², 200², 500² and 1000² alike, so bound by its instructions,
//! not by memory; 0.15 of it the bulb test, found by timing the pass with the test's answer
//! replaced by a constant), for about 1.0 M iterations that would take 0.21 ms at `simd-lanes`'
//! rate; the lanes 1.09 ms for the other 4.33 M iterations, 84% of that rate (94% with no check
//! block: the checks cost 0.12 ms). Each step below was timed against the one before, the two
//! builds alternated at least twice:
//! - the bulb test in vector lanes (`in_bulb_bits`: the scalar test's operations, in order, on
//!   `Lanes`), skipped for a vector with no point in `BULB_BOX`, and the counts written as one
//!   vector instead of a loop over the lanes: the pass with no iteration 0.272 → 0.218 ms, the
//!   kernel 1.75 → 1.69;
//! - two vectors in flight in the first pass instead of four on AVX-512 (less work wasted on a
//!   group's last live lane, and no spills): the pass 0.56 → 0.48 ms, the kernel 1.70 → 1.66
//!   (four vectors in the lanes stay the best there: two 2.04 to 2.19 ms, three 1.72 to 1.73);
//! - the all-escaped test of the first pass every third iteration instead of every second:
//!   the kernel 1.65 to 1.69 → 1.59 to 1.65.
//!
//! Criterion after them (30 samples, the other core free): `simd-lanes` 10.965 ms ± 0.7% (MAD),
//! this 1.605 ms ± 0.5% at maxiter 1000, **6.83×**, its 5.33 M iterations at **71%** of
//! `simd-lanes`' rate; 94.28 and 3.018 ms at 10,000, 31.2×, 73%. Tried and dropped: the flags of
//! the scalar test as bytes packed eight at a time by a multiply (no gain); the comparison of one
//! product first in the check blocks, the other two only where it matched (a branch in the
//! inner loop: the kernel 1.71 to 1.75 ms against 1.64 to 1.67); one vector in the first pass
//! (slower on AVX-512, no faster on AVX2); `head` from 12 to 24 (flat, 16 kept).
//!
//! [`Kernel::work`] is an instrumented run of this kernel (the tally instantiation of the same
//! function): a pixel's executed iterations are those up to the one that decided it, +1, as
//! the scalar `orbit` counts them, so a cycle counts from the check that found it.
//!
//! [`Lanes::and_eq`]: crate::simd::lanes::Lanes::and_eq

use std::sync::atomic::AtomicUsize;

use super::compact::Compacted;
use super::simd_refill::{self, SCHEDULE, Schedule};
use crate::simd::Isa;
use crate::simd::refill::{self, Counts, Feed};
use crate::{
    Cores, Exactness, Family, HotCode, Kernel, Knob, Problem, SweepAxis, SweepRole, Tuning,
    Variant, VariantError, Work, always_available,
};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "simd-shortcut",
    family: Family::Shortcuts,
    analogue: "beyond the tutorial",
    summary: "simd-lanes plus both shortcuts: the bulb test before a pixel takes a lane, bit-exact cycle detection in the lanes",
    exactness: Exactness::Exact,
    knobs: &[Knob::Isa],
    cores: Cores::One,
    tutorial: None,
    hot_code: Some(HotCode::Paths(simd_refill::SOURCE)),
    rung: None,
    sweeps: &[(SweepAxis::Maxiter, SweepRole::Member)],
    probe: always_available,
    prepare,
};

struct SimdShortcut {
    qx: Vec<f64>,
    qy: Vec<f64>,
    maxiter: u32,
    isa: Isa,
    /// The pixels the bulb test leaves, refilled by each run; allocated here, outside the timing.
    kept: Compacted,
}

fn prepare(problem: &Problem<'_>, tuning: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let isa = Isa::resolve(VARIANT.name, tuning.isa)?;
    refill::check_grid(VARIANT.name, problem)?;
    let (qx, qy): (Vec<f64>, Vec<f64>) = problem.points().unzip();
    Ok(Box::new(SimdShortcut {
        kept: Compacted::new(qx.len()),
        qx,
        qy,
        maxiter: problem.maxiter,
        isa,
    }))
}

/// The parts the lab times one by one ([`Kernel::parts`]): what the first pass costs without and
/// with its iterations, and the lanes with and without their cycle checks.
pub(super) const PARTS: [&str; 4] = [
    "bulb test and count writes (the first pass with no iteration)",
    "bulb test and first pass",
    "lanes, with cycle checks",
    "lanes, without cycle checks",
];

/// One run on one core: the bulb pass, then the lanes over the pixels it kept. Where `TALLY`,
/// the work it did is counted into `work`.
fn one_core<const TALLY: bool>(
    (qx, qy, maxiter, isa): (&[f64], &[f64], u32, Isa),
    kept: &mut Compacted,
    out: &mut [u32],
    work: &mut Work,
) {
    kept.fill::<TALLY>(isa, (qx, qy), out, (maxiter, SCHEDULE.head), work);
    let next = AtomicUsize::new(0);
    // One core: one grab of every kept pixel.
    let mut feed = Feed::new(&next, kept.len(), kept.len());
    let limits = (maxiter, SCHEDULE);
    simd_refill::run::<TALLY>(isa, kept, limits, &mut feed, Counts::new(out), work);
}

impl Kernel for SimdShortcut {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let args = (&self.qx[..], &self.qy[..], self.maxiter, self.isa);
        one_core::<false>(args, &mut self.kept, out, &mut Work::default());
        Ok(())
    }

    fn isa(&self) -> Option<Isa> {
        Some(self.isa)
    }

    fn parts(&self) -> &'static [&'static str] {
        &PARTS
    }

    fn run_part(&mut self, part: usize, out: &mut [u32]) -> Result<(), VariantError> {
        let grid = (&self.qx[..], &self.qy[..]);
        let scratch = &mut Work::default();
        match part {
            // The pass with no iteration (as at maxiter 0): the bulb test and the writes alone.
            0 => self
                .kept
                .fill::<false>(self.isa, grid, out, (0, 0), scratch),
            1 => {
                let limits = (self.maxiter, SCHEDULE.head);
                self.kept
                    .fill::<false>(self.isa, grid, out, limits, scratch);
            }
            _ => {
                // The lanes over what part 1 kept; part 3 with no check block (the counts stay
                // exact: a pixel whose cycle goes unseen runs to maxiter, and its answer is 0).
                let every = if part == 2 { SCHEDULE.every } else { u32::MAX };
                let limits = (self.maxiter, Schedule { every, ..SCHEDULE });
                let next = AtomicUsize::new(0);
                let mut feed = Feed::new(&next, self.kept.len(), self.kept.len());
                let counts = Counts::new(out);
                simd_refill::run::<false>(self.isa, &self.kept, limits, &mut feed, counts, scratch);
            }
        }
        Ok(())
    }

    /// An instrumented run of this very kernel (the tally instantiation): each pixel's executed
    /// iterations are those up to the one that decided it, as the scalar `shortcut` counts them.
    fn work(&self) -> Option<Work> {
        let mut kept = Compacted::new(self.qx.len());
        let mut out = vec![0; self.qx.len()];
        let mut work = Work::default();
        let args = (&self.qx[..], &self.qy[..], self.maxiter, self.isa);
        one_core::<true>(args, &mut kept, &mut out, &mut work);
        Some(work)
    }
}
