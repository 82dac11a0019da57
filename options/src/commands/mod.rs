//! The argument structs of every lab command xtask wraps, each with its way back to argv.
//!
//! The lab parses them (`mandel-lab report`, ...); xtask flattens them into its own commands and
//! starts each lab stage with [`ToArgv::to_argv`](crate::ToArgv::to_argv) of what it parsed.

mod gate;
mod measure;
mod sweep;

pub use gate::{AbArgs, RegressArgs};
pub use measure::{
    HistoryArgs, PeersArgs, ProfileArgs, ReportArgs, RunArgs, RunOptions, TableFormat, VerdictArgs,
};
pub use sweep::{SweepArgs, SweepChunksArgs, SweepCommonArgs, SweepSizesArgs, SweepThreadsArgs};

#[cfg(test)]
mod round_trip;
