//! `mandel-lab flags` and `flags-cell`: the lab's side of `cargo xtask flags`.
//!
//! xtask owns the build matrix and makes the builds; every build's binary runs `flags-cell` once
//! per variant (validate, then criterion) and writes the [`Cell`]; the default build's binary
//! then runs `flags --collect`, which reads xtask's build log and the cells, adds each binary's
//! machine-code evidence and writes `reports/flags.json`. `flags --check` resolves the variants
//! before anything is built, so a typo costs nothing.

use super::out::outln;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use mandel_variants::{Availability, Exactness, Family, Rung, Tuning, VARIANTS, Variant};

use crate::codegen::{self, Build, BuildStatus, Cell, CodegenResults, Lang, evidence::Listing};
use crate::measure::once::{self, Bench};
use crate::measure::stage;
use crate::record::machine::Machine;
use crate::record::measured::BenchSettings;
use crate::record::results::ProblemInfo;
use crate::record::units::now_rfc3339;
use crate::{GridSpec, LabError, problem::reference, record::write};
use mandel_lab_options::codegen::{BUILD_LOG_FILE, CodegenCheck};

#[derive(Debug, Args)]
pub(super) struct CodegenArgs {
    /// Variants to run from every build (default: the single-core loops and simd-lanes).
    #[arg(long, value_name = "A,B", value_parser = mandel_lab_options::variant_list)]
    variants: Option<String>,
    /// Resolve the variants, print them and the C one as JSON (`CodegenCheck`), and stop.
    #[arg(long)]
    check: bool,
    /// Gather the cells and build log that xtask left in this folder into flags.json.
    #[arg(long, value_name = "DIR")]
    collect: Option<PathBuf>,
    /// The report folder.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    out: PathBuf,
    /// The cells were measured with `--quick` settings.
    #[arg(long)]
    quick: bool,
}

#[derive(Debug, Args)]
pub(super) struct CodegenCellArgs {
    /// The variant to validate and measure.
    #[arg(long, value_name = "NAME")]
    variant: String,
    /// The build's name, recorded in the cell and used as criterion's group.
    #[arg(long, value_name = "NAME")]
    build: String,
    /// Where to write the cell (JSON).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Criterion's folder.
    #[arg(long, value_name = "DIR")]
    criterion_dir: PathBuf,
    /// Criterion's quick settings.
    #[arg(long)]
    quick: bool,
}

/// The variants `names` selects, or the default set: every available single-core loop and
/// `simd-lanes`, the fastest single-core SIMD variant, where it is available.
pub fn select(names: Option<&str>) -> Result<Vec<&'static Variant>, LabError> {
    let available = |v: &&'static Variant| matches!(v.availability(), Availability::Available);
    let Some(names) = names.filter(|n| !n.trim().is_empty()) else {
        return Ok(VARIANTS
            .iter()
            .copied()
            .filter(|v| v.family == Family::Scalar || v.rung == Some(Rung::Lanes))
            .filter(available)
            .collect());
    };
    let chosen = stage::select(Some(names))?;
    for v in &chosen {
        if let Availability::Unavailable(why) = v.availability() {
            return Err(LabError::bad_input(format!(
                "variant {} cannot run here: {why}",
                v.name
            )));
        }
    }
    Ok(chosen)
}

pub(super) fn run(args: CodegenArgs) -> anyhow::Result<ExitCode> {
    let variants = select(args.variants.as_deref())?;
    if args.check {
        let check = CodegenCheck {
            variants: variants.iter().map(|v| v.name.to_string()).collect(),
            c_variant: codegen::C_VARIANT.into(),
        };
        outln!("{}", serde_json::to_string(&check)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(dir) = args.collect else {
        return Err(LabError::bad_input(
            "mandel-lab flags needs --check or --collect DIR; run `cargo xtask flags`",
        )
        .into());
    };
    write::check_output_dir("--out", &args.out, &[codegen::JSON_FILE])?;
    let results = collect(&dir, &variants, args.quick)?;
    crate::record::output::OutputFolder::write_in(&args.out, |dir| Ok(results.save(dir)?))?;
    for lang in [Lang::Rust, Lang::C] {
        outln!(
            "{}",
            codegen::answer_sentence(&codegen::answer(&results, lang))
        )?;
    }
    outln!(
        "Written to {}; `cargo xtask report --render-only` shows the Compiler flags section.",
        args.out.join(codegen::JSON_FILE).display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Validates `variant` against the reference on the tutorial's problem and measures it under
/// criterion, timing it even where this build changed its answer, and writes the cell.
pub(super) fn cell(args: CodegenCellArgs) -> anyhow::Result<ExitCode> {
    write::check_output_file("--out", &args.out)?;
    let variant = stage::find_variant(&args.variant)?;
    let grid = GridSpec::TUTORIAL.build()?;
    let reference = reference::compute(&grid.problem());
    // Validated as inexact so that a build that broke it is still timed; the status is then
    // set from the registry's own declaration.
    let timed_anyway = Variant {
        exactness: Exactness::Inexact("timed whatever the build did to its answer"),
        ..*variant
    };
    let settings = if args.quick {
        BenchSettings::QUICK
    } else {
        BenchSettings::FULL
    };
    let group = format!("flags-{}", args.build);
    let measured = once::validate_and_measure(
        &timed_anyway,
        &grid,
        &reference,
        &Tuning::default(),
        Some(Bench {
            settings: &settings,
            group: &group,
            id: variant.name,
            dir: &args.criterion_dir,
        }),
    )?;
    let mut validation = measured.check;
    let declared_exact = variant.exactness.is_exact();
    validation.status = codegen::status_for(
        declared_exact,
        validation.mismatched_pixels,
        validation.status,
    );
    let cell = Cell {
        build: args.build,
        variant: variant.name.into(),
        declared_exact,
        validation: Some(validation),
        // Criterion's own pages for these runs live under target/, not beside the report.
        timing: measured.timing.map(|t| crate::record::measured::Timing {
            criterion_report: None,
            ..t
        }),
        isa: measured.isa,
        c_flags: mandel_variants::scalar::c_reference::C_FLAGS.into(),
        rust_build: rust_build(),
        evidence: None,
        error: None,
    };
    write::write_json(&args.out, &cell)?;
    Ok(ExitCode::SUCCESS)
}

/// How this binary's Rust was built: opt-level, panic strategy and RUSTFLAGS.
fn rust_build() -> String {
    let flags = env!("MANDEL_RUSTFLAGS");
    format!(
        "opt-level {}, panic {}, RUSTFLAGS {}",
        env!("MANDEL_OPT_LEVEL"),
        if cfg!(panic = "abort") {
            "abort"
        } else {
            "unwind"
        },
        if flags.is_empty() { "(none)" } else { flags }
    )
}

/// Reads xtask's build log (`dir/run/builds.json`) and the cells (`dir/run/cells/`), adds the
/// evidence of each binary (`dir/bin/<build>`), and assembles the results.
pub fn collect(
    dir: &Path,
    variants: &[&'static Variant],
    quick: bool,
) -> Result<CodegenResults, LabError> {
    let log = dir.join("run").join(BUILD_LOG_FILE);
    let builds: Vec<Build> =
        serde_json::from_slice(&write::read(&log)?).map_err(|e| LabError::Corrupt {
            path: log.clone(),
            message: e.to_string(),
        })?;
    let mut cells = Vec::new();
    for build in builds.iter().filter(|b| b.status == BuildStatus::Ok) {
        let binary = dir.join("bin").join(&build.name);
        let listing = Listing::read(&binary).ok();
        for v in variants {
            let path = cell_path(dir, &build.name, v.name);
            let Some(mut cell) = write::read_json_if_exists::<Cell>(&path)? else {
                continue;
            };
            cell.evidence = listing
                .as_ref()
                .and_then(|l| l.evidence(&binary, v.name, cell.isa));
            cells.push(cell);
        }
    }
    let grid = GridSpec::TUTORIAL.build()?;
    let reference = reference::compute(&grid.problem());
    Ok(CodegenResults {
        schema_version: codegen::SCHEMA_VERSION,
        generated_at: now_rfc3339(),
        machine: Machine::detect_without_probe(),
        problem: ProblemInfo::new(&grid, &reference),
        quick,
        settings: if quick {
            BenchSettings::QUICK
        } else {
            BenchSettings::FULL
        },
        variants: variants.iter().map(|v| v.name.to_string()).collect(),
        builds,
        cells,
    })
}

/// Where xtask asks `build`'s binary to write `variant`'s cell.
pub fn cell_path(dir: &Path, build: &str, variant: &str) -> PathBuf {
    dir.join("run")
        .join("cells")
        .join(format!("{build}.{variant}.json"))
}
