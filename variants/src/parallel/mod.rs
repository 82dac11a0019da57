//! The tutorial's multi-core and multi-machine table, every variant running the `expanded` kernel
//! per pixel: `multi.py` (multiprocessing) as fixed chunks and as work stealing over rows, both on
//! rayon, and `parallelpython_cpu.py` (ParallelPython's job server) as work units served over MPI.
//!
//! Each rayon variant owns its pool of `--threads` workers (one per core by default), built in
//! `prepare` so that starting threads is never timed: the tutorial started its
//! `multiprocessing.Pool` before the clock too. The MPI variant's ranks are started by `mpirun`
//! before the lab runs.

pub mod mpi_jobs;
pub mod rayon_chunks;
pub mod rayon_rows;

/// The half-open pixel range of chunk `k` of `chunks` over `len` pixels: the sizes differ by at
/// most one, the first `len % chunks` chunks taking the extra pixel.
pub(crate) fn chunk_range(k: usize, chunks: usize, len: usize) -> std::ops::Range<usize> {
    let (base, extra) = (len / chunks, len % chunks);
    let start = k * base + k.min(extra);
    let size = base + usize::from(k < extra);
    start..start + size
}

#[cfg(test)]
mod tests {
    use super::chunk_range;

    #[test]
    fn chunk_ranges_cover_the_grid_in_order_without_gaps() {
        for len in [1, 2, 7, 100, 2501] {
            for chunks in [1, 2, 3, len].into_iter().filter(|&c| c <= len) {
                let mut next = 0;
                for k in 0..chunks {
                    let r = chunk_range(k, chunks, len);
                    assert_eq!(r.start, next, "{len} pixels, {chunks} chunks");
                    assert!(!r.is_empty());
                    next = r.end;
                }
                assert_eq!(next, len);
            }
        }
    }
}
