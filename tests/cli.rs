//! The `mandel-lab` command-line contract: names, fields, and one line with exit code 2 for every
//! kind of bad input.

mod common;

use common::{assert_bad_input, lab};

#[test]
fn zero_width_or_height_is_refused() {
    assert_bad_input(
        &["run", "--variant", "expanded", "--width", "0"],
        "at least 1",
    );
    assert_bad_input(
        &["run", "--variant", "expanded", "--height", "0"],
        "at least 1",
    );
}

#[test]
fn grid_too_large_for_memory_is_refused() {
    let big = "4000000000";
    assert_bad_input(
        &[
            "run",
            "--variant",
            "expanded",
            "--width",
            big,
            "--height",
            big,
        ],
        "too large",
    );
}

#[test]
fn zero_maxiter_is_refused() {
    assert_bad_input(
        &["run", "--variant", "expanded", "--maxiter", "0"],
        "maxiter",
    );
}

#[test]
fn malformed_regions_are_refused() {
    for region in [
        "--region=1,2,3",
        "--region=a,b,c,d",
        "--region=",
        "--region=1,,2,3",
    ] {
        assert_bad_input(&["run", "--variant", "expanded", region], "region");
    }
}

#[test]
fn inverted_regions_are_refused() {
    assert_bad_input(
        &["run", "--variant", "expanded", "--region=1,0,-1,1"],
        "x1 < x2",
    );
    assert_bad_input(
        &["run", "--variant", "expanded", "--region=0,0,-1,1"],
        "x1 < x2",
    );
    assert_bad_input(
        &["run", "--variant", "expanded", "--region=-2,1,1,-1"],
        "y1 < y2",
    );
}

#[test]
fn non_finite_bounds_are_refused() {
    for region in [
        "--region=nan,1,-1,1",
        "--region=-2,inf,-1,1",
        "--region=-2,1,-inf,1",
    ] {
        assert_bad_input(&["run", "--variant", "expanded", region], "finite");
    }
}

#[test]
fn unknown_variant_lists_the_known_ones() {
    assert_bad_input(&["run", "--variant", "turbo"], "naive, locals, expanded");
    assert_bad_input(
        &["report", "--variants", "naive,turbo"],
        "unknown variant 'turbo'",
    );
}

#[test]
fn an_empty_peer_list_means_no_list_and_an_empty_variant_list_is_refused() {
    // `--peers ''` (a script's empty variable) is the default, every peer: the command gets past
    // its list and stops at the next check.
    let out = lab(&["peers", "--peers", "", "--check-args"]);
    assert!(
        out.status.success(),
        "peers --peers '': {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An empty variant list is refused by every command that takes one, as xtask refuses it
    // (`mandel_lab_options::variant_list`; tests/record_and_options.rs tries each command).
    assert_bad_input(
        &["sweep", "maxiter", "--variants", "", "--quick"],
        "names no variant",
    );
    assert_bad_input(&["flags", "--check", "--variants", ""], "names no variant");
}

#[test]
fn malformed_numbers_get_one_line() {
    assert_bad_input(
        &["run", "--variant", "expanded", "--width", "abc"],
        "--width",
    );
    assert_bad_input(&["run", "--variant", "expanded", "--maxiter", "-5"], "-5");
    assert_bad_input(&["run", "--variant", "expanded", "--format", "xml"], "xml");
}

#[test]
fn run_json_has_the_contract_fields() {
    let out = lab(&[
        "run",
        "--variant",
        "c-reference",
        "--width",
        "50",
        "--height",
        "50",
        "--maxiter",
        "100",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["variant"], "c-reference");
    assert_eq!(v["columns"], 50);
    assert_eq!(v["rows"], 50);
    assert_eq!(v["maxiter"], 100);
    assert_eq!(v["validation_sum"], 8974);
    assert_eq!(v["status"], "OK");
    assert!(v["seconds"].as_f64().unwrap() >= 0.0);
}

#[test]
fn run_text_has_the_tutorials_lines() {
    let out = lab(&[
        "run",
        "--variant",
        "naive",
        "--width",
        "50",
        "--height",
        "50",
        "--maxiter",
        "30",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Total elements: 2500"), "{text}");
    assert!(text.contains("seconds"), "{text}");
    assert!(
        text.contains("Total sum of elements (for validation): 6502"),
        "{text}"
    );
}

#[test]
fn run_writes_a_png_image() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.png");
    let out = lab(&[
        "run",
        "--variant",
        "expanded",
        "--width",
        "40",
        "--height",
        "30",
        "--maxiter",
        "50",
        "--image",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
    let info = decoder.read_info().unwrap().info().clone();
    assert_eq!((info.width, info.height), (40, 30));
}

#[test]
fn list_json_names_every_variant_with_metadata() {
    let out = lab(&["list", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), mandel_variants::VARIANTS.len());
    for row in rows {
        for field in ["name", "family", "analogue", "exact", "available"] {
            assert!(row.get(field).is_some(), "{field} missing in {row}");
        }
    }
    let table = lab(&["list"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("pure_python.py"));
}

#[test]
fn bad_tuning_knobs_are_refused() {
    let small = ["--width", "50", "--height", "50", "--maxiter", "30"];
    let with = |variant: &str, knob: &[&str]| -> Vec<String> {
        ["run", "--variant", variant]
            .iter()
            .chain(&small)
            .chain(knob)
            .map(|s| s.to_string())
            .collect()
    };
    for (variant, knob, needle) in [
        (
            "vector-chunked",
            ["--chunk", "0"],
            "--chunk must be at least 1",
        ),
        ("vector-fused", ["--chunk", "99999999"], "2500 pixels"),
        (
            "rayon-chunks",
            ["--chunks", "0"],
            "--chunks must be at least 1",
        ),
        (
            "rayon-rows",
            ["--threads", "0"],
            "--threads must be at least 1",
        ),
    ] {
        let args = with(variant, &knob);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_bad_input(&args, needle);
    }
    // The default grid too: the refusal comes before any kernel runs.
    assert_bad_input(
        &["run", "--variant", "vector-chunked", "--chunk", "99999999"],
        "pixels",
    );
}

#[test]
fn run_records_tuning_and_notes_knobs_a_variant_ignores() {
    let out = lab(&[
        "run",
        "--variant",
        "expanded",
        "--width",
        "50",
        "--height",
        "50",
        "--maxiter",
        "100",
        "--chunk",
        "100",
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "note: --chunk has no effect on variant expanded"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["chunk"], 100);
    assert!(v["chunks"].is_null() && v["threads"].is_null(), "{v}");
    assert_eq!(v["validation_sum"], 8974);

    let out = lab(&[
        "run",
        "--variant",
        "rayon-chunks",
        "--width",
        "50",
        "--height",
        "50",
        "--maxiter",
        "100",
        "--chunks",
        "5",
        "--threads",
        "2",
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["chunks"].as_u64(), v["threads"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(v["status"], "OK");
}
