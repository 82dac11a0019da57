//! The sampling view (cProfile and RunSnake's picture of it): pprof samples the kernel while it
//! runs, whole calls, for the asked seconds. The profiler is a criterion `Profiler`, started and
//! stopped around the lab's own loop: criterion's `--profile-time` mode always runs a one-second
//! warm-up under the profiler first, which made a quarter-second `--quick` sample take well over a
//! second a variant. The stacks are folded into `a;b;c count` lines, summarised per function like
//! `pstats`, and drawn with inferno.
//!
//! pprof 0.15's own criterion adapter targets criterion 0.5 and its flamegraph feature another
//! inferno, so both the adapter and the folding are written here.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

use criterion::profiler::Profiler;

use mandel_variants::Kernel;

use crate::LabError;
use crate::profile::views::FunctionShare;

/// Libraries whose frames pprof should not try to unwind from (signal-handler safety).
const BLOCKLIST: &[&str] = &["libc", "libgcc", "pthread", "vdso"];

/// Folded stacks: `root;caller;callee` and the number of samples that ended there.
pub type Folded = Vec<(String, u64)>;

/// What one sampling run found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sampled {
    pub folded: Folded,
    /// Samples with a frame from the variant's own source (decided by file, not by name: pprof
    /// names inlined frames by their short names).
    pub in_variant: u64,
    /// The same samples with each stack cut to start at its first frame of the variant's code, so
    /// a top-functions table shows the kernel and what it calls, not the harness around it;
    /// samples outside the variant's code count as `(outside the kernel)`.
    pub kernel_folded: Folded,
}

/// criterion's `Profiler` over pprof: samples between `start_profiling` and `stop_profiling`, and
/// leaves the folded stacks in `benchmark_dir/folded.txt` and in `result`.
pub struct PprofProfiler {
    frequency: i32,
    guard: Option<pprof::ProfilerGuard<'static>>,
    /// The folded stacks of the last profile, or why it failed.
    pub result: Rc<RefCell<Option<Result<Sampled, String>>>>,
    is_ours: fn(&str) -> bool,
}

impl PprofProfiler {
    /// A profiler sampling `frequency` times per second; `is_ours` tells the variant's source
    /// files from the rest.
    pub fn new(frequency: i32, is_ours: fn(&str) -> bool) -> PprofProfiler {
        PprofProfiler {
            frequency,
            is_ours,
            guard: None,
            result: Rc::new(RefCell::new(None)),
        }
    }
}

impl Profiler for PprofProfiler {
    fn start_profiling(&mut self, _benchmark_id: &str, _benchmark_dir: &Path) {
        match pprof::ProfilerGuardBuilder::default()
            .frequency(self.frequency)
            .blocklist(BLOCKLIST)
            .build()
        {
            Ok(guard) => self.guard = Some(guard),
            Err(e) => *self.result.borrow_mut() = Some(Err(format!("cannot start pprof: {e}"))),
        }
    }

    fn stop_profiling(&mut self, _benchmark_id: &str, benchmark_dir: &Path) {
        let Some(guard) = self.guard.take() else {
            return;
        };
        // The report must be built while the guard is alive.
        let outcome = match guard.report().build() {
            Ok(report) => {
                let sampled = fold(&report.data, self.is_ours);
                let text = folded_text(&sampled.folded);
                let _ = std::fs::create_dir_all(benchmark_dir);
                let _ = std::fs::write(benchmark_dir.join("folded.txt"), text);
                Ok(sampled)
            }
            Err(e) => Err(format!("cannot build the pprof report: {e}")),
        };
        *self.result.borrow_mut() = Some(outcome);
    }
}

/// Runs `kernel` repeatedly for `seconds` under criterion's profile mode with pprof sampling at
/// `frequency` Hz, and returns the folded stacks.
pub fn sample(
    kernel: &mut dyn Kernel,
    pixels: usize,
    id: &str,
    seconds: f64,
    frequency: i32,
    is_ours: fn(&str) -> bool,
) -> Result<Sampled, LabError> {
    let (scratch, _registered) =
        crate::interrupt::scratch_dir().map_err(|source| LabError::Write {
            path: std::env::temp_dir(),
            source,
        })?;
    let mut profiler = PprofProfiler::new(frequency, is_ours);
    let result = Rc::clone(&profiler.result);
    let dir = scratch.path().join("profile");
    let mut out = vec![0u32; pixels];
    profiler.start_profiling(id, &dir);
    let started = Instant::now();
    // Whole calls, at least one, until `seconds` have passed.
    let failure = loop {
        if let Err(e) = kernel.run(std::hint::black_box(&mut out)) {
            break Some(e);
        }
        if started.elapsed().as_secs_f64() >= seconds {
            break None;
        }
    };
    profiler.stop_profiling(id, &dir);
    if let Some(e) = failure {
        return Err(e.into());
    }
    let outcome = result.borrow_mut().take();
    match outcome {
        Some(Ok(sampled)) if !sampled.folded.is_empty() => Ok(sampled),
        Some(Ok(_)) | None => Err(LabError::bad_input(format!(
            "pprof took no samples of {id}; raise --seconds or --frequency"
        ))),
        Some(Err(e)) => Err(LabError::bad_input(e)),
    }
}

/// Folds pprof's stacks root-first into `thread;outer;...;inner` lines, merging equal stacks.
/// Frames from a known source file are labelled with its name (`calculate_z [naive_complex.rs]`).
pub fn fold(data: &HashMap<pprof::Frames, isize>, is_ours: fn(&str) -> bool) -> Sampled {
    let mut merged: BTreeMap<String, u64> = BTreeMap::new();
    let mut kernel: BTreeMap<String, u64> = BTreeMap::new();
    let mut in_variant = 0;
    for (frames, count) in data {
        let count = (*count).max(0) as u64;
        let mut names = vec![frames.thread_name_or_id()];
        let mut first_ours = None;
        // pprof lists frames innermost first, and inlined symbols innermost first within each.
        for frame in frames.frames.iter().rev() {
            for symbol in frame.iter().rev() {
                let file = symbol.filename.as_deref().map(|f| f.to_string_lossy());
                if first_ours.is_none() && file.as_deref().is_some_and(is_ours) {
                    first_ours = Some(names.len());
                }
                names.push(frame_label(&symbol.name(), file.as_deref()));
            }
        }
        let kernel_stack = match first_ours {
            Some(i) => {
                in_variant += count;
                format!("kernel;{}", names[i..].join(";"))
            }
            None => "kernel;(outside the kernel)".to_string(),
        };
        *kernel.entry(kernel_stack).or_default() += count;
        *merged.entry(names.join(";")).or_default() += count;
    }
    Sampled {
        folded: merged.into_iter().collect(),
        in_variant,
        kernel_folded: kernel.into_iter().collect(),
    }
}

/// `name [file.rs]`, without the hash suffix and without `;` (the folded separator).
fn frame_label(name: &str, file: Option<&str>) -> String {
    let name = clean_name(name);
    match file.and_then(|f| f.rsplit('/').next()) {
        Some(base) if !base.is_empty() => format!("{name} [{base}]"),
        _ => name,
    }
}

/// The folded stacks as text, one `stack count` line each.
pub fn folded_text(folded: &Folded) -> String {
    folded
        .iter()
        .map(|(stack, n)| format!("{stack} {n}\n"))
        .collect()
}

/// Parses folded text back (the flamegraph is re-drawn from the saved file).
pub fn parse_folded(text: &str) -> Folded {
    text.lines()
        .filter_map(|l| {
            let (stack, n) = l.rsplit_once(' ')?;
            Some((stack.to_string(), n.parse().ok()?))
        })
        .collect()
}

/// Symbol names without the hash suffix, and without `;` (the folded separator).
fn clean_name(name: &str) -> String {
    let trimmed = match name.rfind("::h") {
        Some(i) if name[i + 3..].chars().all(|c| c.is_ascii_hexdigit()) && name.len() - i == 19 => {
            &name[..i]
        }
        _ => name,
    };
    trimmed.replace(';', ":")
}

/// Total number of samples.
pub fn total(folded: &Folded) -> u64 {
    folded.iter().map(|(_, n)| n).sum()
}

/// Share of samples whose stack has a frame containing `needle`.
pub fn share_containing(folded: &Folded, needle: &str) -> f64 {
    let hits: u64 = folded
        .iter()
        .filter(|(stack, _)| stack.split(';').any(|f| f.contains(needle)))
        .map(|(_, n)| n)
        .sum();
    hits as f64 / total(folded).max(1) as f64
}

/// The `limit` functions with the highest total share, like `pstats` sorted by cumulative time.
pub fn top_functions(folded: &Folded, limit: usize) -> Vec<FunctionShare> {
    let all = total(folded).max(1) as f64;
    let mut own: HashMap<&str, u64> = HashMap::new();
    let mut cumulative: HashMap<&str, u64> = HashMap::new();
    for (stack, n) in folded {
        // Skip the thread name; count each function once per stack for the total.
        let frames: Vec<&str> = stack.split(';').skip(1).collect();
        if let Some(leaf) = frames.last() {
            *own.entry(leaf).or_default() += n;
        }
        let unique: HashSet<&str> = frames.into_iter().collect();
        for f in unique {
            *cumulative.entry(f).or_default() += n;
        }
    }
    let mut rows: Vec<FunctionShare> = cumulative
        .iter()
        .map(|(name, total)| FunctionShare {
            name: name.to_string(),
            self_share: own.get(name).copied().unwrap_or(0) as f64 / all,
            total_share: *total as f64 / all,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.total_share
            .total_cmp(&a.total_share)
            .then(b.self_share.total_cmp(&a.self_share))
            .then(a.name.cmp(&b.name))
    });
    rows.truncate(limit);
    rows
}

/// Draws the folded stacks as an interactive flamegraph SVG with inferno.
pub fn flamegraph_svg(folded: &Folded, title: &str, subtitle: &str) -> Result<String, LabError> {
    let text = folded_text(folded);
    let mut options = inferno::flamegraph::Options::default();
    options.title = title.to_string();
    options.subtitle = Some(subtitle.to_string());
    options.count_name = "samples".into();
    options.deterministic = true;
    let mut svg = Vec::new();
    inferno::flamegraph::from_lines(&mut options, text.lines(), &mut svg)
        .map_err(|e| LabError::bad_input(format!("inferno cannot draw the flamegraph: {e}")))?;
    Ok(String::from_utf8_lossy(&svg).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_folded() -> Folded {
        vec![
            ("main;run;calculate_z;hypot".into(), 30),
            ("main;run;calculate_z".into(), 60),
            ("main;run;alloc".into(), 10),
        ]
    }

    #[test]
    fn top_functions_count_self_and_total_once_per_stack() {
        let top = top_functions(&sample_folded(), 10);
        let get = |n: &str| top.iter().find(|f| f.name == n).unwrap();
        assert_eq!(get("run").total_share, 1.0);
        assert_eq!(get("run").self_share, 0.0);
        assert!((get("calculate_z").total_share - 0.9).abs() < 1e-12);
        assert!((get("calculate_z").self_share - 0.6).abs() < 1e-12);
        assert!((get("hypot").self_share - 0.3).abs() < 1e-12);
    }

    #[test]
    fn folded_text_round_trips_and_draws() {
        let folded = sample_folded();
        assert_eq!(parse_folded(&folded_text(&folded)), folded);
        assert!((share_containing(&folded, "calculate_z") - 0.9).abs() < 1e-12);
        let svg = flamegraph_svg(&folded, "t", "s").unwrap();
        assert!(svg.contains("<svg") && svg.contains("calculate_z"));
    }

    #[test]
    fn hash_suffixes_are_removed_and_files_named() {
        assert_eq!(clean_name("a::b::h0123456789abcdef"), "a::b");
        assert_eq!(clean_name("a::hello"), "a::hello");
        assert_eq!(
            frame_label("run", Some("/w/variants/src/x.rs")),
            "run [x.rs]"
        );
        assert_eq!(frame_label("a;b", None), "a:b");
    }
}
