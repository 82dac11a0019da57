//! `mandel-lab verdict`'s arguments: the report folder whose results it reads.

use std::path::PathBuf;

use clap::Args;

use crate::argv::{Argv, ToArgv};

/// `mandel-lab verdict`'s arguments: the report folder whose results it reads.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct VerdictArgs {
    /// The report folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
}

impl ToArgv for VerdictArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.path("--out", &self.out);
    }
}
