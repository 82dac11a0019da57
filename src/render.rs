//! The render stage: the HTML report and the table exports, from [`Results`] alone.
//!
//! Besides the results, the page reads what the other stages left: `peers.json`, `flags.json`,
//! `sweeps/*.json` and `history.jsonl` in the report folder, and `profile.json` in the
//! profiling stage's folder. [`check_inputs`] reads and checks them all without drawing anything,
//! so that `report` can refuse a corrupt one before it measures (a refusal after the measurement
//! would leave new results beside the old page) and `report --check` refuses it too. Every figure
//! is range-checked where it is read ([`crate::results::Check`]): the charts draw what passed.

use std::path::Path;

use crate::export::{self, csv, html, markdown};
use crate::flags::FlagResults;
use crate::history::{self, Entry};
use crate::peers::PeerResults;
use crate::profile::ProfileSummary;
use crate::results::{Check, Results, SECONDS, SPREAD};
use crate::sweep::Legacy;
use crate::sweep::Sweep;
use crate::{LabError, fsutil};

/// File names of the render stage's outputs inside the report folder.
pub const RESULTS_FILE: &str = "results.json";
pub const HTML_FILE: &str = "index.html";

/// Reads and checks every input of [`render_report`] but the results: the peers, flags, sweeps
/// and history in the report folder `dir`, and the profiles in `flamegraphs`. A corrupt one is
/// one [`LabError::Corrupt`] naming the file and the field; missing ones are fine (their sections
/// say how to make them), and so are unreadable lines of the history (skipped with a warning).
pub fn check_inputs(dir: &Path, flamegraphs: &Path) -> Result<(), LabError> {
    Inputs::load(dir, flamegraphs, Legacy::ReadOnly).map(drop)
}

/// Writes `index.html`, `results.md` and `results.csv` into `dir`, each atomically, and with them
/// the picture of a measurement not yet rendered ([`Results::picture`]). Runs no kernel:
/// everything comes from `results`, the other stages' files in `dir` and, where the profiling
/// stage has run, the `profile.json` in `flamegraphs`, whose views the page links to. Nothing is
/// written unless every input reads and every chart draws.
pub fn render_report(results: &Results, dir: &Path, flamegraphs: &Path) -> Result<(), LabError> {
    results.validate(&dir.join(RESULTS_FILE))?;
    let inputs = Inputs::load(dir, flamegraphs, Legacy::Convert)?;
    let groups = export::groups_with_peers(results, inputs.peers.as_ref());
    // Profiles of another problem (an earlier or interrupted run of another size) are not
    // linked: the page says which problem they were made for instead.
    let (summary, other_profiles) = match inputs.profiles {
        Some(s) if s.spec == results.problem.spec() => (Some(s), None),
        Some(s) => (None, Some(s.spec)),
        None => (None, None),
    };
    let base = relative_link(dir, flamegraphs);
    for w in &inputs.warnings {
        eprintln!("warning: {w}");
    }
    let extras = html::Extras {
        profiles: summary.as_ref().map(|summary| html::Profiles {
            summary,
            base: &base,
        }),
        other_profiles,
        sweeps: &inputs.sweeps,
        peers: inputs.peers.as_ref(),
        flags: inputs.flags.as_ref(),
        history: Some(html::History {
            entries: &inputs.history,
            warnings: &inputs.warnings,
        }),
    };
    let chart_err = |e: String| LabError::Write {
        path: dir.join(HTML_FILE),
        source: std::io::Error::other(format!("cannot draw a chart: {e}")),
    };
    let page = html::render(results, &groups, extras).map_err(chart_err)?;
    fsutil::atomic_write(
        &dir.join("results.md"),
        markdown::render(&groups).as_bytes(),
    )?;
    fsutil::atomic_write(&dir.join("results.csv"), csv::render(&groups).as_bytes())?;
    if let Some(png) = &results.picture {
        fsutil::atomic_write(&dir.join(crate::report::IMAGE_FILE), png)?;
    }
    fsutil::atomic_write(&dir.join(HTML_FILE), page.as_bytes())
}

/// Everything the page reads besides the results.
struct Inputs {
    peers: Option<PeerResults>,
    flags: Option<FlagResults>,
    profiles: Option<ProfileSummary>,
    sweeps: Vec<Sweep>,
    history: Vec<Entry>,
    /// One per history line skipped.
    warnings: Vec<String>,
}

impl Inputs {
    /// Everything the page reads; `legacy` says whether a sweep under its old name is converted
    /// (the render) or only read (the check before measuring, which writes nothing).
    fn load(dir: &Path, flamegraphs: &Path, legacy: Legacy) -> Result<Inputs, LabError> {
        let peers = PeerResults::load(dir)?;
        let flags = FlagResults::load(dir)?;
        let profiles = ProfileSummary::load(flamegraphs)?;
        let sweeps = crate::sweep::load_all(dir, legacy)?;
        let (mut history, mut warnings) = history::load(dir)?;
        // The history is append-only and each line stands alone: a line of figures no run gives
        // costs only itself, like a line that is not JSON at all.
        let path = dir.join(history::HISTORY_FILE);
        let check = Check::new(&path, "skipped");
        history.retain(|e| match plausible_entry(&check, e) {
            Ok(()) => true,
            Err(LabError::Corrupt { message, .. }) => {
                warnings.push(format!("{}: {message}", path.display()));
                false
            }
            Err(other) => {
                warnings.push(other.to_string());
                false
            }
        });
        Ok(Inputs {
            peers,
            flags,
            profiles,
            sweeps,
            history,
            warnings,
        })
    }
}

/// Refuses a history entry with a median or spread no run gives.
fn plausible_entry(check: &Check<'_>, e: &Entry) -> Result<(), LabError> {
    for p in &e.variants {
        let field =
            |name: &str| format!("the run of {} ({}): {} {name}", e.revision, e.date, p.name);
        check.number(&field("median"), p.median, SECONDS, " s")?;
        check.number(&field("spread"), p.spread, SPREAD, "")?;
    }
    Ok(())
}

/// A relative link from folder `from` to folder `to` (both relative to the same directory, or
/// both absolute), e.g. `reports` to `flamegraphs` gives `../flamegraphs`.
pub fn relative_link(from: &Path, to: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (from, to) = (abs(from), abs(to));
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from.components().count() - common;
    let mut parts: Vec<String> = vec!["..".to_string(); ups];
    parts.extend(
        to.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::relative_link;
    use std::path::Path;

    #[test]
    fn links_between_sibling_folders() {
        assert_eq!(
            relative_link(Path::new("reports"), Path::new("flamegraphs")),
            "../flamegraphs"
        );
        assert_eq!(
            relative_link(Path::new("/a/b/r"), Path::new("/a/f")),
            "../../f"
        );
        assert_eq!(relative_link(Path::new("/a"), Path::new("/a")), ".");
    }
}
