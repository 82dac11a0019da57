//! `cargo xtask report`: build in release and run `mandel-lab report` with the given options.

use std::process::ExitCode;

use anyhow::Result;

use crate::lab;

pub fn run(args: &[String]) -> Result<ExitCode> {
    let binary = lab::build_release(&[])?;
    let mut full = vec!["report".to_string()];
    full.extend_from_slice(args);
    lab::run(&binary, &full)
}
