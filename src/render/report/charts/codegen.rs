//! The Compiler flags section's heat map: builds down, variants across.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::svg;
use crate::codegen::{self, BuildStatus, CodegenResults};

const CELL_W: u32 = 120;
const CELL_H: u32 = 34;
const LEFT: u32 = 230;
const TOP: u32 = 70;

/// A heat map of the speed-ups, builds down and variants across: green faster, red slower than
/// the default build; a cell whose pixels differ is outlined and marked with a cross.
pub fn heat_map(r: &CodegenResults) -> Result<Option<String>, String> {
    let builds: Vec<&codegen::Build> = r
        .builds
        .iter()
        .filter(|b| b.status == BuildStatus::Ok)
        .collect();
    if builds.is_empty() || r.variants.is_empty() {
        return Ok(None);
    }
    let (w, ht) = (
        LEFT + CELL_W * r.variants.len() as u32 + 20,
        TOP + CELL_H * builds.len() as u32 + 50,
    );
    svg((w, ht), |root| {
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.draw(&Text::new(
            "Speed-up over the default build (× = pixels differ)",
            (10, 10),
            ("sans-serif", 18).into_font(),
        ))
        .map_err(err)?;
        let centre = |size| {
            ("sans-serif", size)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Center))
        };
        let right = ("sans-serif", 14)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        for (j, v) in r.variants.iter().enumerate() {
            let x = (LEFT + CELL_W * j as u32 + CELL_W / 2) as i32;
            root.draw(&Text::new(v.clone(), (x, TOP as i32 - 14), centre(14)))
                .map_err(err)?;
        }
        for (i, b) in builds.iter().enumerate() {
            let y0 = (TOP + CELL_H * i as u32) as i32;
            root.draw(&Text::new(
                b.name.clone(),
                (LEFT as i32 - 8, y0 + CELL_H as i32 / 2),
                right.clone(),
            ))
            .map_err(err)?;
            for (j, v) in r.variants.iter().enumerate() {
                let x0 = (LEFT + CELL_W * j as u32) as i32;
                let rect = [(x0, y0), (x0 + CELL_W as i32 - 2, y0 + CELL_H as i32 - 2)];
                let cell = r.cell(&b.name, v);
                let speedup = r.speedup(&b.name, v);
                let fill = speedup.map_or(RGBColor(235, 235, 235), colour);
                root.draw(&Rectangle::new(rect, fill.filled()))
                    .map_err(err)?;
                let inexact = cell.is_some_and(|c| !c.is_exact());
                if inexact {
                    root.draw(&Rectangle::new(rect, RGBColor(176, 0, 32).stroke_width(3)))
                        .map_err(err)?;
                }
                let label = match (speedup, inexact) {
                    (Some(s), true) => format!("× {s:.2}x"),
                    (Some(s), false) => format!("{s:.2}x"),
                    (None, _) => "-".into(),
                };
                root.draw(&Text::new(
                    label,
                    (x0 + CELL_W as i32 / 2, y0 + CELL_H as i32 / 2),
                    centre(14),
                ))
                .map_err(err)?;
            }
        }
        Ok(())
    })
    .map(Some)
}

/// White at 1x, greener up to 1.5x and beyond, redder down to 0.67x and below.
fn colour(speedup: f64) -> RGBColor {
    let t = (speedup.ln() / 1.5f64.ln()).clamp(-1.0, 1.0);
    let mix = |a: u8, b: u8, f: f64| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    if t >= 0.0 {
        RGBColor(mix(255, 60, t), mix(255, 170, t), mix(255, 80, t))
    } else {
        RGBColor(mix(255, 220, -t), mix(255, 80, -t), mix(255, 70, -t))
    }
}
