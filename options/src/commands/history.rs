//! `mandel-lab history`'s arguments (`cargo xtask report` builds them to append its run).

use std::path::PathBuf;

use clap::Args;

use crate::argv::{Argv, ToArgv};

/// `mandel-lab history`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct HistoryArgs {
    /// Append one line for the results in the report folder.
    #[arg(long)]
    pub append: bool,
    /// The report folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// The profiling stage's folder, whose instruction counts the line records.
    #[arg(long, value_name = "DIR", default_value = "flamegraphs")]
    pub flamegraphs: PathBuf,
}

impl ToArgv for HistoryArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.flag("--append", self.append);
        argv.path("--out", &self.out);
        argv.path("--flamegraphs", &self.flamegraphs);
    }
}
