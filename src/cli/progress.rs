//! A progress bar that stays readable while criterion runs: criterion prints its analysis on
//! standard output and its progress on standard error, so both go to a log file for the duration,
//! and the bar draws on a copy of the terminal's standard error. Where no bar can be drawn
//! (standard error is not a terminal, or `TERM=dumb`), each step is one plain line there instead,
//! so that a long run is never silent; on a terminal without UTF-8 the spinner is ASCII.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::AsFd;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;

use crate::LabError;
use gag::Redirect;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The log of criterion's own output, in the output folder.
pub(super) const LOG_FILE: &str = "criterion.log";

/// The bar and the redirections; [`Quiet::finish`] clears the bar and restores the output.
pub(super) struct Quiet {
    bar: ProgressBar,
    /// The terminal's standard error, for the plain lines where the bar is hidden.
    plain: Option<File>,
    redirects: (Redirect<File>, Redirect<File>),
}

impl Quiet {
    /// Starts a bar of `len` steps and sends standard output and error to `log`.
    pub fn start(log: &Path, len: u64) -> anyhow::Result<Quiet> {
        // The output folder is the user's to name: a folder that cannot be made is bad input.
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LabError::Write { path, source }
        };
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir).map_err(write_err(dir))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(log)
            .map_err(write_err(log))?;
        let terminal: File = std::io::stderr()
            .as_fd()
            .try_clone_to_owned()
            .context("cannot duplicate standard error")?
            .into();
        let plain = terminal.try_clone().ok();
        let term = console::Term::read_write_pair(File::open("/dev/null")?, terminal);
        let mut style =
            ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg} ({elapsed})")
                .expect("static template")
                .progress_chars("=> ");
        if crate::render::export::terminal::plain_ascii() {
            style = style.tick_chars("|/-\\ ");
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::term(term, 10))
            .with_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        let plain = plain.filter(|_| bar.is_hidden());
        let redirects = (
            Redirect::stdout(file.try_clone()?).context("cannot redirect standard output")?,
            Redirect::stderr(file).context("cannot redirect standard error")?,
        );
        Ok(Quiet {
            bar,
            plain,
            redirects,
        })
    }

    /// The step now running: the bar's message, or a plain line where the bar is hidden.
    pub fn message(&self, text: impl Into<String>) {
        let text = text.into();
        if let Some(mut err) = self.plain.as_ref() {
            // A lost progress line is not worth failing the measurement for.
            let _ = writeln!(
                err,
                "[{}/{}] {text} ({} s)",
                self.bar.position() + 1,
                self.bar.length().unwrap_or(0),
                self.bar.elapsed().as_secs()
            );
        }
        self.bar.set_message(text);
    }

    /// One step done.
    pub fn inc(&self) {
        self.bar.inc(1);
    }

    /// Clears the bar and restores standard output and error.
    pub fn finish(self) {
        self.bar.finish_and_clear();
        drop(self.redirects);
    }
}
