//! The History section's chart: each series' median run after run (a variant on one SIMD path),
//! change points circled.

use plotters::prelude::*;

use super::{axis, draw_lines, frame, svg};
use crate::record::history::{self, Entry};

/// A series' label, its points (run index, median over its first median) and the indices of
/// its change points among them.
type Line = (String, Vec<(f64, f64)>, Vec<usize>);

/// One line per series of the latest run (a variant on one SIMD path): median over its first
/// median, by run index.
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
    svg((900, 420), |root| {
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        let caption = format!(
            "Median time relative to each variant's first run{}",
            if clamped { " (axis clamped)" } else { "" }
        );
        let mut chart = frame(root, &caption, (44, 56))
            .build_cartesian_2d(-0.3..x_hi + 0.3, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("run (history.jsonl line)")
            .y_desc("time / first")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.2}"))
            .draw()
            .map_err(err)?;
        for (_, pts, changes) in &lines {
            chart
                .draw_series(
                    changes
                        .iter()
                        .map(|&c| Circle::new(pts[c], 9, BLACK.stroke_width(2))),
                )
                .map_err(err)?;
        }
        draw_lines(
            &mut chart,
            lines.into_iter().map(|(n, pts, _)| (n, pts)),
            SeriesLabelPosition::UpperLeft,
        )?;
        Ok(())
    })
}
