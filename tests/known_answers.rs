//! Every registered variant against every known answer of the tutorial (REFERENCE.md), and every
//! SIMD path of the variants that dispatch, each forced with `--isa`.

mod common;

use mandel_lab::problem::known::KNOWN_ANSWERS;
use mandel_lab::problem::validate;
use mandel_lab::record::measured::Status;
use mandel_lab::{measure::once, problem::reference};
use mandel_variants::{Availability, Tuning, VARIANTS};

#[test]
fn reference_reproduces_every_known_answer() {
    for known in KNOWN_ANSWERS {
        let grid = known.spec().build().unwrap();
        let r = reference::compute(&grid.problem());
        assert_eq!(r.validation_sum, known.validation_sum, "{known:?}");
        assert!(
            validate::reference_matches_known(&r, Some(known)),
            "{known:?}: {r:?}"
        );
    }
}

#[test]
fn tutorial_grid_counts_iterations_and_bounded_pixels() {
    let grid = KNOWN_ANSWERS[0].spec().build().unwrap();
    let r = reference::compute(&grid.problem());
    assert_eq!(r.inner_iterations, 51_414_419);
    assert_eq!(r.never_escape, 50_066);
}

#[test]
fn every_variant_gives_every_known_answer() {
    for known in KNOWN_ANSWERS {
        let grid = known.spec().build().unwrap();
        let r = reference::compute(&grid.problem());
        for variant in VARIANTS {
            if let Availability::Unavailable(why) = variant.availability() {
                println!("skip: {} ({why})", variant.name);
                continue;
            }
            if variant.exactness.is_exact() {
                for (label, tuning) in common::isa_tunings(variant) {
                    let run = once::run_once(variant, &grid, &tuning).unwrap();
                    let check = validate::check(&run.counts, &r, variant.exactness);
                    assert_eq!(
                        check.validation_sum, known.validation_sum,
                        "{label} on {known:?}"
                    );
                    assert_eq!(check.status, Status::Ok, "{label} on {known:?}");
                }
            } else {
                let run = once::run_once(variant, &grid, &Tuning::default()).unwrap();
                let check = validate::check(&run.counts, &r, variant.exactness);
                assert_ne!(check.status, Status::Fail, "{} on {known:?}", variant.name);
                println!(
                    "{}: {} pixels differ on {}x{}x{}",
                    variant.name, check.mismatched_pixels, known.width, known.height, known.maxiter
                );
            }
        }
    }
}

#[test]
fn kernels_give_the_same_answer_when_run_twice() {
    let grid = KNOWN_ANSWERS[2].spec().build().unwrap();
    for variant in VARIANTS
        .iter()
        .filter(|v| v.availability() == Availability::Available)
    {
        let mut kernel = variant
            .prepare(&grid.problem(), &Tuning::default())
            .unwrap();
        let (mut a, mut b) = (vec![7; grid.pixels()], vec![9; grid.pixels()]);
        kernel.run(&mut a).unwrap();
        kernel.run(&mut b).unwrap();
        assert_eq!(a, b, "{}", variant.name);
    }
}
