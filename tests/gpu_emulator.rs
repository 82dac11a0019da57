//! The six `cuda-*` variants' kernels, their very source, executed on the CPU by the emulator
//! (`mandel_variants::gpu::emu`), each driven by its variant's own host-side sequence: float64
//! matches the reference pixel for pixel on every known answer, float32 differs in a few pixels
//! (counted and printed), any launch shape of the grid-stride kernel covers the grid, and
//! launches over grids that do not fill their last block stay inside their buffers.
//!
//! This proves the kernels' source and the host side, not a device, and needs none: these tests
//! run everywhere and never skip.

use std::time::Instant;

use mandel_lab::problem::grid::{GridSpec, Region};
use mandel_lab::problem::known::KNOWN_ANSWERS;
use mandel_lab::problem::reference;
use mandel_variants::gpu::emu::emulate;
use mandel_variants::{Family, Tuning, VARIANTS, Variant};

fn gpu_variants() -> impl Iterator<Item = &'static Variant> {
    VARIANTS.iter().copied().filter(|v| v.family == Family::Gpu)
}

fn variant(name: &str) -> &'static Variant {
    mandel_variants::find(name).unwrap()
}

fn shape(blocks: usize, threads: usize) -> Tuning {
    Tuning {
        chunks: Some(blocks),
        chunk: Some(threads),
        ..Tuning::default()
    }
}

#[test]
fn float64_kernels_on_the_emulator_give_every_known_answer_pixel_for_pixel() {
    for known in KNOWN_ANSWERS {
        let grid = known.spec().build().unwrap();
        let expected = reference::compute(&grid.problem()).counts;
        for v in gpu_variants().filter(|v| v.exactness.is_exact()) {
            let start = Instant::now();
            let counts = emulate(v, &grid.problem(), &Tuning::default()).unwrap();
            println!(
                "{} on {}x{}x{}: {:.2} s",
                v.name,
                known.width,
                known.height,
                known.maxiter,
                start.elapsed().as_secs_f64()
            );
            assert_eq!(
                reference::validation_sum(&counts),
                known.validation_sum,
                "{} on {known:?}",
                v.name
            );
            assert_eq!(
                reference::mismatches(&counts, &expected),
                0,
                "{} on {known:?}",
                v.name
            );
        }
    }
}

#[test]
fn float32_kernels_on_the_emulator_differ_in_few_pixels() {
    for known in KNOWN_ANSWERS {
        let grid = known.spec().build().unwrap();
        let expected = reference::compute(&grid.problem()).counts;
        let mut differing = Vec::new();
        for v in gpu_variants().filter(|v| !v.exactness.is_exact()) {
            let counts = emulate(v, &grid.problem(), &Tuning::default()).unwrap();
            let differ = reference::mismatches(&counts, &expected);
            println!(
                "{}: {differ} of {} pixels differ on {}x{}x{}",
                v.name,
                grid.pixels(),
                known.width,
                known.height,
                known.maxiter
            );
            // Rounding to 24-bit mantissas moves the escape of pixels near the set's boundary
            // only: a few percent at most.
            assert!(
                differ * 50 < grid.pixels() as u64,
                "{}: {differ} pixels differ on {known:?}",
                v.name
            );
            differing.push(differ);
        }
        // The three float32 sequences run the same float32 operations in the same order, so
        // they differ from the reference in the same pixels.
        assert!(differing.windows(2).all(|w| w[0] == w[1]), "{differing:?}");
        // On the tutorial's grid float32 must differ somewhere: if it did not, the float32
        // build would not be running in float32.
        if known.width * known.height >= 250_000 {
            assert!(differing[0] > 0, "{known:?}");
        }
    }
}

#[test]
fn every_launch_shape_of_the_grid_stride_kernel_covers_the_grid() {
    let known = KNOWN_ANSWERS
        .iter()
        .find(|k| (k.width, k.height, k.maxiter) == (50, 50, 100))
        .unwrap();
    let grid = known.spec().build().unwrap();
    let expected = reference::compute(&grid.problem()).counts;
    let v = variant("cuda-gridstride-f64");
    // One thread for everything, a few odd blocks, the tutorial's shape (more threads than
    // pixels), one thread per pixel, and a full block of 1024.
    for (blocks, threads) in [(1, 1), (3, 7), (400, 512), (2500, 1), (1, 1024), (13, 1000)] {
        let counts = emulate(v, &grid.problem(), &shape(blocks, threads)).unwrap();
        assert_eq!(
            reference::mismatches(&counts, &expected),
            0,
            "{blocks} blocks of {threads} threads"
        );
    }
}

#[test]
fn grids_that_do_not_fill_the_last_block_stay_in_bounds() {
    // About a thousand pixels and a handful: neither a multiple of the 256 threads per block of
    // the elementwise and vector launches. The emulator's buffers have guards after their ends,
    // and a kernel writing past `n` would fail the run.
    for (width, height, maxiter) in [(37, 29, 200), (3, 2, 50)] {
        let spec = GridSpec {
            region: Region::TUTORIAL,
            width,
            height,
            maxiter,
        };
        let grid = spec.build().unwrap();
        assert_ne!(grid.pixels() % 256, 0, "{spec:?}");
        println!("{width}x{height} asked: {} pixels", grid.pixels());
        let expected = reference::compute(&grid.problem()).counts;
        for name in [
            "cuda-elementwise-f64",
            "cuda-vector-f64",
            "cuda-gridstride-f64",
        ] {
            let counts = emulate(variant(name), &grid.problem(), &Tuning::default()).unwrap();
            assert_eq!(counts.len(), grid.pixels(), "{name}");
            assert_eq!(
                reference::mismatches(&counts, &expected),
                0,
                "{name} on {width}x{height}"
            );
        }
    }
}

#[test]
fn the_emulator_refuses_what_a_device_would() {
    let grid = KNOWN_ANSWERS[3].spec().build().unwrap();
    let problem = grid.problem();
    let gridstride = variant("cuda-gridstride-f64");
    for tuning in [shape(1, 0), shape(1, 1025), shape(0, 32)] {
        let error = emulate(gridstride, &problem, &tuning).unwrap_err();
        assert!(error.to_string().contains("--chunk"), "{error}");
    }
    let error = emulate(variant("expanded"), &problem, &Tuning::default()).unwrap_err();
    assert!(error.to_string().contains("cuda-*"), "{error}");
}
