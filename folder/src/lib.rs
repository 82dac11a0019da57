//! One output folder, one transaction: what a command writes into a folder (`reports/`,
//! `flamegraphs/`) becomes visible all together, or not at all.
//!
//! A [`Transaction`] locks the folder, copies it to a *staging* folder beside it
//! (`.<name>.staging-<pid>`, on the same file system), and the command writes into the copy. Its
//! [`commit`](Transaction::commit) exchanges the copy and the folder in one step
//! (`renameat2(2)`'s `RENAME_EXCHANGE`), then removes the old content. So a reader, or the next
//! command, sees the whole old folder or the whole new one, whether the command ended normally,
//! on a full disk, on Ctrl-C (the staging copy is removed) or on SIGKILL (the copy is left, hidden,
//! and the next transaction on the folder removes it under the lock).
//!
//! **The lock.** One exclusive `flock(2)` on the folder itself, taken without waiting: a second
//! command into the same folder is refused with [`Error::Busy`] (one line) while the first runs.
//! The folder is never replaced under a holder's feet by anyone but the holder, and a lock taken
//! on a folder that was exchanged meanwhile is noticed (its inode is no longer the path's) and
//! taken again on the new one.
//!
//! **Nested commands.** `cargo xtask report` runs several lab commands (measure, profile, history,
//! render) that must land together: xtask holds the transactions and names them to its children
//! in [`STAGED_ENV`] ([`Transaction::env`]); a child's [`physical`] maps any path inside a staged
//! folder to the same path inside its staging copy, and the child neither locks nor commits that
//! folder itself.

mod copy;
mod error;
mod lock;
mod staged;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use error::Error;
use lock::Lock;
pub use staged::{STAGED_ENV, physical, public};

/// The prefix of a staging copy's name, after the dot and the folder's own name.
const STAGING_MARK: &str = ".staging-";

/// An output folder being rewritten: locked, with its staging copy. Dropped without
/// [`commit`](Transaction::commit), it removes the copy and leaves the folder as it was.
#[derive(Debug)]
pub struct Transaction {
    /// The folder itself (symbolic links resolved), where the result lands.
    folder: PathBuf,
    /// The copy the command writes into.
    staging: PathBuf,
    /// The folders this transaction created (the folder itself and any missing on the way to
    /// it, deepest first), removed again on failure where still empty.
    created: Vec<PathBuf>,
    /// Whether the copy has been exchanged with the folder.
    committed: bool,
    _lock: Lock,
}

impl Transaction {
    /// Locks the folder at `path` (following symbolic links; created, empty, where missing, with
    /// the folders on the way), removes the staging copies a killed run left, and copies the
    /// folder to a fresh staging copy beside it.
    pub fn begin(path: &Path) -> Result<Transaction, Error> {
        Transaction::begin_with(path, |_| Ok(())).map(|(txn, ())| txn)
    }

    /// [`begin`](Transaction::begin), calling `before_copy` with the staging copy's path before
    /// anything is written there, and returning what it returns. For a process whose
    /// interruption handler removes its files and exits without unwinding: registered with the
    /// handler only after the copy, a copy interrupted half-way was left beside the folder.
    pub fn begin_with<R>(
        path: &Path,
        before_copy: impl FnOnce(&Path) -> io::Result<R>,
    ) -> Result<(Transaction, R), Error> {
        let (folder, created) = resolve(path)?;
        let lock = match Lock::acquire(&folder, path) {
            Ok(lock) => lock,
            Err(e) => {
                remove_empty(&created);
                return Err(e);
            }
        };
        let (parent, name) = parent_and_name(&folder);
        remove_abandoned(&parent, &name);
        let staging = parent.join(format!(".{name}{STAGING_MARK}{}", std::process::id()));
        staged::register(&folder, &staging);
        let txn = Transaction {
            folder,
            staging,
            created,
            committed: false,
            _lock: lock,
        };
        let registered = before_copy(&txn.staging).map_err(|source| Error::Io {
            what: "cannot register the staging copy",
            path: txn.staging.clone(),
            source,
        })?;
        copy::tree(&txn.folder, &txn.staging).map_err(|(at, source)| Error::Io {
            what: "cannot copy the folder to its staging copy",
            path: at,
            source,
        })?;
        Ok((txn, registered))
    }

    /// The staging copy: where the command writes.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The folder itself, symbolic links resolved.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The value of [`STAGED_ENV`] that names these transactions' copies to a child process.
    pub fn env(transactions: &[&Transaction]) -> String {
        staged::encode(
            transactions
                .iter()
                .map(|t| (t.folder.as_path(), t.staging.as_path())),
        )
    }

    /// Exchanges the staging copy with the folder in one step, then removes the old content
    /// (now at the staging copy's name). Where the file system cannot exchange (it refuses
    /// `RENAME_EXCHANGE`), the folder is renamed aside and the copy renamed into its place: two
    /// renames, with an instant between them in which the folder is missing but never mixed.
    pub fn commit(mut self) -> Result<(), Error> {
        self.swap()
    }

    /// The exchange of [`commit`](Transaction::commit) alone: the old content stays at the staging
    /// copy's name until the transaction is dropped. For several folders that must change
    /// together: swap them all, then drop them all, so that the instants between the swaps are
    /// not lengthened by the removals.
    pub fn swap(&mut self) -> Result<(), Error> {
        let io_err = |what, path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { what, path, source }
        };
        match exchange(&self.staging, &self.folder) {
            Ok(()) => {}
            Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) => {
                let aside = self.staging.with_extension("old");
                fs::rename(&self.folder, &aside)
                    .map_err(io_err("cannot move the old folder aside", &self.folder))?;
                if let Err(source) = fs::rename(&self.staging, &self.folder) {
                    let _ = fs::rename(&aside, &self.folder);
                    return Err(Error::Io {
                        what: "cannot move the staging copy into place",
                        path: self.folder.clone(),
                        source,
                    });
                }
                // The old content where the drop removes it.
                let _ = fs::rename(&aside, &self.staging);
            }
            Err(source) => {
                return Err(Error::Io {
                    what: "cannot exchange the staging copy with the folder",
                    path: self.folder.clone(),
                    source,
                });
            }
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        staged::unregister(&self.staging);
        // The copy of a transaction that failed, or the old content of one that committed; a
        // failure here leaves a hidden folder that the next transaction removes.
        let _ = fs::remove_dir_all(&self.staging);
        if !self.committed {
            remove_empty(&self.created);
        }
    }
}

/// Removes each of `folders` (deepest first) that is empty: one that something else wrote into
/// meanwhile stays.
fn remove_empty(folders: &[PathBuf]) {
    for folder in folders {
        let _ = fs::remove_dir(folder);
    }
}

/// The folder `path` names, absolute, symbolic links resolved; created (with the folders on the
/// way) where nothing stands, with the list of the folders created, deepest first.
fn resolve(path: &Path) -> Result<(PathBuf, Vec<PathBuf>), Error> {
    let io_err = |what| {
        let path = path.to_path_buf();
        move |source| Error::Io { what, path, source }
    };
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok((
            fs::canonicalize(path).map_err(io_err("cannot resolve"))?,
            Vec::new(),
        )),
        Ok(_) => Err(Error::NotAFolder(path.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound && fs::symlink_metadata(path).is_err() => {
            let abs = std::path::absolute(path).map_err(io_err("cannot resolve"))?;
            let missing: Vec<PathBuf> = abs
                .ancestors()
                .take_while(|a| fs::symlink_metadata(a).is_err())
                .map(Path::to_path_buf)
                .collect();
            fs::create_dir_all(path).map_err(io_err("cannot create"))?;
            Ok((
                fs::canonicalize(path).map_err(io_err("cannot resolve"))?,
                missing,
            ))
        }
        Err(source) => Err(Error::Io {
            what: "cannot read",
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The folder's parent and its own name (`folder` is absolute and resolved, never `/`).
fn parent_and_name(folder: &Path) -> (PathBuf, String) {
    let parent = folder.parent().unwrap_or(Path::new("/")).to_path_buf();
    let name = folder
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    (parent, name)
}

/// Removes the staging copies of `name` in `parent` that earlier runs left: they are abandoned,
/// since this process holds the folder's lock and every live writer of the folder holds it.
fn remove_abandoned(parent: &Path, name: &str) {
    let prefix = format!(".{name}{STAGING_MARK}");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// `renameat2(from, to, RENAME_EXCHANGE)`: both paths swap places atomically.
fn exchange(from: &Path, to: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a path with a NUL byte"))
    };
    let (from, to) = (c(from)?, c(to)?);
    // SAFETY: both pointers are NUL-terminated strings that live across the call; the syscall
    // reads them and nothing else.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests;
