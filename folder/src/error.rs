//! What can go wrong with an output folder, each in one line that names it.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a transaction could not begin or commit.
#[derive(Debug)]
pub enum Error {
    /// Another command holds the folder's lock: it is writing there now.
    Busy(PathBuf),
    /// The path names something other than a folder.
    NotAFolder(PathBuf),
    /// A file-system call failed.
    Io {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl Error {
    /// Whether the error is the user's to fix before anything runs (exit code 2), rather than a
    /// failure of the machine (a full disk).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::Busy(_) | Error::NotAFolder(_))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Busy(path) => write!(
                f,
                "{} is being written by another command now (it holds the folder's lock): wait \
                 for it to end, or name another folder",
                path.display()
            ),
            Error::NotAFolder(path) => write!(f, "{} is not a folder", path.display()),
            Error::Io { what, path, source } => write!(f, "{what} {}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
