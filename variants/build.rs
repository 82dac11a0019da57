//! Compiles the C kernel of the `c-reference` variant.
//!
//! `MANDEL_LAB_CFLAGS` replaces the kernel's own flags (`cargo xtask flags` builds it under
//! gcc's optimisation levels, `-march=native` and `-ffast-math`); the flags used are recorded in
//! the crate as `MANDEL_C_FLAGS`, so every result says what built it.

/// The kernel's own flags: never fuse a multiply and an add, since FMA rounds once and changes
/// the escape counts.
const DEFAULT_FLAGS: &[&str] = &["-O3", "-ffp-contract=off", "-fno-fast-math"];

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
}
