//! `regress` (the instruction-count gate) and `ab` (the wall-time A/B of two lab binaries).

use std::path::PathBuf;

use clap::Args;

use crate::argv::{Argv, ToArgv};
use crate::problem::ProblemArgs;
use crate::{AB_DEFAULT_VARIANTS, BASELINE_FILE};

/// `mandel-lab regress`'s arguments.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct RegressArgs {
    /// The baseline file.
    #[arg(long, value_name = "FILE", default_value = BASELINE_FILE)]
    pub baseline: PathBuf,
    /// Rewrite the baseline with the counts of this build (needs --reason).
    #[arg(long)]
    pub bless: bool,
    /// Why the baseline changes, one line, stored in it.
    #[arg(long, value_name = "TEXT", requires = "bless")]
    pub reason: Option<String>,
    /// Comma-separated variants to count (default: every CPU variant).
    #[arg(long, value_name = "A,B,...", value_parser = crate::variant_list)]
    pub variants: Option<String>,
    /// Percent rise that fails the gate, for variants without their own (default: the baseline's).
    #[arg(long, value_name = "PCT")]
    pub threshold: Option<f64>,
    /// callgrind runs at a time.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub jobs: usize,
    /// Also write the verdict as Markdown (for a pull-request comment) to this file.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
}

impl ToArgv for RegressArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.path("--baseline", &self.baseline);
        argv.flag("--bless", self.bless);
        argv.some("--reason", self.reason.as_deref());
        argv.some("--variants", self.variants.as_deref());
        argv.some("--threshold", self.threshold);
        argv.value("--jobs", self.jobs);
        argv.some_path("--markdown", self.markdown.as_deref());
    }
}

/// `mandel-lab ab`'s arguments.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct AbArgs {
    /// The A binary (the revision compared against).
    #[arg(long, value_name = "BIN", required_unless_present = "check")]
    pub a: Option<PathBuf>,
    /// The B binary (the working tree).
    #[arg(long, value_name = "BIN", required_unless_present = "check")]
    pub b: Option<PathBuf>,
    /// What the tables call A.
    #[arg(long, value_name = "NAME", default_value = "A")]
    pub label_a: String,
    /// What the tables call B.
    #[arg(long, value_name = "NAME", default_value = "B")]
    pub label_b: String,
    /// Comma-separated variants.
    #[arg(long, value_name = "A,B,...", value_parser = crate::variant_list, default_value = AB_DEFAULT_VARIANTS)]
    pub variants: String,
    /// Runs of each binary per variant, alternating.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub rounds: usize,
    /// Percent change below which a significant difference is not flagged.
    #[arg(long, value_name = "PCT", default_value_t = 3.0)]
    pub threshold: f64,
    #[command(flatten)]
    pub problem: ProblemArgs,
    /// Check every other option and stop, without binaries: `cargo xtask regress --against`
    /// asks this before it builds anything.
    #[arg(long, hide = true)]
    pub check: bool,
}

impl ToArgv for AbArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.some_path("--a", self.a.as_deref());
        argv.some_path("--b", self.b.as_deref());
        argv.value("--label-a", &self.label_a);
        argv.value("--label-b", &self.label_b);
        argv.value("--variants", &self.variants);
        argv.value("--rounds", self.rounds);
        argv.value("--threshold", self.threshold);
        argv.args(&self.problem);
        argv.flag("--check", self.check);
    }
}
