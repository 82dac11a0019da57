//! The render stage: the HTML report and the table exports, from [`Results`] alone.

use std::path::Path;

use crate::export::{self, csv, html, markdown};
use crate::profile::ProfileSummary;
use crate::results::Results;
use crate::{LabError, fsutil};

/// File names of the render stage's outputs inside the report folder.
pub const RESULTS_FILE: &str = "results.json";
pub const HTML_FILE: &str = "index.html";

/// Writes `index.html`, `results.md` and `results.csv` into `dir`, each atomically. Runs no
/// kernel: everything comes from `results` and, where the profiling stage has run, from the
/// `profile.json` in `flamegraphs`, whose views the page links to.
pub fn render_report(results: &Results, dir: &Path, flamegraphs: &Path) -> Result<(), LabError> {
    let peers = crate::peers::PeerResults::load(dir)?;
    let flags = crate::flags::FlagResults::load(dir)?;
    let groups = export::groups_with_peers(results, peers.as_ref());
    // Profiles of another problem (an earlier or interrupted run of another size) are not
    // linked: the page says which problem they were made for instead.
    let (summary, other_profiles) = match ProfileSummary::load(flamegraphs)? {
        Some(s) if s.spec == results.problem.spec() => (Some(s), None),
        Some(s) => (None, Some(s.spec)),
        None => (None, None),
    };
    let base = relative_link(dir, flamegraphs);
    let sweeps = crate::sweep::load_all(dir)?;
    let (entries, warnings) = crate::history::load(dir)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let extras = html::Extras {
        profiles: summary.as_ref().map(|summary| html::Profiles {
            summary,
            base: &base,
        }),
        other_profiles,
        sweeps: &sweeps,
        peers: peers.as_ref(),
        flags: flags.as_ref(),
        history: Some(html::History {
            entries: &entries,
            warnings: &warnings,
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
    fsutil::atomic_write(&dir.join(HTML_FILE), page.as_bytes())
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
