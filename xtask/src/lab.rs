//! Building the lab in release mode and running its binary from the workspace root.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use mandel_lab_options::ToArgv;

use crate::{build, interrupt};

/// `cargo` arguments that build the lab's release binary, and nothing else.
pub const BUILD_LAB: &[&str] = &[
    "build",
    "--release",
    "--package",
    "mandel-lab",
    "--bin",
    "mandel-lab",
];

/// The environment variable through which xtask tells the lab which checkout drives it: the lab
/// reads the peers' scripts and the kernels' sources there, not in the checkout it was built from.
pub const WORKSPACE_ENV: &str = "MANDEL_LAB_WORKSPACE";

/// The workspace [`find_root`] found.
static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Finds the workspace `cargo xtask` was run in, once, and names it in [`WORKSPACE_ENV`] for
/// every process xtask starts; an error is the one line to print. The place is found at run time,
/// never from the folder xtask was compiled in: with a shared `CARGO_TARGET_DIR`, or a copied
/// checkout, one binary serves several checkouts, and each must build and write its own.
///
/// `cargo run` (so `cargo xtask`) sets `CARGO_MANIFEST_DIR` to `xtask/`'s folder in the
/// environment; without it (the binary run by hand), `cargo locate-project` finds the workspace
/// of the current folder.
pub fn find_root() -> Result<&'static Path, String> {
    if let Some(root) = ROOT.get() {
        return Ok(root);
    }
    let root = root_from_env().or_else(root_from_cargo).ok_or_else(|| {
        let here = std::env::current_dir()
            .map_or_else(|_| "the current folder".into(), |d| d.display().to_string());
        format!(
            "cannot find the mandel-lab workspace from {here}: run cargo xtask inside a \
                 checkout (a folder with Cargo.toml and xtask/Cargo.toml)"
        )
    })?;
    // SAFETY: called from `main` before xtask starts any thread (the signal handler is a plain
    // function, not a thread), so nothing reads the environment meanwhile.
    unsafe { std::env::set_var(WORKSPACE_ENV, &root) };
    Ok(ROOT.get_or_init(|| root))
}

/// The workspace root found by [`find_root`]; `main` calls that first, and refuses to run a
/// command without it.
pub fn root() -> PathBuf {
    ROOT.get()
        .cloned()
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
}

/// Whether `dir` is a checkout of this workspace: its manifest and xtask's.
fn is_workspace(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join("xtask/Cargo.toml").is_file()
}

/// The workspace around `$CARGO_MANIFEST_DIR` (the folder itself, or the nearest above it).
fn root_from_env() -> Option<PathBuf> {
    let dir = std::path::absolute(std::env::var_os("CARGO_MANIFEST_DIR")?).ok()?;
    dir.ancestors()
        .find(|d| is_workspace(d))
        .map(Path::to_path_buf)
}

/// The workspace of the current folder, as `cargo locate-project --workspace` names it.
fn root_from_cargo() -> Option<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let manifest = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    let dir = manifest.parent()?;
    (out.status.success() && is_workspace(dir)).then(|| dir.to_path_buf())
}

/// The environment variable that names a lab binary to run instead of building one. The fast
/// tier of xtask's tests points it at the lab that `cargo test` has just built, so that checking
/// xtask's arguments needs no release build; builds with features (`mpi`) are still made.
pub const BINARY_ENV: &str = "MANDEL_LAB_BINARY";

/// The folder in the target folder that holds xtask's copies of the lab, one folder per checkout.
pub const COPIES: &str = "xtask-labs";

/// The target folder: `$CARGO_TARGET_DIR`, else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// Builds the `mandel-lab` binary of this checkout in release mode with `features`, and returns
/// its path (or `$MANDEL_LAB_BINARY`'s, for a build without features, where that is set).
///
/// Every build shares the one target folder, so a build with features recompiles only the lab's
/// crates (cargo keeps both feature sets' artifacts side by side, and switching back is free).
/// xtask never runs what cargo leaves at the shared `release/mandel-lab`: another checkout
/// sharing the target folder, or a build with other features, may put its own there at any
/// moment. Under the build lock, the executable cargo names for this build is copied to
/// `<target>/xtask-labs/<checkout>/<features, or "default">/mandel-lab` (keeping its name, which
/// is the process name MPI's ranks are found by), one folder per checkout, and the copy is asked
/// which checkout it was compiled in before it is used (see [`build_in`]). The folder is not
/// under `release/`, where cargo puts each binary of the workspace by its name (xtask's too).
pub fn build_release(features: &[&str]) -> Result<PathBuf> {
    if features.is_empty() {
        if let Some(binary) = std::env::var_os(BINARY_ENV) {
            return Ok(PathBuf::from(binary));
        }
        eprintln!("xtask: building mandel-lab (release)...");
    } else {
        eprintln!(
            "xtask: building mandel-lab (release, features {})...",
            features.join(",")
        );
    }
    let name = if features.is_empty() {
        "default".to_string()
    } else {
        features.join("+")
    };
    let root = root();
    let copy = target_dir()
        .join(COPIES)
        .join(build::checkout_key(&root))
        .join(name)
        .join("mandel-lab");
    build_in(&root, features, &copy)?;
    build::check_checkout(&copy, &root, || build_in(&root, features, &copy))?;
    Ok(copy)
}

/// Builds the lab of the checkout at `tree` (the workspace, or a worktree of another revision)
/// in release with `features`, into the workspace's target folder, and copies the executable
/// cargo names for this build (its `compiler-artifact` message) to `copy_to`. Cargo 1.95 names
/// the shared `release/mandel-lab`, which it links again on every build, fresh or not; holding
/// [`build_lock`] throughout keeps every other xtask's build from replacing it before the copy
/// (a plain `cargo build` elsewhere is caught by [`build::check_checkout`]).
pub fn build_in(tree: &Path, features: &[&str], copy_to: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = target_dir();
    let _lock = build_lock(&target)?;
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(tree)
        .args(BUILD_LAB)
        .arg("--target-dir")
        .arg(&target);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let built = build::run_cargo(&mut cmd).with_context(|| format!("running {cargo}"))?;
    let built = match built {
        Ok(executable) => executable,
        Err(status) => bail!(
            "cargo build --release of {} failed ({status})",
            tree.display()
        ),
    };
    if let Some(dir) = copy_to.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Through a temporary name: a copy still running (an mpirun of the last build) keeps its
    // file, where copying over it would fail with "text file busy".
    let tmp = copy_to.with_extension("partial");
    std::fs::copy(&built, &tmp)
        .and_then(|_| std::fs::rename(&tmp, copy_to))
        .with_context(|| format!("cannot copy {} to {}", built.display(), copy_to.display()))?;
    Ok(())
}

/// An exclusive lock on `<target>/release/.mandel-lab-build.lock`, released when the file is
/// dropped: the one lock every build of the lab's release binary takes (xtask's and the
/// regression test's), since cargo's own lock ends with the build, before the binary is copied.
pub fn build_lock(target: &Path) -> Result<std::fs::File> {
    let dir = target.join("release");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(".mandel-lab-build.lock");
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    // SAFETY: flock(2) on a descriptor this function owns; the lock ends when `file` is closed.
    let locked = unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&file), libc::LOCK_EX) };
    if locked != 0 {
        bail!(
            "cannot lock {}: {}",
            path.display(),
            std::io::Error::last_os_error()
        );
    }
    Ok(file)
}

/// The folder the lab runs in, where its `reports/` and `flamegraphs/` are: `$MANDEL_LAB_WORK_DIR`
/// where set (tests use a scratch folder), else the workspace root.
pub fn work_dir() -> PathBuf {
    std::env::var_os("MANDEL_LAB_WORK_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(root)
}

/// Runs the lab binary with `args` from the work folder and passes its exit code through.
pub fn run(binary: &Path, args: &[String]) -> Result<ExitCode> {
    run_with(binary, args, Stdio::inherit())
}

/// [`run`] with the lab's standard output sent to `stdout`.
pub fn run_with(binary: &Path, args: &[String], stdout: Stdio) -> Result<ExitCode> {
    let status = interrupt::status(
        Command::new(binary)
            .current_dir(work_dir())
            .args(args)
            .stdout(stdout),
    )
    .with_context(|| format!("running {}", binary.display()))?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

/// [`run_with`] for a step that renders again what an earlier step of the same command has
/// rendered and warned about: its standard output is dropped, and of its standard error every
/// line but the warnings is passed on (they were said once already; the page keeps them).
pub fn run_rerender(binary: &Path, args: &[String]) -> Result<ExitCode> {
    use std::io::{BufRead, BufReader};
    let mut child = interrupt::spawn(
        Command::new(binary)
            .current_dir(work_dir())
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    )
    .with_context(|| format!("running {}", binary.display()))?;
    let stderr = child.stderr.take().context("the lab's standard error")?;
    // Read beside the wait, so that a long error cannot fill the pipe and stall the lab; the
    // thread ends with the lab's standard error, before this function returns.
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !line.starts_with("warning: ") {
                eprintln!("{line}");
            }
        }
    });
    let status = interrupt::wait(&mut child, None);
    let _ = reader.join();
    let status = status?.context("no deadline was set")?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

/// Builds in release and runs `mandel-lab <command> <args>`: the xtask commands that add nothing
/// of their own (`profile`, `sweep-chunks`, `sweep-sizes`, `sweep` along most axes).
pub fn build_and_run(command: &[&str], args: &dyn ToArgv) -> Result<ExitCode> {
    let binary = build_release(&[])?;
    run(&binary, &argv(command, args))
}

/// The lab's command line: `command` (its words, e.g. `["sweep", "threads"]`) and `args` written
/// back as options.
pub fn argv(command: &[&str], args: &dyn ToArgv) -> Vec<String> {
    command
        .iter()
        .map(|c| c.to_string())
        .chain(args.to_argv())
        .collect()
}

/// What xtask needs to know of a variant, as `mandel-lab list --format json` says it: xtask
/// never names a variant itself, so that the registry stays the one place that does.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct VariantFacts {
    /// The variant's command-line name.
    pub name: String,
    /// Whether it runs under `mpirun` (`cargo xtask mpi`, the MPI rows of the report and sweep).
    #[serde(default)]
    pub mpirun: bool,
    /// Whether it runs on a GPU (`cargo xtask gpu-check` measures those).
    #[serde(default)]
    pub gpu: bool,
    /// Whether it can run here, and what is missing where it cannot.
    #[serde(default)]
    pub available: bool,
    #[serde(default)]
    pub unavailable_reason: Option<String>,
}

/// The lab's variants, from `binary list --format json`.
pub fn variants(binary: &Path) -> Result<Vec<VariantFacts>> {
    let out = interrupt::output(
        Command::new(binary)
            .current_dir(work_dir())
            .args(["list", "--format", "json"]),
    )
    .with_context(|| format!("running {} list", binary.display()))?;
    if !out.status.success() {
        bail!(
            "{} list failed: {}",
            binary.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    serde_json::from_slice(&out.stdout)
        .with_context(|| format!("reading {} list --format json", binary.display()))
}

/// The name of the variant that runs under `mpirun`, as the lab lists it.
pub fn mpi_variant(binary: &Path) -> Result<String> {
    variants(binary)?
        .into_iter()
        .find(|v| v.mpirun)
        .map(|v| v.name)
        .context("the lab lists no variant that runs under mpirun")
}

/// Prints one error line and returns exit code 2: the contract for bad input.
pub fn bad_input(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
