//! The `mpi` variant's MPI half, compiled only with the cargo feature `mpi` (see `mpi_jobs.rs`
//! for the design): the launch (host names gathered by rank 0, workers told apart from the
//! leader), the workers' loop, and rank 0's job server with its per-rank statistics.

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mpi::Threading;
use mpi::environment::Universe;
use mpi::point_to_point::{Destination, MatchedReceiveVec, Message, Source, Status};
use mpi::topology::{Communicator, SimpleCommunicator};

use super::{Launch, Problem, RankStat, Session, VARIANT, VariantError};
use crate::Kernel;
use crate::parallel::chunk_range;
use crate::scalar::expanded_math::calculate_z;

pub(super) fn unavailable() -> String {
    "not started by mpirun: run `cargo xtask mpi --ranks 2`".into()
}

/// Message tags of the job protocol.
const TAG_JOB: i32 = 1;
const TAG_QX: i32 = 2;
const TAG_QY: i32 = 3;
const TAG_RESULT: i32 = 4;
const TAG_STOP: i32 = 5;
const TAG_HOST: i32 = 6;

/// A result message starts with the unit number and the worker's busy nanoseconds (low and
/// high 32 bits), then the counts: one message carries all of it.
const RESULT_HEADER: usize = 3;

/// How long a waiting rank sleeps between polls: briefly while work is flowing, longer once
/// it has waited `IDLE_AFTER` (between runs), so an idle rank costs its core almost nothing.
const POLL: Duration = Duration::from_micros(20);
const IDLE_POLL: Duration = Duration::from_millis(1);
const IDLE_AFTER: Duration = Duration::from_millis(50);

/// Pixels rank 0 computes between answering the other ranks.
const LEADER_PIECE: usize = 128;

/// The world size, once rank 0 has started MPI (0 before).
static RANKS: AtomicUsize = AtomicUsize::new(0);

/// Each rank's host name, gathered by rank 0 at launch.
static HOSTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The last run's statistics, until taken.
static LAST: Mutex<Option<Vec<RankStat>>> = Mutex::new(None);

/// Fault injection for the reliability tests: `MANDEL_LAB_MPI_FAULT=die:R` makes rank R abort
/// on its first work unit, `hang:R` makes it stop answering.
const FAULT_VAR: &str = "MANDEL_LAB_MPI_FAULT";

/// Rank 0's hold on MPI: stops the workers, then finalises.
pub(super) struct Leader {
    universe: Option<Universe>,
}

impl Drop for Leader {
    fn drop(&mut self) {
        let world = SimpleCommunicator::world();
        for rank in 1..world.size() {
            world
                .process_at_rank(rank)
                .send_with_tag(&[0u64][..], TAG_STOP);
        }
        RANKS.store(0, Ordering::SeqCst);
        drop(self.universe.take());
    }
}

fn started_by_mpirun() -> bool {
    ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
}

pub(super) fn launch() -> Launch {
    if !started_by_mpirun() {
        return Launch::Alone;
    }
    // Rank 0 may run the kernel from any one thread at a time (criterion, the profiler).
    let Some((universe, _)) = mpi::initialize_with_threading(Threading::Serialized) else {
        return Launch::Alone;
    };
    let world = universe.world();
    // The host names go to rank 0 before any work, so each result can be said per host.
    let host = mpi::environment::processor_name().unwrap_or_else(|_| "?".into());
    if world.rank() == 0 {
        let mut hosts = vec![host];
        for rank in 1..world.size() {
            let (name, _): (Vec<u8>, _) =
                world.process_at_rank(rank).receive_vec_with_tag(TAG_HOST);
            hosts.push(String::from_utf8_lossy(&name).into_owned());
        }
        *HOSTS.lock().unwrap_or_else(|e| e.into_inner()) = hosts;
        RANKS.store(world.size() as usize, Ordering::SeqCst);
        Launch::Leader(Session {
            _universe: Leader {
                universe: Some(universe),
            },
        })
    } else {
        world
            .process_at_rank(0)
            .send_with_tag(host.as_bytes(), TAG_HOST);
        let result = serve(&world);
        drop(universe);
        Launch::WorkerDone(result)
    }
}

pub(super) fn ranks() -> Option<usize> {
    match RANKS.load(Ordering::SeqCst) {
        0 => None,
        n => Some(n),
    }
}

pub(super) fn take_rank_stats() -> Option<Vec<RankStat>> {
    LAST.lock().unwrap_or_else(|e| e.into_inner()).take()
}

/// A probed message, to be received with `matched_receive_vec`.
type Probed = (Message, Status);

/// Waits for a message with `tag` from `source` (any tag when `None`), polling and sleeping.
fn wait<S: Source>(source: &S, tag: Option<i32>) -> Probed {
    let since = Instant::now();
    loop {
        let probed = match tag {
            Some(tag) => source.immediate_matched_probe_with_tag(tag),
            None => source.immediate_matched_probe(),
        };
        if let Some(probed) = probed {
            return probed;
        }
        std::thread::sleep(if since.elapsed() < IDLE_AFTER {
            POLL
        } else {
            IDLE_POLL
        });
    }
}

/// A worker rank: computes the units rank 0 sends until it says stop.
fn serve(world: &SimpleCommunicator) -> Result<(), String> {
    let rank = world.rank();
    let fault = std::env::var(FAULT_VAR).ok();
    let root = world.process_at_rank(0);
    loop {
        let probed = wait(&root, None);
        match probed.1.tag() {
            TAG_STOP => {
                let _: (Vec<u64>, _) = probed.matched_receive_vec();
                return Ok(());
            }
            TAG_JOB => {
                let (header, _): (Vec<u64>, _) = probed.matched_receive_vec();
                let (qx, _): (Vec<f64>, _) = root.receive_vec_with_tag(TAG_QX);
                let (qy, _): (Vec<f64>, _) = root.receive_vec_with_tag(TAG_QY);
                match fault.as_deref() {
                    Some(f) if f == format!("die:{rank}") => std::process::abort(),
                    Some(f) if f == format!("hang:{rank}") => loop {
                        std::thread::sleep(Duration::from_secs(3600));
                    },
                    _ => {}
                }
                let [unit, maxiter] = header[..] else {
                    return Err(format!("rank {rank}: malformed job header {header:?}"));
                };
                if qx.len() != qy.len() {
                    return Err(format!("rank {rank}: qx and qy differ in length"));
                }
                let mut result = vec![0u32; qx.len() + RESULT_HEADER];
                let started = Instant::now();
                calculate_z(&qx, &qy, maxiter as u32, &mut result[RESULT_HEADER..]);
                let busy = started.elapsed().as_nanos().min(u128::from(u64::MAX)) as u64;
                result[0] = unit as u32;
                result[1] = busy as u32;
                result[2] = (busy >> 32) as u32;
                root.send_with_tag(&result[..], TAG_RESULT);
            }
            other => return Err(format!("rank {rank}: unexpected message tag {other}")),
        }
    }
}

struct MpiJobs {
    qx: Vec<f64>,
    qy: Vec<f64>,
    chunks: usize,
    maxiter: u32,
}

pub(super) fn prepare(
    problem: &Problem<'_>,
    chunks: usize,
) -> Result<Box<dyn Kernel>, VariantError> {
    let (qx, qy) = problem.points().unzip();
    Ok(Box::new(MpiJobs {
        qx,
        qy,
        chunks,
        maxiter: problem.maxiter,
    }))
}

fn runtime(message: String) -> VariantError {
    VariantError::Runtime {
        variant: VARIANT.name,
        message,
    }
}

/// Rank 0's side of one run: the job queue, the ranks' outstanding units, and the output.
struct Server<'a> {
    world: SimpleCommunicator,
    jobs: &'a MpiJobs,
    next: usize,
    outstanding: usize,
    /// Per rank: the units it computed and its busy time.
    done: Vec<(usize, Duration)>,
}

impl Server<'_> {
    fn unit(&self, k: usize) -> Range<usize> {
        chunk_range(k, self.jobs.chunks, self.jobs.qx.len())
    }

    /// Takes the next unit from the queue.
    fn take(&mut self) -> Option<usize> {
        (self.next < self.jobs.chunks).then(|| {
            self.next += 1;
            self.next - 1
        })
    }

    /// Sends the next unit, if any is left, to `rank`.
    fn hand_out(&mut self, rank: i32) {
        let Some(k) = self.take() else { return };
        let range = self.unit(k);
        let to = self.world.process_at_rank(rank);
        to.send_with_tag(&[k as u64, u64::from(self.jobs.maxiter)][..], TAG_JOB);
        to.send_with_tag(&self.jobs.qx[range.clone()], TAG_QX);
        to.send_with_tag(&self.jobs.qy[range], TAG_QY);
        self.outstanding += 1;
    }

    /// Stores one returned unit and hands its rank the next.
    fn collect(&mut self, probed: Probed, out: &mut [u32]) -> Result<(), VariantError> {
        let (result, status): (Vec<u32>, _) = probed.matched_receive_vec();
        let rank = status.source_rank();
        if result.len() < RESULT_HEADER {
            return Err(runtime(format!(
                "rank {rank} sent a result without its header"
            )));
        }
        let (header, counts) = result.split_at(RESULT_HEADER);
        let k = header[0] as usize;
        let busy = u64::from(header[1]) | (u64::from(header[2]) << 32);
        if k >= self.jobs.chunks || counts.len() != self.unit(k).len() {
            return Err(runtime(format!(
                "rank {rank} sent {} counts for unit {k}",
                counts.len()
            )));
        }
        out[self.unit(k)].copy_from_slice(counts);
        if let Some(done) = self.done.get_mut(rank as usize) {
            done.0 += 1;
            done.1 += Duration::from_nanos(busy);
        }
        self.outstanding -= 1;
        self.hand_out(rank);
        Ok(())
    }

    /// Collects every result that has already arrived.
    fn poll(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        while let Some(probed) = self
            .world
            .any_process()
            .immediate_matched_probe_with_tag(TAG_RESULT)
        {
            self.collect(probed, out)?;
        }
        Ok(())
    }
}

impl Kernel for MpiJobs {
    fn run(&mut self, out: &mut [u32]) -> Result<(), VariantError> {
        let world = SimpleCommunicator::world();
        let size = world.size();
        let mut server = Server {
            world,
            jobs: self,
            next: 0,
            outstanding: 0,
            done: vec![(0, Duration::ZERO); size as usize],
        };
        for rank in 1..size {
            server.hand_out(rank);
        }
        loop {
            if let Some(k) = server.take() {
                // Rank 0's own unit, a piece at a time, answering the others in between.
                let range = server.unit(k);
                let mut start = range.start;
                server.done[0].0 += 1;
                while start < range.end {
                    let end = (start + LEADER_PIECE).min(range.end);
                    let started = Instant::now();
                    calculate_z(
                        &self.qx[start..end],
                        &self.qy[start..end],
                        self.maxiter,
                        &mut out[start..end],
                    );
                    server.done[0].1 += started.elapsed();
                    start = end;
                    server.poll(out)?;
                }
            } else if server.outstanding > 0 {
                let probed = wait(&server.world.any_process(), Some(TAG_RESULT));
                server.collect(probed, out)?;
            } else {
                record(&server.done);
                return Ok(());
            }
        }
    }
}

/// Keeps one run's per-rank figures for [`take_rank_stats`], with each rank's host.
fn record(done: &[(usize, Duration)]) {
    let hosts = HOSTS.lock().unwrap_or_else(|e| e.into_inner());
    let stats = done
        .iter()
        .enumerate()
        .map(|(rank, &(units, busy))| RankStat {
            rank,
            host: hosts.get(rank).cloned().unwrap_or_else(|| "?".into()),
            units,
            busy_seconds: busy.as_secs_f64(),
        })
        .collect();
    *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some(stats);
}
