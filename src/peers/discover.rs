//! What is installed: the Python interpreters, their modules, a C compiler; and why a peer
//! cannot run here, with the line that installs what it lacks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;

use super::registry::{Interpreter, Peer};
use crate::LabError;

/// The line that installs the Python modules the peers use.
pub fn install_line() -> String {
    format!(
        "cargo xtask peers --install (a virtual environment in target/peers-venv with {})",
        mandel_lab_options::PYTHON_MODULES.join(", ")
    )
}
/// The line that installs PyPy.
pub const INSTALL_PYPY: &str = "sudo apt-get install pypy3 (Debian/Ubuntu; elsewhere \
                                https://pypy.org/download.html)";

/// The virtual environment `cargo xtask peers --install` creates, relative to the workspace.
pub const VENV: &str = "target/peers-venv";

/// One interpreter found here, with what it can import.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Python {
    #[serde(skip)]
    pub path: PathBuf,
    /// `CPython 3.11.7`, `PyPy 7.3.11 (Python 3.9.16)`.
    pub version: String,
    /// Importable modules of those the peers use, with their versions.
    pub modules: BTreeMap<String, String>,
    /// The C compiler extensions would be built with, where it is on the PATH.
    pub cc: Option<String>,
}

/// The interpreters found here; `None` where one is missing, with why.
#[derive(Debug, Clone)]
pub struct Toolbox {
    pub cpython: Result<Python, String>,
    pub pypy: Result<Python, String>,
}

const PROBE: &str = r#"
import importlib, json, platform, shutil, sys, sysconfig
mods = {}
for m in sys.argv[1:]:
    try:
        mods[m] = str(importlib.import_module(m).__version__)
    except Exception:
        pass
version = platform.python_implementation() + " " + platform.python_version()
if hasattr(sys, "pypy_version_info"):
    v = sys.pypy_version_info
    version = "PyPy %d.%d.%d (Python %s)" % (v.major, v.minor, v.micro, platform.python_version())
cc = ((sysconfig.get_config_var("CC") or "cc").split() or ["cc"])[0]
print(json.dumps({"version": version, "modules": mods, "cc": shutil.which(cc)}))
"#;

impl Toolbox {
    /// Finds the interpreters: CPython from `python` (refused as bad input when it does not
    /// run), else the lab's virtual environment under `workspace`, else `python3` on the PATH;
    /// PyPy as `pypy3` on the PATH.
    pub fn find(python: Option<&Path>, workspace: &Path) -> Result<Toolbox, LabError> {
        let cpython = match python {
            Some(path) => Ok(probe(path).map_err(|why| {
                LabError::bad_input(format!("--python {}: {why}", path.display()))
            })?),
            None => {
                let venv = workspace.join(VENV).join("bin/python");
                if venv.exists() {
                    probe(&venv)
                } else {
                    probe(Path::new("python3")).map_err(|why| {
                        format!(
                            "python3 not found ({why}): install Python 3 (Debian: sudo apt-get \
                             install python3), or give one with --python PATH"
                        )
                    })
                }
            }
        };
        let pypy = probe(Path::new("pypy3"))
            .map_err(|why| format!("pypy3 not found ({why}): {INSTALL_PYPY}"));
        Ok(Toolbox { cpython, pypy })
    }

    /// The interpreter `peer` runs under, or why it cannot run here and what installs it.
    pub fn for_peer(&self, peer: &Peer) -> Result<&Python, String> {
        let python = match peer.interpreter {
            Interpreter::CPython => self.cpython.as_ref(),
            Interpreter::PyPy => self.pypy.as_ref(),
        }
        .map_err(Clone::clone)?;
        let missing: Vec<&str> = peer
            .modules
            .iter()
            .copied()
            .filter(|m| !python.modules.contains_key(*m))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "{} not installed for {}: {}",
                missing.join(", "),
                python.path.display(),
                install_line()
            ));
        }
        if peer.needs_cc && python.cc.is_none() {
            return Err(
                "no C compiler for Cython to build with: sudo apt-get install gcc \
                        (Debian/Ubuntu)"
                    .into(),
            );
        }
        Ok(python)
    }
}

/// Runs the probe under `path`: what it is and what it can import.
fn probe(path: &Path) -> Result<Python, String> {
    let mut cmd = Command::new(path);
    cmd.args(["-c", PROBE])
        .args(mandel_lab_options::PYTHON_MODULES);
    let out =
        super::run::output_within(&mut cmd, Duration::from_secs(120)).map_err(|e| e.to_string())?;
    if !out.success {
        return Err(format!(
            "it does not run: {}",
            super::run::last_line(&out.stderr).unwrap_or("no message")
        ));
    }
    let line = super::run::last_line(&out.stdout).unwrap_or("");
    let mut python: Python = serde_json::from_str(line)
        .map_err(|e| format!("it is not a Python the lab can use ({e})"))?;
    python.path = path.to_path_buf();
    Ok(python)
}
