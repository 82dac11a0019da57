//! The machine code of every SIMD path of a dispatching variant, read from the binary itself.
//!
//! callgrind runs one path only, the one the CPU it emulates offers: valgrind cannot execute
//! AVX-512 and hides it from CPUID, so under it the lab picks AVX2. The other paths' loops are
//! still in the binary, each compiled in its own function ([`Isa::symbol`]:
//! `mandel_variants::simd::x86::avx512`, ...). Each of those
//! functions is instantiated once per kernel; the kernel a loop belongs to is told by its source
//! lines (through the inline chain of one of its multiplies). The loop is the backward jump whose
//! body holds the most packed multiplies, the innermost of them when several tie.

use std::path::Path;

use mandel_variants::HotCode;
use mandel_variants::simd::Isa;

use super::lines;
use crate::profile::views::PathLoop;
use crate::{LabError, profile::objdump};

/// Every path's inner loop of the kernel in `kernel_file` (a variant's [`HotCode::Paths`]), widest
/// path first.
///
/// One objdump listing per binary serves every call (a whole-binary listing takes seconds, and
/// the profiling stage asks for three kernels), and one `addr2line` run tells every candidate
/// loop's kernel.
pub fn path_loops(binary: &Path, kernel_file: &'static str) -> Result<Vec<PathLoop>, LabError> {
    let kernel_file = HotCode::source_tail(kernel_file);
    let probe_file = HotCode::source_tail(mandel_variants::simd::probe::SOURCE);
    let text = objdump::listing(binary)?;
    // Each candidate: its path, its inner loop, and the address of one of the loop's multiplies.
    type Candidate = (Isa, Vec<(u64, String)>, Option<u64>);
    let candidates: Vec<Candidate> = Isa::ALL
        .iter()
        .flat_map(|isa| {
            objdump::functions_named(&text, isa.symbol())
                .into_iter()
                .map(move |b| (*isa, b))
        })
        .filter_map(|(isa, body)| {
            let inner = objdump::inner_loop(&[body], objdump::is_packed_multiply)?;
            let mul = inner
                .iter()
                .find(|(_, t)| objdump::is_packed_multiply(t))
                .map(|(a, _)| *a);
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
            && !files.iter().any(|f| f.ends_with(probe_file));
        if !ours {
            continue;
        }
        let texts: Vec<&str> = inner.iter().map(|(_, t)| t.as_str()).collect();
        out.push(PathLoop {
            isa,
            vector_width: objdump::vector_width(&texts).into(),
            fma: objdump::fma_in(&texts),
            instructions: inner.into_iter().map(|(_, t)| t).collect(),
        });
    }
    Ok(out)
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
