//! `mandel-lab sweep <axis>`: any registered axis through the one engine, and the old names
//! `sweep-chunks`, `sweep-threads` and `sweep-sizes`, which are the same command with the axis's
//! old option for its values.

use super::out::outln;
use std::process::ExitCode;

use tabled::builder::Builder;

use super::ProblemSpec;
use super::progress::Quiet;
use crate::measure::stage;
use crate::record::measured::BenchSettings;
use crate::render::report::charts;
use crate::sweep::engine::Plan;
use crate::sweep::table::{self as tables, Table};
use crate::sweep::{self, Axis, Baseline};
use crate::{GridSpec, LabError, record::write};

use mandel_lab_options::SweepCommonArgs as CommonArgs;
pub(super) use mandel_lab_options::{
    SweepArgs, SweepChunksArgs as ChunksArgs, SweepSizesArgs as SizesArgs,
    SweepThreadsArgs as ThreadsArgs,
};

pub(super) fn run(args: SweepArgs) -> anyhow::Result<ExitCode> {
    let axis = sweep::find_axis(&args.axis)?;
    sweep_along(axis, "--values", args.values.as_deref(), args.common)
}

pub(super) fn run_chunks(args: ChunksArgs) -> anyhow::Result<ExitCode> {
    let axis = sweep::find_axis("chunks")?;
    sweep_along(axis, "--sizes", args.sizes.as_deref(), args.common)
}

pub(super) fn run_threads(args: ThreadsArgs) -> anyhow::Result<ExitCode> {
    let axis = sweep::find_axis("threads")?;
    sweep_along(axis, "--threads", args.threads.as_deref(), args.common)
}

pub(super) fn run_sizes(args: SizesArgs) -> anyhow::Result<ExitCode> {
    let axis = sweep::find_axis("sizes")?;
    sweep_along(axis, "--sizes", args.sizes.as_deref(), args.common)
}

/// Checks everything the user gave, measures, saves, prints.
fn sweep_along(
    axis: &'static dyn Axis,
    flag: &str,
    values: Option<&str>,
    args: CommonArgs,
) -> anyhow::Result<ExitCode> {
    let written = ["json", "csv", "svg"].map(|ext| format!("{}/{}.{ext}", sweep::DIR, axis.name()));
    let mut files: Vec<&str> = written.iter().map(String::as_str).collect();
    files.push(super::progress::LOG_FILE);
    write::check_output_dir("--out", &args.out, &files)?;
    let named = args.out.clone();
    // One transaction: the sweep's files, criterion's folder and its log appear together.
    crate::record::output::OutputFolder::write_in(&named, |dir| {
        let args = CommonArgs {
            out: dir.to_path_buf(),
            ..args
        };
        sweep_into(axis, flag, values, args, &named)
    })
}

/// Measures, saves and prints the sweep, with `args.out` the staging copy of the folder the user
/// named `named`.
fn sweep_into(
    axis: &'static dyn Axis,
    flag: &str,
    values: Option<&str>,
    args: CommonArgs,
    named: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let spec = problem(axis, &args)?;
    let values = match values {
        Some(text) => sweep::parse_values(axis, &spec, flag, text)?,
        None => axis.default_values(&spec, args.quick),
    };
    // A value whose grid cannot be built (too large for memory) is refused before measuring.
    let any = mandel_variants::VARIANTS[0];
    for &v in &values {
        axis.setup(&spec, v, any).0.build()?;
    }
    let variants = variants(axis, args.variants.as_deref())?;
    let mut settings = match args.quick {
        true => BenchSettings::QUICK,
        false => BenchSettings::SWEEP,
    };
    settings = settings.with_samples(args.samples)?;
    let earlier = match args.merge {
        true => Some(
            sweep::load(&args.out, axis)?
                .filter(|s| s.spec == spec)
                .ok_or_else(|| {
                    LabError::bad_input(format!(
                        "--merge needs a sweep of the same problem in {}: run sweep {} without \
                         --merge first",
                        sweep::json_path(&args.out, axis.name()).display(),
                        axis.name()
                    ))
                })?,
        ),
        false => None,
    };
    let plan = Plan {
        axis,
        spec,
        values,
        variants,
        settings,
        baseline_timing: earlier.as_ref().and_then(|e| e.baseline_timing.clone()),
    };
    let quiet = Quiet::start(
        &args.out.join(super::progress::LOG_FILE),
        plan.steps() as u64,
    )?;
    let mut first = true;
    let result = sweep::run(&plan, &args.out.join("criterion"), |label| {
        if !first {
            quiet.inc();
        }
        first = false;
        quiet.message(label);
    });
    quiet.finish();
    let sweep = match (result?, earlier) {
        (new, Some(mut earlier)) => {
            earlier.merge(new.points);
            earlier.set_efficiencies();
            earlier
        }
        (new, None) => new,
    };
    sweep.save(&args.out)?;
    let svg_path = sweep::file(&args.out, axis.name(), "svg");
    if let Some(chart) = axis.charts(&sweep).first()
        && let Some(svg) = charts::sweep_figure(&sweep, chart)
            .map_err(|e| LabError::bad_input(format!("cannot draw the sweep: {e}")))?
    {
        write::atomic_write(&svg_path, svg.as_bytes())?;
    }
    print(&tables::points(&sweep))?;
    if let Some(fits) = tables::fits(&sweep) {
        print(&fits)?;
    }
    if let Some(reading) = axis.reading(&sweep) {
        outln!("{reading}")?;
    }
    outln!(
        "Written {}, {} and {}",
        sweep::json_path(named, axis.name()).display(),
        sweep::file(named, axis.name(), "csv").display(),
        sweep::file(named, axis.name(), "svg").display()
    )?;
    Ok(super::exit_code_for_statuses(
        sweep.points.iter().map(|p| p.status),
    ))
}

/// The problem the sweep starts from: the options given, the axis's quick limit under `--quick`,
/// and none of the options the axis sets itself.
fn problem(axis: &dyn Axis, args: &CommonArgs) -> Result<GridSpec, LabError> {
    let p = &args.problem;
    let given = |flag: &str| match flag {
        "--maxiter" => p.maxiter != GridSpec::TUTORIAL.maxiter,
        "--width" => p.width != GridSpec::TUTORIAL.width,
        "--height" => p.height != GridSpec::TUTORIAL.height,
        _ => false,
    };
    if let Some(flag) = axis.sets().iter().find(|f| given(f)) {
        return Err(LabError::bad_input(format!(
            "sweep {}: {flag} is what this axis varies; give its values with --values",
            axis.name()
        )));
    }
    let spec = match axis.quick_maxiter() {
        Some(m) => p.spec_for(args.quick, m),
        None => p.spec(),
    };
    spec.build()?;
    Ok(spec)
}

/// The chosen variants (or the axis's own), each checked against the axis; a per-value baseline is
/// measured anyway and is left out of them.
fn variants(
    axis: &dyn Axis,
    names: Option<&str>,
) -> Result<Vec<&'static mandel_variants::Variant>, LabError> {
    // An empty list (refused on the command line) is the axis's own variants, as no option is.
    let names = stage::named(names);
    let mut variants = match names {
        Some(names) => stage::select(Some(names))?,
        None => axis.default_variants(),
    };
    if let Baseline::EachValue(base) = axis.baseline() {
        variants.retain(|v| *v != base);
    }
    for v in &variants {
        axis.check_variant(v)?;
        // Refused before anything is written, rather than failing half-way through the sweep.
        if let mandel_variants::Availability::Unavailable(why) = v.availability() {
            return Err(LabError::bad_input(format!(
                "sweep {}: variant {} is unavailable here: {why}",
                axis.name(),
                v.name
            )));
        }
    }
    if names.is_none() && variants.is_empty() {
        eprintln!(
            "note: no default variant of sweep {} can run here; measuring the baseline alone \
             (choose variants with --variants)",
            axis.name()
        );
    }
    Ok(variants)
}

fn print(table: &Table) -> Result<(), super::out::StdoutError> {
    let mut b = Builder::default();
    b.push_record(table.header.clone());
    for row in &table.rows {
        b.push_record(row.clone());
    }
    outln!("{}", crate::render::export::terminal::draw(b.build()))
}
