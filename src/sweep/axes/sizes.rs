//! Grid size (the tutorial's GPU lesson): chosen variants on square grids of growing size, each
//! against a CPU baseline measured at the same size in the same sweep. A GPU pays a fixed price
//! per run (launches, transfers) that a large grid amortises, so its speed-up over the CPU grows
//! with the grid; and every kernel's time against pixels is fitted, as for maxiter.

use std::ops::RangeInclusive;

use mandel_variants::{Family, SweepAxis, Tuning, Variant};

use crate::GridSpec;
use crate::sweep::{Axis, Baseline, Chart, Corner, Sweep, X, Y};

/// The variant every size is compared with (the registry's [`SweepAxis::Sizes`] baseline,
/// `rayon-rows`).
fn baseline() -> &'static str {
    mandel_variants::sweep_baseline(SweepAxis::Sizes).map_or("", |v| v.name)
}

/// The largest side accepted; a grid the memory cannot hold is refused before measuring too.
const MAX_SIDE: usize = 1 << 16;

pub struct Sizes;

impl Axis for Sizes {
    fn name(&self) -> &'static str {
        "sizes"
    }

    fn about(&self) -> &'static str {
        "variants against square grid size, each against rayon-rows at the same size: the GPU figure"
    }

    fn noun(&self) -> &'static str {
        "grid side"
    }

    fn range(&self, _: &GridSpec) -> RangeInclusive<usize> {
        1..=MAX_SIDE
    }

    /// The tutorial's 500, then larger grids (add 4096 on a GPU machine).
    fn default_values(&self, _: &GridSpec, quick: bool) -> Vec<usize> {
        match quick {
            true => vec![250, 500, 1000],
            false => vec![500, 1000, 2048],
        }
    }

    fn quick_maxiter(&self) -> Option<u32> {
        Some(300)
    }

    fn sets(&self) -> &'static [&'static str] {
        &["--width", "--height"]
    }

    fn registry_axis(&self) -> SweepAxis {
        SweepAxis::Sizes
    }

    fn baseline(&self) -> Baseline {
        mandel_variants::sweep_baseline(SweepAxis::Sizes)
            .map_or(Baseline::None, Baseline::EachValue)
    }

    fn setup(&self, spec: &GridSpec, value: usize, _: &Variant) -> (GridSpec, Tuning) {
        let spec = GridSpec {
            width: value,
            height: value,
            ..*spec
        };
        (spec, Tuning::default())
    }

    fn label(&self, _: &str, value: usize) -> String {
        format!("{value} x {value}")
    }

    fn fit_work(&self) -> &'static [(&'static str, X)] {
        &[("pixels", X::Pixels)]
    }

    fn family(&self) -> Option<Family> {
        Some(Family::Gpu)
    }

    fn heading(&self) -> (&'static str, &'static str) {
        ("sizes", "Speed-up against grid size")
    }

    fn intro(&self, sw: &Sweep) -> String {
        format!(
            "Each variant against {} (every core of this CPU) measured at the same size in the \
             same run, maxiter {} (criterion, {} samples each). A GPU pays a fixed price per run, \
             launches and transfers, that larger grids amortise. The second figure fits each \
             variant's time against pixels on log-log axes: a slope of 1.0 means time grows \
             with the pixels, below 1.0 a fixed cost is being amortised.",
            sw.baseline.as_deref().unwrap_or(baseline()),
            sw.spec.maxiter,
            sw.settings.samples,
        )
    }

    fn charts(&self, sw: &Sweep) -> Vec<Chart> {
        let base = sw.baseline.clone().unwrap_or_else(|| baseline().into());
        let (lo, hi) = sw
            .points
            .iter()
            .fold((f64::INFINITY, 0.0_f64), |(lo, hi), p| {
                (lo.min(p.pixels as f64), hi.max(p.pixels as f64))
            });
        let mut charts = Vec::new();
        if sw
            .points
            .iter()
            .any(|p| p.variant != base && p.speedup.is_some())
        {
            charts.push(Chart {
                title: format!(
                    "Speed-up over {base} against grid size (maxiter {})",
                    sw.spec.maxiter
                ),
                x: X::Pixels,
                y: Y::Speedup,
                x_desc: "pixels (log)",
                y_desc: "speed-up",
                log_x: true,
                log_y: false,
                fit: false,
                skip_baseline: true,
                guides: vec![(
                    format!("{base} (baseline)"),
                    vec![(lo / 1.5, 1.0), (hi * 1.5, 1.0)],
                )],
                markers: Vec::new(),
                legend: Corner::UpperLeft,
            });
        }
        charts.push(Chart {
            title: format!(
                "Time against pixels, log-log, with fitted slopes (maxiter {})",
                sw.spec.maxiter
            ),
            x: X::Pixels,
            y: Y::Seconds,
            x_desc: "pixels (log)",
            y_desc: "time per run (log)",
            log_x: true,
            log_y: true,
            fit: true,
            skip_baseline: false,
            guides: Vec::new(),
            markers: Vec::new(),
            legend: Corner::UpperLeft,
        });
        charts
    }
}
