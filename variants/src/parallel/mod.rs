//! The tutorial's multi-core table: `multi.py` (multiprocessing) as fixed chunks and as work
//! stealing over rows, both on rayon and both running the `expanded` kernel per pixel.
//!
//! Each variant owns its rayon pool of `--threads` workers (one per core by default), built in
//! `prepare` so that starting threads is never timed: the tutorial started its
//! `multiprocessing.Pool` before the clock too.

pub mod rayon_chunks;
pub mod rayon_rows;
