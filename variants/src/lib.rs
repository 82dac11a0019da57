//! The kernels of mandel-lab, one file per technique from Ian Ozsvald's *High Performance Python*
//! (EuroPython 2011), grouped as the tutorial grouped them.
//!
//! A kernel is pure: it takes the grid's axes and the iteration limit and writes one escape count per
//! pixel. It does no timing, printing or file I/O; building the grid, validating, timing, profiling
//! and reporting all live in the `mandel-lab` crate, which this crate never depends on.
//!
//! Each variant is registered once in [`VARIANTS`] with its metadata. The lab calls
//! [`Variant::prepare`] outside the timed region (the tutorial built its `q` and `z` lists before it
//! started the clock) and then times [`Kernel::run`] alone.

pub mod gpu;
pub mod parallel;
mod registry;
pub mod scalar;
pub mod simd;
pub mod tuning;
pub mod vector;

pub use registry::{VARIANTS, find, names, report_order};

use thiserror::Error;

/// The inputs every kernel sees: the grid's column and row coordinates and the iteration limit.
///
/// Pixels are row-major: pixel `j * xs.len() + i` is `complex(xs[i], ys[j])`.
#[derive(Debug, Clone, Copy)]
pub struct Problem<'a> {
    /// Real part of each column, left to right.
    pub xs: &'a [f64],
    /// Imaginary part of each row, top to bottom.
    pub ys: &'a [f64],
    /// The iteration limit (the tutorial's `maxiter`).
    pub maxiter: u32,
}

impl Problem<'_> {
    /// Number of pixels, `columns * rows`.
    pub fn pixels(&self) -> usize {
        self.xs.len() * self.ys.len()
    }

    /// The pixels as complex numbers in row-major order, as the tutorial's `q` list.
    pub fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.ys
            .iter()
            .flat_map(move |&y| self.xs.iter().map(move |&x| (x, y)))
    }
}

/// Per-variant tuning knobs. A variant ignores the knobs it has no use for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tuning {
    /// Elements per slice for chunked vector variants (the tutorial's `STEP_SIZE`).
    pub chunk: Option<usize>,
    /// Number of work units the grid is split into, for parallel variants (`--chunks`).
    pub chunks: Option<usize>,
    /// Worker threads for parallel variants; `None` means one per core.
    pub threads: Option<usize>,
    /// The SIMD path for variants that dispatch at run time; `None` means the widest this CPU has.
    pub isa: Option<simd::Isa>,
}

/// A tuning knob a variant honours (see [`Tuning`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knob {
    /// `--chunk`: elements per slice or block.
    Chunk,
    /// `--chunks`: work units the grid is split into.
    Chunks,
    /// `--threads`: worker threads.
    Threads,
    /// `--isa`: the SIMD path.
    Isa,
}

impl Knob {
    /// The command-line flag.
    pub fn flag(self) -> &'static str {
        match self {
            Knob::Chunk => "--chunk",
            Knob::Chunks => "--chunks",
            Knob::Threads => "--threads",
            Knob::Isa => "--isa",
        }
    }

    /// Whether `tuning` sets this knob.
    pub fn is_set(self, tuning: &Tuning) -> bool {
        match self {
            Knob::Chunk => tuning.chunk.is_some(),
            Knob::Chunks => tuning.chunks.is_some(),
            Knob::Threads => tuning.threads.is_some(),
            Knob::Isa => tuning.isa.is_some(),
        }
    }

    /// Every knob.
    pub const ALL: [Knob; 4] = [Knob::Chunk, Knob::Chunks, Knob::Threads, Knob::Isa];
}

/// A prepared kernel: inputs laid out the way its technique wants them, ready to run repeatedly.
pub trait Kernel: Send {
    /// Computes every pixel's escape count into `out` (length [`Problem::pixels`]). Each call
    /// recomputes from scratch, so the lab can time repeated calls.
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError>;

    /// Seconds the device spent in the kernels alone during the last [`Kernel::run`], timed with
    /// device events; `None` for kernels that run on the CPU.
    fn kernel_seconds(&self) -> Option<f64> {
        None
    }

    /// The SIMD path the kernel runs, for kernels that dispatch at run time.
    fn isa(&self) -> Option<simd::Isa> {
        None
    }
}

/// Which of the tutorial's tables a variant belongs to, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Single-core loops: pure Python, PyPy, Cython, ShedSkin.
    Scalar,
    /// Whole-array and sliced vector techniques: numpy, numexpr.
    Vector,
    /// Multi-core and multi-machine: multiprocessing, ParallelPython.
    Parallel,
    /// Beyond the tutorial: explicit SIMD across every f64 lane, with lane refill.
    Simd,
    /// GPU: pyCUDA.
    Gpu,
}

impl Family {
    /// Every family, in report order.
    pub const ALL: [Family; 5] = [
        Family::Scalar,
        Family::Vector,
        Family::Parallel,
        Family::Simd,
        Family::Gpu,
    ];

    /// Lower-case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Scalar => "scalar",
            Family::Vector => "vector",
            Family::Parallel => "parallel",
            Family::Simd => "simd",
            Family::Gpu => "gpu",
        }
    }

    /// The heading of the tutorial's table for this family.
    pub fn title(self) -> &'static str {
        match self {
            Family::Scalar => "Single-core loops",
            Family::Vector => "Vector techniques",
            Family::Parallel => "Multi-core and multi-machine",
            Family::Simd => "SIMD lanes (beyond the tutorial)",
            Family::Gpu => "GPU",
        }
    }
}

/// Whether a variant must reproduce the reference pixel for pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exactness {
    /// Same f64 operations in the same order as the reference: identical counts required.
    Exact,
    /// Different arithmetic (f32, fused multiply-add, GPU); the reason is stated and the lab reports
    /// how many pixels differ.
    Inexact(&'static str),
}

impl Exactness {
    /// True for [`Exactness::Exact`].
    pub fn is_exact(self) -> bool {
        matches!(self, Exactness::Exact)
    }
}

/// Whether a variant can run on this machine, and if not, why and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// The variant can run here.
    Available,
    /// The variant cannot run here; the text says what is missing and how to install it.
    Unavailable(String),
}

/// Lays out a variant's inputs for a problem: the untimed half of a run.
pub type PrepareFn = fn(&Problem<'_>, &Tuning) -> Result<Box<dyn Kernel>, VariantError>;

/// One registered technique and its metadata.
#[derive(Debug)]
pub struct Variant {
    /// Command-line name, e.g. `expanded`.
    pub name: &'static str,
    /// The tutorial table it belongs to.
    pub family: Family,
    /// The tutorial program it mirrors, e.g. `pure_python.py`.
    pub analogue: &'static str,
    /// One sentence on the technique.
    pub summary: &'static str,
    /// Whether it must match the reference exactly.
    pub exactness: Exactness,
    /// The tuning knobs it honours.
    pub knobs: &'static [Knob],
    /// Probes whether it can run here.
    pub probe: fn() -> Availability,
    /// Lays out the inputs for the technique, outside the timed region.
    pub prepare: PrepareFn,
}

impl Variant {
    /// Whether this variant can run here.
    pub fn availability(&self) -> Availability {
        (self.probe)()
    }

    /// Prepares the kernel for `problem`, refusing if the variant is unavailable here.
    pub fn prepare(
        &self,
        problem: &Problem<'_>,
        tuning: &Tuning,
    ) -> Result<Box<dyn Kernel>, VariantError> {
        if let Availability::Unavailable(why) = self.availability() {
            return Err(VariantError::Unavailable {
                variant: self.name,
                why,
            });
        }
        (self.prepare)(problem, tuning)
    }
}

/// Why a variant could not be prepared or run.
#[derive(Debug, Error)]
pub enum VariantError {
    /// The variant cannot run on this machine.
    #[error("variant {variant} is unavailable here: {why}")]
    Unavailable { variant: &'static str, why: String },
    /// A tuning knob has a value the variant cannot use.
    #[error("variant {variant}: {message}")]
    BadTuning {
        variant: &'static str,
        message: String,
    },
    /// The kernel failed while running (a device or runtime error).
    #[error("variant {variant} failed: {message}")]
    Runtime {
        variant: &'static str,
        message: String,
    },
}

/// The probe of variants that need nothing beyond this crate.
pub fn always_available() -> Availability {
    Availability::Available
}
