//! Checks of the tuning knobs, shared by the variants that use them.

use crate::{Problem, VariantError};

/// The slice length to use: `asked`, or `default` capped at the grid, refusing 0 and an explicit
/// slice longer than the grid (never clamped silently).
pub fn chunk_len(
    variant: &'static str,
    asked: Option<usize>,
    default: usize,
    problem: &Problem<'_>,
) -> Result<usize, VariantError> {
    per_pixel_knob(variant, "--chunk", asked, default, problem)
}

/// The number of work units: `asked` (between 1 and the pixel count), or `default`.
pub fn chunk_count(
    variant: &'static str,
    asked: Option<usize>,
    default: usize,
    problem: &Problem<'_>,
) -> Result<usize, VariantError> {
    per_pixel_knob(variant, "--chunks", asked, default, problem)
}

/// A knob counted in pixels: between 1 and the grid's pixel count when given, else `default`
/// brought into that range.
fn per_pixel_knob(
    variant: &'static str,
    flag: &str,
    asked: Option<usize>,
    default: usize,
    problem: &Problem<'_>,
) -> Result<usize, VariantError> {
    let pixels = problem.pixels().max(1);
    match asked {
        Some(0) => Err(bad(variant, format!("{flag} must be at least 1"))),
        Some(n) if n > pixels => Err(bad(
            variant,
            format!("{flag} {n} is larger than the grid's {pixels} pixels"),
        )),
        Some(n) => Ok(n),
        None => Ok(default.clamp(1, pixels)),
    }
}

/// Threads (or MPI ranks on one machine) per core that the lab agrees to start.
///
/// Oversubscription is part of the lab (the thread sweep runs twice the cores by default, and
/// someone may well try 16 threads on 2 cores to see time-slicing), so the limit is generous; but
/// every thread costs a stack and a start-up, and `--threads 100000` spent over a minute starting
/// OS threads for a 50 x 50 grid. 64 per core stays far beyond any useful oversubscription while
/// starting in well under a second.
pub const THREADS_PER_CORE: usize = 64;

/// The cores this process may use (1 where the OS does not say).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The most threads `--threads` (and the thread sweep's counts) accept here:
/// [`THREADS_PER_CORE`] per core.
pub fn max_threads() -> usize {
    THREADS_PER_CORE * cores()
}

/// Checks a thread count against the limit: the one check every variant and sweep that takes
/// `--threads` goes through. `flag` names the option in the message.
pub fn check_threads(flag: &str, threads: usize) -> Result<usize, String> {
    let max = max_threads();
    match threads {
        0 => Err(format!("{flag} must be at least 1")),
        n if n > max => Err(format!(
            "{flag} {n} is more threads than this machine can sensibly start: at most {max} \
             ({THREADS_PER_CORE} per core on {} cores)",
            cores()
        )),
        n => Ok(n),
    }
}

/// A rayon pool of `asked` threads (default: one per core), refusing 0 and more than
/// [`max_threads`].
pub fn thread_pool(
    variant: &'static str,
    asked: Option<usize>,
) -> Result<rayon::ThreadPool, VariantError> {
    let threads = match asked {
        Some(n) => check_threads("--threads", n).map_err(|message| bad(variant, message))?,
        None => cores(),
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("{variant}-{i}"))
        .build()
        .map_err(|e| VariantError::Runtime {
            variant,
            message: format!("cannot start {threads} threads: {e}"),
        })
}

fn bad(variant: &'static str, message: String) -> VariantError {
    VariantError::BadTuning { variant, message }
}
