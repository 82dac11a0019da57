//! Any sweep as tables (the points, and the fits where the axis fits), for the terminal and the
//! report page alike.

use crate::sweep::{Baseline, Sweep};

use crate::render::export::format_timing;

/// A table: header and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One row per point (a once-measured baseline first), with the columns the sweep has data for.
pub fn points(sweep: &Sweep) -> Table {
    let axis = sweep.axis();
    let kernels = sweep.points.iter().any(|p| p.kernel_timing.is_some());
    let speedups = sweep.baseline.is_some();
    let efficiency = sweep.points.iter().any(|p| p.efficiency.is_some());
    let detail = axis.detail();
    let mut header = vec!["variant".to_string(), axis.noun().to_string()];
    header.extend(detail.map(|(h, _)| h.to_string()));
    header.push("median ± spread".into());
    if kernels {
        header.push("kernels alone".into());
    }
    if speedups {
        header.push(format!(
            "speed-up vs {}",
            sweep.baseline.as_deref().unwrap_or("")
        ));
    }
    if efficiency {
        header.push("efficiency".into());
    }
    header.push("validation".into());
    let mut rows = Vec::new();
    if let (Baseline::Once(base), Some(t)) = (axis.baseline(), &sweep.baseline_timing) {
        let name = base.name;
        let mut row = vec![name.to_string(), axis.label(name, 1)];
        row.extend(detail.map(|_| "-".to_string()));
        row.push(format_timing(Some(t)));
        row.extend(kernels.then(|| "-".to_string()));
        row.push("1.00x".into());
        row.extend(efficiency.then(|| "-".to_string()));
        row.push("baseline".into());
        rows.push(row);
    }
    for p in &sweep.points {
        let mut row = vec![p.variant.clone(), axis.label(&p.variant, p.value)];
        row.extend(detail.map(|(_, cell)| cell(sweep, p)));
        row.push(format_timing(p.timing.as_ref()));
        row.extend(kernels.then(|| format_timing(p.kernel_timing.as_ref())));
        if speedups {
            row.push(p.speedup.map_or("-".into(), |s| format!("{s:.2}x")));
        }
        if efficiency {
            row.push(
                p.efficiency
                    .map_or("-".into(), |e| format!("{:.0}%", 100.0 * e)),
            );
        }
        row.push(match p.mismatched_pixels {
            0 => format!("{} {}", p.status.label(), p.validation_sum),
            n => format!(
                "{} {} ({n} pixels differ)",
                p.status.label(),
                p.validation_sum
            ),
        });
        rows.push(row);
    }
    Table { header, rows }
}

/// One row per variant: its slope and R² against each of the axis's measures of work. `None` when
/// the axis fits nothing or no variant has two timed points.
pub fn fits(sweep: &Sweep) -> Option<Table> {
    let work = sweep.axis().fit_work();
    let per_work: Vec<_> = work.iter().map(|(_, x)| sweep.fits(*x)).collect();
    let first = per_work.first()?;
    if first.is_empty() {
        return None;
    }
    let mut header = vec!["variant".to_string()];
    for (name, _) in work {
        header.push(format!("slope against {name}"));
        header.push("R²".into());
    }
    header.push("points".into());
    let rows = first
        .iter()
        .map(|f| {
            let mut row = vec![f.variant.clone()];
            for fits in &per_work {
                match fits.iter().find(|g| g.variant == f.variant) {
                    Some(g) => row.extend([format!("{:.3}", g.slope), format!("{:.4}", g.r2)]),
                    None => row.extend(["-".to_string(), "-".to_string()]),
                }
            }
            row.push(f.points.to_string());
            row
        })
        .collect();
    Some(Table { header, rows })
}
