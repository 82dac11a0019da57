//! `mandel-lab run`'s arguments, and what `cargo xtask mpi` takes of them for its `mpi` run.

use std::path::PathBuf;

use clap::Args;

use crate::argv::{Argv, ToArgv};
use crate::problem::{Format, ProblemArgs, TuningArgs};

/// `mandel-lab run`'s arguments: the variant, and the rest ([`RunOptions`], which `cargo xtask
/// mpi` takes for its `mpi` run).
#[derive(Debug, Clone, PartialEq, Args)]
pub struct RunArgs {
    /// The variant to run (see `mandel-lab list`).
    #[arg(long, value_name = "NAME")]
    pub variant: String,
    #[command(flatten)]
    pub options: RunOptions,
}

impl ToArgv for RunArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.value("--variant", &self.variant);
        argv.args(&self.options);
    }
}

/// What `run` takes besides the variant.
#[derive(Debug, Clone, Default, PartialEq, Args)]
pub struct RunOptions {
    #[command(flatten)]
    pub problem: ProblemArgs,
    #[command(flatten)]
    pub tuning: TuningArgs,
    /// Also write the picture as a PNG to this path.
    #[arg(long, value_name = "PATH")]
    pub image: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

impl ToArgv for RunOptions {
    fn write_argv(&self, argv: &mut Argv) {
        argv.args(&self.problem);
        argv.args(&self.tuning);
        argv.some_path("--image", self.image.as_deref());
        argv.value("--format", self.format.name());
    }
}
