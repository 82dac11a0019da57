//! `shortcut`: both shortcuts, scalar; the bulb test first, then the loop with cycle detection. See the family's module ([`super`]) for why every count stays the
//! reference's.

use super::Points;
use crate::{
    Cores, Exactness, Family, HotCode, Kernel, Problem, SweepAxis, SweepRole, Tuning, Variant,
    VariantError, always_available,
};

/// Registry entry.
pub const VARIANT: Variant = Variant {
    name: "shortcut",
    family: Family::Shortcuts,
    analogue: "beyond the tutorial",
    summary: "both shortcuts, scalar; the bulb test first, then the loop with cycle detection",
    exactness: Exactness::Exact,
    knobs: &[],
    cores: Cores::One,
    tutorial: None,
    hot_code: Some(HotCode::Symbol(module_path!())),
    rung: None,
    sweeps: &[(SweepAxis::Maxiter, SweepRole::Member)],
    probe: always_available,
    prepare,
};

/// The counts over the points `(qx[i], qy[i])`, with this variant's shortcuts: a function of
/// its own, which the machine-code views find by this module's path.
#[inline(never)]
pub fn calculate_z(qx: &[f64], qy: &[f64], maxiter: u32, output: &mut [u32]) {
    super::calculate_z::<true, true>(qx, qy, maxiter, output);
}

fn prepare(problem: &Problem<'_>, _: &Tuning) -> Result<Box<dyn Kernel>, VariantError> {
    Points::prepare::<true, true>(problem, calculate_z)
}
