//! ptxas, NVIDIA's assembler from PTX to a GPU's machine code, run on the kernels' PTX without a
//! GPU: it proves the PTX assembles for a real architecture, and its `-v` report gives each
//! kernel's registers and spills, which decide how many threads a multiprocessor can hold.
//!
//! The compile test asserts on these figures and the profile pages show them, so the parser of
//! ptxas's report lives here, once, pinned by a test on a report captured from ptxas 12.9.

use std::path::Path;
use std::process::Command;

/// One kernel's resources, as `ptxas -v` reports them for one architecture.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KernelResources {
    /// The entry function's name (`elementwise`).
    pub name: String,
    /// The architecture compiled for (`sm_90`).
    pub arch: String,
    /// Registers per thread.
    pub registers: u32,
    /// Bytes per thread stored to local memory for want of registers.
    pub spill_stores: u32,
    /// Bytes per thread loaded back from those spills.
    pub spill_loads: u32,
    /// Bytes of the stack frame per thread.
    pub stack_bytes: u32,
    /// Bytes of static shared memory per block.
    pub shared_bytes: u32,
}

/// Runs `ptxas -arch=<arch> -v` on `ptx`, writing `kernels.ptx` and the cubin `kernels.cubin`
/// into `dir`, and returns its report (ptxas writes it to standard error), or the error with
/// ptxas's own output.
pub fn assemble(ptxas: &Path, ptx: &str, arch: &str, dir: &Path) -> Result<String, String> {
    let input = dir.join("kernels.ptx");
    std::fs::write(&input, ptx).map_err(|e| format!("cannot write {}: {e}", input.display()))?;
    let output = Command::new(ptxas)
        .arg(format!("-arch={arch}"))
        .arg("-v")
        .arg("-o")
        .arg(dir.join("kernels.cubin"))
        .arg(&input)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", ptxas.display()))?;
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(report)
    } else {
        Err(format!(
            "ptxas -arch={arch} failed ({}):\n{}",
            output.status,
            report.trim_end()
        ))
    }
}

/// Each entry function's resources from a `ptxas -v` report, in the report's order. Lines that
/// are not understood are skipped, so a newer ptxas that adds figures still parses.
pub fn parse_ptxas_verbose(text: &str) -> Vec<KernelResources> {
    let mut kernels: Vec<KernelResources> = Vec::new();
    // The kernel the following figure lines describe: `None` after the properties of a device
    // function that is not an entry.
    let mut current: Option<usize> = None;
    for line in text.lines() {
        let line = line.trim().trim_start_matches("ptxas info").trim();
        let line = line.strip_prefix(':').unwrap_or(line).trim();
        if let Some(rest) = line.strip_prefix("Compiling entry function '") {
            let name = rest.split('\'').next().unwrap_or_default();
            let arch = rest
                .split("for '")
                .nth(1)
                .and_then(|a| a.split('\'').next())
                .unwrap_or_default();
            kernels.push(KernelResources {
                name: name.to_string(),
                arch: arch.to_string(),
                ..KernelResources::default()
            });
            current = Some(kernels.len() - 1);
        } else if let Some(name) = line.strip_prefix("Function properties for ") {
            current = kernels.iter().rposition(|k| k.name == name.trim());
        } else if let Some(k) = current.and_then(|i| kernels.get_mut(i)) {
            if line.contains("stack frame") {
                k.stack_bytes = figure(line, "bytes stack frame").unwrap_or(0);
                k.spill_stores = figure(line, "bytes spill stores").unwrap_or(0);
                k.spill_loads = figure(line, "bytes spill loads").unwrap_or(0);
            } else if line.starts_with("Used ") {
                k.registers = figure(line, "registers").unwrap_or(0);
                k.shared_bytes = figure(line, "bytes smem").unwrap_or(0);
            }
        }
    }
    kernels
}

/// The number just before `unit` in a comma-separated list of figures (`18 registers`).
fn figure(line: &str, unit: &str) -> Option<u32> {
    line.split(',').find_map(|part| {
        let part = part.trim().trim_start_matches("Used ").trim();
        let (number, rest) = part.split_once(' ')?;
        (rest.trim() == unit).then(|| number.parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured from ptxas 12.9 (`nvidia-cuda-nvcc-cu12` 12.9.86), `-arch=sm_90 -v`, on the
    /// float64 PTX of `mandel.cu` (its first and one later kernel), with a device function's
    /// properties, spills and a smem figure added by hand to cover the other forms.
    const SAMPLE: &str = "\
ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function 'set_where' for 'sm_90'
ptxas info    : Function properties for set_where
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 8 registers, used 0 barriers
ptxas info    : Compile time = 4.020 ms
ptxas info    : Compiling entry function 'elementwise' for 'sm_90'
ptxas info    : Function properties for elementwise
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 20 registers, used 0 barriers
ptxas info    : Compile time = 4.484 ms
ptxas info    : Function properties for _Z11escape_timeddj
    8 bytes stack frame, 4 bytes spill stores, 4 bytes spill loads
ptxas info    : Compiling entry function 'greater' for 'sm_90'
ptxas info    : Function properties for greater
    16 bytes stack frame, 12 bytes spill stores, 8 bytes spill loads
ptxas info    : Used 10 registers, 256 bytes smem, 372 bytes cmem[0]
";

    #[test]
    fn ptxas_verbose_report_gives_registers_and_spills_per_entry_function() {
        assert_eq!(
            parse_ptxas_verbose(SAMPLE),
            [
                KernelResources {
                    name: "set_where".into(),
                    arch: "sm_90".into(),
                    registers: 8,
                    ..KernelResources::default()
                },
                KernelResources {
                    name: "elementwise".into(),
                    arch: "sm_90".into(),
                    registers: 20,
                    ..KernelResources::default()
                },
                KernelResources {
                    name: "greater".into(),
                    arch: "sm_90".into(),
                    registers: 10,
                    spill_stores: 12,
                    spill_loads: 8,
                    stack_bytes: 16,
                    shared_bytes: 256,
                },
            ]
        );
    }

    #[test]
    fn text_that_is_not_a_ptxas_report_gives_no_kernels() {
        assert!(parse_ptxas_verbose("").is_empty());
        assert!(parse_ptxas_verbose("ptxas fatal   : Unresolved extern function 'x'\n").is_empty());
        assert!(parse_ptxas_verbose("    0 bytes stack frame\nUsed 9 registers\n").is_empty());
    }
}
