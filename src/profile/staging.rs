//! A profiling run's scratch folder ([`Staging`]): the views are written there and moved into
//! the flamegraphs folder with `profile.json` only when every variant is profiled, so that an
//! interrupted or killed run leaves the previous set whole.

use std::path::{Path, PathBuf};

use crate::LabError;
use crate::profile::summary::ProfileSummary;
use crate::record::write;

/// Where a run writes its views: `<out>/.run-<pid>/`, moved into the flamegraphs folder with
/// `profile.json` only when every variant is profiled. An interrupted run removes the folder
/// (it is registered with [`crate::interrupt`]) and so leaves the views and the summary of the
/// previous run as they were, each view of the problem `profile.json` names.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    _registered: crate::interrupt::Registered,
}

/// The prefix of a run's scratch folder inside the flamegraphs folder.
pub(crate) const STAGING_PREFIX: &str = ".run-";

impl Staging {
    /// Creates the scratch folder of this run inside `out`, first removing any that a killed run
    /// left (one whose process is gone).
    pub fn create(out: &Path) -> Result<Staging, LabError> {
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LabError::Write { path, source }
        };
        std::fs::create_dir_all(out).map_err(write_err(out))?;
        remove_abandoned(out);
        let dir = out.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        // Registered first: an interruption from here on removes it.
        let registered =
            crate::interrupt::Registered::folder(dir.clone()).map_err(write_err(&dir))?;
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).map_err(write_err(&dir))?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            _registered: registered,
        })
    }

    /// The folder the run writes its views to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Moves the run's views into the flamegraphs folder, then merges `summary` into its
    /// `profile.json` (see [`ProfileSummary::save_merged`]): the summary last, so that it never
    /// names a view that is not there. An interruption waits for this to end.
    pub fn commit(self, summary: ProfileSummary) -> Result<ProfileSummary, LabError> {
        crate::interrupt::uninterrupted(|| {
            let read_err = |source| LabError::Read {
                path: self.dir.clone(),
                source,
            };
            let mut names: Vec<_> = std::fs::read_dir(&self.dir)
                .map_err(read_err)?
                .map(|e| e.map(|e| e.file_name()))
                .collect::<Result<_, _>>()
                .map_err(read_err)?;
            names.sort();
            // Hidden names are temporary files, which a finished run has none of.
            for name in names
                .iter()
                .filter(|n| !n.to_string_lossy().starts_with('.'))
            {
                let to = self.out.join(name);
                let from = self.dir.join(name);
                // A view's path may be a link to elsewhere (see `record::write`): the link's target is
                // replaced, through a copy where the rename cannot cross file systems.
                let moved = write::resolve_output(&to)
                    .is_ok_and(|target| std::fs::rename(&from, target).is_ok());
                if !moved {
                    write::atomic_write(&to, &write::read(&from)?)?;
                }
            }
            summary.save_merged(&self.out)
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Whatever the run did not move in (all of it, after a failure) is thrown away.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Removes the scratch folders of runs that were killed (SIGKILL cannot be caught): those whose
/// process no longer runs.
fn remove_abandoned(out: &Path) {
    for entry in std::fs::read_dir(out).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(STAGING_PREFIX))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
