//! Property test of the command line: random argument vectors drawn from the lab's real
//! sub-commands and flags, with values that are empty, huge, negative, NaN, not UTF-8, or paths
//! into missing or unwritable folders, in random orders. Every run must end within a bounded time
//! with exit code 0 or 2; a 2 must be one line on standard error, never a panic; and a run that
//! does not succeed must leave the files already in `reports/` and `flamegraphs/` as they were.
//!
//! Each case runs in a fresh scratch folder seeded with a previous report and profile, so the
//! repository's own folders are never touched. Commands that would do real work are kept small by
//! options every case of that command carries (a 20 x 20 grid where a size is valid, `--quick`,
//! `--no-criterion`, a short sampling time, one pure-Python peer run once), drawn from the same
//! kinds of values as the rest.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};

/// The most any one case may take: the slowest valid case (a profile under valgrind) takes a few
/// seconds on a loaded 2-core machine.
const CASE_LIMIT: Duration = Duration::from_secs(60);

/// A value, resolved against the case's scratch folder.
#[derive(Debug, Clone, Copy)]
enum V {
    Text(&'static str),
    /// Two bytes that are not UTF-8.
    NotUtf8,
    /// A file in a folder of the scratch that does not exist yet.
    NewPath,
    /// A folder inside a missing folder.
    MissingFolder,
    /// A path below a regular file: no one, not even root, can create it.
    BelowFile,
    /// A folder of a read-only file system.
    ReadOnly,
}

const SIZES: &[V] = &[
    V::Text("20"),
    V::Text("1"),
    V::Text("0"),
    V::Text(""),
    V::Text("-3"),
    V::Text("abc"),
    V::Text("NaN"),
    V::Text("4000000000"),
    V::Text("18446744073709551616"),
    V::Text("18446744073709551615"),
    V::Text("18446744073709551614"),
    V::Text("-1"),
    V::NotUtf8,
];
const MAXITERS: &[V] = &[
    V::Text("50"),
    V::Text("0"),
    V::Text(""),
    V::Text("-5"),
    V::Text("4294967296"),
    V::Text("-1"),
    V::Text("nan"),
];
const REGIONS: &[V] = &[
    V::Text("-2.13,0.77,-1.3,1.3"),
    V::Text("-1e308,1e308,-1,1"),
    V::Text("-1,1,-1.7e308,1.7e308"),
    V::Text("nan,1,0,1"),
    V::Text("1,0,0,1"),
    V::Text("0,1e-300,0,1"),
    V::Text("1,2,3"),
    V::Text(""),
    V::NotUtf8,
];
const COUNTS: &[V] = &[
    V::Text("1"),
    V::Text("7"),
    V::Text("0"),
    V::Text("-1"),
    V::Text("100000"),
    V::Text("99999999999999999999"),
    V::Text("18446744073709551615"),
    V::Text("18446744073709551614"),
    V::Text(""),
];
/// `--samples` values: the counts, less the largest one a run accepts (100,000). That one is valid
/// and refused by nothing, and criterion's analysis of 100,000 samples takes minutes, past the
/// case's time limit: a case is to end in success or one line, not to measure at length.
const SAMPLES: &[V] = &[
    V::Text("1"),
    V::Text("7"),
    V::Text("0"),
    V::Text("-1"),
    V::Text("10"),
    V::Text("100001"),
    V::Text("99999999999999999999"),
    V::Text("18446744073709551615"),
    V::Text(""),
];
const LISTS: &[V] = &[
    V::Text("1,2"),
    V::Text("10,400"),
    V::Text("0"),
    V::Text(""),
    V::Text("1,,2"),
    V::Text("100000"),
    V::Text("-1,2"),
    V::Text("18446744073709551615"),
    V::Text("abc"),
];
const SECONDS: &[V] = &[
    V::Text("0.05"),
    V::Text("0"),
    V::Text("-1"),
    V::Text("nan"),
    V::Text("inf"),
    V::Text("1e309"),
    V::Text("1e20"),
    V::Text("1e306"),
    V::Text(""),
];
const FORMATS: &[V] = &[
    V::Text("text"),
    V::Text("json"),
    V::Text("table"),
    V::Text("markdown"),
    V::Text("csv"),
    V::Text("xml"),
    V::Text(""),
];
const PATHS: &[V] = &[
    V::NewPath,
    V::MissingFolder,
    V::BelowFile,
    V::ReadOnly,
    V::Text(""),
    V::NotUtf8,
];
/// SIMD paths: ones this CPU has, one it may lack, and names that are none.
const ISAS: &[V] = &[
    V::Text("avx2"),
    V::Text("sse2"),
    V::Text("portable"),
    V::Text("neon"),
    V::Text("avx1024"),
    V::Text(""),
];

const VARIANTS: &[V] = &[
    V::Text("naive"),
    V::Text("expanded"),
    V::Text("simd-lanes"),
    V::Text("simd-rayon"),
    V::Text("rayon-rows"),
    V::Text("vector-chunked"),
    V::Text("mpi"),
    V::Text("cuda-vector-f32"),
    V::Text("turbo"),
    V::Text(""),
    V::Text("naive,,x"),
    V::NotUtf8,
];
/// Peers to run: the quickest one, names that are none, and the empty list.
const PEER_NAMES: &[V] = &[
    V::Text("pure_python"),
    V::Text("nope"),
    V::Text("pure_python,,x"),
    V::Text(""),
    V::NotUtf8,
];
/// Timed runs of a peer: kept to 1 where valid, so that a case stays short.
const REPEATS: &[V] = &[
    V::Text("1"),
    V::Text("0"),
    V::Text("-1"),
    V::Text(""),
    V::Text("99999999999999999999"),
];
/// Interpreters: the system's, and ones that are not there or not programs.
const PYTHONS: &[V] = &[
    V::Text("python3"),
    V::NewPath,
    V::BelowFile,
    V::Text(""),
    V::NotUtf8,
];
/// A flag alone (`None`) or with a value from its pool.
type Flag = (&'static str, Option<&'static [V]>);

const PROBLEM: &[Flag] = &[
    ("--width", Some(SIZES)),
    ("--height", Some(SIZES)),
    ("--maxiter", Some(MAXITERS)),
    ("--region", Some(REGIONS)),
];

/// A command: its name, the options every case carries (to keep valid runs small), and the flags
/// drawn at random.
struct Cmd {
    name: &'static str,
    always: &'static [Flag],
    flags: &'static [Flag],
}

const COMMANDS: &[Cmd] = &[
    Cmd {
        name: "list",
        always: &[],
        flags: &[("--format", Some(FORMATS))],
    },
    Cmd {
        name: "run",
        always: &[("--width", Some(SIZES)), ("--height", Some(SIZES))],
        flags: &[
            ("--variant", Some(VARIANTS)),
            ("--maxiter", Some(MAXITERS)),
            ("--region", Some(REGIONS)),
            ("--chunk", Some(COUNTS)),
            ("--chunks", Some(COUNTS)),
            ("--threads", Some(COUNTS)),
            ("--isa", Some(ISAS)),
            ("--image", Some(PATHS)),
            ("--format", Some(FORMATS)),
        ],
    },
    Cmd {
        name: "report",
        always: &[
            ("--no-criterion", None),
            ("--variants", Some(VARIANTS)),
            ("--width", Some(SIZES)),
        ],
        flags: &[
            ("--height", Some(SIZES)),
            ("--maxiter", Some(MAXITERS)),
            ("--region", Some(REGIONS)),
            ("--quick", None),
            ("--render-only", None),
            ("--merge", None),
            ("--samples", Some(SAMPLES)),
            ("--warm-up", Some(SECONDS)),
            ("--measurement", Some(SECONDS)),
            ("--format", Some(FORMATS)),
            ("--out", Some(PATHS)),
            ("--flamegraphs", Some(PATHS)),
        ],
    },
    Cmd {
        name: "profile",
        always: &[
            ("--variants", Some(VARIANTS)),
            ("--seconds", Some(SECONDS)),
            ("--width", Some(SIZES)),
        ],
        flags: &[
            ("--height", Some(SIZES)),
            ("--maxiter", Some(MAXITERS)),
            ("--region", Some(REGIONS)),
            ("--frequency", Some(COUNTS)),
            ("--out", Some(PATHS)),
        ],
    },
    Cmd {
        name: "sweep-chunks",
        always: &[
            ("--quick", None),
            ("--sizes", Some(LISTS)),
            ("--width", Some(SIZES)),
        ],
        flags: &[
            ("--height", Some(SIZES)),
            ("--maxiter", Some(MAXITERS)),
            ("--region", Some(REGIONS)),
            ("--samples", Some(SAMPLES)),
            ("--out", Some(PATHS)),
        ],
    },
    Cmd {
        name: "sweep-threads",
        always: &[
            ("--quick", None),
            ("--threads", Some(LISTS)),
            ("--variants", Some(VARIANTS)),
            ("--width", Some(SIZES)),
        ],
        flags: &[
            ("--height", Some(SIZES)),
            ("--maxiter", Some(MAXITERS)),
            ("--region", Some(REGIONS)),
            ("--samples", Some(SAMPLES)),
            ("--merge", None),
            ("--out", Some(PATHS)),
        ],
    },
    Cmd {
        name: "sweep-sizes",
        always: &[
            ("--quick", None),
            ("--sizes", Some(LISTS)),
            ("--variants", Some(VARIANTS)),
        ],
        flags: &[
            ("--maxiter", Some(MAXITERS)),
            ("--region", Some(REGIONS)),
            ("--samples", Some(SAMPLES)),
            ("--out", Some(PATHS)),
        ],
    },
    Cmd {
        name: "peers",
        always: &[
            ("--peers", Some(PEER_NAMES)),
            ("--repeat", Some(REPEATS)),
            ("--width", Some(SIZES)),
            ("--height", Some(SIZES)),
        ],
        flags: &[
            ("--maxiter", Some(MAXITERS)),
            ("--region", Some(REGIONS)),
            ("--quick", None),
            ("--python", Some(PYTHONS)),
            ("--out", Some(PATHS)),
        ],
    },
    Cmd {
        name: "sweep maxiter",
        always: &[
            ("--quick", None),
            ("--values", Some(LISTS)),
            ("--width", Some(SIZES)),
            ("--variants", Some(VARIANTS)),
        ],
        flags: &[
            ("--height", Some(SIZES)),
            ("--maxiter", Some(MAXITERS)),
            ("--region", Some(REGIONS)),
            ("--samples", Some(SAMPLES)),
            ("--merge", None),
            ("--out", Some(PATHS)),
        ],
    },
    Cmd {
        name: "kernel-once",
        always: &[("--width", Some(SIZES)), ("--height", Some(SIZES))],
        flags: &[("--variant", Some(VARIANTS)), ("--maxiter", Some(MAXITERS))],
    },
];

/// Tokens that are no flag of the command: unknown options, stray words, separators.
const JUNK: &[V] = &[
    V::Text("--bogus"),
    V::Text("-x"),
    V::Text("stray"),
    V::Text("--"),
    V::Text("-"),
    V::Text(""),
    V::NotUtf8,
];

/// One drawn case, before it is resolved against a scratch folder.
#[derive(Debug, Clone)]
struct Case {
    command: Option<usize>,
    /// For the `always` flags: (which value, `--flag=value` form, the value valid); then for the
    /// random flags: (which flag, which value, form, valid).
    always: Vec<(Index, bool, bool)>,
    random: Vec<(Index, Index, bool, bool)>,
    junk: Option<(Index, Index)>,
}

fn cases() -> impl Strategy<Value = Case> {
    (
        // Mostly real commands, the cheap ones most; sometimes none.
        prop_oneof![
            2 => Just(None),
            2 => Just(Some(0)),
            6 => Just(Some(1)),
            5 => Just(Some(2)),
            3 => Just(Some(3)),
            1 => Just(Some(4)),
            1 => Just(Some(5)),
            1 => Just(Some(6)),
            2 => Just(Some(7)),
            1 => Just(Some(8)),
            2 => Just(Some(9)),
        ],
        // Valid values (each pool's first) are favoured, or nearly every case would be refused
        // by its first bad value and the work behind the parser would go untested.
        prop::collection::vec(
            (any::<Index>(), any::<bool>(), prop::bool::weighted(0.8)),
            4,
        ),
        prop::collection::vec(
            (
                any::<Index>(),
                any::<Index>(),
                any::<bool>(),
                prop::bool::weighted(0.6),
            ),
            0..4,
        ),
        prop::option::weighted(0.1, (any::<Index>(), any::<Index>())),
    )
        .prop_map(|(command, always, random, junk)| Case {
            command,
            always,
            random,
            junk,
        })
}

fn resolve(v: V, scratch: &Path) -> OsString {
    match v {
        V::Text(t) => t.into(),
        V::NotUtf8 => OsString::from_vec(vec![0xff, 0xfe]),
        V::NewPath => scratch.join("new/out.png").into(),
        V::MissingFolder => scratch.join("missing/deeper/out").into(),
        V::BelowFile => scratch.join("a-file/out").into(),
        V::ReadOnly => "/proc/mandel-lab-out".into(),
    }
}

fn push_flag(
    args: &mut Vec<OsString>,
    (flag, pool): Flag,
    (value, inline, valid): (Index, bool, bool),
    dir: &Path,
) {
    match pool {
        None => args.push(flag.into()),
        Some(pool) => {
            let value = resolve(pool[if valid { 0 } else { value.index(pool.len()) }], dir);
            if inline {
                let mut joined = OsString::from(format!("{flag}="));
                joined.push(value);
                args.push(joined);
            } else {
                args.push(flag.into());
                args.push(value);
            }
        }
    }
}

/// The argument vector of `case` in `scratch`.
fn argv(case: &Case, scratch: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    if let Some(i) = case.command {
        let cmd = &COMMANDS[i];
        // `sweep <axis>`: the command and its axis.
        args.extend(cmd.name.split(' ').map(OsString::from));
        for (flag, value) in cmd.always.iter().zip(&case.always) {
            push_flag(&mut args, *flag, *value, scratch);
        }
        for &(flag, value, inline, valid) in &case.random {
            let flag = cmd.flags[flag.index(cmd.flags.len())];
            push_flag(&mut args, flag, (value, inline, valid), scratch);
        }
    } else if let Some(&(flag, value, inline, valid)) = case.random.first() {
        // No command: options alone.
        let flag = PROBLEM[flag.index(PROBLEM.len())];
        push_flag(&mut args, flag, (value, inline, valid), scratch);
    }
    if let Some((at, token)) = &case.junk {
        let token = resolve(JUNK[token.index(JUNK.len())], scratch);
        args.insert(at.index(args.len() + 1), token);
    }
    args
}

/// A scratch folder with a previous report and profile in `reports/` and `flamegraphs/`, a file
/// where a folder could be expected, and nothing else.
fn seeded_scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.path().join("reports")).unwrap();
    std::fs::create_dir_all(dir.path().join("flamegraphs")).unwrap();
    std::fs::copy(
        root.join("tests/fixtures/results.json"),
        dir.path().join("reports/results.json"),
    )
    .unwrap();
    std::fs::write(dir.path().join("reports/index.html"), "previous report\n").unwrap();
    std::fs::write(dir.path().join("flamegraphs/naive.svg"), "<svg></svg>\n").unwrap();
    std::fs::write(dir.path().join("a-file"), "a file, not a folder\n").unwrap();
    dir
}

/// Every file under `dir` with its contents.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    files
}

fn check(case: &Case, outcomes: &mut BTreeMap<Option<i32>, usize>) -> Result<(), TestCaseError> {
    let scratch = seeded_scratch();
    let args = argv(case, scratch.path());
    let before = snapshot(scratch.path());
    let (code, stderr) = common::run_bounded(&args, scratch.path(), CASE_LIMIT)
        .map_err(|e| TestCaseError::fail(format!("{args:?}: {e}")))?;
    *outcomes.entry(code).or_default() += 1;
    if std::env::var_os("MANDEL_LAB_FUZZ_VERBOSE").is_some() {
        eprintln!("{code:?} {args:?}: {}", stderr.trim_end());
    }
    let context = format!("{args:?} exited {code:?}:\n{stderr}");
    prop_assert!(!stderr.contains("panicked"), "panic: {context}");
    prop_assert!(matches!(code, Some(0 | 2)), "exit code: {context}");
    if code == Some(2) {
        let lines: Vec<&str> = stderr.trim_end().lines().collect();
        prop_assert_eq!(lines.len(), 1, "not one line: {}", context);
        prop_assert!(lines[0].starts_with("error: "), "{}", context);
        prop_assert!(lines[0].len() > "error: ".len() + 10, "{}", context);
        prop_assert!(
            snapshot(scratch.path()) == before,
            "a refused command changed files: {}",
            context
        );
    }
    Ok(())
}

#[test]
fn every_command_line_ends_in_success_or_one_line_and_exit_2() {
    let started = Instant::now();
    // More cases where asked (`MANDEL_LAB_FUZZ_CASES=600`): CI runs 72, each seeded afresh.
    let cases_wanted = std::env::var("MANDEL_LAB_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(72);
    let config = Config {
        cases: cases_wanted,
        // The failure is printed; a regressions file would be written into the repository.
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let outcomes = std::cell::RefCell::new(BTreeMap::new());
    if let Err(e) = runner.run(&cases(), |case| check(&case, &mut outcomes.borrow_mut())) {
        panic!("{e}");
    }
    // Exit codes and how many runs ended with each: a run of only refusals would test little.
    eprintln!(
        "command lines by exit code: {:?}, in {:.1} s",
        outcomes.borrow(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn the_issue_15_command_lines_are_refused_in_one_clear_line() {
    let dir = seeded_scratch();
    let before = snapshot(dir.path());
    for (args, needle) in [
        (
            &["run"][..],
            "the following required arguments were not provided: --variant <NAME>",
        ),
        (
            &[
                "run",
                "--variant",
                "rayon-rows",
                "--threads",
                "100000",
                "--width",
                "50",
                "--height",
                "50",
            ],
            "--threads 100000 is more threads than this machine can sensibly start",
        ),
        (
            &[
                "sweep-threads",
                "--threads",
                "1,100000",
                "--width",
                "20",
                "--height",
                "20",
            ],
            "sweep threads: --threads '1,100000': 100000 is outside the range",
        ),
        (
            &["sweep", "maxiter", "--values", "0,100"],
            "sweep maxiter: --values '0,100': 0 is outside the range; maxiter takes whole \
             numbers from 1 to 4294967295",
        ),
        (
            &["sweep", "lanes"],
            "unknown sweep axis 'lanes'; axes: chunks, threads, sizes, maxiter",
        ),
        (
            &[
                "run",
                "--variant",
                "expanded",
                "--region=-1e308,1e308,-1,1",
                "--width",
                "50",
                "--height",
                "50",
            ],
            "step is not a finite number",
        ),
        (&[], "no command given"),
    ] {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let started = Instant::now();
        let (code, stderr) = common::run_bounded(&args, dir.path(), CASE_LIMIT).unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{args:?} was slow"
        );
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    assert!(snapshot(dir.path()) == before);
}

/// Every variant in the registry, through each command that runs a single variant: it runs, or it
/// is refused in one line with exit 2 (a variant this machine cannot run, such as CUDA without a
/// GPU). The random cases above draw only some variants; this one leaves none out.
#[test]
fn every_variant_runs_or_is_refused_in_one_line_by_every_single_variant_command() {
    let mut outcomes = BTreeMap::new();
    for variant in mandel_lab::variants::VARIANTS {
        for command in ["run", "kernel-once"] {
            let scratch = seeded_scratch();
            let args: Vec<OsString> = [
                command,
                "--width=20",
                "--height=20",
                "--maxiter=50",
                &format!("--variant={}", variant.name),
            ]
            .iter()
            .map(OsString::from)
            .collect();
            let before = snapshot(scratch.path());
            let (code, stderr) = common::run_bounded(&args, scratch.path(), CASE_LIMIT).unwrap();
            *outcomes.entry(code).or_insert(0) += 1;
            let context = format!("{args:?} exited {code:?}:\n{stderr}");
            assert!(!stderr.contains("panicked"), "panic: {context}");
            assert!(matches!(code, Some(0 | 2)), "exit code: {context}");
            if code == Some(2) {
                assert_eq!(stderr.trim_end().lines().count(), 1, "{context}");
                assert!(snapshot(scratch.path()) == before, "{context}");
            }
        }
    }
    eprintln!("runs by exit code: {outcomes:?}");
}
