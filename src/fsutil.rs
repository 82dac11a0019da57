//! Atomic file writes: an interrupted run never leaves a half-written result behind.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::LabError;

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, creating the
/// folder if needed. Readers see either the old file or the new one, never a mix.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), LabError> {
    let write_err = |source| LabError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(write_err)?;
    let file_name = path
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
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // Best effort: the temporary file is ours and useless once the write failed.
        let _ = fs::remove_file(&tmp);
    } else {
        remove_stale_temporaries(dir, &prefix);
    }
    result.map_err(write_err)
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
/// when it cannot be read or is not what the lab wrote.
pub fn read_json_if_exists<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<Option<T>, LabError> {
    if !path.exists() {
        return Ok(None);
    }
    serde_json::from_slice(&read(path)?)
        .map(Some)
        .map_err(|e| LabError::Corrupt {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}
