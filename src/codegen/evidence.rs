//! The machine-code evidence of a build: each variant's inner loop read from that build's binary
//! with `objdump`, its vector width and whether it holds fused multiply-adds. It says why a
//! build helped (wider vectors) or changed the answer (FMA), without running anything.

use std::path::Path;

use mandel_variants::HotCode;
use mandel_variants::simd::Isa;
use serde::{Deserialize, Serialize};

use crate::profile::paths;
use crate::{LabError, profile::objdump};

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

/// The disassembly of a whole binary, read once for all its variants (the same listing the
/// SIMD paths are read from, [`objdump::listing`]).
pub struct Listing {
    text: std::sync::Arc<String>,
}

impl Listing {
    /// Disassembles `binary` with objdump.
    pub fn read(binary: &Path) -> Result<Listing, LabError> {
        Ok(Listing {
            text: objdump::listing(binary)?,
        })
    }

    /// `variant`'s inner loop in this binary (`isa`: the SIMD path that ran), or `None` where
    /// the lab does not know where to look or the loop was not found.
    pub fn evidence(&self, binary: &Path, variant: &str, isa: Option<Isa>) -> Option<Evidence> {
        match mandel_variants::find(variant)?.hot_code? {
            HotCode::Symbol(symbol) | HotCode::C(symbol) => {
                let functions = objdump::functions_containing(&self.text, symbol);
                let inner = objdump::inner_loop(&functions, objdump::is_fp_multiply)?;
                let texts: Vec<&str> = inner.iter().map(|(_, t)| t.as_str()).collect();
                Some(Evidence {
                    vector_width: objdump::vector_width(&texts).into(),
                    fma: objdump::fma_in(&texts),
                    instructions: texts.len(),
                })
            }
            // A GPU kernel is not in the host binary; the flag lab builds CPU code only.
            HotCode::Gpu(_) => None,
            HotCode::Paths(file) => {
                let loops = paths::path_loops(binary, file).ok()?;
                let chosen = loops
                    .iter()
                    .find(|p| Some(p.isa) == isa)
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
