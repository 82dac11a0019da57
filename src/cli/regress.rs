//! `mandel-lab regress`: the instruction-count gate (and `--bless`); `ab`, the wall-time A/B of
//! two lab binaries; hidden `count-once`, the target callgrind counts.

use super::out::{out, outln};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Args;
use tabled::builder::Builder;

use super::{KnobTuning, ProblemArgs, ProblemSpec, TuningArgs};
use crate::measure::stage;
use crate::record::measured::Status;
use crate::regress::baseline::{self, Baseline, Skipped};
use crate::regress::count::{self, Counted};
use crate::regress::{self, Plan, ab, verdict};
use crate::{GridSpec, LabError, record::write};

pub(super) use mandel_lab_options::{AbArgs, RegressArgs};

pub(super) fn run(args: RegressArgs) -> anyhow::Result<ExitCode> {
    let reason = match (&args.bless, args.reason.as_deref().map(str::trim)) {
        (true, Some(r)) if !r.is_empty() && !r.contains('\n') => Some(r.to_string()),
        (true, _) => {
            return Err(
                LabError::bad_input("--bless needs --reason \"one line saying why\"").into(),
            );
        }
        (false, _) => None,
    };
    if let Some(t) = args.threshold {
        baseline::check_threshold(t).map_err(LabError::bad_input)?;
    }
    if let Some(path) = &args.markdown {
        write::check_output_file("--markdown", path)?;
    }
    if args.bless {
        write::check_output_file("--baseline", &args.baseline)?;
    }
    if args.jobs == 0 {
        return Err(LabError::bad_input("--jobs must be at least 1").into());
    }
    let old = if args.bless {
        // Blessing creates a missing baseline, but never overwrites one it cannot read: its
        // thresholds would be lost. Delete it first to start afresh.
        if args.baseline.exists() {
            Some(Baseline::load(&args.baseline).map_err(|e| {
                LabError::bad_input(format!("{e}; delete it to bless a fresh baseline"))
            })?)
        } else {
            None
        }
    } else {
        let mut b = Baseline::load(&args.baseline)?;
        if let Some(t) = args.threshold {
            b.default_threshold_pct = t;
        }
        Some(b)
    };
    let problem = match (&old, args.bless) {
        (Some(b), false) => b.problem,
        _ => regress::GATE_PROBLEM,
    };
    let selection = stage::select(args.variants.as_deref())?;
    let (counted, skipped) = count_all(&selection, &problem, args.jobs)?;
    if let Some(reason) = reason {
        if let Some(bad) = counted.iter().find(|c| c.status == Status::Fail) {
            return Err(LabError::bad_input(format!(
                "not blessed: {} fails validation ({} pixels differ); the baseline is unchanged",
                bad.variant, bad.mismatched_pixels
            ))
            .into());
        }
        let new = Baseline::bless(old.as_ref(), &counted, skipped, problem, &reason);
        let rows = verdict::compare(old.as_ref().unwrap_or(&new), &counted);
        out!("{}", verdict::terminal(&rows))?;
        new.save(&args.baseline)?;
        outln!(
            "Blessed {} ({} variants): {reason}",
            args.baseline.display(),
            new.variants.len()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let base = old.expect("loaded above when not blessing");
    if let Some(note) = verdict::toolchain_note(&base) {
        eprintln!("{note}");
    }
    let rows = verdict::compare(&base, &counted);
    out!("{}", verdict::terminal(&rows))?;
    if let Some(path) = &args.markdown {
        write::atomic_write(path, verdict::markdown(&rows, &base).as_bytes())?;
    }
    if verdict::failed(&rows) {
        let names: Vec<&str> = rows
            .iter()
            .filter(|r| r.verdict.fails())
            .map(|r| r.variant.as_str())
            .collect();
        eprintln!(
            "error: the gate fails: {}; if the change is intended, re-bless in the same commit: \
             cargo xtask regress --bless --reason \"...\"",
            names.join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    outln!("Gate passed: no variant above its threshold.")?;
    Ok(ExitCode::SUCCESS)
}

/// Counts every planned variant, `jobs` callgrind runs at a time, in registry order.
fn count_all(
    selection: &[&'static mandel_variants::Variant],
    problem: &GridSpec,
    jobs: usize,
) -> Result<(Vec<Counted>, Vec<Skipped>), LabError> {
    let exe = std::env::current_exe().map_err(|source| LabError::Read {
        path: "/proc/self/exe".into(),
        source,
    })?;
    let scratch = tempfile::tempdir().map_err(|source| LabError::Write {
        path: std::env::temp_dir(),
        source,
    })?;
    let mut todo = Vec::new();
    let mut skipped = Vec::new();
    for p in regress::plan(selection) {
        match p {
            Plan::Count { variant, tuning } => todo.push((variant, tuning)),
            Plan::Skip { variant, reason } => {
                eprintln!("skip: {} ({reason})", variant.name);
                skipped.push(Skipped {
                    name: variant.name.into(),
                    reason,
                });
            }
        }
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Counted, LabError>>>> =
        Mutex::new((0..todo.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..jobs.min(todo.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((variant, tuning)) = todo.get(i) else {
                        break;
                    };
                    eprintln!("counting {} under callgrind...", variant.name);
                    let r = count::measure(&exe, variant, problem, tuning, scratch.path());
                    results.lock().expect("no worker panics")[i] = Some(r);
                }
            });
        }
    });
    let counted = results
        .into_inner()
        .expect("no worker panics")
        .into_iter()
        .map(|r| r.expect("every variant was counted"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((counted, skipped))
}

/// `mandel-lab count-once`: the target callgrind runs; see [`count::count_once`].
#[derive(Debug, Args)]
pub(super) struct CountOnceArgs {
    #[arg(long)]
    variant: String,
    /// Where to write the run's JSON report.
    #[arg(long, value_name = "FILE")]
    report: PathBuf,
    #[command(flatten)]
    problem: ProblemArgs,
    #[command(flatten)]
    tuning: TuningArgs,
}

pub(super) fn count_once(args: CountOnceArgs) -> anyhow::Result<ExitCode> {
    write::check_output_file("--report", &args.report)?;
    let variant = stage::find_variant(&args.variant)?;
    count::count_once(
        variant,
        &args.problem.spec(),
        &args.tuning.tuning(),
        &args.report,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The most rounds `ab` takes: each is two runs of every variant.
const MAX_ROUNDS: usize = 1000;

pub(super) fn ab_run(args: AbArgs) -> anyhow::Result<ExitCode> {
    baseline::check_threshold(args.threshold).map_err(LabError::bad_input)?;
    if !(3..=MAX_ROUNDS).contains(&args.rounds) {
        return Err(LabError::bad_input(format!(
            "--rounds {}: must be from 3 to {MAX_ROUNDS}",
            args.rounds
        ))
        .into());
    }
    let spec = args.problem.spec();
    spec.build()?;
    let variants = stage::select(Some(&args.variants))?;
    if args.check {
        return Ok(ExitCode::SUCCESS);
    }
    let [bin_a, bin_b] = [&args.a, &args.b].map(|bin| {
        let bin = bin
            .as_ref()
            .expect("clap requires --a and --b without --check");
        if !bin.is_file() {
            return Err(LabError::bad_input(format!(
                "no binary at {}",
                bin.display()
            )));
        }
        // A bare name (`--a lab`) is the file named, here: started as it is, it would be
        // looked up in PATH instead.
        std::path::absolute(bin).map_err(|source| LabError::Read {
            path: bin.clone(),
            source,
        })
    });
    let (bin_a, bin_b) = (bin_a?, bin_b?);
    let mut b = Builder::default();
    b.push_record([
        "variant",
        &format!("{} median", args.label_a),
        &format!("{} median", args.label_b),
        "B/A",
        "95% CI",
        "verdict",
    ]);
    let mut slower = false;
    for v in variants {
        eprintln!("timing {} ({} rounds, A B A B ...)", v.name, args.rounds);
        let (mut ta, mut tb) = (Vec::new(), Vec::new());
        for _ in 0..args.rounds {
            ta.push(ab::time_once(&bin_a, v.name, &spec, &[])?);
            tb.push(ab::time_once(&bin_b, v.name, &spec, &[])?);
        }
        let r = ab::ratio_of_medians(&ta, &tb);
        let call = ab::call(&r, args.threshold);
        slower |= call == ab::Call::Slower;
        b.push_record([
            v.name.to_string(),
            ms(crate::measure::stats::median(&ta)),
            ms(crate::measure::stats::median(&tb)),
            format!("{:.3}", r.ratio),
            format!("[{:.3}, {:.3}]", r.low, r.high),
            call.label().to_string(),
        ]);
    }
    outln!(
        "A = {}, B = {}; {spec}; threshold {}%",
        args.label_a,
        args.label_b,
        args.threshold
    )?;
    outln!("{}", crate::render::export::terminal::draw(b.build()))?;
    Ok(if slower {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn ms(seconds: f64) -> String {
    format!("{:.2} ms", seconds * 1e3)
}
