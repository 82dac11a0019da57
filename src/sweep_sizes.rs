//! The grid-size sweep (the tutorial's GPU lesson): chosen variants under criterion on square
//! grids of growing size, each against a CPU baseline measured at the same size in the same run.
//! A GPU pays a fixed price per run (launches, transfers) that a large grid amortises, so its
//! speed-up over the CPU grows with the grid; this sweep measures by how much.

use std::path::Path;

use mandel_variants::{Availability, Family, Tuning, VARIANTS, Variant};
use serde::{Deserialize, Serialize};

use crate::bench::{BenchSettings, Timing};
use crate::machine::Machine;
use crate::measure::{Bench, Measured, validate_and_measure};
use crate::validate::Status;
use crate::{GridSpec, LabError, Region, fsutil, reference};

/// Version of `sweep-sizes.json`.
pub const SCHEMA_VERSION: u32 = 1;
pub const JSON_FILE: &str = "sweep-sizes.json";
/// The CPU variant every point is compared with: the fastest on every core.
pub const BASELINE: &str = "rayon-rows";
/// The tutorial's 500, then the larger grids the GPU issue asks about.
pub const DEFAULT_SIZES: [usize; 3] = [500, 1000, 2048];

/// One variant on one grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizePoint {
    pub variant: String,
    /// The size asked for, W = H.
    pub size: usize,
    /// Pixels of the grid as built (it can come out a row and a column larger).
    pub pixels: usize,
    pub validation_sum: u64,
    pub mismatched_pixels: u64,
    pub status: Status,
    /// The whole run (for a GPU variant: conversions, transfers and kernels).
    pub timing: Option<Timing>,
    /// A GPU variant's kernels alone (device events).
    pub kernel_timing: Option<Timing>,
    /// The baseline's median at this size over this variant's.
    pub speedup: Option<f64>,
}

/// `sweep-sizes.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeSweep {
    pub schema_version: u32,
    pub region: Region,
    pub maxiter: u32,
    pub machine: Machine,
    pub settings: BenchSettings,
    pub baseline: String,
    /// The baseline first at each size, then the variants, size by size.
    pub points: Vec<SizePoint>,
}

impl SizeSweep {
    /// Saves the JSON atomically into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), LabError> {
        fsutil::write_json(&dir.join(JSON_FILE), self)
    }

    /// Reads the sweep from `dir`, if one was run.
    pub fn load(dir: &Path) -> Result<Option<SizeSweep>, LabError> {
        fsutil::read_json_if_exists(&dir.join(JSON_FILE))
    }

    /// The variants swept, baseline first, in the order measured.
    pub fn variants(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for p in &self.points {
            if !names.contains(&p.variant.as_str()) {
                names.push(&p.variant);
            }
        }
        names
    }
}

/// Every available GPU variant: what the sweep measures by default.
pub fn gpu_variants() -> Vec<&'static Variant> {
    VARIANTS
        .iter()
        .copied()
        .filter(|v| v.family == Family::Gpu && v.availability() == Availability::Available)
        .collect()
}

/// Parses `--sizes 500,1000,2048`: square grid sides of at least 1.
pub fn parse_sizes(text: &str) -> Result<Vec<usize>, LabError> {
    crate::sweep::parse_list("--sizes", "a grid side", text, "500,1000,2048")
}

/// The square grids of `sizes`, each checked (by building it once), so that a size too large for
/// memory is refused before any measuring.
pub fn specs(region: Region, maxiter: u32, sizes: &[usize]) -> Result<Vec<GridSpec>, LabError> {
    let specs: Vec<GridSpec> = sizes
        .iter()
        .map(|&n| GridSpec {
            region,
            width: n,
            height: n,
            maxiter,
        })
        .collect();
    for spec in &specs {
        spec.build()?;
    }
    Ok(specs)
}

/// Measures the baseline and every variant at every size; `progress` gets each step.
pub fn run(
    region: Region,
    maxiter: u32,
    sizes: &[usize],
    variants: &[&Variant],
    settings: &BenchSettings,
    criterion_dir: &Path,
    mut progress: impl FnMut(&str, usize),
) -> Result<SizeSweep, LabError> {
    let baseline = crate::report::find_variant(BASELINE)?;
    let specs = specs(region, maxiter, sizes)?;
    let mut points = Vec::new();
    for spec in &specs {
        let grid = spec.build()?;
        let reference = reference::compute(&grid.problem());
        let group = format!("sweep-sizes-{}", spec.width);
        let mut base_median = None;
        for variant in std::iter::once(&baseline).chain(variants.iter()) {
            progress(variant.name, spec.width);
            let bench = Bench {
                settings,
                group: &group,
                id: variant.name,
                dir: criterion_dir,
            };
            let Measured {
                check,
                timing,
                kernel_timing,
                ..
            } = validate_and_measure(variant, &grid, &reference, &Tuning::default(), Some(bench))?;
            if variant.name == BASELINE {
                base_median = timing.as_ref().map(|t| t.median);
            }
            points.push(SizePoint {
                variant: variant.name.into(),
                size: spec.width,
                pixels: grid.pixels(),
                validation_sum: check.validation_sum,
                mismatched_pixels: check.mismatched_pixels,
                status: check.status,
                speedup: base_median.zip(timing.as_ref()).map(|(b, t)| b / t.median),
                timing,
                kernel_timing,
            });
        }
    }
    Ok(SizeSweep {
        schema_version: SCHEMA_VERSION,
        region,
        maxiter,
        machine: Machine::detect(),
        settings: settings.clone(),
        baseline: BASELINE.into(),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_parsed_sorted_and_checked() {
        assert_eq!(parse_sizes("2048, 500,500").unwrap(), [500, 2048]);
        for bad in ["", "0", "x", "1,,2", "-5"] {
            assert!(parse_sizes(bad).unwrap_err().is_bad_input(), "{bad}");
        }
    }
}
