//! Rendering: everything that turns the record into something to read. The report page
//! ([`report`]), the tables in every format ([`export`]), the PNG pictures ([`image`]), and the
//! two leaves every page and message takes its text from ([`markup`], [`units`]). Renderers read
//! JSON only and never run a kernel.

pub mod export;
pub mod image;
pub mod markup;
pub mod report;
pub mod units;
