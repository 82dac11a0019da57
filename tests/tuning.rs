//! The tuning knobs of the vector and parallel variants: any valid `--chunk`, `--chunks` or
//! `--threads` gives the reference's counts exactly, and every invalid one is refused as
//! `BadTuning` before the kernel runs.

use mandel_lab::problem::known::KNOWN_ANSWERS;
use mandel_lab::{Grid, measure::once, problem::reference};
use mandel_variants::{Availability, Family, Knob, Tuning, VARIANTS, Variant, VariantError};

/// The 50 x 50 x 100 known problem (8,974), small enough to run every combination quickly.
fn small_grid() -> Grid {
    let known = KNOWN_ANSWERS
        .iter()
        .find(|k| (k.width, k.height, k.maxiter) == (50, 50, 100))
        .expect("the 50x50x100 known answer");
    known.spec().build().unwrap()
}

/// The vector and parallel variants: the ones that have knobs.
fn registered_tuned_variants() -> impl Iterator<Item = &'static Variant> {
    VARIANTS
        .iter()
        .copied()
        .filter(|v| matches!(v.family, Family::Vector | Family::Parallel))
}

/// Those of them that can run here (`mpi` needs the feature and mpirun; its own tests run it on
/// real ranks through `cargo xtask mpi`).
fn tuned_variants() -> impl Iterator<Item = &'static Variant> {
    registered_tuned_variants().filter(|v| v.availability() == Availability::Available)
}

fn uses(variant: &Variant, knob: Knob) -> bool {
    variant.knobs.contains(&knob)
}

/// Every knob setting worth checking on `grid` for `variant`, including the defaults.
fn settings(variant: &Variant, grid: &Grid) -> Vec<Tuning> {
    let pixels = grid.pixels();
    let mut out = vec![Tuning::default()];
    if uses(variant, Knob::Chunk) {
        for chunk in [1, 7, 1000, pixels] {
            out.push(Tuning {
                chunk: Some(chunk),
                ..Tuning::default()
            });
        }
    }
    if uses(variant, Knob::Chunks) {
        for chunks in [1, 3, pixels] {
            out.push(Tuning {
                chunks: Some(chunks),
                ..Tuning::default()
            });
        }
    }
    if uses(variant, Knob::Threads) {
        for threads in [1, 2, 3] {
            out.push(Tuning {
                threads: Some(threads),
                ..Tuning::default()
            });
        }
        // The knobs together: odd chunk sizes on more threads than chunks.
        out.push(Tuning {
            chunk: uses(variant, Knob::Chunk).then_some(7),
            chunks: uses(variant, Knob::Chunks).then_some(2),
            threads: Some(3),
            isa: None,
        });
    }
    out
}

#[test]
fn vector_and_parallel_variants_are_registered_with_knobs() {
    let names: Vec<_> = registered_tuned_variants().map(|v| v.name).collect();
    assert_eq!(
        names,
        [
            "vector-whole",
            "vector-chunked",
            "vector-fused",
            "rayon-chunks",
            "rayon-rows",
            "mpi"
        ]
    );
    for v in registered_tuned_variants() {
        assert!(v.exactness.is_exact(), "{}", v.name);
    }
}

#[test]
fn every_valid_tuning_gives_the_reference_counts() {
    let grid = small_grid();
    let expected = reference::compute(&grid.problem()).counts;
    assert_eq!(expected.iter().map(|&c| u64::from(c)).sum::<u64>(), 8974);
    for variant in tuned_variants() {
        for tuning in settings(variant, &grid) {
            let run = once::run_once(variant, &grid, &tuning)
                .unwrap_or_else(|e| panic!("{} with {tuning:?}: {e}", variant.name));
            assert!(
                run.counts == expected,
                "{} with {tuning:?} differs from the reference",
                variant.name
            );
        }
    }
}

/// Asserts that preparing `variant` with `tuning` is refused as BadTuning mentioning `needle`.
fn assert_refused(variant: &Variant, grid: &Grid, tuning: Tuning, needle: &str) {
    match variant.prepare(&grid.problem(), &tuning) {
        Err(e @ VariantError::BadTuning { .. }) => {
            let message = e.to_string();
            assert!(
                message.contains(needle),
                "{} with {tuning:?}: expected '{needle}' in '{message}'",
                variant.name
            );
        }
        Err(e) => panic!("{} with {tuning:?}: wrong error {e}", variant.name),
        Ok(_) => panic!("{} accepted {tuning:?}", variant.name),
    }
}

#[test]
fn bad_knob_values_are_refused() {
    let grid = small_grid();
    let pixels = grid.pixels();
    let too_many = format!("{pixels} pixels");
    let mut refusals = 0;
    for variant in tuned_variants() {
        if uses(variant, Knob::Chunk) {
            let chunk = |n| Tuning {
                chunk: Some(n),
                ..Tuning::default()
            };
            assert_refused(variant, &grid, chunk(0), "--chunk must be at least 1");
            assert_refused(variant, &grid, chunk(pixels + 1), &too_many);
            refusals += 2;
        }
        if uses(variant, Knob::Chunks) {
            let chunks = |n| Tuning {
                chunks: Some(n),
                ..Tuning::default()
            };
            assert_refused(variant, &grid, chunks(0), "--chunks must be at least 1");
            assert_refused(variant, &grid, chunks(pixels + 1), &too_many);
            refusals += 2;
        }
        if uses(variant, Knob::Threads) {
            let threads = Tuning {
                threads: Some(0),
                ..Tuning::default()
            };
            assert_refused(variant, &grid, threads, "--threads must be at least 1");
            refusals += 1;
        }
    }
    // chunk on two variants, chunks on one (two with mpi available), threads on three.
    let mpi = usize::from(tuned_variants().any(|v| v.name == "mpi"));
    assert_eq!(refusals, 2 * 2 + 2 * (1 + mpi) + 3);
}

#[test]
fn default_chunks_fit_grids_smaller_than_a_slice() {
    // A 1 x 1 grid is smaller than every default slice and chunk count; the defaults must adapt.
    let spec = mandel_lab::GridSpec {
        width: 1,
        height: 1,
        maxiter: 10,
        ..KNOWN_ANSWERS[0].spec()
    };
    let grid = spec.build().unwrap();
    let expected = reference::compute(&grid.problem()).counts;
    for variant in tuned_variants() {
        let run = once::run_once(variant, &grid, &Tuning::default()).unwrap();
        assert_eq!(run.counts, expected, "{}", variant.name);
    }
}
