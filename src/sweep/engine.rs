//! The one measuring loop of every sweep: each chosen variant at each value, validated against the
//! reference of that value's problem and measured under criterion by
//! [`validate_and_measure`], with speed-ups against the axis's baseline.

use std::path::Path;

use mandel_variants::{Tuning, Variant};

use super::{Axis, Baseline, Point, SCHEMA_VERSION, Sweep};
use crate::measure::once::{Bench, Measured, validate_and_measure};
use crate::problem::reference::{self, Reference};
use crate::record::machine::Machine;
use crate::record::measured::{BenchSettings, Timing};
use crate::{Grid, GridSpec, LabError};

/// The value a [`Baseline::Once`] baseline is measured at: the sweep's problem, default tuning.
const BASELINE_VALUE: usize = 0;

/// What to measure: the axis, the problem it starts from, its values and variants.
pub struct Plan<'a> {
    pub axis: &'a dyn Axis,
    pub spec: GridSpec,
    pub values: Vec<usize>,
    pub variants: Vec<&'static Variant>,
    pub settings: BenchSettings,
    /// A [`Baseline::Once`] timing from an earlier sweep of the same problem (`--merge`).
    pub baseline_timing: Option<Timing>,
}

impl Plan<'_> {
    /// The number of measurements, for a progress bar.
    pub fn steps(&self) -> usize {
        let runs: usize = self
            .variants
            .iter()
            .map(|v| self.axis.values_for(v, &self.values).len())
            .sum();
        match self.axis.baseline() {
            Baseline::None => runs,
            Baseline::Once(_) => runs + usize::from(self.baseline_timing.is_none()),
            Baseline::EachValue(_) => runs + self.values.len(),
        }
    }
}

/// Measures the plan; `progress` gets a label before each measurement.
pub fn run(
    plan: &Plan<'_>,
    criterion_dir: &Path,
    mut progress: impl FnMut(String),
) -> Result<Sweep, LabError> {
    let axis = plan.axis;
    let mut measurer = Measurer {
        plan,
        group: format!(
            "sweep-{}-{}x{}x{}",
            axis.name(),
            plan.spec.width,
            plan.spec.height,
            plan.spec.maxiter
        ),
        criterion_dir,
        problems: Problems::default(),
    };
    let baseline_timing = match (axis.baseline(), &plan.baseline_timing) {
        (Baseline::Once(_), Some(t)) => Some(t.clone()),
        (Baseline::Once(base), None) => {
            progress(format!("{} (baseline)", base.name));
            let point = measurer.measure(base, BASELINE_VALUE, None)?;
            Some(point.timing.ok_or_else(|| {
                LabError::bad_input(format!("{} fails validation: the lab is broken", base.name))
            })?)
        }
        _ => None,
    };
    let once = baseline_timing.as_ref().map(|t| t.median);
    let points = measurer.every_point(once, &mut progress)?;
    let mut sweep = Sweep {
        schema_version: SCHEMA_VERSION,
        axis: axis.name().into(),
        spec: plan.spec,
        machine: Machine::detect(),
        settings: plan.settings.clone(),
        baseline: match axis.baseline() {
            Baseline::None => None,
            Baseline::Once(b) | Baseline::EachValue(b) => Some(b.name.into()),
        },
        baseline_timing,
        points: Vec::new(),
    };
    if matches!(axis.baseline(), Baseline::EachValue(_)) {
        sweep.points = points;
    } else {
        sweep.merge(points);
    }
    sweep.set_efficiencies();
    Ok(sweep)
}

/// What every measurement of one sweep shares: its plan, criterion group and folder, and the last
/// problem built.
struct Measurer<'p, 'a> {
    plan: &'p Plan<'a>,
    group: String,
    criterion_dir: &'p Path,
    problems: Problems,
}

impl Measurer<'_, '_> {
    /// Every variant at every value (after each value's baseline, for [`Baseline::EachValue`]),
    /// then the values a variant chooses for itself; `once` is a [`Baseline::Once`] median.
    fn every_point(
        &mut self,
        once: Option<f64>,
        progress: &mut impl FnMut(String),
    ) -> Result<Vec<Point>, LabError> {
        let (plan, axis) = (self.plan, self.plan.axis);
        let mut points = Vec::new();
        for &value in &plan.values {
            let mut base = once;
            if let Baseline::EachValue(baseline) = axis.baseline() {
                progress(format!(
                    "{} at {} (baseline)",
                    baseline.name,
                    axis.label(baseline.name, value)
                ));
                let point = self.measure(baseline, value, None)?;
                base = point.median();
                points.push(point);
            }
            for variant in &plan.variants {
                if axis.values_for(variant, &plan.values).contains(&value) {
                    progress(format!(
                        "{} at {}",
                        variant.name,
                        axis.label(variant.name, value)
                    ));
                    points.push(self.measure(variant, value, base)?);
                }
            }
        }
        // Values a variant chooses for itself (`mpi` under `mpirun`: its ranks).
        for variant in &plan.variants {
            for value in axis.values_for(variant, &plan.values) {
                if !plan.values.contains(&value) {
                    progress(format!(
                        "{} at {}",
                        variant.name,
                        axis.label(variant.name, value)
                    ));
                    points.push(self.measure(variant, value, once)?);
                }
            }
        }
        Ok(points)
    }

    /// One measurement: `base` is the baseline's median that its speed-up is taken against.
    fn measure(
        &mut self,
        variant: &Variant,
        value: usize,
        base: Option<f64>,
    ) -> Result<Point, LabError> {
        let axis = self.plan.axis;
        let (spec, tuning) = match value {
            BASELINE_VALUE => (self.plan.spec, Tuning::default()),
            _ => axis.setup(&self.plan.spec, value, variant),
        };
        let (grid, reference) = self.problems.get(spec)?;
        let id = format!("{}-{value}", variant.name);
        let bench = Bench {
            settings: &self.plan.settings,
            group: &self.group,
            id: &id,
            dir: self.criterion_dir,
        };
        let Measured {
            check,
            timing,
            kernel_timing,
            ..
        } = validate_and_measure(variant, grid, reference, &tuning, Some(bench))?;
        let base = base.or_else(|| timing.as_ref().map(|t| t.median));
        let speedup = base
            .filter(|_| axis.baseline() != Baseline::None)
            .zip(timing.as_ref())
            .map(|(b, t)| b / t.median);
        Ok(Point {
            variant: variant.name.into(),
            value,
            pixels: grid.pixels(),
            inner_iterations: reference.inner_iterations,
            validation_sum: check.validation_sum,
            mismatched_pixels: check.mismatched_pixels,
            status: check.status,
            // Set for the whole sweep once every point is in (`Sweep::set_efficiencies`).
            efficiency: None,
            speedup,
            timing,
            kernel_timing,
        })
    }
}

/// The last problem's grid and reference: consecutive runs of one value share them.
#[derive(Default)]
struct Problems {
    last: Option<(GridSpec, Grid, Reference)>,
}

impl Problems {
    fn get(&mut self, spec: GridSpec) -> Result<(&Grid, &Reference), LabError> {
        if self.last.as_ref().is_none_or(|(s, ..)| *s != spec) {
            let grid = spec.build()?;
            let reference = reference::compute(&grid.problem());
            self.last = Some((spec, grid, reference));
        }
        let (_, grid, reference) = self.last.as_ref().expect("just set");
        Ok((grid, reference))
    }
}
