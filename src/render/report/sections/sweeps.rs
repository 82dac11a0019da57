//! Any sweep (`sweep.html`): heading, reading, figures, points and fits. A sweep whose axis
//! belongs to a family is drawn inside that family's section ([`super::families`]); the others,
//! here, each as a section of its own.

use askama::Template;

use super::{Context, Section};
use crate::render::markup::strip_xml_decl;
use crate::render::report::charts;
use crate::sweep::Sweep;

/// The sweeps whose axis has no family, each a section of its own.
pub struct OwnSweeps;

impl Section for OwnSweeps {
    fn name(&self) -> &'static str {
        "sweeps"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        let mut sections = Vec::new();
        for sw in page
            .extras
            .sweeps
            .iter()
            .filter(|s| s.axis().family().is_none())
        {
            sections.push(sweep_section(sw)?);
        }
        Ok((!sections.is_empty()).then(|| sections.join("\n")))
    }
}

/// `table.html`: a table of text cells.
#[derive(Template)]
#[template(path = "report/table.html")]
struct PlainTable<'a> {
    header: &'a [String],
    rows: &'a [Vec<String>],
}

/// `sweep.html`: any sweep, inside a family's section or as its own.
#[derive(Template)]
#[template(path = "report/sweep.html")]
struct SweepSection<'a> {
    own_section: bool,
    id: &'static str,
    title: &'static str,
    intro: String,
    reading: Option<String>,
    charts: Vec<String>,
    points: String,
    fits: Option<String>,
    dir: &'static str,
    axis: &'a str,
}

/// Any sweep: its heading, reading, figures, points and fits.
pub(super) fn sweep_section(sw: &Sweep) -> Result<String, String> {
    let axis = sw.axis();
    let (id, title) = axis.heading();
    let mut charts = Vec::new();
    for chart in axis.charts(sw) {
        if let Some(svg) = charts::sweep_figure(sw, &chart)? {
            charts.push(strip_xml_decl(&svg).to_string());
        }
    }
    let table = |t: &crate::sweep::table::Table| {
        PlainTable {
            header: &t.header,
            rows: &t.rows,
        }
        .render()
        .map_err(|e| e.to_string())
    };
    SweepSection {
        own_section: axis.family().is_none(),
        id,
        title,
        intro: axis.intro(sw),
        reading: axis.reading(sw),
        charts,
        points: table(&crate::sweep::table::points(sw))?,
        fits: crate::sweep::table::fits(sw)
            .map(|f| table(&f))
            .transpose()?,
        dir: crate::sweep::DIR,
        axis: &sw.axis,
    }
    .render()
    .map_err(|e| e.to_string())
}
