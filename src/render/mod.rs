//! Rendering: everything that turns the record into something to read. The report page
//! ([`report`]), the tables in every format ([`export`]), the PNG pictures ([`image`]), and the
//! HTML helpers every page takes its markup from ([`markup`], a leaf). Renderers read JSON only
//! and never run a kernel.

pub mod export;
pub mod image;
pub mod markup;
pub mod report;
pub mod verdict;
