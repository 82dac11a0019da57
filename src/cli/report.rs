//! `mandel-lab report`: validate and measure every available variant under criterion, then render
//! the HTML report and the tables; or, with `--render-only`, re-render from the saved JSON.

use super::out::{out, outln};
use std::process::ExitCode;

use super::ProblemSpec;
use super::progress::Quiet;
use crate::measure::stage::{self, MeasureOptions, Step};
use crate::record::measured::BenchSettings;
use crate::record::measured::QuickPlan;
use crate::record::output::OutputFolder;
use crate::record::results::{Pictures, Results};
use crate::render::export::{self, csv, json, markdown, terminal};
use crate::render::markup::relative_link;
use crate::render::report::{self, HTML_FILE, RESULTS_FILE};
use crate::sweep::Legacy;
use crate::{GridSpec, LabError, record::write};
use mandel_lab_folder::physical;

/// The iteration limit of `--quick` (unless `--maxiter` is given), shared by `profile --quick`
/// and `peers --quick`.
pub(super) const QUICK_MAXITER: u32 = crate::measure::budget::MAXITER;

/// The files `report` writes in its folder (criterion's own pages, in `criterion/`, aside).
const REPORT_FILES: [&str; 7] = [
    RESULTS_FILE,
    HTML_FILE,
    "results.md",
    "results.csv",
    stage::IMAGE_FILE,
    stage::WORK_IMAGE_FILE,
    super::progress::LOG_FILE,
];

pub(super) use mandel_lab_options::ReportArgs;
use mandel_lab_options::TableFormat;

/// Whether `--quick` sizes the grid to the machine (neither side was given on the command line).
fn quick_chooses_problem(args: &ReportArgs) -> bool {
    let given = args.problem.given();
    args.quick && !given.width && !given.height
}

pub(super) fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    write::check_output_dir("--out", &args.out, &REPORT_FILES)?;
    // Where `cargo xtask report` staged the folders, what it has written so far is in its copies.
    let (out, flamegraphs) = (physical(&args.out), physical(&args.flamegraphs));
    // A side file that cannot be used costs its section, said on the page (see `report::load`),
    // so it blocks neither the render nor the measurement, and `--check` leaves it to them.
    if args.check {
        if args.render_only {
            Results::load(&out.join(RESULTS_FILE))?;
        } else {
            let (spec, _) = plan(&args, None)?;
            spec.build()?;
            if let Some(list) = &args.cpus {
                crate::measure::affinity::parse(list)?;
            }
            stage::select(args.variants.as_deref())?;
            best_chunk(&out, &spec, Legacy::ReadOnly)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    // One transaction: the results, exports, pictures, page, criterion's folder and its log
    // appear together when the command succeeds, and not at all otherwise.
    let folder = OutputFolder::begin(&args.out)?;
    let staged = ReportArgs {
        out: folder.path().to_path_buf(),
        flamegraphs,
        ..args.clone()
    };
    let base = relative_link(&args.out, &args.flamegraphs);
    let result = write(&staged, &base);
    let code = folder.finish(result)?;
    if args.format == TableFormat::Table {
        outln!("Report written to {}", args.out.join(HTML_FILE).display())?;
    }
    Ok(code)
}

/// Measures (or loads) and renders into `args.out`, the staging copy of the report folder, with
/// the page's links to the profiles relative to `base`.
fn write(args: &ReportArgs, base: &str) -> anyhow::Result<ExitCode> {
    let results_path = args.out.join(RESULTS_FILE);
    let (results, pictures) = if args.render_only {
        (Results::load(&results_path)?, Pictures::default())
    } else if args.merge {
        // Read first, so that a missing or corrupt file is refused before anything runs.
        let mut results = Results::load(&results_path)?;
        // The problems compared before measuring too, so a refused merge writes nothing.
        let (spec, _) = plan(args, results.quick.as_ref())?;
        stage::check_merge(&results.problem.spec(), &spec)?;
        let (new, pictures) = measure(args, Some(spec))?;
        stage::merge(&mut results, new)?;
        results.save(&results_path)?;
        (results, pictures)
    } else {
        let (results, pictures) = measure(args, None)?;
        results.save(&results_path)?;
        // The folder holds this run's record alone: a work picture an earlier run of a
        // shortcut left is not this run's.
        if results.work_image.is_none() {
            remove_stale(&args.out.join(stage::WORK_IMAGE_FILE))?;
        }
        (results, pictures)
    };
    let peers =
        report::render_report_linking(&results, &pictures, &args.out, &args.flamegraphs, base)?
            .peers;
    let groups = export::groups_with_peers(&results, peers.as_ref());
    match args.format {
        TableFormat::Table => {
            let p = &results.problem;
            outln!(
                "{} x {} pixels, maxiter {}, reference sum {}{}\n",
                p.columns,
                p.rows,
                p.maxiter,
                p.reference_sum,
                p.known_sum
                    .map_or(String::new(), |k| format!(" (tutorial: {k})"))
            )?;
            out!("{}", terminal::render(&groups))?;
            // A merge warns of what it measured: the rest was warned of when it was measured
            // (`cargo xtask report` merges `mpi` into a report that has just said its warnings).
            // A re-render measured nothing, so it says none: `cargo xtask report` re-renders
            // after profiling, and the warnings the measurement said would come twice (the page
            // keeps them).
            let mut measured = results.clone();
            if args.render_only {
                measured.variants.clear();
            }
            if args.merge {
                let names: Vec<&str> = stage::select(args.variants.as_deref())?
                    .iter()
                    .map(|v| v.name)
                    .collect();
                measured
                    .variants
                    .retain(|v| names.contains(&v.info.name.as_str()));
            }
            for w in export::noise_warnings(&measured) {
                eprintln!("warning: {w}");
            }
            if peers.is_none() {
                outln!(
                    "The tutorial's Python is not measured here yet: {}",
                    crate::peers::HOW_TO_MEASURE
                )?;
            }
            outln!()?;
            out!(
                "{}",
                crate::render::verdict::to_text(&crate::render::verdict::verdict(&results), 100)
            )?;
        }
        TableFormat::Markdown => out!("{}", markdown::render(&groups))?,
        TableFormat::Csv => out!("{}", csv::render(&groups))?,
        TableFormat::Json => out!("{}", json::render(&groups))?,
    }
    Ok(if export::any_failed(&results) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Removes the file at `path` in the staging copy, where one is (a regular file: the output
/// rule refused anything else before the run).
fn remove_stale(path: &std::path::Path) -> Result<(), LabError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(LabError::Write {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// The problem and criterion settings the options ask for. Under `--quick` without a problem,
/// the problem is the one `quick` (a plan already made, for `--merge`) chose; without a plan it is
/// a stand-in that `measure` replaces with a fresh plan's.
fn plan(
    args: &ReportArgs,
    quick: Option<&QuickPlan>,
) -> Result<(GridSpec, Option<BenchSettings>), LabError> {
    let mut spec = args.problem.spec_for(args.quick, QUICK_MAXITER);
    if let Some(plan) = quick.filter(|_| quick_chooses_problem(args)) {
        spec = plan.spec(spec.region);
    }
    let mut settings = if args.quick {
        BenchSettings::QUICK
    } else {
        BenchSettings::FULL
    };
    settings = settings.with_samples(args.samples)?;
    for (name, value, slot) in [
        ("--warm-up", args.warm_up, &mut settings.warm_up_secs),
        (
            "--measurement",
            args.measurement,
            &mut settings.measurement_secs,
        ),
    ] {
        if let Some(v) = value {
            *slot = crate::measure::criterion::check_seconds(name, v)?;
        }
    }
    Ok((spec, (!args.no_criterion).then_some(settings)))
}

/// Measures what `args` ask for; `given` is the problem when it is already fixed (a merge).
fn measure(args: &ReportArgs, given: Option<GridSpec>) -> anyhow::Result<(Results, Pictures)> {
    let (mut spec, bench) = plan(args, None)?;
    // The grid is checked before anything is written (the log below is the first file).
    spec.build()?;
    let selection = stage::select(args.variants.as_deref())?;
    // Pinned before any thread is started, so that every pool the variants build runs there.
    let pinned = match &args.cpus {
        Some(list) => {
            crate::measure::affinity::pin(&crate::measure::affinity::parse(list)?)?;
            true
        }
        None => false,
    };
    let counters = crate::measure::counters::probe();
    if let Some(why) = &counters.refused {
        eprintln!("note: {why}");
    }
    let mut opts = MeasureOptions {
        out_dir: args.out.clone(),
        bench,
        tuning: Vec::new(),
        counters,
        pinned,
    };
    let mut quick = None;
    if let Some(given) = given {
        spec = given;
    } else if quick_chooses_problem(args) {
        if let Some(note) = args.problem.given().quick_note(&spec, true) {
            eprintln!("{note}.");
        }
        eprintln!("Calibrating --quick: every variant once on a small grid...");
        let chosen = crate::measure::budget::plan(
            &stage::runs(&selection, &opts),
            opts.bench.as_ref(),
            crate::measure::budget::BUDGET_SECS,
            &spec,
        )?;
        eprintln!("{}.", chosen.describe());
        spec = chosen.spec(spec.region);
        quick = Some(chosen);
    } else if let Some(note) =
        (args.problem.given().quick_note(&spec, false)).filter(|_| args.quick)
    {
        eprintln!("{note}.");
    }
    opts.tuning = best_chunk(&args.out, &spec, Legacy::Convert)?;
    let runs = stage::runs(&selection, &opts).len();
    let quiet = Quiet::start(&args.out.join(super::progress::LOG_FILE), runs as u64)?;
    let results = stage::measure_all(&spec, &selection, &opts, |step| match step {
        Step::Reference => quiet.message("computing the reference"),
        Step::Validating(v) => quiet.message(format!("validating {v}")),
        Step::Measuring(v) => quiet.message(format!("measuring {v} under criterion")),
        Step::Done(_) => quiet.inc(),
    });
    quiet.finish();
    let (mut results, pictures) = results?;
    results.quick = quick;
    Ok((results, pictures))
}

/// `vector-chunked` at the best size of a sweep of the same problem, where one was run. A sweep
/// file that cannot be used gives no best size: the page says why it left the sweep out.
fn best_chunk(
    dir: &std::path::Path,
    spec: &GridSpec,
    legacy: Legacy,
) -> Result<Vec<(&'static str, mandel_variants::Tuning)>, LabError> {
    let axis = crate::sweep::find_axis("chunks")?;
    let Ok(Some(sweep)) = crate::sweep::load_as(dir, axis, legacy) else {
        return Ok(Vec::new());
    };
    Ok(sweep
        .fastest()
        .filter(|_| sweep.spec == *spec)
        .and_then(|best| {
            let variant = mandel_variants::find(&best.variant)?;
            let tuning = mandel_variants::Tuning {
                chunk: Some(best.value),
                ..Default::default()
            };
            Some(vec![(variant.name, tuning)])
        })
        .unwrap_or_default())
}
