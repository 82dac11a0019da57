//! The render stage: the HTML report and the table exports, from [`Results`] alone.
//!
//! [`load`] reads every stage's file, [`page`] puts the page together from [`sections`] (one
//! file per section, in the `SECTIONS` registry), and [`charts`] holds every plotters call.
//!
//! Besides the results, the page reads what the other stages left: `peers.json`, `flags.json`,
//! `sweeps/*.json` and `history.jsonl` in the report folder, and `profile.json` in the
//! profiling stage's folder. One rule for them ([`load`]): a side file that cannot be used costs
//! its own section, and the page says which file and why (and a warning on standard error, once);
//! the results alone are refused, since there is no page without them. So a broken side file
//! blocks neither a render nor a measurement. Every figure is range-checked where it is read
//! ([`crate::record::check::Check`]): the charts draw what passed.

pub mod charts;
pub mod load;
pub mod page;
pub mod sections;

use std::path::Path;

use crate::record::results::{Pictures, Results};
use crate::render::export::{self, csv, markdown};
use crate::render::markup::relative_link;
use crate::sweep::Legacy;
use crate::{LabError, record::write};
use load::Inputs;
use sections::{Extras, HistoryRuns, ProfileLinks};

/// File names of the render stage's outputs inside the report folder.
pub const RESULTS_FILE: &str = "results.json";
pub const HTML_FILE: &str = "index.html";

/// Writes `index.html`, `results.md` and `results.csv` into `dir`, each atomically (the pictures
/// of a measurement not yet rendered go with them through [`render_report_linking`]). Runs no
/// kernel: everything comes from `results`, the other stages' files in `dir` and, where the profiling
/// stage has run, the `profile.json` in `flamegraphs`, whose views the page links to. Nothing is
/// written unless the results are valid and every chart draws; a side file that cannot be used
/// is left out, said on the page and warned of once on standard error. Returns the inputs read.
pub fn render_report(
    results: &Results,
    dir: &Path,
    flamegraphs: &Path,
) -> Result<Inputs, LabError> {
    let base = relative_link(dir, flamegraphs);
    render_report_linking(results, &Pictures::default(), dir, flamegraphs, &base)
}

/// [`render_report`] with the pictures of a measurement not yet rendered, written with the page,
/// and the page's links to the profiles made relative to `base`: where the
/// folders are staging copies (see [`crate::record::output`]), the link is the one between the folders'
/// own names, not between the copies.
pub fn render_report_linking(
    results: &Results,
    pictures: &Pictures,
    dir: &Path,
    flamegraphs: &Path,
    base: &str,
) -> Result<Inputs, LabError> {
    results.validate(&dir.join(RESULTS_FILE))?;
    let inputs = Inputs::load(dir, flamegraphs, Legacy::Convert);
    let groups = export::groups_with_peers(results, inputs.peers.as_ref());
    for w in inputs.warnings() {
        eprintln!("warning: {w}");
    }
    let extras = Extras {
        // A variant profiled on another problem (an earlier run of another size) is linked and
        // marked as such, with the problem it was made for.
        profiles: inputs.profiles.as_ref().map(|summary| ProfileLinks {
            summary,
            base,
            problem: results.problem.spec(),
        }),
        sweeps: &inputs.sweeps,
        peers: inputs.peers.as_ref(),
        flags: inputs.flags.as_ref(),
        history: inputs.history.as_deref().map(|entries| HistoryRuns {
            entries,
            warnings: &inputs.warnings,
        }),
        broken: &inputs.broken,
    };
    let chart_err = |e: String| LabError::Write {
        path: dir.join(HTML_FILE),
        source: std::io::Error::other(format!("cannot draw a chart: {e}")),
    };
    let page = page::render(results, &groups, extras).map_err(chart_err)?;
    write::atomic_write(
        &dir.join("results.md"),
        markdown::render(&groups).as_bytes(),
    )?;
    write::atomic_write(&dir.join("results.csv"), csv::render(&groups).as_bytes())?;
    if let Some(png) = &pictures.counts {
        write::atomic_write(&dir.join(crate::measure::stage::IMAGE_FILE), png)?;
    }
    if let Some(png) = &pictures.work {
        write::atomic_write(&dir.join(crate::measure::stage::WORK_IMAGE_FILE), png)?;
    }
    write::atomic_write(&dir.join(HTML_FILE), page.as_bytes())?;
    Ok(inputs)
}
