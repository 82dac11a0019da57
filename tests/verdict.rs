//! The verdict and the record's trust: the summary made from a fixture record on a quiet and on a
//! loaded run, the load flag and the limit's spread on the page, disturbed samples, older records
//! without conditions, the terminal's verdict, `--cpus`, and the kernel counters' refusal said in
//! one line without stopping the measurement.

mod common;

use std::path::Path;
use std::process::Command;

use common::{assert_one_line_error, lab};
use mandel_lab::record::account::Account;
use mandel_lab::record::conditions::{Conditions, NOT_READABLE, Snapshot};
use mandel_lab::record::results::Results;
use mandel_lab::render::verdict::{self, Verdict};

fn fixture() -> Results {
    Results::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json"))
        .expect("the fixture loads")
}

fn with_share(mut results: Results, others: f64) -> Results {
    let snapshot = Snapshot {
        load_average: Some([0.2, 0.3, 0.4]),
        governor: NOT_READABLE.into(),
        smt: "off".into(),
    };
    results.conditions = Some(Conditions {
        start: snapshot.clone(),
        end: snapshot,
        others_cpu_share: Some(others),
        cpus: vec![0, 1],
        pinned: false,
        counters_refused: None,
        hardware_counters: false,
    });
    results
}

fn all_text(v: &Verdict) -> String {
    [&v.headline, &v.families, &v.steps, &v.trust]
        .into_iter()
        .flatten()
        .map(|l| l.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The fastest exact variant's own run (no forced path) in the fixture, found here independently.
fn fastest_exact(results: &Results) -> (String, f64) {
    results
        .variants
        .iter()
        .filter(|v| v.info.exact && v.tuning.isa.is_none() && v.timing.is_some())
        .filter(|v| v.status == mandel_lab::record::measured::Status::Ok)
        .map(|v| (v.info.name.clone(), v.seconds().unwrap()))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
}

#[test]
fn the_summary_of_a_quiet_run_names_the_fastest_from_the_record_and_no_load() {
    let results = with_share(fixture(), 0.02);
    let v = verdict::verdict(&results);
    let (name, seconds) = fastest_exact(&results);
    let naive = results.variant("naive").and_then(|v| v.seconds()).unwrap();
    let headline = &v.headline[0].text;
    assert!(
        headline.starts_with(&format!("Fastest exact variant: {name}")),
        "{headline}"
    );
    assert!(
        headline.contains(&verdict::ratio(naive / seconds)),
        "{headline}"
    );
    // The fixture is the tutorial's problem: the tutorial's best is compared.
    assert!(headline.contains("the tutorial's best"), "{headline}");
    assert!(headline.contains("of the machine's limit"), "{headline}");
    // Each step is a real gain, from naive to the fastest.
    assert!(
        v.steps.first().unwrap().text.starts_with("naive → "),
        "{:?}",
        v.steps
    );
    assert!(
        v.steps.last().unwrap().text.contains(&format!("→ {name}")),
        "{:?}",
        v.steps
    );
    let text = all_text(&v);
    assert!(!text.contains("under load"), "{text}");
    assert!(text.contains("a quiet machine"), "{text}");
    assert!(v.trust.iter().all(|l| !l.warning), "{:?}", v.trust);
    assert!(!headline.contains("under load"), "{headline}");
    // The skipped GPU family is said, with why.
    assert!(text.contains("GPU: not timed here"), "{text}");
}

#[test]
fn the_summary_of_a_loaded_run_says_measured_under_load_with_the_share() {
    let v = verdict::verdict(&with_share(fixture(), 0.43));
    let loaded = v
        .trust
        .iter()
        .find(|l| l.text.starts_with("Measured under load"));
    let loaded = loaded.unwrap_or_else(|| panic!("{:?}", v.trust));
    assert!(loaded.warning);
    assert!(
        v.headline[0].text.ends_with(", measured under load."),
        "{:?}",
        v.headline
    );
    assert!(loaded.text.contains("43%"), "{}", loaded.text);
    assert_eq!(loaded.link.as_ref().unwrap().0, "conditions");
}

#[test]
fn the_page_opens_with_the_verdict_and_flags_load_spread_and_disturbed_samples() {
    let mut results = with_share(fixture(), 0.5);
    let limit = results.machine.limit.as_mut().unwrap();
    for w in &mut limit.widths {
        w.spread = Some(0.3);
    }
    let naive = results
        .variants
        .iter_mut()
        .find(|v| v.info.name == "naive")
        .unwrap();
    naive.account = Some(Account {
        seconds: 2.0,
        others_cpu_share: Some(0.01),
        context_switches: Some(5000),
        cpu_migrations: Some(0),
        page_faults: Some(100),
        cycles: None,
        instructions: None,
    });
    let dir = tempfile::tempdir().unwrap();
    mandel_lab::render::report::render_report(&results, dir.path(), &dir.path().join("none"))
        .unwrap();
    let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    let verdict = page
        .find("<section id=\"verdict\">")
        .expect("a verdict section");
    let problem = page.find("<h2>The problem</h2>").unwrap();
    assert!(verdict < problem, "the verdict comes first");
    assert!(page.contains("Measured under load: other processes took 50%"));
    assert!(page.contains("spread by 30%"));
    assert!(page.contains("<section id=\"conditions\">"));
    assert!(page.contains("2500 context switches per second per core"));
    assert!(page.contains("No hardware counters here"));
}

#[test]
fn an_older_record_without_conditions_reads_and_says_so() {
    let results = fixture();
    assert!(results.conditions.is_none());
    let text = all_text(&verdict::verdict(&results));
    assert!(text.contains("not recorded"), "{text}");
}

#[test]
fn mandel_lab_verdict_prints_the_summary_in_ascii_under_lang_c() {
    let dir = tempfile::tempdir().unwrap();
    with_share(fixture(), 0.3)
        .save(&dir.path().join("results.json"))
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(["verdict", "--out", dir.path().to_str().unwrap()])
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("Verdict\n"), "{text}");
    assert!(text.contains("Measured under load"), "{text}");
    assert!(text.is_ascii(), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    let missing = dir.path().join("nothing");
    let args = ["verdict", "--out", missing.to_str().unwrap()];
    assert_one_line_error(&lab(&args), &args, "results.json");
}

/// A tiny measurement (no criterion) of `naive`, with `env` and `extra` options.
fn tiny_report(dir: &Path, env: &[(&str, &str)], extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mandel-lab"))
        .args(["report", "--no-criterion", "--variants", "naive"])
        .args(["--width", "20", "--height", "20", "--maxiter", "20"])
        .args(["--out", dir.to_str().unwrap()])
        .args(["--flamegraphs", dir.join("fg").to_str().unwrap()])
        .args(extra)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn refused_kernel_counters_are_one_line_and_the_measurement_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = tiny_report(
        dir.path(),
        &[(mandel_lab::measure::counters::SWITCH, "off")],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let notes: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("kernel counters"))
        .collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    let results = Results::load(&dir.path().join("results.json")).unwrap();
    let c = results.conditions.expect("conditions recorded");
    assert!(c.counters_refused.unwrap().contains("switched off"));
    let account = results.variants[0].account.expect("an account");
    assert_eq!(account.context_switches, None);
    assert!(account.seconds > 0.0);
}

#[test]
fn cpus_pins_the_run_and_is_recorded_and_a_bad_list_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let first = mandel_lab::measure::affinity::current().unwrap()[0].to_string();
    let out = tiny_report(dir.path(), &[], &["--cpus", &first]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = Results::load(&dir.path().join("results.json")).unwrap();
    let c = results.conditions.unwrap();
    assert!(c.pinned);
    assert_eq!(c.cpus, vec![first.parse::<usize>().unwrap()]);
    for bad in ["9999", "x", "1-0"] {
        let d = dir.path().join("bad");
        let args = [
            "report",
            "--no-criterion",
            "--cpus",
            bad,
            "--out",
            d.to_str().unwrap(),
        ];
        assert_one_line_error(&lab(&args), &args, "--cpus");
        assert!(!d.exists(), "a refused run writes nothing");
    }
}

/// The page rendered from `results`.
fn page(results: &Results) -> String {
    let dir = tempfile::tempdir().unwrap();
    mandel_lab::render::report::render_report(results, dir.path(), &dir.path().join("none"))
        .unwrap();
    std::fs::read_to_string(dir.path().join("index.html")).unwrap()
}

#[test]
fn the_lane_ladder_says_the_cores_finished_together_only_where_the_figure_does() {
    let all_cores = mandel_variants::simd::simd_rayon::VARIANT.name;
    let lanes = mandel_variants::simd::simd_lanes::VARIANT.name;
    let mut results = fixture();
    let one_core = results
        .variants
        .iter()
        .find(|v| v.info.name == lanes && v.tuning.isa.is_none())
        .and_then(|v| v.seconds())
        .unwrap();
    let cores = results.machine.logical_cores as f64;
    for (gain, together) in [(cores * 0.98, true), (0.99, false)] {
        let v = results
            .variants
            .iter_mut()
            .find(|v| v.info.name == all_cores)
            .unwrap();
        v.timing.as_mut().unwrap().median = one_core / gain;
        let page = page(&results);
        assert_eq!(
            page.contains("the cores finished together"),
            together,
            "gain {gain}"
        );
        if !together {
            assert!(page.contains("it gained 0.99×"), "gain {gain}");
        }
    }
    // Under load, the shortfall is put down to the load the record shows.
    let page = page(&with_share(results, 0.6));
    assert!(page.contains("this run was measured under load"));
}
