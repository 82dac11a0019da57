//! The sweeps' files: `reports/sweeps/<axis>.json` with its CSV beside it, saved atomically and
//! loaded through the one read rule, a sweep under its old file name converted once
//! ([`crate::sweep::legacy`]).

use std::path::Path;

use crate::sweep::axes::AXES;
use crate::sweep::axis::Axis;
use crate::sweep::legacy;
use crate::sweep::schema::{SCHEMA_VERSION, Sweep, file, json_path};
use crate::{LabError, record::write};

impl Sweep {
    /// Saves the JSON and the CSV atomically into `dir/sweeps/`.
    pub fn save(&self, dir: &Path) -> Result<(), LabError> {
        write::write_json(&json_path(dir, &self.axis), self)?;
        write::atomic_write(&file(dir, &self.axis, "csv"), self.csv().as_bytes())
    }

    /// One line per point, through the lab's one CSV writer ([`crate::render::export::csv::line`]).
    pub fn csv(&self) -> String {
        use crate::render::export::csv::line;
        let mut out = line(&[
            "variant",
            "value",
            "pixels",
            "inner_iterations",
            "median_s",
            "median_abs_dev_s",
            "min_s",
            "max_s",
            "samples",
            "kernel_median_s",
            "speedup",
            "efficiency",
            "validation_sum",
            "status",
        ]);
        let f = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:e}"));
        for p in &self.points {
            let t = p.timing.as_ref();
            out.push_str(&line(&[
                p.variant.clone(),
                p.value.to_string(),
                p.pixels.to_string(),
                p.inner_iterations.to_string(),
                f(t.map(|t| t.median)),
                f(t.map(|t| t.median_abs_dev)),
                f(t.map(|t| t.min)),
                f(t.map(|t| t.max)),
                t.map_or(String::new(), |t| t.samples.to_string()),
                f(p.kernel_timing.as_ref().map(|t| t.median)),
                f(p.speedup),
                f(p.efficiency),
                p.validation_sum.to_string(),
                p.status.label().to_string(),
            ]));
        }
        out
    }
}

/// Reads the sweep along `axis` from the report folder `dir`, if one was run. A sweep still under
/// its old file name (`sweep-chunks.json`, ...) is converted once; one of another schema is
/// refused with the line that remakes it.
pub fn load(dir: &Path, axis: &dyn Axis) -> Result<Option<Sweep>, LabError> {
    load_as(dir, axis, Legacy::Convert)
}

/// What loading does with a sweep under its old file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    /// Convert it to `sweeps/<axis>.json` and remove the old files (see [`legacy::convert`]).
    Convert,
    /// Read and check it, writing nothing: what `report --check` does.
    ReadOnly,
}

/// [`load`], choosing what happens to a sweep under its old file name.
pub fn load_as(dir: &Path, axis: &dyn Axis, legacy: Legacy) -> Result<Option<Sweep>, LabError> {
    let path = json_path(dir, axis.name());
    if !path.exists() {
        let converted = legacy::convert(dir, axis.name(), legacy == Legacy::Convert)?;
        let mut converted = converted;
        if let Some(sweep) = &mut converted {
            sweep.validate(&path)?;
            sweep.set_efficiencies();
        }
        return Ok(converted);
    }
    let remake = format!("run `cargo xtask sweep {}` again", axis.name());
    let Some(sweep) = write::read_versioned::<Sweep>(&path, SCHEMA_VERSION, &remake)? else {
        return Ok(None);
    };
    if sweep.axis != axis.name() {
        return Err(LabError::Corrupt {
            path,
            message: format!("it holds a sweep along '{}'", sweep.axis),
        });
    }
    sweep.validate(&path)?;
    let mut sweep = sweep;
    sweep.set_efficiencies();
    Ok(Some(sweep))
}

/// Every registered axis's sweep found in `dir`, in registry order.
pub fn load_all(dir: &Path, legacy: Legacy) -> Result<Vec<Sweep>, LabError> {
    let mut sweeps = Vec::new();
    for axis in AXES {
        sweeps.extend(load_as(dir, *axis, legacy)?);
    }
    Ok(sweeps)
}
