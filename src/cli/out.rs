//! Standard output that fails politely: `println!` panics when the write fails ("failed
//! printing to stdout"), with a backtrace, which is what `mandel-lab list | head -c 400` (a
//! reader that closes early) and `mandel-lab list > /dev/full` used to show.
//!
//! Every command prints through [`out!`] and [`outln!`], which return the error instead. At the
//! end, [`super::lab_main`] turns it into the contract: a closed pipe (EPIPE) ends the command
//! quietly with exit code 0, as `ripgrep` and `git` do (the reader has what it wanted); any other
//! failure (a full disk, a closed descriptor) is one line, `error: cannot write to standard
//! output: ...`, and exit code 1.

use std::io::{self, Write};

/// A failed write to standard output.
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output: {0}")]
pub struct StdoutError(#[source] pub io::Error);

impl StdoutError {
    /// True when the reader closed the pipe: not an error the user needs to hear about.
    pub fn is_broken_pipe(&self) -> bool {
        self.0.kind() == io::ErrorKind::BrokenPipe
    }
}

/// Writes `args` to standard output and flushes it.
pub fn write(args: std::fmt::Arguments<'_>) -> Result<(), StdoutError> {
    let mut out = io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.flush())
        .map_err(StdoutError)
}

/// `print!` that returns a [`StdoutError`] instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::out::write(format_args!($($arg)*))
    };
}

/// `println!` that returns a [`StdoutError`] instead of panicking.
macro_rules! outln {
    () => {
        $crate::cli::out::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::out::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};
