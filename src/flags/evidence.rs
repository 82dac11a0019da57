//! The machine-code evidence of a build: each variant's inner loop read from that build's binary
//! with `objdump`, its vector width and whether it holds fused multiply-adds. It says why a
//! build helped (wider vectors) or changed the answer (FMA), without running anything.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::LabError;
use crate::profile::disasm::{fma_in, is_fma, vector_width};
use crate::profile::paths;

/// One variant's inner loop in one binary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// `scalar`, `SSE (128-bit packed)`, `AVX2 (256-bit)` or `AVX-512 (512-bit)`.
    pub vector_width: String,
    /// The fused multiply-adds in the loop (none keeps the reference's rounding).
    pub fma: Vec<String>,
    /// Instructions in the loop.
    pub instructions: usize,
}

/// Where a variant's loop is found: the functions whose demangled names contain `symbol`, or,
/// for the variants that dispatch at run time, the SIMD path functions of a kernel file.
fn locate(variant: &str) -> Option<Locate> {
    Some(match variant {
        "naive" => Locate::Symbol("mandel_variants::scalar::naive_complex"),
        "locals" => Locate::Symbol("mandel_variants::scalar::locals"),
        "expanded" => Locate::Symbol("mandel_variants::scalar::expanded_math"),
        "ndarray" => Locate::Symbol("mandel_variants::scalar::ndarray_loop"),
        "c-reference" => Locate::Symbol("mandel_calculate_z"),
        other => Locate::Paths(paths::kernel_file(other)?),
    })
}

enum Locate {
    Symbol(&'static str),
    Paths(&'static str),
}

/// The disassembly of a whole binary, read once for all its variants (the same listing the
/// SIMD paths are read from, [`paths::listing`]).
pub struct Listing {
    text: std::sync::Arc<String>,
}

impl Listing {
    /// Disassembles `binary` with objdump.
    pub fn read(binary: &Path) -> Result<Listing, LabError> {
        Ok(Listing {
            text: paths::listing(binary)?,
        })
    }

    /// `variant`'s inner loop in this binary (`isa`: the SIMD path that ran), or `None` where
    /// the lab does not know where to look or the loop was not found.
    pub fn evidence(&self, binary: &Path, variant: &str, isa: Option<&str>) -> Option<Evidence> {
        match locate(variant)? {
            Locate::Symbol(symbol) => {
                let body = functions_containing(&self.text, symbol);
                let inner = innermost_arithmetic_loop(&body)?;
                let texts: Vec<&str> = inner.iter().map(String::as_str).collect();
                Some(Evidence {
                    vector_width: vector_width(&texts).into(),
                    fma: fma_in(&texts),
                    instructions: texts.len(),
                })
            }
            Locate::Paths(file) => {
                let loops = paths::path_loops(binary, file).ok()?;
                let chosen = loops
                    .iter()
                    .find(|p| Some(p.isa.as_str()) == isa)
                    .or(loops.first())?;
                Some(Evidence {
                    vector_width: chosen.vector_width.clone(),
                    fma: chosen.fma.clone(),
                    instructions: chosen.instructions.len(),
                })
            }
        }
    }
}

/// The instructions of every function whose demangled name contains `symbol`, each function's
/// instructions as `(address, text)`.
fn functions_containing(listing: &str, symbol: &str) -> Vec<Vec<(u64, String)>> {
    paths::functions_where(listing, |line| line.contains(symbol))
}

/// Over all `functions`, the loop (a backward jump and what it jumps over) with the most
/// floating-point multiplies, fused or not; of those, the shortest.
fn innermost_arithmetic_loop(functions: &[Vec<(u64, String)>]) -> Option<Vec<String>> {
    let mut best: Option<(usize, usize, Vec<String>)> = None;
    for body in functions {
        for (i, (addr, text)) in body.iter().enumerate() {
            let Some(target) = backward_target(text, *addr) else {
                continue;
            };
            let Some(from) = body.iter().position(|(a, _)| *a == target) else {
                continue;
            };
            let span = &body[from..=i];
            let muls = span.iter().filter(|(_, t)| is_fp_multiply(t)).count();
            let len = span.len();
            let better = match &best {
                None => muls > 0,
                Some((m, l, _)) => muls > *m || (muls == *m && len < *l),
            };
            if better {
                best = Some((muls, len, span.iter().map(|(_, t)| t.clone()).collect()));
            }
        }
    }
    best.map(|(_, _, loop_)| loop_)
}

/// The target of a jump back to `addr` or before, if `text` is one.
fn backward_target(text: &str, addr: u64) -> Option<u64> {
    let mut words = text.split_whitespace();
    let mnemonic = words.next()?;
    if !mnemonic.starts_with('j') || mnemonic == "jmpq" && text.contains('*') {
        return None;
    }
    u64::from_str_radix(words.next()?, 16)
        .ok()
        .filter(|t| *t <= addr)
}

/// A floating-point multiply on x86: scalar or packed, plain or fused.
fn is_fp_multiply(text: &str) -> bool {
    let m = text.split_whitespace().next().unwrap_or("");
    let m = m.strip_prefix('v').unwrap_or(m);
    ["mulsd", "mulpd", "mulss", "mulps"].contains(&m) || is_fma(text)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let inner = innermost_arithmetic_loop(&functions).unwrap();
        assert_eq!(inner.first().unwrap(), "vmulsd %xmm1,%xmm1,%xmm2");
        assert_eq!(inner.len(), 7);
        let texts: Vec<&str> = inner.iter().map(String::as_str).collect();
        assert_eq!(vector_width(&texts), "scalar");
        assert_eq!(fma_in(&texts), ["vfmsub231sd %xmm0,%xmm0,%xmm2"]);
    }
}
