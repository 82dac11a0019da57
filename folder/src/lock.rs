//! The one lock of an output folder: `flock(2)` on the folder itself.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::Error;

/// An exclusive lock on a folder, held until dropped (the descriptor's close releases it, also
/// when the process dies, however it dies).
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Locks `folder` without waiting: [`Error::Busy`] (naming `named`, the path the user gave)
    /// when another process holds it. A lock obtained on a folder that a committing holder has
    /// just exchanged away (the path now names another inode) is dropped and taken again on the
    /// folder the path names now.
    pub fn acquire(folder: &Path, named: &Path) -> Result<Lock, Error> {
        let io_err = |what| {
            let path = folder.to_path_buf();
            move |source| Error::Io { what, path, source }
        };
        loop {
            let file = File::open(folder).map_err(io_err("cannot open"))?;
            // SAFETY: flock(2) on a descriptor `file` owns; it touches no memory.
            let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if r != 0 {
                let e = std::io::Error::last_os_error();
                if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
                    return Err(Error::Busy(named.to_path_buf()));
                }
                return Err(io_err("cannot lock")(e));
            }
            let held = file.metadata().map_err(io_err("cannot read"))?;
            let now = std::fs::metadata(folder).map_err(io_err("cannot read"))?;
            if (held.dev(), held.ino()) == (now.dev(), now.ino()) {
                return Ok(Lock { _file: file });
            }
        }
    }
}
