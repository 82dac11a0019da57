//! The report's charts, drawn with plotters as in-memory SVG (no system fonts needed).

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::export::{Group, format_seconds};

/// Bars span a log axis once the slowest is this many times the fastest.
const LOG_SCALE_RATIO: f64 = 20.0;

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
        .filter(|v| *v > 0.0)
        .collect();
    if values.is_empty() {
        return Ok(None);
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let height = 130 + 62 * (bars.len() as u32 + 1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let log = hi / lo > LOG_SCALE_RATIO;
        let caption = format!(
            "{title}: seconds per run{}",
            if log { " (log scale)" } else { "" }
        );
        if log {
            let x = (lo / 2.0..hi * 2.0).log_scale();
            draw_bars(&root, &caption, x, lo / 2.0, bars)?;
        } else {
            draw_bars(&root, &caption, 0.0..hi * 1.15, 0.0, bars)?;
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

/// The chunk-size figure: time against slice size (log x axis), ours and the tutorial's laptop
/// curve each normalised to its own best, with the sizes whose working set fills each cache level
/// marked and our best size highlighted.
pub fn sweep_chart(sweep: &crate::sweep::Sweep) -> Result<Option<String>, String> {
    let ours: Vec<(f64, f64, f64, f64)> = sweep
        .points
        .iter()
        .filter_map(|p| {
            let t = p.timing.as_ref()?;
            Some((p.chunk as f64, t.median, t.min, t.max))
        })
        .collect();
    let Some(best) = sweep
        .best()
        .and_then(|b| b.timing.as_ref().map(|t| (b.chunk, t.median)))
    else {
        return Ok(None);
    };
    let tutorial_best = crate::tutorial::STEP_SIZE_SWEEP
        .iter()
        .map(|(_, s)| *s)
        .fold(f64::INFINITY, f64::min);
    let then: Vec<(f64, f64)> = crate::tutorial::STEP_SIZE_SWEEP
        .iter()
        .map(|(n, s)| (*n as f64, s / tutorial_best))
        .collect();
    let xs = ours.iter().map(|p| p.0).chain(then.iter().map(|p| p.0));
    let x_lo = xs.clone().fold(f64::INFINITY, f64::min) / 1.5;
    let x_hi = xs.fold(0.0, f64::max) * 1.5;
    let y_hi = ours
        .iter()
        .map(|p| p.3 / best.1)
        .chain(then.iter().map(|p| p.1))
        .fold(1.0, f64::max)
        * 1.1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 480)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "{}: time against chunk size ({} x {}, maxiter {})",
                    sweep.variant, sweep.spec.width, sweep.spec.height, sweep.spec.maxiter
                ),
                ("sans-serif", 20),
            )
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d((x_lo..x_hi).log_scale(), 0.9..y_hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("chunk size (elements, log scale)")
            .y_desc("time / best time")
            .x_label_formatter(&|v| format!("{}", *v as u64))
            .y_label_formatter(&|v| format!("{v:.1}x"))
            .draw()
            .map_err(err)?;
        let grey = RGBColor(120, 120, 120);
        for cache in &sweep.machine.caches {
            let at = cache.bytes as f64 / sweep.bytes_per_element as f64;
            if at > x_lo && at < x_hi {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(at, 0.9), (at, y_hi)],
                        grey.stroke_width(1),
                    )))
                    .map_err(err)?;
                // Labelled at the foot of the line, clear of the legend in the upper right.
                let (px, py) = chart.backend_coord(&(at, 0.9));
                root.draw(&Text::new(
                    format!("{} full", cache.name),
                    (px + 4, py - 18),
                    ("sans-serif", 13).into_font().color(&grey),
                ))
                .map_err(err)?;
            }
        }
        chart
            .draw_series(LineSeries::new(then.iter().copied(), THEN.stroke_width(2)))
            .map_err(err)?
            .label("tutorial, 2011 laptop (numpy)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], THEN.stroke_width(2)));
        chart
            .draw_series(then.iter().map(|&p| Circle::new(p, 3, THEN.filled())))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                ours.iter().map(|p| (p.0, p.1 / best.1)),
                NOW.stroke_width(2),
            ))
            .map_err(err)?
            .label("this machine (median; whisker: min to max)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], NOW.stroke_width(2)));
        chart
            .draw_series(ours.iter().map(|p| {
                PathElement::new(
                    vec![(p.0, p.2 / best.1), (p.0, p.3 / best.1)],
                    NOW.stroke_width(1),
                )
            }))
            .map_err(err)?;
        chart
            .draw_series(
                ours.iter()
                    .map(|p| Circle::new((p.0, p.1 / best.1), 3, NOW.filled())),
            )
            .map_err(err)?;
        let best_point = (best.0 as f64, 1.0);
        chart
            .draw_series(std::iter::once(Circle::new(
                best_point,
                7,
                RED.stroke_width(2),
            )))
            .map_err(err)?;
        let (bx, by) = chart.backend_coord(&best_point);
        root.draw(&Text::new(
            format!("best: {} elements, {}", best.0, format_seconds(best.1)),
            (bx + 10, by - 22),
            ("sans-serif", 14).into_font().color(&RED),
        ))
        .map_err(err)?;
        legend_at(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
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

/// The multi-core figure: speed-up over the single-core kernel against thread count, one line per
/// variant, with the ideal (linear up to the cores, flat beyond) for comparison.
pub fn scaling_chart(sweep: &crate::sweep_threads::ThreadSweep) -> Result<Option<String>, String> {
    let cores = sweep.machine.logical_cores.max(1) as f64;
    let x_hi = sweep.points.iter().map(|p| p.threads).max().unwrap_or(1) as f64;
    let y_hi = sweep
        .points
        .iter()
        .filter_map(|p| p.speedup)
        .fold(cores, f64::max)
        * 1.2;
    if sweep.points.iter().all(|p| p.speedup.is_none()) {
        return Ok(None);
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 460)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "Speed-up over {} against threads or ranks ({} x {}, maxiter {}, {} cores)",
                    sweep.baseline, sweep.spec.width, sweep.spec.height, sweep.spec.maxiter, cores
                ),
                ("sans-serif", 20),
            )
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0.5..x_hi + 0.5, 0.0..y_hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("threads (ranks for mpi)")
            .y_desc("speed-up")
            .x_labels(x_hi as usize + 1)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.1}x"))
            .draw()
            .map_err(err)?;
        let ideal: Vec<(f64, f64)> = (1..=x_hi as usize)
            .map(|t| (t as f64, (t as f64).min(cores)))
            .collect();
        chart
            .draw_series(LineSeries::new(ideal, THEN.stroke_width(2)))
            .map_err(err)?
            .label("ideal (linear to the cores)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], THEN.stroke_width(2)));
        let lines = sweep.variants().into_iter().map(|name| {
            let points = sweep
                .points
                .iter()
                .filter(|p| p.variant == name)
                .filter_map(|p| Some((p.threads as f64, p.speedup?)))
                .collect();
            let label = format!("{name} ({})", crate::sweep_threads::unit(name));
            (label, points)
        });
        draw_lines(&mut chart, lines, SeriesLabelPosition::LowerRight)?;
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}

/// The GPU figure: speed-up over the CPU baseline against grid size (pixels, log axis), one line
/// per variant, the baseline at 1×. `None` when only the baseline was measured.
pub fn size_chart(sweep: &crate::sweep_sizes::SizeSweep) -> Result<Option<String>, String> {
    let measured: Vec<_> = sweep
        .points
        .iter()
        .filter(|p| p.variant != sweep.baseline && p.speedup.is_some())
        .collect();
    if measured.is_empty() {
        return Ok(None);
    }
    let x_lo = sweep.points.iter().map(|p| p.pixels).min().unwrap_or(1) as f64;
    let x_hi = sweep.points.iter().map(|p| p.pixels).max().unwrap_or(1) as f64;
    let y_hi = measured
        .iter()
        .filter_map(|p| p.speedup)
        .fold(1.0, f64::max)
        * 1.2;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 460)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "Speed-up over {} against grid size (maxiter {})",
                    sweep.baseline, sweep.maxiter
                ),
                ("sans-serif", 20),
            )
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d((x_lo / 1.5..x_hi * 1.5).log_scale(), 0.0..y_hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("pixels (log)")
            .y_desc("speed-up")
            .x_labels(12)
            .x_label_formatter(&|v| format!("{:.2}M", v / 1e6))
            .y_label_formatter(&|v| format!("{v:.2}x"))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                [(x_lo / 1.5, 1.0), (x_hi * 1.5, 1.0)],
                THEN.stroke_width(2),
            ))
            .map_err(err)?
            .label(format!("{} (baseline)", sweep.baseline))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], THEN.stroke_width(2)));
        let lines = sweep
            .variants()
            .into_iter()
            .filter(|n| *n != sweep.baseline)
            .map(|name| {
                let points = measured
                    .iter()
                    .filter(|p| p.variant == name)
                    .filter_map(|p| Some((p.pixels as f64, p.speedup?)))
                    .collect();
                (name.to_string(), points)
            });
        draw_lines(&mut chart, lines, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
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
    if bars.is_empty() || per_core <= 0.0 {
        return Ok(None);
    }
    let all_cores = per_core * cores.max(1) as f64;
    let lo = bars.iter().map(|b| b.throughput).fold(per_core, f64::min);
    let (x0, x1) = (lo / 2.0, all_cores * 2.0);
    let n = bars.len() as f64;
    let height = 140 + 30 * (bars.len() as u32 + 2);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "Every variant against the limit: G inner iterations per second (log scale)",
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
