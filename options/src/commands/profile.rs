//! `mandel-lab profile`'s arguments (and `cargo xtask profile`'s, which flattens them).

use std::path::PathBuf;

use clap::Args;

use crate::argv::{Argv, ToArgv};
use crate::problem::ProblemArgs;

/// `mandel-lab profile`'s arguments.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct ProfileArgs {
    /// Comma-separated variants to profile (default: every available one).
    #[arg(long, value_name = "A,B,...", value_parser = crate::variant_list)]
    pub variants: Option<String>,
    /// Seconds pprof samples each variant while criterion runs it repeatedly.
    #[arg(long, value_name = "S", default_value_t = 3.0)]
    pub seconds: f64,
    /// pprof sampling frequency.
    #[arg(long, value_name = "HZ", default_value_t = 997)]
    pub frequency: i32,
    /// A quarter of a second of sampling per variant and a smaller line profile; without a
    /// report to take the problem from, `report --quick`'s problem (maxiter 300 unless given; a
    /// width or height alone sets both).
    #[arg(long)]
    pub quick: bool,
    #[command(flatten)]
    pub problem: ProblemArgs,
    /// Profile the problem a report measured: its results.json (how `cargo xtask report` makes
    /// the profiles belong to the report, whatever problem `--quick` chose).
    #[arg(long, value_name = "FILE")]
    pub problem_from: Option<PathBuf>,
    /// The report folder whose page links these profiles: without a problem of its own (no
    /// --problem-from, size, maxiter or region), profile the problem of its results.json, where
    /// there is one.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub report: PathBuf,
    /// The flamegraphs folder.
    #[arg(long, value_name = "DIR", default_value = "flamegraphs")]
    pub out: PathBuf,
}

impl ToArgv for ProfileArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.some("--variants", self.variants.as_deref());
        argv.value("--seconds", self.seconds);
        argv.value("--frequency", self.frequency);
        argv.flag("--quick", self.quick);
        // With --problem-from the lab refuses the problem's options, even at their defaults.
        if self.problem_from.is_none() || self.problem.is_explicit() {
            argv.args(&self.problem);
        }
        argv.some_path("--problem-from", self.problem_from.as_deref());
        // Left out at its default, so that a command line that never names it stays as it was.
        if self.report != std::path::Path::new("reports") {
            argv.path("--report", &self.report);
        }
        argv.path("--out", &self.out);
    }
}
