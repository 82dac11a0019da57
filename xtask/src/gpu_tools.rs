//! `cargo xtask gpu-tools`: the pieces of the CUDA toolchain that work without a GPU, installed
//! from NVIDIA's PyPI wheels into `target/gpu-tools/`, where the lab finds them by itself.
//!
//! No machine the lab's tests run on has a GPU or a CUDA toolkit, so nothing would otherwise
//! check that `variants/src/gpu/mandel.cu` compiles. NVRTC (which compiles the kernels at run
//! time), ptxas (PTX to machine code, with each kernel's registers and spills) and nvdisasm (the
//! machine code as SASS) all run on a CPU, and NVIDIA publishes each as a wheel: pip installs
//! them into one folder with `--target`, no virtual environment and no root. The layout below
//! is the wheels'; `variants/src/gpu/tools.rs` reads the same three paths.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};

use clap::Args;

use crate::{interrupt, lab, stdout};

/// The environment variable that names the tools' folder instead of `<target>/gpu-tools`; the
/// lab reads it too.
const TOOLS_ENV: &str = "MANDEL_LAB_GPU_TOOLS";

/// What pip installs: NVRTC and ptxas of CUDA 12 (the version cudarc is built against), and
/// nvdisasm, which NVIDIA publishes as a wheel only from CUDA 13 (it reads sm_80 and sm_90
/// machine code all the same).
const PACKAGES: &[&str] = &[
    "nvidia-cuda-nvrtc-cu12>=12,<13",
    "nvidia-cuda-nvcc-cu12>=12,<13",
    "nvidia-cuda-nvdisasm>=13,<14",
];

/// Each tool and its path inside the folder, as the wheels lay them out.
const TOOLS: &[(&str, &str)] = &[
    ("nvrtc", "nvidia/cuda_nvrtc/lib/libnvrtc.so.12"),
    ("ptxas", "nvidia/cuda_nvcc/bin/ptxas"),
    ("nvdisasm", "nvidia/cu13/bin/nvdisasm"),
];

/// `cargo xtask gpu-tools`.
///
/// Without --install: says where NVRTC, ptxas and nvdisasm are found and which are missing (exit 1
/// when any is). With --install, where any is missing: pip installs all three from PyPI into
/// target/gpu-tools/ ($MANDEL_LAB_GPU_TOOLS where set), with python3 or --python PATH; quick when
/// all are there already. The lab and `cargo test --test gpu_compile` find them there.
#[derive(Debug, Args)]
pub struct GpuToolsArgs {
    /// pip install the missing tools into target/gpu-tools/.
    #[arg(long)]
    pub install: bool,
    /// The Python whose pip installs them.
    #[arg(long, value_name = "PATH", default_value = "python3",
          value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub python: String,
}

pub fn run(args: &GpuToolsArgs) -> Result<ExitCode> {
    let (install, python) = (args.install, &args.python);
    let dir = tools_dir();
    if install {
        if missing(&dir).is_empty() {
            eprintln!("xtask: the GPU tools are in {} already", dir.display());
        } else if !runnable(python) {
            return Ok(lab::bad_input(&format!(
                "--python {python}: no such program (give the path of a Python 3 interpreter)"
            )));
        } else {
            install_into(&dir, python)?;
        }
    }
    report(&dir)
}

/// Whether `program` names a file to run: a path with a `/` as it is, a bare name on `$PATH`.
fn runnable(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// `$MANDEL_LAB_GPU_TOOLS`, else `<target>/gpu-tools`.
fn tools_dir() -> PathBuf {
    match std::env::var_os(TOOLS_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => lab::target_dir().join("gpu-tools"),
    }
}

/// The tools not in `dir`.
fn missing(dir: &Path) -> Vec<&'static str> {
    TOOLS
        .iter()
        .filter(|(_, path)| !dir.join(path).is_file())
        .map(|(name, _)| *name)
        .collect()
}

/// Prints each tool's path or "missing"; exit 1 when any is missing.
fn report(dir: &Path) -> Result<ExitCode> {
    let mut text = format!("GPU tools in {}\n", dir.display());
    for (name, path) in TOOLS {
        let path = dir.join(path);
        let state = if path.is_file() {
            path.display().to_string()
        } else {
            "missing".to_string()
        };
        text.push_str(&format!("  {name:<9} {state}\n"));
    }
    let missing = missing(dir);
    if !missing.is_empty() {
        text.push_str(&format!(
            "missing: {}; install: cargo xtask gpu-tools --install\n",
            missing.join(", ")
        ));
    }
    stdout::print(text)?;
    Ok(if missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Installs every package into `<dir>.partial` and moves it to `dir` only once all three tools
/// are there, so that an interrupted or failed install leaves the previous folder as it was.
fn install_into(dir: &Path, python: &str) -> Result<()> {
    let pip = pip(python)?;
    let partial = dir.with_extension("partial");
    if partial.exists() {
        std::fs::remove_dir_all(&partial)
            .with_context(|| format!("cannot remove {}", partial.display()))?;
    }
    eprintln!(
        "xtask: pip install --target {} {} (about 140 MB to download)",
        partial.display(),
        PACKAGES.join(" ")
    );
    let status = interrupt::status(
        Command::new(&pip[0])
            .args(&pip[1..])
            // pip's warning about running as root says nothing useful for a --target install.
            .env("PIP_ROOT_USER_ACTION", "ignore")
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
            ])
            .arg("--target")
            .arg(&partial)
            .args(PACKAGES),
    )
    .with_context(|| format!("running {}", pip.join(" ")))?;
    if !status.success() {
        bail!(
            "pip install of the GPU tools failed ({status}); it needs network access to PyPI \
             (packages: {})",
            PACKAGES.join(" ")
        );
    }
    let absent = missing(&partial);
    if !absent.is_empty() {
        bail!(
            "pip installed the wheels but {} is not where expected in {}: the wheels' layout has \
             changed, update TOOLS in xtask/src/gpu_tools.rs and variants/src/gpu/tools.rs",
            absent.join(", "),
            partial.display()
        );
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    std::fs::rename(&partial, dir)
        .with_context(|| format!("cannot move {} to {}", partial.display(), dir.display()))
}

/// The command that runs pip: `python -m pip` where that works, else the pip of a virtual
/// environment made with `python` in `<target>/gpu-tools-pip` (Debian's python3 comes without
/// pip, but with python3-venv its virtual environments have one).
fn pip(python: &str) -> Result<Vec<String>> {
    let works = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if works(python, &["-m", "pip", "--version"]) {
        return Ok(vec![python.into(), "-m".into(), "pip".into()]);
    }
    let venv = lab::target_dir().join("gpu-tools-pip");
    let venv_pip = venv.join("bin/pip");
    if !venv_pip.is_file() {
        eprintln!("xtask: {python} has no pip; creating {}", venv.display());
        let status = interrupt::status(Command::new(python).arg("-m").arg("venv").arg(&venv))
            .with_context(|| format!("running {python} (install Python 3, or give --python)"))?;
        if !status.success() {
            bail!(
                "{python} has no pip and {python} -m venv failed ({status}); on Debian: sudo \
                 apt-get install python3-pip (or python3-venv)"
            );
        }
    }
    Ok(vec![venv_pip.display().to_string()])
}
