//! What the GPU variants' machine code says, read without a GPU: which kernels each variant
//! launches and with how many threads per block, the theoretical occupancy that launch shape gets
//! on a multiprocessor, and the SASS (from `nvdisasm`) cut into kernels and checked for fused
//! multiply-adds.
//!
//! The profile's GPU pages are made from these. Occupancy here is the theoretical figure of
//! CUDA's occupancy calculator: how many warps a multiprocessor can hold at once given the
//! block's threads, its registers per thread and the SM's limits. It says whether registers
//! limit the latency hiding, not how fast a kernel runs.

use crate::{VARIANTS, Variant};

/// What a GPU variant launches: its kernels (hottest first) and their shape. Each GPU variant's
/// registry entry holds its own as its [`crate::HotCode::Gpu`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Launch {
    /// The kernels it launches; the first is the one its time goes to.
    pub kernels: &'static [&'static str],
    /// Threads per block of every launch (for `cuda-gridstride`, the tutorial's default shape).
    pub threads_per_block: u32,
    /// float64 (`double`) rather than float32.
    pub double: bool,
}

/// What a GPU variant runs: the variant and its [`Launch`].
#[derive(Debug, Clone, Copy)]
pub struct GpuCode {
    pub variant: &'static Variant,
    /// The kernels it launches; the first is the one its time goes to.
    pub kernels: &'static [&'static str],
    /// Threads per block of every launch (for `cuda-gridstride`, the tutorial's default shape).
    pub threads_per_block: u32,
    /// float64 (`double`) rather than float32.
    pub double: bool,
}

/// The vector variants spend their time in all six array operations alike; the square comes
/// first, as the one with the most arithmetic.
pub(crate) const ELEMENTWISE: &[&str] = &["elementwise"];
pub(crate) const GRIDSTRIDE: &[&str] = &["gridstride"];

/// The code of `variant`, if it is a GPU variant.
pub fn code_of(variant: &'static Variant) -> Option<GpuCode> {
    let launch = variant.gpu_launch()?;
    Some(GpuCode {
        variant,
        kernels: launch.kernels,
        threads_per_block: launch.threads_per_block,
        double: launch.double,
    })
}

/// Every GPU variant's code, in the registry's order.
pub fn all() -> impl Iterator<Item = GpuCode> {
    VARIANTS.iter().copied().filter_map(code_of)
}

/// A multiprocessor's limits, as CUDA's occupancy calculator takes them.
#[derive(Debug, Clone, Copy)]
pub struct SmLimits {
    /// `sm_90`.
    pub arch: &'static str,
    /// The virtual architecture NVRTC compiles for (`compute_90`).
    pub compute: &'static str,
    /// The cards of that generation, for the reader.
    pub cards: &'static str,
    pub registers: u32,
    pub max_threads: u32,
    pub max_blocks: u32,
    pub max_warps: u32,
    /// Registers are allocated per warp in units of this many.
    pub register_unit: u32,
}

/// The generations the report names: Ampere (A100) and Hopper (H100, H200). Both hold 64 K
/// registers, 2,048 threads (64 warps) and 32 blocks per multiprocessor.
pub const GENERATIONS: [SmLimits; 2] = [
    SmLimits {
        arch: "sm_80",
        compute: "compute_80",
        cards: "A100",
        registers: 65_536,
        max_threads: 2_048,
        max_blocks: 32,
        max_warps: 64,
        register_unit: 256,
    },
    SmLimits {
        arch: "sm_90",
        compute: "compute_90",
        cards: "H100, H200",
        registers: 65_536,
        max_threads: 2_048,
        max_blocks: 32,
        max_warps: 64,
        register_unit: 256,
    },
];

/// The theoretical occupancy of one launch shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Occupancy {
    pub blocks_per_sm: u32,
    pub active_warps: u32,
    pub max_warps: u32,
    /// `active_warps / max_warps`.
    pub fraction: f64,
    /// What stops more blocks: `registers`, `threads`, `blocks` (or `none fit`).
    pub limited_by: &'static str,
}

/// The occupancy of blocks of `threads` threads using `registers` registers each on `sm`.
pub fn occupancy(sm: &SmLimits, threads: u32, registers: u32) -> Occupancy {
    let warps_per_block = threads.div_ceil(32).max(1);
    let registers_per_warp = (registers.max(1) * 32).div_ceil(sm.register_unit) * sm.register_unit;
    let by_registers = (sm.registers / registers_per_warp) / warps_per_block;
    let by_threads = (sm.max_threads / (warps_per_block * 32)).min(sm.max_warps / warps_per_block);
    let by_blocks = sm.max_blocks;
    let blocks = by_registers.min(by_threads).min(by_blocks);
    let limited_by = if blocks == 0 {
        "none fit"
    } else if blocks == by_registers && by_registers < by_threads.min(by_blocks) {
        "registers"
    } else if blocks == by_threads && by_threads <= by_blocks {
        "threads"
    } else {
        "blocks"
    };
    let active_warps = blocks * warps_per_block;
    Occupancy {
        blocks_per_sm: blocks,
        active_warps,
        max_warps: sm.max_warps,
        fraction: f64::from(active_warps) / f64::from(sm.max_warps),
        limited_by,
    }
}

/// The SASS of each kernel in `nvdisasm` output: (kernel, its instruction lines), in the
/// output's order. Each kernel's code is the section `.text.<kernel>`.
pub fn sass_kernels(listing: &str) -> Vec<(String, Vec<String>)> {
    let mut kernels: Vec<(String, Vec<String>)> = Vec::new();
    for line in listing.lines() {
        if let Some(rest) = line.trim().strip_prefix(".section\t.text.") {
            let name = rest.split(',').next().unwrap_or_default().trim();
            kernels.push((name.to_string(), Vec::new()));
        } else if let Some((_, code)) = kernels.last_mut()
            && let Some(text) = instruction(line)
        {
            code.push(text);
        }
    }
    kernels
}

/// The instruction of a listing line `/*0040*/  IMAD R0, R0, UR4, R3 ;`, without the offset.
fn instruction(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("/*")?;
    let (offset, text) = rest.split_once("*/")?;
    u64::from_str_radix(offset, 16).ok()?;
    let text = text.trim().trim_end_matches(';').trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The fused multiply-adds among `sass` for the precision: `DFMA` for float64, `FFMA` for float32
/// (`--fmad=false` must leave none; one would round differently from the reference).
pub fn fused_multiply_adds(sass: &[String], double: bool) -> Vec<String> {
    let opcode = if double { "DFMA" } else { "FFMA" };
    sass.iter()
        .filter(|text| {
            // The opcode follows an optional predicate (`@P0`).
            text.split_whitespace()
                .find(|w| !w.starts_with('@'))
                .is_some_and(|op| op == opcode || op.starts_with(&format!("{opcode}.")))
        })
        .cloned()
        .collect()
}

/// The PTX of the entry `kernel`: from its `.entry` line to the closing brace of its body.
pub fn ptx_entry(ptx: &str, kernel: &str) -> Option<String> {
    let start = ptx.find(&format!(".entry {kernel}("))?;
    // Back to the start of the line (`.visible .entry ...`).
    let start = ptx[..start].rfind('\n').map_or(0, |i| i + 1);
    let body = &ptx[start..];
    let open = body.find('{')?;
    let mut depth = 0usize;
    for (i, c) in body[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(body[..open + i + 1].to_string());
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gpu_variant_has_its_code_and_no_other_does() {
        for c in all() {
            assert_eq!(c.double, c.variant.name.ends_with("f64"));
            assert!(!c.kernels.is_empty());
        }
        for v in VARIANTS {
            assert_eq!(
                code_of(v).is_some(),
                v.family == crate::Family::Gpu,
                "{}",
                v.name
            );
        }
    }

    #[test]
    fn occupancy_matches_the_calculator() {
        let sm = &GENERATIONS[1];
        // 256 threads at 20 registers: 8 blocks by threads, 10 by registers: 64 warps, full.
        let o = occupancy(sm, 256, 20);
        assert_eq!(
            (o.blocks_per_sm, o.active_warps, o.limited_by),
            (8, 64, "threads")
        );
        assert_eq!(o.fraction, 1.0);
        // 512 threads at 64 registers: 2,048 registers a warp, 32 warps by registers: 2 blocks.
        let o = occupancy(sm, 512, 64);
        assert_eq!(
            (o.blocks_per_sm, o.active_warps, o.limited_by),
            (2, 32, "registers")
        );
        assert_eq!(o.fraction, 0.5);
        // 32 threads: 32 blocks of one warp, half the warps.
        let o = occupancy(sm, 32, 8);
        assert_eq!(
            (o.blocks_per_sm, o.active_warps, o.limited_by),
            (32, 32, "blocks")
        );
        // 1024 threads at 255 registers: nothing fits.
        assert_eq!(occupancy(sm, 1024, 255).limited_by, "none fit");
    }

    #[test]
    fn sass_is_cut_into_kernels_and_fused_adds_found() {
        let listing = "\t.section\t.text.set_where,\"ax\",@progbits\nset_where:\n        \
                       /*0000*/                   LDC R1, c[0x0][0x28] ;\n        \
                       /*0010*/               @P0 DFMA R2, R4, R6, R2 ;\n.L_x_0:\n\
                       \t.section\t.text.greater,\"ax\",@progbits\n        \
                       /*0000*/                   FFMA R1, R2, R3, R4 ;\n";
        let kernels = sass_kernels(listing);
        assert_eq!(kernels.len(), 2);
        assert_eq!(kernels[0].0, "set_where");
        assert_eq!(
            kernels[0].1,
            ["LDC R1, c[0x0][0x28]", "@P0 DFMA R2, R4, R6, R2"]
        );
        assert_eq!(fused_multiply_adds(&kernels[0].1, true).len(), 1);
        assert!(fused_multiply_adds(&kernels[0].1, false).is_empty());
        assert_eq!(fused_multiply_adds(&kernels[1].1, false).len(), 1);
    }

    #[test]
    fn a_ptx_entry_is_cut_whole() {
        let ptx = ".version 8.8\n.visible .entry a(\n.param .u32 n\n)\n{\nmov.u32 %r1, 0;\n{\n}\n\
                   ret;\n}\n.visible .entry b(\n)\n{\nret;\n}\n";
        let a = ptx_entry(ptx, "a").unwrap();
        assert!(a.starts_with(".visible .entry a("));
        assert!(a.ends_with("ret;\n}"));
        assert!(!a.contains("entry b"));
        assert!(ptx_entry(ptx, "c").is_none());
    }
}
