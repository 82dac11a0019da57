//! `mandel-lab peers`: the tutorial's own Python programs, run on this machine today, validated
//! against the reference and written to `reports/peers.json` for the report.

use super::out::outln;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tabled::builder::Builder;

use super::ProblemSpec;
use crate::LabError;
use crate::peers::{self, Options, Step, Toolbox};

pub(super) use mandel_lab_options::PeersArgs;

pub(super) fn run(args: PeersArgs) -> anyhow::Result<ExitCode> {
    crate::record::write::check_output_dir("--out", &args.out, &[peers::JSON_FILE])?;
    let spec = args
        .problem
        .spec_for(args.quick, super::report::QUICK_MAXITER);
    spec.build()?;
    let selection = peers::select(args.peers.as_deref())?;
    if args.repeat == Some(0) || args.timeout == 0 {
        return Err(LabError::bad_input("--repeat and --timeout must be at least 1").into());
    }
    if args.check_args {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(note) = (args.problem.given().quick_note(&spec, false)).filter(|_| args.quick) {
        eprintln!("{note}.");
    }
    // The peer programs and the lab's Python scratch live in the checkout `cargo xtask` names
    // (else the one the lab was built from), whatever folder the lab runs in.
    let Some(workspace) = crate::profile::workspace() else {
        return Err(LabError::bad_input(format!(
            "cannot find the workspace with the peers' programs: set {} to a mandel-lab \
             checkout, or run cargo xtask peers",
            crate::profile::WORKSPACE_ENV
        ))
        .into());
    };
    let workspace = workspace.as_path();
    let tools = Toolbox::find(args.python.as_deref(), workspace)?;
    let opts = Options {
        scripts: args
            .scripts
            .unwrap_or_else(|| workspace.join("peers/python")),
        build_dir: workspace.join("target/peers-build"),
        repeat: args.repeat.or(args.quick.then_some(2)),
        timeout: Duration::from_secs(args.timeout),
    };
    let bar = ProgressBar::new(selection.len() as u64).with_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg} ({elapsed})")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let results = peers::measure(&spec, &selection, &tools, &opts, |step| match step {
        Step::Reference => bar.set_message("computing the reference"),
        Step::Running(p) => bar.set_message(format!("running {} ({})", p.name, p.script)),
        Step::Done(_) => bar.inc(1),
    });
    bar.finish_and_clear();
    let results = results?;
    crate::record::output::OutputFolder::write_in(&args.out, |dir| Ok(results.save(dir)?))?;
    let p = &results.problem;
    outln!(
        "The tutorial's Python on this machine: {} x {} pixels, maxiter {}, reference sum {}; \
         kernel seconds measured inside each program\n",
        p.columns,
        p.rows,
        p.maxiter,
        p.reference_sum
    )?;
    let mut b = Builder::default();
    b.push_record([
        "peer",
        "tool",
        "median ± spread",
        "runs",
        "validation sum",
        "status",
        "exactness",
        "Rust variant",
    ]);
    for r in &results.peers {
        b.push_record([
            r.name.clone(),
            r.tool_cell(),
            r.time_cell(),
            format!(
                "{}{}",
                r.samples.len(),
                if r.warmup_excluded { " + warm-up" } else { "" }
            ),
            r.validation
                .as_ref()
                .map_or("-".into(), |v| v.validation_sum.to_string()),
            r.status.label().into(),
            // The reason is said once, below the table.
            match &r.validation {
                Some(v) if v.mismatched_pixels > 0 => {
                    format!("inexact: {} pixels differ", v.mismatched_pixels)
                }
                _ => r.exactness.clone(),
            },
            r.variant.clone(),
        ]);
    }
    outln!("{}", crate::render::export::terminal::draw(b.build()))?;
    for r in results.peers.iter().filter(|r| r.reason.is_some()) {
        outln!(
            "  {} {}: {}",
            r.status.label(),
            r.name,
            r.reason.as_deref().unwrap_or("")
        )?;
    }
    outln!(
        "Written to {}; `cargo xtask report` (or --render-only) shows them beside 2011 and Rust.",
        args.out.join(peers::JSON_FILE).display()
    )?;
    Ok(super::exit_code_for_statuses(
        results.peers.iter().map(|r| r.status),
    ))
}
