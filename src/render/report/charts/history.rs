//! The History section's chart: each series' median run after run (a variant on one SIMD path),
//! change points circled. The horizontal axis is the runs, labelled with their dates; the legend
//! stands beside the plot, so that it never covers a line however many series there are.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{LINES, axis, frame, plot_size, svg, ticks};
use crate::record::history::{self, Entry};

/// A series' label, its points (run index, median over its first median) and the indices of
/// its change points among them.
type Line = (String, Vec<(f64, f64)>, Vec<usize>);

/// The figure's width, and the legend's column at its right.
const WIDTH: u32 = 900;
const LEGEND: u32 = 250;
/// The label areas `(below, left)` of the plot.
const LABELS: (u32, u32) = (50, 64);
/// One legend entry's height, in pixels.
const ENTRY: u32 = 18;

/// One line per series of the latest run (a variant on one SIMD path): median over its first
/// median, by run.
pub fn chart(entries: &[Entry]) -> Result<String, String> {
    let lines: Vec<Line> = history::latest_series(entries)
        .into_iter()
        .map(|p| {
            let s = history::series(entries, p);
            let first = s.first().map_or(1.0, |(_, f)| f.median);
            let points = s
                .iter()
                .map(|(i, q)| (*i as f64, q.median / first))
                .collect();
            (p.label(), points, history::change_points(&s))
        })
        .collect();
    let (lo, hi) = lines
        .iter()
        .flat_map(|(_, pts, _)| pts.iter().map(|p| p.1))
        .filter(|y| y.is_finite())
        .fold((1.0_f64, 1.0_f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
    // The loader refuses medians no run gives; the axis is made drawable all the same.
    let (y0, y1, clamped) = axis(lo * 0.95, hi * 1.05, false);
    let x_hi = (entries.len().max(2) - 1) as f64;
    let (x0, x1) = (-0.3, x_hi + 0.3);
    let height = 420.max(110 + ENTRY * lines.len().min(10_000) as u32);
    let (plot_w, plot_h) = plot_size((WIDTH - LEGEND, height), LABELS, 0);
    let date = |v: f64| run_label(entries, v);
    // Whole runs only, as many as their dates leave room for.
    let runs: Vec<f64> = (0..entries.len()).map(|i| i as f64).collect();
    let x_keys = thin(&runs, |keys| {
        let span = ticks::Span {
            lo: x0,
            hi: x1,
            log: false,
            pixels: plot_w,
            horizontal: true,
        };
        ticks::fit(span, keys, &date)
    });
    let y_span = ticks::Span {
        lo: y0,
        hi: y1,
        log: false,
        pixels: plot_h,
        horizontal: false,
    };
    let y_keys = ticks::ticks(y_span, &ticks::plain);
    svg((WIDTH, height), |root| {
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        let (plot, legend) = root.split_horizontally(WIDTH - LEGEND);
        let caption = format!(
            "Median time relative to each series' first run{}",
            if clamped { " (axis clamped)" } else { "" }
        );
        let mut chart = frame(&plot, &caption, LABELS)
            .build_cartesian_2d(ticks::linear(x0, x1, x_keys), ticks::linear(y0, y1, y_keys))
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("run (its date, UTC)")
            .y_desc("median / first median")
            .label_style(("sans-serif", ticks::TICK_FONT))
            .axis_desc_style(("sans-serif", ticks::TICK_FONT))
            .x_label_formatter(&|v| date(*v))
            .y_label_formatter(&|v| ticks::plain(*v))
            .draw()
            .map_err(err)?;
        for (i, (_, pts, changes)) in lines.iter().enumerate() {
            let color = LINES[i % LINES.len()];
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                .map_err(err)?;
            let style = color.filled();
            match shape(i) {
                0 => chart.draw_series(pts.iter().map(|&p| Circle::new(p, 4, style))),
                1 => chart.draw_series(pts.iter().map(|&p| TriangleMarker::new(p, 5, style))),
                _ => {
                    chart.draw_series(pts.iter().map(|&p| Cross::new(p, 4, color.stroke_width(2))))
                }
            }
            .map_err(err)?;
            chart
                .draw_series(
                    changes
                        .iter()
                        .map(|&c| Circle::new(pts[c], 9, BLACK.stroke_width(2))),
                )
                .map_err(err)?;
        }
        let names: Vec<&str> = lines.iter().map(|(n, _, _)| n.as_str()).collect();
        draw_legend(&legend, &names).map_err(err)
    })
}

/// The legend in its own column: each series' line and marker, then its name, in a box.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    names: &[&str],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let top = 50;
    let bottom = top + ENTRY as i32 * names.len() as i32 + 8;
    let width = LEGEND as i32 - 12;
    area.draw(&Rectangle::new([(0, top - 8), (width, bottom)], BLACK))?;
    let text = ("sans-serif", 14)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (i, name) in names.iter().enumerate() {
        let y = top + ENTRY as i32 * i as i32 + ENTRY as i32 / 2 - 4;
        let color = LINES[i % LINES.len()];
        area.draw(&PathElement::new(
            vec![(8, y), (36, y)],
            color.stroke_width(2),
        ))?;
        let at = (22, y);
        match shape(i) {
            0 => area.draw(&Circle::new(at, 4, color.filled()))?,
            1 => area.draw(&TriangleMarker::new(at, 5, color.filled()))?,
            _ => area.draw(&Cross::new(at, 4, color.stroke_width(2)))?,
        }
        area.draw(&Text::new(name.to_string(), (44, y), text.clone()))?;
    }
    Ok(())
}

/// Series `i`'s marker shape: a circle, a triangle or a cross, a shape per cycle of the colours,
/// so that two series of one colour still differ.
fn shape(i: usize) -> usize {
    (i / LINES.len()) % 3
}

/// `12-07 14:03` for run `v` (its date, to the minute), `` between runs.
fn run_label(entries: &[Entry], v: f64) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    entries.get(i as usize).map_or(String::new(), |e| {
        // RFC 3339: 2026-12-07T14:03:00Z; the month, day and minute are what tell runs apart.
        match (e.date.get(5..10), e.date.get(11..16)) {
            (Some(day), Some(time)) => format!("{day} {time}"),
            _ => format!("run {}", i as usize + 1),
        }
    })
}

/// Every `k`-th of `keys` for the smallest `k` whose labels `fit`, always starting at the first.
fn thin(keys: &[f64], fits: impl Fn(&[f64]) -> bool) -> Vec<f64> {
    (1..=keys.len().max(1))
        .map(|k| keys.iter().step_by(k).copied().collect::<Vec<f64>>())
        .find(|t| fits(t))
        .unwrap_or_default()
}
