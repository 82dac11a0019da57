//! Sweeps written under their old file names, before the one engine: `sweep-chunks.json` (with
//! its CSV and SVG), `sweep-threads.json` and `sweep-sizes.json`, each schema version 1. They are
//! converted once into `sweeps/<axis>.json` (and the old files removed); anything else under an
//! old name is refused with one line. The old schemas differ from [`Sweep`] in a few names only,
//! so the conversion renames fields of the JSON and fills in what the old files did not record
//! (the inner iterations: 0, never drawn for these axes).

use std::path::Path;

use serde_json::{Map, Value, json};

use super::{SCHEMA_VERSION, Sweep};
use crate::{GridSpec, LabError, record::write};

/// An old file: its name, the files beside it that go with it, and its points' name for the value.
struct Old {
    file: &'static str,
    beside: &'static [&'static str],
    value: &'static str,
}

fn old(axis: &str) -> Option<Old> {
    match axis {
        "chunks" => Some(Old {
            file: "sweep-chunks.json",
            beside: &["sweep-chunks.csv", "sweep-chunks.svg"],
            value: "chunk",
        }),
        "threads" => Some(Old {
            file: "sweep-threads.json",
            beside: &[],
            value: "threads",
        }),
        "sizes" => Some(Old {
            file: "sweep-sizes.json",
            beside: &[],
            value: "size",
        }),
        _ => None,
    }
}

/// Converts the old file of `axis` in `dir`, where there is one, and returns the sweep: with
/// `write`, also writes `sweeps/<axis>.json`, removes the old files and says so on standard error;
/// without (`report --check`, which writes nothing), only reads and checks.
pub fn convert(dir: &Path, axis: &str, write: bool) -> Result<Option<Sweep>, LabError> {
    let Some(old) = old(axis) else {
        return Ok(None);
    };
    let path = dir.join(old.file);
    let refuse = |message: String| LabError::Corrupt {
        path: path.clone(),
        message: format!(
            "{message}; it cannot be converted to {}/{axis}.json: remove it and run `cargo xtask \
             sweep {axis}` again",
            super::DIR
        ),
    };
    let Some(Value::Object(mut top)) = write::read_json_if_exists::<Value>(&path)? else {
        return match path.exists() {
            true => Err(refuse("it is not a JSON object".into())),
            false => Ok(None),
        };
    };
    let version = top.get("schema_version").and_then(Value::as_u64);
    if version != Some(1) {
        return Err(refuse(format!(
            "schema version {} is not the old version 1",
            version.map_or("missing".into(), |v| v.to_string())
        )));
    }
    renamed(axis, &old, &mut top).map_err(|e| refuse(e.to_string()))?;
    let sweep: Sweep =
        serde_json::from_value(Value::Object(top)).map_err(|e| refuse(e.to_string()))?;
    if !write {
        return Ok(Some(sweep));
    }
    sweep.save(dir)?;
    for name in std::iter::once(&old.file).chain(old.beside) {
        let _ = std::fs::remove_file(dir.join(name));
    }
    eprintln!(
        "note: converted {} to {} (the sweeps' one schema)",
        path.display(),
        super::json_path(dir, axis).display()
    );
    Ok(Some(sweep))
}

/// The old sweep `top` in the new schema's names.
fn renamed(axis: &str, old: &Old, top: &mut Map<String, Value>) -> Result<(), serde_json::Error> {
    // The size sweep kept its region and maxiter; the others their whole problem.
    if !top.contains_key("spec") {
        let mut spec = serde_json::to_value(GridSpec::TUTORIAL)?;
        for key in ["region", "maxiter"] {
            if let Some(v) = top.remove(key) {
                spec[key] = v;
            }
        }
        top.insert("spec".into(), spec);
    }
    let grid_pixels = serde_json::from_value::<GridSpec>(top["spec"].clone())?
        .build()
        .map_or(0, |g| g.pixels());
    let variant = top.remove("variant");
    let pixels = top.remove("pixels").unwrap_or(json!(grid_pixels));
    top.remove("bytes_per_element");
    top.insert("schema_version".into(), json!(SCHEMA_VERSION));
    top.insert("axis".into(), json!(axis));
    top.entry("baseline").or_insert(Value::Null);
    top.entry("baseline_timing").or_insert(Value::Null);
    if let Some(Value::Array(points)) = top.get_mut("points") {
        for p in points.iter_mut().filter_map(Value::as_object_mut) {
            let value = p.remove(old.value).unwrap_or(Value::Null);
            p.insert("value".into(), value);
            p.remove("working_set_bytes");
            if let Some(v) = &variant {
                p.entry("variant").or_insert(v.clone());
            }
            p.entry("pixels").or_insert(pixels.clone());
            p.entry("inner_iterations").or_insert(json!(0));
            p.entry("mismatched_pixels").or_insert(json!(0));
            for key in ["kernel_timing", "speedup", "efficiency"] {
                p.entry(key).or_insert(Value::Null);
            }
        }
    }
    Ok(())
}
