//! The GPU kernels proved as far as a machine without a GPU can: `mandel.cu` compiles through the
//! variants' own NVRTC call and options ([`gpu::compile_ptx`]) for float32 and float64 and for
//! the report's GPU generations (A100's sm_80, H100's sm_90); the PTX holds every kernel the
//! variants load and no fused multiply-add; ptxas assembles it for the real architecture, each
//! kernel without spills. A typo in the kernel source fails here, not on the first GPU.
//!
//! NVRTC and ptxas come from `cargo xtask gpu-tools --install` (NVRTC may also be on the loader's
//! path); without them each test says `skip:` with that command. CI installs them and sets
//! `MANDEL_LAB_REQUIRE_GPU_TOOLS=1`, so that there a missing tool fails instead.

use mandel_variants::gpu::code::GENERATIONS;
use mandel_variants::gpu::ptxas::{KernelResources, assemble, parse_ptxas_verbose};
use mandel_variants::gpu::{self, Real, tools};

#[test]
fn float32_kernels_compile_for_sm_80_and_sm_90_without_fma_or_spills() {
    compiles_cleanly::<f32>();
}

#[test]
fn float64_kernels_compile_for_sm_80_and_sm_90_without_fma_or_spills() {
    compiles_cleanly::<f64>();
}

fn compiles_cleanly<T: Real>() {
    let real = T::C_NAME;
    if let Err(why) = tools::load_nvrtc() {
        skip_or_fail(&format!("mandel.cu ({real}) not compiled: {why}"));
        return;
    }
    let (major, minor) = tools::nvrtc_version().unwrap_or((0, 0));
    // The GPU generations the report names: NVRTC's virtual architecture and ptxas's real one.
    for (virtual_arch, real_arch) in GENERATIONS.map(|g| (g.compute, g.arch)) {
        let ptx = match gpu::compile_ptx::<T>(Some(virtual_arch)) {
            Ok(ptx) => ptx.to_src(),
            Err(why) => panic!("{why}"),
        };
        for kernel in gpu::kernel_names() {
            assert!(
                ptx.contains(&format!(".entry {kernel}(")),
                "{real}, {virtual_arch}: no kernel {kernel} in the PTX"
            );
        }
        let fused: Vec<&str> = ptx.lines().filter(|l| is_fused(l)).collect();
        assert!(
            fused.is_empty(),
            "{real}, {virtual_arch}: fused multiply-add in the PTX despite --fmad=false: {fused:?}"
        );
        println!("{real}, {virtual_arch}: compiled by NVRTC {major}.{minor}, no fma");

        let Some(ptxas) = tools::ptxas() else {
            skip_or_fail(&format!(
                "ptxas -arch={real_arch} ({real}): ptxas not in {} (install: {})",
                tools::expected_dir().display(),
                tools::INSTALL_TOOLS
            ));
            continue;
        };
        let dir = tempfile::tempdir().expect("a temporary folder");
        let report = match assemble(&ptxas, &ptx, real_arch, dir.path()) {
            Ok(report) => report,
            Err(why) => panic!("{real}: {why}"),
        };
        assert!(dir.path().join("kernels.cubin").is_file(), "no cubin");
        let resources = parse_ptxas_verbose(&report);
        for kernel in gpu::kernel_names() {
            let Some(k) = resources.iter().find(|k| k.name == kernel) else {
                panic!("{real}, {real_arch}: ptxas reported nothing for {kernel}:\n{report}");
            };
            assert_eq!(k.arch, real_arch, "{kernel}");
            assert!(
                k.registers > 0,
                "{real}, {real_arch}, {kernel}: no registers in\n{report}"
            );
            assert!(
                k.spill_stores == 0 && k.spill_loads == 0,
                "{real}, {real_arch}, {kernel} spills: {k:?}"
            );
        }
        println!("{}", table(real, real_arch, &resources));
    }
}

/// Whether a PTX line is a floating-point fused multiply-add (`fma.rn.f64`, or the older
/// `mad.f32` and `mad.rn.f32`); the integer `mad.lo` of index arithmetic is not one.
fn is_fused(line: &str) -> bool {
    let op = line.split_whitespace().next().unwrap_or("");
    op.starts_with("fma.") || (op.starts_with("mad.") && op.contains(".f"))
}

/// The figures of one compile, one line per kernel.
fn table(real: &str, arch: &str, resources: &[KernelResources]) -> String {
    let mut text = format!("{real}, {arch}: ptxas -v, registers and spills per thread");
    for k in resources {
        text.push_str(&format!(
            "\n  {:<15} {:>3} registers, {} B spill stores, {} B spill loads, {} B stack, {} B smem",
            k.name, k.registers, k.spill_stores, k.spill_loads, k.stack_bytes, k.shared_bytes
        ));
    }
    text
}

/// Says `skip:`, or fails where CI requires the tools.
fn skip_or_fail(why: &str) {
    if std::env::var_os("MANDEL_LAB_REQUIRE_GPU_TOOLS").is_some_and(|v| v == "1") {
        panic!("MANDEL_LAB_REQUIRE_GPU_TOOLS=1 but {why}");
    }
    println!("skip: {why}");
}

/// `profile` on a GPU variant, without a GPU: its page with the PTX, the SASS, the registers, the
/// occupancy and the exactness check, and its entry in `profile.json`.
#[test]
fn profile_writes_each_gpu_variants_machine_code_page() {
    if let Err(why) = tools::load_nvrtc() {
        skip_or_fail(&format!("no GPU machine-code page: {why}"));
        return;
    }
    if tools::ptxas().is_none() || tools::nvdisasm().is_none() {
        skip_or_fail(&format!(
            "no GPU machine-code page: ptxas or nvdisasm missing (install: {})",
            tools::INSTALL_TOOLS
        ));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("flamegraphs");
    let names: Vec<&str> = gpu::code::all().map(|c| c.variant.name).collect();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(["profile", "--variants", &names.join(","), "--out"])
        .arg(&out)
        .args([
            "--width",
            "20",
            "--height",
            "20",
            "--maxiter",
            "20",
            "--seconds",
            "0.1",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let summary = mandel_lab::profile::ProfileSummary::load(&out)
        .unwrap()
        .unwrap();
    assert_eq!(summary.gpu.len(), names.len(), "{stderr}");
    for (g, code) in summary.gpu.iter().zip(gpu::code::all()) {
        assert_eq!(g.variant, code.variant.name);
        assert!(
            g.fused.is_empty(),
            "{}: fused multiply-adds {:?}",
            g.variant,
            g.fused
        );
        // Every kernel on every generation, none spilling, each with a real occupancy.
        assert_eq!(g.kernels.len(), code.kernels.len() * GENERATIONS.len());
        assert!(
            g.kernels
                .iter()
                .all(|k| k.spill_stores == 0 && k.occupancy > 0.0)
        );
        let page = std::fs::read_to_string(out.join(&g.page)).unwrap();
        let opcode = if code.double { "DFMA" } else { "FFMA" };
        assert!(
            page.contains(&format!("<strong>No {opcode}</strong>")),
            "{}",
            g.variant
        );
        for kernel in code.kernels {
            assert!(
                page.contains(&format!("{kernel}: SASS (sm_90")),
                "{}: {kernel}",
                g.variant
            );
            assert!(
                page.contains(&format!(".entry {kernel}(")),
                "{}: no PTX of {kernel}",
                g.variant
            );
        }
        println!("{}: {}", g.variant, mandel_lab::profile::gpu::summary(g));
    }
}
