//! The results tables, one section per family (`group.html`): the family's story, its variants'
//! table with links to their profiles, skip reasons, the then-and-now chart, and what belongs to
//! the family (the lane ladder, the GPU note, the family's sweeps).

use askama::Template;
use mandel_variants::Family;

use super::{Context, Extras, ProfileLinks as Profiles, Section};
use crate::record::results::{Results, VariantResult};
use crate::render::export::{
    COLUMNS, Group, HEADER, Row, cells_noting_skips, format_timing, skip_reasons,
};
use crate::render::markup::strip_xml_decl;
use crate::render::report::charts;

/// Every family's section, in [`mandel_variants::Family::ALL`]'s order.
pub struct Families;

impl Section for Families {
    fn name(&self) -> &'static str {
        "families"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        let mut sections = Vec::new();
        for g in page.groups {
            sections.push(group_section(page.results, g, page.extras)?);
        }
        Ok(Some(sections.join("\n")))
    }
}

/// `group.html`: one family's section.
#[derive(Template)]
#[template(path = "report/group.html")]
struct GroupSection<'a> {
    family: Family,
    title: &'a str,
    intro: &'static str,
    empty: bool,
    table: String,
    /// `(variant names, reason)`, once per reason.
    skipped: Vec<(String, String)>,
    chart: Option<String>,
    /// What follows the chart: the lane ladder, the GPU note, the family's sweeps.
    extras: Vec<String>,
}

/// `results_table.html`: a group's variants.
#[derive(Template)]
#[template(path = "report/results_table.html")]
struct ResultsTable {
    /// The columns shown: [`HEADER`] less those with nothing to say in this group.
    header: Vec<&'static str>,
    /// Whether any row has a profile or criterion's report to link.
    with_links: bool,
    rows: Vec<ResultRow>,
}

struct ResultRow {
    class: &'static str,
    variant: String,
    /// Each cell's text, where the table shortened it the whole text for its tooltip, and its
    /// class (`median`, `status`: what the style sheet marks).
    cells: Vec<(String, Option<String>, &'static str)>,
    /// `(href, label)`: flamegraph, lines, machine code, criterion's report.
    links: Vec<(String, String)>,
    /// Said where the profiles do not cover this row's own SIMD path.
    no_profile: Option<String>,
}

/// `gpu.html`: why no GPU ran, or the GPU variants' kernels beside their whole runs.
#[derive(Template)]
#[template(path = "report/gpu.html")]
struct GpuNote {
    no_gpu: Option<String>,
    /// What is proved without a GPU ([`mandel_variants::gpu::PROVED_WITHOUT_A_GPU`]).
    proved: &'static str,
    /// `(variant, whole run, kernels alone, kernel share)`.
    rows: Vec<(String, String, String, String)>,
}

/// One family's section: its table, skip reasons, chart, and what belongs to it.
fn group_section(results: &Results, g: &Group, extras: Extras<'_>) -> Result<String, String> {
    let mut section = GroupSection {
        family: g.family,
        title: g.title,
        intro: g.family.intro(),
        empty: g.rows.is_empty(),
        table: String::new(),
        skipped: Vec::new(),
        chart: None,
        extras: Vec::new(),
    };
    if !section.empty {
        section.table = results_table(&g.rows, extras.profiles)?;
        let gpu = GpuNote::new(results, g.family);
        // The GPU note says why when no GPU was found; otherwise each reason is said once here.
        if gpu.no_gpu.is_none() {
            section.skipped = skip_reasons(&g.rows)
                .into_iter()
                .map(|(why, names)| (names.join(", "), why.to_string()))
                .collect();
        }
        section.chart = charts::then_and_now(g.title, &charts::group_bars(g))?
            .map(|svg| strip_xml_decl(&svg).to_string());
        if g.family == Family::Simd {
            section.extras.push(super::limit::ladder_section(results));
        }
        section
            .extras
            .push(gpu.render().map_err(|e| e.to_string())?);
        section
            .extras
            .extend(super::hosts::hosts_note(results, g.family)?);
        for sw in extras.sweeps {
            if sw.axis().family() == Some(g.family) {
                section.extras.push(super::sweeps::sweep_section(sw)?);
            }
        }
    }
    section.render().map_err(|e| e.to_string())
}

fn results_table(source: &[Row], profiles: Option<Profiles<'_>>) -> Result<String, String> {
    let rows: Vec<ResultRow> = source
        .iter()
        .map(|row| {
            let mut cells: Vec<(String, Option<String>, &'static str)> = cells_noting_skips(row)
                .into_iter()
                .enumerate()
                .map(|(i, c)| (c, None, CLASSES[i]))
                .collect();
            let (short, whole) = row.analogue_short();
            cells[ANALOGUE] = (short, whole, "");
            let (mut links, no_profile) = match profiles {
                Some(p) => row_profile(p, row),
                None => (Vec::new(), None),
            };
            links.extend(
                row.criterion_report
                    .iter()
                    .map(|href| (href.clone(), "criterion".to_string())),
            );
            ResultRow {
                class: match row.status.as_str() {
                    "OK" if row.noisy => "ok noisy",
                    "OK" => "ok",
                    "FAIL" => "fail",
                    "SKIP" => "skip",
                    _ => "approx",
                },
                variant: row.variant.clone(),
                cells,
                links,
                no_profile,
            }
        })
        .collect();
    // A column that says nothing in this group is left out, so that the table fits the page:
    // "2011 · Python today" where neither was measured for this problem, the
    // reference-equivalent rate where no row skipped work (it repeats the rate beside it).
    let said = |i: usize| rows.iter().any(|r| r.cells[i].0 != "-");
    let skipped_work = source
        .iter()
        .any(|r| r.equivalent_cell() != r.throughput_cell());
    let keep: Vec<bool> = (0..COLUMNS)
        .map(|i| match i {
            THEN_PYTHON => said(i),
            EQUIVALENT => skipped_work,
            _ => true,
        })
        .collect();
    let mut rows = rows;
    for row in &mut rows {
        let cells = std::mem::take(&mut row.cells);
        row.cells = cells
            .into_iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c)
            .collect();
    }
    ResultsTable {
        header: HEADER
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(h, _)| *h)
            .collect(),
        with_links: profiles.is_some() || rows.iter().any(|r| !r.links.is_empty()),
        rows,
    }
    .render()
    .map_err(|e| e.to_string())
}

/// The indices in [`HEADER`] of the tutorial analogue, the 2011 and Python figures, and the
/// reference-equivalent rate.
const ANALOGUE: usize = 1;
const THEN_PYTHON: usize = 2;
const EQUIVALENT: usize = 7;
/// Each column's class, in [`HEADER`] order.
const CLASSES: [&str; COLUMNS] = ["", "", "", "median", "", "", "", "", "", "status", ""];

/// A row's profile links, and what it says where there is no profile of its own path: the
/// profiles are made on each variant's own choice of SIMD path, so a rung forced with `--isa`
/// links only its path's loop in the machine-code page, where it was read.
fn row_profile(p: Profiles<'_>, row: &Row) -> (Vec<(String, String)>, Option<String>) {
    let own = |links: Vec<(String, &'static str)>| {
        links
            .into_iter()
            .map(|(href, label)| (href, label.to_string()))
            .collect::<Vec<_>>()
    };
    if !row.isa_forced {
        let mut links = own(profile_links(p, &row.variant));
        links.extend(own(gpu_code_link(p, &row.variant).into_iter().collect()));
        return (links, None);
    }
    let isa = row.isa.map_or("this", |i| i.name());
    let Some(v) = p.summary.variant(&row.variant) else {
        return (Vec::new(), None);
    };
    let path_loop = v
        .hot_loop_page
        .as_ref()
        .filter(|_| row.isa.is_some_and(|i| v.paths.iter().any(|q| q.isa == i)))
        .map(|page| {
            (
                format!("{}/{page}#path-{isa}", p.base),
                format!("{isa} loop"),
            )
        });
    (
        path_loop.into_iter().collect(),
        Some(format!("no profile of the {isa} path")),
    )
}

/// Links to a variant's flamegraph, line profile and disassembly, where they exist; for a profile
/// made for another problem, last a link to the Profiles section's note saying which.
pub(super) fn profile_links(p: Profiles<'_>, variant: &str) -> Vec<(String, &'static str)> {
    let Some(v) = p.summary.variant(variant) else {
        return Vec::new();
    };
    let mut links = vec![(format!("{}/{}", p.base, v.flamegraph), "flamegraph")];
    if let Some(page) = &v.line_profile_page {
        links.push((format!("{}/{page}", p.base), "lines"));
    }
    if let Some(page) = &v.hot_loop_page {
        links.push((format!("{}/{page}", p.base), "machine code"));
    }
    if p.other_problem(v).is_some() {
        links.push((
            format!("#profile-{}", v.variant),
            "made for another problem",
        ));
    }
    links
}

/// The link to a GPU variant's machine code, where it was made.
fn gpu_code_link(p: Profiles<'_>, variant: &str) -> Option<(String, &'static str)> {
    let g = p.summary.gpu.iter().find(|g| g.variant == variant)?;
    Some((format!("{}/{}", p.base, g.page), "machine code"))
}

impl GpuNote {
    /// Whether a GPU was found, and the GPU variants' kernel-only times beside their whole runs;
    /// empty outside the GPU family.
    fn new(results: &Results, family: Family) -> GpuNote {
        let gpu: Vec<&VariantResult> = results
            .variants
            .iter()
            .filter(|v| family == Family::Gpu && v.info.family == Family::Gpu)
            .collect();
        let no_gpu = (!gpu.is_empty() && gpu.iter().all(|v| !v.info.available))
            .then(|| gpu[0].info.unavailable_reason.clone().unwrap_or_default());
        let rows = gpu
            .iter()
            .filter_map(|v| {
                let (whole, kernels) = (v.timing.as_ref()?, v.kernel_timing.as_ref()?);
                Some((
                    v.info.name.clone(),
                    format_timing(Some(whole)),
                    format_timing(Some(kernels)),
                    format!("{:.0}%", 100.0 * kernels.median / whole.median),
                ))
            })
            .collect();
        GpuNote {
            no_gpu,
            proved: mandel_variants::gpu::PROVED_WITHOUT_A_GPU,
            rows,
        }
    }
}
