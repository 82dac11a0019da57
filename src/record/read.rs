//! The one way the lab reads a file back: `results.json`, `peers.json`, `flags.json`,
//! `sweeps/*.json`, `history.jsonl`, `profile.json`. Whatever stands at the path, the read ends
//! at once, with the bytes or an [`InputError`] naming the path and what is wrong.
//!
//! A FIFO would block `open` until a writer comes (for ever, in a report folder), a device node
//! such as `/dev/zero` never ends, a folder cannot be read, and a file of gigabytes would be held
//! in memory whole before the JSON parser refused it. So the file's type is checked before it is
//! opened, the open itself does not block (`O_NONBLOCK`, in case a FIFO took the file's place in
//! between; the opened file is checked again), and no more than [`MAX_BYTES`] are read.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The most a file the lab reads back may hold. The largest the lab writes are `profile.json`
/// (hundreds of kilobytes) and `history.jsonl` (a few kilobytes a run: 64 MiB is some ten
/// thousand reports).
pub const MAX_BYTES: u64 = 64 << 20;

/// A file the lab reads back could not be used: where, and why.
#[derive(Debug)]
pub struct InputError {
    pub path: PathBuf,
    pub problem: Problem,
}

/// What is wrong with a file the lab reads back.
#[derive(Debug)]
pub enum Problem {
    /// Something other than a regular file stands at the path (its kind, in words).
    NotAFile(&'static str),
    /// The file holds more than [`MAX_BYTES`].
    TooLarge { bytes: u64 },
    /// The file holds nothing.
    Empty,
    /// The file is not JSON, or not the JSON the lab writes there.
    NotJson(String),
    /// The system refused to open or read it.
    Io(io::Error),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let public = mandel_lab_folder::public(&self.path);
        let path = public.display();
        match &self.problem {
            Problem::NotAFile(kind) => write!(f, "cannot use {path}: it is {kind}, not a file"),
            Problem::TooLarge { bytes } => write!(
                f,
                "cannot use {path}: it holds {bytes} bytes, more than the {} MiB the lab reads \
                 back",
                MAX_BYTES >> 20
            ),
            Problem::Empty => write!(f, "cannot use {path}: it is empty"),
            Problem::NotJson(why) => write!(f, "cannot use {path}: {why}"),
            Problem::Io(e) => write!(f, "cannot read {path}: {e}"),
        }
    }
}

impl std::error::Error for InputError {}

impl InputError {
    /// Whether the file, rather than the machine, is at fault: everything but an I/O error, and
    /// of those a permission refused.
    pub fn is_bad_input(&self) -> bool {
        match &self.problem {
            Problem::Io(e) => e.kind() == io::ErrorKind::PermissionDenied,
            _ => true,
        }
    }
}

/// The bytes of the file at `path` (symbolic links followed), `None` where nothing is there.
/// Never blocks: see the module's documentation.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>, InputError> {
    let fail = |problem| InputError {
        path: path.to_path_buf(),
        problem,
    };
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(Problem::Io(e))),
    };
    check_kind(&meta).map_err(fail)?;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| fail(Problem::Io(e)))?;
    // What was opened may not be what was looked at: checked again, on the open file.
    check_kind(&file.metadata().map_err(|e| fail(Problem::Io(e)))?).map_err(fail)?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(Problem::Io(e)))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(fail(Problem::TooLarge {
            bytes: bytes.len() as u64,
        }));
    }
    Ok(Some(bytes))
}

/// The JSON value of type `T` in the file at `path`, `None` where nothing is there. An empty
/// file, a file that is not JSON, and JSON of another shape are each an [`InputError`].
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, InputError> {
    let Some(bytes) = read(path)? else {
        return Ok(None);
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError {
            path: path.to_path_buf(),
            problem: Problem::Empty,
        });
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| InputError {
            path: path.to_path_buf(),
            problem: Problem::NotJson(e.to_string()),
        })
}

/// What stands at a path, in the words of an error message.
pub(crate) fn kind_of(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device node"
    } else {
        "not a regular file"
    }
}

/// Refuses anything but a regular file of at most [`MAX_BYTES`].
fn check_kind(meta: &fs::Metadata) -> Result<(), Problem> {
    if !meta.is_file() {
        return Err(Problem::NotAFile(kind_of(meta)));
    }
    match meta.len() {
        n if n > MAX_BYTES => Err(Problem::TooLarge { bytes: n }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_at_once_and_a_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("results.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read(&fifo).unwrap_err();
        assert!(matches!(e.problem, Problem::NotAFile(_)), "{e}");
        assert!(e.to_string().contains("results.json") && e.is_bad_input());
        assert!(read(&dir.path().join("none")).unwrap().is_none());
        let e = read_json::<serde_json::Value>(dir.path()).unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
    }

    #[test]
    fn a_huge_file_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        // Sparse: no disk space is used.
        fs::File::create(&path)
            .unwrap()
            .set_len(MAX_BYTES + 1)
            .unwrap();
        let e = read(&path).unwrap_err();
        assert!(matches!(e.problem, Problem::TooLarge { .. }), "{e}");
        fs::write(&path, " \n").unwrap();
        let e = read_json::<serde_json::Value>(&path).unwrap_err();
        assert!(matches!(e.problem, Problem::Empty), "{e}");
    }
}
