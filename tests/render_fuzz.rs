//! The render stage against extreme figures: every numeric field of every file it reads
//! (`results.json`, `peers.json`, `flags.json`, `sweeps/*.json`, `flamegraphs/profile.json`,
//! `history.jsonl`) set to values no measurement gives (1e306, -1e306, 1e-306, 0, -1,
//! `u64::MAX`, 1e20, ...), one field at a time and in every entry of a list at once. Each render
//! must come back within a deadline (a chart once spun for ever on a median of 1e306 s), and
//! either succeed or refuse the results as bad input in one line that names them; a side file
//! is rendered, or left out with the page naming it (the render itself goes on). Nothing here
//! runs a kernel: each case reads and renders a few small files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use mandel_lab::LabError;
use mandel_lab::profile::ProfileSummary;
use mandel_lab::record::history::Entry;
use mandel_lab::record::results::Results;
use mandel_lab::render::report as render;
use mandel_lab::render::report::load::{Broken, Inputs};

/// Longest one case may take: a render takes milliseconds, a hang takes for ever.
const DEADLINE: Duration = Duration::from_secs(20);

/// The values put into each numeric field.
fn extremes() -> Vec<Value> {
    vec![
        json!(1e306),
        json!(-1e306),
        json!(1e-306),
        // Also zero for a float field: serde reads a whole number into an f64.
        json!(0),
        json!(-1),
        json!(u64::MAX as f64),
        json!(u64::MAX),
        json!(1e20),
        json!(f64::MAX),
    ]
}

/// One input file of the render stage, as JSON (a JSON-lines file is one value per line).
struct Input {
    /// Relative to the case's folder: `reports/...` or `flamegraphs/profile.json`.
    path: &'static str,
    lines: bool,
    value: Vec<Value>,
}

impl Input {
    fn bytes(&self) -> Vec<u8> {
        match self.lines {
            true => self
                .value
                .iter()
                .map(|v| v.to_string() + "\n")
                .collect::<String>()
                .into_bytes(),
            false => serde_json::to_vec_pretty(&self.value[0]).unwrap(),
        }
    }
}

/// One step into a JSON value.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every numeric leaf under `v`, as the steps that reach it.
fn numeric_leaves(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Number(_) => out.push(at.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(Step::Index(i));
                numeric_leaves(item, at, out);
                at.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                at.push(Step::Key(k.clone()));
                numeric_leaves(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// A leaf's field, with list positions left out: `variants[].timing.median`.
fn field(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| match s {
            Step::Key(k) => format!(".{k}"),
            Step::Index(_) => "[]".into(),
        })
        .collect()
}

fn leaf_mut<'a>(v: &'a mut Value, steps: &[Step]) -> &'a mut Value {
    steps.iter().fold(v, |v, s| match s {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// One case: in input `input`, the leaves `leaves` (one, or every one of a field) set to `value`.
struct Case {
    input: usize,
    /// (line, steps) of each leaf changed.
    leaves: Vec<(usize, Vec<Step>)>,
    value: Value,
    about: String,
}

/// The fixtures, and what the render stage reads that has no fixture, made from the types.
fn inputs() -> Vec<Input> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |p: PathBuf| -> Value {
        serde_json::from_slice(&std::fs::read(&p).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let results = Results::load(&fixtures.join("results.json")).unwrap();
    // The old sweeps, converted to the one schema as the render stage would.
    let legacy = tempfile::tempdir().unwrap();
    for f in [
        "sweep-chunks.json",
        "sweep-threads.json",
        "sweep-sizes.json",
    ] {
        std::fs::copy(
            fixtures.join("legacy-sweeps").join(f),
            legacy.path().join(f),
        )
        .unwrap();
    }
    mandel_lab::sweep::load_all(legacy.path(), mandel_lab::sweep::Legacy::Convert).unwrap();
    let sweep = |axis: &str| read(legacy.path().join(format!("sweeps/{axis}.json")));
    let profile = profile_for(&results);
    let first = Entry::new(&results, Some(&profile));
    let mut second = first.clone();
    second.revision = "later".into();
    for p in &mut second.variants {
        p.median *= 1.2;
    }
    let one = |path, value| Input {
        path,
        lines: false,
        value: vec![value],
    };
    // The fixture with rows that counted their work, so that every field of `work` is fuzzed too.
    let mut with_work = read(fixtures.join("results.json"));
    let rows = read(fixtures.join("shortcut-rows.json"));
    with_work["variants"]
        .as_array_mut()
        .unwrap()
        .extend(rows.as_array().unwrap().iter().cloned());
    with_work["work_image"] = json!("work.png");
    vec![
        one("reports/results.json", with_work),
        one("reports/peers.json", read(fixtures.join("peers.json"))),
        one("reports/flags.json", read(fixtures.join("flags.json"))),
        one(
            "reports/sweeps/maxiter.json",
            read(fixtures.join("sweeps/maxiter.json")),
        ),
        one("reports/sweeps/chunks.json", sweep("chunks")),
        one("reports/sweeps/threads.json", sweep("threads")),
        one("reports/sweeps/sizes.json", sweep("sizes")),
        one(
            "flamegraphs/profile.json",
            serde_json::to_value(&profile).unwrap(),
        ),
        Input {
            path: "reports/history.jsonl",
            lines: true,
            value: vec![
                serde_json::to_value(&first).unwrap(),
                serde_json::to_value(&second).unwrap(),
            ],
        },
    ]
}

/// A `profile.json` of the results' problem with every view filled in.
fn profile_for(results: &Results) -> ProfileSummary {
    use mandel_lab::profile::views::{
        FunctionShare, GpuKernel, GpuProfile, HotLoop, Instruction, LineCost, LineProfile,
    };
    use mandel_lab::profile::{CALLGRIND_PROBLEM, SCHEMA_VERSION, VariantProfile};
    ProfileSummary {
        schema_version: SCHEMA_VERSION,
        generated_at: "2026-11-25T00:00:00Z".into(),
        spec: results.problem.spec(),
        callgrind_spec: CALLGRIND_PROBLEM,
        seconds: 1.0,
        frequency: 997,
        gpu: vec![GpuProfile {
            variant: "cuda-gridstride-f64".into(),
            compiler: "NVRTC 12.9".into(),
            threads_per_block: 512,
            kernels: vec![GpuKernel {
                kernel: "gridstride".into(),
                arch: "sm_90".into(),
                registers: 20,
                spill_stores: 0,
                spill_loads: 0,
                blocks_per_sm: 4,
                occupancy: 1.0,
                limited_by: "threads".into(),
            }],
            fused: Vec::new(),
            page: "cuda-gridstride-f64.gpu.html".into(),
        }],
        variants: vec![VariantProfile {
            variant: "naive".into(),
            samples: 100,
            kernel_share: 0.9,
            top_functions: vec![FunctionShare {
                name: "naive::kernel".into(),
                self_share: 0.8,
                total_share: 0.9,
            }],
            flamegraph: "naive.svg".into(),
            folded: "naive.folded".into(),
            line_profile: Some(LineProfile {
                kernel_cost: 1_000_000,
                lines: vec![LineCost {
                    file: "variants/src/scalar/naive_complex.rs".into(),
                    line: 30,
                    cost: 900_000,
                    hits: 1000,
                    share: 0.9,
                }],
                calls_out: vec![("hypot".into(), 50_000)],
            }),
            line_profile_page: Some("naive.lines.html".into()),
            hot_loop: Some(HotLoop {
                start: 0x1000,
                end: 0x1040,
                instructions: vec![Instruction {
                    addr: 0x1000,
                    count: 1000,
                    text: "mulsd %xmm0,%xmm1".into(),
                }],
                vector_width: "scalar".into(),
                fma: Vec::new(),
            }),
            hot_loop_page: Some("naive.asm.html".into()),
            paths: Vec::new(),
            notes: Vec::new(),
            spec: None,
            callgrind_spec: None,
        }],
    }
}

/// Every case: each field of each input, in its first entry alone and in every entry at once,
/// at each extreme value.
fn cases(inputs: &[Input]) -> Vec<Case> {
    let mut cases = Vec::new();
    for (n, input) in inputs.iter().enumerate() {
        let mut leaves: Vec<(usize, Vec<Step>)> = Vec::new();
        for (line, v) in input.value.iter().enumerate() {
            let mut found = Vec::new();
            numeric_leaves(v, &mut Vec::new(), &mut found);
            leaves.extend(found.into_iter().map(|s| (line, s)));
        }
        let mut fields: Vec<String> = leaves.iter().map(|(_, s)| field(s)).collect();
        fields.dedup();
        let mut seen = std::collections::HashSet::new();
        fields.retain(|f| seen.insert(f.clone()));
        for f in fields {
            let all: Vec<(usize, Vec<Step>)> = leaves
                .iter()
                .filter(|(_, s)| field(s) == f)
                .cloned()
                .collect();
            let mut sets = vec![("first", all[..1].to_vec())];
            if all.len() > 1 {
                sets.push(("every", all));
            }
            for (which, set) in sets {
                for value in extremes() {
                    cases.push(Case {
                        input: n,
                        about: format!("{} {f} ({which}) = {value}", input.path),
                        leaves: set.clone(),
                        value,
                    });
                }
            }
        }
    }
    cases
}

/// Writes every input into `root`, case's changes made, and renders as `report --render-only`
/// does: the results read, the page drawn; returns the side files the page left out.
fn run_case(root: &Path, inputs: &[Input], case: &Case) -> Result<Vec<Broken>, LabError> {
    for (n, input) in inputs.iter().enumerate() {
        let bytes = if n == case.input {
            let mut changed = Input {
                path: input.path,
                lines: input.lines,
                value: input.value.clone(),
            };
            for (line, steps) in &case.leaves {
                *leaf_mut(&mut changed.value[*line], steps) = case.value.clone();
            }
            changed.bytes()
        } else {
            input.bytes()
        };
        let path = root.join(input.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    let (reports, flamegraphs) = (root.join("reports"), root.join("flamegraphs"));
    let results = Results::load(&reports.join("results.json"))?;
    // A side file refused by its checks costs its section, no more: the page without it is
    // `every_input_kind.rs`'s to try. Drawing it here too would double this test's time.
    let read = Inputs::load(&reports, &flamegraphs, mandel_lab::sweep::Legacy::Convert);
    if !read.broken.is_empty() {
        return Ok(read.broken);
    }
    Ok(render::render_report(&results, &reports, &flamegraphs)?.broken)
}

/// What is wrong with a case's outcome, if anything: the results are rendered or refused in one
/// line; any other file is rendered, or left out with the page naming it.
fn judge(inputs: &[Input], case: &Case, outcome: Result<Vec<Broken>, LabError>) -> Option<String> {
    let file = Path::new(inputs[case.input].path).file_name().unwrap();
    let e = match outcome {
        Ok(broken) => {
            let named = broken
                .iter()
                .all(|b| b.why.contains(&*file.to_string_lossy()));
            return (!named || broken.len() > 1)
                .then(|| format!("{}: another file was left out: {broken:?}", case.about));
        }
        Err(_) if case.input != 0 => {
            return Some(format!("{}: a side file failed the render", case.about));
        }
        Err(e) => e,
    };
    let bad_input = e.is_bad_input();
    // As the binary prints it: the error and its causes, `{:#}`.
    let line = format!("{:#}", anyhow::Error::from(e));
    let wrong = if inputs[case.input].lines {
        Some("a history line is skipped, never the whole render")
    } else if !bad_input {
        Some("the refusal is not bad input (exit code 2)")
    } else if line.contains('\n') {
        Some("the refusal is more than one line")
    } else if !line.contains(&*file.to_string_lossy()) {
        Some("the refusal does not name the file")
    } else {
        None
    };
    wrong.map(|w| format!("{}: {w}: {line}", case.about))
}

#[test]
fn extreme_figures_in_every_input_are_rendered_or_refused_in_one_line_never_hang() {
    let inputs = Arc::new(inputs());
    let cases = Arc::new(cases(&inputs));
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let counts = Arc::new(Mutex::new((0usize, 0usize)));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (inputs, cases, next, stop, failures, counts) = (
                inputs.clone(),
                cases.clone(),
                next.clone(),
                stop.clone(),
                failures.clone(),
                counts.clone(),
            );
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let dir = tempfile::tempdir().unwrap();
                    let root = dir.path().to_path_buf();
                    let (tx, rx) = mpsc::channel();
                    let (inputs2, cases2) = (inputs.clone(), cases.clone());
                    std::thread::spawn(move || {
                        let outcome = run_case(&root, &inputs2, &cases2[i]);
                        let _ = tx.send(outcome);
                    });
                    let problem = match rx.recv_timeout(DEADLINE) {
                        Ok(outcome) => {
                            let mut c = counts.lock().unwrap();
                            match &outcome {
                                Ok(broken) if broken.is_empty() => c.0 += 1,
                                _ => c.1 += 1,
                            }
                            drop(c);
                            judge(&inputs, case, outcome)
                        }
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            // The render is still spinning: stop here, it holds a core.
                            stop.store(true, Ordering::Relaxed);
                            std::mem::forget(dir);
                            Some(format!("{}: no answer within {DEADLINE:?}", case.about))
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => {
                            Some(format!("{}: the render panicked", case.about))
                        }
                    };
                    if let Some(p) = problem {
                        failures.lock().unwrap().push(p);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    let (rendered, refused) = *counts.lock().unwrap();
    println!(
        "{} cases in {:.1} s: {rendered} rendered, {refused} refused",
        cases.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        rendered > 0 && refused > 0,
        "{rendered} rendered, {refused} refused"
    );
}
