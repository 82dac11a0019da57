//! Property test of `cargo xtask`'s own arguments: random commands and xtask options (ranks,
//! timeouts, hostfiles, switches) with empty, huge, negative and non-UTF-8 values, in random
//! orders. Every run ends with exit code 0 (help) or 2, one `error:` line as the last line of
//! standard error, no panic, and no file changed in the work folder.
//!
//! To stay fast, every case also carries an option the lab refuses at once (`--width 0`, or
//! `--variant naive` for `mpi`, which xtask refuses before building with MPI), so that no case
//! measures anything: what is tested is xtask's parsing and its passing on of the lab's refusal.

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use common::{snapshot, work_dir, xtask_fast};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};

const COMMANDS: &[&str] = &[
    "report",
    "profile",
    "sweep-chunks",
    "sweep-threads",
    "sweep-sizes",
    "sweep maxiter",
    "sweep threads",
    "sweep chunks",
    "sweep bogus",
    "sweep",
    "mpi",
    "peers",
    "help",
    "bogus",
    "",
];

const OWN: &[(&str, &[&str])] = &[
    (
        "--ranks",
        &["2", "0", "", "x", "100000", "1,,2", "-1", "1,2"],
    ),
    (
        "--timeout",
        &["5", "0", "-1", "", "18446744073709551615", "1e3"],
    ),
    ("--hostfile", &["/no/such/hostfile", "", "/"]),
    ("--no-mpi", &[]),
    ("--no-profile", &[]),
    ("--render-only", &[]),
    ("--verbose", &[]),
    ("--quick", &[]),
    // `peers --install` must be refused by the lab's check before pip runs.
    ("--install", &[]),
    ("--variants", &["naive", "", "turbo", "mpi"]),
    (
        "--peers",
        &["pure_python", "", "nope", "cython-numpy,parallelpython"],
    ),
];

#[derive(Debug, Clone)]
struct Case {
    command: Index,
    options: Vec<(Index, Index, bool)>,
    not_utf8: Option<Index>,
}

fn cases() -> impl Strategy<Value = Case> {
    (
        any::<Index>(),
        prop::collection::vec((any::<Index>(), any::<Index>(), any::<bool>()), 0..4),
        prop::option::weighted(0.1, any::<Index>()),
    )
        .prop_map(|(command, options, not_utf8)| Case {
            command,
            options,
            not_utf8,
        })
}

fn argv(case: &Case) -> Vec<OsString> {
    let command = COMMANDS[case.command.index(COMMANDS.len())];
    // `sweep <axis>` is a command and its axis.
    let mut args: Vec<OsString> = command.split(' ').map(OsString::from).collect();
    for (flag, value, inline) in &case.options {
        let (flag, values) = OWN[flag.index(OWN.len())];
        match (values.is_empty(), inline) {
            (true, _) => args.push(flag.into()),
            (false, true) => {
                args.push(format!("{flag}={}", values[value.index(values.len())]).into())
            }
            (false, false) => {
                args.push(flag.into());
                args.push(values[value.index(values.len())].into());
            }
        }
    }
    // The lab's cheap refusal (see the module's comment).
    let poison: &[&str] = if command == "mpi" {
        &["--variant", "naive"]
    } else {
        &["--width", "0"]
    };
    args.extend(poison.iter().map(OsString::from));
    if let Some(at) = &case.not_utf8 {
        args.insert(
            at.index(args.len() + 1),
            OsString::from_vec(vec![b'-', 0xff]),
        );
    }
    args
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let work = work_dir();
    let args = argv(case);
    let before = snapshot(work.path());
    let out = xtask_fast(work.path()).args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let context = format!("{args:?} exited {:?}:\n{stderr}", out.status.code());
    prop_assert!(!stderr.contains("panicked"), "panic: {}", context);
    let help = args[0] == "help" && case.not_utf8.is_none();
    if help {
        prop_assert_eq!(out.status.code(), Some(0), "{}", context);
    } else {
        prop_assert_eq!(out.status.code(), Some(2), "{}", context);
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        prop_assert_eq!(errors.len(), 1, "{}", context);
        prop_assert_eq!(
            stderr.trim_end().lines().last(),
            Some(errors[0]),
            "{}",
            context
        );
    }
    prop_assert!(
        snapshot(work.path()) == before,
        "files changed: {}",
        context
    );
    Ok(())
}

#[test]
fn every_xtask_command_line_ends_in_help_or_one_line_and_exit_2() {
    // More cases where asked (`MANDEL_LAB_FUZZ_CASES=200`), as in the lab's own fuzz test.
    let wanted = std::env::var("MANDEL_LAB_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24);
    let mut runner = TestRunner::new(Config {
        cases: wanted,
        failure_persistence: None,
        max_shrink_iters: 16,
        ..Config::default()
    });
    if let Err(e) = runner.run(&cases(), |case| check(&case)) {
        panic!("{e}");
    }
}
