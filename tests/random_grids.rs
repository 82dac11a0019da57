//! Property test: every exact variant, and every SIMD path of those that dispatch, matches the
//! reference pixel for pixel on random small problems (random region inside -2.5..1.5 x
//! -1.5..1.5, W and H from 1 to 64, M from 1 to 500: sizes that are not multiples of any lane
//! count and limits that are not multiples of the refill period).

mod common;

use mandel_lab::{GridSpec, Region, measure::once, problem::reference};
use mandel_variants::{Availability, VARIANTS};
use proptest::prelude::*;

/// Two distinct sorted bounds inside `lo..hi`, at least 1e-3 apart.
fn bounds(lo: f64, hi: f64) -> impl Strategy<Value = (f64, f64)> {
    (lo..hi, lo..hi)
        .prop_filter("bounds too close", |(a, b)| (a - b).abs() > 1e-3)
        .prop_map(|(a, b)| (a.min(b), a.max(b)))
}

fn specs() -> impl Strategy<Value = GridSpec> {
    (
        bounds(-2.5, 1.5),
        bounds(-1.5, 1.5),
        1usize..=64,
        1usize..=64,
        1u32..=500,
    )
        .prop_map(|((x1, x2), (y1, y2), width, height, maxiter)| GridSpec {
            region: Region::new(x1, x2, y1, y2).unwrap(),
            width,
            height,
            maxiter,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_exact_variant_matches_reference_on_random_grids(spec in specs()) {
        let grid = spec.build().unwrap();
        // The tutorial's accumulation adds at most one column and one row.
        prop_assert!(grid.columns() == spec.width || grid.columns() == spec.width + 1);
        prop_assert!(grid.rows() == spec.height || grid.rows() == spec.height + 1);
        let expected = reference::compute(&grid.problem()).counts;
        for variant in VARIANTS.iter().filter(|v| v.exactness.is_exact()) {
            if variant.availability() != Availability::Available {
                continue;
            }
            for (label, tuning) in common::isa_tunings(variant) {
                let run = once::run_once(variant, &grid, &tuning).unwrap();
                prop_assert_eq!(&run.counts, &expected, "variant {} on {:?}", label, spec);
            }
        }
    }
}
