//! The machine-code view (`dis`): the hot loop's instructions, read with [`crate::profile::objdump`], with
//! callgrind's execution count beside each, its length, the vector width it uses and whether it
//! contains fused multiply-adds (which would explain a non-exact validation sum).

use std::collections::HashMap;
use std::path::Path;

use askama::Template;

use crate::profile::views::{HotLoop, Instruction, PathLoop};
use crate::{LabError, profile::objdump};

/// Instructions within this many bytes of the hottest one may belong to its loop.
const WINDOW: u64 = 1024;

/// Finds the hot loop around the most-executed instruction among `ours` (ELF address to execution
/// count: the variant's own instructions) and disassembles it.
pub fn hot_loop(binary: &Path, ours: &HashMap<u64, u64>) -> Result<Option<HotLoop>, LabError> {
    let Some((&hottest, &max)) = ours
        .iter()
        .max_by_key(|(a, c)| (**c, std::cmp::Reverse(**a)))
    else {
        return Ok(None);
    };
    // Every instruction of an inner loop runs as often as its hottest one, give or take the exit.
    let hot: Vec<u64> = ours
        .iter()
        .filter(|(a, c)| **c * 2 >= max && a.abs_diff(hottest) <= WINDOW)
        .map(|(a, _)| *a)
        .collect();
    let start = *hot.iter().min().expect("the hottest is hot");
    let end = *hot.iter().max().expect("the hottest is hot");
    let instructions: Vec<Instruction> = objdump::range(binary, start, end)?
        .into_iter()
        .map(|(addr, text)| Instruction {
            addr,
            count: ours.get(&addr).copied().unwrap_or(0),
            text,
        })
        .collect();
    let texts: Vec<&str> = instructions.iter().map(|i| i.text.as_str()).collect();
    Ok(Some(HotLoop {
        start,
        end,
        vector_width: objdump::vector_width(&texts).into(),
        fma: objdump::fma_in(&texts),
        instructions,
    }))
}

/// `asm.html`: the hot loop's page, with every SIMD path's loop where the variant has them.
#[derive(Template)]
#[template(path = "profile/asm.html")]
struct AsmPage<'a> {
    title: &'a str,
    css: &'static str,
    hot: &'a HotLoop,
    start: String,
    end: String,
    /// `(address, executed, instruction)`.
    rows: Vec<(String, u64, &'a str)>,
    /// What the paths below are, where there are any.
    paths_note: Option<&'a str>,
    paths: &'a [PathLoop],
}

/// The hot loop as an HTML page, followed by every SIMD path's loop (`paths`, introduced by
/// `note`) where the variant dispatches.
pub fn render_html(hot: &HotLoop, title: &str, paths: &[PathLoop], note: &str) -> String {
    AsmPage {
        title,
        css: CSS,
        hot,
        start: format!("{:#x}", hot.start),
        end: format!("{:#x}", hot.end),
        rows: hot
            .instructions
            .iter()
            .map(|i| (format!("{:x}", i.addr), i.count, i.text.as_str()))
            .collect(),
        paths_note: (!paths.is_empty()).then_some(note),
        paths,
    }
    .render()
    .expect("the hot loop's template renders")
}

const CSS: &str = "body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; } td, th { padding: 0 10px; text-align: left; }
td.n { text-align: right; } code { font-family: ui-monospace, monospace; }";
