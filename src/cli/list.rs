//! `mandel-lab list`: every variant with its metadata and whether it can run here.

use super::out::{out, outln};
use std::process::ExitCode;

use clap::Args;
use mandel_variants::Family;
use serde::Serialize;

use super::Format;
use crate::record::results::VariantInfo;
use crate::render::export::terminal;

#[derive(Debug, Args)]
pub(super) struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Every detail of every variant (its tutorial analogue, summary and reasons), one block
    /// each, instead of the table.
    #[arg(long)]
    long: bool,
}

pub(super) fn run(args: ListArgs) -> anyhow::Result<ExitCode> {
    let infos: Vec<VariantInfo> = mandel_variants::VARIANTS
        .iter()
        .map(|v| VariantInfo::new(v))
        .collect();
    match args.format {
        Format::Text if args.long => {
            for (v, info) in mandel_variants::VARIANTS.iter().zip(&infos) {
                outln!("{}", long_form(v, info))?;
            }
        }
        Format::Text => {
            let ascii = terminal::plain_ascii();
            outln!("{}", terminal::variants_table(&infos, ascii))?;
            outln!("Every detail: mandel-lab list --long, or --format json.")?;
            if infos
                .iter()
                .any(|i| i.family == Family::Gpu && !i.available)
            {
                let note = mandel_variants::gpu::PROVED_WITHOUT_A_GPU;
                out!("{}", terminal::wrap(note, terminal::LIST_WIDTH, ""))?;
            }
        }
        Format::Json => {
            let entries: Vec<Listed> = mandel_variants::VARIANTS
                .iter()
                .zip(infos)
                .map(|(v, info)| Listed::new(v, info))
                .collect();
            outln!("{}", serde_json::to_string_pretty(&entries)?)?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One variant's block in `list --long`: its name and family, then each fact on its own
/// wrapped line, all within [`terminal::LIST_WIDTH`] columns.
fn long_form(variant: &mandel_variants::Variant, info: &VariantInfo) -> String {
    let yes_or = |why: &Option<String>| match why {
        None => "yes".to_string(),
        Some(why) => format!("no: {why}"),
    };
    let mut out = format!("{} ({})\n", info.name, info.family);
    for (what, text) in [
        ("tutorial analogue", info.analogue.clone()),
        ("what it does", variant.summary.to_string()),
        ("exact", yes_or(&info.inexact_reason)),
        ("available here", yes_or(&info.unavailable_reason)),
    ] {
        let line = format!("  {what}: {text}");
        let line = if terminal::plain_ascii() {
            terminal::to_ascii(&line)
        } else {
            line
        };
        out.push_str(&terminal::wrap(&line, terminal::LIST_WIDTH, "      "));
    }
    out
}

/// One variant in `list --format json`: its metadata, and the facts xtask acts on, so that
/// xtask asks the lab instead of naming variants itself.
#[derive(Debug, Serialize)]
struct Listed {
    #[serde(flatten)]
    info: VariantInfo,
    /// Whether it runs under `mpirun` (`cargo xtask mpi`; the report and thread sweep add it
    /// from under mpirun).
    mpirun: bool,
    /// Whether its kernel is C, built by gcc (the flag lab's gcc builds run only it).
    c_kernel: bool,
    /// Whether it runs on a GPU (`cargo xtask gpu-check` measures those).
    gpu: bool,
}

impl Listed {
    fn new(variant: &mandel_variants::Variant, info: VariantInfo) -> Listed {
        Listed {
            info,
            mpirun: variant.runs_under_mpirun(),
            c_kernel: variant.is_c(),
            gpu: variant.runs_on_gpu(),
        }
    }
}
