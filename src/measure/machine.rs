//! Detecting the machine a measurement runs on ([`Machine::detect`]): CPU, caches, compiler, build
//! and revision, into the record's [`Machine`].

use std::path::Path;
use std::process::Command;

use crate::record::machine::{Cache, Machine};

use crate::record::build_id::BuildId;
use crate::record::units::now_rfc3339;

impl Machine {
    /// Reads this machine's description now.
    pub fn detect() -> Machine {
        Machine {
            limit: Some(crate::measure::limit::probe(
                crate::measure::limit::Effort::Full,
            )),
            ..Machine::detect_without_probe()
        }
    }

    /// [`Machine::detect`] without the start-up probe, for stages that do not read results
    /// against the limit.
    pub fn detect_without_probe() -> Machine {
        Machine {
            cpu_model: cpu_model().unwrap_or_else(|| "unknown".into()),
            cpu_detail: cpu_detail().unwrap_or_default(),
            logical_cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            caches: caches(Path::new("/sys/devices/system/cpu/cpu0/cache")),
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            rustc: env!("MANDEL_RUSTC_VERSION").into(),
            profile: env!("MANDEL_PROFILE").into(),
            opt_level: env!("MANDEL_OPT_LEVEL").into(),
            target: env!("MANDEL_TARGET").into(),
            rustflags: env!("MANDEL_RUSTFLAGS").into(),
            target_features: env!("MANDEL_TARGET_FEATURES").into(),
            git_revision: git_revision().unwrap_or_else(|| "unknown".into()),
            build: Some(BuildId::this()),
            date: now_rfc3339(),
            limit: None,
        }
    }
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_string())
}

/// `AMD family 25 model 17: Zen 4`, from /proc/cpuinfo's numbers.
fn cpu_detail() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let field = |name: &str| {
        info.lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
    };
    let vendor = field("vendor_id")?;
    let family: u32 = field("cpu family")?.parse().ok()?;
    let model: u32 = field("model")?.parse().ok()?;
    let vendor = vendor
        .trim_start_matches("Authentic")
        .trim_start_matches("Genuine");
    let generation = match (vendor, family, model) {
        ("AMD", 0x19, 0x10..=0x1f | 0x60..=0x7f | 0xa0..=0xaf) => {
            ": Zen 4 (512-bit operations run as two 256-bit halves)"
        }
        ("AMD", 0x19, _) => ": Zen 3",
        ("AMD", 0x1a, _) => ": Zen 5",
        _ => "",
    };
    Some(format!(
        "{vendor} family {family} model {model}{generation}"
    ))
}

/// Data and unified caches of cpu0, from `index*/{level,type,size,shared_cpu_list}`.
fn caches(dir: &Path) -> Vec<Cache> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let read = |f: &str| std::fs::read_to_string(entry.path().join(f)).ok();
        let (Some(level), Some(kind), Some(size)) = (read("level"), read("type"), read("size"))
        else {
            continue;
        };
        let kind = kind.trim();
        if kind == "Instruction" {
            continue;
        }
        let Some(bytes) = parse_size(size.trim()) else {
            continue;
        };
        let name = match (level.trim(), kind) {
            ("1", _) => "L1d".to_string(),
            (l, _) => format!("L{l}"),
        };
        let shared_by = read("shared_cpu_list").map_or(1, |s| count_cpus(s.trim()));
        out.push(Cache {
            name,
            bytes,
            shared_by,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Parses sysfs sizes like `32K`, `2048K`, `32M`.
fn parse_size(s: &str) -> Option<u64> {
    let (num, mult) = match s.chars().last()? {
        'K' => (&s[..s.len() - 1], 1u64 << 10),
        'M' => (&s[..s.len() - 1], 1 << 20),
        'G' => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<u64>().ok()?.checked_mul(mult)
}

/// Counts CPUs in a list like `0-3,8,10-11`.
fn count_cpus(list: &str) -> usize {
    list.split(',')
        .filter_map(|part| match part.split_once('-') {
            Some((a, b)) => Some(b.parse::<usize>().ok()? - a.parse::<usize>().ok()? + 1),
            None => part.parse::<usize>().ok().map(|_| 1),
        })
        .sum::<usize>()
        .max(1)
}

/// The revision of the checkout the binary was compiled in, `-dirty` with uncommitted changes to
/// tracked files; where that folder is gone, the current folder's. That checkout, not the folder
/// the lab runs in, holds the code measured: the revision and the build's fingerprint then name
/// the same code.
pub fn git_revision() -> Option<String> {
    let checkout = crate::record::build_id::checkout();
    let dir = Path::new(&checkout);
    let dir = if dir.is_dir() { dir } else { Path::new(".") };
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let rev = git(&["rev-parse", "--short=12", "HEAD"])?;
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{rev}-dirty") } else { rev })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysfs_sizes_and_cpu_lists_parse() {
        assert_eq!(parse_size("32K"), Some(32 * 1024));
        assert_eq!(parse_size("32M"), Some(32 << 20));
        assert_eq!(count_cpus("0-3,8,10-11"), 7);
    }
}
