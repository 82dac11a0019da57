//! Property test: every struct written back with `to_argv` parses to the same struct.

use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use proptest::prelude::*;

use crate::*;

/// Every shared command, parsed as the lab parses it (negative numbers included).
#[derive(Debug, Parser)]
struct Lab {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, PartialEq, Subcommand)]
enum Command {
    Report(ReportArgs),
    Profile(ProfileArgs),
    History(HistoryArgs),
    Verdict(VerdictArgs),
    Peers(PeersArgs),
    Run(RunArgs),
    Sweep(SweepArgs),
    SweepChunks(SweepChunksArgs),
    SweepThreads(SweepThreadsArgs),
    SweepSizes(SweepSizesArgs),
    Regress(RegressArgs),
    Ab(AbArgs),
}

fn parse(name: &str, argv: Vec<String>) -> Result<Command, clap::Error> {
    let matches = accept_negative_numbers(Lab::command())
        .try_get_matches_from(["lab", name].into_iter().map(String::from).chain(argv))?;
    Ok(Lab::from_arg_matches(&matches)?.command)
}

fn text() -> impl Strategy<Value = String> {
    "[a-z0-9,._ -]{1,12}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[a-z0-9,._ -]{0,12}")
}

/// A variant list as `--variants` takes it: one to four distinct names, each with spaces around
/// it or not (the names need not exist: the lab, not the parser, knows them).
fn variants() -> impl Strategy<Value = String> {
    prop::collection::btree_set("[a-z0-9._-]{1,6}", 1..5).prop_flat_map(|names| {
        let names: Vec<String> = names.into_iter().collect();
        prop::collection::vec(any::<bool>(), names.len()).prop_map(move |spaced| {
            let parts: Vec<String> = (names.iter().zip(spaced))
                .map(|(n, s)| if s { format!(" {n}") } else { n.clone() })
                .collect();
            parts.join(",")
        })
    })
}

fn path() -> impl Strategy<Value = PathBuf> {
    "-?[a-z0-9_./]{1,12}".prop_map(PathBuf::from)
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![-1e9..1e9f64, Just(0.1), Just(-0.0), Just(1e-300)]
}

/// A valid region: two ordered pairs of distinct numbers.
fn region() -> impl Strategy<Value = Region> {
    (number(), number(), number(), number()).prop_filter_map("ordered bounds", |(a, b, c, d)| {
        Region::new(a.min(b), a.max(b), c.min(d), c.max(d)).ok()
    })
}

fn problem() -> impl Strategy<Value = ProblemArgs> {
    (any::<usize>(), any::<usize>(), any::<u32>(), region()).prop_map(
        |(width, height, maxiter, region)| ProblemArgs {
            width,
            height,
            maxiter,
            region,
        },
    )
}

fn tuning() -> impl Strategy<Value = TuningArgs> {
    (
        prop::option::of(any::<usize>()),
        prop::option::of(any::<usize>()),
        prop::option::of(any::<usize>()),
        opt_text(),
    )
        .prop_map(|(chunk, chunks, threads, isa)| TuningArgs {
            chunk,
            chunks,
            threads,
            isa,
        })
}

fn table_format() -> impl Strategy<Value = TableFormat> {
    prop_oneof![
        Just(TableFormat::Table),
        Just(TableFormat::Markdown),
        Just(TableFormat::Csv),
        Just(TableFormat::Json)
    ]
}

fn report() -> impl Strategy<Value = ReportArgs> {
    (
        (
            problem(),
            any::<bool>(),
            prop::option::of(variants()),
            any::<(bool, bool, bool)>(),
        ),
        (
            prop::option::of(any::<usize>()),
            prop::option::of(number()),
            prop::option::of(number()),
            opt_text(),
        ),
        (table_format(), path(), path(), any::<bool>()),
    )
        .prop_map(
            |(
                (problem, quick, variants, (render_only, merge, no_criterion)),
                (samples, warm_up, measurement, cpus),
                (format, out, flamegraphs, check),
            )| ReportArgs {
                problem,
                quick,
                variants,
                render_only,
                // Both conflict with --render-only.
                merge: merge && !render_only,
                no_criterion: no_criterion && !render_only,
                samples,
                warm_up,
                measurement,
                cpus,
                format,
                out,
                flamegraphs,
                check,
            },
        )
}

fn profile() -> impl Strategy<Value = ProfileArgs> {
    (
        prop::option::of(variants()),
        number(),
        any::<i32>(),
        any::<bool>(),
        problem(),
        prop::option::of(path()),
        path(),
        path(),
    )
        .prop_map(
            |(variants, seconds, frequency, quick, problem, problem_from, report, out)| {
                ProfileArgs {
                    variants,
                    seconds,
                    frequency,
                    quick,
                    problem,
                    problem_from,
                    report,
                    out,
                }
            },
        )
}

fn common() -> impl Strategy<Value = SweepCommonArgs> {
    (
        prop::option::of(variants()),
        problem(),
        any::<bool>(),
        prop::option::of(any::<usize>()),
        path(),
        any::<bool>(),
    )
        .prop_map(
            |(variants, problem, quick, samples, out, merge)| SweepCommonArgs {
                variants,
                problem,
                quick,
                samples,
                out,
                merge,
            },
        )
}

fn commands() -> impl Strategy<Value = Command> {
    prop_oneof![
        report().prop_map(Command::Report),
        profile().prop_map(Command::Profile),
        (any::<bool>(), path(), path()).prop_map(|(append, out, flamegraphs)| {
            Command::History(HistoryArgs {
                append,
                out,
                flamegraphs,
            })
        }),
        path().prop_map(|out| Command::Verdict(VerdictArgs { out })),
        (
            (
                problem(),
                any::<bool>(),
                opt_text(),
                prop::option::of(path())
            ),
            (prop::option::of(any::<u32>()), any::<u64>(), path()),
            (any::<bool>(), prop::option::of(path())),
        )
            .prop_map(
                |(
                    (problem, quick, peers, python),
                    (repeat, timeout, out),
                    (check_args, scripts),
                )| {
                    Command::Peers(PeersArgs {
                        problem,
                        quick,
                        peers,
                        python,
                        repeat,
                        timeout,
                        out,
                        check_args,
                        scripts,
                    })
                }
            ),
        (
            text(),
            problem(),
            tuning(),
            prop::option::of(path()),
            any::<bool>()
        )
            .prop_map(
                |(variant, problem, tuning, image, json)| Command::Run(RunArgs {
                    variant,
                    options: RunOptions {
                        problem,
                        tuning,
                        image,
                        format: if json { Format::Json } else { Format::Text },
                    },
                })
            ),
        ("[a-z]{1,8}", opt_text(), common()).prop_map(|(axis, values, common)| {
            Command::Sweep(SweepArgs {
                axis,
                values,
                common,
            })
        }),
        (opt_text(), common())
            .prop_map(|(sizes, common)| Command::SweepChunks(SweepChunksArgs { sizes, common })),
        (opt_text(), common()).prop_map(|(threads, common)| {
            Command::SweepThreads(SweepThreadsArgs { threads, common })
        }),
        (opt_text(), common())
            .prop_map(|(sizes, common)| Command::SweepSizes(SweepSizesArgs { sizes, common })),
        (
            (
                path(),
                any::<bool>(),
                opt_text(),
                prop::option::of(variants())
            ),
            (
                prop::option::of(number()),
                any::<usize>(),
                prop::option::of(path())
            ),
        )
            .prop_map(
                |((baseline, bless, reason, variants), (threshold, jobs, markdown))| {
                    Command::Regress(RegressArgs {
                        baseline,
                        bless,
                        // --reason needs --bless.
                        reason: reason.filter(|_| bless),
                        variants,
                        threshold,
                        jobs,
                        markdown,
                    })
                }
            ),
        (
            (
                prop::option::of(path()),
                prop::option::of(path()),
                text(),
                text()
            ),
            (
                variants(),
                any::<usize>(),
                number(),
                problem(),
                any::<bool>()
            ),
        )
            .prop_map(
                |((a, b, label_a, label_b), (variants, rounds, threshold, problem, check))| {
                    // --a and --b are required without --check.
                    let (a, b) = match (check, a, b) {
                        (false, a, b) => (a.or(Some("a".into())), b.or(Some("b".into()))),
                        (true, a, b) => (a, b),
                    };
                    Command::Ab(AbArgs {
                        a,
                        b,
                        label_a,
                        label_b,
                        variants,
                        rounds,
                        threshold,
                        problem,
                        check,
                    })
                }
            ),
    ]
}

/// The subcommand's name, as clap spells it.
fn name(command: &Command) -> &'static str {
    match command {
        Command::Report(_) => "report",
        Command::Profile(_) => "profile",
        Command::History(_) => "history",
        Command::Verdict(_) => "verdict",
        Command::Peers(_) => "peers",
        Command::Run(_) => "run",
        Command::Sweep(_) => "sweep",
        Command::SweepChunks(_) => "sweep-chunks",
        Command::SweepThreads(_) => "sweep-threads",
        Command::SweepSizes(_) => "sweep-sizes",
        Command::Regress(_) => "regress",
        Command::Ab(_) => "ab",
    }
}

fn argv(command: &Command) -> Vec<String> {
    match command {
        Command::Report(a) => a.to_argv(),
        Command::Profile(a) => a.to_argv(),
        Command::History(a) => a.to_argv(),
        Command::Verdict(a) => a.to_argv(),
        Command::Peers(a) => a.to_argv(),
        Command::Run(a) => a.to_argv(),
        Command::Sweep(a) => a.to_argv(),
        Command::SweepChunks(a) => a.to_argv(),
        Command::SweepThreads(a) => a.to_argv(),
        Command::SweepSizes(a) => a.to_argv(),
        Command::Regress(a) => a.to_argv(),
        Command::Ab(a) => a.to_argv(),
    }
}

proptest! {
    #[test]
    fn every_command_parses_back_from_its_argv(command in commands()) {
        let argv = argv(&command);
        let parsed = parse(name(&command), argv.clone());
        prop_assert!(parsed.is_ok(), "{argv:?}: {parsed:?}");
        let parsed = parsed.unwrap();
        // `profile --problem-from` leaves the problem out when it is the default one.
        prop_assert_eq!(parsed, command, "{:?}", argv);
    }
}

#[test]
fn the_defaults_parse_from_no_options() {
    let Ok(Command::Report(report)) = parse("report", vec![]) else {
        panic!("report without options");
    };
    assert_eq!(report.problem, ProblemArgs::default());
    assert!(!report.problem.is_explicit());
    assert_eq!(report.to_argv()[..4], ProblemArgs::default().to_argv()[..]);
}

#[test]
fn defaults_are_the_command_lines_defaults() {
    let profile: ProfileArgs = defaults().unwrap();
    assert_eq!(profile.seconds, 3.0);
    assert_eq!(profile.out, PathBuf::from("flamegraphs"));
    assert_eq!(profile.problem, ProblemArgs::default());
    assert!(defaults::<RunArgs>().is_err(), "--variant is required");
    let ab: AbArgs = parse_args(&["--check"]).unwrap();
    assert_eq!((ab.rounds, ab.threshold), (10, 3.0));
}
