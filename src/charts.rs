//! The report's charts, drawn with plotters as in-memory SVG (no system fonts needed).
//!
//! Every axis range built from data goes through [`axis`] first. plotters spins for ever (or
//! panics) on a range it cannot divide into ticks: a log axis from 0 to 0, or whose ends' ratio
//! overflows (a median of 1e306 s beside one of 0.1 s), a linear axis of infinite width. The
//! loaders refuse such figures ([`crate::results::Check`]); [`axis`] is the second line of
//! defence, so that no input can make a chart hang: the range is clamped to one plotters can draw,
//! and the chart's caption says so.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::export::{Group, format_seconds};

/// Bars span a log axis once the slowest is this many times the fastest.
const LOG_SCALE_RATIO: f64 = 20.0;

/// The most decades a log axis spans: beyond it, the low end is raised and what lies below is
/// drawn at the axis. Real figures span a few (the tutorial's 49 s to a GPU's 0.1 ms is six).
const MAX_DECADES: i32 = 15;
/// The largest magnitude an axis end may have: far beyond any figure, far below overflow.
const MAX_MAGNITUDE: f64 = 1e200;
/// Appended to a caption whose axis [`axis`] had to clamp.
const CLAMPED: &str = " (axis clamped: some values are off the scale)";

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
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let log = hi / lo > LOG_SCALE_RATIO;
        let (x0, x1, clamped) = match log {
            true => axis(lo / 2.0, hi * 2.0, true),
            false => axis(0.0, hi * 1.15, false),
        };
        let caption = format!(
            "{title}: seconds per run{}{}",
            if log { " (log scale)" } else { "" },
            if clamped { CLAMPED } else { "" }
        );
        if log {
            draw_bars(&root, &caption, (x0..x1).log_scale(), x0, bars)?;
        } else {
            draw_bars(&root, &caption, x0..x1, x0, bars)?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(Some(svg))
}

fn draw_bars<X>(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    caption: &str,
    x: X,
    x0: f64,
    bars: &[Bar],
) -> Result<(), String>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let n = bars.len() as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(170)
        .build_cartesian_2d(x, 0.0..n + 1.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc("seconds")
        .x_label_formatter(&|v| format_seconds(*v))
        .draw()
        .map_err(err)?;
    // Category i is drawn top-down: row 0 at the top of the plot. The bottom slot stays empty
    // for the legend, so it never covers a bar.
    let slot = |i: usize| n - i as f64;
    chart
        .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let then = b.then?;
            Some(Rectangle::new(
                [(x0, slot(i) + 0.10), (then, slot(i) + 0.34)],
                THEN.filled(),
            ))
        }))
        .map_err(err)?
        .label("tutorial, 2011 (2008 laptop, Python 2.7)")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], THEN.filled()));
    chart
        .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let python = b.python?;
            Some(Rectangle::new(
                [(x0, slot(i) + 0.38), (python, slot(i) + 0.62)],
                PYTHON.filled(),
            ))
        }))
        .map_err(err)?
        .label("Python today, this machine (median)")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], PYTHON.filled()));
    chart
        .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let (median, _, _) = b.now?;
            Some(Rectangle::new(
                [(x0, slot(i) + 0.66), (median, slot(i) + 0.90)],
                NOW.filled(),
            ))
        }))
        .map_err(err)?
        .label("Rust, this machine (median, whisker: min to max)")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], NOW.filled()));
    chart
        .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let (_, min, max) = b.now?;
            Some(PathElement::new(
                vec![(min, slot(i) + 0.78), (max, slot(i) + 0.78)],
                BLACK.stroke_width(2),
            ))
        }))
        .map_err(err)?;
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
    legend_at(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

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

/// Every sweep's figure: each variant's points along the axis (whiskers from min to max where the
/// vertical axis is time), the chart's grey guides and markers, and, where the chart fits, each
/// variant's least-squares line with its slope and R² in the legend. `None` when nothing was
/// timed.
pub fn sweep_figure(
    sweep: &crate::sweep::Sweep,
    chart: &crate::sweep::Chart,
) -> Result<Option<String>, String> {
    use crate::sweep::Y;
    let lines: Vec<SweepLine> = sweep
        .variants()
        .into_iter()
        .filter(|v| !(chart.skip_baseline && sweep.baseline.as_deref() == Some(*v)))
        .filter_map(|v| {
            let pts: Vec<_> = sweep.points.iter().filter(|p| p.variant == v).collect();
            let best = pts
                .iter()
                .filter_map(|p| p.median())
                .fold(f64::INFINITY, f64::min);
            let points: Vec<(f64, f64, f64, f64)> = pts
                .iter()
                .filter_map(|p| {
                    let t = p.timing.as_ref()?;
                    let x = p.x(chart.x);
                    Some(match chart.y {
                        Y::Seconds => (x, t.median, t.min, t.max),
                        Y::RelativeToBest => (x, t.median / best, t.min / best, t.max / best),
                        Y::NanosPerInnerIteration => {
                            let per = 1e9 / p.inner_iterations.max(1) as f64;
                            (x, t.median * per, t.min * per, t.max * per)
                        }
                        Y::Speedup => {
                            let s = p.speedup?;
                            (x, s, s, s)
                        }
                    })
                })
                .collect();
            let fit = chart
                .fit
                .then(|| {
                    let xy: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.1)).collect();
                    crate::sweep::Fit::log_log(v, &xy)
                })
                .flatten();
            let label = match &fit {
                Some(f) => format!("{v}: {}", f.summary()),
                None => v.to_string(),
            };
            (!points.is_empty()).then_some(SweepLine { label, points, fit })
        })
        .collect();
    if lines.is_empty() {
        return Ok(None);
    }
    let xs = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .chain(chart.guides.iter().flat_map(|g| g.1.iter().map(|p| p.0)));
    let (x_lo, x_hi) = extent(xs.filter(|x| !chart.log_x || *x > 0.0));
    let ys = lines
        .iter()
        .flat_map(|l| l.points.iter().flat_map(|p| [p.2, p.3]))
        .chain(chart.guides.iter().flat_map(|g| g.1.iter().map(|p| p.1)));
    let (y_lo, y_hi) = extent(ys.filter(|y| !chart.log_y || *y > 0.0));
    let (x0, x1, x_clamped) = match chart.log_x {
        true => axis(x_lo / 1.5, x_hi * 1.5, true),
        false => axis(x_lo - 0.5, x_hi + 0.5, false),
    };
    let (y0, y1, y_clamped) = match (chart.log_y, chart.y) {
        (true, _) => axis(y_lo / 1.5, y_hi * 1.5, true),
        (false, Y::RelativeToBest) => axis(0.9, y_hi.max(1.0) * 1.1, false),
        (false, _) => axis(0.0, y_hi * 1.2, false),
    };
    let clamped_chart;
    let chart = if x_clamped || y_clamped {
        clamped_chart = crate::sweep::Chart {
            title: format!("{}{CLAMPED}", chart.title),
            ..chart.clone()
        };
        &clamped_chart
    } else {
        chart
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        // Log axes are labelled at 1, 2 and 5 of every decade they span (plotters' own labels
        // start at the first power of ten, leaving a range such as 0.15 to 5 ns half bare).
        let log = |lo: f64, hi: f64| (lo..hi).log_scale().with_key_points(log_labels(lo, hi));
        match (chart.log_x, chart.log_y) {
            (true, true) => draw_sweep(&root, chart, &lines, log(x0, x1), log(y0, y1)),
            (true, false) => draw_sweep(&root, chart, &lines, log(x0, x1), y0..y1),
            (false, true) => draw_sweep(&root, chart, &lines, x0..x1, log(y0, y1)),
            (false, false) => draw_sweep(&root, chart, &lines, x0..x1, y0..y1),
        }?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(Some(svg))
}

/// Labels for a log axis from `lo` to `hi`: 1, 2 and 5 times each power of ten inside it, or every
/// whole multiple where the range is too narrow for three of those.
fn log_labels(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let within = |multiples: &[f64]| -> Vec<f64> {
        let first = lo.log10().floor() as i32;
        let last = hi.log10().ceil() as i32;
        (first..=last)
            .flat_map(|k| multiples.iter().map(move |m| m * 10f64.powi(k)))
            .filter(|v| (lo..=hi).contains(v))
            .collect()
    };
    let labels = within(&[1.0, 2.0, 5.0]);
    if labels.len() >= 3 {
        labels
    } else {
        within(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    }
}

/// One variant's line on a sweep figure: `(x, y, y low, y high)` points and its fit.
struct SweepLine {
    label: String,
    points: Vec<(f64, f64, f64, f64)>,
    fit: Option<crate::sweep::Fit>,
}

fn draw_sweep<X, Y>(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    spec: &crate::sweep::Chart,
    lines: &[SweepLine],
    x: X,
    y: Y,
) -> Result<(), String>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    use crate::sweep::{Corner, Y as Vertical};
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let mut chart = ChartBuilder::on(root)
        .caption(&spec.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(x, y)
        .map_err(err)?;
    let (x_lo, x_hi) = {
        let r = chart.x_range();
        (r.start, r.end)
    };
    let (y_lo, y_hi) = {
        let r = chart.y_range();
        (r.start, r.end)
    };
    let y_format = |v: &f64| match spec.y {
        Vertical::Seconds => format_seconds(*v),
        Vertical::NanosPerInnerIteration => format!("{v:.2} ns"),
        _ => format!("{v:.1}x"),
    };
    let integer_x = !spec.log_x && x_hi - x_lo < 40.0;
    chart
        .configure_mesh()
        .x_desc(spec.x_desc)
        .y_desc(spec.y_desc)
        .x_labels(if integer_x {
            (x_hi - x_lo) as usize + 1
        } else {
            10
        })
        .x_label_formatter(&|v| short_number(*v))
        .y_label_formatter(&y_format)
        .draw()
        .map_err(err)?;
    let grey = RGBColor(120, 120, 120);
    for (at, label) in &spec.markers {
        if *at > x_lo && *at < x_hi {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*at, y_lo), (*at, y_hi)],
                    grey.stroke_width(1),
                )))
                .map_err(err)?;
            // Labelled at the foot of the line, clear of the legend.
            let (px, py) = chart.backend_coord(&(*at, y_lo));
            root.draw(&Text::new(
                label.clone(),
                (px + 4, py - 18),
                ("sans-serif", 13).into_font().color(&grey),
            ))
            .map_err(err)?;
        }
    }
    for (label, points) in &spec.guides {
        chart
            .draw_series(LineSeries::new(points.clone(), THEN.stroke_width(2)))
            .map_err(err)?
            .label(label)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], THEN.stroke_width(2)));
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 3, THEN.filled())))
            .map_err(err)?;
    }
    for (i, line) in lines.iter().enumerate() {
        let color = LINES[i % LINES.len()];
        chart
            .draw_series(
                line.points
                    .iter()
                    .filter(|p| p.2 < p.3)
                    .map(|p| PathElement::new(vec![(p.0, p.2), (p.0, p.3)], color.stroke_width(1))),
            )
            .map_err(err)?;
        if let Some(fit) = &line.fit {
            let (a, b) = line
                .points
                .iter()
                .fold((f64::INFINITY, 0.0_f64), |(a, b), p| {
                    (a.min(p.0), b.max(p.0))
                });
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(a, fit.at(a)), (b, fit.at(b))],
                    color.mix(0.5).stroke_width(1),
                )))
                .map_err(err)?;
        }
    }
    if spec.y == Vertical::RelativeToBest
        && let Some(best) = lines.iter().flat_map(|l| &l.points).find(|p| p.1 == 1.0)
    {
        let at = (best.0, 1.0);
        chart
            .draw_series(std::iter::once(Circle::new(at, 7, RED.stroke_width(2))))
            .map_err(err)?;
        let (bx, by) = chart.backend_coord(&at);
        root.draw(&Text::new(
            format!("best: {}", short_number(best.0)),
            (bx + 10, by - 22),
            ("sans-serif", 14).into_font().color(&RED),
        ))
        .map_err(err)?;
    }
    let legend = match spec.legend {
        Corner::UpperLeft => SeriesLabelPosition::UpperLeft,
        Corner::UpperRight => SeriesLabelPosition::UpperRight,
        Corner::MiddleRight => SeriesLabelPosition::MiddleRight,
        Corner::LowerRight => SeriesLabelPosition::LowerRight,
    };
    let series = lines.iter().map(|l| {
        (
            l.label.clone(),
            l.points.iter().map(|p| (p.0, p.1)).collect(),
        )
    });
    draw_lines(&mut chart, series, legend)
}

/// 950, 20k, 1.5M, 2.4G: an axis label.
fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
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
    fn log_axes_are_labelled_in_every_decade_they_span() {
        assert_eq!(log_labels(0.13, 7.0), [0.2, 0.5, 1.0, 2.0, 5.0]);
        assert_eq!(
            log_labels(90.0, 15_000.0),
            [100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4]
        );
        // Too narrow for 1, 2, 5: every whole multiple.
        assert_eq!(log_labels(2.5, 4.5), [3.0, 4.0]);
        assert!(log_labels(0.0, 1.0).is_empty() && log_labels(f64::NAN, 1.0).is_empty());
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

/// One bar of the limit figure: a variant's throughput, and the cores it used.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitBar {
    pub label: String,
    /// G inner iterations per second.
    pub throughput: f64,
    pub cores: usize,
}

/// The roofline-style figure: every variant's throughput (G inner iterations per second, log
/// scale) against the machine's limit on one core and on all of them.
pub fn limit_chart(
    bars: &[LimitBar],
    per_core: f64,
    cores: usize,
) -> Result<Option<String>, String> {
    if bars.is_empty() || !(per_core > 0.0 && per_core.is_finite()) {
        return Ok(None);
    }
    let all_cores = per_core * cores.max(1) as f64;
    let (lo, hi) = extent(
        bars.iter()
            .map(|b| b.throughput)
            .filter(|t| *t > 0.0)
            .chain([per_core, all_cores]),
    );
    let (x0, x1, clamped) = axis(lo / 2.0, hi * 2.0, true);
    let n = bars.len() as f64;
    let height = 140 + 30 * (bars.len().min(10_000) as u32 + 2);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "Every variant against the limit: G inner iterations per second (log \
                     scale){}",
                    if clamped { CLAMPED } else { "" }
                ),
                ("sans-serif", 20),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(230)
            .build_cartesian_2d((x0..x1).log_scale(), 0.0..n + 1.5)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc("G inner iterations per second")
            .x_label_formatter(&|v| format!("{v:.2}"))
            .draw()
            .map_err(err)?;
        let slot = |i: usize| n + 0.5 - i as f64;
        for (many, color, label) in [
            (false, NOW, "one core"),
            (true, MANY_CORES, "several cores"),
        ] {
            chart
                .draw_series(
                    bars.iter()
                        .enumerate()
                        .filter(|(_, b)| (b.cores > 1) == many)
                        .map(|(i, b)| {
                            Rectangle::new(
                                [(x0, slot(i) - 0.35), (b.throughput.max(x0), slot(i) + 0.35)],
                                color.filled(),
                            )
                        }),
                )
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled())
                });
        }
        for (value, label, color) in [
            (
                per_core,
                "limit, one core".to_string(),
                RGBColor(214, 39, 40),
            ),
            (all_cores, format!("limit, {cores} cores"), BLACK),
        ] {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(value, 0.0), (value, n + 1.5)],
                    color.stroke_width(2),
                )))
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
        }
        let label_style = ("sans-serif", 14)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        let value_style = ("sans-serif", 12).into_font().color(&BLACK);
        for (i, b) in bars.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(x0, slot(i)));
            root.draw(&Text::new(
                b.label.clone(),
                (px - 8, py),
                label_style.clone(),
            ))
            .map_err(err)?;
            let (tx, ty) = chart.backend_coord(&(b.throughput.max(x0), slot(i)));
            let share = b.throughput / (per_core * b.cores as f64);
            root.draw(&Text::new(
                format!(
                    "{:.2} ({:.0}% of {} core{})",
                    b.throughput,
                    100.0 * share,
                    b.cores,
                    if b.cores == 1 { "" } else { "s" }
                ),
                (tx + 6, ty - 6),
                value_style.clone(),
            ))
            .map_err(err)?;
        }
        legend_at(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(Some(svg))
}
