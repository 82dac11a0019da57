//! The answer to the tutorial's question, on the fixture `tests/fixtures/flags.json`.

use super::*;

fn fixture() -> CodegenResults {
    serde_json::from_str(include_str!("../../tests/fixtures/flags.json")).expect("fixture parses")
}

#[test]
fn speedups_are_ratios_of_medians_over_the_default_build() {
    let r = fixture();
    assert_eq!(r.speedup(BASELINE, "expanded"), Some(1.0));
    let s = r.speedup("gcc-O3-native", "c-reference").unwrap();
    assert!((s - 0.15 / 0.125).abs() < 1e-12);
    assert_eq!(r.speedup("gcc-O3-native", "expanded"), None);
    let (mean, n) = r.mean_speedup("native").unwrap();
    assert_eq!(n, 2);
    let expected = ((0.14 / 0.138) * (0.15 / 0.151_f64)).sqrt();
    assert!((mean - expected).abs() < 1e-12);
}

#[test]
fn the_answer_is_the_fastest_build_that_keeps_every_exact_variant_exact() {
    let r = fixture();
    assert!(!r.keeps_exact("gcc-O3-native"));
    assert!(r.keeps_exact("gcc-O3-native-nocontract"));
    let c = answer(&r, Lang::C);
    let (best, speedup, _) = c.best.clone().unwrap();
    assert_eq!(best, "gcc-O3-native-nocontract");
    assert!((speedup - 0.15 / 0.14).abs() < 1e-12);
    // The faster build that changed the answer is named with its pixels, never chosen.
    let (wrong, _, pixels) = c.faster_but_wrong.clone().unwrap();
    assert_eq!((wrong.as_str(), pixels), ("gcc-O3-native", 32));
    let sentence = answer_sentence(&c);
    assert!(
        sentence.contains("`gcc-O3-native-nocontract`, 1.07x"),
        "{sentence}"
    );
    assert!(sentence.contains("`gcc-O3-native` would be 1.20x, but 32 pixels differ"));
    // Failed and skipped builds are never candidates; native is within the noise of release.
    let rust = answer(&r, Lang::Rust);
    let (best, ..) = rust.best.clone().unwrap();
    assert!(best == "native" || best == BASELINE);
    assert!(rust.faster_but_wrong.is_none());
    assert!(answer_sentence(&rust).contains("Rust:"));
}

#[test]
fn a_broken_build_is_never_the_answer_even_when_it_is_the_only_faster_one() {
    let mut r = fixture();
    r.cells.retain(|c| c.build != "gcc-O3-native-nocontract");
    let c = answer(&r, Lang::C);
    assert_eq!(c.best.as_ref().unwrap().0, BASELINE);
    assert_eq!(c.faster_but_wrong.as_ref().unwrap().0, "gcc-O3-native");
    assert!(answer_sentence(&c).contains("no build beats the default build"));
}

#[test]
fn a_cell_is_failed_only_where_the_registry_declares_the_variant_exact() {
    assert_eq!(status_for(true, 0, Status::Ok), Status::Ok);
    assert_eq!(status_for(true, 32, Status::Approx), Status::Fail);
    assert_eq!(status_for(false, 32, Status::Approx), Status::Approx);
}
