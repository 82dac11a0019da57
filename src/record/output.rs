//! The folder a command writes into, as one transaction (see the `mandel-lab-folder` crate): what
//! `report`, `profile`, `sweep` and `history --append` write there appears all together when the
//! command succeeds, and not at all when it fails, is interrupted or is killed.
//!
//! A command opens its folder first ([`OutputFolder::begin`], after its options are checked), does
//! all its reading and writing in [`OutputFolder::path`] (the staging copy), and ends with
//! [`OutputFolder::finish`], which commits on success and, on failure, says in the error's one line
//! what the folder now holds. Where `cargo xtask` staged the folder for several commands (a report
//! with its profiles, history line and re-render), the command writes into xtask's copy and
//! leaves the commit to xtask; the paths it prints and links are the names the user gave either
//! way.

use std::path::{Path, PathBuf};

use mandel_lab_folder::{Error, Transaction};

use crate::LabError;
use crate::interrupt::Registered;

/// A command's output folder, open for writing.
#[derive(Debug)]
pub struct OutputFolder {
    /// The path the user gave, for messages and links.
    named: PathBuf,
    /// Where the command reads and writes: a staging copy.
    path: PathBuf,
    /// This command's own transaction, where no parent process staged the folder.
    own: Option<(Transaction, Registered)>,
}

impl OutputFolder {
    /// Locks the folder `named` and stages it, or finds the copy a parent process staged. Refused
    /// in one line (bad input) when another command is writing there.
    pub fn begin(named: &Path) -> Result<OutputFolder, LabError> {
        // Inside a folder a parent process staged (the folder itself or one within it): the
        // parent holds the lock and commits.
        let copy = mandel_lab_folder::physical(named);
        if copy != named {
            std::fs::create_dir_all(&copy).map_err(|source| LabError::Write {
                path: named.to_path_buf(),
                source,
            })?;
            return Ok(OutputFolder {
                named: named.to_path_buf(),
                path: copy,
                own: None,
            });
        }
        // Registered with the interruption handler before the copy is made: Ctrl-C removes the
        // copy, even one half made, and the folder stays as it was.
        let register = |staging: &Path| Registered::folder(staging.to_path_buf());
        let (txn, registered) =
            Transaction::begin_with(named, register).map_err(|e| match lab_error(e) {
                LabError::Write { path, source } => LabError::Write {
                    path,
                    source: std::io::Error::new(
                        source.kind(),
                        format!(
                            "{source}; {} is as it was before this command",
                            named.display()
                        ),
                    ),
                },
                e => e,
            })?;
        Ok(OutputFolder {
            named: named.to_path_buf(),
            path: txn.staging().to_path_buf(),
            own: Some((txn, registered)),
        })
    }

    /// Where the command reads and writes everything that belongs in the folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `file` inside the folder, where the command reads and writes it.
    pub fn join(&self, file: impl AsRef<Path>) -> PathBuf {
        self.path.join(file)
    }

    /// Runs `write` with the staging copy's path, then [`finish`](OutputFolder::finish)es: the
    /// whole of a command that writes into one folder.
    pub fn write_in<T>(
        named: &Path,
        write: impl FnOnce(&Path) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let folder = OutputFolder::begin(named)?;
        let result = write(folder.path());
        folder.finish(result)
    }

    /// Commits when `result` is a success (the folder then holds this run's files, all
    /// together), else discards the copy and adds to the error what the folder holds now.
    pub fn finish<T>(self, result: anyhow::Result<T>) -> anyhow::Result<T> {
        match result {
            Ok(value) => {
                self.commit()?;
                Ok(value)
            }
            // Bad input is refused before anything is made: its one line needs no more.
            Err(e) if crate::error::is_bad_input(&e) => Err(e),
            Err(e) => Err(e.context(self.discarded())),
        }
    }

    /// Moves this run's files into place, all at once (nothing to do where a parent staged the
    /// folder: the parent commits it).
    pub fn commit(self) -> Result<(), LabError> {
        let Some((mut txn, _registered)) = self.own else {
            return Ok(());
        };
        // Only the exchange is kept from an interruption; the old content, now at the copy's
        // name, is removed after it (by the handler, if one comes).
        crate::interrupt::uninterrupted(|| {
            txn.swap()?;
            crate::interrupt::committed();
            Ok(())
        })
        .map_err(lab_error)
    }

    /// What the folder holds after a failure, for the error's line.
    fn discarded(&self) -> String {
        match self.own {
            Some(_) => format!(
                "{} is as it was before this command (nothing of this run was kept)",
                self.named.display()
            ),
            None => format!(
                "nothing of this step reached {} (the command that staged it keeps it as it was)",
                self.named.display()
            ),
        }
    }
}

/// The lab's error for a folder's: a busy folder or a file where the folder should be is bad
/// input; a failed file-system call is a failed write of the folder.
fn lab_error(e: Error) -> LabError {
    match e {
        Error::Io { what, path, source } => LabError::Write {
            path,
            source: std::io::Error::new(source.kind(), format!("{what}: {source}")),
        },
        e => LabError::bad_input(e.to_string()),
    }
}
