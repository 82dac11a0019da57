//! The `mpi` variant's per-rank statistics in the record: kept in `results.json` (optional, so
//! files from before load), range-checked where read, and shown per host in the multi-core
//! section when the ranks ran on more than one host. Nothing here runs a kernel.

use std::path::Path;

use mandel_lab::record::ranks::RankInfo;
use mandel_lab::record::results::Results;
use mandel_lab::render::export;
use mandel_lab::render::report::page;

fn fixture() -> Results {
    Results::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json"))
        .expect("the fixture, written before ranks were kept, loads")
}

fn rank(rank: usize, host: &str, units: usize, busy_seconds: f64) -> RankInfo {
    RankInfo {
        rank,
        host: host.into(),
        units,
        busy_seconds,
    }
}

/// The fixture with `ranks` on its first multi-core row.
fn with_ranks(ranks: Vec<RankInfo>) -> Results {
    let mut results = fixture();
    let row = results
        .variants
        .iter_mut()
        .find(|v| v.info.family == mandel_lab::variants::Family::Parallel)
        .expect("a multi-core row");
    row.ranks = Some(ranks);
    results
}

fn page_of(results: &Results) -> String {
    page::render(results, &export::groups(results), Default::default()).unwrap()
}

#[test]
fn ranks_on_several_hosts_are_shown_per_host_in_the_multi_core_section() {
    let results = with_ranks(vec![
        rank(0, "alpha", 6, 0.5),
        rank(1, "beta", 5, 0.25),
        rank(2, "beta", 5, 0.25),
    ]);
    let page = page_of(&results);
    let at = page.find("across 2 hosts").expect("the per-host table");
    let section = page.find("Multi-core and multi-machine").unwrap();
    assert!(at > section, "the table belongs to the multi-core section");
    for needle in [
        "<td>alpha</td><td>1</td><td>6</td><td>37.5%</td>",
        "<td>beta</td><td>2</td><td>10</td><td>62.5%</td>",
    ] {
        assert!(page.contains(needle), "missing {needle}");
    }
    assert_eq!(page.matches("<tr class=").count(), results.variants.len());
}

#[test]
fn ranks_on_one_host_add_no_table() {
    let page = page_of(&with_ranks(vec![
        rank(0, "vm", 8, 0.5),
        rank(1, "vm", 8, 0.5),
    ]));
    assert!(
        !page.contains("across 1 host"),
        "a table that says nothing new"
    );
    assert!(!page.contains("hosts-"));
}

#[test]
fn ranks_are_kept_in_results_json_and_read_back() {
    let results = with_ranks(vec![rank(0, "alpha", 3, 0.125), rank(1, "beta", 13, 0.5)]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.json");
    results.save(&path).unwrap();
    assert_eq!(Results::load(&path).unwrap(), results);
    // Files without them load as before, and the field is not written where there are none.
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("\"ranks\"").count(), 1);
}

#[test]
fn implausible_ranks_are_refused_naming_the_field() {
    for (ranks, field) in [
        (vec![rank(0, "a", 1, f64::NAN)], "ranks[0].busy_seconds"),
        (vec![rank(0, "a", 1, -1.0)], "ranks[0].busy_seconds"),
        (
            vec![rank(0, "a", 1, 0.1), rank(5, "b", 1, 0.1)],
            "ranks[1].rank",
        ),
        (vec![rank(0, "", 1, 0.1)], "ranks[0].host"),
        (vec![rank(0, &"h".repeat(300), 1, 0.1)], "ranks[0].host"),
    ] {
        let err = with_ranks(ranks)
            .validate(Path::new("results.json"))
            .unwrap_err();
        assert!(err.to_string().contains(field), "{field}: {err}");
    }
}
