//! The lab's error type. Errors caused by what the user typed map to exit code 2.

use std::io;
use std::path::PathBuf;

use mandel_variants::VariantError;
use thiserror::Error;

/// Everything that can go wrong in the lab library.
#[derive(Debug, Error)]
pub enum LabError {
    /// The user asked for something that cannot be done (a bad size, region or name).
    #[error("{0}")]
    BadInput(String),
    /// A file could not be read. (The `source` is the io error; it prints as the next link of
    /// the chain, so the message leaves it out.)
    #[error("cannot read {}", shown(path))]
    Read { path: PathBuf, source: io::Error },
    /// A file could not be written.
    #[error("cannot write {}", shown(path))]
    Write { path: PathBuf, source: io::Error },
    /// A file the lab reads is not what it wrote: damaged, of another schema version, or
    /// holding figures no run gives.
    #[error("cannot use {}: {message}", shown(path))]
    Corrupt { path: PathBuf, message: String },
    /// A file the lab reads back is not a file, too large, empty, not JSON or unreadable
    /// ([`crate::record::read`]).
    #[error(transparent)]
    Input(#[from] crate::record::read::InputError),
    /// A variant refused or failed.
    #[error(transparent)]
    Variant(#[from] VariantError),
}

/// A path as messages show it: a staging copy's part written as the folder it stands for (see
/// [`crate::record::output`]), so that no message names a hidden folder that is gone when it is read.
pub fn shown(path: &std::path::Path) -> String {
    mandel_lab_folder::public(path).display().to_string()
}

impl LabError {
    /// Shorthand for [`LabError::BadInput`].
    pub fn bad_input(message: impl Into<String>) -> Self {
        LabError::BadInput(message.into())
    }

    /// True when the error comes from the user's input rather than from the machine.
    pub fn is_bad_input(&self) -> bool {
        match self {
            LabError::BadInput(_) | LabError::Corrupt { .. } => true,
            LabError::Read { source, .. } => source.kind() == io::ErrorKind::NotFound,
            LabError::Input(e) => e.is_bad_input(),
            LabError::Variant(e) => variant_is_bad_input(e),
            LabError::Write { source, .. } => is_bad_path(source),
        }
    }
}

/// True when anything in the error's chain is the user's to fix (exit code 2).
pub fn is_bad_input(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<LabError>()
            .is_some_and(LabError::is_bad_input)
            || c.downcast_ref::<VariantError>()
                .is_some_and(variant_is_bad_input)
    })
}

/// True when a variant refused what the user asked of it (a tuning out of range, a variant this
/// machine cannot run) rather than failing while it ran.
pub fn variant_is_bad_input(e: &VariantError) -> bool {
    matches!(
        e,
        VariantError::BadTuning { .. } | VariantError::Unavailable { .. }
    )
}

/// Whether a write failed because of the path the user gave (a folder that cannot be created or
/// written, a file where a folder should be) rather than because of the machine (a full disk).
fn is_bad_path(e: &io::Error) -> bool {
    use io::ErrorKind::*;
    // A name too long for the file system, or a loop of symbolic links.
    matches!(e.raw_os_error(), Some(libc::ENAMETOOLONG | libc::ELOOP))
        || matches!(
            e.kind(),
            NotFound
                | PermissionDenied
                | ReadOnlyFilesystem
                | NotADirectory
                | IsADirectory
                | AlreadyExists
                | InvalidInput
                | InvalidFilename
        )
}
