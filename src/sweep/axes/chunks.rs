//! Chunk size (the tutorial's STEP_SIZE figure): `vector-chunked` at each slice size, with the
//! working set per slice set against the machine's caches.

use std::ops::RangeInclusive;

use mandel_variants::{Family, SweepAxis, Tuning, Variant};

use crate::record::units::human_size;
use crate::sweep::{Axis, Best, Chart, Corner, Detail, Point, Sweep, X, Y};
use crate::{GridSpec, LabError, tutorial};

/// Bytes a slice touches per element: z and q (four f64), the escape mask (one byte) and the
/// output count (four bytes).
pub const BYTES_PER_ELEMENT: u64 = 4 * 8 + 1 + 4;

pub struct Chunks;

impl Axis for Chunks {
    fn name(&self) -> &'static str {
        "chunks"
    }

    fn about(&self) -> &'static str {
        "vector-chunked at each chunk size: the tutorial's STEP_SIZE (cache) figure"
    }

    fn noun(&self) -> &'static str {
        "chunk size"
    }

    fn range(&self, spec: &GridSpec) -> RangeInclusive<usize> {
        1..=spec.build().map_or(usize::MAX, |g| g.pixels())
    }

    /// The tutorial's sizes (100 to 90,000) and the whole grid; without `quick`, four log-spaced
    /// sizes per decade between them too. All capped at the grid's pixels.
    fn default_values(&self, spec: &GridSpec, quick: bool) -> Vec<usize> {
        let pixels = *self.range(spec).end();
        let mut sizes: Vec<usize> = tutorial::STEP_SIZE_SWEEP
            .iter()
            .map(|(n, _)| (*n).min(pixels))
            .collect();
        let mut v = 100.0_f64;
        while !quick && (v as usize) < pixels {
            sizes.push(round_2sf(v));
            v *= 10f64.powf(0.25);
        }
        sizes.push(pixels);
        sizes.retain(|&n| n >= 1 && n <= pixels);
        sizes.sort_unstable();
        sizes.dedup();
        sizes
    }

    fn quick_maxiter(&self) -> Option<u32> {
        Some(100)
    }

    fn registry_axis(&self) -> SweepAxis {
        SweepAxis::Chunks
    }

    fn check_variant(&self, variant: &Variant) -> Result<(), LabError> {
        match variant.knobs.contains(&mandel_variants::Knob::Chunk) {
            true => Ok(()),
            false => Err(LabError::bad_input(format!(
                "sweep chunks: variant {} does not take --chunk",
                variant.name
            ))),
        }
    }

    fn setup(&self, spec: &GridSpec, value: usize, _: &Variant) -> (GridSpec, Tuning) {
        let tuning = Tuning {
            chunk: Some(value),
            ..Tuning::default()
        };
        (*spec, tuning)
    }

    fn label(&self, _: &str, value: usize) -> String {
        format!("chunk {value}")
    }

    fn detail(&self) -> Option<Detail> {
        Some(("working set", |_, p| {
            human_size(p.value as u64 * BYTES_PER_ELEMENT)
        }))
    }

    fn family(&self) -> Option<Family> {
        Some(Family::Vector)
    }

    fn heading(&self) -> (&'static str, &'static str) {
        ("sweep", "Chunk size and the caches")
    }

    fn intro(&self, sw: &Sweep) -> String {
        format!(
            "{} measured at {} chunk sizes on {} (criterion, {} samples each). \
             A chunk of N elements touches {BYTES_PER_ELEMENT} bytes per element (z and q as \
             four f64, the escape mask, the output), so the vertical lines mark the sizes whose \
             working set fills each cache. Both curves are normalised to their own best.",
            sw.variants().join(", "),
            sw.points.len(),
            sw.spec,
            sw.settings.samples,
        )
    }

    /// "best at 20000 elements = 723 KiB working set, inside L2 (1 MiB); ..." where the fastest
    /// size beats every other beyond their spread; else "no clear best", with the sizes within it.
    fn reading(&self, sw: &Sweep) -> Option<String> {
        let fastest = sw.fastest()?;
        let ws = fastest.value as u64 * BYTES_PER_ELEMENT;
        let level = sw
            .machine
            .caches
            .iter()
            .filter(|c| c.bytes >= ws)
            .min_by_key(|c| c.bytes)
            .map_or("larger than every cache".to_string(), |c| {
                format!("inside {} ({})", c.name, human_size(c.bytes))
            });
        let worst = sw
            .points
            .iter()
            .filter(|p| p.timing.is_some())
            .max_by(|a, b| a.median().unwrap().total_cmp(&b.median().unwrap()))?;
        let several = sw.variants().len() > 1;
        let size = |p: &Point| match several {
            true => format!("{} at {}", p.variant, p.value),
            false => p.value.to_string(),
        };
        let best = match sw.best()? {
            Best::Clear(_) => format!("best at {} elements", size(fastest)),
            Best::Tied(points) => format!(
                "no clear best: {} elements are within one another's spread; the fastest median \
                 is at {} elements",
                crate::sweep::and_list(points.iter().map(|p| size(p))),
                size(fastest)
            ),
        };
        Some(format!(
            "{best} = {} working set, {level}; {:.2}x faster than the slowest size ({} elements)",
            human_size(ws),
            worst.median()? / fastest.median()?,
            size(worst)
        ))
    }

    fn charts(&self, sw: &Sweep) -> Vec<Chart> {
        let tutorial_best = tutorial::STEP_SIZE_SWEEP
            .iter()
            .map(|(_, s)| *s)
            .fold(f64::INFINITY, f64::min);
        let then = tutorial::STEP_SIZE_SWEEP
            .iter()
            .map(|(n, s)| (*n as f64, s / tutorial_best))
            .collect();
        vec![Chart {
            title: format!(
                "{}: time against chunk size ({})",
                sw.variants().join(", "),
                sw.spec
            ),
            x: X::Value,
            y: Y::RelativeToBest,
            x_desc: "chunk size (elements, log scale)",
            y_desc: "time / best time",
            log_x: true,
            log_y: false,
            fit: false,
            skip_baseline: false,
            guides: vec![("tutorial, 2011 laptop (numpy)".into(), then)],
            markers: sw
                .machine
                .caches
                .iter()
                .map(|c| {
                    (
                        c.bytes as f64 / BYTES_PER_ELEMENT as f64,
                        format!("{} full", c.name),
                    )
                })
                .collect(),
            legend: Corner::UpperRight,
        }]
    }
}

fn round_2sf(v: f64) -> usize {
    let mag = 10f64.powf(v.log10().floor() - 1.0);
    ((v / mag).round() * mag) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_sizes_hold_the_tutorials_and_the_whole_grid() {
        let sizes = Chunks.default_values(&GridSpec::TUTORIAL, false);
        let pixels = *Chunks.range(&GridSpec::TUTORIAL).end();
        for n in [100, 1000, 5000, 10000, 20000, 45000, 50000, 90000, pixels] {
            assert!(sizes.contains(&n), "{n} in {sizes:?}");
        }
        assert!(sizes.windows(2).all(|w| w[0] < w[1]));
        assert!(Chunks.default_values(&GridSpec::TUTORIAL, true).len() < sizes.len());
    }
}
