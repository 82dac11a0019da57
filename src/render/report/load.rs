//! Loading every file the page reads besides the results: `peers.json`, `flags.json`,
//! `sweeps/*.json` and `history.jsonl` in the report folder, and `profile.json` in the profiling
//! stage's folder. Each loader reads through [`crate::record::read`] (never a hang, whatever stands at
//! the path) and range-checks what it reads ([`crate::record::check::Check`]).
//!
//! One rule for all of them: a side file that cannot be used (not a file, too large, empty, not
//! JSON, JSON of another shape, figures no run gives) costs only its own section. [`Inputs`]
//! keeps it in [`Inputs::broken`], with the file and why, and the page says so where the
//! section would have been; only the results themselves, without which there is no page, are
//! refused. The history's unreadable or implausible lines cost only themselves, with a warning.

use std::path::{Path, PathBuf};

use crate::LabError;
use crate::codegen::{self, CodegenResults};
use crate::peers::{self, PeerResults};
use crate::profile::{self, ProfileSummary};
use crate::record::check::{Check, SECONDS, SPREAD};
use crate::record::history::{self, Entry};
use crate::sweep::{self, AXES, Legacy, Sweep};

/// Everything the page reads besides the results.
#[derive(Debug)]
pub struct Inputs {
    pub peers: Option<PeerResults>,
    pub flags: Option<CodegenResults>,
    pub profiles: Option<ProfileSummary>,
    pub sweeps: Vec<Sweep>,
    /// `None` where `history.jsonl` itself could not be used (it is then in `broken`).
    pub history: Option<Vec<Entry>>,
    /// One per history line skipped.
    pub warnings: Vec<String>,
    /// The side files that could not be used, in the order above.
    pub broken: Vec<Broken>,
}

/// A side file the page could not use: its section is left out, and the page says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The file as the page reads it.
    pub path: PathBuf,
    /// What the page leaves out without it (`the "Python today" section`).
    pub left_out: String,
    /// Why, in one line that names the file.
    pub why: String,
}

impl Inputs {
    /// Everything the page reads; `legacy` says whether a sweep under its old name is converted
    /// (the render) or only read (`report --check`, which writes nothing). Never fails: what
    /// cannot be used is in [`Inputs::broken`].
    pub fn load(dir: &Path, flamegraphs: &Path, legacy: Legacy) -> Inputs {
        let mut broken = Vec::new();
        let mut keep = |path: PathBuf, left_out: &str, e: LabError| {
            broken.push(Broken {
                path,
                left_out: left_out.to_string(),
                why: one_line(e),
            })
        };
        let peers = PeerResults::load(dir).unwrap_or_else(|e| {
            keep(
                dir.join(peers::JSON_FILE),
                "the \"Python today\" figures",
                e,
            );
            None
        });
        let flags = CodegenResults::load(dir).unwrap_or_else(|e| {
            keep(
                dir.join(codegen::JSON_FILE),
                "the \"Compiler flags\" section",
                e,
            );
            None
        });
        let profiles = ProfileSummary::load(flamegraphs).unwrap_or_else(|e| {
            let path = flamegraphs.join(profile::SUMMARY_FILE);
            keep(path, "the profiles and their links", e);
            None
        });
        let mut sweeps = Vec::new();
        let folder = dir.join(sweep::DIR);
        match std::fs::metadata(&folder) {
            Ok(meta) if !meta.is_dir() => keep(
                folder.clone(),
                "every sweep's figure",
                LabError::Corrupt {
                    path: folder,
                    message: "it is not a folder".into(),
                },
            ),
            _ => {
                for axis in AXES {
                    match sweep::load_as(dir, *axis, legacy) {
                        Ok(s) => sweeps.extend(s),
                        Err(e) => keep(
                            sweep::json_path(dir, axis.name()),
                            &format!("the {} sweep's figure", axis.name()),
                            e,
                        ),
                    }
                }
            }
        }
        let (history, warnings) = match load_history(dir) {
            Ok((history, warnings)) => (Some(history), warnings),
            Err(e) => {
                keep(dir.join(history::HISTORY_FILE), "the History section", e);
                (None, Vec::new())
            }
        };
        Inputs {
            peers,
            flags,
            profiles,
            sweeps,
            history,
            warnings,
            broken,
        }
    }

    /// Every warning the inputs give, each once: the files left out, then the history lines.
    pub fn warnings(&self) -> impl Iterator<Item = String> + '_ {
        self.broken
            .iter()
            .map(|b| format!("{}; the page leaves out {}", b.why, b.left_out))
            .chain(self.warnings.iter().cloned())
    }
}

/// The error and its causes in one line, as the binaries print them.
fn one_line(e: LabError) -> String {
    format!("{:#}", anyhow::Error::from(e)).replace('\n', " ")
}

/// The history's entries, the unreadable and implausible lines skipped with a warning each.
fn load_history(dir: &Path) -> Result<(Vec<Entry>, Vec<String>), LabError> {
    let (mut history, mut warnings) = history::load(dir)?;
    // The history is append-only and each line stands alone: a line of figures no run gives
    // costs only itself, like a line that is not JSON at all.
    let path = dir.join(history::HISTORY_FILE);
    let check = Check::new(&path, "skipped");
    history.retain(|e| match plausible_entry(&check, e) {
        Ok(()) => true,
        Err(LabError::Corrupt { message, .. }) => {
            warnings.push(format!("{}: {message}", crate::error::shown(&path)));
            false
        }
        Err(other) => {
            warnings.push(other.to_string());
            false
        }
    });
    Ok((history, warnings))
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
