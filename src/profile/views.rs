//! The profiling stage's views as `profile.json` keeps them: the sampled functions
//! ([`FunctionShare`]), the line profile ([`LineProfile`]), the hot loop ([`HotLoop`]), every SIMD
//! path's inner loop ([`PathLoop`]) and the GPU variants' machine code ([`GpuProfile`]). The
//! modules that make them (`sampling`, `lines`, `disasm`, `paths`, `gpu`) depend on these types;
//! nothing here runs a tool.

use mandel_variants::simd::Isa;
use serde::{Deserialize, Serialize};

/// One function's share of the samples, like a line of `pstats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionShare {
    pub name: String,
    /// Share of samples where it was the innermost frame.
    pub self_share: f64,
    /// Share of samples where it was anywhere on the stack.
    pub total_share: f64,
}

/// The cost of one source line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineCost {
    pub file: String,
    pub line: u32,
    /// Instructions executed on this line, including calls it made out of the variant's code.
    pub cost: u64,
    /// Times the line ran: the execution count of its most-executed instruction.
    pub hits: u64,
    /// Share of the kernel's cost.
    pub share: f64,
}

/// The kernel's cost, line by line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineProfile {
    /// Instructions attributed to the variant's code, including its calls into libraries.
    pub kernel_cost: u64,
    pub lines: Vec<LineCost>,
    /// Functions outside the variant's code that it called, with their inclusive cost.
    pub calls_out: Vec<(String, u64)>,
}

impl LineProfile {
    /// The share of the kernel's cost on lines `first..=last` of a file whose path ends with `file`.
    pub fn share_of_lines(&self, file: &str, first: u32, last: u32) -> f64 {
        self.lines
            .iter()
            .filter(|l| l.file.ends_with(file) && (first..=last).contains(&l.line))
            .map(|l| l.share)
            .sum()
    }
}

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

/// One path's inner loop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathLoop {
    /// `avx512`, `avx2`, `sse2`, `neon` or `portable`.
    pub isa: Isa,
    /// The loop's instructions (AT&T syntax).
    pub instructions: Vec<String>,
    /// `AVX-512 (512-bit)`, `AVX2 (256-bit)`, `SSE (128-bit packed)` or `scalar`.
    pub vector_width: String,
    /// The fused multiply-adds in the loop (none, for an exact kernel).
    pub fma: Vec<String>,
}

/// One kernel on one generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GpuKernel {
    pub kernel: String,
    /// `sm_90`.
    pub arch: String,
    pub registers: u32,
    pub spill_stores: u32,
    pub spill_loads: u32,
    pub blocks_per_sm: u32,
    /// Active warps over the multiprocessor's maximum, 0 to 1.
    pub occupancy: f64,
    /// What stops more blocks per multiprocessor: registers, threads or blocks.
    pub limited_by: String,
}

/// The machine code of one GPU variant, as saved in `profile.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GpuProfile {
    pub variant: String,
    /// The compiler, e.g. `NVRTC 12.9`.
    pub compiler: String,
    pub threads_per_block: u32,
    /// Every kernel the variant launches, on every generation.
    pub kernels: Vec<GpuKernel>,
    /// The fused multiply-adds found in the SASS of the newest generation (`DFMA` in float64,
    /// `FFMA` in float32): none, for the exact arithmetic the variants claim.
    pub fused: Vec<String>,
    /// `<variant>.gpu.html`, beside `profile.json`.
    pub page: String,
}
