//! The machine code of every SIMD path of a dispatching variant, read from the binary itself.
//!
//! callgrind runs one path only, the one the CPU it emulates offers: valgrind cannot execute
//! AVX-512 and hides it from CPUID, so under it the lab picks AVX2. The other paths' loops are
//! still in the binary, each compiled in its own function (`mandel_variants::simd::x86::avx512`,
//! `...::avx2`, `...::sse2`, `mandel_variants::simd::portable`, `...::arm::neon`). Each of those
//! functions is instantiated once per kernel; the kernel a loop belongs to is told by its source
//! lines (through the inline chain of one of its multiplies). The loop is the backward jump whose
//! body holds the most packed multiplies, the innermost of them when several tie.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::disasm::{fma_in, vector_width};
use super::lines;
use crate::LabError;
use crate::markup::esc;

/// One path's inner loop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathLoop {
    /// `avx512`, `avx2`, `sse2`, `neon` or `portable`.
    pub isa: String,
    /// The loop's instructions (AT&T syntax).
    pub instructions: Vec<String>,
    /// `AVX-512 (512-bit)`, `AVX2 (256-bit)`, `SSE (128-bit packed)` or `scalar`.
    pub vector_width: String,
    /// The fused multiply-adds in the loop (none, for an exact kernel).
    pub fma: Vec<String>,
}

/// The path functions, by their demangled names.
const PATHS: [(&str, &str); 5] = [
    ("avx512", "mandel_variants::simd::x86::avx512"),
    ("avx2", "mandel_variants::simd::x86::avx2"),
    ("sse2", "mandel_variants::simd::x86::sse2"),
    ("neon", "mandel_variants::simd::arm::neon"),
    ("portable", "mandel_variants::simd::portable"),
];

/// The kernel source file whose loops a variant runs, for the variants that dispatch.
pub fn kernel_file(variant: &str) -> Option<&'static str> {
    match variant {
        "simd-lanes" | "simd-rayon" => Some("simd/refill.rs"),
        "vector-fused" => Some("simd/fused.rs"),
        _ => None,
    }
}

/// Every path's inner loop of the kernel in `kernel_file`, widest path first.
///
/// One objdump listing per binary serves every call (a whole-binary listing takes seconds, and
/// the profiling stage asks for three kernels), and one `addr2line` run tells every candidate
/// loop's kernel.
pub fn path_loops(binary: &Path, kernel_file: &str) -> Result<Vec<PathLoop>, LabError> {
    let text = listing(binary)?;
    // Each candidate: its path, its inner loop, and the address of one of the loop's multiplies.
    type Candidate<'a> = (&'a str, Vec<(u64, String)>, Option<u64>);
    let candidates: Vec<Candidate<'_>> = PATHS
        .iter()
        .flat_map(|(isa, symbol)| functions(&text, symbol).into_iter().map(move |b| (*isa, b)))
        .filter_map(|(isa, body)| {
            let inner = inner_loop(&body)?;
            let mul = inner.iter().find(|(_, t)| is_multiply(t)).map(|(a, _)| *a);
            Some((isa, inner, mul))
        })
        .collect();
    let muls: Vec<u64> = candidates.iter().filter_map(|(_, _, m)| *m).collect();
    let chains = lines::inline_chains(binary, &muls)?;
    let mut out: Vec<PathLoop> = Vec::new();
    for (isa, inner, mul) in candidates {
        if out.iter().any(|p| p.isa == isa) {
            continue;
        }
        let files: Vec<&str> = mul
            .and_then(|m| chains.get(&m))
            .into_iter()
            .flatten()
            .map(|f| f.file.as_str())
            .collect();
        // The probe shares `iterate` with the refill kernel: its loops are not a variant's.
        let ours = files.iter().any(|f| f.ends_with(kernel_file))
            && !files.iter().any(|f| f.ends_with("simd/probe.rs"));
        if !ours {
            continue;
        }
        let texts: Vec<&str> = inner.iter().map(|(_, t)| t.as_str()).collect();
        out.push(PathLoop {
            isa: isa.into(),
            vector_width: vector_width(&texts).into(),
            fma: fma_in(&texts),
            instructions: inner.into_iter().map(|(_, t)| t).collect(),
        });
    }
    Ok(out)
}

/// The whole-binary objdump listing of `binary` (tens of megabytes), kept for the next call as
/// long as the next call asks for the same binary: the profiling stage asks for its own binary
/// three times, the flag lab for each build's binary in turn.
pub(crate) fn listing(binary: &Path) -> Result<Arc<String>, LabError> {
    static LAST: Mutex<Option<(PathBuf, Arc<String>)>> = Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, text)) = last.as_ref().filter(|(p, _)| p == binary) {
        return Ok(Arc::clone(text));
    }
    let output = crate::interrupt::output(
        Command::new("objdump")
            .args(["-d", "--no-show-raw-insn", "-C"])
            .arg(binary),
    )
    .map_err(|e| LabError::Read {
        path: binary.to_path_buf(),
        source: std::io::Error::other(format!("objdump (Debian: binutils): {e}")),
    })?;
    let text = Arc::new(String::from_utf8_lossy(&output.stdout).into_owned());
    *last = Some((binary.to_path_buf(), Arc::clone(&text)));
    Ok(text)
}

/// Every path's loop as an HTML section for the machine-code page, after `note`.
pub fn render_html(paths: &[PathLoop], note: &str) -> String {
    let mut h = format!("<h2>Every SIMD path</h2>\n<p>{}</p>\n", esc(note));
    for p in paths {
        let _ = writeln!(
            h,
            "<h3>{}: {} instructions, {}, fused multiply-add: {}</h3>\n<pre>{}</pre>",
            esc(&p.isa),
            p.instructions.len(),
            esc(&p.vector_width),
            if p.fma.is_empty() {
                "none".to_string()
            } else {
                esc(&p.fma.join(", "))
            },
            esc(&p.instructions.join("\n"))
        );
    }
    h
}

/// One line per path for the report: `avx512: 46 instructions, AVX-512 (512-bit), no FMA`.
pub fn summary(paths: &[PathLoop]) -> String {
    paths
        .iter()
        .map(|p| {
            format!(
                "{}: {} instructions, {}, {}",
                p.isa,
                p.instructions.len(),
                p.vector_width,
                if p.fma.is_empty() {
                    "no FMA".to_string()
                } else {
                    format!("FMA: {}", p.fma.join(", "))
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The instructions `(address, text)` of every function called `symbol` in an objdump listing.
fn functions(listing: &str, symbol: &str) -> Vec<Vec<(u64, String)>> {
    let header = format!("<{symbol}>:");
    functions_where(listing, |line| line.ends_with(&header))
}

/// The instructions `(address, text)` of every function of an objdump listing whose header line
/// (`0000… <name>:`) satisfies `wanted`, one list per function.
pub(crate) fn functions_where(
    listing: &str,
    wanted: impl Fn(&str) -> bool,
) -> Vec<Vec<(u64, String)>> {
    let mut out = Vec::new();
    let mut current: Option<Vec<(u64, String)>> = None;
    for line in listing.lines() {
        if line.ends_with(">:") {
            out.extend(current.take());
            if wanted(line) {
                current = Some(Vec::new());
            }
            continue;
        }
        let Some(body) = current.as_mut() else {
            continue;
        };
        let parsed = line
            .trim_start()
            .split_once(":\t")
            .and_then(|(addr, text)| {
                let addr = u64::from_str_radix(addr, 16).ok()?;
                Some((addr, text.split_whitespace().collect::<Vec<_>>().join(" ")))
            });
        body.extend(parsed);
    }
    out.extend(current);
    out
}

/// The loop (a backward jump and the instructions it jumps over) with the most packed
/// multiplies; of those, the shortest.
fn inner_loop(body: &[(u64, String)]) -> Option<Vec<(u64, String)>> {
    let mut best: Option<(usize, usize, usize, usize)> = None; // (muls, len, from, to)
    for (i, (addr, text)) in body.iter().enumerate() {
        let Some(target) = jump_target(text).filter(|t| t < addr) else {
            continue;
        };
        let Some(from) = body.iter().position(|(a, _)| *a == target) else {
            continue;
        };
        let muls = body[from..=i]
            .iter()
            .filter(|(_, t)| is_multiply(t))
            .count();
        let len = i + 1 - from;
        let better = match best {
            None => muls > 0,
            Some((m, l, ..)) => muls > m || (muls == m && len < l),
        };
        if better {
            best = Some((muls, len, from, i));
        }
    }
    best.map(|(_, _, from, to)| body[from..=to].to_vec())
}

/// The target of a jump (`jne 2bfb0 <...>`), if `text` is one.
fn jump_target(text: &str) -> Option<u64> {
    let mut words = text.split_whitespace();
    let mnemonic = words.next()?;
    if !(mnemonic.starts_with('j') || mnemonic.starts_with("b.") || mnemonic == "b") {
        return None;
    }
    u64::from_str_radix(words.next()?, 16).ok()
}

/// A packed floating-point multiply (x86 `mulpd`/`vmulpd`, AArch64 `fmul v..2d`).
fn is_multiply(text: &str) -> bool {
    let m = text.split_whitespace().next().unwrap_or("");
    m.trim_start_matches('v') == "mulpd" || (m == "fmul" && text.contains(".2d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inner_loop_is_the_shortest_with_the_most_multiplies() {
        let body: Vec<(u64, String)> = [
            (0x10, "vxorpd %zmm0,%zmm0,%zmm0"),
            (0x14, "vmulpd %zmm1,%zmm2,%zmm3"),
            (0x18, "vmulpd %zmm1,%zmm2,%zmm4"),
            (0x1c, "vaddpd %zmm3,%zmm4,%zmm5"),
            (0x20, "dec %rax"),
            (0x24, "jne 14 <f+0x4>"),
            (0x28, "cmp %rbx,%rcx"),
            (0x2c, "jne 10 <f>"),
        ]
        .iter()
        .map(|(a, t)| (*a, t.to_string()))
        .collect();
        let inner = inner_loop(&body).unwrap();
        assert_eq!(inner.first().unwrap().0, 0x14);
        assert_eq!(inner.last().unwrap().0, 0x24);
        assert_eq!(jump_target("jne 14 <f+0x4>"), Some(0x14));
        assert_eq!(jump_target("vmulpd %zmm1,%zmm2,%zmm3"), None);
    }
}
