//! mandel-lab: Ian Ozsvald's *High Performance Python* Mandelbrot lab, in Rust.
//!
//! The kernels live in the `mandel-variants` crate; this crate does everything around them, in
//! stages whose folders are its modules:
//! - [`problem`]: the tutorial's exact grid, its known answers, the reference and validation;
//! - [`measure`]: running and timing variants, the machine and its limit;
//! - [`record`]: the schema the stages write and read (`results.json`, the history), and the one
//!   rule for writing and reading files;
//! - [`render`]: the report page, the tables and the pictures, from the record alone;
//! - [`sweep`], [`profile`], [`peers`], [`codegen`], [`regress`]: the lab's other stages (sweeps of
//!   one axis, profiles, the tutorial's Python, compiler builds, the regression gate);
//! - [`cli`]: the command line; the `mandel-lab` binary is a thin shell over it.
//!
//! [`error`] and [`interrupt`] serve every stage.

pub mod cli;
pub mod codegen;
pub mod error;
pub mod interrupt;
pub mod measure;
pub mod peers;
pub mod problem;
pub mod profile;
pub mod record;
pub mod regress;
pub mod render;
pub mod sweep;

pub use error::LabError;
pub use mandel_variants as variants;
pub use mandel_variants::tutorial;
pub use problem::grid::{Grid, GridSpec, Region};
