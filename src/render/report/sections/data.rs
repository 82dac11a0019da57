//! The page's last section: links to the data behind it (`data.html`).

use askama::Template;

use super::{Context, Section, template_err};

/// The results' files, and criterion's own report where it was made.
pub struct Data;

/// `data.html`.
#[derive(Template)]
#[template(path = "report/data.html")]
struct DataSection {
    criterion_report: bool,
}

impl Section for Data {
    fn name(&self) -> &'static str {
        "data"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        let criterion_report = page.results.variants.iter().any(|v| {
            v.timing
                .as_ref()
                .is_some_and(|t| t.criterion_report.is_some())
        });
        DataSection { criterion_report }
            .render()
            .map(Some)
            .map_err(template_err)
    }
}
