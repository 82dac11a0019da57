//! The machine-code view (`dis`): the hot loop's instructions, from binutils' `objdump`, with
//! callgrind's execution count beside each, its length, the vector width it uses and whether it
//! contains fused multiply-adds (which would explain a non-exact validation sum).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::LabError;
use crate::markup::esc;

/// Instructions within this many bytes of the hottest one may belong to its loop.
const WINDOW: u64 = 1024;

/// One instruction of the hot loop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instruction {
    /// ELF address.
    pub addr: u64,
    /// Times it executed (callgrind).
    pub count: u64,
    pub text: String,
}

/// The hot loop and what it uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HotLoop {
    pub start: u64,
    pub end: u64,
    pub instructions: Vec<Instruction>,
    /// `scalar`, `SSE (128-bit packed)`, `AVX2 (256-bit)` or `AVX-512 (512-bit)`.
    pub vector_width: String,
    /// The fused multiply-add instructions found, if any.
    pub fma: Vec<String>,
}

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
    let output = crate::interrupt::output(
        Command::new("objdump")
            .args(["-d", "--no-show-raw-insn", "-C"])
            .arg(format!("--start-address={start:#x}"))
            // Past `end`, so the last instruction is decoded whole (x86 instructions are up to
            // 15 bytes); anything after it is dropped below.
            .arg(format!("--stop-address={:#x}", end + 16))
            .arg(binary),
    )
    .map_err(|e| LabError::Read {
        path: binary.to_path_buf(),
        source: std::io::Error::other(format!("objdump (Debian: binutils): {e}")),
    })?;
    let instructions: Vec<Instruction> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| {
            let (addr, text) = l.trim_start().split_once(":\t")?;
            let addr = u64::from_str_radix(addr, 16).ok().filter(|a| *a <= end)?;
            Some(Instruction {
                addr,
                count: ours.get(&addr).copied().unwrap_or(0),
                text: text.split_whitespace().collect::<Vec<_>>().join(" "),
            })
        })
        .collect();
    let texts: Vec<&str> = instructions.iter().map(|i| i.text.as_str()).collect();
    Ok(Some(HotLoop {
        start,
        end,
        vector_width: vector_width(&texts).into(),
        fma: fma_in(&texts),
        instructions,
    }))
}

/// The widest vector arithmetic among `instructions` (AT&T syntax).
pub fn vector_width(instructions: &[&str]) -> &'static str {
    if instructions.iter().any(|t| t.contains("%zmm")) {
        "AVX-512 (512-bit)"
    } else if instructions.iter().any(|t| t.contains("%ymm")) {
        "AVX2 (256-bit)"
    } else if instructions.iter().any(|t| is_packed_arithmetic(t)) {
        "SSE (128-bit packed)"
    } else {
        "scalar"
    }
}

fn mnemonic(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

/// Packed floating-point arithmetic (`mulpd`, `vaddps`...), not the moves and zeroing idioms
/// (`movapd`, `xorpd`) that scalar code also uses.
fn is_packed_arithmetic(text: &str) -> bool {
    let m = mnemonic(text);
    let m = m.strip_prefix('v').unwrap_or(m);
    [
        "add", "sub", "mul", "div", "sqrt", "min", "max", "cmp", "hadd", "fmadd",
    ]
    .iter()
    .any(|op| m.starts_with(op))
        && (m.ends_with("pd") || m.ends_with("ps"))
}

/// The fused multiply-adds among `instructions`.
pub fn fma_in(instructions: &[&str]) -> Vec<String> {
    instructions
        .iter()
        .filter(|t| is_fma(t))
        .map(|t| t.to_string())
        .collect()
}

/// Fused multiply-add and its negated and subtracting forms.
pub fn is_fma(text: &str) -> bool {
    let m = mnemonic(text);
    ["vfmadd", "vfmsub", "vfnmadd", "vfnmsub"]
        .iter()
        .any(|p| m.starts_with(p))
}

/// The hot loop as an HTML page.
pub fn render_html(hot: &HotLoop, title: &str) -> String {
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>{CSS}</style></head><body>\n<h1>{t}</h1>\n<p>{} instructions from {:#x} to \
         {:#x}; vector width: <strong>{}</strong>; fused multiply-add: <strong>{}</strong>. \
         Counts are executions, from callgrind.</p>\n<table><thead><tr><th>address</th>\
         <th>executed</th><th>instruction</th></tr></thead><tbody>\n",
        hot.instructions.len(),
        hot.start,
        hot.end,
        hot.vector_width,
        if hot.fma.is_empty() {
            "none".to_string()
        } else {
            hot.fma.join(", ")
        },
        t = esc(title)
    );
    for i in &hot.instructions {
        let _ = writeln!(
            h,
            "<tr><td>{:x}</td><td class=\"n\">{}</td><td><code>{}</code></td></tr>",
            i.addr,
            i.count,
            esc(&i.text)
        );
    }
    h.push_str("</tbody></table></body></html>\n");
    h
}

const CSS: &str = "body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; } td, th { padding: 0 10px; text-align: left; }
td.n { text-align: right; } code { font-family: ui-monospace, monospace; }";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_fma_are_recognised() {
        assert_eq!(
            vector_width(&[
                "mulsd %xmm1,%xmm2",
                "xorpd %xmm0,%xmm0",
                "movapd %xmm1,%xmm3"
            ]),
            "scalar"
        );
        assert_eq!(vector_width(&["mulpd %xmm1,%xmm2"]), "SSE (128-bit packed)");
        assert_eq!(
            vector_width(&["vmulpd %ymm1,%ymm2,%ymm3"]),
            "AVX2 (256-bit)"
        );
        assert_eq!(
            vector_width(&["vaddpd %zmm1,%zmm2,%zmm3"]),
            "AVX-512 (512-bit)"
        );
        assert!(is_fma("vfmadd231sd %xmm1,%xmm2,%xmm3"));
        assert!(!is_fma("mulsd %xmm1,%xmm2"));
    }
}
