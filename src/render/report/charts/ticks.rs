//! Where an axis is labelled: ticks chosen by the space their labels take, so that no two labels
//! ever overlap. plotters' own choice counts labels, not their width, and a log axis gets a label
//! at every mantissa it has room for by count: the shortcuts' chart once printed its 5–10 ms and
//! 50–70 ms labels on top of each other, over a grey band of minor grid lines.
//!
//! Every chart hands its axes' ticks to plotters as key points (`with_key_points`), which also
//! leaves out the minor grid lines: a line is drawn at a label, and only there.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::{IntoLogRange, LogCoord};

/// The size of tick labels as given to plotters (which draws text at 1/1.24 of it in SVG).
pub(crate) const TICK_FONT: u32 = 15;

/// The pixel size plotters writes into the SVG for [`TICK_FONT`].
const TICK_PX: f64 = TICK_FONT as f64 / 1.24;
/// A generous width of one character of a sans-serif font, in font sizes: a label's estimated
/// width errs on the wide side, so a label that fits here fits in a browser.
const CHAR_WIDTH: f64 = 0.6;
/// Pixels kept free between two neighbouring labels.
const GAP: f64 = 10.0;
/// At most this many labels on one axis: beyond it a figure reads as a scale, not as values.
const MAX_TICKS: usize = 12;

/// One axis of a figure: its range, scale and length on screen.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    /// The plot's length along the axis, in pixels.
    pub pixels: f64,
    /// Labels sit side by side (a horizontal axis) or one above the other (a vertical one).
    pub horizontal: bool,
}

/// The ticks of `span`, labelled by `label`: on a log axis the decades with 2 and 5 between them
/// where they fit, else the decades alone, else every second or third decade, with every whole
/// mantissa on an axis narrower than a decade or two; on a linear axis the finest step of 1, 2 or
/// 5 times a power of ten whose labels fit. Never two labels that overlap or read the same.
pub(crate) fn ticks(span: Span, label: &dyn Fn(f64) -> String) -> Vec<f64> {
    let Span { lo, hi, log, .. } = span;
    if !(lo.is_finite() && hi.is_finite() && lo < hi) || (log && lo <= 0.0) {
        return Vec::new();
    }
    let candidates = if log {
        log_candidates(lo, hi)
    } else {
        linear_candidates(lo, hi)
    };
    candidates
        .into_iter()
        .find(|t| t.len() <= MAX_TICKS && fit(span, t, label))
        .unwrap_or_default()
}

/// An axis labelled at its ticks only, with no minor grid lines: plotters' `with_key_points` on a
/// linear axis loses the axis's label formatter, which this keeps.
pub(crate) struct Keyed<R> {
    inner: R,
    keys: Vec<f64>,
}

/// A linear axis from `lo` to `hi` labelled at `keys`.
pub(crate) fn linear(lo: f64, hi: f64, keys: Vec<f64>) -> Keyed<RangedCoordf64> {
    Keyed {
        inner: (lo..hi).into(),
        keys,
    }
}

/// A log axis from `lo` to `hi` labelled at `keys`.
pub(crate) fn log(lo: f64, hi: f64, keys: Vec<f64>) -> Keyed<LogCoord<f64>> {
    Keyed {
        inner: (lo..hi).log_scale().into(),
        keys,
    }
}

impl<R: Ranged<ValueType = f64>> Ranged for Keyed<R> {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        match hint.weight().allow_light_points() {
            true => Vec::new(),
            false => self.keys.clone(),
        }
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> Range<i32> {
        self.inner.axis_pixel_range(limit)
    }
}

/// Whether the labels of `ticks` keep clear of one another along `span`, and differ.
pub(crate) fn fit(span: Span, ticks: &[f64], label: &dyn Fn(f64) -> String) -> bool {
    let at = |v: f64| {
        let f = if span.log {
            (v.ln() - span.lo.ln()) / (span.hi.ln() - span.lo.ln())
        } else {
            (v - span.lo) / (span.hi - span.lo)
        };
        f * span.pixels
    };
    let labels: Vec<String> = ticks.iter().map(|&v| label(v)).collect();
    let size = |text: &str| match span.horizontal {
        true => text.chars().count() as f64 * CHAR_WIDTH * TICK_PX,
        false => TICK_PX,
    };
    // A label the formatter leaves empty is a value the axis does not show (half a thread).
    let distinct = labels
        .iter()
        .enumerate()
        .all(|(i, l)| !l.is_empty() && !labels[..i].contains(l));
    distinct
        && ticks
            .windows(2)
            .zip(labels.windows(2))
            .all(|(v, l)| (at(v[1]) - at(v[0])).abs() >= (size(&l[0]) + size(&l[1])) / 2.0 + GAP)
}

/// A log axis's tick sets, densest first.
fn log_candidates(lo: f64, hi: f64) -> Vec<Vec<f64>> {
    let within = |mantissas: &[f64], every: i32| -> Vec<f64> {
        let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
        (first..=last)
            .filter(|k| k.rem_euclid(every) == 0)
            .flat_map(|k| mantissas.iter().map(move |m| snap(m * 10f64.powi(k))))
            .filter(|v| (lo..=hi).contains(v))
            .collect()
    };
    let mut sets = Vec::new();
    if hi / lo < 100.0 {
        // Narrow: every whole mantissa reads better than a lone decade.
        sets.push(within(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], 1));
        sets.push(within(&[1.0, 2.0, 3.0, 5.0], 1));
    }
    sets.push(within(&[1.0, 2.0, 5.0], 1));
    sets.push(within(&[1.0], 1));
    sets.extend((2..=5).map(|every| within(&[1.0], every)));
    // Too narrow for two of any of those (2.5 to 4.5): a linear step inside it.
    sets.retain(|s| s.len() >= 2);
    sets.extend(linear_candidates(lo, hi));
    sets
}

/// A linear axis's tick sets, finest first: multiples of 1, 2 and 5 times each power of ten.
fn linear_candidates(lo: f64, hi: f64) -> Vec<Vec<f64>> {
    let width = hi - lo;
    let top = width.log10().ceil() as i32;
    let mut sets = Vec::new();
    for e in (top - 3)..=(top + 1) {
        for m in [1.0, 2.0, 5.0] {
            let step = m * 10f64.powi(e);
            let first = (lo / step).ceil() as i64;
            let last = (hi / step).floor() as i64;
            if last - first > 200 {
                continue;
            }
            // Multiples of the step, rounded to it so that 0.1 + 0.2 reads 0.3.
            let set: Vec<f64> = (first..=last).map(|k| snap(k as f64 * step)).collect();
            if !set.is_empty() {
                sets.push(set);
            }
        }
    }
    sets
}

/// `v` to eleven significant digits: `0.30000000000000004` is the tick 0.3.
fn snap(v: f64) -> f64 {
    format!("{v:.10e}").parse().unwrap_or(v)
}

/// A number as a tick shows it: no more digits than it needs (`0.25`, `3`, `1500`).
pub(crate) fn plain(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !(1e-3..1e7).contains(&v.abs()) {
        return format!("{v:e}");
    }
    let text = format!("{v:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// Seconds as a tick shows them, in the unit that suits each (`500 µs`, `5 ms`, `1.5 s`): the
/// axis says "time", and each label its unit.
pub(crate) fn seconds(v: f64) -> String {
    let (x, unit) = match v.abs() {
        0.0 => return "0".into(),
        a if a >= 1.0 => (v, "s"),
        a if a >= 1e-3 => (v * 1e3, "ms"),
        a if a >= 1e-6 => (v * 1e6, "µs"),
        _ => (v * 1e9, "ns"),
    };
    format!("{} {unit}", plain(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lo: f64, hi: f64, log: bool) -> Span {
        Span {
            lo,
            hi,
            log,
            pixels: 700.0,
            horizontal: true,
        }
    }

    #[test]
    fn a_log_axis_labels_decades_and_mantissas_that_fit() {
        assert_eq!(
            ticks(span(0.13, 7.0, true), &plain),
            [0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0]
        );
        assert_eq!(
            ticks(span(90.0, 15_000.0, true), &plain),
            [100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4]
        );
        assert_eq!(ticks(span(2.5, 4.5, true), &plain), [3.0, 4.0]);
        // Twelve decades in 300 pixels: every second or third decade.
        let wide = Span {
            pixels: 300.0,
            ..span(1e-9, 1e3, true)
        };
        let t = ticks(wide, &seconds);
        assert!(t.len() >= 3 && t.len() < 12, "{t:?}");
        assert!(ticks(span(0.0, 1.0, true), &plain).is_empty());
        assert!(ticks(span(f64::NAN, 1.0, true), &plain).is_empty());
    }

    #[test]
    fn milliseconds_on_a_log_axis_never_crowd() {
        // The shortcuts' chart: 3 ms to 80 ms in 600 pixels.
        let t = ticks(
            Span {
                pixels: 600.0,
                ..span(3e-3, 8e-2, true)
            },
            &seconds,
        );
        assert!(t.contains(&0.01) && !t.contains(&0.006), "{t:?}");
        let labels: Vec<String> = t.iter().map(|&v| seconds(v)).collect();
        assert!(labels.contains(&"10 ms".to_string()), "{labels:?}");
    }

    #[test]
    fn a_linear_axis_takes_the_finest_step_that_fits_and_never_repeats_a_label() {
        assert_eq!(
            ticks(span(-0.3, 1.3, false), &plain),
            [-0.2, 0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2]
        );
        let narrow = Span {
            pixels: 120.0,
            ..span(0.0, 0.16, false)
        };
        assert_eq!(ticks(narrow, &seconds), [0.0, 0.1]);
        let vertical = Span {
            horizontal: false,
            pixels: 300.0,
            ..span(0.95, 1.05, false)
        };
        let t = ticks(vertical, &plain);
        assert!(t.len() >= 3 && t.len() <= 12, "{t:?}");
    }

    #[test]
    fn ticks_are_written_with_the_digits_they_need_and_their_unit() {
        assert_eq!(plain(0.30000000000000004), "0.3");
        assert_eq!(plain(-0.0), "0");
        assert_eq!(plain(1500.0), "1500");
        assert_eq!(seconds(0.005), "5 ms");
        assert_eq!(seconds(1.5), "1.5 s");
        assert_eq!(seconds(2e-4), "200 µs");
    }
}
