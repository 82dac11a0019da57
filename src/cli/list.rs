//! `mandel-lab list`: every variant with its metadata and whether it can run here.

use super::out::outln;
use std::process::ExitCode;

use clap::Args;
use mandel_variants::Family;
use serde::Serialize;

use super::Format;
use crate::export::terminal;
use crate::results::VariantInfo;

#[derive(Debug, Args)]
pub(super) struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(super) fn run(args: ListArgs) -> anyhow::Result<ExitCode> {
    let infos: Vec<VariantInfo> = mandel_variants::VARIANTS
        .iter()
        .map(|v| VariantInfo::new(v))
        .collect();
    match args.format {
        Format::Text => {
            outln!("{}", terminal::variants_table(&infos))?;
            if infos
                .iter()
                .any(|i| i.family == Family::Gpu && !i.available)
            {
                outln!("{}", mandel_variants::gpu::PROVED_WITHOUT_A_GPU)?;
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
