//! `mandel-lab peers`'s arguments (and `cargo xtask peers`'s, which flattens them).

use std::path::PathBuf;

use clap::Args;

use crate::argv::{Argv, ToArgv};
use crate::problem::ProblemArgs;

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
