//! Loading every file the page reads besides the results: `peers.json`, `flags.json`,
//! `sweeps/*.json` and `history.jsonl` in the report folder, and `profile.json` in the profiling
//! stage's folder. Each loader range-checks what it reads ([`crate::results::Check`]); the
//! history's implausible lines are skipped with a warning, like its unreadable ones.

use std::path::Path;

use crate::LabError;
use crate::flags::FlagResults;
use crate::history::{self, Entry};
use crate::peers::PeerResults;
use crate::profile::ProfileSummary;
use crate::results::{Check, SECONDS, SPREAD};
use crate::sweep::{self, Legacy, Sweep};

/// Everything the page reads besides the results.
#[derive(Debug)]
pub struct Inputs {
    pub peers: Option<PeerResults>,
    pub flags: Option<FlagResults>,
    pub profiles: Option<ProfileSummary>,
    pub sweeps: Vec<Sweep>,
    pub history: Vec<Entry>,
    /// One per history line skipped.
    pub warnings: Vec<String>,
}

impl Inputs {
    /// Everything the page reads; `legacy` says whether a sweep under its old name is converted
    /// (the render) or only read (the check before measuring, which writes nothing).
    pub fn load(dir: &Path, flamegraphs: &Path, legacy: Legacy) -> Result<Inputs, LabError> {
        let peers = PeerResults::load(dir)?;
        let flags = FlagResults::load(dir)?;
        let profiles = ProfileSummary::load(flamegraphs)?;
        let sweeps = sweep::load_all(dir, legacy)?;
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
