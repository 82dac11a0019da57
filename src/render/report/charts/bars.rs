//! The then-and-now bars of each family: the tutorial's 2011 seconds, Python today and ours.

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    CLAMPED, NOW, PYTHON, Root, THEN, axis, extent, frame, legend_at, plot_size, svg, ticks,
};
use crate::record::units::format_seconds;
use crate::render::export::Group;

/// Bars span a log axis once the slowest is this many times the fastest.
const LOG_SCALE_RATIO: f64 = 20.0;

/// One category of a bar chart: the tutorial's 2011 figure, the same technique in Python on this
/// machine today, and our median with its range.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// (median, min, max) seconds on this machine.
    pub now: Option<(f64, f64, f64)>,
    /// The tutorial's seconds.
    pub then: Option<f64>,
    /// Python's median seconds on this machine today (`reports/peers.json`).
    pub python: Option<f64>,
}

/// The bars of one group: every variant that ran or that the tutorial timed.
pub fn group_bars(group: &Group) -> Vec<Bar> {
    group
        .rows
        .iter()
        .filter(|r| r.median.is_some() || r.tutorial_seconds.is_some() || r.python_today.is_some())
        .map(|r| Bar {
            label: r.label(),
            now: r
                .median
                .map(|m| (m, r.min.unwrap_or(m), r.max.unwrap_or(m))),
            then: r.tutorial_seconds,
            python: r.python_today,
        })
        .collect()
}

/// A horizontal bar chart of seconds, ours beside the tutorial's, as an SVG document.
/// Returns `None` when there is nothing to draw.
pub fn then_and_now(title: &str, bars: &[Bar]) -> Result<Option<String>, String> {
    let values: Vec<f64> = bars
        .iter()
        .flat_map(|b| [b.now.map(|n| n.1), b.now.map(|n| n.2), b.then, b.python])
        .flatten()
        .filter(|v| *v > 0.0 && v.is_finite())
        .collect();
    if values.is_empty() {
        return Ok(None);
    }
    let (lo, hi) = extent(values);
    let height = 130 + 62 * (bars.len().min(10_000) as u32 + 1);
    let size = (900, height);
    let (plot_w, _) = plot_size(size, LABELS, 0);
    svg(size, |root| {
        let log = hi / lo > LOG_SCALE_RATIO;
        let (x0, x1, clamped) = match log {
            true => axis(lo / 2.0, hi * 2.0, true),
            false => axis(0.0, hi * 1.15, false),
        };
        let caption = format!(
            "{title}: time per run{}{}",
            if log { " (log scale)" } else { "" },
            if clamped { CLAMPED } else { "" }
        );
        let span = ticks::Span {
            lo: x0,
            hi: x1,
            log,
            pixels: plot_w,
            horizontal: true,
        };
        let keys = ticks::ticks(span, &ticks::seconds);
        if log {
            draw_bars(root, &caption, ticks::log(x0, x1, keys), x0, bars)
        } else {
            draw_bars(root, &caption, ticks::linear(x0, x1, keys), x0, bars)
        }
    })
    .map(Some)
}

/// The label areas of the bar charts: `(below, left)`.
const LABELS: (u32, u32) = (44, 170);

fn draw_bars<X>(root: &Root<'_>, caption: &str, x: X, x0: f64, bars: &[Bar]) -> Result<(), String>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let n = bars.len() as f64;
    let mut chart = frame(root, caption, LABELS)
        .build_cartesian_2d(x, 0.0..n + 1.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc("time per run")
        .label_style(("sans-serif", ticks::TICK_FONT))
        .axis_desc_style(("sans-serif", ticks::TICK_FONT))
        .x_label_formatter(&|v| ticks::seconds(*v))
        .draw()
        .map_err(err)?;
    // Category i is drawn top-down: row 0 at the top of the plot. The bottom slot stays empty
    // for the legend, so it never covers a bar.
    let slot = |i: usize| n - i as f64;
    let then = chart
        .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let then = b.then?;
            Some(Rectangle::new(
                [(x0, slot(i) + 0.10), (then, slot(i) + 0.34)],
                THEN.filled(),
            ))
        }))
        .map_err(err)?;
    if bars.iter().any(|b| b.then.is_some()) {
        then.label("tutorial, 2011 (2008 laptop, Python 2.7)")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], THEN.filled()));
    }
    let python = chart
        .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let python = b.python?;
            Some(Rectangle::new(
                [(x0, slot(i) + 0.38), (python, slot(i) + 0.62)],
                PYTHON.filled(),
            ))
        }))
        .map_err(err)?;
    if bars.iter().any(|b| b.python.is_some()) {
        python
            .label("Python today, this machine (median)")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], PYTHON.filled()));
    }
    let now = chart
        .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let (median, _, _) = b.now?;
            Some(Rectangle::new(
                [(x0, slot(i) + 0.66), (median, slot(i) + 0.90)],
                NOW.filled(),
            ))
        }))
        .map_err(err)?;
    if bars.iter().any(|b| b.now.is_some()) {
        now.label("Rust, this machine (median, whisker: min to max)")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], NOW.filled()));
    }
    chart
        .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let (_, min, max) = b.now?;
            Some(PathElement::new(
                vec![(min, slot(i) + 0.78), (max, slot(i) + 0.78)],
                BLACK.stroke_width(2),
            ))
        }))
        .map_err(err)?;
    label_bars(root, &chart, bars, x0)?;
    legend_at(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

/// Each bar's name left of the plot, and each of its values just past the end of its bar or
/// whisker.
fn label_bars<X, Y>(
    root: &Root<'_>,
    chart: &ChartContext<'_, SVGBackend<'_>, Cartesian2d<X, Y>>,
    bars: &[Bar],
    x0: f64,
) -> Result<(), String>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let n = bars.len() as f64;
    let slot = |i: usize| n - i as f64;
    let value_style = ("sans-serif", 13).into_font().color(&BLACK);
    for (i, b) in bars.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(x0, slot(i) + 0.5));
        let label_style = ("sans-serif", 15)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        root.draw(&Text::new(b.label.clone(), (px - 8, py), label_style))
            .map_err(err)?;
        // Each value is written just past the end of its bar or whisker.
        let annotate = |value: f64, at: f64, y: f64| {
            let (tx, ty) = chart.backend_coord(&(at, y));
            root.draw(&Text::new(
                format_seconds(value),
                (tx + 6, ty - 7),
                value_style.clone(),
            ))
        };
        if let Some((median, _, max)) = b.now {
            annotate(median, median.max(max), slot(i) + 0.78).map_err(err)?;
        }
        if let Some(python) = b.python {
            annotate(python, python, slot(i) + 0.50).map_err(err)?;
        }
        if let Some(then) = b.then {
            annotate(then, then, slot(i) + 0.22).map_err(err)?;
        }
    }
    Ok(())
}
