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
pub mod shortcuts;
pub mod simd;
pub mod tuning;
pub mod tutorial;
pub mod vector;

pub use registry::{SPEEDUP_BASELINE, VARIANTS, find, names, report_order, sweep_baseline};
pub use tutorial::TutorialFigure;

/// The checkout this crate was compiled in, as `.cargo/config.toml` names it to every cargo
/// command run there. Reading it keys the kernels' build to their checkout: two checkouts sharing
/// one target folder otherwise share this crate's artifacts, and a checkout whose files are older
/// than the other's build would run the other's kernels (cargo records the value and rebuilds the
/// crate when it differs).
pub const CHECKOUT: Option<&str> = option_env!("MANDEL_LAB_CHECKOUT");

use std::fmt;

use serde::{Deserialize, Serialize};
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

    /// For a kernel that skips work whose answer it knows (the shortcuts), what a run does:
    /// counted in a pass of its own, never timed. `None` for a kernel that runs every pixel to
    /// its escape or to `maxiter`, as the reference does.
    fn work(&self) -> Option<Work> {
        None
    }

    /// For a kernel made of stages (the SIMD shortcuts), the parts the lab times one by one to
    /// show where a run's time goes, in order; empty for a kernel of one piece. A part may be a
    /// probe that is no stage of [`Kernel::run`] (the shortcuts' first pass without iterations).
    fn parts(&self) -> &'static [&'static str] {
        &[]
    }

    /// Runs part `part` of [`Kernel::parts`] alone. A part may need what the parts before it left
    /// (the pixels a first pass kept): the lab runs them in order, each as often as it likes.
    fn run_part(&mut self, part: usize, out: &mut [u32]) -> Result<(), VariantError> {
        let _ = (part, out);
        Ok(())
    }
}

/// What decided a pixel's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decided {
    /// It escaped: its count is the iteration it escaped at.
    Escape,
    /// It ran to `maxiter` without escaping: 0.
    MaxIter,
    /// The cardioid and bulb test: 0 without iterating.
    Bulb,
    /// Its orbit repeated a value exactly: 0.
    Cycle,
}

/// The work a kernel did over a grid: inner iterations executed, and its pixels by what decided
/// them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Inner iterations executed (the reference executes `Σ min(count + 1, maxiter)`).
    pub executed: u64,
    /// Pixels that escaped.
    pub escaped: u64,
    /// Pixels run to `maxiter`.
    pub at_maxiter: u64,
    /// Pixels decided by the cardioid and bulb test.
    pub bulb: u64,
    /// Pixels decided by a repeated orbit value.
    pub cycle: u64,
}

impl Work {
    /// Counts one pixel decided by `decided` after `executed` inner iterations.
    pub fn add(&mut self, decided: Decided, executed: u64) {
        self.executed += executed;
        *match decided {
            Decided::Escape => &mut self.escaped,
            Decided::MaxIter => &mut self.at_maxiter,
            Decided::Bulb => &mut self.bulb,
            Decided::Cycle => &mut self.cycle,
        } += 1;
    }

    /// Adds another part of the grid's work.
    pub fn merge(&mut self, other: Work) {
        self.executed += other.executed;
        self.escaped += other.escaped;
        self.at_maxiter += other.at_maxiter;
        self.bulb += other.bulb;
        self.cycle += other.cycle;
    }
}

/// Which of the tutorial's tables a variant belongs to, in report order. Saved in JSON under its
/// [`Family::as_str`] name, so a results file is read back into the type at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Single-core loops: pure Python, PyPy, Cython, ShedSkin.
    Scalar,
    /// Whole-array and sliced vector techniques: numpy, numexpr.
    Vector,
    /// Multi-core and multi-machine: multiprocessing, ParallelPython.
    Parallel,
    /// Beyond the tutorial: explicit SIMD across every f64 lane, with lane refill.
    Simd,
    /// Beyond the tutorial: the work whose answer is known left out (cardioid and bulb test,
    /// bit-exact cycle detection), every pixel unchanged.
    Shortcuts,
    /// GPU: pyCUDA.
    Gpu,
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Family {
    /// Every family, in report order.
    pub const ALL: [Family; 6] = [
        Family::Scalar,
        Family::Vector,
        Family::Parallel,
        Family::Simd,
        Family::Shortcuts,
        Family::Gpu,
    ];

    /// Lower-case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Scalar => "scalar",
            Family::Vector => "vector",
            Family::Parallel => "parallel",
            Family::Simd => "simd",
            Family::Shortcuts => "shortcuts",
            Family::Gpu => "gpu",
        }
    }

    /// What the tutorial's story says the family is about: the report's introduction to its
    /// table.
    pub fn intro(self) -> &'static str {
        match self {
            Family::Scalar => {
                "One core, one pixel at a time: from CPython's indexed complex lists to the \
                 expanded math that made Cython 80× faster. In Rust the first two steps are \
                 cheap; the square root and the memory traffic are what is left to remove."
            }
            Family::Vector => {
                "numpy's whole-array operations: no early exit, so far more arithmetic, but each \
                 operation one fast pass over memory; then slices sized to stay in cache; then \
                 numexpr's fused expression over all cores."
            }
            Family::Parallel => {
                "The work split into chunks over every core (multiprocessing) and over \
                 machines (ParallelPython; here MPI)."
            }
            Family::Simd => {
                "Beyond the tutorial, which wished for versions \"which go as fast as possible\": \
                 the exact loop across every f64 lane of the core's vector unit (eight with \
                 AVX-512), several vectors in flight, finished lanes refilled with new pixels; then \
                 on every core. The path is chosen at run time; narrower ones are measured too, for \
                 the lane ladder."
            }
            Family::Shortcuts => {
                "The first lesson of High Performance Python: the biggest speed-up is the work \
                 you do not do. The pixels that never escape take almost all of the iterations, \
                 each running to maxiter to learn an answer (0) that a cardioid and bulb test, \
                 or an orbit that repeats itself bit for bit, proves far sooner. Every pixel is \
                 the reference's; the tables show the iterations executed beside the \
                 reference's, so a shortcut that beats the machine's limit says why."
            }
            Family::Gpu => {
                "pyCUDA's three levels of effort: whole-array gpuarray operations, an \
                 ElementwiseKernel with the loop in C, and a hand-indexed SourceModule."
            }
        }
    }

    /// The heading of the tutorial's table for this family.
    pub fn title(self) -> &'static str {
        match self {
            Family::Scalar => "Single-core loops",
            Family::Vector => "Vector techniques",
            Family::Parallel => "Multi-core and multi-machine",
            Family::Simd => "SIMD lanes (beyond the tutorial)",
            Family::Shortcuts => "Shortcuts: the work you do not do (beyond the tutorial)",
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

/// Where a variant's hot code is found in a binary built from this crate (the flag lab's
/// evidence and the profile's "every SIMD path" view read it with objdump).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HotCode {
    /// The functions whose demangled names contain this text: the variant's Rust module
    /// (`module_path!()`, so a rename follows).
    Symbol(&'static str),
    /// The kernel is C, built by gcc (the flag lab's gcc builds run only it): the C function
    /// of this name.
    C(&'static str),
    /// The kernels a GPU variant launches and their shape, read from the NVRTC's output (the
    /// profile's GPU pages), never from the host binary.
    Gpu(gpu::code::Launch),
    /// The SIMD path functions ([`simd::Isa::symbol`]), each instantiated for the kernel in this
    /// source file (`file!()` of the kernel, so a rename follows).
    Paths(&'static str),
}

impl HotCode {
    /// The text that names the hot functions in the host binary's symbols, for the variants
    /// whose hot code is one function family there (Rust or C).
    pub fn symbol(self) -> Option<&'static str> {
        match self {
            HotCode::Symbol(s) | HotCode::C(s) => Some(s),
            HotCode::Paths(_) | HotCode::Gpu(_) => None,
        }
    }

    /// The tail of a [`HotCode::Paths`] source file from its crate's `src/` on (`simd/refill.rs`),
    /// which is how a debugger's line tables name it whatever folder the build ran in.
    pub fn source_tail(file: &'static str) -> &'static str {
        file.rfind("src/").map_or(file, |i| &file[i + 4..])
    }
}

/// A variant's rung on the report's lane ladder: the same exact loop at one lane, then at every
/// SIMD path's width, then on every core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rung {
    /// The scalar loop the ladder starts from (one lane, one core).
    Scalar,
    /// The lanes of one core, one rung per SIMD path measured.
    Lanes,
    /// The widest lanes on every core.
    AllCores,
}

/// The cores a variant's run uses (the limit it is read against is that many cores').
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cores {
    /// One core, whatever `--threads` says.
    One,
    /// Its worker threads (`--threads`; one per core by default), at most the machine's cores.
    Threads,
    /// Its MPI ranks (one per core by default), at most the machine's cores.
    Ranks,
    /// None of the CPU's: it runs on a device.
    Device,
}

impl Cores {
    /// The cores a run used on a machine with `cores` logical cores, given its thread or rank
    /// count (`None`: the default, one per core); `None` on a device.
    pub fn used(self, threads: Option<usize>, cores: usize) -> Option<usize> {
        match self {
            Cores::One => Some(1),
            Cores::Threads | Cores::Ranks => Some(threads.unwrap_or(cores).clamp(1, cores.max(1))),
            Cores::Device => None,
        }
    }
}

/// A sweep axis (the lab's `sweep <axis>`), as the registry names the sweeps a variant joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SweepAxis {
    /// `sweep chunks`: elements per slice.
    Chunks,
    /// `sweep threads`: worker threads or ranks.
    Threads,
    /// `sweep sizes`: grid size.
    Sizes,
    /// `sweep maxiter`: the iteration limit.
    Maxiter,
}

/// A variant's part in a sweep it joins by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepRole {
    /// Measured at each of the axis's values.
    Member,
    /// What the members are compared with (speed-up), measured beside them.
    Baseline,
}

/// Lays out a variant's inputs for a problem: the untimed half of a run.
pub type PrepareFn = fn(&Problem<'_>, &Tuning) -> Result<Box<dyn Kernel>, VariantError>;

/// One registered technique and its metadata. Two variants are the same variant when they have
/// the same name: the registry holds each name once (a test checks it).
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
    /// The cores a run uses.
    pub cores: Cores,
    /// The tutorial's 2011 timing of the same technique, where it timed one.
    pub tutorial: Option<&'static TutorialFigure>,
    /// Where its hot code is in a binary, where the lab can read it.
    pub hot_code: Option<HotCode>,
    /// Its rung on the lane ladder, if it is one.
    pub rung: Option<Rung>,
    /// The sweeps it joins when the user names no variants, and its part in each.
    pub sweeps: &'static [(SweepAxis, SweepRole)],
    /// Probes whether it can run here.
    pub probe: fn() -> Availability,
    /// Lays out the inputs for the technique, outside the timed region.
    pub prepare: PrepareFn,
}

impl Variant {
    /// Whether it joins `axis`'s sweep by default as a member.
    pub fn joins(&self, axis: SweepAxis) -> bool {
        self.sweeps.contains(&(axis, SweepRole::Member))
    }

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
