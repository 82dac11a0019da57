//! Where and how the lab writes files: one rule for every path a user can name, and atomic
//! writes, so that an interrupted run never leaves a half-written result behind.
//!
//! The rule (the same for the lab and `cargo xtask`):
//! - a regular file, or a path where nothing stands yet, is written through a temporary file in
//!   the same folder and a rename: readers see the old file or the new one, never a mix;
//! - a symbolic link is followed (through any chain of links) and its final target is replaced,
//!   atomically, in the target's folder: the link stays a link, as `cp` or an editor would leave
//!   it, and a dangling link is a way to name the file to create;
//! - anything else at the path (a folder, a FIFO, a socket, a device node such as `/dev/full`)
//!   is refused, with one line and exit code 2, before any work starts ([`check_output_file`],
//!   [`check_output_dir`]) and again at the write itself: a rename would replace the node with a
//!   file (as root, a PNG where `/dev/full` was), and opening a FIFO would wait for a reader
//!   for ever.
//!
//! Nothing outside the named path changes: the folders on the way are created where missing,
//! nothing else.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::LabError;

/// Symbolic links followed before a path is called a loop (Linux's own limit is 40).
const MAX_LINKS: usize = 40;

/// The file a write to `path` replaces: `path` itself, or the final target of the symbolic
/// links it names. Refuses (bad input) a path that names a folder, FIFO, socket or device, or a
/// loop of links.
pub fn resolve_output(path: &Path) -> Result<PathBuf, LabError> {
    let mut at = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        match fs::symlink_metadata(&at) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(at),
            Err(source) => {
                return Err(LabError::Write {
                    path: path.to_path_buf(),
                    source,
                });
            }
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&at).map_err(|source| LabError::Write {
                    path: path.to_path_buf(),
                    source,
                })?;
                // A relative target is relative to the link's folder.
                at = match at.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(meta) if meta.is_file() => return Ok(at),
            Ok(meta) => {
                let through = if at == path {
                    String::new()
                } else {
                    format!(" (through a symbolic link to {})", at.display())
                };
                return Err(LabError::bad_input(format!(
                    "{}{through} is {}, not a regular file: the lab writes only regular files; \
                     name a file path",
                    path.display(),
                    crate::record::read::kind_of(&meta)
                )));
            }
        }
    }
    Err(LabError::bad_input(format!(
        "{}: more than {MAX_LINKS} symbolic links (a loop?): name a file path",
        path.display()
    )))
}

/// Checks, before any work starts, that a file can be written at `path` under the output rule:
/// a regular file, a link to one (or to where one can be made), or nothing yet, in a folder
/// that exists or can be made and is writable. `option` names the option the path came from.
pub fn check_output_file(option: &str, path: &Path) -> Result<(), LabError> {
    let with_option = |e: LabError| match e {
        LabError::BadInput(m) => LabError::BadInput(format!("{option} {m}")),
        e => e,
    };
    let target = resolve_output(path).map_err(with_option)?;
    check_name_lengths(option, path)?;
    let dir = folder_of(&target);
    check_folder(option, path, &dir)
}

/// Checks, before any work starts, that `dir` can be the output folder: a folder (or a link to
/// one), or nothing yet under a writable folder; and that each of `files` inside it (the files
/// the command writes there) passes [`check_output_file`].
pub fn check_output_dir(option: &str, dir: &Path, files: &[&str]) -> Result<(), LabError> {
    check_name_lengths(option, dir)?;
    check_folder(option, dir, dir)?;
    for f in files {
        check_output_file(option, &dir.join(f))?;
    }
    Ok(())
}

/// Refuses a path with a component longer than the file system allows (ext4 and most others:
/// 255 bytes), which the kernel would refuse only when the work is done.
fn check_name_lengths(option: &str, path: &Path) -> Result<(), LabError> {
    use std::os::unix::ffi::OsStrExt;
    const NAME_MAX: usize = 255;
    match path
        .components()
        .find(|c| c.as_os_str().as_bytes().len() > NAME_MAX)
    {
        Some(c) => Err(LabError::bad_input(format!(
            "{option} {}: the name '{}…' is {} bytes long, more than the file system allows \
             ({NAME_MAX})",
            path.display(),
            c.as_os_str()
                .to_string_lossy()
                .chars()
                .take(20)
                .collect::<String>(),
            c.as_os_str().as_bytes().len()
        ))),
        None => Ok(()),
    }
}

/// The folder a file at `path` is written in.
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Checks that `dir` is a folder, or can be made: its nearest existing ancestor (through links)
/// must be a folder the lab may write in. `named` is the path the user gave, for the message.
fn check_folder(option: &str, named: &Path, dir: &Path) -> Result<(), LabError> {
    let mut at = dir.to_path_buf();
    loop {
        match fs::metadata(&at) {
            Ok(meta) if meta.is_dir() => {
                return if writable(&at) {
                    Ok(())
                } else {
                    Err(LabError::bad_input(format!(
                        "{option} {}: cannot write in {}: permission denied",
                        named.display(),
                        at.display()
                    )))
                };
            }
            Ok(meta) => {
                return Err(LabError::bad_input(format!(
                    "{option} {}: {} is {}, not a folder",
                    named.display(),
                    at.display(),
                    if meta.is_file() {
                        "a file"
                    } else {
                        crate::record::read::kind_of(&meta)
                    }
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if fs::symlink_metadata(&at).is_ok() {
                    // A dangling link where a folder should be: create_dir_all cannot follow it.
                    return Err(LabError::bad_input(format!(
                        "{option} {}: {} is a symbolic link to nothing, not a folder",
                        named.display(),
                        at.display()
                    )));
                }
                match at.parent() {
                    Some(p) if !p.as_os_str().is_empty() => at = p.to_path_buf(),
                    _ => at = PathBuf::from("."),
                }
            }
            Err(source) => {
                return Err(LabError::Write {
                    path: named.to_path_buf(),
                    source,
                });
            }
        }
    }
}

/// Whether this process may create files in folder `dir` (access(2), so root's override and
/// read-only mounts are both taken into account).
fn writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

/// Writes `bytes` to `path` under the output rule (see the module's documentation): through a
/// temporary file in the target's folder and a rename, creating the folder if needed. Readers
/// see either the old file or the new one, never a mix.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), LabError> {
    let write_err = |source| LabError::Write {
        path: path.to_path_buf(),
        source,
    };
    let target = resolve_output(path)?;
    let dir = folder_of(&target);
    fs::create_dir_all(&dir).map_err(write_err)?;
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let prefix = format!(".{file_name}.tmp");
    let tmp = dir.join(format!("{prefix}{}", std::process::id()));
    let result = (|| {
        // Registered first: an interruption from here on removes it.
        let _registered = crate::interrupt::Registered::file(tmp.clone())?;
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        // Best effort: the temporary file is ours and useless once the write failed.
        let _ = fs::remove_file(&tmp);
    } else {
        remove_stale_temporaries(&dir, &prefix);
    }
    result.map_err(write_err)
}

/// Appends `bytes` to the file at `path` under the output rule (a link followed, anything but a
/// regular file refused: appending to a FIFO would wait for a reader), creating it and its
/// folder where missing.
pub fn append(path: &Path, bytes: &[u8]) -> Result<(), LabError> {
    let target = resolve_output(path)?;
    fs::create_dir_all(folder_of(&target))
        .and_then(|()| {
            fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&target)
        })
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|source| LabError::Write {
            path: path.to_path_buf(),
            source,
        })
}

/// Removes the temporary files of `prefix` left by processes that no longer run: a process
/// killed (SIGKILL) between creating its temporary file and renaming it. Best effort, and only
/// where `/proc` says which processes run.
fn remove_stale_temporaries(dir: &Path, prefix: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && !Path::new("/proc").join(pid.to_string()).exists()
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Reads a whole file, naming the path in the error.
pub fn read(path: &Path) -> Result<Vec<u8>, LabError> {
    fs::read(path).map_err(|source| LabError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `value` as pretty JSON (with a final newline) to `path`, atomically.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), LabError> {
    let mut json = serde_json::to_vec_pretty(value).expect("the lab's types serialise to JSON");
    json.push(b'\n');
    atomic_write(path, &json)
}

/// Reads JSON from `path` if the file exists: `None` when it does not, an error naming the file
/// when it cannot be read or is not what the lab wrote. Through [`crate::record::read::read_json`], so a
/// FIFO, a device, a folder or a huge file there is refused at once.
pub fn read_json_if_exists<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<Option<T>, LabError> {
    Ok(crate::record::read::read_json(path)?)
}

/// Reads a schema-versioned JSON file the lab wrote, if it exists: `None` when it does not, and a
/// [`LabError::Corrupt`] naming the file when it is not JSON, has another `schema_version` than
/// `version`, or is not a `T`; `remake` says how to make it again (`re-run cargo xtask peers`).
/// One wording for every versioned file (results, peers, flags, profile).
pub fn read_versioned<T: serde::de::DeserializeOwned>(
    path: &Path,
    version: u32,
    remake: &str,
) -> Result<Option<T>, LabError> {
    let Some(value) = read_json_if_exists::<serde_json::Value>(path)? else {
        return Ok(None);
    };
    let corrupt = |message: String| LabError::Corrupt {
        path: path.to_path_buf(),
        message,
    };
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(version) => {}
        other => {
            let found = other.map_or("none".to_string(), |v| v.to_string());
            return Err(corrupt(format!(
                "schema_version {found}, this lab reads version {version}; {remake}"
            )));
        }
    }
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| corrupt(e.to_string()))
}
