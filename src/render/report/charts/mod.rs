//! The report's charts, drawn with plotters as in-memory SVG (no system fonts needed): every
//! plotters call of the lab is under this folder, each figure set up by [`svg`] (the backend
//! into a string, the white background) and, for a chart with axes, [`frame`] (caption font,
//! margin, label areas). One file per figure: `bars.rs` (then and now), `sweep.rs` (every sweep's
//! figure), `limit.rs` (every variant against the limit), `codegen.rs` (the compiler-flag heat
//! map), `history.rs` (the history chart).
//!
//! Every axis range built from data goes through [`axis`] first. plotters spins for ever (or
//! panics) on a range it cannot divide into ticks: a log axis from 0 to 0, or whose ends' ratio
//! overflows (a median of 1e306 s beside one of 0.1 s), a linear axis of infinite width. The
//! loaders refuse such figures ([`crate::record::check::Check`]); [`axis`] is the second line of
//! defence, so that no input can make a chart hang: the range is clamped to one plotters can draw,
//! and the chart's caption says so.

use plotters::coord::Shift;
use plotters::prelude::*;

mod bars;
pub mod codegen;
pub mod history;
mod limit;
mod sweep;
pub(crate) mod ticks;

pub use bars::{Bar, group_bars, then_and_now};
pub use limit::{LimitBar, limit_chart};
pub use sweep::sweep_figure;

/// The most decades a log axis spans: beyond it, the low end is raised and what lies below is
/// drawn at the axis. Real figures span a few (the tutorial's 49 s to a GPU's 0.1 ms is six).
const MAX_DECADES: i32 = 15;
/// The largest magnitude an axis end may have: far beyond any figure, far below overflow.
const MAX_MAGNITUDE: f64 = 1e200;
/// Appended to a caption whose axis [`axis`] had to clamp.
const CLAMPED: &str = " (axis clamped: some values are off the scale)";

/// The drawing area every figure is drawn on.
type Root<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// An SVG document of `size` pixels: `draw` draws on a white background, and the document is
/// returned as a string (plotters' errors as text).
pub(crate) fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&Root<'_>) -> Result<(), String>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// A chart's frame on `root`: the caption in the figures' font, their margin, and the label areas
/// `(below, left)` in pixels.
pub(crate) fn frame<'a, 'b>(
    root: &'a Root<'b>,
    caption: &str,
    (x_labels, y_labels): (u32, u32),
) -> ChartBuilder<'a, 'static, SVGBackend<'b>> {
    let mut builder = ChartBuilder::on(root);
    builder
        .caption(caption, ("sans-serif", 20))
        .margin(MARGIN)
        .x_label_area_size(x_labels)
        .y_label_area_size(y_labels);
    builder
}

/// The margin [`frame`] leaves around a chart, and the height its caption takes, in pixels.
const MARGIN: u32 = 12;
const CAPTION: u32 = 30;

/// The plot's `(width, height)` in pixels inside a figure of `size` framed by [`frame`] with
/// label areas `(below, left)`, and `right` pixels kept free beside it: what the ticks of its
/// axes have to fit in.
pub(crate) fn plot_size(size: (u32, u32), (below, left): (u32, u32), right: u32) -> (f64, f64) {
    let w = size.0.saturating_sub(2 * MARGIN + left + right);
    let h = size.1.saturating_sub(2 * MARGIN + CAPTION + below);
    (f64::from(w.max(1)), f64::from(h.max(1)))
}

/// An axis range that plotters can draw, from the data's `lo` and `hi`, and whether it had to be
/// clamped. A log axis gets positive finite ends, `lo < hi`, at most [`MAX_DECADES`] apart; a
/// linear one finite ends, `lo < hi`, within [`MAX_MAGNITUDE`]. Values that are not numbers, and
/// for a log axis values that are not positive, are left out.
pub(crate) fn axis(lo: f64, hi: f64, log: bool) -> (f64, f64, bool) {
    let floor = if log {
        1.0 / MAX_MAGNITUDE
    } else {
        -MAX_MAGNITUDE
    };
    let usable = |v: f64| !v.is_nan() && (!log || v > 0.0);
    let clamp = |v: f64| v.clamp(floor, MAX_MAGNITUDE);
    let (lo0, hi0) = match (usable(lo), usable(hi)) {
        (true, true) => (lo.min(hi), lo.max(hi)),
        (true, false) => (lo, lo),
        (false, true) => (hi, hi),
        (false, false) => {
            return if log {
                (1.0, 10.0, false)
            } else {
                (0.0, 1.0, false)
            };
        }
    };
    let (mut lo, mut hi) = (clamp(lo0), clamp(hi0));
    let mut clamped = lo != lo0 || hi != hi0;
    if log {
        if hi <= lo {
            (lo, hi) = (lo / 10.0, hi * 10.0);
        }
        let span = 10f64.powi(MAX_DECADES);
        if hi / lo > span {
            lo = hi / span;
            clamped = true;
        }
    } else if hi <= lo {
        (lo, hi) = (lo - 0.5 * lo.abs().max(1.0), hi + 0.5 * hi.abs().max(1.0));
    }
    (lo, hi, clamped)
}

/// Finite values only: folds them to `(min, max)`, `(inf, -inf)` when there are none.
fn extent(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

const NOW: RGBColor = RGBColor(31, 119, 180);
/// Bars of results that used more than one core.
const MANY_CORES: RGBColor = RGBColor(255, 127, 14);
const THEN: RGBColor = RGBColor(190, 190, 190);
/// The tutorial's Python on this machine today.
const PYTHON: RGBColor = RGBColor(214, 175, 60);

/// The colours of a line chart's lines, in order.
const LINES: [RGBColor; 6] = [
    NOW,
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
];

/// Draws the chart's legend at `position`, boxed on a light background.
fn legend_at<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged,
    Y: Ranged,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font(("sans-serif", 14))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())
}

/// Draws each `(label, points)` as a line with a dot at every point, in the [`LINES`] colours,
/// then the legend (with whatever series the chart already has) at `legend`.
pub(crate) fn draw_lines<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    lines: impl Iterator<Item = (String, Vec<(f64, f64)>)>,
    legend: SeriesLabelPosition,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    for (i, (label, line)) in lines.enumerate() {
        let color = LINES[i % LINES.len()];
        chart
            .draw_series(LineSeries::new(line.clone(), color.stroke_width(2)))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
            });
        chart
            .draw_series(line.iter().map(|&p| Circle::new(p, 4, color.filled())))
            .map_err(err)?;
    }
    legend_at(chart, legend)
}

#[cfg(test)]
mod tests {
    use super::bars::{Bar, then_and_now};
    use super::*;

    #[test]
    fn a_chart_with_a_wide_range_uses_a_log_axis() {
        let bars = vec![
            Bar {
                label: "naive".into(),
                now: Some((0.7, 0.69, 0.72)),
                then: Some(49.0),
                python: Some(3.4),
            },
            Bar {
                label: "expanded".into(),
                now: Some((0.19, 0.18, 0.2)),
                then: Some(0.6),
                python: None,
            },
            Bar {
                label: "c-reference".into(),
                now: Some((0.19, 0.18, 0.21)),
                then: None,
                python: None,
            },
        ];
        let svg = then_and_now("Single-core loops", &bars).unwrap().unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        assert!(svg.contains("log scale"));
        assert!(svg.contains("c-reference") && svg.contains("tutorial, 2011"));
        assert!(svg.contains("Python today") && svg.contains("3.400 s"));
    }

    #[test]
    fn axes_from_extreme_data_are_drawable() {
        for (lo, hi) in [
            (0.0, 0.0),
            (1e-307, 1e306),
            (-1.0, -1.0),
            (f64::NAN, 1.0),
            (f64::NEG_INFINITY, f64::INFINITY),
            (5.0, 5.0),
            (1e-306, 1e-306),
        ] {
            for log in [true, false] {
                let (a, b, _) = axis(lo, hi, log);
                assert!(
                    a.is_finite() && b.is_finite() && a < b,
                    "{lo} {hi} {log}: {a} {b}"
                );
                if log {
                    assert!(a > 0.0 && b / a <= 1.0001e15, "{lo} {hi}: {a} {b}");
                }
            }
        }
        assert_eq!(
            axis(0.5, 2.0, true),
            (0.5, 2.0, false),
            "real data is left alone"
        );
    }

    #[test]
    fn a_huge_or_tiny_time_is_drawn_on_a_clamped_axis_without_hanging() {
        // plotters' log axis once spun for ever on a median of 1e306 s beside 0.1 s.
        let bar = |label: &str, median: f64| Bar {
            label: label.into(),
            now: Some((median, median, median)),
            then: None,
            python: None,
        };
        for extreme in [1e306, 1e-306, f64::MAX] {
            let bars = [bar("naive", 0.1), bar("broken", extreme)];
            let svg = then_and_now("Single-core loops", &bars).unwrap().unwrap();
            assert!(svg.contains("axis clamped"), "{extreme}");
            let limit = [
                LimitBar {
                    label: "naive".into(),
                    throughput: 1.0,
                    cores: 1,
                },
                LimitBar {
                    label: "broken".into(),
                    throughput: extreme,
                    cores: 1,
                },
            ];
            assert!(limit_chart(&limit, 5.0, 2).unwrap().is_some());
        }
    }

    #[test]
    fn nothing_to_draw_gives_no_chart() {
        let bars = vec![Bar {
            label: "cuda".into(),
            now: None,
            then: None,
            python: None,
        }];
        assert_eq!(then_and_now("GPU", &bars).unwrap(), None);
    }
}
