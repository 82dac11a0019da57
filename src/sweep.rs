//! The chunk-size sweep (the tutorial's STEP_SIZE figure): `vector-chunked` measured under
//! criterion at each slice size, with the working set per slice set against the machine's caches.

use std::path::Path;

use mandel_variants::{Tuning, Variant};
use serde::{Deserialize, Serialize};

use crate::bench::{BenchSettings, Timing};
use crate::machine::{Machine, human_size};
use crate::measure::{Bench, Measured, validate_and_measure};
use crate::validate::Status;
use crate::{GridSpec, LabError, fsutil, reference, tutorial};

/// Version of `sweep-chunks.json`.
pub const SCHEMA_VERSION: u32 = 1;
pub const JSON_FILE: &str = "sweep-chunks.json";
pub const CSV_FILE: &str = "sweep-chunks.csv";
pub const SVG_FILE: &str = "sweep-chunks.svg";
/// The variant swept.
pub const VARIANT: &str = "vector-chunked";

/// Bytes a slice touches per element: z and q (four f64), the escape mask (one byte) and the
/// output count (four bytes).
pub const BYTES_PER_ELEMENT: u64 = 4 * 8 + 1 + 4;

/// One measured slice size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    pub chunk: usize,
    /// `chunk * BYTES_PER_ELEMENT`.
    pub working_set_bytes: u64,
    pub validation_sum: u64,
    pub status: Status,
    pub timing: Option<Timing>,
}

/// `sweep-chunks.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    pub schema_version: u32,
    pub variant: String,
    pub spec: GridSpec,
    pub pixels: usize,
    pub bytes_per_element: u64,
    pub machine: Machine,
    pub settings: BenchSettings,
    pub points: Vec<SweepPoint>,
}

impl Sweep {
    /// The point with the lowest median.
    pub fn best(&self) -> Option<&SweepPoint> {
        self.points
            .iter()
            .filter(|p| p.timing.is_some())
            .min_by(|a, b| median(a).total_cmp(&median(b)))
    }

    /// "best at 20000 elements = 723 KiB working set, inside L2 (1 MiB)".
    pub fn reading(&self) -> Option<String> {
        let best = self.best()?;
        let ws = best.working_set_bytes;
        let level = self
            .machine
            .caches
            .iter()
            .filter(|c| c.bytes >= ws)
            .min_by_key(|c| c.bytes)
            .map_or("larger than every cache".to_string(), |c| {
                format!("inside {} ({})", c.name, human_size(c.bytes))
            });
        let worst = self
            .points
            .iter()
            .filter(|p| p.timing.is_some())
            .max_by(|a, b| median(a).total_cmp(&median(b)))?;
        Some(format!(
            "best at {} elements = {} working set, {level}; {:.2}x faster than the slowest size \
             ({} elements)",
            best.chunk,
            human_size(ws),
            median(worst) / median(best),
            worst.chunk
        ))
    }

    /// Saves the JSON and the CSV atomically into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), LabError> {
        fsutil::write_json(&dir.join(JSON_FILE), self)?;
        fsutil::atomic_write(&dir.join(CSV_FILE), self.csv().as_bytes())
    }

    /// Reads the sweep from `dir`, if one was run.
    pub fn load(dir: &Path) -> Result<Option<Sweep>, LabError> {
        fsutil::read_json_if_exists(&dir.join(JSON_FILE))
    }

    /// One line per size: chunk, working set, median, spread, min, max, samples, status.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "chunk,working_set_bytes,median_s,median_abs_dev_s,min_s,max_s,samples,validation_sum,status\n",
        );
        for p in &self.points {
            let t = p.timing.as_ref();
            let f = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:e}"));
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{}\n",
                p.chunk,
                p.working_set_bytes,
                f(t.map(|t| t.median)),
                f(t.map(|t| t.median_abs_dev)),
                f(t.map(|t| t.min)),
                f(t.map(|t| t.max)),
                t.map_or(String::new(), |t| t.samples.to_string()),
                p.validation_sum,
                p.status.label()
            ));
        }
        out
    }
}

fn median(p: &SweepPoint) -> f64 {
    p.timing.as_ref().map_or(f64::INFINITY, |t| t.median)
}

/// The default sizes: the tutorial's (100 to 90,000 and the whole grid) plus four log-spaced
/// sizes per decade between them, all capped at the grid's pixel count.
pub fn default_sizes(pixels: usize) -> Vec<usize> {
    let mut sizes: Vec<usize> = tutorial::STEP_SIZE_SWEEP
        .iter()
        .map(|(n, _)| *n)
        .filter(|&n| n < pixels)
        .collect();
    let mut v = 100.0_f64;
    while (v as usize) < pixels {
        sizes.push(round_2sf(v));
        v *= 10f64.powf(0.25);
    }
    sizes.push(pixels);
    sizes.retain(|&n| n >= 1 && n <= pixels);
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

fn round_2sf(v: f64) -> usize {
    let mag = 10f64.powf(v.log10().floor() - 1.0);
    ((v / mag).round() * mag) as usize
}

/// Parses a sweep's comma-separated list of whole numbers of at least 1 (`flag` names the option,
/// `what` one element, `example` a valid list), sorted with duplicates removed.
pub fn parse_list(
    flag: &str,
    what: &str,
    text: &str,
    example: &str,
) -> Result<Vec<usize>, LabError> {
    let mut values = Vec::new();
    for part in text.split(',').map(str::trim) {
        match part.parse::<usize>() {
            Ok(n) if n >= 1 => values.push(n),
            _ => {
                return Err(LabError::bad_input(format!(
                    "{flag} '{text}': '{part}' is not {what} of at least 1 (e.g. {flag} {example})"
                )));
            }
        }
    }
    values.sort_unstable();
    values.dedup();
    Ok(values)
}

/// Parses `--sizes 100,1000,...`: chunk sizes of at least 1, each at most `pixels`.
pub fn parse_sizes(text: &str, pixels: usize) -> Result<Vec<usize>, LabError> {
    let sizes = parse_list("--sizes", "a chunk size", text, "100,1000,20000")?;
    if let Some(&n) = sizes.iter().find(|&&n| n > pixels) {
        return Err(LabError::bad_input(format!(
            "--sizes: {n} is larger than the grid's {pixels} pixels"
        )));
    }
    Ok(sizes)
}

/// Validates and measures `variant` at every size, calling `progress` before each.
pub fn run(
    variant: &Variant,
    spec: &GridSpec,
    sizes: &[usize],
    settings: &BenchSettings,
    criterion_dir: &Path,
    mut progress: impl FnMut(usize),
) -> Result<Sweep, LabError> {
    let grid = spec.build()?;
    let reference = reference::compute(&grid.problem());
    let group = format!(
        "sweep-chunks-{}x{}x{}",
        spec.width, spec.height, spec.maxiter
    );
    let mut points = Vec::with_capacity(sizes.len());
    for &chunk in sizes {
        progress(chunk);
        let tuning = Tuning {
            chunk: Some(chunk),
            ..Tuning::default()
        };
        let id = format!("chunk-{chunk}");
        let bench = Bench {
            settings,
            group: &group,
            id: &id,
            dir: criterion_dir,
        };
        let Measured { check, timing, .. } =
            validate_and_measure(variant, &grid, &reference, &tuning, Some(bench))?;
        points.push(SweepPoint {
            chunk,
            working_set_bytes: chunk as u64 * BYTES_PER_ELEMENT,
            validation_sum: check.validation_sum,
            status: check.status,
            timing,
        });
    }
    Ok(Sweep {
        schema_version: SCHEMA_VERSION,
        variant: variant.name.into(),
        spec: *spec,
        pixels: grid.pixels(),
        bytes_per_element: BYTES_PER_ELEMENT,
        machine: Machine::detect(),
        settings: settings.clone(),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_sizes_hold_the_tutorials_and_the_whole_grid() {
        let sizes = default_sizes(250_000);
        for n in [100, 1000, 5000, 10000, 20000, 45000, 50000, 90000, 250_000] {
            assert!(sizes.contains(&n), "{n} in {sizes:?}");
        }
        assert!(sizes.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(default_sizes(500).last(), Some(&500));
    }

    #[test]
    fn sizes_are_parsed_strictly() {
        assert_eq!(parse_sizes("1000, 100,1000", 5000).unwrap(), [100, 1000]);
        for bad in ["", "a", "100,,200", "0", "-5", "6000"] {
            assert!(parse_sizes(bad, 5000).unwrap_err().is_bad_input(), "{bad}");
        }
    }
}
