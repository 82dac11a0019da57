//! The roofline-style figure: every variant's throughput against the machine's limit.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{CLAMPED, MANY_CORES, NOW, axis, extent, frame, legend_at, plot_size, svg, ticks};

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
    let size = (900, height);
    let labels = (44, 230);
    let (plot_w, _) = plot_size(size, labels, 0);
    let span = ticks::Span {
        lo: x0,
        hi: x1,
        log: true,
        pixels: plot_w,
        horizontal: true,
    };
    let keys = ticks::ticks(span, &ticks::plain);
    svg(size, |root| {
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        let caption = format!(
            "Every variant against the limit: G inner iterations per second (log scale){}",
            if clamped { CLAMPED } else { "" }
        );
        let mut chart = frame(root, &caption, labels)
            .build_cartesian_2d(ticks::log(x0, x1, keys), 0.0..n + 1.5)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc("G inner iterations per second")
            .label_style(("sans-serif", ticks::TICK_FONT))
            .axis_desc_style(("sans-serif", ticks::TICK_FONT))
            .x_label_formatter(&|v| ticks::plain(*v))
            .draw()
            .map_err(err)?;
        let slot = |i: usize| n + 0.5 - i as f64;
        for (many, color, label) in [
            (false, NOW, "one core"),
            (true, MANY_CORES, "several cores"),
        ] {
            // A legend entry only for bars that are drawn.
            if !bars.iter().any(|b| (b.cores > 1) == many) {
                continue;
            }
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
        label_bars(root, &mut chart, bars, (x0, n), per_core)?;
        legend_at(&mut chart, SeriesLabelPosition::UpperRight)
    })
    .map(Some)
}

/// Each bar's variant at its left and its throughput and share of its cores' limit at its end.
fn label_bars<'a, X, Y>(
    root: &super::Root<'_>,
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    bars: &[LimitBar],
    (x0, n): (f64, f64),
    per_core: f64,
) -> Result<(), String>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let slot = |i: usize| n + 0.5 - i as f64;
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
    Ok(())
}
