//! `cargo xtask peers`: with `--install`, a virtual environment in `target/peers-venv` with what
//! the peers import (pip: numpy, numexpr, cython, numba, ppft, setuptools); then `mandel-lab peers`,
//! which finds that environment by itself. The lab checks the other arguments before pip runs.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

use crate::{interrupt, lab};

/// What `--install` puts into the virtual environment.
const PACKAGES: &[&str] = &["numpy", "numexpr", "cython", "numba", "ppft", "setuptools"];

pub fn run(args: &[String]) -> Result<ExitCode> {
    let install = args.iter().any(|a| a == "--install");
    let rest: Vec<String> = args.iter().filter(|a| *a != "--install").cloned().collect();
    if !install || rest.iter().any(|a| a == "--help" || a == "-h") {
        return lab::build_and_run("peers", &rest);
    }
    // The environment is made from --python; the lab runs the peers in it.
    let in_venv = lab::options(&rest, &[("--python", true)], false);
    // The lab checks the other arguments first, so that a bad one is refused before pip runs.
    let binary = lab::build_release(&[])?;
    let mut check = lab::with_command("peers", &in_venv);
    check.push("--check-args".into());
    let checked = lab::run(&binary, &check)?;
    if checked != ExitCode::SUCCESS {
        return Ok(checked);
    }
    install_venv(&rest)?;
    lab::run(&binary, &lab::with_command("peers", &in_venv))
}

/// Creates `target/peers-venv` (with the Python given by `--python`, else python3) and installs
/// the packages into it with pip; says how to get PyPy where it is missing.
fn install_venv(args: &[String]) -> Result<()> {
    let python = lab::options(args, &[("--python", true)], true)
        .last()
        .map(|a| a.strip_prefix("--python=").unwrap_or(a).to_string())
        .unwrap_or_else(|| "python3".into());
    let venv = lab::root().join("target/peers-venv");
    if !venv.join("bin/python").exists() {
        eprintln!("xtask: creating {} with {python}", venv.display());
        let status = interrupt::status(Command::new(&python).arg("-m").arg("venv").arg(&venv))
            .with_context(|| format!("running {python} (install Python 3, or give --python)"))?;
        if !status.success() {
            bail!(
                "{python} -m venv failed ({status}); on Debian: sudo apt-get install python3-venv"
            );
        }
    }
    eprintln!("xtask: pip install {}", PACKAGES.join(" "));
    let pip = venv.join("bin/pip");
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
