//! The registered axes, one file each, in report order, and the lookups by name ([`find_axis`],
//! [`axis_names`], [`Sweep::axis`]), and what is read through the axis ([`Sweep::set_efficiencies`]). Adding an axis is one file here and one line in [`AXES`].

mod chunks;
mod maxiter;
mod sizes;
mod threads;

pub use chunks::{BYTES_PER_ELEMENT, Chunks};
pub use maxiter::Maxiter;
pub use sizes::Sizes;
pub use threads::Threads;

use crate::LabError;
use crate::sweep::axis::Axis;
use crate::sweep::schema::Sweep;

/// Every axis `mandel-lab sweep` knows.
pub static AXES: &[&dyn Axis] = &[&Chunks, &Threads, &Sizes, &Maxiter];

/// Looks an axis up by name; an unknown name is bad input that lists the axes.
pub fn find_axis(name: &str) -> Result<&'static dyn Axis, LabError> {
    AXES.iter()
        .copied()
        .find(|a| a.name() == name)
        .ok_or_else(|| {
            LabError::bad_input(format!(
                "unknown sweep axis '{name}'; axes: {}",
                axis_names().join(", ")
            ))
        })
}

/// The registered axes' names, in report order.
pub fn axis_names() -> Vec<&'static str> {
    AXES.iter().map(|a| a.name()).collect()
}

impl Sweep {
    /// The sweep's axis (a sweep is only ever loaded for a registered axis).
    pub fn axis(&self) -> &'static dyn Axis {
        find_axis(&self.axis).expect("a loaded sweep names a registered axis")
    }

    /// Sets every point's efficiency from the axis ([`Axis::efficiency`]): after a measurement
    /// and a merge, and on load, so that a file written under an older rule reads right.
    pub fn set_efficiencies(&mut self) {
        let Ok(axis) = find_axis(&self.axis) else {
            return;
        };
        let efficiencies: Vec<Option<f64>> = self
            .points
            .iter()
            .map(|p| axis.efficiency(self, p))
            .collect();
        for (p, e) in self.points.iter_mut().zip(efficiencies) {
            p.efficiency = e;
        }
    }
}
