//! Every sweep's figure, from its axis's `Chart`.

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use super::{CLAMPED, LINES, Root, THEN, axis, draw_lines, extent, frame, plot_size, svg, ticks};

/// Every sweep's figure: each variant's points along the axis with their spread (error bars: the
/// median absolute deviation either side), the chart's grey guides and markers, the best point
/// where one beats the others beyond their spread (else "no clear best") and, where the chart
/// fits, each variant's least-squares line with its slope and R² in the legend. `None` when
/// nothing was timed.
pub fn sweep_figure(
    sweep: &crate::sweep::Sweep,
    chart: &crate::sweep::Chart,
) -> Result<Option<String>, String> {
    use crate::sweep::Y;
    let lines = sweep_lines(sweep, chart);
    if lines.is_empty() {
        return Ok(None);
    }
    let (x0, x1, y0, y1, clamped) = ranges(&lines, chart);
    let clamped_chart;
    let chart = if clamped {
        clamped_chart = crate::sweep::Chart {
            title: format!("{}{CLAMPED}", chart.title),
            ..chart.clone()
        };
        &clamped_chart
    } else {
        chart
    };
    let size = (900, 480);
    let (plot_w, plot_h) = plot_size(size, LABELS, 0);
    let y_label = |v: f64| match chart.y {
        Y::Seconds => ticks::seconds(v),
        Y::NanosPerInnerIteration => ticks::plain(v),
        Y::Speedup | Y::RelativeToBest => format!("{}x", ticks::plain(v)),
    };
    let x_span = ticks::Span {
        lo: x0,
        hi: x1,
        log: chart.log_x,
        pixels: plot_w,
        horizontal: true,
    };
    let y_span = ticks::Span {
        lo: y0,
        hi: y1,
        log: chart.log_y,
        pixels: plot_h,
        horizontal: false,
    };
    // Every horizontal axis counts something (threads, elements, pixels, iterations): whole
    // numbers only.
    let x_label = |v: f64| match v.fract().abs() < 1e-9 {
        true => short_number(v),
        false => String::new(),
    };
    let x_keys = ticks::ticks(x_span, &x_label);
    let y_keys = ticks::ticks(y_span, &y_label);
    let best = match sweep.best() {
        Some(crate::sweep::Best::Clear(p)) => Marked::Best(p.x(chart.x)),
        Some(crate::sweep::Best::Tied(_)) => Marked::NoClearBest,
        None => Marked::Nothing,
    };
    let drawn = Drawn {
        spec: chart,
        lines: &lines,
        best,
        y_label: &y_label,
    };
    svg(size, |root| match (chart.log_x, chart.log_y) {
        (true, true) => draw_sweep(
            root,
            &drawn,
            ticks::log(x0, x1, x_keys),
            ticks::log(y0, y1, y_keys),
        ),
        (true, false) => draw_sweep(
            root,
            &drawn,
            ticks::log(x0, x1, x_keys),
            ticks::linear(y0, y1, y_keys),
        ),
        (false, true) => draw_sweep(
            root,
            &drawn,
            ticks::linear(x0, x1, x_keys),
            ticks::log(y0, y1, y_keys),
        ),
        (false, false) => draw_sweep(
            root,
            &drawn,
            ticks::linear(x0, x1, x_keys),
            ticks::linear(y0, y1, y_keys),
        ),
    })
    .map(Some)
}

/// The axes' ranges of `chart` around its lines and guides (log axes over their positive values
/// only), and whether either had to be clamped.
fn ranges(lines: &[SweepLine], chart: &crate::sweep::Chart) -> (f64, f64, f64, f64, bool) {
    use crate::sweep::Y;
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
    (x0, x1, y0, y1, x_clamped || y_clamped)
}

/// Each variant's line on `chart`: its points with their spread in the chart's unit, and its
/// fit where the chart fits one.
fn sweep_lines(sweep: &crate::sweep::Sweep, chart: &crate::sweep::Chart) -> Vec<SweepLine> {
    use crate::sweep::Y;
    sweep
        .variants()
        .into_iter()
        .filter(|v| !(chart.skip_baseline && sweep.baseline.as_deref() == Some(*v)))
        .filter_map(|v| {
            let pts: Vec<_> = sweep.points.iter().filter(|p| p.variant == v).collect();
            let best = pts
                .iter()
                .filter_map(|p| p.median())
                .fold(f64::INFINITY, f64::min);
            // Each point with its spread: the median absolute deviation either side of the
            // median, in the chart's unit (a speed-up's from its time's).
            let points: Vec<(f64, f64, f64, f64)> = pts
                .iter()
                .filter_map(|p| {
                    let t = p.timing.as_ref()?;
                    let x = p.x(chart.x);
                    let r = t.relative_spread().min(0.9);
                    let around = |y: f64| (x, y, y * (1.0 - r), y * (1.0 + r));
                    Some(match chart.y {
                        Y::Seconds => around(t.median),
                        Y::RelativeToBest => around(t.median / best),
                        Y::NanosPerInnerIteration => {
                            around(t.median * 1e9 / p.inner_iterations.max(1) as f64)
                        }
                        Y::Speedup => {
                            let s = p.speedup?;
                            (x, s, s / (1.0 + r), s / (1.0 - r))
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
        .collect()
}

/// The label areas of a sweep's figure: `(below, left)`.
const LABELS: (u32, u32) = (50, 80);

/// What a figure whose vertical axis is time over the best marks of the sweep's best point.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Marked {
    /// The point at this x beats every other beyond their spreads.
    Best(f64),
    /// The fastest points lie within one another's spread.
    NoClearBest,
    Nothing,
}

/// Everything a sweep's figure draws, beside its axes.
struct Drawn<'a> {
    spec: &'a crate::sweep::Chart,
    lines: &'a [SweepLine],
    best: Marked,
    y_label: &'a dyn Fn(f64) -> String,
}

/// One variant's line on a sweep figure: `(x, y, y low, y high)` points and its fit.
struct SweepLine {
    label: String,
    points: Vec<(f64, f64, f64, f64)>,
    fit: Option<crate::sweep::Fit>,
}

fn draw_sweep<X, Y>(root: &Root<'_>, drawn: &Drawn<'_>, x: X, y: Y) -> Result<(), String>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    use crate::sweep::{Corner, Y as Vertical};
    let (spec, lines) = (drawn.spec, drawn.lines);
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let mut chart = frame(root, &spec.title, LABELS)
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
    chart
        .configure_mesh()
        .x_desc(spec.x_desc)
        .y_desc(spec.y_desc)
        .label_style(("sans-serif", ticks::TICK_FONT))
        .axis_desc_style(("sans-serif", ticks::TICK_FONT))
        .x_label_formatter(&|v| short_number(*v))
        .y_label_formatter(&|v| (drawn.y_label)(*v))
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
    draw_spreads_and_fits(&mut chart, lines)?;
    if spec.y == Vertical::RelativeToBest {
        mark_best(root, &mut chart, drawn.best)?;
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

/// Each line's points' spread as capped error bars, and its fit where it has one.
fn draw_spreads_and_fits<X, Y>(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<X, Y>>,
    lines: &[SweepLine],
) -> Result<(), String>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    for (i, line) in lines.iter().enumerate() {
        let color = LINES[i % LINES.len()];
        // Each point's spread as an error bar, capped at both ends.
        let style = color.stroke_width(1);
        chart
            .draw_series(
                line.points
                    .iter()
                    .filter(|p| p.2 < p.3)
                    .map(|p| PathElement::new(vec![(p.0, p.2), (p.0, p.3)], style)),
            )
            .map_err(err)?;
        let cap = move |at: (f64, f64)| {
            EmptyElement::at(at) + PathElement::new(vec![(-4, 0), (4, 0)], style)
        };
        chart
            .draw_series(
                line.points
                    .iter()
                    .filter(|p| p.2 < p.3)
                    .flat_map(|p| [cap((p.0, p.2)), cap((p.0, p.3))]),
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

/// On a figure of time over the best: the best point ringed and named where it beats every other
/// beyond their spreads, else "no clear best" at the top of the plot.
fn mark_best<X, Y>(
    root: &Root<'_>,
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<X, Y>>,
    best: Marked,
) -> Result<(), String>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let (x_lo, y_hi) = (chart.x_range().start, chart.y_range().end);
    match best {
        Marked::Best(x) => {
            let at = (x, 1.0);
            chart
                .draw_series(std::iter::once(Circle::new(at, 7, RED.stroke_width(2))))
                .map_err(err)?;
            let (bx, by) = chart.backend_coord(&at);
            root.draw(&Text::new(
                format!("best: {}", short_number(x)),
                (bx + 10, by - 22),
                ("sans-serif", 14).into_font().color(&RED),
            ))
            .map_err(err)?;
        }
        Marked::NoClearBest => {
            let (px, py) = chart.backend_coord(&(x_lo, y_hi));
            root.draw(&Text::new(
                "no clear best: the fastest points are within one another's spread",
                (px + 8, py + 6),
                ("sans-serif", 14).into_font().color(&RED),
            ))
            .map_err(err)?;
        }
        Marked::Nothing => {}
    }
    Ok(())
}

/// 950, 20k, 1.5M, 2G: an axis label, with no more digits than it needs.
fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{}G", ticks::plain(v / 1e9))
    } else if a >= 1e6 {
        format!("{}M", ticks::plain(v / 1e6))
    } else if a >= 1e4 {
        format!("{}k", ticks::plain(v / 1e3))
    } else {
        ticks::plain(v)
    }
}
