//! The tutorial's second table: numpy's whole-array vectors, numpy in slices, and numexpr.
//!
//! All three keep numpy's semantics: every pixel is iterated `maxiter` times (no per-pixel early
//! exit), and an escaped pixel has its `z` and `q` set to zero so it can never escape again.

pub mod vector_chunked;
pub mod vector_fused;
pub mod vector_whole;
