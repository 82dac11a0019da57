//! The argument structs of every lab command xtask wraps, each with its way back to argv, one
//! file per command (the sweeps and the gate's two commands share theirs).
//!
//! The lab parses them (`mandel-lab report`, ...); xtask flattens them into its own commands and
//! starts each lab stage with [`ToArgv::to_argv`](crate::ToArgv::to_argv) of what it parsed.

mod gate;
mod history;
mod peers;
mod profile;
mod report;
mod run;
mod sweep;
mod verdict;

pub use gate::{AbArgs, RegressArgs};
pub use history::HistoryArgs;
pub use peers::PeersArgs;
pub use profile::ProfileArgs;
pub use report::{ReportArgs, TableFormat};
pub use run::{RunArgs, RunOptions};
pub use sweep::{SweepArgs, SweepChunksArgs, SweepCommonArgs, SweepSizesArgs, SweepThreadsArgs};
pub use verdict::VerdictArgs;

#[cfg(test)]
mod round_trip;
