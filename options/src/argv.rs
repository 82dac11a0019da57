//! The way back from parsed options to the lab's command line.
//!
//! Every value is written in the `--name=value` form, so a value that begins with a hyphen (a
//! negative bound of `--region`, a folder named `-x`) is never read as an option of its own.

use std::fmt::Display;
use std::path::Path;

/// A struct of options that can be written back as the lab's command line: parsing
/// [`to_argv`](ToArgv::to_argv)'s result gives the struct again.
pub trait ToArgv {
    /// Appends this struct's options to `argv`.
    fn write_argv(&self, argv: &mut Argv);

    /// This struct's options as arguments (without the command's name).
    fn to_argv(&self) -> Vec<String> {
        let mut argv = Argv::default();
        self.write_argv(&mut argv);
        argv.into_vec()
    }
}

/// A command line being written: options in the `--name=value` form.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Argv(Vec<String>);

impl Argv {
    /// A positional argument, as it is.
    pub fn positional(&mut self, value: &str) {
        self.0.push(value.to_string());
    }

    /// `name` alone when `on`.
    pub fn flag(&mut self, name: &str, on: bool) {
        if on {
            self.0.push(name.to_string());
        }
    }

    /// `name=value`.
    pub fn value(&mut self, name: &str, value: impl Display) {
        self.0.push(format!("{name}={value}"));
    }

    /// `name=value` where there is a value.
    pub fn some(&mut self, name: &str, value: Option<impl Display>) {
        if let Some(value) = value {
            self.value(name, value);
        }
    }

    /// `name=path`. The path is written as text: xtask refuses arguments that are not UTF-8, so
    /// every path it passes on is text already.
    pub fn path(&mut self, name: &str, path: &Path) {
        self.value(name, path.display());
    }

    /// `name=path` where there is a path.
    pub fn some_path(&mut self, name: &str, path: Option<&Path>) {
        if let Some(path) = path {
            self.path(name, path);
        }
    }

    /// The structs' options, appended.
    pub fn args(&mut self, args: &dyn ToArgv) {
        args.write_argv(self);
    }

    /// The arguments written.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

/// A struct of options as a command line without them gives it: its defaults, which are written
/// once, in its clap attributes. An error only where the struct has a required option.
pub fn defaults<T: clap::Args + clap::FromArgMatches>() -> Result<T, clap::Error> {
    parse_args(&[])
}

/// A struct of options parsed from `args` alone (no command name): for a struct with a required
/// option, its defaults with that option given.
pub fn parse_args<T: clap::Args + clap::FromArgMatches>(args: &[&str]) -> Result<T, clap::Error> {
    let command = T::augment_args(clap::Command::new("defaults").no_binary_name(true));
    T::from_arg_matches(&command.try_get_matches_from(args)?)
}
