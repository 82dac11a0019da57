//! Folders a parent process has staged: how `cargo xtask` names its transactions to the lab
//! commands it runs, so that they write into the staging copies and leave the commit to it.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// The environment variable naming the staged folders: `FOLDER=COPY` pairs, comma-separated,
/// each path hex-encoded (any byte a path may hold survives, and the separators cannot clash).
pub const STAGED_ENV: &str = "MANDEL_LAB_STAGED";

/// The value of [`STAGED_ENV`] for these (folder, copy) pairs.
pub(crate) fn encode<'a>(pairs: impl Iterator<Item = (&'a Path, &'a Path)>) -> String {
    pairs
        .map(|(folder, copy)| format!("{}={}", hex(folder), hex(copy)))
        .collect::<Vec<_>>()
        .join(",")
}

/// The pairs of a [`STAGED_ENV`] value; `None` where it is malformed.
fn decode(value: &str) -> Option<Vec<(PathBuf, PathBuf)>> {
    value
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (folder, copy) = pair.split_once('=')?;
            Some((unhex(folder)?, unhex(copy)?))
        })
        .collect()
}

/// The staged folders of this process: those a parent named in [`STAGED_ENV`], read on first
/// use, and this process's own open transactions ([`register`]).
static TABLE: Mutex<Option<Vec<(PathBuf, PathBuf)>>> = Mutex::new(None);

/// Runs `f` on the table, read from the environment the first time.
fn with_table<R>(f: impl FnOnce(&mut Vec<(PathBuf, PathBuf)>) -> R) -> R {
    let mut table = TABLE.lock().unwrap_or_else(PoisonError::into_inner);
    let table = table.get_or_insert_with(|| {
        std::env::var(STAGED_ENV)
            .ok()
            .and_then(|v| decode(&v))
            .unwrap_or_default()
    });
    f(table)
}

/// Every staging copy this process has known, kept after its transaction ends: an error made
/// inside a transaction is printed after it, and still names the folder, not the copy.
static SHOWN: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

/// Adds a transaction of this process: its folder and its copy.
pub(crate) fn register(folder: &Path, copy: &Path) {
    let pair = (folder.to_path_buf(), copy.to_path_buf());
    SHOWN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(pair.clone());
    with_table(|t| t.push(pair));
}

/// Removes a transaction of this process, by its copy.
pub(crate) fn unregister(copy: &Path) {
    with_table(|t| t.retain(|(_, c)| c != copy));
}

/// `path`, or, where it lies inside a staged folder (a parent's, or one of this process's open
/// transactions), the same path inside the staging copy: what a command reads and writes in place
/// of a path it was given.
pub fn physical(path: &Path) -> PathBuf {
    let staged: Vec<(PathBuf, PathBuf)> = with_table(|t| t.clone());
    physical_in(&staged, path)
}

/// The path a reader of messages knows: `path` with a staging copy's part (this process's own or
/// a parent's) written as the folder it stands for. Staging copies never show in a message.
pub fn public(path: &Path) -> PathBuf {
    let path = with_table(|t| public_in(t, path));
    public_in(&SHOWN.lock().unwrap_or_else(PoisonError::into_inner), &path)
}

fn public_in(staged: &[(PathBuf, PathBuf)], path: &Path) -> PathBuf {
    for (folder, copy) in staged {
        if let Ok(rest) = path.strip_prefix(copy) {
            return match rest.as_os_str().is_empty() {
                true => folder.clone(),
                false => folder.join(rest),
            };
        }
    }
    path.to_path_buf()
}

fn copy_in(staged: &[(PathBuf, PathBuf)], path: &Path) -> Option<PathBuf> {
    let folder = fs::canonicalize(path).ok()?;
    staged
        .iter()
        .find(|(f, _)| *f == folder)
        .map(|(_, copy)| copy.clone())
}

fn physical_in(staged: &[(PathBuf, PathBuf)], path: &Path) -> PathBuf {
    if staged.is_empty() {
        return path.to_path_buf();
    }
    let Ok(abs) = std::path::absolute(path) else {
        return path.to_path_buf();
    };
    for above in abs.ancestors() {
        if let Some(copy) = copy_in(staged, above) {
            let rest = abs.strip_prefix(above).unwrap_or(Path::new(""));
            return match rest.as_os_str().is_empty() {
                true => copy,
                false => copy.join(rest),
            };
        }
    }
    path.to_path_buf()
}

fn hex(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn unhex(text: &str) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let bytes = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_survive_the_environment_whatever_bytes_their_paths_hold() {
        let a = (
            PathBuf::from("/w/re,ports=x"),
            PathBuf::from("/w/.re.staging-1"),
        );
        let b = (PathBuf::from("/w/fl\u{e9}mes"), PathBuf::from("/w/.f"));
        let value = encode(
            [&a, &b]
                .into_iter()
                .map(|(f, c)| (f.as_path(), c.as_path())),
        );
        assert_eq!(decode(&value), Some(vec![a, b]));
        assert_eq!(decode("zz=00"), None);
        assert_eq!(decode(""), Some(vec![]));
    }

    #[test]
    fn a_path_inside_a_staged_folder_maps_into_its_copy_and_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("reports");
        fs::create_dir(&folder).unwrap();
        let folder = fs::canonicalize(folder).unwrap();
        let copy = dir.path().join(".reports.staging-1");
        let staged = vec![(folder.clone(), copy.clone())];
        assert_eq!(physical_in(&staged, &folder), copy);
        assert_eq!(
            physical_in(&staged, &folder.join("sweeps/threads.json")),
            copy.join("sweeps/threads.json")
        );
        assert_eq!(
            physical_in(&staged, &folder.join("../reports/results.json")),
            copy.join("results.json")
        );
        let other = dir.path().join("flamegraphs");
        assert_eq!(physical_in(&staged, &other), other);
        assert_eq!(physical_in(&[], &folder), folder);
    }

    #[test]
    fn a_path_inside_a_copy_is_written_as_the_folder_it_stands_for() {
        let staged = vec![(
            PathBuf::from("/w/reports"),
            PathBuf::from("/w/.reports.staging-7"),
        )];
        assert_eq!(
            public_in(&staged, Path::new("/w/.reports.staging-7/flags.json")),
            Path::new("/w/reports/flags.json")
        );
        assert_eq!(
            public_in(&staged, Path::new("/w/.reports.staging-7")),
            Path::new("/w/reports")
        );
        assert_eq!(
            public_in(&staged, Path::new("/w/.reports.staging-70/x")),
            Path::new("/w/.reports.staging-70/x")
        );
    }
}
