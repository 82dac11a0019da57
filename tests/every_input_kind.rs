//! One rule for every file the render stage reads, whatever stands at its path: `results.json`,
//! `peers.json`, `flags.json`, `sweeps/maxiter.json`, `history.jsonl` and the profiles'
//! `profile.json`, each in turn a FIFO, a device, a folder, empty, truncated, huge, or valid JSON
//! of the wrong shape, beside valid copies of all the others. `report --render-only` must end
//! within a deadline (a FIFO once made it wait for ever) and then: for `results.json`, one line
//! naming it and exit code 2, the old page kept; for a side file, the page rendered without what
//! that file holds, saying on the page which file and why, and one warning naming it on stderr.
//! `history.jsonl` keeps its own finer rule inside a readable file: an empty one is an empty
//! history, and a bad line costs only itself.

mod common;

use std::path::Path;
use std::time::Duration;

use mandel_lab::record::history::Entry;
use mandel_lab::record::results::Results;

/// Longest one render may take: it takes a fraction of a second, a hang takes for ever.
const DEADLINE: Duration = Duration::from_secs(60);

/// What is put at an input's path.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Fifo,
    /// A symbolic link to `/dev/zero`, a device that never ends.
    Device,
    Folder,
    Empty,
    /// The first three quarters of the valid file.
    Truncated,
    /// A sparse file larger than the lab reads back.
    Huge,
    /// JSON the lab never writes there.
    WrongShape,
}

const KINDS: [Kind; 7] = [
    Kind::Fifo,
    Kind::Device,
    Kind::Folder,
    Kind::Empty,
    Kind::Truncated,
    Kind::Huge,
    Kind::WrongShape,
];

/// What the render must do with one broken input.
#[derive(Debug, PartialEq)]
enum Expect {
    /// One line naming the file, exit code 2, the old page kept.
    Refused,
    /// The page without the file's part, the file named on the page and once on stderr.
    LeftOut,
    /// The page with the history section, the bad lines (if any) warned of.
    HistoryLines { warned: bool },
}

fn expect(input: &str, kind: Kind) -> Expect {
    match (input, kind) {
        ("reports/results.json", _) => Expect::Refused,
        ("reports/history.jsonl", Kind::Empty) => Expect::HistoryLines { warned: false },
        ("reports/history.jsonl", Kind::Truncated | Kind::WrongShape) => {
            Expect::HistoryLines { warned: true }
        }
        _ => Expect::LeftOut,
    }
}

/// Every input with valid contents: the fixtures, a profile and a history made from the types.
fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |f: &str| std::fs::read(fixtures.join(f)).unwrap();
    let results = Results::load(&fixtures.join("results.json")).unwrap();
    let entry = serde_json::to_string(&Entry::new(&results, None)).unwrap();
    vec![
        ("reports/results.json", read("results.json")),
        ("reports/peers.json", read("peers.json")),
        ("reports/flags.json", read("flags.json")),
        ("reports/sweeps/maxiter.json", read("sweeps/maxiter.json")),
        (
            "reports/history.jsonl",
            format!("{entry}\n{entry}\n").into_bytes(),
        ),
        (
            "flamegraphs/profile.json",
            common::profile_json(&results).into_bytes(),
        ),
    ]
}

/// Puts `kind` at `path`, in place of `valid`.
fn plant(path: &Path, kind: Kind, valid: &[u8]) {
    match kind {
        Kind::Fifo => {
            let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
            // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        }
        Kind::Device => std::os::unix::fs::symlink("/dev/zero", path).unwrap(),
        Kind::Folder => std::fs::create_dir(path).unwrap(),
        Kind::Empty => std::fs::write(path, "").unwrap(),
        Kind::Truncated => std::fs::write(path, &valid[..valid.len() * 3 / 4]).unwrap(),
        Kind::Huge => std::fs::File::create(path)
            .and_then(|f| f.set_len(mandel_lab::record::read::MAX_BYTES + 1))
            .unwrap(),
        Kind::WrongShape if path.extension().is_some_and(|e| e == "jsonl") => {
            std::fs::write(path, "[1, 2, 3]\n").unwrap()
        }
        Kind::WrongShape => std::fs::write(path, "[{\"schema_version\": 1}]").unwrap(),
    }
}

/// Renders with `broken` made `kind` and the other inputs valid; what is wrong, if anything.
fn case(inputs: &[(&str, Vec<u8>)], broken: &str, kind: Kind) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    for (at, valid) in inputs {
        let path = dir.path().join(at);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if *at == broken {
            plant(&path, kind, valid);
        } else {
            std::fs::write(&path, valid).unwrap();
        }
    }
    let page_path = dir.path().join("reports/index.html");
    std::fs::write(&page_path, "the old page").unwrap();
    let args = ["report", "--render-only", "--out", "reports"];
    let about = format!("{broken} as {kind:?}");
    let (code, stderr) = match common::run_bounded(&args, dir.path(), DEADLINE) {
        Ok(ended) => ended,
        Err(why) => return Some(format!("{about}: {why}")),
    };
    let file = Path::new(broken).file_name().unwrap().to_str().unwrap();
    let page = std::fs::read_to_string(&page_path).unwrap_or_default();
    let naming = stderr.lines().filter(|l| l.contains(file)).count();
    let wrong = match expect(broken, kind) {
        _ if stderr.contains("panicked") => Some("it panicked".to_string()),
        Expect::Refused if code != Some(2) => Some(format!("exit code {code:?}, not 2")),
        Expect::Refused if stderr.trim_end().lines().count() != 1 || naming != 1 => {
            Some("the refusal is not one line naming the file".into())
        }
        Expect::Refused if page != "the old page" => Some("the old page was replaced".into()),
        Expect::Refused => None,
        // The fixture holds a variant that failed validation: a whole render exits with 1.
        _ if code != Some(1) => Some(format!("exit code {code:?}, not 1 as with valid inputs")),
        Expect::LeftOut if naming != 1 => Some(format!("{naming} warnings name the file, not 1")),
        Expect::LeftOut if !page.contains("id=\"unread-inputs\"") || !page.contains(file) => {
            Some("the page does not say which file it could not use".into())
        }
        Expect::HistoryLines { .. } if page.contains("id=\"unread-inputs\"") => {
            Some("a readable history is called unusable".into())
        }
        Expect::HistoryLines { warned } if (naming > 0) != warned => {
            Some(format!("{naming} warnings about its lines"))
        }
        _ => None,
    };
    // Every other input's part is still on the page.
    let shown = [
        ("reports/peers.json", "id=\"python-today\""),
        ("reports/flags.json", "id=\"compiler-flags\""),
        ("reports/sweeps/maxiter.json", "id=\"cost-growth\""),
        ("reports/history.jsonl", "id=\"history\""),
        ("flamegraphs/profile.json", "naive.svg"),
    ];
    let lost = shown
        .iter()
        .filter(|(at, _)| *at != broken && expect(broken, kind) != Expect::Refused)
        .find(|(_, marker)| !page.contains(marker));
    wrong
        .or_else(|| lost.map(|(at, _)| format!("the page lost {at}'s part")))
        .map(|w| format!("{about}: {w}\n{stderr}"))
}

#[test]
fn every_input_of_every_kind_is_refused_or_left_out_in_one_rule_never_a_hang() {
    let inputs = inputs();
    let cases: Vec<(&str, Kind)> = inputs
        .iter()
        .flat_map(|(at, _)| KINDS.iter().map(move |k| (*at, *k)))
        .collect();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let halves: Vec<_> = cases
            .chunks(cases.len().div_ceil(2))
            .map(|part| {
                let inputs = &inputs;
                scope.spawn(move || {
                    part.iter()
                        .filter_map(|(at, kind)| case(inputs, at, *kind))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
