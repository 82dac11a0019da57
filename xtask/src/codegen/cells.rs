//! Running the cells: one `mandel-lab flags-cell` process per build and variant, each writing its
//! cell (JSON) and its criterion chatter to a log, with one progress line per cell.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::builds::Build;
use crate::{interrupt, lab};

/// Where the cells run: the binaries, the cells and logs, criterion's folder.
pub struct Bench<'a> {
    /// `target/flags/bin/`, one binary per build.
    pub bin: &'a Path,
    /// `target/flags/run/`, the logs.
    pub run_dir: &'a Path,
    /// `target/flags/run/cells/`, the cells.
    pub cells: &'a Path,
    /// criterion's folder.
    pub criterion: PathBuf,
    /// Criterion's quick settings.
    pub quick: bool,
}

/// Runs every job (a build and a variant), in order; a cell that fails is said and the others go
/// on (the lab's `--collect` leaves it out).
pub fn run_all(bench: &Bench<'_>, jobs: &[(&Build, &String)]) -> Result<()> {
    for (k, (b, v)) in jobs.iter().enumerate() {
        let t = Instant::now();
        let cell_path = bench.cells.join(format!("{}.{v}.json", b.name));
        let mut args = vec![
            "flags-cell".to_string(),
            "--variant".into(),
            v.to_string(),
            "--build".into(),
            b.name.into(),
            "--out".into(),
            cell_path.display().to_string(),
            "--criterion-dir".into(),
            bench.criterion.display().to_string(),
        ];
        if bench.quick {
            args.push("--quick".into());
        }
        // Criterion's chatter goes to the cell's log; the progress line says what it found.
        let log_path = bench.run_dir.join(format!("{}.{v}.log", b.name));
        let log_file = fs::File::create(&log_path)
            .with_context(|| format!("cannot create {}", log_path.display()))?;
        let status = interrupt::status(
            Command::new(bench.bin.join(b.name))
                .current_dir(lab::work_dir())
                .args(&args)
                .stdout(log_file.try_clone().context("cannot share the log")?)
                .stderr(log_file),
        )?;
        let outcome = if status.success() {
            cell_summary(&fs::read_to_string(&cell_path).unwrap_or_default())
        } else {
            let log = fs::read_to_string(&log_path).unwrap_or_default();
            let error = log
                .lines()
                .rev()
                .find(|l| l.starts_with("error"))
                .unwrap_or("");
            format!("failed ({status}) {error}; see {}", log_path.display())
        };
        eprintln!(
            "xtask flags: [run {}/{}] {} × {v}: {outcome} ({:.0} s)",
            k + 1,
            jobs.len(),
            b.name,
            t.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// What the progress line reads of a cell (the lab's `codegen::Cell`, JSON): its median time and
/// how many pixels differ from the reference. Everything else in it is the lab's.
#[derive(Debug, Default, Deserialize)]
struct CellGist {
    #[serde(default)]
    validation: Option<Mismatch>,
    #[serde(default)]
    timing: Option<Median>,
}

#[derive(Debug, Deserialize)]
struct Mismatch {
    mismatched_pixels: u64,
}

#[derive(Debug, Deserialize)]
struct Median {
    median: f64,
}

/// `median 140.2 ms, exact` or `..., 32 pixels differ`, read from a cell's JSON.
pub fn cell_summary(cell: &str) -> String {
    let gist: CellGist = serde_json::from_str(cell).unwrap_or_default();
    let median = gist.timing.map_or("not timed".into(), |t| {
        format!("median {:.1} ms", t.median * 1e3)
    });
    match gist.validation.map(|v| v.mismatched_pixels) {
        Some(0) => format!("{median}, exact"),
        Some(n) => format!("{median}, {n} pixels differ"),
        None => median,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_summed_up_from_its_json() {
        let cell = r#"{"build": "native", "validation": {"status": "DIFF", "mismatched_pixels": 32},
                      "timing": {"median": 0.1402, "mad": 0.001}}"#;
        assert_eq!(cell_summary(cell), "median 140.2 ms, 32 pixels differ");
        let exact = r#"{"validation": {"mismatched_pixels": 0}, "timing": null}"#;
        assert_eq!(cell_summary(exact), "not timed, exact");
        assert_eq!(cell_summary(""), "not timed");
        assert_eq!(cell_summary("{ torn"), "not timed");
    }
}
