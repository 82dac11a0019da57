//! Deterministic per-instruction costs from valgrind's callgrind (`--dump-instr=yes`), parsed
//! from its output file (written uncompressed, so every name and address is spelled out).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use crate::LabError;

/// One call recorded by callgrind: from an instruction to a function, with its inclusive cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub caller: String,
    pub callee: String,
    pub callee_file: String,
    /// Runtime address of the call instruction.
    pub site: u64,
    pub inclusive: u64,
}

/// What one callgrind run measured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// Instructions executed at each address of the main object (event `Ir`); addresses are
    /// relative to the object's load address, i.e. its ELF addresses.
    pub cost: HashMap<u64, u64>,
    pub calls: Vec<Call>,
    /// The source file of each function, as callgrind names them.
    pub function_files: HashMap<String, String>,
}

impl Profile {
    /// Functions that, directly or through others, call a function for which `is_ours` holds.
    pub fn reentrant(&self, is_ours: impl Fn(&str) -> bool) -> HashSet<String> {
        let mut callers_of: HashMap<&str, Vec<&str>> = HashMap::new();
        for c in &self.calls {
            callers_of.entry(&c.callee).or_default().push(&c.caller);
        }
        let mut seen: HashSet<String> = HashSet::new();
        let mut stack: Vec<&str> = self
            .function_files
            .iter()
            .filter(|(_, file)| is_ours(file))
            .map(|(f, _)| f.as_str())
            .collect();
        while let Some(f) = stack.pop() {
            for &caller in callers_of.get(f).into_iter().flatten() {
                if seen.insert(caller.to_string()) {
                    stack.push(caller);
                }
            }
        }
        seen
    }
}

/// Whether valgrind can be run here.
pub fn available() -> Result<(), String> {
    match Command::new("valgrind").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        _ => Err("valgrind is not installed (Debian: apt-get install valgrind)".into()),
    }
}

/// Runs `program args` under callgrind, writing its output to `out_file`, and parses it.
pub fn run(program: &Path, args: &[String], out_file: &Path) -> Result<Profile, LabError> {
    valgrind(
        program,
        args,
        out_file,
        &["--dump-instr=yes", "--compress-pos=no"],
    )?;
    let text = std::fs::read_to_string(out_file).map_err(|source| LabError::Read {
        path: out_file.to_path_buf(),
        source,
    })?;
    let object = std::fs::canonicalize(program).unwrap_or_else(|_| program.to_path_buf());
    Ok(parse(&text, &object.display().to_string()))
}

/// Runs `program args` under callgrind with `dump` (a `--dump-before=` option) and parses its
/// `count` outputs in order: `<out_file>.1`, `<out_file>.2`, ... for the dumps it makes, and
/// `<out_file>` for what is left at exit. Fewer outputs than `count` is an error.
pub fn run_dumps(
    program: &Path,
    args: &[String],
    dump: &str,
    count: usize,
    out_file: &Path,
) -> Result<Vec<Profile>, LabError> {
    valgrind(
        program,
        args,
        out_file,
        &["--dump-instr=yes", "--compress-pos=no", dump],
    )?;
    let object = std::fs::canonicalize(program).unwrap_or_else(|_| program.to_path_buf());
    let name = out_file.file_name().unwrap_or_default().to_string_lossy();
    (1..=count)
        .map(|i| {
            let path = match i {
                i if i == count => out_file.to_path_buf(),
                i => out_file.with_file_name(format!("{name}.{i}")),
            };
            let text =
                std::fs::read_to_string(&path).map_err(|source| LabError::Read { path, source })?;
            Ok(parse(&text, &object.display().to_string()))
        })
        .collect()
}

/// Instructions executed from the first entry of function `start` to the first entry of function
/// `end` (callgrind function patterns, e.g. `*counted_run*`), and nothing before or after:
/// callgrind dumps and zeroes its counters on entry to each, so the second of the three dumps is
/// that stretch alone, whichever threads did its work. With `only_inside` patterns, collection
/// starts off and each of those functions toggles it on entry and exit, so that only what runs
/// inside them counts (how the gate leaves out a thread pool's hand-off, whose length depends on
/// the host's timing).
pub fn count_between(
    program: &Path,
    args: &[String],
    (start, end): (&str, &str),
    only_inside: &[&str],
    out_file: &Path,
) -> Result<u64, LabError> {
    let mut options = vec![
        format!("--dump-before={start}"),
        format!("--dump-before={end}"),
    ];
    if !only_inside.is_empty() {
        options.push("--collect-atstart=no".into());
        options.extend(only_inside.iter().map(|f| format!("--toggle-collect={f}")));
    }
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    valgrind(program, args, out_file, &options)?;
    // callgrind numbers the dumps `<file>.1`, `<file>.2`, ... and the final one at exit `<file>`.
    let part = out_file.with_file_name(format!(
        "{}.2",
        out_file.file_name().unwrap_or_default().to_string_lossy()
    ));
    let text = std::fs::read_to_string(&part).map_err(|source| LabError::Read {
        path: part.clone(),
        source,
    })?;
    totals(&text).ok_or_else(|| LabError::Corrupt {
        path: part,
        message: "no totals line in the callgrind dump".into(),
    })
}

/// The `totals:` (or `summary:`) line of a callgrind output: its first event, `Ir`.
pub fn totals(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// Runs `program args` under callgrind with `extra` options, output to `out_file`.
fn valgrind(
    program: &Path,
    args: &[String],
    out_file: &Path,
    extra: &[&str],
) -> Result<(), LabError> {
    available().map_err(LabError::bad_input)?;
    let output = crate::interrupt::output(
        Command::new("valgrind")
            // No gdb server, whose pipes in the temporary folder a killed valgrind leaves behind;
            // and valgrind's own temporary files in the lab's scratch folder, which the lab
            // removes even when interrupted.
            .arg("--vgdb=no")
            .env(
                "TMPDIR",
                out_file.parent().unwrap_or_else(|| Path::new("/tmp")),
            )
            // Every symbol bound at start-up, so no lazy binding lands inside a counted stretch.
            .env("LD_BIND_NOW", "1")
            .arg("--tool=callgrind")
            .args(extra)
            .arg("--compress-strings=no")
            .arg(format!("--callgrind-out-file={}", out_file.display()))
            .arg(program)
            .args(args),
    )
    .map_err(|source| LabError::Read {
        path: program.to_path_buf(),
        source,
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(LabError::bad_input(format!(
            "callgrind run of {} failed ({}): {last}",
            program.display(),
            output.status
        )));
    }
    Ok(())
}

/// Parses an uncompressed callgrind output with `positions: instr line` and event `Ir` first.
/// Costs and call sites are kept for `object` only: other objects (libm, libc) have addresses of
/// their own that would collide with it. Calls from it into them keep their inclusive cost.
pub fn parse(text: &str, object: &str) -> Profile {
    let mut p = Profile::default();
    let (mut file, mut func) = (String::new(), String::new());
    let mut in_object = false;
    let (mut callee, mut callee_file) = (String::new(), String::new());
    let mut pending_call = false;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("ob=") {
            in_object = rest == object;
        } else if let Some(rest) = line.strip_prefix("fl=") {
            file = rest.to_string();
        } else if let Some(rest) = line.strip_prefix("fn=") {
            func = rest.to_string();
            p.function_files
                .entry(func.clone())
                .or_insert_with(|| file.clone());
        } else if let Some(rest) = line.strip_prefix("cfn=") {
            callee = rest.to_string();
        } else if let Some(rest) = line
            .strip_prefix("cfi=")
            .or_else(|| line.strip_prefix("cfl="))
        {
            callee_file = rest.to_string();
        } else if line.starts_with("calls=") {
            pending_call = true;
        } else if line.starts_with("0x") {
            let mut fields = line.split_whitespace();
            let addr = fields
                .next()
                .and_then(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).ok());
            let _line_no = fields.next();
            let ir: u64 = fields.next().and_then(|c| c.parse().ok()).unwrap_or(0);
            let Some(addr) = addr.filter(|_| in_object) else {
                pending_call = false;
                continue;
            };
            if pending_call {
                p.calls.push(Call {
                    caller: func.clone(),
                    callee: callee.clone(),
                    callee_file: callee_file.clone(),
                    site: addr,
                    inclusive: ir,
                });
                pending_call = false;
            } else {
                *p.cost.entry(addr).or_default() += ir;
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "version: 1\ncreator: callgrind-3.19.0\npositions: instr line\n\
events: Ir\n\nob=/bin/lab\nfl=/w/variants/src/scalar/naive_complex.rs\n\
fn=mandel::naive::calculate_z\n0x1000 30 5\n0x1004 31 7\ncfl=???\ncfn=hypot\n\
calls=3 0x9000 0\n0x1008 31 40\n0x1008 31 2\nob=/lib/libm.so\nfl=/lib/libm.so\nfn=hypot\n0x9000 0 40\n\
ob=/bin/lab\nfl=/w/rayon/src/lib.rs\nfn=rayon::install\ncfl=/w/variants/src/scalar/naive_complex.rs\n\
cfn=mandel::naive::calculate_z\ncalls=1 0x1000 30\n0x5000 10 54\n";

    #[test]
    fn parses_costs_calls_and_files() {
        let p = parse(SAMPLE, "/bin/lab");
        assert_eq!(p.cost[&0x1000], 5);
        assert_eq!(
            p.cost[&0x1008], 2,
            "the call's inclusive cost is not self cost"
        );
        assert!(
            !p.cost.contains_key(&0x9000),
            "libm's addresses are not the binary's"
        );
        assert_eq!(p.calls.len(), 2);
        assert_eq!(p.calls[0].callee, "hypot");
        assert_eq!((p.calls[0].site, p.calls[0].inclusive), (0x1008, 40));
        assert_eq!(p.function_files["hypot"], "/lib/libm.so");
        let re = p.reentrant(|f| f.contains("/variants/"));
        assert!(re.contains("rayon::install"));
        assert!(!re.contains("hypot"));
    }

    #[test]
    fn reads_the_totals_line() {
        assert_eq!(
            totals("events: Ir\nfn=x\n0x1 2 3\ntotals: 12345\n"),
            Some(12345)
        );
        assert_eq!(totals("summary: 77 1\n"), Some(77));
        assert_eq!(totals("events: Ir\n"), None);
    }
}
