//! The page's first section (`verdict.html`): [`crate::render::verdict`]'s lines, each linking down to
//! the section that holds its evidence.

use askama::Template;

use super::{Context, Section, template_err};
use crate::render::markup::filters;

/// "The verdict".
pub struct Verdict;

/// `verdict.html`.
#[derive(Template)]
#[template(path = "report/verdict.html")]
struct VerdictSection {
    verdict: crate::render::verdict::Verdict,
    /// The variant every speed-up is over (the registry's).
    baseline: &'static str,
}

impl Section for Verdict {
    fn name(&self) -> &'static str {
        "verdict"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        VerdictSection {
            verdict: crate::render::verdict::verdict(page.results),
            baseline: mandel_variants::SPEEDUP_BASELINE.name,
        }
        .render()
        .map(Some)
        .map_err(template_err)
    }
}
