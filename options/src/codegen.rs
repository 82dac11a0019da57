//! The protocol between `cargo xtask flags` and the lab's `flags --check` and `flags --collect`:
//! serde structs, serialized by one side and read back by the other as JSON.
//!
//! `flags --check` answers [`CodegenCheck`] on standard output; xtask writes the builds it made to
//! `<target>/flags/run/` [`BUILD_LOG_FILE`] as a JSON list of [`Build`], which `flags --collect`
//! reads and keeps in `flags.json`.

use serde::{Deserialize, Serialize};

/// The file, in the flag lab's `run/` folder, where xtask lists the builds it made.
pub const BUILD_LOG_FILE: &str = "builds.json";

/// What `mandel-lab flags --check` says: the variants to run from every build, and which of them
/// is C (the only one a gcc build changes), so that xtask never names a variant itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodegenCheck {
    /// The variants chosen, in report order.
    pub variants: Vec<String>,
    /// The variant whose kernel is C, built by gcc.
    pub c_variant: String,
}

/// Which compiler a build changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// rustc's flags or cargo's profile: every Rust variant.
    Rust,
    /// gcc's flags for `variants/c/mandel.c`: the C variant only.
    C,
}

/// Whether a build was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BuildStatus {
    /// Built (or found up to date).
    Ok,
    /// The build ran and failed; the reason is its error's first line.
    Failed,
    /// A tool it needs is missing here; the reason says which and how to install it.
    Skipped,
}

/// One build of the matrix, as xtask made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Build {
    /// The build's name in the matrix, e.g. `native`.
    pub name: String,
    /// Which compiler it changes.
    pub lang: Lang,
    /// What differs from the default build, e.g. `RUSTFLAGS=-C target-cpu=native`.
    pub flags: String,
    /// Whether it was made.
    pub status: BuildStatus,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    /// Wall seconds of the build (for PGO: instrumented build, training runs and final build).
    pub build_seconds: Option<f64>,
}
