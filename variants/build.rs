//! Compiles the C kernel of the `c-reference` variant.

fn main() {
    println!("cargo::rerun-if-changed=c/mandel.c");
    cc::Build::new()
        .file("c/mandel.c")
        .opt_level(3)
        // Never fuse a multiply and an add: FMA rounds once and changes the escape counts.
        .flag("-ffp-contract=off")
        .flag_if_supported("-fno-fast-math")
        .warnings(true)
        .compile("mandel_c");
}
