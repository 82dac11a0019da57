//! The iteration limit (how cost grows with work): the chosen variants at maxiter 100 to 10,000
//! on the tutorial's grid, timed against the inner iterations the reference counts exactly. A
//! kernel whose cost follows its work has slope 1.0 on log-log axes; a vector kernel with no
//! early exit does pixels × maxiter iterations whatever the reference needs, and its line sits
//! above the others by that factor.

use std::ops::RangeInclusive;

use mandel_variants::{Family, SweepAxis, Tuning, Variant};

use crate::GridSpec;
use crate::sweep::fit::Fit;
use crate::sweep::{Axis, Chart, Corner, Sweep, X, Y};

pub struct Maxiter;

impl Axis for Maxiter {
    fn name(&self) -> &'static str {
        "maxiter"
    }

    fn about(&self) -> &'static str {
        "variants against the iteration limit, time against inner iterations: cost growth"
    }

    fn noun(&self) -> &'static str {
        "iteration limit"
    }

    fn range(&self, _: &GridSpec) -> RangeInclusive<usize> {
        1..=u32::MAX as usize
    }

    fn default_values(&self, _: &GridSpec, quick: bool) -> Vec<usize> {
        match quick {
            true => vec![100, 300, 1000, 3000, 10_000],
            false => vec![100, 200, 500, 1000, 2000, 5000, 10_000],
        }
    }

    fn quick_maxiter(&self) -> Option<u32> {
        None
    }

    fn sets(&self) -> &'static [&'static str] {
        &["--maxiter"]
    }

    fn registry_axis(&self) -> SweepAxis {
        SweepAxis::Maxiter
    }

    fn setup(&self, spec: &GridSpec, value: usize, _: &Variant) -> (GridSpec, Tuning) {
        let spec = GridSpec {
            maxiter: u32::try_from(value).unwrap_or(u32::MAX),
            ..*spec
        };
        (spec, Tuning::default())
    }

    fn label(&self, _: &str, value: usize) -> String {
        format!("maxiter {value}")
    }

    fn fit_work(&self) -> &'static [(&'static str, X)] {
        &[
            ("inner iterations", X::InnerIterations),
            ("pixels × maxiter", X::PixelsTimesValue),
        ]
    }

    fn family(&self) -> Option<Family> {
        None
    }

    fn heading(&self) -> (&'static str, &'static str) {
        ("cost-growth", "Cost growth: time against the work")
    }

    fn intro(&self, sw: &Sweep) -> String {
        format!(
            "Each variant at {} iteration limits on {} × {} (criterion, {} samples each), \
             against the inner iterations the reference counts exactly at each limit, on log-log \
             axes with each variant's least-squares slope and R². A kernel that stops each pixel \
             when it escapes does exactly those iterations and has slope 1.0. A vector kernel \
             with no early exit (vector-fused, numexpr's semantics) iterates every pixel maxiter \
             times, pixels × maxiter in all: its line sits above the others by that ratio, and \
             the table's last columns fit it against pixels × maxiter instead. The shortcuts \
             skip the iterations whose answer is known (the pixels that never escape, decided \
             by the bulb test or by a repeated orbit), so their cost grows more slowly than the \
             work: their slope says how much of it still grows with maxiter. The second \
             figure divides each time by the inner iterations: flat for a kernel whose cost \
             follows its work, rising with pixels × maxiter over inner iterations for one that \
             does not.",
            sw.points
                .iter()
                .map(|p| p.value)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            sw.spec.width,
            sw.spec.height,
            sw.settings.samples,
        )
    }

    fn reading(&self, sw: &Sweep) -> Option<String> {
        let fits = sw.fits(X::InnerIterations);
        let per_value = sw.fits(X::PixelsTimesValue);
        (!fits.is_empty()).then(|| {
            fits.iter()
                .map(|f| {
                    let other = per_value.iter().find(|g| g.variant == f.variant);
                    let skips = mandel_variants::find(&f.variant)
                        .is_some_and(|v| v.family == Family::Shortcuts);
                    format!(
                        "{} {}: {}",
                        f.variant,
                        f.summary(),
                        follows(f, other, skips)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    fn charts(&self, sw: &Sweep) -> Vec<Chart> {
        vec![
            Chart {
                title: format!(
                    "Time against inner iterations, log-log, with fitted slopes ({} x {})",
                    sw.spec.width, sw.spec.height
                ),
                x: X::InnerIterations,
                y: Y::Seconds,
                x_desc: "inner iterations of the reference (log)",
                y_desc: "time per run (log)",
                log_x: true,
                log_y: true,
                fit: true,
                skip_baseline: false,
                guides: Vec::new(),
                markers: Vec::new(),
                legend: Corner::UpperLeft,
            },
            Chart {
                title: format!(
                    "Time per inner iteration against maxiter ({} x {})",
                    sw.spec.width, sw.spec.height
                ),
                x: X::Value,
                y: Y::NanosPerInnerIteration,
                x_desc: "maxiter (log)",
                y_desc: "ns per inner iteration (log)",
                log_x: true,
                log_y: true,
                fit: false,
                skip_baseline: false,
                guides: Vec::new(),
                markers: Vec::new(),
                legend: Corner::MiddleRight,
            },
        ]
    }
}

/// What a variant's cost follows, read from its slopes against inner iterations (`f`) and
/// against pixels × maxiter (`other`): the work (slope near 1), or less than either, which is a
/// fixed cost per pixel on top of a cost per iteration (early iterations dearer than late ones),
/// or, for a variant that `skips` work whose answer it knows, what is left of the work.
fn follows(f: &Fit, other: Option<&Fit>, skips: bool) -> String {
    const NEAR: f64 = 0.05;
    if skips {
        return if f.slope < 1.0 - NEAR {
            format!(
                "it skips the work whose answer is known, so its cost grows far more slowly than \
                 the work (slope {:.2}, not 1): each tenfold maxiter costs it {:.1}× the time, \
                 the brute-force loop 10×; what still grows is the few pixels near the set's \
                 edge that neither the bulb test nor a repeated orbit decides",
                f.slope,
                10f64.powf(f.slope)
            )
        } else {
            format!(
                "it skips work, yet its cost grows like the work here (slope {:.2}): on this \
                 region few pixels are decided early",
                f.slope
            )
        };
    }
    if (f.slope - 1.0).abs() <= NEAR {
        return "its cost follows the inner iterations".into();
    }
    if let Some(g) = other.filter(|g| (g.slope - 1.0).abs() <= NEAR) {
        return format!(
            "its cost follows pixels × maxiter (slope {:.2} there), not the work",
            g.slope
        );
    }
    if f.slope < 1.0 {
        "its cost grows more slowly than the work: a fixed cost per pixel on top of one per \
         iteration, or early iterations dearer than late ones"
            .into()
    } else {
        "its cost grows faster than the work".into()
    }
}
