//! mandel-lab: Ian Ozsvald's *High Performance Python* Mandelbrot lab, in Rust.
//!
//! The kernels live in the `mandel-variants` crate; this crate does everything around them:
//! it builds the tutorial's exact grid ([`grid`]), knows the tutorial's answers ([`known`]),
//! computes the [`reference`], runs and validates variants ([`measure`], [`validate`]), measures
//! them all ([`measurement`]), writes results ([`results`]) and renders them: the report page
//! ([`report`]), the tables ([`export`]) and the picture ([`image`]). The `mandel-lab` binary is a
//! thin shell over [`cli`].

pub mod affinity;
pub mod bench;
pub mod breakdown;
pub mod build_id;
pub mod cli;
pub mod conditions;
pub mod counters;
pub mod error;
pub mod export;
pub mod flags;
pub mod fsutil;
pub mod grid;
pub mod history;
pub mod image;
pub mod input;
pub mod interrupt;
pub mod known;
pub mod limit;
pub mod machine;
pub mod markup;
pub mod measure;
pub mod measurement;
pub mod objdump;
pub mod output;
pub mod peers;
pub mod profile;
pub mod quick;
pub mod ranks;
pub mod reference;
pub mod regress;
pub mod report;
pub mod results;
pub mod stats;
pub mod sweep;
pub mod units;
pub mod validate;
pub mod verdict;

pub use error::LabError;
pub use grid::{Grid, GridSpec, Region};
pub use mandel_variants as variants;
pub use mandel_variants::tutorial;
