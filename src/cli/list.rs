//! `mandel-lab list`: every variant with its metadata and whether it can run here.

use super::out::outln;
use std::process::ExitCode;

use clap::Args;

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
            if infos.iter().any(|i| i.family == "gpu" && !i.available) {
                outln!("{}", mandel_variants::gpu::PROVED_WITHOUT_A_GPU)?;
            }
        }
        Format::Json => outln!("{}", serde_json::to_string_pretty(&infos)?)?,
    }
    Ok(ExitCode::SUCCESS)
}
