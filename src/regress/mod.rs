//! CI regression tracking: the deterministic instruction-count gate ([`count`], [`baseline`],
//! [`verdict`]) and the wall-time A/B comparison between two builds ([`ab`]).
//!
//! Wall time on a shared, noisy 2-core machine cannot gate a merge without false alarms; the
//! instructions one kernel call executes under callgrind can: the same binary gives the same
//! count on every run. So the gate counts each CPU variant's [`mandel_variants::Kernel::run`]
//! (one call, every thread, nothing before or after it) on a small fixed problem, pinned to one
//! thread and, for the variants that dispatch at run time, to the AVX2 path (valgrind cannot run
//! AVX-512), and compares with a committed baseline. What counts miss (memory traffic, thread
//! scaling, the AVX-512 path) the A/B timing catches, with a confidence interval.
//!
//! Why the lab's own callgrind runner and not Gungraun: Gungraun's library benchmarks are
//! declared at compile time, one `#[library_benchmark]` function per case, and run by its own
//! harness binary with a matching `gungraun-runner` installed; the lab's cases come from the
//! registry at run time, and the lab already runs callgrind for its line profiles. Counting one
//! call needs only callgrind's `--dump-before`/`--dump-after` on one function of ours.

pub mod ab;
pub mod baseline;
pub mod count;
pub mod verdict;

use mandel_variants::simd::Isa;
use mandel_variants::{Availability, Family, Knob, Tuning, Variant};

use crate::GridSpec;

/// The problem the gate counts on: the line profile's, small because valgrind is about fifty
/// times slower, large enough that every variant's loop dominates its count.
pub const GATE_PROBLEM: GridSpec = crate::profile::CALLGRIND_PROBLEM;

/// What the gate does with one variant.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Count it with this tuning.
    Count {
        variant: &'static Variant,
        tuning: Tuning,
    },
    /// Leave it out, for this reason.
    Skip {
        variant: &'static Variant,
        reason: String,
    },
}

/// The gate's plan for each of `selection`: every available CPU variant with one thread and the
/// AVX2 path where it has those knobs; GPU variants and `mpi` skipped with their reason.
pub fn plan(selection: &[&'static Variant]) -> Vec<Plan> {
    selection
        .iter()
        .map(|&variant| {
            let skip = |reason: String| Plan::Skip { variant, reason };
            if variant.family == Family::Gpu {
                return skip("GPU variant: valgrind cannot run device code".into());
            }
            if variant.runs_under_mpirun() {
                return skip(
                    "needs mpirun to start its ranks, which one callgrind process cannot do \
                     (cargo xtask mpi runs it)"
                        .into(),
                );
            }
            if let Availability::Unavailable(why) = variant.availability() {
                return skip(why);
            }
            Plan::Count {
                variant,
                tuning: pinned_tuning(variant),
            }
        })
        .collect()
}

/// One worker thread for every variant with `--threads`; the AVX2 path for every variant with
/// `--isa` on x86-64 (valgrind hides AVX-512 from the program, so that is the widest path it can
/// run, and forcing it keeps the count independent of what valgrind reports); elsewhere the
/// default path, which the count records.
pub fn pinned_tuning(variant: &Variant) -> Tuning {
    Tuning {
        threads: variant.knobs.contains(&Knob::Threads).then_some(1),
        isa: (variant.knobs.contains(&Knob::Isa) && cfg!(target_arch = "x86_64"))
            .then_some(Isa::Avx2),
        ..Tuning::default()
    }
}
