//! The problem (`--width --height --maxiter --region`), the tuning knobs, and the output format of
//! `list` and `run`.

use clap::{Args, ValueEnum};

use crate::Region;
use crate::argv::{Argv, ToArgv};
use crate::{TUTORIAL_HEIGHT, TUTORIAL_MAXITER, TUTORIAL_REGION_TEXT, TUTORIAL_WIDTH};

/// The problem: pixel size, iteration limit and region, each parsed into its type once, here.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct ProblemArgs {
    /// Pixel width W (the grid can come out one column wider, as in the tutorial).
    #[arg(long, value_name = "W", default_value_t = TUTORIAL_WIDTH)]
    pub width: usize,
    /// Pixel height H (the grid can come out one row taller, as in the tutorial).
    #[arg(long, value_name = "H", default_value_t = TUTORIAL_HEIGHT)]
    pub height: usize,
    /// Iteration limit M.
    #[arg(long, value_name = "M", default_value_t = TUTORIAL_MAXITER)]
    pub maxiter: u32,
    /// Region of the complex plane, x1,x2,y1,y2 (write --region=-2.13,0.77,-1.3,1.3).
    #[arg(long, value_name = "X1,X2,Y1,Y2", allow_hyphen_values = true,
          default_value = TUTORIAL_REGION_TEXT)]
    pub region: Region,
}

impl Default for ProblemArgs {
    /// The tutorial's problem, as given by no option at all.
    fn default() -> ProblemArgs {
        ProblemArgs {
            width: TUTORIAL_WIDTH,
            height: TUTORIAL_HEIGHT,
            maxiter: TUTORIAL_MAXITER,
            region: Region::TUTORIAL,
        }
    }
}

impl ProblemArgs {
    /// Whether the user set any of the problem's options (so `--quick` keeps them).
    pub fn is_explicit(&self) -> bool {
        *self != ProblemArgs::default()
    }
}

impl ToArgv for ProblemArgs {
    /// All four options, always: a child (a peer program, `kernel-once`) gets the whole problem,
    /// whatever its own defaults are.
    fn write_argv(&self, argv: &mut Argv) {
        argv.value("--width", self.width);
        argv.value("--height", self.height);
        argv.value("--maxiter", self.maxiter);
        argv.value("--region", self.region);
    }
}

/// The per-variant tuning knobs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct TuningArgs {
    /// Elements per slice for vector-chunked, block size for vector-fused.
    #[arg(long, value_name = "N")]
    pub chunk: Option<usize>,
    /// Work units for the parallel variants (default: one per core).
    #[arg(long, value_name = "N")]
    pub chunks: Option<usize>,
    /// Worker threads for the parallel variants (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// SIMD path for the variants that dispatch at run time: avx512, avx2, sse2, neon or
    /// portable (default: the widest this CPU has).
    #[arg(long, value_name = "PATH")]
    pub isa: Option<String>,
}

impl ToArgv for TuningArgs {
    fn write_argv(&self, argv: &mut Argv) {
        argv.some("--chunk", self.chunk);
        argv.some("--chunks", self.chunks);
        argv.some("--threads", self.threads);
        argv.some("--isa", self.isa.as_deref());
    }
}

/// Output format of `list` and `run`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text or table.
    #[default]
    #[value(alias = "table")]
    Text,
    /// One JSON document on standard output.
    Json,
}

impl Format {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
        }
    }
}
