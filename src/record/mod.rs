//! The record: what the stages keep and how it reaches the disk. The `results.json` schema
//! ([`results`]), the `mpi` variant's ranks ([`ranks`]), the history ([`history`]); the one rule
//! for writing a file ([`write`]) and for reading one back ([`read`]), and the output folder as
//! one transaction ([`output`]).

pub mod history;
pub mod output;
pub mod ranks;
pub mod read;
pub mod results;
pub mod write;
