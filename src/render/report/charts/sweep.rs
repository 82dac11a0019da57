//! Every sweep's figure, from its axis's `Chart`.

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use super::{CLAMPED, LINES, Root, THEN, axis, draw_lines, extent, frame, svg};
use crate::record::units::format_seconds;

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
    svg((900, 480), |root| {
        // Log axes are labelled at 1, 2 and 5 of every decade they span (plotters' own labels
        // start at the first power of ten, leaving a range such as 0.15 to 5 ns half bare).
        let log = |lo: f64, hi: f64| (lo..hi).log_scale().with_key_points(log_labels(lo, hi));
        match (chart.log_x, chart.log_y) {
            (true, true) => draw_sweep(root, chart, &lines, log(x0, x1), log(y0, y1)),
            (true, false) => draw_sweep(root, chart, &lines, log(x0, x1), y0..y1),
            (false, true) => draw_sweep(root, chart, &lines, x0..x1, log(y0, y1)),
            (false, false) => draw_sweep(root, chart, &lines, x0..x1, y0..y1),
        }
    })
    .map(Some)
}

/// Labels for a log axis from `lo` to `hi`: 1, 2 and 5 times each power of ten inside it, or every
/// whole multiple where the range is too narrow for three of those.
pub(super) fn log_labels(lo: f64, hi: f64) -> Vec<f64> {
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
    root: &Root<'_>,
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
    let mut chart = frame(root, &spec.title, (44, 72))
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
    draw_markers(root, &mut chart, spec, (x_lo, x_hi), (y_lo, y_hi))?;
    draw_guides(&mut chart, spec)?;
    draw_spreads_and_fits(&mut chart, lines)?;
    if spec.y == Vertical::RelativeToBest {
        mark_best(root, &mut chart, lines)?;
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

/// Each marker inside the horizontal range as a grey vertical line, labelled at its foot.
fn draw_markers<'a, X, Y>(
    root: &Root<'_>,
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    spec: &crate::sweep::Chart,
    (x_lo, x_hi): (f64, f64),
    (y_lo, y_hi): (f64, f64),
) -> Result<(), String>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
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
    Ok(())
}

/// The guides (an ideal or a model to compare with), each a labelled line with its dots.
fn draw_guides<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    spec: &crate::sweep::Chart,
) -> Result<(), String>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
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
    Ok(())
}

/// Each line's spread at each point as a vertical bar, and its fit as a paler straight line
/// across the points' range.
fn draw_spreads_and_fits<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    lines: &[SweepLine],
) -> Result<(), String>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
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
    Ok(())
}

/// On a chart relative to the best, a red ring and a label at the best point.
fn mark_best<'a, X, Y>(
    root: &Root<'_>,
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    lines: &[SweepLine],
) -> Result<(), String>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    if let Some(best) = lines.iter().flat_map(|l| &l.points).find(|p| p.1 == 1.0) {
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
    Ok(())
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
