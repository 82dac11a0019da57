//! `report`, `profile`, `history`, `peers` and `run`: the commands that measure, profile and
//! record.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::argv::{Argv, ToArgv};
use crate::problem::{Format, ProblemArgs, TuningArgs};

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

/// `mandel-lab peers`'s arguments.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct PeersArgs {
    #[command(flatten)]
    pub problem: ProblemArgs,
    /// A smaller problem (maxiter 300 unless given; a width or height alone sets both) and 2
    /// runs per peer.
    #[arg(long)]
    pub quick: bool,
    /// Comma-separated peers to run (default: all).
    #[arg(long, value_name = "A,B,...")]
    pub peers: Option<String>,
    /// The CPython to run the peers under (default: target/peers-venv where
    /// `cargo xtask peers --install` made it, else python3).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Timed runs per peer (default: 3 for the slow pure-Python ones, 5 for the others).
    #[arg(long, value_name = "N")]
    pub repeat: Option<u32>,
    /// Longest one peer may run, in seconds, warm-up and every run together.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub timeout: u64,
    /// The report folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// Check the arguments and stop: what `cargo xtask peers --install` asks before it installs.
    #[arg(long, hide = true)]
    pub check_args: bool,
    /// The folder of the peer programs (tests point it at broken ones).
    #[arg(long, value_name = "DIR", hide = true)]
    pub scripts: Option<PathBuf>,
}

impl ToArgv for PeersArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.args(&self.problem);
        argv.flag("--quick", self.quick);
        argv.some("--peers", self.peers.as_deref());
        argv.some_path("--python", self.python.as_deref());
        argv.some("--repeat", self.repeat);
        argv.value("--timeout", self.timeout);
        argv.path("--out", &self.out);
        argv.flag("--check-args", self.check_args);
        argv.some_path("--scripts", self.scripts.as_deref());
    }
}

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
