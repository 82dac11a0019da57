//! The machine's limit for this problem, measured at start-up, and every figure read against it.
//!
//! The model, in the report's two sentences: each inner iteration of the tutorial's loop is 3
//! multiplies, 5 adds or subtracts and a compare per pixel, and the probe times exactly that mix on
//! independent vectors with nothing else (no memory, no refill, no escapes) at every SIMD width the
//! CPU has; the fastest width's rate, in G lane-iterations per second, is one core's limit. A
//! variant's throughput is the problem's inner iterations (exact, from the reference) over its
//! time, and its share of the limit divides that by the limit times the cores it used; a variant
//! that skips work is read by the iterations it executed (counted untimed).
//!
//! The probe takes about half a second for a report ([`Effort::Full`]) and 50 ms for a single
//! `run` ([`Effort::Quick`]). On a shared machine it keeps the best of several short runs, as a
//! peak should be measured.

use std::time::Instant;

use mandel_variants::simd::{Isa, probe};

use crate::record::machine::{Limit, Width};

/// The model, as the report states it.
pub const MODEL: &str = "Each inner iteration of the tutorial's loop is 3 multiplies, 5 adds or \
subtracts and a compare per pixel; the start-up probe times that mix alone (independent vectors, \
no memory traffic, no refill, no escapes) at every SIMD width this CPU has, and the fastest \
width's rate is one core's limit. A variant's throughput is the problem's inner iterations \
(exact, from the reference) divided by its time, and its share of the limit divides that by the \
limit times the cores it used. A variant that skips work is read by the iterations it executed; \
its reference-equivalent rate, the reference's iterations over its time, is what a kernel that \
skipped nothing would need to match it.";

/// Throughput in G inner iterations per second.
pub fn throughput(inner_iterations: u64, seconds: f64) -> Option<f64> {
    (seconds > 0.0).then(|| inner_iterations as f64 / seconds / 1e9)
}

/// How long the probe may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// For a report or a sweep: the best of nine runs of about 5 ms per measurement (about half a
    /// second in all).
    Full,
    /// For a single `run`, itself one noisy measurement: the best of three runs of about 1 ms
    /// (about 50 ms in all).
    Quick,
}

impl Effort {
    fn runs(self) -> usize {
        match self {
            Effort::Full => 9,
            Effort::Quick => 3,
        }
    }

    fn seconds(self) -> f64 {
        match self {
            Effort::Full => 0.005,
            Effort::Quick => 0.001,
        }
    }
}

/// Measures the clock and the inner iteration's rate at every SIMD width this CPU has.
pub fn probe(effort: Effort) -> Limit {
    let clock_ghz = clock_ghz(effort);
    let widths = Isa::available()
        .into_iter()
        .map(|isa| {
            let four = best_rate(|n| probe::inner_iterations::<4>(isa, n).0, effort);
            let eight = best_rate(|n| probe::inner_iterations::<8>(isa, n).0, effort);
            let (rate, spread) = if four.0 >= eight.0 { four } else { eight };
            Width {
                isa,
                lanes: isa.lanes(),
                g_iterations_per_s: rate / 1e9,
                per_cycle: clock_ghz.map(|c| rate / (c * 1e9)),
                spread: Some(spread),
            }
        })
        .collect();
    Limit { clock_ghz, widths }
}

/// The cores a variant's result used: its threads or ranks (at most the cores; without a count,
/// the machine's cores), 1 for single-core loops, `None` on a GPU (the registry's
/// [`mandel_variants::Variant::cores`]).
pub fn cores_used(name: &str, threads: Option<usize>, cores: usize) -> Option<usize> {
    mandel_variants::find(name)?.cores.used(threads, cores)
}

/// The clock from [`probe::add_chain`].
fn clock_ghz(effort: Effort) -> Option<f64> {
    probe::add_chain(1)?;
    let rate = best_rate(
        |rounds| {
            probe::add_chain(rounds).unwrap_or(0) / probe::ADDS_PER_ROUND * probe::ADDS_PER_ROUND
        },
        effort,
    )
    .0;
    Some(rate / 1e9)
}

/// The best rate (units per second) of `work(n)`, which does `n` rounds and returns the units
/// done: `n` is grown until a run takes `effort`'s time, then the fastest of its runs counts (a
/// peak, so the best run is the one least disturbed by whatever else the machine runs). With it,
/// the spread of the runs: how far the slowest fell below the best, as a share of the best.
fn best_rate(mut work: impl FnMut(u64) -> u64, effort: Effort) -> (f64, f64) {
    let time = |work: &mut dyn FnMut(u64) -> u64, n| {
        let start = Instant::now();
        let units = std::hint::black_box(work(std::hint::black_box(n)));
        (units, start.elapsed().as_secs_f64())
    };
    let mut n = 1 << 10;
    while time(&mut work, n).1 < effort.seconds() && n < 1 << 40 {
        n *= 2;
    }
    let rates: Vec<f64> = (0..effort.runs())
        .map(|_| {
            let (units, seconds) = time(&mut work, n);
            units as f64 / seconds.max(1e-9)
        })
        .collect();
    let best = rates.iter().copied().fold(0.0, f64::max);
    let slowest = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let spread = if best > 0.0 {
        (best - slowest) / best
    } else {
        0.0
    };
    (best, spread)
}

#[cfg(test)]
mod tests {
    use super::cores_used;

    #[test]
    fn mpi_uses_the_cores_of_its_ranks_and_no_more_than_the_machine_has() {
        // `cargo xtask mpi --ranks 1` on two cores: its share is of one core's limit.
        let mpi = mandel_variants::parallel::mpi_jobs::VARIANT.name;
        assert_eq!(cores_used(mpi, Some(1), 2), Some(1));
        assert_eq!(cores_used(mpi, Some(3), 2), Some(2));
        // The report's run: one rank per core, no count recorded.
        assert_eq!(cores_used(mpi, None, 4), Some(4));
        let rows = mandel_variants::parallel::rayon_rows::VARIANT.name;
        assert_eq!(cores_used(rows, Some(1), 2), Some(1));
        let naive = mandel_variants::scalar::naive_complex::VARIANT.name;
        assert_eq!(cores_used(naive, Some(8), 2), Some(1));
    }
}
