//! `mpi` mirrors `parallelpython_cpu.py`: ParallelPython's job server cut the `q` list into work
//! units and handed them to local and remote `ppserver` workers as each finished the last, then
//! joined the results in order. Here the engine is MPI (rsmpi over a real MPI runtime such as
//! OpenMPI), so the same program runs across machines with `mpirun --hostfile`.
//!
//! Every rank runs the `mandel-lab` binary. Rank 0 is the lab: it builds the grid, cuts it into
//! `--chunks` contiguous work units (default 16, as in the tutorial's run) and serves them on
//! demand: each other rank gets one unit, and whenever a rank sends back its counts it gets the
//! next, so a unit through the costly body of the set holds up only its own rank. Rank 0 works
//! too, like the job server's local workers: it takes units from the same queue and computes them
//! a row at a time, answering the other ranks between rows so that none waits long for work.
//! The other ranks never parse the command line: [`launch`] turns them into workers that loop
//! until rank 0 says stop. Each pixel runs `expanded`'s own loop, so the counts are exact.
//!
//! A unit is sent as its header (unit number, iteration limit) and its `qx` and `qy` slices, and
//! comes back as its counts; nothing is shared, so the time includes moving the data, as
//! ParallelPython's did (it pickled the lists). Waiting ranks poll and sleep instead of spinning,
//! so an idle worker leaves its core to whatever rank 0 is measuring.
//!
//! Without the cargo feature `mpi` (or when the binary was not started by `mpirun`) the variant
//! is registered but unavailable, and its probe says how to install MPI and run it.

use crate::Cores;
use crate::tuning::chunk_count;
use crate::{
    Availability, Exactness, Family, Kernel, Knob, Problem, Tuning, Variant, VariantError,
};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "mpi",
    family: Family::Parallel,
    analogue: "parallelpython_cpu.py (ParallelPython job server)",
    summary: "expanded kernel in --chunks work units served on demand to MPI ranks (rank 0 works too)",
    exactness: Exactness::Exact,
    knobs: &[Knob::Chunks],
    cores: Cores::Ranks,
    tutorial: Some(&crate::tutorial::PARALLELPYTHON_CYTHON),
    hot_code: None,
    rung: None,
    sweeps: &[],
    probe,
    prepare,
};

/// The tutorial's ParallelPython run split the grid into this many work units.
pub const DEFAULT_CHUNKS: usize = 16;

/// The Debian packages the `mpi` feature needs.
pub const INSTALL: &str = "sudo apt-get install openmpi-bin libopenmpi-dev libclang-dev";

/// What [`launch`] made of this process.
pub enum Launch {
    /// Not started by `mpirun`, or built without MPI: the lab runs alone.
    Alone,
    /// Rank 0 under `mpirun`: the lab runs, and the `mpi` variant can use the other ranks. Drop
    /// it last: dropping tells the other ranks to stop and finalises MPI.
    Leader(Session),
    /// A rank other than 0 that has served its work units and been told to stop: the process
    /// should exit with this status without running the lab.
    WorkerDone(Result<(), String>),
}

/// Starts MPI when this process was started by `mpirun`; ranks other than 0 serve work units
/// until rank 0 stops them. Call once, first thing in `main`.
pub fn launch() -> Launch {
    imp::launch()
}

/// The MPI session of rank 0 (see [`Launch::Leader`]).
pub struct Session {
    #[cfg(feature = "mpi")]
    _universe: imp::Leader,
}

/// The number of ranks in this run, if this process is rank 0 of one.
pub fn ranks() -> Option<usize> {
    imp::ranks()
}

/// One rank's part in a run, as ParallelPython's job server printed it per node: where the rank
/// ran, how many work units it computed and how long it spent computing them.
#[derive(Debug, Clone, PartialEq)]
pub struct RankStat {
    pub rank: usize,
    /// The rank's host name (`MPI_Get_processor_name`: its machine's `gethostname`).
    pub host: String,
    pub units: usize,
    /// Seconds inside the kernel loop, not counting messages or waits.
    pub busy_seconds: f64,
}

/// Every rank's [`RankStat`] from the last run of this variant on rank 0, taken: the next call
/// says `None` until the variant runs again, so a caller reading it after another variant's run
/// never gets figures that are not that run's.
pub fn take_rank_stats() -> Option<Vec<RankStat>> {
    imp::take_rank_stats()
}

fn probe() -> Availability {
    match imp::ranks() {
        Some(_) => Availability::Available,
        None => Availability::Unavailable(imp::unavailable()),
    }
}

fn prepare(problem: &Problem<'_>, tuning: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    let chunks = chunk_count(VARIANT.name, tuning.chunks, DEFAULT_CHUNKS, problem)?;
    imp::prepare(problem, chunks)
}

#[cfg(not(feature = "mpi"))]
mod imp {
    use super::{Launch, Problem, VariantError};

    pub(super) fn unavailable() -> String {
        let installed = std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|dir| dir.join("mpirun").is_file())
        });
        if installed {
            "built without the mpi feature (OpenMPI is installed): run `cargo xtask mpi --ranks 2`"
                .into()
        } else {
            format!(
                "no MPI: install OpenMPI (Debian: {}), then run `cargo xtask mpi --ranks 2`",
                super::INSTALL
            )
        }
    }

    pub(super) fn launch() -> Launch {
        Launch::Alone
    }

    pub(super) fn ranks() -> Option<usize> {
        None
    }

    pub(super) fn take_rank_stats() -> Option<Vec<super::RankStat>> {
        None
    }

    pub(super) fn prepare(
        _: &Problem<'_>,
        _: usize,
    ) -> Result<Box<dyn crate::Kernel>, VariantError> {
        unreachable!("the probe refuses before prepare without the mpi feature")
    }
}

// The MPI half lives in its own file: it is most of the variant, and only the feature builds it.
#[cfg(feature = "mpi")]
#[path = "mpi_server.rs"]
mod imp;
