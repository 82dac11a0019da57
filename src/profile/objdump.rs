//! Reading machine code with binutils' `objdump`: the one place the lab starts it (through
//! [`crate::interrupt::output`], so the child dies with the lab), splits its listing into
//! functions, finds inner loops and classifies instructions.
//!
//! Three views read code this way: the profile's hot loop (`profile::disasm`, an address range
//! around callgrind's hottest instruction), the profile's "every SIMD path" view
//! (`profile::paths`) and the flag lab's evidence (`codegen::evidence`), the last two from one
//! whole-binary [`listing`] each.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use crate::LabError;

/// One instruction: its ELF address and its text (AT&T syntax, spaces collapsed).
pub type Instruction = (u64, String);

/// Disassembles `binary` with `objdump -d --no-show-raw-insn -C` and `extra` arguments.
fn run(binary: &Path, extra: &[String]) -> Result<String, LabError> {
    let output = crate::interrupt::output(
        Command::new("objdump")
            .args(["-d", "--no-show-raw-insn", "-C"])
            .args(extra)
            .arg(binary),
    )
    .map_err(|e| LabError::Read {
        path: binary.to_path_buf(),
        source: std::io::Error::other(format!("objdump (Debian: binutils): {e}")),
    })?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The whole-binary listing of `binary` (tens of megabytes), kept for the next call as long as
/// the next call asks for the same binary: the profiling stage asks for its own binary several
/// times, the flag lab for each build's binary in turn.
pub fn listing(binary: &Path) -> Result<Arc<String>, LabError> {
    static LAST: Mutex<Option<(PathBuf, Arc<String>)>> = Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, text)) = last.as_ref().filter(|(p, _)| p == binary) {
        return Ok(Arc::clone(text));
    }
    let text = Arc::new(run(binary, &[])?);
    *last = Some((binary.to_path_buf(), Arc::clone(&text)));
    Ok(text)
}

/// The instructions from `start` to `end` (inclusive) of `binary`.
pub fn range(binary: &Path, start: u64, end: u64) -> Result<Vec<Instruction>, LabError> {
    let text = run(
        binary,
        &[
            format!("--start-address={start:#x}"),
            // Past `end`, so the last instruction is decoded whole (x86 instructions are up to
            // 15 bytes); anything after it is dropped below.
            format!("--stop-address={:#x}", end + 16),
        ],
    )?;
    Ok(text
        .lines()
        .filter_map(instruction)
        .filter(|(a, _)| *a <= end)
        .collect())
}

/// One line of a listing as an instruction, if it is one (`  1004:\tvmulsd ...`).
fn instruction(line: &str) -> Option<Instruction> {
    let (addr, text) = line.trim_start().split_once(":\t")?;
    let addr = u64::from_str_radix(addr, 16).ok()?;
    Some((addr, text.split_whitespace().collect::<Vec<_>>().join(" ")))
}

/// The instructions of every function of a listing whose header line (`0000… <name>:`)
/// satisfies `wanted`, one list per function.
pub fn functions_where(listing: &str, wanted: impl Fn(&str) -> bool) -> Vec<Vec<Instruction>> {
    let mut out = Vec::new();
    let mut current: Option<Vec<Instruction>> = None;
    for line in listing.lines() {
        if line.ends_with(">:") {
            out.extend(current.take());
            if wanted(line) {
                current = Some(Vec::new());
            }
            continue;
        }
        if let Some(body) = current.as_mut() {
            body.extend(instruction(line));
        }
    }
    out.extend(current);
    out
}

/// Every function called exactly `symbol` (its demangled name).
pub fn functions_named(listing: &str, symbol: &str) -> Vec<Vec<Instruction>> {
    let header = format!("<{symbol}>:");
    functions_where(listing, |line| line.ends_with(&header))
}

/// Every function whose demangled name contains `symbol` (a module path or a C symbol).
pub fn functions_containing(listing: &str, symbol: &str) -> Vec<Vec<Instruction>> {
    functions_where(listing, |line| line.contains(symbol))
}

/// Over all `functions`, the inner loop: of the loops (a backward jump and what it jumps over)
/// with the most instructions that `counts` (the multiplies of the kernel's arithmetic), the
/// shortest; `None` where no loop holds one.
pub fn inner_loop(
    functions: &[Vec<Instruction>],
    counts: impl Fn(&str) -> bool,
) -> Option<Vec<Instruction>> {
    let mut best: Option<(usize, usize, &[Instruction])> = None;
    for body in functions {
        for (i, (addr, text)) in body.iter().enumerate() {
            let Some(target) = jump_target(text).filter(|t| t <= addr) else {
                continue;
            };
            let Some(from) = body.iter().position(|(a, _)| *a == target) else {
                continue;
            };
            let span = &body[from..=i];
            let n = span.iter().filter(|(_, t)| counts(t)).count();
            let better = match best {
                None => n > 0,
                Some((m, len, _)) => n > m || (n == m && span.len() < len),
            };
            if better {
                best = Some((n, span.len(), span));
            }
        }
    }
    best.map(|(_, _, span)| span.to_vec())
}

/// The target of a direct jump (`jne 2bfb0 <...>`, AArch64 `b.ne`/`b`), if `text` is one.
fn jump_target(text: &str) -> Option<u64> {
    let mut words = text.split_whitespace();
    let mnemonic = words.next()?;
    if !(mnemonic.starts_with('j') || mnemonic.starts_with("b.") || mnemonic == "b") {
        return None;
    }
    // An indirect jump (`jmpq *%rax`) has no address here and is no loop.
    u64::from_str_radix(words.next()?, 16).ok()
}

fn mnemonic(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or("")
}

/// A packed floating-point multiply (x86 `mulpd`/`vmulpd`, AArch64 `fmul v..2d`).
pub fn is_packed_multiply(text: &str) -> bool {
    let m = mnemonic(text);
    m.trim_start_matches('v') == "mulpd" || (m == "fmul" && text.contains(".2d"))
}

/// A floating-point multiply on x86: scalar or packed, plain or fused.
pub fn is_fp_multiply(text: &str) -> bool {
    let m = mnemonic(text);
    let m = m.strip_prefix('v').unwrap_or(m);
    ["mulsd", "mulpd", "mulss", "mulps"].contains(&m) || is_fma(text)
}

/// Fused multiply-add and its negated and subtracting forms.
pub fn is_fma(text: &str) -> bool {
    let m = mnemonic(text);
    ["vfmadd", "vfmsub", "vfnmadd", "vfnmsub"]
        .iter()
        .any(|p| m.starts_with(p))
}

/// The fused multiply-adds among `instructions`.
pub fn fma_in(instructions: &[&str]) -> Vec<String> {
    instructions
        .iter()
        .filter(|t| is_fma(t))
        .map(|t| t.to_string())
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(loop_: &[Instruction]) -> Vec<&str> {
        loop_.iter().map(|(_, t)| t.as_str()).collect()
    }

    #[test]
    fn the_inner_loop_is_the_shortest_with_the_most_multiplies() {
        let body: Vec<Instruction> = [
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
        let inner = inner_loop(&[body], is_packed_multiply).unwrap();
        assert_eq!(inner.first().unwrap().0, 0x14);
        assert_eq!(inner.last().unwrap().0, 0x24);
        assert_eq!(jump_target("jne 14 <f+0x4>"), Some(0x14));
        assert_eq!(jump_target("jmpq *%rax"), None);
        assert_eq!(jump_target("vmulpd %zmm1,%zmm2,%zmm3"), None);
    }

    #[test]
    fn the_loop_with_the_most_multiplies_is_found_and_its_fma_named() {
        let listing = "\
0000000000001000 <mandel_calculate_z>:
    1000:\tmov %rdi,%rax
    1004:\tvmulsd %xmm1,%xmm1,%xmm2
    1008:\tvfmsub231sd %xmm0,%xmm0,%xmm2
    100c:\tvmulsd %xmm0,%xmm1,%xmm3
    1010:\tvcomisd %xmm4,%xmm2
    1014:\tja 1020 <mandel_calculate_z+0x20>
    1018:\tinc %eax
    101c:\tjne 1004 <mandel_calculate_z+0x4>
    1020:\tcmp %rcx,%rdx
    1024:\tjne 1000 <mandel_calculate_z>
0000000000002000 <other>:
    2000:\tmulsd %xmm1,%xmm2
    2004:\tjne 2000 <other>
";
        let functions = functions_containing(listing, "mandel_calculate_z");
        assert_eq!(functions.len(), 1);
        assert_eq!(functions_named(listing, "other").len(), 1);
        let inner = inner_loop(&functions, is_fp_multiply).unwrap();
        assert_eq!(inner.first().unwrap().1, "vmulsd %xmm1,%xmm1,%xmm2");
        assert_eq!(inner.len(), 7);
        assert_eq!(vector_width(&texts(&inner)), "scalar");
        assert_eq!(fma_in(&texts(&inner)), ["vfmsub231sd %xmm0,%xmm0,%xmm2"]);
    }

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
