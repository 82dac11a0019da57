//! `cargo xtask gpu-tools`: says what is found where, refuses bad options in one line with exit
//! code 2, and `--install` is quick where the tools are there already: pip never runs. The real
//! install (pip from PyPI) is `.ci/run`'s gpu-tools stage, not a test.

mod common;

use std::path::Path;

/// The three tools' paths inside the folder, as the wheels lay them out.
const TOOLS: [&str; 3] = [
    "nvidia/cuda_nvrtc/lib/libnvrtc.so.12",
    "nvidia/cuda_nvcc/bin/ptxas",
    "nvidia/cu13/bin/nvdisasm",
];

/// Runs `cargo xtask gpu-tools <args>` with the tools' folder at `tools`; exit code, stdout and
/// stderr.
fn gpu_tools(tools: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let work = common::work_dir();
    let out = common::xtask(work.path())
        .env("MANDEL_LAB_GPU_TOOLS", tools)
        .arg("gpu-tools")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_options_are_refused_in_one_line() {
    for (args, needle) in [
        (
            &["--bogus"][..],
            "unexpected argument '--bogus' found (see cargo xtask gpu-tools --help)",
        ),
        (
            &["--install", "--python"][..],
            "a value is required for '--python <PATH>'",
        ),
        (
            &["--python="][..],
            "a value is required for '--python <PATH>'",
        ),
    ] {
        common::refused(&[&["gpu-tools"], args].concat(), needle);
    }
}

#[test]
fn without_the_tools_it_names_each_missing_one_and_the_install_command() {
    let empty = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = gpu_tools(empty.path(), &[]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    for name in ["nvrtc", "ptxas", "nvdisasm"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(name) && l.contains("missing")),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains("install: cargo xtask gpu-tools --install"),
        "{stdout}"
    );
}

#[test]
fn install_with_the_tools_present_is_quick_and_runs_no_pip() {
    let tools = tempfile::tempdir().unwrap();
    for tool in TOOLS {
        let path = tools.path().join(tool);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "").unwrap();
    }
    // A Python that does not exist: pip would fail if it ran.
    let (code, stdout, stderr) = gpu_tools(
        tools.path(),
        &["--install", "--python", "/nonexistent/python3"],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stderr.contains("already"), "{stderr}");
    assert!(!stderr.contains("pip install"), "{stderr}");
    for tool in TOOLS {
        assert!(stdout.contains(tool), "{stdout}");
    }
}

#[test]
fn install_with_a_python_that_does_not_exist_is_refused_before_pip() {
    let empty = tempfile::tempdir().unwrap();
    let (code, _, stderr) = gpu_tools(
        empty.path(),
        &["--install", "--python", "/nonexistent/python3"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr
            .trim_end()
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("error: --python /nonexistent/python3: no such program"),
        "{stderr}"
    );
    assert!(!stderr.contains("pip install"), "{stderr}");
}

/// `gpu-check` without a GPU: one line saying what is missing, exit 2, `docs/gpu.md` untouched;
/// and its bad options refused alike.
#[test]
fn gpu_check_without_a_gpu_says_so_and_changes_nothing() {
    let has_gpu = std::process::Command::new("nvidia-smi")
        .output()
        .is_ok_and(|o| o.status.success());
    if has_gpu {
        println!("skip: a GPU is here; gpu-check would measure it");
        return;
    }
    common::refused(
        &["gpu-check", "--bogus"],
        "unexpected argument '--bogus' found (see cargo xtask gpu-check --help)",
    );
    common::refused(
        &["gpu-check", "--doc"],
        "a value is required for '--doc <FILE>'",
    );
    let work = common::work_dir();
    let doc = work.path().join("gpu.md");
    std::fs::write(&doc, "# GPU\n").unwrap();
    let out = common::xtask_fast(work.path())
        .args(["gpu-check", "--doc"])
        .arg(&doc)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("no GPU here"), "{stderr}");
    // Without a driver at all, it is said before the lab is built or asked.
    if !Path::new("/proc/driver/nvidia/version").exists() {
        assert!(errors[0].contains("no NVIDIA driver is loaded"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), "# GPU\n");
}
