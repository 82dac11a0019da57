//! `mandel-lab report`'s arguments (and `cargo xtask report`'s, which flattens them), and how it
//! prints its tables.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::argv::{Argv, ToArgv};
use crate::problem::ProblemArgs;

/// `mandel-lab report`'s arguments.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub problem: ProblemArgs,
    /// A smaller problem and short criterion settings, sized to about 20 s of measurement on
    /// this machine: maxiter 300 on the tutorial's region, at the largest grid up to 500 x 500
    /// that fits (every variant is run once on 100 x 100 to predict it; the report says what
    /// was chosen). Problem options given are kept (a width or height alone sets both), and one
    /// line says what was kept and what chosen.
    #[arg(long)]
    pub quick: bool,
    /// Comma-separated variants to run (default: all).
    #[arg(long, value_name = "A,B,...", value_parser = crate::variant_list)]
    pub variants: Option<String>,
    /// Re-render the report from the saved results.json; runs no kernel.
    #[arg(long)]
    pub render_only: bool,
    /// Measure the chosen variants and put them into the results already in the report folder
    /// (same problem), keeping the rest: how `cargo xtask report` adds `mpi` from under mpirun.
    #[arg(long, conflicts_with = "render_only")]
    pub merge: bool,
    /// Run each variant once, as the tutorial did, instead of measuring under criterion.
    #[arg(long, conflicts_with = "render_only")]
    pub no_criterion: bool,
    /// Criterion samples per variant (at least 10).
    #[arg(long, value_name = "N")]
    pub samples: Option<usize>,
    /// Criterion warm-up seconds per variant.
    #[arg(long, value_name = "SECS")]
    pub warm_up: Option<f64>,
    /// Criterion target measurement seconds per variant.
    #[arg(long, value_name = "SECS")]
    pub measurement: Option<f64>,
    /// Pin the lab to these CPUs (`0,1` or `0-3`) with sched_setaffinity, so that the scheduler
    /// cannot move the kernels; the set is recorded with the results and shown on the page.
    #[arg(long, value_name = "LIST")]
    pub cpus: Option<String>,
    /// How to print the tables on standard output.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// The report folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// The profiling stage's folder, whose views the report links to where it exists.
    #[arg(long, value_name = "DIR", default_value = "flamegraphs")]
    pub flamegraphs: PathBuf,
    /// Check the options and stop, writing nothing: `cargo xtask report` runs this before it
    /// profiles, so that a bad option is refused in a second rather than after the profiles.
    #[arg(long, hide = true)]
    pub check: bool,
}

impl ToArgv for ReportArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.args(&self.problem);
        argv.flag("--quick", self.quick);
        argv.some("--variants", self.variants.as_deref());
        argv.flag("--render-only", self.render_only);
        argv.flag("--merge", self.merge);
        argv.flag("--no-criterion", self.no_criterion);
        argv.some("--samples", self.samples);
        argv.some("--warm-up", self.warm_up);
        argv.some("--measurement", self.measurement);
        argv.some("--cpus", self.cpus.as_deref());
        argv.value("--format", self.format.name());
        argv.path("--out", &self.out);
        argv.path("--flamegraphs", &self.flamegraphs);
        argv.flag("--check", self.check);
    }
}

/// How `report` prints its tables on standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Terminal tables.
    Table,
    /// Markdown tables.
    Markdown,
    /// CSV.
    Csv,
    /// One JSON document.
    Json,
}

impl TableFormat {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            TableFormat::Table => "table",
            TableFormat::Markdown => "markdown",
            TableFormat::Csv => "csv",
            TableFormat::Json => "json",
        }
    }
}
