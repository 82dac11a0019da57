//! `cargo xtask sweep-threads`: build in release and run `mandel-lab sweep-threads`.

use std::process::ExitCode;

use anyhow::Result;

use crate::lab;

pub fn run(args: &[String]) -> Result<ExitCode> {
    let binary = lab::build_release(&[])?;
    lab::run(&binary, &lab::with_command("sweep-threads", args))
}
