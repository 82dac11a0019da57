//! `mandel-lab history`: append the saved results to `reports/history.jsonl` (what `cargo xtask
//! report` does after every measurement), or print the history with its change points.

use super::out::outln;
use std::process::ExitCode;

use crate::profile::ProfileSummary;
use crate::record::history::{self, Entry};
use crate::record::results::Results;
use crate::render::report::RESULTS_FILE;

pub(super) use mandel_lab_options::HistoryArgs;

pub(super) fn run(args: HistoryArgs) -> anyhow::Result<ExitCode> {
    if args.append {
        crate::record::write::check_output_dir("--out", &args.out, &[history::HISTORY_FILE])?;
        let flamegraphs = mandel_lab_folder::physical(&args.flamegraphs);
        let revision = crate::record::output::OutputFolder::write_in(&args.out, |dir| {
            let results = Results::load(&dir.join(RESULTS_FILE))?;
            // A corrupt profile.json only loses the instruction counts of this line.
            let profiles = ProfileSummary::load(&flamegraphs).unwrap_or_else(|e| {
                eprintln!("warning: {e}; the history line has no instruction counts");
                None
            });
            history::append(dir, &Entry::new(&results, profiles.as_ref()))?;
            Ok(results.machine.git_revision)
        })?;
        eprintln!(
            "Appended {revision} to {}",
            args.out.join(history::HISTORY_FILE).display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let (entries, warnings) = history::load(&mandel_lab_folder::physical(&args.out))?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    if entries.is_empty() {
        outln!(
            "No history yet: {} has no entries. `cargo xtask report` appends one after every \
             measurement (or `mandel-lab history --append`, after a report).",
            args.out.join(history::HISTORY_FILE).display()
        )?;
    }
    for (i, e) in entries.iter().enumerate() {
        outln!(
            "{i:>3}  {}  {}  {}  {} variants",
            e.date,
            e.revision,
            e.problem,
            e.variants.len()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
