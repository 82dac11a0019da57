//! The note near the top of the page on the side files it could not use (`unread.html`): each
//! file, why, and what the page leaves out without it. A reader must not take a missing section
//! for a stage that never ran.

use askama::Template;

use super::{Context, Section, template_err};
use crate::render::markup::filters;

/// The files left unread, where there are any.
pub struct Unread;

/// `unread.html`: `(file, why, what is left out)` per file.
#[derive(Template)]
#[template(path = "report/unread.html")]
struct UnreadSection {
    files: Vec<(String, String, String)>,
}

impl Section for Unread {
    fn name(&self) -> &'static str {
        "unread-inputs"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        if page.extras.broken.is_empty() {
            return Ok(None);
        }
        let files = page
            .extras
            .broken
            .iter()
            .map(|b| {
                (
                    b.path.display().to_string(),
                    b.why.clone(),
                    b.left_out.clone(),
                )
            })
            .collect();
        UnreadSection { files }
            .render()
            .map(Some)
            .map_err(template_err)
    }
}
