//! Every variant's instruction counts for its line profile from one callgrind run: valgrind takes
//! seconds to start (it reads the lab's debug info), a kernel at the line profile's size runs in a
//! fraction of one under it, so one start for all of them is what lets `profile --quick` give
//! every variant its line profile.
//!
//! The lab runs itself as `kernel-once --variant a,b,c`, which calls [`mandel_lab_line_kernel`]
//! once per variant; callgrind dumps and zeroes its counters on each entry to it, so each dump
//! after the first holds one variant's kernel alone (prepared, run and dropped), never the lab's
//! start-up or another variant's work. The variant's own instructions are those of a run in a
//! process of its own; a call it makes into the allocator can cost a little more or less, since
//! the heap is where the kernels before it left it (`tests/inline_chains.rs`).

use std::collections::HashMap;

use mandel_variants::{Tuning, Variant};

use super::callgrind::{self, Profile};
use crate::{Grid, GridSpec, LabError};

/// The callgrind function pattern of [`mandel_lab_line_kernel`].
const LINE_KERNEL: &str = "*mandel_lab_line_kernel*";

/// One kernel of `kernel-once`: prepared, run once and dropped. Never inlined, so that callgrind
/// sees its entry, where it starts a new dump.
#[inline(never)]
pub fn mandel_lab_line_kernel(variant: &Variant, grid: &Grid) -> Result<(), LabError> {
    let mut kernel = variant.prepare(&grid.problem(), &Tuning::default())?;
    let mut out = vec![0u32; grid.pixels()];
    kernel.run(std::hint::black_box(&mut out))?;
    std::hint::black_box(&out);
    Ok(())
}

/// Each of `variants`' instructions per address of the lab's own binary on `problem`, from one
/// callgrind run of `kernel-once`.
pub fn count(
    variants: &[&'static Variant],
    problem: GridSpec,
) -> Result<HashMap<&'static str, Profile>, LabError> {
    if variants.is_empty() {
        return Ok(HashMap::new());
    }
    let exe = std::env::current_exe().map_err(|source| LabError::Read {
        path: "/proc/self/exe".into(),
        source,
    })?;
    let (scratch, _registered) =
        crate::interrupt::scratch_dir().map_err(|source| LabError::Write {
            path: std::env::temp_dir(),
            source,
        })?;
    let names: Vec<&str> = variants.iter().map(|v| v.name).collect();
    let mut args: Vec<String> = vec!["kernel-once".into(), "--variant".into(), names.join(",")];
    args.extend(mandel_lab_options::ToArgv::to_argv(
        &mandel_lab_options::ProblemArgs::from(&problem),
    ));
    // callgrind gives addresses relative to each object's load address, which for the lab's own
    // binary are its ELF addresses: the debug info and objdump take them as they are.
    let dumps = callgrind::run_dumps(
        &exe,
        &args,
        &format!("--dump-before={LINE_KERNEL}"),
        variants.len() + 1,
        &scratch.path().join("callgrind.out"),
    )?;
    // The first dump is the lab's start-up, before the first kernel.
    Ok(names.into_iter().zip(dumps.into_iter().skip(1)).collect())
}
