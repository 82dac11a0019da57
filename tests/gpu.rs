//! The GPU variants: registered with their metadata everywhere; where there is no GPU they are
//! unavailable with the reason and every command says so in one line, never a panic; where there
//! is one, float64 matches the reference exactly, float32 reports its differing pixels, and the
//! kernels are timed alone. Tests that need a device skip, saying why.

mod common;

use common::{assert_bad_input, lab};
use mandel_lab::problem::known::KNOWN_ANSWERS;
use mandel_lab::problem::validate;
use mandel_lab::record::measured::Status;
use mandel_lab::{measure::once, problem::reference};
use mandel_variants::{Availability, Family, Knob, Tuning, VARIANTS, Variant};

fn gpu_variants() -> Vec<&'static Variant> {
    VARIANTS
        .iter()
        .copied()
        .filter(|v| v.family == Family::Gpu)
        .collect()
}

#[test]
fn the_three_pycuda_levels_are_registered_in_float32_and_float64() {
    let names: Vec<&str> = gpu_variants().iter().map(|v| v.name).collect();
    assert_eq!(
        names,
        [
            "cuda-vector-f32",
            "cuda-vector-f64",
            "cuda-elementwise-f32",
            "cuda-elementwise-f64",
            "cuda-gridstride-f32",
            "cuda-gridstride-f64"
        ]
    );
    for v in gpu_variants() {
        assert_eq!(
            v.exactness.is_exact(),
            v.name.ends_with("f64"),
            "{}",
            v.name
        );
    }
    let gridstride = mandel_variants::find("cuda-gridstride-f64").unwrap();
    assert_eq!(gridstride.knobs, [Knob::Chunk, Knob::Chunks]);
}

#[test]
fn without_a_gpu_every_variant_says_what_is_missing() {
    for v in gpu_variants() {
        match v.availability() {
            Availability::Available => println!("skip: a GPU is here ({})", v.name),
            Availability::Unavailable(why) => {
                assert!(
                    why.contains("libcuda")
                        || why.contains("libnvrtc")
                        || why.contains("no CUDA device"),
                    "{}: {why}",
                    v.name
                );
                assert_bad_input(&["run", "--variant", v.name], "unavailable here");
            }
        }
    }
    let listed = lab(&["list", "--format", "json"]);
    assert!(listed.status.success());
    let list: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let gpu: Vec<&serde_json::Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["family"] == "gpu")
        .collect();
    assert_eq!(gpu.len(), 6);
    for v in gpu {
        assert_eq!(
            v["available"].as_bool().unwrap(),
            v["unavailable_reason"].is_null(),
            "{v}"
        );
        if !v["available"].as_bool().unwrap() {
            assert!(v["unavailable_reason"].as_str().unwrap().len() > 20, "{v}");
        }
    }
}

#[test]
fn on_a_gpu_float64_is_exact_and_float32_counts_its_differences() {
    let known = KNOWN_ANSWERS
        .iter()
        .find(|k| (k.width, k.height, k.maxiter) == (500, 500, 1000))
        .unwrap();
    let grid = known.spec().build().unwrap();
    let r = reference::compute(&grid.problem());
    for v in gpu_variants() {
        if let Availability::Unavailable(why) = v.availability() {
            println!("skip: {} ({why})", v.name);
            continue;
        }
        let run = once::run_once(v, &grid, &Tuning::default()).unwrap();
        let check = validate::check(&run.counts, &r, v.exactness);
        if v.exactness.is_exact() {
            assert_eq!(check.status, Status::Ok, "{}: {check:?}", v.name);
            assert_eq!(check.validation_sum, known.validation_sum, "{}", v.name);
        } else {
            println!("{}: {} pixels differ", v.name, check.mismatched_pixels);
            assert_ne!(check.status, Status::Fail, "{}: {check:?}", v.name);
        }
        let kernels = run.kernel_seconds.expect("GPU variants time their kernels");
        assert!(
            kernels > 0.0 && kernels <= run.seconds,
            "{}: {kernels} of {}",
            v.name,
            run.seconds
        );
    }
}

#[test]
fn gridstride_refuses_impossible_launch_shapes() {
    let v = mandel_variants::find("cuda-gridstride-f64").unwrap();
    if let Availability::Unavailable(why) = v.availability() {
        println!("skip: {} ({why})", v.name);
        return;
    }
    for (flag, value, needle) in [
        ("--chunk", "0", "threads per block"),
        ("--chunk", "2048", "threads per block"),
        ("--chunks", "0", "--chunks must be at least 1"),
    ] {
        assert_bad_input(
            &[
                "run",
                "--variant",
                v.name,
                "--width",
                "50",
                "--height",
                "50",
                flag,
                value,
            ],
            needle,
        );
    }
}
