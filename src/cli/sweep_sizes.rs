//! `mandel-lab sweep-sizes`: variants against grid size, each against the CPU baseline measured
//! at the same size, under criterion: the tutorial's GPU lesson that a GPU pays off on large grids.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use tabled::builder::Builder;
use tabled::settings::Style;

use super::progress::Quiet;
use crate::bench::BenchSettings;
use crate::export::format_timing;
use crate::sweep_sizes::{self, SizeSweep};
use crate::{GridSpec, LabError, Region, report};

#[derive(Debug, Args)]
pub(super) struct SweepSizesArgs {
    /// Comma-separated square grid sides (default: 500,1000,2048; add 4096 on a GPU machine).
    #[arg(long, value_name = "N,N,...")]
    sizes: Option<String>,
    /// Comma-separated variants to compare with the baseline (default: every GPU variant found).
    #[arg(long, value_name = "A,B,...")]
    variants: Option<String>,
    /// Iteration limit M.
    #[arg(long, value_name = "M", default_value_t = GridSpec::TUTORIAL.maxiter)]
    maxiter: u32,
    /// Region of the complex plane, x1,x2,y1,y2.
    #[arg(long, value_name = "X1,X2,Y1,Y2", allow_hyphen_values = true,
          default_value_t = Region::TUTORIAL.to_string())]
    region: String,
    /// Sizes 250,500,1000 and maxiter 300 (unless given), short criterion settings.
    #[arg(long)]
    quick: bool,
    /// Criterion samples per point (at least 10).
    #[arg(long, value_name = "N")]
    samples: Option<usize>,
    /// The report folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    out: PathBuf,
}

pub(super) fn run(args: SweepSizesArgs) -> anyhow::Result<ExitCode> {
    let region: Region = args.region.parse()?;
    let maxiter = if args.quick && args.maxiter == GridSpec::TUTORIAL.maxiter {
        300
    } else {
        args.maxiter
    };
    let sizes = match (&args.sizes, args.quick) {
        (Some(text), _) => sweep_sizes::parse_sizes(text)?,
        (None, true) => vec![250, 500, 1000],
        (None, false) => sweep_sizes::DEFAULT_SIZES.to_vec(),
    };
    sweep_sizes::specs(region, maxiter, &sizes)?;
    let mut variants = match &args.variants {
        Some(names) => report::select(Some(names))?,
        None => sweep_sizes::gpu_variants(),
    };
    variants.retain(|v| v.name != sweep_sizes::BASELINE);
    for v in &variants {
        check_available(v)?;
    }
    if args.variants.is_none() && variants.is_empty() {
        let why = mandel_variants::gpu::device().err().unwrap_or_default();
        eprintln!(
            "note: no GPU variant can run here ({why}); measuring {} alone (compare CPU \
             variants with --variants)",
            sweep_sizes::BASELINE
        );
    }
    let mut settings = if args.quick {
        BenchSettings::QUICK
    } else {
        BenchSettings::SWEEP
    };
    settings = settings.with_samples(args.samples)?;
    let steps = sizes.len() * (1 + variants.len());
    let quiet = Quiet::start(&args.out.join("criterion.log"), steps as u64)?;
    let result = sweep_sizes::run(
        region,
        maxiter,
        &sizes,
        &variants,
        &settings,
        &args.out.join("criterion"),
        |variant, size| {
            quiet.bar.inc(1);
            quiet
                .bar
                .set_message(format!("{variant} on {size} x {size}"));
        },
    );
    quiet.finish();
    let sweep = result?;
    sweep.save(&args.out)?;
    print_table(&sweep);
    println!("Written {}/{}", args.out.display(), sweep_sizes::JSON_FILE);
    Ok(super::exit_code_for_statuses(
        sweep.points.iter().map(|p| p.status),
    ))
}

fn print_table(sweep: &SizeSweep) {
    let mut b = Builder::default();
    b.push_record([
        "variant",
        "grid",
        "median ± spread",
        "kernels alone",
        &format!("speed-up vs {}", sweep.baseline),
        "validation",
    ]);
    for p in &sweep.points {
        b.push_record([
            p.variant.clone(),
            format!("{0} x {0}", p.size),
            format_timing(p.timing.as_ref()),
            format_timing(p.kernel_timing.as_ref()),
            p.speedup.map_or("-".into(), |s| format!("{s:.2}x")),
            match p.mismatched_pixels {
                0 => format!("{} {}", p.status.label(), p.validation_sum),
                n => format!(
                    "{} {} ({n} pixels differ)",
                    p.status.label(),
                    p.validation_sum
                ),
            },
        ]);
    }
    println!("{}", b.build().with(Style::rounded()));
}

/// Refuses a variant that cannot run here before any grid is built.
fn check_available(v: &mandel_variants::Variant) -> Result<(), LabError> {
    match v.availability() {
        mandel_variants::Availability::Available => Ok(()),
        mandel_variants::Availability::Unavailable(why) => Err(LabError::bad_input(format!(
            "variant {} is unavailable here: {why}",
            v.name
        ))),
    }
}
