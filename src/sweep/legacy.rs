//! Sweeps written under their old file names, before the one engine: `sweep-chunks.json` (with
//! its CSV and SVG), `sweep-threads.json` and `sweep-sizes.json`, each schema version 1. They are
//! converted once into `sweeps/<axis>.json` (and the old files removed); anything else under an
//! old name is refused with one line.

use std::path::Path;

use serde::Deserialize;

use super::{Point, SCHEMA_VERSION, Sweep};
use crate::bench::{BenchSettings, Timing};
use crate::machine::Machine;
use crate::validate::Status;
use crate::{GridSpec, LabError, Region, fsutil};

/// The old file of each axis, and the files beside it that go with it.
fn old_files(axis: &str) -> Option<(&'static str, &'static [&'static str])> {
    match axis {
        "chunks" => Some((
            "sweep-chunks.json",
            &["sweep-chunks.csv", "sweep-chunks.svg"],
        )),
        "threads" => Some(("sweep-threads.json", &[])),
        "sizes" => Some(("sweep-sizes.json", &[])),
        _ => None,
    }
}

/// Converts the old file of `axis` in `dir`, where there is one: writes `sweeps/<axis>.json`,
/// removes the old files, says so on standard error, and returns the sweep.
pub fn convert(dir: &Path, axis: &str) -> Result<Option<Sweep>, LabError> {
    let Some((name, beside)) = old_files(axis) else {
        return Ok(None);
    };
    let path = dir.join(name);
    let refuse = |message: String| LabError::Corrupt {
        path: path.clone(),
        message: format!(
            "{message}; it cannot be converted to {}/{axis}.json: remove it and run `cargo xtask \
             sweep {axis}` again",
            super::DIR
        ),
    };
    let Some(value) = fsutil::read_json_if_exists::<serde_json::Value>(&path)? else {
        return Ok(None);
    };
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    if version != Some(1) {
        return Err(refuse(format!(
            "schema version {} is not the old version 1",
            version.map_or("missing".into(), |v| v.to_string())
        )));
    }
    let sweep = match axis {
        "chunks" => serde_json::from_value::<OldChunks>(value).map(OldChunks::convert),
        "threads" => serde_json::from_value::<OldThreads>(value).map(OldThreads::convert),
        _ => serde_json::from_value::<OldSizes>(value).map(OldSizes::convert),
    }
    .map_err(|e| refuse(e.to_string()))?;
    sweep.save(dir)?;
    for old in std::iter::once(&name).chain(beside) {
        let _ = std::fs::remove_file(dir.join(old));
    }
    eprintln!(
        "note: converted {} to {} (the sweeps' one schema)",
        path.display(),
        super::json_path(dir, axis).display()
    );
    Ok(Some(sweep))
}

#[derive(Deserialize)]
struct OldChunks {
    variant: String,
    spec: GridSpec,
    pixels: usize,
    machine: Machine,
    settings: BenchSettings,
    points: Vec<OldChunkPoint>,
}

#[derive(Deserialize)]
struct OldChunkPoint {
    chunk: usize,
    validation_sum: u64,
    status: Status,
    timing: Option<Timing>,
}

impl OldChunks {
    fn convert(self) -> Sweep {
        let points = self
            .points
            .into_iter()
            .map(|p| Point {
                variant: self.variant.clone(),
                value: p.chunk,
                pixels: self.pixels,
                inner_iterations: 0,
                validation_sum: p.validation_sum,
                mismatched_pixels: 0,
                status: p.status,
                timing: p.timing,
                kernel_timing: None,
                speedup: None,
                efficiency: None,
            })
            .collect();
        new(
            "chunks",
            self.spec,
            self.machine,
            self.settings,
            None,
            None,
            points,
        )
    }
}

#[derive(Deserialize)]
struct OldThreads {
    spec: GridSpec,
    machine: Machine,
    settings: BenchSettings,
    baseline: String,
    baseline_timing: Timing,
    points: Vec<OldThreadPoint>,
}

#[derive(Deserialize)]
struct OldThreadPoint {
    variant: String,
    threads: usize,
    validation_sum: u64,
    status: Status,
    timing: Option<Timing>,
    speedup: Option<f64>,
    efficiency: Option<f64>,
}

impl OldThreads {
    fn convert(self) -> Sweep {
        let pixels = self.spec.build().map_or(0, |g| g.pixels());
        let points = self
            .points
            .into_iter()
            .map(|p| Point {
                variant: p.variant,
                value: p.threads,
                pixels,
                inner_iterations: 0,
                validation_sum: p.validation_sum,
                mismatched_pixels: 0,
                status: p.status,
                timing: p.timing,
                kernel_timing: None,
                speedup: p.speedup,
                efficiency: p.efficiency,
            })
            .collect();
        let baseline = (Some(self.baseline), Some(self.baseline_timing));
        new(
            "threads",
            self.spec,
            self.machine,
            self.settings,
            baseline.0,
            baseline.1,
            points,
        )
    }
}

#[derive(Deserialize)]
struct OldSizes {
    region: Region,
    maxiter: u32,
    machine: Machine,
    settings: BenchSettings,
    baseline: String,
    points: Vec<OldSizePoint>,
}

#[derive(Deserialize)]
struct OldSizePoint {
    variant: String,
    size: usize,
    pixels: usize,
    validation_sum: u64,
    mismatched_pixels: u64,
    status: Status,
    timing: Option<Timing>,
    kernel_timing: Option<Timing>,
    speedup: Option<f64>,
}

impl OldSizes {
    fn convert(self) -> Sweep {
        let spec = GridSpec {
            region: self.region,
            maxiter: self.maxiter,
            ..GridSpec::TUTORIAL
        };
        let points = self
            .points
            .into_iter()
            .map(|p| Point {
                variant: p.variant,
                value: p.size,
                pixels: p.pixels,
                inner_iterations: 0,
                validation_sum: p.validation_sum,
                mismatched_pixels: p.mismatched_pixels,
                status: p.status,
                timing: p.timing,
                kernel_timing: p.kernel_timing,
                speedup: p.speedup,
                efficiency: None,
            })
            .collect();
        new(
            "sizes",
            spec,
            self.machine,
            self.settings,
            Some(self.baseline),
            None,
            points,
        )
    }
}

fn new(
    axis: &str,
    spec: GridSpec,
    machine: Machine,
    settings: BenchSettings,
    baseline: Option<String>,
    baseline_timing: Option<Timing>,
    points: Vec<Point>,
) -> Sweep {
    Sweep {
        schema_version: SCHEMA_VERSION,
        axis: axis.into(),
        spec,
        machine,
        settings,
        baseline,
        baseline_timing,
        points,
    }
}
