//! `mandel-lab profile`: the sampling profile, line profile and hot-loop disassembly of every
//! available variant, written to `flamegraphs/`; and `kernel-once`, the target callgrind runs.

use super::out::outln;
use std::process::ExitCode;

use clap::Args;
use mandel_variants::{Availability, Tuning, Variant};
use tabled::builder::Builder;

use super::progress::Quiet;
use super::{ProblemArgs, ProblemSpec};
use crate::LabError;
use crate::measure::stage;
use crate::profile::{
    self, CALLGRIND_PROBLEM, ProfileOptions, ProfileSummary, QUICK_CALLGRIND_PROBLEM,
};

pub(super) use mandel_lab_options::ProfileArgs;

/// `--quick`'s sampling per variant (about 250 samples at the default frequency), and its budget
/// for the whole stage: once it is spent, the variants left get their flamegraph without the
/// line profile and machine code (seconds each, under valgrind), and a note saying so.
const QUICK_SECONDS: f64 = 0.25;
const QUICK_BUDGET_SECS: f64 = 15.0;
/// What a sampled-only variant costs beyond its sampling (preparing it, folding and drawing).
const QUICK_SAMPLED_OVERHEAD_SECS: f64 = 0.2;

/// The highest sampling frequency `--frequency` may ask for, Hz.
const MAX_FREQUENCY: i32 = 10_000;

/// The fewest samples per variant `--seconds` times `--frequency` may promise.
const MIN_EXPECTED_SAMPLES: f64 = 40.0;

pub(super) fn run(mut args: ProfileArgs) -> anyhow::Result<ExitCode> {
    crate::record::write::check_output_dir("--out", &args.out, &[profile::SUMMARY_FILE])?;
    // A report's results that `cargo xtask report` has staged are read from its copy.
    if let Some(path) = args.problem_from.as_mut() {
        *path = mandel_lab_folder::physical(path);
    }
    let named = args.out.clone();
    // One transaction: the views and profile.json appear together, or not at all.
    crate::record::output::OutputFolder::write_in(&named, |dir| {
        profile_into(
            ProfileArgs {
                out: dir.to_path_buf(),
                ..args
            },
            &named,
        )
    })
}

/// `profile` with `args.out` the staging copy of the folder the user named `named`.
fn profile_into(args: ProfileArgs, named: &std::path::Path) -> anyhow::Result<ExitCode> {
    let seconds = if args.quick {
        QUICK_SECONDS
    } else {
        args.seconds
    };
    crate::measure::criterion::check_seconds("--seconds", seconds)?;
    // pprof's timer ticks in whole microseconds: past about 10 kHz the kernel's own timer
    // granularity makes the samples no finer, and at 1 MHz the interval is 0 (no samples).
    if !(1..=MAX_FREQUENCY).contains(&args.frequency) {
        return Err(LabError::bad_input(format!(
            "--frequency {}: must be from 1 to {MAX_FREQUENCY} Hz",
            args.frequency
        ))
        .into());
    }
    // Too few expected samples would end, after files were written, in "no samples": refused
    // here instead, before anything is written. The margin covers a machine so busy that the
    // kernel gets a quarter of a core.
    let expected = seconds * f64::from(args.frequency);
    if expected < MIN_EXPECTED_SAMPLES {
        return Err(LabError::bad_input(format!(
            "--seconds {seconds} at --frequency {} Hz gives about {expected:.0} samples per \
             variant; pprof needs at least {MIN_EXPECTED_SAMPLES}: raise --seconds or --frequency",
            args.frequency
        ))
        .into());
    }
    // The variants the report measured: one this build cannot run (`mpi`, measured under
    // mpirun by the same `cargo xtask report`) is noted as measured there, never as skipped.
    let mut in_report = Vec::new();
    let spec = match &args.problem_from {
        Some(_) if args.problem.is_explicit() => {
            return Err(LabError::bad_input(
                "--problem-from takes the problem from a report's results: give it without \
                 --width, --height, --maxiter or --region",
            )
            .into());
        }
        Some(path) => {
            let results = crate::record::results::Results::load(path)?;
            in_report = (results.variants.iter())
                .filter(|v| v.status != crate::record::measured::Status::Skip)
                .map(|v| v.info.name.clone())
                .collect();
            results.problem.spec()
        }
        None => {
            let spec = (args.problem).spec_for(args.quick, super::report::QUICK_MAXITER);
            if let Some(note) =
                (args.problem.given().quick_note(&spec, false)).filter(|_| args.quick)
            {
                eprintln!("{note}.");
            }
            spec
        }
    };
    // Without a problem of its own, the profiles are of the report whose page links them.
    let (spec, chosen) = match report_problem(&args) {
        Some((report, why)) => (report.unwrap_or(spec), Some(why)),
        None => (spec, None),
    };
    spec.build()?;
    let selection = selection(args.variants.as_deref(), &in_report)?;
    // The views are written to a scratch folder and moved in with profile.json at the end: an
    // interrupted run leaves the previous views and summary, never a mix of two problems.
    let staging = profile::Staging::create(&args.out)?;
    // Said once the output folder is known to be usable: a refused --out stays one line.
    for note in chosen.iter().chain(&selection.notes) {
        eprintln!("{note}");
    }
    let mut opts = ProfileOptions {
        spec,
        seconds,
        frequency: args.frequency,
        out_dir: staging.dir().to_path_buf(),
        callgrind: if args.quick {
            QUICK_CALLGRIND_PROBLEM
        } else {
            CALLGRIND_PROBLEM
        },
        line_level: true,
    };
    // pprof keeps its samples in a temporary file owned by its global profiler, which is never
    // dropped: left in the system's temporary folder, one file leaked per run. Its files go to a
    // scratch folder of ours instead, removed when this command ends or is interrupted.
    let (pprof_scratch, _registered) =
        crate::interrupt::scratch_dir().map_err(|source| LabError::Write {
            path: std::env::temp_dir(),
            source,
        })?;
    let _ = tempfile::env::override_temp_dir(pprof_scratch.path());
    let Selection {
        sampled: selection,
        gpu,
        ..
    } = selection;
    let steps = selection.len() + gpu.len();
    let quiet = Quiet::start(&args.out.join("profile.log"), steps as u64)?;
    let mut profiles = Vec::new();
    let mut failure = None;
    let started = std::time::Instant::now();
    for (i, v) in selection.iter().enumerate() {
        if args.quick && opts.line_level {
            // What is left must fit: the variants after this one are sampled at least.
            let per_variant = started.elapsed().as_secs_f64() / i.max(1) as f64;
            let left = (selection.len() - i) as f64 * (QUICK_SECONDS + QUICK_SAMPLED_OVERHEAD_SECS);
            opts.line_level =
                i == 0 || started.elapsed().as_secs_f64() + per_variant + left <= QUICK_BUDGET_SECS;
        }
        quiet.message(format!("profiling {}", v.name));
        match profile::profile_variant(v, &opts) {
            Ok(p) => profiles.push(p),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
        quiet.inc();
    }
    let mut gpu_profiles = Vec::new();
    for code in gpu.iter().filter(|_| failure.is_none()) {
        quiet.message(format!("compiling {}'s kernels", code.variant.name));
        match profile::gpu::profile_gpu(code, staging.dir()) {
            Ok(p) => gpu_profiles.push(p),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
        quiet.inc();
    }
    quiet.finish();
    if let Some(e) = failure {
        return Err(e.into());
    }
    let summary = staging.commit(ProfileSummary {
        schema_version: profile::SCHEMA_VERSION,
        generated_at: crate::record::units::now_rfc3339(),
        spec,
        callgrind_spec: opts.callgrind,
        seconds,
        frequency: args.frequency,
        variants: profiles,
        gpu: gpu_profiles,
    })?;
    if !selection.is_empty() {
        print_summary(
            &summary,
            &selection.iter().map(|v| v.name).collect::<Vec<_>>(),
        )?;
    }
    for g in summary
        .gpu
        .iter()
        .filter(|g| gpu.iter().any(|c| c.variant.name == g.variant))
    {
        outln!("{}: {}", g.variant, profile::gpu::summary(g))?;
    }
    outln!("Profiles written to {}/", named.display())?;
    Ok(ExitCode::SUCCESS)
}

/// Where `profile` was given no problem of its own (no `--problem-from`, size, maxiter or
/// region): the problem of the report in `--report` (`None` where there is no report to take it
/// from) and the line that says which problem it profiles and why.
fn report_problem(args: &ProfileArgs) -> Option<(Option<crate::GridSpec>, String)> {
    if args.problem_from.is_some() || args.problem.is_explicit() {
        return None;
    }
    let path = mandel_lab_folder::physical(&args.report.join(crate::render::report::RESULTS_FILE));
    let fallback = if args.quick {
        "report --quick's problem"
    } else {
        "the tutorial's problem"
    };
    Some(match crate::record::results::Results::load(&path) {
        Ok(results) => {
            let s = results.problem.spec();
            let line = format!(
                "note: profiling {s}, region {}: the problem of the report in {}, whose page links \
                 these profiles (give a problem or --problem-from for another)",
                s.region,
                args.report.display()
            );
            (Some(s), line)
        }
        Err(LabError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => (
            None,
            format!(
                "note: profiling {fallback}: there is no report in {} to take one from",
                args.report.display()
            ),
        ),
        Err(e) => (
            None,
            format!(
                "note: profiling {fallback}: {:#}",
                anyhow::Error::from(e).context("the report's problem is unknown")
            ),
        ),
    })
}

/// The variants `--variants` names, each of which must run here; or, for no list or an empty one
/// (as `report` takes it, see [`stage::named`]), every available one, the others skipped with a
/// line (kept in [`Selection::notes`]).
///
/// The second list is the GPU variants whose machine code can be shown (where NVRTC, ptxas and
/// nvdisasm are installed): with or without a GPU to run them on. A variant this build cannot run
/// that is `in_report` (measured in the report these profiles are for) gets a note saying so.
fn selection(list: Option<&str>, in_report: &[String]) -> Result<Selection, LabError> {
    let named = stage::named(list).is_some();
    // Looked for (NVRTC loaded) only when a GPU variant is among those asked for.
    let tools = std::cell::OnceCell::new();
    let mut selection = Selection::default();
    for v in stage::select(list)? {
        let code = mandel_variants::gpu::code::code_of(v);
        let mut code_shown = false;
        if let Some(code) = code {
            match tools.get_or_init(profile::gpu::available) {
                Ok(()) => {
                    selection.gpu.push(code);
                    code_shown = true;
                }
                Err(why) => selection
                    .notes
                    .push(format!("skip: {}'s machine code ({why})", v.name)),
            }
        }
        match v.availability() {
            Availability::Available => selection.sampled.push(v),
            Availability::Unavailable(why) if in_report.iter().any(|n| n == v.name) => {
                selection.notes.push(format!(
                    "note: {} is measured in the report, not profiled: this build cannot run it \
                     ({why})",
                    v.name
                ))
            }
            Availability::Unavailable(why) if named && !code_shown => {
                return Err(LabError::bad_input(format!(
                    "variant {} cannot be profiled here: {why}",
                    v.name
                )));
            }
            Availability::Unavailable(why) if code_shown => selection.notes.push(format!(
                "note: {} does not run here ({why}): its machine code only",
                v.name
            )),
            Availability::Unavailable(why) => {
                selection.notes.push(format!("skip: {} ({why})", v.name))
            }
        }
    }
    Ok(selection)
}

/// What `profile` does: the variants it samples, and the GPU variants whose code it shows.
#[derive(Default)]
struct Selection {
    sampled: Vec<&'static Variant>,
    gpu: Vec<mandel_variants::gpu::code::GpuCode>,
    /// The `skip:` and `note:` lines, said once the output folder is made.
    notes: Vec<String>,
}

fn print_summary(summary: &ProfileSummary, names: &[&str]) -> Result<(), super::out::StdoutError> {
    let mut b = Builder::default();
    b.push_record([
        "variant",
        "samples",
        "in kernel",
        "top function (total)",
        "hottest line",
        "hot loop",
        "vector width",
        "FMA",
    ]);
    for p in summary
        .variants
        .iter()
        .filter(|p| names.contains(&p.variant.as_str()))
    {
        let top = p
            .top_functions
            .iter()
            .find(|f| f.name != "(outside the kernel)")
            .map_or("-".into(), |f| {
                format!("{} ({:.0}%)", short(&f.name), 100.0 * f.total_share)
            });
        let hottest = p.line_profile.as_ref().and_then(|lp| {
            lp.lines
                .iter()
                .max_by(|a, b| a.share.total_cmp(&b.share))
                .map(|l| {
                    format!(
                        "{}:{} ({:.0}%)",
                        file_name(&l.file),
                        l.line,
                        100.0 * l.share
                    )
                })
        });
        let (len, width, fma) =
            p.hot_loop
                .as_ref()
                .map_or(("-".into(), "-".into(), "-".into()), |h| {
                    (
                        format!("{} instructions", h.instructions.len()),
                        h.vector_width.clone(),
                        if h.fma.is_empty() {
                            "none".into()
                        } else {
                            format!("{}", h.fma.len())
                        },
                    )
                });
        b.push_record([
            p.variant.clone(),
            p.samples.to_string(),
            format!("{:.0}%", 100.0 * p.kernel_share),
            top,
            hottest.unwrap_or_else(|| "-".into()),
            len,
            width,
            fma,
        ]);
        for note in &p.notes {
            eprintln!("note: {}: {note}", p.variant);
        }
    }
    outln!("{}", crate::render::export::terminal::draw(b.build()))
}

/// The last two path segments of a Rust symbol.
fn short(name: &str) -> String {
    let parts: Vec<&str> = name.split("::").collect();
    parts[parts.len().saturating_sub(2)..].join("::")
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `mandel-lab kernel-once`: prepare and run one kernel once, nothing else; the target of the
/// callgrind run, so the line profile counts the kernel and not the lab.
#[derive(Debug, Args)]
pub(super) struct KernelOnceArgs {
    #[arg(long)]
    variant: String,
    #[command(flatten)]
    problem: ProblemArgs,
}

pub(super) fn kernel_once(args: KernelOnceArgs) -> anyhow::Result<ExitCode> {
    let variant = stage::find_variant(&args.variant)?;
    let grid = args.problem.spec().build()?;
    let mut kernel = variant.prepare(&grid.problem(), &Tuning::default())?;
    let mut out = vec![0u32; grid.pixels()];
    kernel.run(&mut out)?;
    std::hint::black_box(&out);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::selection;

    #[test]
    fn an_empty_variant_list_profiles_every_available_variant_as_no_list_does() {
        let names = |list| -> Vec<&str> {
            let s = selection(list, &[]).unwrap();
            let gpu = s.gpu.iter().map(|c| c.variant.name);
            s.sampled.iter().map(|v| v.name).chain(gpu).collect()
        };
        assert_eq!(names(Some("")), names(None));
        assert_eq!(names(Some(" ")), names(None));
        assert_eq!(names(Some("naive")), ["naive"]);
    }

    #[test]
    fn a_variant_the_report_measured_but_this_build_cannot_run_is_noted_never_skipped() {
        let mpi = mandel_variants::parallel::mpi_jobs::VARIANT.name;
        if mpi_available() {
            println!("skip: built with the mpi feature, where {mpi} runs and is profiled");
            return;
        }
        let in_report = [mpi.to_string()];
        let notes = selection(None, &in_report).unwrap().notes;
        let about: Vec<&String> = (notes.iter())
            .filter(|n| n.split(' ').nth(1) == Some(mpi))
            .collect();
        assert_eq!(about.len(), 1, "{notes:?}");
        assert!(
            about[0].starts_with(&format!("note: {mpi} is measured in the report")),
            "{about:?}"
        );
        // Named, it is noted too, where a variant that cannot run is otherwise refused.
        let named = selection(Some(mpi), &in_report).unwrap();
        assert!(
            named.sampled.is_empty() && named.notes.len() == 1,
            "{:?}",
            named.notes
        );
        // Outside a report it is still a skip.
        let alone = selection(None, &[]).unwrap().notes;
        assert!(
            alone
                .iter()
                .any(|n| n.starts_with(&format!("skip: {mpi} ("))),
            "{alone:?}"
        );
    }

    fn mpi_available() -> bool {
        mandel_variants::parallel::mpi_jobs::VARIANT.availability()
            == mandel_variants::Availability::Available
    }
}
