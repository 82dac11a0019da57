//! xtask's side of the transaction rule: a command that runs several lab steps into the same
//! folders (`report`: measure, mpi, profile, history, re-render; `sweep threads`: the sweep, then
//! one mpirun per rank count) stages those folders once, names the copies to every step in
//! `MANDEL_LAB_STAGED`, and commits them at the end only if every step succeeded. So the folders
//! change all at once or not at all, whatever step fails or is interrupted (see the
//! `mandel-lab-folder` crate).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use mandel_lab_folder::{STAGED_ENV, Transaction};

use crate::lab;

/// The staged folders of one xtask command. Dropped without [`commit`](Staged::commit), it
/// removes the copies (the folders stay as they were) and stops naming them to children.
pub struct Staged {
    transactions: Vec<Transaction>,
    /// The folders as the user named them, for messages.
    named: Vec<PathBuf>,
}

impl Staged {
    /// Stages `folders` (paths as the lab takes them, relative to its work folder): each is
    /// locked and copied; a folder inside another one given is covered by that one's copy. An
    /// error is one line: a folder another command is writing, or one that cannot be copied.
    pub fn begin(folders: &[&Path]) -> Result<Staged, String> {
        let base = lab::work_dir();
        let mut real: Vec<(PathBuf, PathBuf)> = Vec::new();
        for named in folders {
            let at = base.join(named);
            let canonical = std::fs::canonicalize(&at).unwrap_or_else(|_| at.clone());
            real.push((canonical, named.to_path_buf()));
        }
        // Outermost first; a folder within one already staged is covered by its copy.
        real.sort();
        let mut staged = Staged {
            transactions: Vec::new(),
            named: Vec::new(),
        };
        for (canonical, named) in real {
            if staged
                .transactions
                .iter()
                .any(|t| canonical.starts_with(t.folder()))
            {
                continue;
            }
            let txn = Transaction::begin(&base.join(&named)).map_err(|e| e.to_string())?;
            staged.transactions.push(txn);
            staged.named.push(named);
        }
        let value = Transaction::env(&staged.transactions.iter().collect::<Vec<_>>());
        // SAFETY: no other thread of xtask runs here (its signal handler only stores an atomic,
        // and each thread it starts, a reader of a child's pipe in `lab::run_rerender` or
        // `build::run_cargo`, is joined before that function returns), so nothing reads the
        // environment meanwhile; every child started from here on inherits the value.
        unsafe { std::env::set_var(STAGED_ENV, value) };
        Ok(staged)
    }

    /// Moves every staged folder into place, each all at once and one right after the other
    /// (the old contents are removed after the last). Refused once xtask has been interrupted:
    /// Ctrl-C after the last step still keeps the folders as they were.
    pub fn commit(mut self) -> Result<()> {
        if crate::interrupt::interrupted() {
            return Err(crate::interrupt::Interrupted.into());
        }
        for txn in &mut self.transactions {
            txn.swap()?;
        }
        Ok(())
    }

    /// Says, after a step ended with `code`, that the folders are as they were. Not after a
    /// refusal (exit code 2): its one line, the last, says all, and nothing had been written.
    pub fn say_kept(&self, code: ExitCode) {
        if code == ExitCode::from(2) {
            return;
        }
        let names: Vec<String> = self.named.iter().map(|n| n.display().to_string()).collect();
        let verb = if names.len() == 1 { "is" } else { "are" };
        eprintln!(
            "xtask: {} {verb} as before this command (nothing of this run was kept)",
            names.join(" and ")
        );
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // SAFETY: as in `begin`.
        unsafe { std::env::remove_var(STAGED_ENV) };
    }
}
