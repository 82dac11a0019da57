//! The record, the ground floor every stage stands on: what the stages keep and how it reaches
//! the disk. The `results.json` schema ([`results`], range-checked by [`check`]) and the types
//! it is made of ([`measured`], [`machine`], [`build_id`], [`ranks`]), the history
//! ([`history`]); how quantities and dates are written ([`units`]); the one rule for writing a
//! file ([`write`](mod@write)) and for reading one back ([`read`]), and the output folder as one
//! transaction ([`output`]). Measuring and rendering depend on these modules, never the
//! reverse (`tests/module_graph.rs`).

pub mod account;
pub mod build_id;
pub mod check;
pub mod conditions;
pub mod history;
pub mod machine;
pub mod measured;
pub mod output;
pub mod ranks;
pub mod read;
pub mod results;
pub mod units;
pub mod write;
