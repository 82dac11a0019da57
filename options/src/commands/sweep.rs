//! `sweep <axis>` and its old names `sweep-chunks`, `sweep-threads` and `sweep-sizes`, which are
//! the same command with the axis's old option for its values.

use std::path::PathBuf;

use clap::Args;

use crate::argv::{Argv, ToArgv};
use crate::problem::ProblemArgs;

/// `mandel-lab sweep <axis>`'s arguments.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct SweepArgs {
    /// The axis: chunks, threads, sizes or maxiter.
    #[arg(value_name = "AXIS")]
    pub axis: String,
    /// Comma-separated values along the axis (default: the axis's own).
    #[arg(long, value_name = "N,N,...")]
    pub values: Option<String>,
    #[command(flatten)]
    pub common: SweepCommonArgs,
}

impl ToArgv for SweepArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.positional(&self.axis);
        argv.some("--values", self.values.as_deref());
        argv.args(&self.common);
    }
}

/// `sweep-chunks`: `sweep chunks`, its values given as `--sizes`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct SweepChunksArgs {
    /// Comma-separated chunk sizes (default: the tutorial's, the whole grid, and log-spaced sizes
    /// between them).
    #[arg(long, value_name = "N,N,...")]
    pub sizes: Option<String>,
    #[command(flatten)]
    pub common: SweepCommonArgs,
}

impl ToArgv for SweepChunksArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.some("--sizes", self.sizes.as_deref());
        argv.args(&self.common);
    }
}

/// `sweep-threads`: `sweep threads`, its values given as `--threads`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct SweepThreadsArgs {
    /// Comma-separated thread counts (default: 1 up to the cores, and twice the cores).
    #[arg(long, value_name = "N,N,...")]
    pub threads: Option<String>,
    #[command(flatten)]
    pub common: SweepCommonArgs,
}

impl ToArgv for SweepThreadsArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.some("--threads", self.threads.as_deref());
        argv.args(&self.common);
    }
}

/// `sweep-sizes`: `sweep sizes`, its values given as `--sizes`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct SweepSizesArgs {
    /// Comma-separated square grid sides (default: 500,1000,2048; add 4096 on a GPU machine).
    #[arg(long, value_name = "N,N,...")]
    pub sizes: Option<String>,
    #[command(flatten)]
    pub common: SweepCommonArgs,
}

impl ToArgv for SweepSizesArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.some("--sizes", self.sizes.as_deref());
        argv.args(&self.common);
    }
}

/// What every sweep takes besides its values.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct SweepCommonArgs {
    /// Comma-separated variants (default: the axis's own).
    #[arg(long, value_name = "A,B,...", value_parser = crate::variant_list)]
    pub variants: Option<String>,
    #[command(flatten)]
    pub problem: ProblemArgs,
    /// The axis's short value list, a smaller maxiter where the axis does not set it, short
    /// criterion settings.
    #[arg(long)]
    pub quick: bool,
    /// Criterion samples per point (at least 10).
    #[arg(long, value_name = "N")]
    pub samples: Option<usize>,
    /// The report folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// Add the measured points to the sweep already in the report folder (same problem), using
    /// its baseline: how `cargo xtask sweep threads` adds `mpi` at each rank count.
    #[arg(long)]
    pub merge: bool,
}

impl ToArgv for SweepCommonArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.some("--variants", self.variants.as_deref());
        argv.args(&self.problem);
        argv.flag("--quick", self.quick);
        argv.some("--samples", self.samples);
        argv.path("--out", &self.out);
        argv.flag("--merge", self.merge);
    }
}
