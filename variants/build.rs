//! Compiles the C kernel of the `c-reference` variant, and the GPU kernels' source as C++ for the
//! CPU (the emulator of `gpu::emu`).
//!
//! `MANDEL_LAB_CFLAGS` replaces the kernel's own flags (`cargo xtask flags` builds it under
//! gcc's optimisation levels, `-march=native` and `-ffast-math`); the flags used are recorded in
//! the crate as `MANDEL_C_FLAGS`, so every result says what built it.

/// The kernel's own flags: never fuse a multiply and an add, since FMA rounds once and changes
/// the escape counts.
const DEFAULT_FLAGS: &[&str] = &["-O3", "-ffp-contract=off", "-fno-fast-math"];

/// The emulator's flags, fixed (never `MANDEL_LAB_CFLAGS`): no fused multiply-add, as NVRTC's
/// `--fmad=false`, so that its float64 counts are the reference's. Without semantic interposition
/// the kernels, which have external C names, may be inlined into the launch loops: `cuda-vector`'s
/// 7,000 launches on the tutorial's problem took 2.7 s so, against 9.4 s with one call per thread
/// (2026-12-02, 2-core AMD EPYC Zen 3).
const EMULATOR_FLAGS: &[&str] = &[
    "-O2",
    "-ffp-contract=off",
    "-fno-fast-math",
    "-fno-semantic-interposition",
    "-fno-exceptions",
    "-fno-rtti",
];

fn main() {
    println!("cargo::rerun-if-changed=c/mandel.c");
    println!("cargo::rerun-if-env-changed=MANDEL_LAB_CFLAGS");
    let custom = std::env::var("MANDEL_LAB_CFLAGS")
        .ok()
        .filter(|f| !f.trim().is_empty());
    let flags: Vec<String> = match &custom {
        Some(f) => f.split_whitespace().map(String::from).collect(),
        None => DEFAULT_FLAGS.iter().map(|f| f.to_string()).collect(),
    };
    let mut build = cc::Build::new();
    // cc's own `-O` goes first; the flags below come after it, so their `-O` wins.
    build.file("c/mandel.c").opt_level(3).warnings(true);
    for flag in &flags {
        build.flag(flag);
    }
    build.compile("mandel_c");
    println!("cargo::rustc-env=MANDEL_C_FLAGS={}", flags.join(" "));
    emulator();
}

/// Compiles `src/gpu/mandel.cu`, its very text, as C++ in both precisions with the CUDA stand-ins
/// of `src/gpu/emu/cuda_emu.h` (see `src/gpu/emu/mandel_emu.cpp`).
fn emulator() {
    for file in [
        "src/gpu/mandel.cu",
        "src/gpu/emu/cuda_emu.h",
        "src/gpu/emu/mandel_emu.cpp",
    ] {
        println!("cargo::rerun-if-changed={file}");
    }
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++17")
        // Only the language itself is used: no standard library to link.
        .cpp_link_stdlib(None)
        .file("src/gpu/emu/mandel_emu.cpp")
        .opt_level(2)
        .warnings(true);
    for flag in EMULATOR_FLAGS {
        build.flag(flag);
    }
    build.compile("mandel_gpu_emu");
    println!(
        "cargo::rustc-env=MANDEL_EMU_FLAGS={}",
        EMULATOR_FLAGS.join(" ")
    );
}
