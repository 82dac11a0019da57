//! Counting one kernel call's instructions: the lab runs itself under callgrind (`count-once`),
//! which prepares the kernel, calls it once through [`mandel_lab_counted_run`], validates the
//! counts and writes a small JSON report; callgrind dumps its counters on that function's entry
//! and on the entry of [`mandel_lab_count_end`], called as soon as the kernel returns, so
//! start-up, preparation, validation and teardown are not counted.

use std::path::Path;

use mandel_variants::{Kernel, Knob, Tuning, Variant, VariantError};
use serde::{Deserialize, Serialize};

use crate::problem::validate;

use crate::profile::callgrind;
use crate::record::measured::Status;
use crate::{GridSpec, LabError, problem::reference, record::write};

/// The callgrind patterns of the counted function and of its end marker.
pub const COUNTED_FUNCTION: &str = "*mandel_lab_counted_run*";
pub const END_FUNCTION: &str = "*mandel_lab_count_end*";

/// For a variant on a rayon pool (one worker), what is counted: the pool's job, where the kernel
/// runs, less the latch it sets at the end. Left out: the caller injecting the job and waiting,
/// the worker waking and idling, and the latch's wake-up of the caller, whose instruction counts
/// depend on how the host interleaves the two threads. What is left varies by a few dozen
/// instructions in tens of millions (which of the caller's last instructions before it blocks
/// fall while collection is on), far below any threshold.
pub const POOL_JOB: &[&str] = &[
    "*StackJob*Job*execute*",
    "*LockLatch as rayon_core::latch::Latch>::set*",
];

/// One variant's count, as `count-once` reports it and the baseline stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counted {
    pub variant: String,
    /// Instructions (callgrind's `Ir`) of one `Kernel::run`, every thread.
    #[serde(default)]
    pub instructions: u64,
    /// The SIMD path that ran, for variants that dispatch at run time.
    pub isa: Option<mandel_variants::simd::Isa>,
    /// Worker threads, for variants with `--threads`.
    pub threads: Option<usize>,
    pub status: Status,
    pub mismatched_pixels: u64,
}

/// The one call callgrind counts. Never inlined, so that callgrind sees its entry and exit.
#[inline(never)]
pub fn mandel_lab_counted_run(
    kernel: &mut dyn Kernel,
    out: &mut [u32],
) -> Result<(), VariantError> {
    let result = kernel.run(std::hint::black_box(out));
    mandel_lab_count_end(&result);
    result
}

/// Marks the end of the counted call: callgrind dumps on its entry (its `--dump-after` is not
/// reliable on valgrind 3.19, a second `--dump-before` is).
#[inline(never)]
pub fn mandel_lab_count_end<T>(result: &T) {
    std::hint::black_box(result);
}

/// `count-once`, inside callgrind: prepare, one counted call, validate, write the report.
pub fn count_once(
    variant: &Variant,
    spec: &GridSpec,
    tuning: &Tuning,
    report: &Path,
) -> Result<(), LabError> {
    let grid = spec.build()?;
    let mut kernel = variant.prepare(&grid.problem(), tuning)?;
    let mut out = vec![0u32; grid.pixels()];
    mandel_lab_counted_run(kernel.as_mut(), &mut out)?;
    let check = validate::check(
        &out,
        &reference::compute(&grid.problem()),
        variant.exactness,
    );
    let counted = Counted {
        variant: variant.name.into(),
        instructions: 0,
        isa: kernel.isa(),
        threads: tuning.threads,
        status: check.status,
        mismatched_pixels: check.mismatched_pixels,
    };
    write::write_json(report, &counted)
}

/// Runs `exe count-once` for `variant` under callgrind in `scratch` and returns its count.
pub fn measure(
    exe: &Path,
    variant: &Variant,
    spec: &GridSpec,
    tuning: &Tuning,
    scratch: &Path,
) -> Result<Counted, LabError> {
    let report = scratch.join(format!("{}.json", variant.name));
    let mut args: Vec<String> = vec![
        "count-once".into(),
        "--variant".into(),
        variant.name.into(),
        "--report".into(),
        report.display().to_string(),
    ];
    args.extend(mandel_lab_options::ToArgv::to_argv(
        &mandel_lab_options::ProblemArgs::from(spec),
    ));
    if let Some(t) = tuning.threads {
        args.extend(["--threads".into(), t.to_string()]);
    }
    if let Some(isa) = tuning.isa {
        args.extend(["--isa".into(), isa.name().into()]);
    }
    let out_file = scratch.join(format!("{}.callgrind", variant.name));
    let only_inside = if variant.knobs.contains(&Knob::Threads) {
        POOL_JOB
    } else {
        &[]
    };
    let instructions = callgrind::count_between(
        exe,
        &args,
        (COUNTED_FUNCTION, END_FUNCTION),
        only_inside,
        &out_file,
    )?;
    let mut counted: Counted = write::read_json_if_exists(&report)?.ok_or_else(|| {
        LabError::bad_input(format!("count-once of {} wrote no report", variant.name))
    })?;
    counted.instructions = instructions;
    Ok(counted)
}
