//! The tutorial's 2011 timings as published (`tutorial.html`), for every report: the charts
//! leave them out where the problem is not the tutorial's.

use askama::Template;

use super::{Context, Section, template_err};
use crate::tutorial::{self, TutorialFigure};

/// The tutorial's own table.
pub struct Tutorial;

/// `tutorial.html`.
#[derive(Template)]
#[template(path = "report/tutorial.html")]
struct TutorialSection {
    figures: &'static [TutorialFigure],
}

impl Section for Tutorial {
    fn name(&self) -> &'static str {
        "tutorial"
    }

    fn render(&self, _: &Context<'_>) -> Result<Option<String>, String> {
        TutorialSection {
            figures: tutorial::FIGURES,
        }
        .render()
        .map(Some)
        .map_err(template_err)
    }
}
