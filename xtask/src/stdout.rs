//! xtask's own standard output, written so that it never panics.
//!
//! `print!` panics when the write fails: `cargo xtask help | head -0` (a reader that closes at
//! once) or `> /dev/full` ended in a panic message. Here a write returns an error that the
//! command passes up to `main`: a closed pipe ends the command quietly with exit 0, as ripgrep
//! does (the reader has what it wanted), and any other failure is one line and exit 1.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

/// A failed write to standard output; `main` turns it into [`StdoutError::exit`].
#[derive(Debug)]
pub struct StdoutError(pub io::Error);

impl fmt::Display for StdoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write to standard output: {}", self.0)
    }
}

impl std::error::Error for StdoutError {}

impl StdoutError {
    /// Exit 0 and nothing said for a closed pipe; otherwise one `error:` line and exit 1.
    pub fn exit(&self) -> ExitCode {
        if self.0.kind() == io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
        eprintln!("error: {self}");
        ExitCode::FAILURE
    }
}

/// Writes `text` to standard output and flushes it, so that a full disk is seen here and not
/// lost when the buffer is dropped at exit.
pub fn print(text: impl fmt::Display) -> Result<(), StdoutError> {
    let mut out = io::stdout().lock();
    write!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(StdoutError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_exits_0_and_other_failures_exit_1() {
        let pipe = StdoutError(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(pipe.exit(), ExitCode::SUCCESS);
        let full = StdoutError(io::Error::from_raw_os_error(libc::ENOSPC));
        assert_eq!(full.exit(), ExitCode::FAILURE);
        assert!(
            full.to_string()
                .starts_with("cannot write to standard output: ")
        );
    }
}
