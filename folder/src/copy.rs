//! The staging copy: the folder copied whole, without ever opening anything but regular files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Copies the folder `from` to `to` (which must not exist): folders are made, regular files
/// copied with their permissions, symbolic links copied as links (their targets untouched), and
/// anything else (a FIFO, a socket, a device node) hard-linked, never opened: opening a FIFO
/// would wait for a writer for ever. An error names the path it happened at.
pub fn tree(from: &Path, to: &Path) -> Result<(), (PathBuf, io::Error)> {
    fs::create_dir(to).map_err(|e| (to.to_path_buf(), e))?;
    let entries = fs::read_dir(from).map_err(|e| (from.to_path_buf(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| (from.to_path_buf(), e))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().map_err(|e| (src.clone(), e))?;
        let copied = if kind.is_dir() {
            tree(&src, &dst)?;
            Ok(())
        } else if kind.is_file() {
            fs::copy(&src, &dst).map(drop)
        } else if kind.is_symlink() {
            fs::read_link(&src).and_then(|target| std::os::unix::fs::symlink(target, &dst))
        } else {
            fs::hard_link(&src, &dst)
        };
        copied.map_err(|e| (src, e))?;
    }
    Ok(())
}
