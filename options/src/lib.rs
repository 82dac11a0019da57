//! The command-line options that `mandel-lab` and `cargo xtask` share, defined once.
//!
//! The lab parses its commands with these clap structs, and xtask flattens the same structs into
//! its own commands, so the two can no longer drift: an option the lab gains is an option xtask
//! accepts, documents in its `--help` and passes on. The way back is [`ToArgv`]: every struct
//! turns into the lab's command line again, and a property test proves that parsing that line
//! gives the struct back.
//!
//! The problem's defaults (the tutorial's 500 × 500 grid, 1000 iterations, its region) live here
//! too; the lab's `GridSpec::TUTORIAL` is made of them.

mod argv;
mod cli;
pub mod codegen;
mod commands;
mod problem;
mod region;
mod variants;

pub use argv::{Argv, ToArgv, defaults, parse_args};
pub use cli::{accept_negative_numbers, one_line};
pub use commands::{
    AbArgs, HistoryArgs, PeersArgs, ProfileArgs, RegressArgs, ReportArgs, RunArgs, RunOptions,
    SweepArgs, SweepChunksArgs, SweepCommonArgs, SweepSizesArgs, SweepThreadsArgs, TableFormat,
    VerdictArgs,
};
pub use problem::{Format, ProblemArgs, TuningArgs};
pub use region::{Region, RegionError};
pub use variants::variant_list;

/// The checkout this crate was compiled in, as `.cargo/config.toml` names it to every cargo
/// command run there (`None` for a build outside cargo or from an older checkout). Reading it is
/// what keys this crate's build to its checkout: cargo records the value and rebuilds the crate
/// where another checkout sharing the target folder built it last (see that file). The lab and
/// xtask depend on this crate, so they are rebuilt with it.
pub const CHECKOUT: Option<&str> = option_env!("MANDEL_LAB_CHECKOUT");

/// The tutorial's pixel width.
pub const TUTORIAL_WIDTH: usize = 500;

/// The tutorial's pixel height.
pub const TUTORIAL_HEIGHT: usize = 500;

/// The tutorial's iteration limit.
pub const TUTORIAL_MAXITER: u32 = 1000;

/// The tutorial's region, `x1, x2, y1, y2 = -2.13, 0.77, -1.3, 1.3`.
pub const TUTORIAL_REGION: [f64; 4] = [-2.13, 0.77, -1.3, 1.3];

/// [`TUTORIAL_REGION`] as `--region` takes it (and as the lab's `Region` prints it).
pub const TUTORIAL_REGION_TEXT: &str = "-2.13,0.77,-1.3,1.3";

/// The Python modules the peers import, besides the standard library (as `import` names; pip
/// takes the same names): what `cargo xtask peers --install` installs and what the lab looks for.
pub const PYTHON_MODULES: &[&str] = &["numpy", "numexpr", "Cython", "numba", "ppft", "setuptools"];

/// The committed baseline of the instruction-count gate, `regress --baseline`'s default.
pub const BASELINE_FILE: &str = "ci/perf-baseline.json";

/// The variants `ab` compares by default.
pub const AB_DEFAULT_VARIANTS: &str = "expanded,rayon-rows,simd-lanes"; // variant-name: allowed (ab's default list, shown in its --help)

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_text_is_the_region() {
        let parsed: Vec<f64> = TUTORIAL_REGION_TEXT
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(parsed, TUTORIAL_REGION);
    }
}
