//! The page, `reports/index.html`: self-contained, charts inline as SVG, the picture and
//! criterion's report beside it as files. `templates/report/page.html` is the frame (title,
//! style, lede); the sections are [`SECTIONS`], rendered in their order.

use askama::Template;

use super::sections::{Context, Extras, SECTIONS};
use crate::record::results::{ProblemInfo, Results};
use crate::render::export::Group;

/// `page.html`: the whole page, its sections already rendered.
#[derive(Template)]
#[template(path = "report/page.html")]
struct Page<'a> {
    problem: &'a ProblemInfo,
    generated_at: &'a str,
    /// Each section's HTML, in [`SECTIONS`] order, those with nothing to show left out.
    sections: Vec<String>,
}

/// The whole page: every section of [`SECTIONS`] that has something to show, in order, or why a
/// chart could not be drawn.
pub fn render(results: &Results, groups: &[Group], extras: Extras<'_>) -> Result<String, String> {
    let context = Context {
        results,
        groups,
        extras,
    };
    let mut sections = Vec::new();
    for section in SECTIONS {
        sections.extend(section.render(&context)?);
    }
    Page {
        problem: &results.problem,
        generated_at: &results.generated_at,
        sections,
    }
    .render()
    .map_err(|e| e.to_string())
}
