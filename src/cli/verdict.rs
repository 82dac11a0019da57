//! `mandel-lab verdict`: the verdict of a report folder's results ([`crate::render::verdict`]) on the
//! terminal; how `cargo xtask report` ends.

use std::process::ExitCode;

use super::out::out;
use crate::record::results::Results;
use crate::render::report::RESULTS_FILE;
use mandel_lab_folder::physical;

pub(super) fn run(args: mandel_lab_options::VerdictArgs) -> anyhow::Result<ExitCode> {
    let results = Results::load(&physical(&args.out).join(RESULTS_FILE))?;
    let verdict = crate::render::verdict::verdict(&results);
    out!("{}", crate::render::verdict::to_text(&verdict, 100))?;
    Ok(ExitCode::SUCCESS)
}
