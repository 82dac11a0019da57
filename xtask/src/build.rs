//! The lab binary of *this* checkout: the executable cargo names for the build, a copy per
//! checkout, and a check of which checkout the copy was compiled in.
//!
//! Two checkouts sharing one `CARGO_TARGET_DIR` share the workspace crates' artifacts: cargo
//! hashes a member by its path inside the workspace, the same in both. `.cargo/config.toml` keys
//! those crates to their checkout (the variable `MANDEL_LAB_CHECKOUT`, which each of them reads),
//! so cargo rebuilds them when the other checkout built them last. A checkout without that key (an
//! older revision, `regress --against` building one) still leaves artifacts that cargo calls fresh
//! here, so the binary is asked where it was compiled (`mandel-lab build-id`) before it is used,
//! and the workspace crates are rebuilt where it names another checkout.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use anyhow::{Context, Result, anyhow, bail};

use crate::{interrupt, lab};

/// The workspace's crates that the lab binary is made of: what is rebuilt where a build from
/// another checkout was found.
const LAB_CRATES: &[&str] = &["mandel-lab", "mandel-variants", "mandel-lab-options"];

/// Runs `cmd` (a `cargo build` of the lab) with cargo's JSON messages on standard output, its
/// own diagnostics and progress rendered on standard error as usual, and returns the executable
/// that cargo's `compiler-artifact` message names for the `mandel-lab` binary; the inner `Err` is
/// a build that failed, with cargo's status.
pub fn run_cargo(cmd: &mut Command) -> Result<Result<PathBuf, ExitStatus>> {
    cmd.arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped());
    let mut child = interrupt::spawn(cmd)?;
    let stdout = child.stdout.take().context("no pipe from cargo")?;
    // Read while cargo runs: its messages would fill the pipe and stop it otherwise.
    let reader = std::thread::spawn(move || lab_executable(BufReader::new(stdout)));
    let status = interrupt::wait(&mut child, None)?.expect("no deadline");
    let executable = reader
        .join()
        .map_err(|_| anyhow!("reading cargo's messages failed"))?;
    if !status.success() {
        return Ok(Err(status));
    }
    executable
        .map(Ok)
        .context("cargo's messages name no mandel-lab executable")
}

/// The last `executable` that a `compiler-artifact` message of the `mandel-lab` binary names.
pub fn lab_executable(messages: impl BufRead) -> Option<PathBuf> {
    #[derive(serde::Deserialize)]
    struct Target {
        name: String,
        kind: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct Message {
        reason: String,
        target: Option<Target>,
        executable: Option<PathBuf>,
    }
    messages
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<Message>(&line).ok())
        .filter(|m| m.reason == "compiler-artifact")
        .filter(|m| {
            m.target
                .as_ref()
                .is_some_and(|t| t.name == "mandel-lab" && t.kind.iter().any(|k| k == "bin"))
        })
        .filter_map(|m| m.executable)
        .last()
}

/// The folder name of `root`'s own copies: its last component and a hash of its whole path, so
/// that two checkouts never share one and a reader can tell which is whose.
pub fn checkout_key(root: &Path) -> String {
    let path = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let name: String = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.as_os_str().as_encoded_bytes() {
        hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{name}-{:08x}", hash as u32)
}

/// Checks that `binary` was compiled in `root`; where it names another checkout (or cannot say,
/// being older than `build-id`), rebuilds the lab's crates (`rebuild`, after `cargo clean` of
/// them) and checks again.
pub fn check_checkout(binary: &Path, root: &Path, rebuild: impl Fn() -> Result<()>) -> Result<()> {
    let found = compiled_in(binary)?;
    if found.as_deref().is_some_and(|dir| same_folder(dir, root)) {
        return Ok(());
    }
    eprintln!(
        "xtask: the lab cargo found up to date was built from {}, not this checkout: rebuilding it",
        found
            .as_deref()
            .map_or("an older checkout".into(), |d| d.display().to_string())
    );
    clean_lab_crates(root)?;
    rebuild()?;
    match compiled_in(binary)? {
        Some(dir) if same_folder(&dir, root) => Ok(()),
        other => bail!(
            "the lab built in {} says it was compiled in {}, not in {}",
            binary.display(),
            other.map_or("an unknown checkout".into(), |d| d.display().to_string()),
            root.display()
        ),
    }
}

/// The checkout `binary` says it was compiled in (`mandel-lab build-id`); `None` for a lab too
/// old to say.
fn compiled_in(binary: &Path) -> Result<Option<PathBuf>> {
    #[derive(serde::Deserialize)]
    struct BuildId {
        checkout: PathBuf,
    }
    let out = interrupt::output(Command::new(binary).arg("build-id"))
        .with_context(|| format!("running {} build-id", binary.display()))?;
    Ok(out
        .status
        .success()
        .then(|| serde_json::from_slice::<BuildId>(&out.stdout).ok())
        .flatten()
        .map(|b| b.checkout))
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `cargo clean` of the lab's crates in the release profile, so that the next build compiles them
/// from `root`.
fn clean_lab_crates(root: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(root)
        .args(["clean", "--release", "--quiet", "--target-dir"])
        .arg(lab::target_dir());
    for krate in LAB_CRATES {
        cmd.args(["--package", krate]);
    }
    let status = interrupt::status(&mut cmd).with_context(|| format!("running {cargo} clean"))?;
    if !status.success() {
        bail!("cargo clean of the lab's crates failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_executable_is_the_one_cargo_names_for_the_lab_binary() {
        let messages = r#"{"reason":"compiler-artifact","target":{"name":"mandel-lab","kind":["lib"]},"executable":null}
not json: a line cargo would never print, skipped
{"reason":"compiler-artifact","target":{"name":"xtask","kind":["bin"]},"executable":"/t/release/xtask"}
{"reason":"compiler-artifact","target":{"name":"mandel-lab","kind":["bin"]},"executable":"/t/release/mandel-lab"}
{"reason":"build-finished","success":true}
"#;
        assert_eq!(
            lab_executable(messages.as_bytes()),
            Some(PathBuf::from("/t/release/mandel-lab"))
        );
        assert_eq!(
            lab_executable(&b"{\"reason\":\"build-finished\"}\n"[..]),
            None
        );
    }

    #[test]
    fn two_checkouts_get_two_copy_folders() {
        let a = checkout_key(Path::new("/nonexistent/clone/mandel-lab"));
        let b = checkout_key(Path::new("/nonexistent/other/mandel-lab"));
        assert_ne!(a, b);
        assert!(
            a.starts_with("mandel-lab-") && b.starts_with("mandel-lab-"),
            "{a} {b}"
        );
        assert_eq!(
            checkout_key(Path::new("/x/a b")).split('-').next(),
            Some("a_b")
        );
    }
}
