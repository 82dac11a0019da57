//! The measurement history: `reports/history.jsonl`, one line per `cargo xtask report` (revision,
//! date, machine, toolchain, each variant's median and spread, instructions where the profiling
//! stage counted them), and the change points the report marks on it.
//!
//! Append-only JSON lines, so that a line is never rewritten and a corrupt line (a crash mid-write
//! on another system, a hand edit) costs only itself: readers skip it with a warning. Each line
//! is written with one `write` on a file opened with `O_APPEND`, so lines never interleave.
//!
//! A series is one variant on one SIMD path ([`Point::path`]): a report measures `simd-lanes` at
//! every path this CPU has, and the paths' times differ by the lanes they use, not by any change.
//! Lines written before the path was recorded read as points without one; where such a line holds
//! a variant more than once (the narrower paths, unnamed), its first point is the variant's.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::LabError;
use crate::profile::ProfileSummary;
use crate::record::results::Results;

/// File name inside the report folder.
pub const HISTORY_FILE: &str = "history.jsonl";
/// A step in median time smaller than this (or than either run's spread) is not a change point.
pub const TIME_STEP: f64 = 0.05;
/// A step in instructions beyond this is a change point (counts are deterministic).
pub const INSTRUCTION_STEP: f64 = 0.02;

/// One report run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub revision: String,
    pub date: String,
    /// CPU, cores and caches, as one line: a change between two points is noted on the chart.
    pub machine: String,
    pub rustc: String,
    pub target: String,
    /// `W x H, maxiter M`: points of different problems are not compared.
    pub problem: String,
    pub variants: Vec<Point>,
}

/// One variant on one SIMD path in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub name: String,
    /// The SIMD path that ran, for a variant that dispatches to one (`avx2`); absent for the
    /// others, and in lines written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<mandel_variants::simd::Isa>,
    /// Criterion's median, seconds.
    pub median: f64,
    /// Median absolute deviation over the median.
    pub spread: f64,
    /// Instructions the profiling stage counted (its own smaller problem), where it ran.
    pub instructions: Option<u64>,
}

impl Entry {
    /// The line for `results`, with instructions from the profiling stage's summary.
    pub fn new(results: &Results, profiles: Option<&ProfileSummary>) -> Entry {
        let m = &results.machine;
        let p = &results.problem;
        Entry {
            revision: m.git_revision.clone(),
            date: results.generated_at.clone(),
            machine: m.summary(),
            rustc: m.rustc.clone(),
            target: m.target.clone(),
            problem: format!("{} x {}, maxiter {}", p.width, p.height, p.maxiter),
            variants: results
                .variants
                .iter()
                .filter_map(|v| {
                    let t = v.timing.as_ref()?;
                    // The profile counts the variant's own choice of path, never a forced one,
                    // and only a profile made for this problem is this run's.
                    let instructions = profiles.filter(|_| v.tuning.isa.is_none()).and_then(|s| {
                        let own = s.variant(&v.info.name)?;
                        let ours = own.problem(s) == results.problem.spec();
                        Some(own.line_profile.as_ref().filter(|_| ours)?.kernel_cost)
                    });
                    Some(Point {
                        name: v.info.name.clone(),
                        path: v.isa,
                        median: t.median,
                        spread: t.median_abs_dev / t.median.max(f64::MIN_POSITIVE),
                        instructions,
                    })
                })
                .collect(),
        }
    }
}

/// Appends `entry` as one line to `dir/history.jsonl`, creating it.
pub fn append(dir: &Path, entry: &Entry) -> Result<(), LabError> {
    let path = dir.join(HISTORY_FILE);
    let mut line = serde_json::to_vec(entry).expect("the lab's types serialise to JSON");
    line.push(b'\n');
    crate::record::write::append(&path, &line)
}

/// The history in `dir`, oldest first, and one warning per line that could not be read. No file
/// is an empty history.
pub fn load(dir: &Path) -> Result<(Vec<Entry>, Vec<String>), LabError> {
    let path = dir.join(HISTORY_FILE);
    let Some(bytes) = crate::record::read::read(&path)? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(e) => entries.push(e),
            Err(e) => warnings.push(format!(
                "{} line {}: skipped, not a history entry ({e})",
                path.display(),
                i + 1
            )),
        }
    }
    Ok((entries, warnings))
}

impl Point {
    /// The series the point belongs to: its variant and its path.
    pub fn key(&self) -> (&str, Option<mandel_variants::simd::Isa>) {
        (&self.name, self.path)
    }

    /// The series' name on the page: `simd-lanes (avx2)`, or the variant's name alone.
    pub fn label(&self) -> String {
        match &self.path {
            Some(path) => format!("{} ({path})", self.name),
            None => self.name.clone(),
        }
    }
}

/// The series of the latest entry, one per variant and path, in its order (a key an old line
/// repeats counted once).
pub fn latest_series(entries: &[Entry]) -> Vec<&Point> {
    let mut points: Vec<&Point> = Vec::new();
    for p in entries.last().map_or(&[][..], |e| &e.variants) {
        if !points.iter().any(|q| q.key() == p.key()) {
            points.push(p);
        }
    }
    points
}

/// The series of `point`'s variant and path: `(index of the entry, point)` for the entries that
/// measured it on the latest entry's problem.
pub fn series<'a>(entries: &'a [Entry], point: &Point) -> Vec<(usize, &'a Point)> {
    let problem = entries.last().map(|e| e.problem.as_str());
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| Some(e.problem.as_str()) == problem)
        .filter_map(|(i, e)| Some((i, e.variants.iter().find(|p| p.key() == point.key())?)))
        .collect()
}

/// Where a series changes: the indices (into `series`) of points whose median differs from the
/// previous point's by more than [`TIME_STEP`] and more than either point's spread, or whose
/// instruction count differs by more than [`INSTRUCTION_STEP`]. The rule is deliberately simple:
/// a step beyond noise and threshold, between neighbours.
pub fn change_points(series: &[(usize, &Point)]) -> Vec<usize> {
    series
        .windows(2)
        .enumerate()
        .filter(|(_, w)| {
            let (a, b) = (w[0].1, w[1].1);
            let step = (b.median / a.median - 1.0).abs();
            let time = step > TIME_STEP.max(a.spread).max(b.spread);
            let instructions = match (a.instructions, b.instructions) {
                (Some(x), Some(y)) if x > 0 => (y as f64 / x as f64 - 1.0).abs() > INSTRUCTION_STEP,
                _ => false,
            };
            time || instructions
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The indices of entries whose machine differs from the previous entry's.
pub fn machine_changes(entries: &[Entry]) -> Vec<usize> {
    (1..entries.len())
        .filter(|&i| entries[i].machine != entries[i - 1].machine)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mandel_variants::simd::Isa;
    use std::io::Write;

    fn entry(rev: &str, machine: &str, median: f64, instructions: u64) -> Entry {
        Entry {
            revision: rev.into(),
            date: "2026-11-25T00:00:00Z".into(),
            machine: machine.into(),
            rustc: "rustc".into(),
            target: "x86_64".into(),
            problem: "500 x 500, maxiter 1000".into(),
            variants: vec![Point {
                name: "expanded".into(),
                path: None,
                median,
                spread: 0.01,
                instructions: Some(instructions),
            }],
        }
    }

    #[test]
    fn corrupt_lines_are_skipped_with_a_warning_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        append(dir.path(), &entry("a", "m1", 0.100, 1000)).unwrap();
        let path = dir.path().join(HISTORY_FILE);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"{\"revision\": 12, truncated\n").unwrap();
        append(dir.path(), &entry("b", "m1", 0.101, 1000)).unwrap();
        let (entries, warnings) = load(dir.path()).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("line 2"), "{warnings:?}");
        assert_eq!(load(&dir.path().join("none")).unwrap().0, Vec::new());
    }

    /// A run of `simd-lanes` at three paths, each at its own median.
    fn paths(rev: &str, medians: [f64; 3]) -> Entry {
        let mut e = entry(rev, "m1", 0.1, 1000);
        e.variants = [Isa::Avx2, Isa::Sse2, Isa::Portable]
            .iter()
            .zip(medians)
            .map(|(path, median)| Point {
                name: "simd-lanes".into(),
                path: Some(*path),
                median,
                spread: 0.01,
                instructions: None,
            })
            .collect();
        e
    }

    #[test]
    fn each_simd_path_is_a_series_of_its_own_and_old_lines_without_one_still_read() {
        let entries = vec![
            paths("a", [0.010, 0.030, 0.080]),
            paths("b", [0.011, 0.030, 0.080]),
        ];
        let latest = latest_series(&entries);
        assert_eq!(latest.len(), 3);
        assert_eq!(latest[1].label(), "simd-lanes (sse2)");
        for p in latest {
            let s = series(&entries, p);
            assert_eq!(s.len(), 2, "{}", p.label());
            assert!(s.iter().all(|(_, q)| q.path == p.path), "{}", p.label());
        }
        // Lines written before the path was recorded: the variant's first point is its series,
        // the repeats (its narrower paths, unnamed) are not counted again.
        let old = r#"{"revision":"o","date":"d","machine":"m1","rustc":"r","target":"t","problem":"500 x 500, maxiter 1000","variants":[{"name":"simd-lanes","median":0.01,"spread":0.0,"instructions":null},{"name":"simd-lanes","median":0.03,"spread":0.0,"instructions":null}]}"#;
        let dir = tempfile::tempdir().unwrap();
        crate::record::write::append(
            &dir.path().join(HISTORY_FILE),
            format!("{old}\n").as_bytes(),
        )
        .unwrap();
        let (read, warnings) = load(dir.path()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let latest = latest_series(&read);
        assert_eq!(latest.len(), 1);
        assert_eq!((latest[0].path, latest[0].median), (None, 0.01));
        let line = serde_json::to_string(&paths("c", [0.01; 3])).unwrap();
        assert!(line.contains("\"path\":\"sse2\""), "{line}");
    }

    #[test]
    fn steps_beyond_noise_are_change_points_and_machines_are_noted() {
        let entries = vec![
            entry("a", "m1", 0.100, 1000),
            entry("b", "m1", 0.102, 1000),
            entry("c", "m1", 0.120, 1000),
            entry("d", "m2", 0.121, 1050),
        ];
        let s = series(&entries, &entries[0].variants[0]);
        assert_eq!(change_points(&s), [2, 3]);
        assert_eq!(machine_changes(&entries), [3]);
    }
}
