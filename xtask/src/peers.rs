//! `cargo xtask peers`: with `--install`, a virtual environment in `target/peers-venv` with what
//! the peers import (pip: numpy, numexpr, cython, numba, ppft, setuptools); then `mandel-lab peers`,
//! which finds that environment by itself. The lab checks the other arguments before pip runs.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::{interrupt, lab};

/// What `--install` puts into the virtual environment: every module a peer imports.
use mandel_lab_options::PYTHON_MODULES as PACKAGES;

/// `cargo xtask peers`: the lab's `peers` options, and xtask's `--install`.
#[derive(Debug, Args)]
pub struct PeersCommand {
    #[command(flatten)]
    pub lab: mandel_lab_options::PeersArgs,
    /// First make target/peers-venv (with --python, else python3) and pip install numpy,
    /// numexpr, cython, numba, ppft and setuptools into it; the lab then runs the peers there.
    #[arg(long, help_heading = "xtask options")]
    pub install: bool,
}

pub fn run(args: &PeersCommand) -> Result<ExitCode> {
    if !args.install {
        return lab::build_and_run(&["peers"], &args.lab);
    }
    // The environment is made from --python; the lab runs the peers in it.
    let python = python_of(&args.lab);
    if !runnable(&python) {
        return Ok(lab::bad_input(&format!(
            "--python {python}: no such program (give the path of a Python 3 interpreter)"
        )));
    }
    let in_venv = mandel_lab_options::PeersArgs {
        python: None,
        ..args.lab.clone()
    };
    // The lab checks the other arguments first, so that a bad one is refused before pip runs.
    let binary = lab::build_release(&[])?;
    let check = mandel_lab_options::PeersArgs {
        check_args: true,
        ..in_venv.clone()
    };
    let checked = lab::run(&binary, &lab::argv(&["peers"], &check))?;
    if checked != ExitCode::SUCCESS {
        return Ok(checked);
    }
    install_venv(&python)?;
    lab::run(&binary, &lab::argv(&["peers"], &in_venv))
}

/// The Python `--python` names, else `python3`.
fn python_of(args: &mandel_lab_options::PeersArgs) -> String {
    args.python
        .as_ref()
        .map_or_else(|| "python3".into(), |p| p.display().to_string())
}

/// Whether `program` names a file to run: a path with a `/` as it is, a bare name on `$PATH`.
/// Checked before anything is built, so that a mistyped `--python` is bad input, not a failure
/// of `python -m venv` after the build.
fn runnable(program: &str) -> bool {
    if program.contains('/') {
        return std::path::Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Creates `target/peers-venv` (with the Python given by `--python`, else python3) and installs
/// the packages into it with pip; says how to get PyPy where it is missing.
fn install_venv(python: &str) -> Result<()> {
    let venv = lab::root().join("target/peers-venv");
    let pip = venv.join("bin/pip");
    // pip comes last in `python -m venv`: one that was interrupted (Ctrl-C, a full disk) left a
    // folder with a Python and no pip, and every later run failed on it. Made again, cleared.
    if !venv.join("bin/python").exists() || !pip.is_file() {
        eprintln!("xtask: creating {} with {python}", venv.display());
        let venv_args = ["-m", "venv", "--clear"];
        let status = interrupt::status(Command::new(python).args(venv_args).arg(&venv))
            .with_context(|| format!("running {python} (install Python 3, or give --python)"))?;
        if !status.success() {
            bail!(
                "{python} -m venv failed ({status}); on Debian: sudo apt-get install python3-venv"
            );
        }
    }
    eprintln!("xtask: pip install {}", PACKAGES.join(" "));
    let status = interrupt::status(
        Command::new(&pip)
            .args(["install", "--quiet", "--upgrade"])
            .args(PACKAGES),
    )
    .with_context(|| format!("running {}", pip.display()))?;
    if !status.success() {
        bail!("pip install failed ({status}); it needs network access to PyPI");
    }
    let pypy = Command::new("pypy3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !pypy {
        eprintln!(
            "xtask: PyPy not found; for the PyPy peers: sudo apt-get install pypy3 (Debian), \
             or see https://pypy.org/download.html"
        );
    }
    Ok(())
}
