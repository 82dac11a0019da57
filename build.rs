//! Records how the lab was built (compiler, profile, flags) so results say what produced them.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(&rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let env = |k: &str| std::env::var(k).unwrap_or_default();
    println!("cargo::rustc-env=MANDEL_RUSTC_VERSION={version}");
    println!("cargo::rustc-env=MANDEL_PROFILE={}", env("PROFILE"));
    println!("cargo::rustc-env=MANDEL_OPT_LEVEL={}", env("OPT_LEVEL"));
    println!("cargo::rustc-env=MANDEL_TARGET={}", env("TARGET"));
    // CARGO_ENCODED_RUSTFLAGS separates flags with 0x1f; spaces read better in a report.
    let flags = env("CARGO_ENCODED_RUSTFLAGS").replace('\x1f', " ");
    println!("cargo::rustc-env=MANDEL_RUSTFLAGS={flags}");
    println!(
        "cargo::rustc-env=MANDEL_TARGET_FEATURES={}",
        env("CARGO_CFG_TARGET_FEATURE")
    );
    println!("cargo::rerun-if-env-changed=RUSTFLAGS");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    println!("cargo::rerun-if-changed=build.rs");
}
