//! The render stage: the HTML report and the table exports, from [`Results`] alone.

use std::path::Path;

use crate::export::{self, csv, html, markdown};
use crate::results::Results;
use crate::{LabError, fsutil};

/// File names of the render stage's outputs inside the report folder.
pub const RESULTS_FILE: &str = "results.json";
pub const HTML_FILE: &str = "index.html";

/// Writes `index.html`, `results.md` and `results.csv` into `dir`, each atomically. Runs no
/// kernel: everything comes from `results`.
pub fn render_report(results: &Results, dir: &Path) -> Result<(), LabError> {
    let groups = export::groups(results);
    let page = html::render(results, &groups).map_err(|e| LabError::Write {
        path: dir.join(HTML_FILE),
        source: std::io::Error::other(format!("cannot draw a chart: {e}")),
    })?;
    fsutil::atomic_write(
        &dir.join("results.md"),
        markdown::render(&groups).as_bytes(),
    )?;
    fsutil::atomic_write(&dir.join("results.csv"), csv::render(&groups).as_bytes())?;
    fsutil::atomic_write(&dir.join(HTML_FILE), page.as_bytes())
}
