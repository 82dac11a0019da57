//! The measurement stage: every selected variant validated once on one problem, then timed under
//! criterion, and everything recorded in [`Results`].

use std::path::PathBuf;

use mandel_variants::parallel::mpi_jobs;
use mandel_variants::simd::Isa;
use mandel_variants::{Tuning, VARIANTS, Variant};

use crate::measure::criterion;

use crate::problem::validate;
use crate::record::machine::Machine;
use crate::record::measured::BenchSettings;
use crate::record::measured::Status;
use crate::record::ranks::RankInfo;
use crate::record::results::{
    Pictures, ProblemInfo, Results, TuningInfo, VariantInfo, VariantResult, WorkInfo,
};
use crate::{
    Grid, GridSpec, LabError, measure::once, problem::known, problem::reference, render::image,
};

/// File name of the Mandelbrot picture inside the report folder.
pub const IMAGE_FILE: &str = "mandelbrot.png";

/// File name of the picture of who decides each pixel, and at what cost, inside the report
/// folder: made where a variant that skips work was measured.
pub const WORK_IMAGE_FILE: &str = "work.png";

/// Resolves a comma-separated list of variant names; `None` or an empty list selects every variant.
pub fn select(names: Option<&str>) -> Result<Vec<&'static Variant>, LabError> {
    let Some(names) = named(names) else {
        return Ok(VARIANTS.to_vec());
    };
    names.split(',').map(|n| find_variant(n.trim())).collect()
}

/// The list `--variants` gives, or `None` for the command's default (for `report`, every variant).
/// The command line never gives an empty list (`mandel_lab_options::variant_list` refuses it, for
/// the lab and xtask alike); one made in code is read as no list, never as an empty selection.
pub fn named(list: Option<&str>) -> Option<&str> {
    list.filter(|l| !l.trim().is_empty())
}

/// Looks a variant up by name; an unknown name is bad input that lists the known ones.
pub fn find_variant(name: &str) -> Result<&'static Variant, LabError> {
    mandel_variants::find(name).ok_or_else(|| {
        LabError::bad_input(format!(
            "unknown variant '{name}'; known variants: {}",
            mandel_variants::names()
        ))
    })
}

/// Where the measurement writes and how it samples.
#[derive(Debug, Clone)]
pub struct MeasureOptions {
    /// The report folder: criterion's files go here (the picture is written by the render stage).
    pub out_dir: PathBuf,
    /// Criterion's settings; `None` runs each variant once, untimed by criterion.
    pub bench: Option<BenchSettings>,
    /// Tuning for named variants (e.g. `vector-chunked` at the sweep's best size); the others
    /// run with their defaults.
    pub tuning: Vec<(&'static str, Tuning)>,
    /// What the kernel's counters can count here ([`crate::measure::counters::probe`], done by the
    /// caller before its progress bar, so that a refusal is said on the terminal).
    pub counters: crate::measure::counters::Support,
    /// Whether `--cpus` pinned the process (recorded with the results).
    pub pinned: bool,
}

impl MeasureOptions {
    /// The tuning `variant` runs with.
    pub fn tuning_for(&self, variant: &str) -> Tuning {
        self.tuning
            .iter()
            .find(|(name, _)| *name == variant)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }
}

/// What the measurement is doing, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Reference,
    Validating(&'a str),
    Measuring(&'a str),
    Done(&'a str),
}

/// Validates and measures every variant in `selection` on `spec`, in registry order.
///
/// The reference is computed first and checked against the tutorial's published answer. Each
/// available variant is then run once and compared with it pixel for pixel; a variant that fails
/// validation is recorded as FAIL and not timed. The others are timed under criterion. Unavailable
/// variants are recorded as skipped with their reason.
pub fn measure_all(
    spec: &GridSpec,
    selection: &[&'static Variant],
    opts: &MeasureOptions,
    mut progress: impl FnMut(Step<'_>),
) -> Result<(Results, Pictures), LabError> {
    let grid = spec.build()?;
    let meter = crate::measure::conditions::Meter::start();
    progress(Step::Reference);
    let reference = reference::compute(&grid.problem());
    let known = known::lookup(spec);
    if !validate::reference_matches_known(&reference, known) {
        return Err(LabError::bad_input(format!(
            "the reference gives {} on this problem, the tutorial published {:?}: the lab is broken",
            reference.validation_sum,
            known.map(|k| k.validation_sum)
        )));
    }
    // The picture is kept, not written: it belongs with the results and the page, and the render
    // stage writes it with them (a run stopped before then leaves the old report whole).
    let picture = image::encode_png(&reference.counts, grid.columns(), spec.maxiter);
    let group = format!("{}x{}x{}", spec.width, spec.height, spec.maxiter);
    let criterion_dir = opts.out_dir.join("criterion");
    let runs = runs(selection, opts);
    let mut variants = Vec::with_capacity(runs.len());
    for (variant, tuning) in runs {
        let id = bench_id(variant.name, &tuning);
        let mut result = VariantResult {
            info: VariantInfo::new(variant),
            tuning: TuningInfo::from(&tuning),
            status: Status::Skip,
            validation: None,
            first_run_seconds: None,
            timing: None,
            kernel_timing: None,
            isa: None,
            speedup_vs_naive: None,
            error: None,
            work: None,
            ranks: None,
            breakdown: None,
            account: None,
        };
        if result.info.available {
            let bench = opts.bench.as_ref().map(|settings| once::Bench {
                settings,
                group: &group,
                id: &id,
                dir: &criterion_dir,
            });
            progress(match bench {
                Some(_) => Step::Measuring(variant.name),
                None => Step::Validating(variant.name),
            });
            let counting = crate::measure::counters::Counting::start(&opts.counters);
            let measured = once::validate_and_measure(variant, &grid, &reference, &tuning, bench);
            result.account = Some(counting.finish());
            let measured = measured.map(|m| {
                result.status = m.check.status;
                result.first_run_seconds = Some(m.first_run_seconds);
                result.validation = Some(m.check);
                result.timing = m.timing;
                result.kernel_timing = m.kernel_timing;
                result.isa = m.isa;
                result.work = m.work.map(WorkInfo::from);
            });
            if let Err(e) = measured {
                result.status = Status::Fail;
                result.error = Some(e.to_string());
            } else if let Some(w) = result.work.filter(|_| result.status != Status::Fail) {
                // Where the time of a staged kernel goes; a failure here costs the table only.
                let iterations = (w.executed, reference.inner_iterations);
                result.breakdown =
                    crate::measure::breakdown::measure(variant, &grid, &tuning, iterations)
                        .ok()
                        .flatten();
            }
            // Only the `mpi` variant's runs leave rank statistics behind, and they are taken
            // here, after its last run, so that no other variant's result can carry them.
            result.ranks = mpi_jobs::take_rank_stats()
                .map(|ranks| ranks.into_iter().map(RankInfo::from).collect());
        }
        progress(Step::Done(variant.name));
        variants.push(result);
    }
    if opts.bench.is_some() && criterion_dir.exists() {
        criterion::final_summary(&criterion_dir);
    }
    fill_speedups(&mut variants);
    let conditions = meter.finish(
        opts.pinned,
        opts.counters.refused.clone(),
        opts.counters.hardware,
    );
    // Like the counts' picture, kept for the render stage; made (untimed) only where a variant
    // that skips work was measured, since only then does the page explain that work.
    let work_picture = variants
        .iter()
        .any(|v| v.work.is_some())
        .then(|| work_picture(&grid));
    let results = Results {
        schema_version: crate::record::results::SCHEMA_VERSION,
        generated_at: crate::record::units::now_rfc3339(),
        machine: Machine::detect(),
        settings: opts.bench.clone(),
        problem: ProblemInfo::new(&grid, &reference),
        image: Some(IMAGE_FILE.into()),
        variants,
        quick: None,
        work_image: work_picture.is_some().then(|| WORK_IMAGE_FILE.into()),
        conditions: Some(conditions),
    };
    let pictures = Pictures {
        counts: Some(picture),
        work: work_picture,
    };
    Ok((results, pictures))
}

/// The picture of who decides each pixel of `grid` with both shortcuts (the cardioid and bulb
/// test, then the cycle check: the scalar `shortcut`'s [`mandel_variants::shortcuts::orbit`]),
/// coloured by [`image::work_colour`]. Untimed, and computed here because the render stage runs
/// no kernel.
pub fn work_picture(grid: &Grid) -> Vec<u8> {
    let problem = grid.problem();
    let pixels: Vec<_> = problem
        .points()
        .map(|(x, y)| {
            let o = mandel_variants::shortcuts::orbit::<true, true>(x, y, problem.maxiter);
            (o.decided, o.executed)
        })
        .collect();
    image::encode_work_png(&pixels, grid.columns(), problem.maxiter)
}

/// Every run the measurement makes: each variant with its tuning and, for `simd-lanes` (unless a
/// path was asked for), one run per narrower SIMD path this CPU has, so the report can draw the
/// lane ladder (the same kernel at 2, 4 and 8 lanes).
pub fn runs(
    selection: &[&'static Variant],
    opts: &MeasureOptions,
) -> Vec<(&'static Variant, Tuning)> {
    let mut out = Vec::new();
    for &variant in selection {
        let tuning = opts.tuning_for(variant.name);
        let ladder = variant.rung == Some(mandel_variants::Rung::Lanes)
            && tuning.isa.is_none()
            && variant.availability() == mandel_variants::Availability::Available;
        out.push((variant, tuning.clone()));
        if ladder {
            for isa in Isa::available().into_iter().skip(1) {
                let forced = Tuning {
                    isa: Some(isa),
                    ..tuning.clone()
                };
                out.push((variant, forced));
            }
        }
    }
    out
}

/// The criterion id of a run: the variant's name, with its path when one was forced.
fn bench_id(name: &str, tuning: &Tuning) -> String {
    match tuning.isa {
        Some(isa) => format!("{name}-{isa}"),
        None => name.to_string(),
    }
}

/// Puts the variants measured in `new` into `old` in place of their earlier results (both of the
/// same problem), and recomputes the speed-ups: how `cargo xtask report` adds `mpi`, measured in
/// a second process under `mpirun` just after the others.
pub fn merge(old: &mut Results, new: Results) -> Result<(), LabError> {
    check_merge(&old.problem.spec(), &new.problem.spec())?;
    for measured in new.variants {
        match old
            .variants
            .iter_mut()
            .find(|v| v.info.name == measured.info.name && v.tuning == measured.tuning)
        {
            Some(slot) => *slot = measured,
            None => old.variants.push(measured),
        }
    }
    old.variants
        .sort_by_key(|v| mandel_variants::report_order(&v.info.name));
    fill_speedups(&mut old.variants);
    old.generated_at = new.generated_at;
    // The work picture is the problem's; the new run's where it made one (its pictures travel
    // beside the results, and rendering them again restores one that went missing).
    old.work_image = new.work_image.or(old.work_image.take());
    // The record's conditions cover both runs: the first's start, the second's end, and the
    // larger share of other processes (a quiet first run does not hide a loaded second one).
    if let (Some(old), Some(new)) = (old.conditions.as_mut(), new.conditions) {
        old.end = new.end;
        old.others_cpu_share = match (old.others_cpu_share, new.others_cpu_share) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    Ok(())
}

/// The one refusal of a wrong `--merge`: results saved for the problem `saved` take no
/// measurement of another problem, `asked`. The report checks it before measuring, so a refused
/// merge writes nothing, and [`merge`] again on what it is given.
pub fn check_merge(saved: &GridSpec, asked: &GridSpec) -> Result<(), LabError> {
    if saved == asked {
        return Ok(());
    }
    Err(LabError::bad_input(format!(
        "--merge: the saved results are for {saved}, region {}, not {asked}, region {}: run the \
         report without --merge first",
        saved.region, asked.region
    )))
}

/// Speed-up over the registry's [`mandel_variants::SPEEDUP_BASELINE`] (`naive`) from the same
/// run, for every variant that ran.
fn fill_speedups(variants: &mut [VariantResult]) {
    let naive = variants
        .iter()
        .find(|v| v.info.variant().is_some_and(Variant::is_speedup_baseline))
        .and_then(VariantResult::seconds);
    for v in variants {
        v.speedup_vs_naive = naive.zip(v.seconds()).map(|(n, s)| n / s);
    }
}
