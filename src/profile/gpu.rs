//! The GPU variants' machine code, made without a GPU: for each `cuda-*` variant, the kernels'
//! PTX (NVRTC, through the variants' own compile path and options), the SASS that `ptxas`
//! assembles from it for each generation the report names (`nvdisasm`), the registers and spills
//! of every kernel, the theoretical occupancy of the launch shape the variant uses, and the
//! exactness check read from the SASS: `--fmad=false` must leave no `DFMA` in the float64
//! kernels and no `FFMA` in the float32 ones.
//!
//! This is the `dis` of the GPU rows, as `disasm` is of the CPU rows. It needs NVRTC, ptxas and
//! nvdisasm (`cargo xtask gpu-tools --install` puts them under `target/gpu-tools/`), never a
//! driver or a device: it proves what the compiler makes of the source, not how the card runs it.

use std::path::Path;
use std::process::Command;

use askama::Template;
use mandel_variants::gpu::code::{self, GENERATIONS, GpuCode};
use mandel_variants::gpu::{self as gpu, ptxas, tools};

use crate::LabError;
use crate::profile::views::{GpuKernel, GpuProfile};

/// Whether the tools are here; the error names what is missing and the line that installs it.
pub fn available() -> Result<(), String> {
    let install = tools::INSTALL_TOOLS;
    tools::load_nvrtc().map_err(|e| format!("{e} ({install})"))?;
    if tools::ptxas().is_none() {
        return Err(format!("ptxas is not installed ({install})"));
    }
    if tools::nvdisasm().is_none() {
        return Err(format!("nvdisasm is not installed ({install})"));
    }
    Ok(())
}

/// The GPU variants among `names` whose code can be shown.
pub fn codes<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<GpuCode> {
    names
        .into_iter()
        .filter_map(mandel_variants::find)
        .filter_map(code::code_of)
        .collect()
}

/// Compiles, assembles and disassembles the kernels of `code`, writes its page into `out_dir`,
/// and returns its summary.
pub fn profile_gpu(code: &GpuCode, out_dir: &Path) -> Result<GpuProfile, LabError> {
    let name = code.variant.name;
    let failed = |what: String| {
        LabError::Variant(mandel_variants::VariantError::Runtime {
            variant: code.variant.name,
            message: what,
        })
    };
    let tool = |path: Option<std::path::PathBuf>, what: &str| {
        path.ok_or_else(|| {
            failed(format!(
                "{what} is not installed ({})",
                tools::INSTALL_TOOLS
            ))
        })
    };
    let bins = Tools {
        ptxas: tool(tools::ptxas(), "ptxas")?,
        nvdisasm: tool(tools::nvdisasm(), "nvdisasm")?,
    };
    let mut kernels = Vec::new();
    let mut newest = None;
    for sm in &GENERATIONS {
        let b = built(code.double, sm, &bins).map_err(failed)?;
        let resources = ptxas::parse_ptxas_verbose(&b.report);
        for &kernel in code.kernels {
            let r = resources
                .iter()
                .find(|r| r.name == kernel)
                .ok_or_else(|| failed(format!("ptxas reported nothing of kernel {kernel}")))?;
            let o = code::occupancy(sm, code.threads_per_block, r.registers);
            kernels.push(GpuKernel {
                kernel: kernel.into(),
                arch: sm.arch.into(),
                registers: r.registers,
                spill_stores: r.spill_stores,
                spill_loads: r.spill_loads,
                blocks_per_sm: o.blocks_per_sm,
                occupancy: o.fraction,
                limited_by: o.limited_by.into(),
            });
        }
        newest = Some((sm, b));
    }
    let (
        sm,
        Built {
            ptx, sass: listing, ..
        },
    ) = newest.expect("at least one generation");
    let sass = code::sass_kernels(&listing);
    let ours: Vec<&(String, Vec<String>)> = code
        .kernels
        .iter()
        .filter_map(|k| sass.iter().find(|(name, _)| name == k))
        .collect();
    if ours.len() != code.kernels.len() {
        return Err(failed(format!(
            "nvdisasm's listing lacks some of the kernels {}",
            code.kernels.join(", ")
        )));
    }
    let fused: Vec<String> = ours
        .iter()
        .flat_map(|(_, lines)| code::fused_multiply_adds(lines, code.double))
        .collect();
    let compiler = tools::nvrtc_version()
        .map_or_else(|| "NVRTC".to_string(), |(a, b)| format!("NVRTC {a}.{b}"));
    let profile = GpuProfile {
        variant: name.into(),
        compiler,
        threads_per_block: code.threads_per_block,
        kernels,
        fused,
        page: format!("{name}.gpu.html"),
    };
    let page = render_html(&profile, code, sm.arch, &ptx, &ours);
    crate::record::write::atomic_write(&out_dir.join(&profile.page), page.as_bytes())?;
    Ok(profile)
}

/// Where the two tools are.
struct Tools {
    ptxas: std::path::PathBuf,
    nvdisasm: std::path::PathBuf,
}

/// `mandel.cu` built in one precision for one generation.
#[derive(Clone)]
struct Built {
    ptx: String,
    /// ptxas's `-v` report.
    report: String,
    /// nvdisasm's listing of the cubin.
    sass: String,
}

/// Builds `mandel.cu` in one precision for `sm` (NVRTC, ptxas, nvdisasm in a scratch folder),
/// once per run: the three variants of a precision share the source, so they share the build.
fn built(double: bool, sm: &'static code::SmLimits, tools: &Tools) -> Result<Built, String> {
    static BUILT: std::sync::Mutex<Vec<((bool, &str), Built)>> = std::sync::Mutex::new(Vec::new());
    let key = (double, sm.arch);
    let mut cache = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, b)) = cache.iter().find(|(k, _)| *k == key) {
        return Ok(b.clone());
    }
    let ptx = if double {
        gpu::compile_ptx::<f64>(Some(sm.compute))
    } else {
        gpu::compile_ptx::<f32>(Some(sm.compute))
    }?
    .to_src();
    let (scratch, _registered) = crate::interrupt::scratch_dir()
        .map_err(|e| format!("cannot make a scratch folder: {e}"))?;
    let report = ptxas::assemble(&tools.ptxas, &ptx, sm.arch, scratch.path())?;
    let cubin = scratch.path().join("kernels.cubin");
    let listing = crate::interrupt::output(Command::new(&tools.nvdisasm).arg("-c").arg(&cubin))
        .map_err(|e| format!("cannot run {}: {e}", tools.nvdisasm.display()))?;
    if !listing.status.success() {
        return Err(format!(
            "nvdisasm failed ({}): {}",
            listing.status,
            String::from_utf8_lossy(&listing.stderr).trim()
        ));
    }
    let b = Built {
        ptx,
        report,
        sass: String::from_utf8_lossy(&listing.stdout).into_owned(),
    };
    cache.push((key, b.clone()));
    Ok(b)
}

/// One line for the report and the terminal: registers, occupancy and the exactness check of
/// the hot kernel on the newest generation.
pub fn summary(p: &GpuProfile) -> String {
    let hot = p
        .kernels
        .first()
        .and_then(|first| p.kernels.iter().rev().find(|k| k.kernel == first.kernel));
    let exact = if p.fused.is_empty() {
        "no fused multiply-add in the SASS".to_string()
    } else {
        format!("{} fused multiply-adds in the SASS", p.fused.len())
    };
    match hot {
        Some(k) => format!(
            "{} on {}: {} registers, {} B spilled, {} threads a block, occupancy {:.0}% ({} \
             blocks an SM, limited by {}); {exact}",
            k.kernel,
            k.arch,
            k.registers,
            k.spill_stores,
            p.threads_per_block,
            100.0 * k.occupancy,
            k.blocks_per_sm,
            k.limited_by
        ),
        None => exact,
    }
}

/// `gpu.html`: one GPU variant's machine code for one generation.
#[derive(Template)]
#[template(path = "profile/gpu.html")]
struct GpuPage<'a> {
    title: String,
    css: &'static str,
    analogue: &'a str,
    compiler: &'a str,
    /// `DFMA` or `FFMA`, and `float64` or `float32`.
    opcode: &'static str,
    real: &'static str,
    /// Fused multiply-adds found in the SASS.
    fused: usize,
    threads: u32,
    arch: &'a str,
    kernels: Vec<KernelRow>,
    sass: Vec<SassListing<'a>>,
}

/// One row of the registers table.
struct KernelRow {
    kernel: String,
    arch: String,
    /// ` (A100, ...)`: the cards of the generation, or nothing.
    cards: String,
    registers: u32,
    spill_stores: u32,
    spill_loads: u32,
    blocks_per_sm: u32,
    occupancy: String,
    limited_by: String,
}

/// One kernel's SASS, each line with whether it is a fused multiply-add, and its PTX.
struct SassListing<'a> {
    kernel: &'a str,
    lines: Vec<(&'a str, bool)>,
    ptx: Option<String>,
}

fn render_html(
    p: &GpuProfile,
    code: &GpuCode,
    arch: &str,
    ptx: &str,
    sass: &[&(String, Vec<String>)],
) -> String {
    let (opcode, real) = if code.double {
        ("DFMA", "float64")
    } else {
        ("FFMA", "float32")
    };
    let kernels = p
        .kernels
        .iter()
        .map(|k| KernelRow {
            kernel: k.kernel.clone(),
            arch: k.arch.clone(),
            cards: GENERATIONS
                .iter()
                .find(|g| g.arch == k.arch)
                .map_or(String::new(), |g| format!(" ({})", g.cards)),
            registers: k.registers,
            spill_stores: k.spill_stores,
            spill_loads: k.spill_loads,
            blocks_per_sm: k.blocks_per_sm,
            occupancy: format!("{:.0}%", 100.0 * k.occupancy),
            limited_by: k.limited_by.clone(),
        })
        .collect();
    let sass = sass
        .iter()
        .map(|(kernel, lines)| SassListing {
            kernel,
            lines: lines
                .iter()
                .map(|line| {
                    let fused = code::fused_multiply_adds(std::slice::from_ref(line), code.double);
                    (line.as_str(), !fused.is_empty())
                })
                .collect(),
            ptx: code::ptx_entry(ptx, kernel),
        })
        .collect();
    GpuPage {
        title: format!("mandel-lab: {} machine code ({arch})", p.variant),
        css: CSS,
        analogue: code.variant.analogue,
        compiler: &p.compiler,
        opcode,
        real,
        fused: p.fused.len(),
        threads: p.threads_per_block,
        arch,
        kernels,
        sass,
    }
    .render()
    .expect("the GPU template renders")
}

const CSS: &str = "body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; } td, th { padding: 0 10px; text-align: left; }
td.n { text-align: right; } code, pre { font-family: ui-monospace, monospace; }
pre { font-size: 0.85em; background: #f6f6f6; padding: 0.5em; } mark { background: #fcc; }";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_gpu_variants_named() {
        let names: Vec<&str> = mandel_variants::VARIANTS.iter().map(|v| v.name).collect();
        let all = codes(names.iter().copied());
        assert_eq!(all.len(), 6);
        assert!(
            all.iter()
                .all(|c| c.variant.family == mandel_variants::Family::Gpu)
        );
        assert!(codes(["expanded"]).is_empty());
    }

    #[test]
    fn the_page_marks_fused_instructions_and_escapes_the_code() {
        let code = codes(["cuda-elementwise-f64"])[0];
        let profile = GpuProfile {
            variant: "cuda-elementwise-f64".into(),
            compiler: "NVRTC 12.9".into(),
            threads_per_block: 256,
            kernels: vec![GpuKernel {
                kernel: "mandel<double>".into(),
                arch: "sm_90".into(),
                registers: 40,
                spill_stores: 0,
                spill_loads: 0,
                blocks_per_sm: 6,
                occupancy: 0.75,
                limited_by: "registers".into(),
            }],
            fused: vec!["DFMA R2, R4, R6, R8 ;".into()],
            page: "cuda-elementwise-f64.gpu.html".into(),
        };
        let sass = (
            "mandel<double>".to_string(),
            vec![
                "DMUL R2, R4, R6 ;".to_string(),
                "DFMA R2, R4, R6, R8 ;".to_string(),
            ],
        );
        let page = render_html(&profile, &code, "sm_90", "", &[&sass]);
        assert!(page.contains("<h1>mandel-lab: cuda-elementwise-f64 machine code (sm_90)</h1>"));
        assert!(
            page.contains("<strong>1 DFMA instructions</strong>"),
            "{page}"
        );
        assert!(
            page.contains("<code>mandel&#60;double&#62;</code>"),
            "{page}"
        );
        assert!(
            page.contains("<td class=\"n\">75%</td><td>registers</td>"),
            "{page}"
        );
        assert!(
            page.contains("\nDMUL R2, R4, R6 ;\n<mark>DFMA R2, R4, R6, R8 ;</mark>\n</pre>"),
            "{page}"
        );
        assert!(page.ends_with("</body></html>"), "{page}");
    }
}
