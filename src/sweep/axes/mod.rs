//! The registered axes, one file each, in report order. Adding an axis is one file here and one
//! line in [`AXES`].

mod chunks;
mod maxiter;
mod sizes;
mod threads;

pub use chunks::{BYTES_PER_ELEMENT, Chunks};
pub use maxiter::Maxiter;
pub use sizes::Sizes;
pub use threads::Threads;

use super::Axis;

/// Every axis `mandel-lab sweep` knows.
pub static AXES: &[&dyn Axis] = &[&Chunks, &Threads, &Sizes, &Maxiter];
