//! The report page, `reports/index.html`: self-contained, charts inline as SVG, the picture and
//! criterion's report beside it as files. The markup lives in templates (askama, checked at
//! compile time): `templates/report/page.html` is the page's structure, and each section is one
//! template there; this module only gathers what each template shows.

use askama::Template;
use mandel_variants::Family;

use super::{Group, HEADER, Row, cells_noting_skips, format_timing, noise_warnings, skip_reasons};
use crate::charts;
use crate::machine::human_size;
use crate::profile::ProfileSummary;
use crate::results::{ProblemInfo, Results, VariantResult};
use crate::sweep::Sweep;
use crate::tutorial::{self, TutorialFigure};

/// What other stages produced, shown where the report has them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras<'a> {
    pub profiles: Option<Profiles<'a>>,
    /// The problem of the profiles found beside the report when it is not the report's own: they
    /// are not linked, and the page says so.
    pub other_profiles: Option<crate::GridSpec>,
    /// The sweeps found beside the report, in the registry's order.
    pub sweeps: &'a [Sweep],
    /// The tutorial's Python measured on this machine (`reports/peers.json`).
    pub peers: Option<&'a crate::peers::PeerResults>,
    /// The compiler-flag lab's builds (`reports/flags.json`).
    pub flags: Option<&'a crate::flags::FlagResults>,
    /// The runs of `reports/history.jsonl` and the warnings from reading it; without them the
    /// page has no History section.
    pub history: Option<History<'a>>,
}

/// The report's history, as read from `history.jsonl`.
#[derive(Debug, Clone, Copy)]
pub struct History<'a> {
    pub entries: &'a [crate::history::Entry],
    /// What reading the file skipped, and why.
    pub warnings: &'a [String],
}

/// The profiling stage's summary and the path from the report to its folder.
#[derive(Debug, Clone, Copy)]
pub struct Profiles<'a> {
    pub summary: &'a ProfileSummary,
    /// Relative link from the report's folder to the flamegraphs folder, e.g. `../flamegraphs`.
    pub base: &'a str,
}

/// `page.html`: the whole page, its sections already rendered.
#[derive(Template)]
#[template(path = "report/page.html")]
struct Page<'a> {
    problem: &'a ProblemInfo,
    generated_at: &'a str,
    problem_rows: Vec<(&'static str, String)>,
    machine_rows: Vec<(&'static str, String)>,
    image: Option<&'a str>,
    image_width: usize,
    tutorial_problem: bool,
    warnings: Vec<String>,
    groups: Vec<String>,
    /// Sweeps whose axis has a section of its own.
    own_sections: Vec<String>,
    peers: String,
    flags: String,
    limit: String,
    profiles: String,
    /// The History section, empty where no history was given.
    history: String,
    figures: &'static [TutorialFigure],
    criterion_report: bool,
}

/// `group.html`: one family's section.
#[derive(Template)]
#[template(path = "report/group.html")]
struct GroupSection<'a> {
    family: &'a str,
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
    header: [&'static str; 10],
    with_profiles: bool,
    rows: Vec<ResultRow>,
}

struct ResultRow {
    class: &'static str,
    variant: String,
    cells: [String; 10],
    /// `(href, label)`: flamegraph, lines, machine code.
    links: Vec<(String, &'static str)>,
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

/// `profiles.html`: per variant, where the samples went, the hottest lines and the loop.
#[derive(Template)]
#[template(path = "report/profiles.html")]
struct ProfileSection {
    /// The problem of profiles that are not this report's, instead of them.
    other: Option<String>,
    about: String,
    variants: Vec<ProfileView>,
    /// The GPU variants' machine code: `(variant, page, summary)`.
    gpu: Vec<(String, String, String)>,
}

struct ProfileView {
    name: String,
    samples: u64,
    own_share: String,
    links: Vec<(String, &'static str)>,
    /// `(function, self, total)`.
    functions: Vec<(String, String, String)>,
    /// `(file:line, share)`.
    lines: Vec<(String, String)>,
    hot_loop: Option<String>,
    paths: Option<String>,
    notes: Vec<String>,
}

/// What the tutorial's story says each group is about (the registry's [`Family::intro`]).
fn group_intro(family: &str) -> &'static str {
    Family::parse(family).map_or("", Family::intro)
}

/// The whole page.
pub fn render(results: &Results, groups: &[Group], extras: Extras<'_>) -> Result<String, String> {
    let p = &results.problem;
    let mut group_sections = Vec::new();
    for g in groups {
        group_sections.push(group_section(results, g, extras)?);
    }
    let mut own_sections = Vec::new();
    for sw in extras.sweeps.iter().filter(|s| s.axis().family().is_none()) {
        own_sections.push(sweep_section(sw)?);
    }
    let profiles = match (extras.profiles, &extras.other_profiles) {
        (Some(pr), _) => profile_section(pr, results),
        (None, Some(other)) => ProfileSection {
            other: Some(format!(
                "{} × {}, maxiter {}, region {}",
                other.width, other.height, other.maxiter, other.region
            )),
            about: String::new(),
            variants: Vec::new(),
            gpu: Vec::new(),
        }
        .render()
        .map_err(|e| e.to_string())?,
        (None, None) => String::new(),
    };
    let page = Page {
        problem: p,
        generated_at: &results.generated_at,
        problem_rows: problem_rows(p, results.quick.as_ref()),
        machine_rows: machine_rows(results),
        image: results.image.as_deref(),
        image_width: p.columns.min(500),
        tutorial_problem: super::is_tutorial_problem(results),
        warnings: noise_warnings(results),
        groups: group_sections,
        own_sections,
        peers: super::peers::section(results, extras.peers),
        flags: super::flags::section(extras.flags)?,
        limit: super::roofline::limit_section(results, groups)?,
        profiles,
        history: match extras.history {
            Some(h) => super::history::section(h.entries, h.warnings)?,
            None => String::new(),
        },
        figures: tutorial::FIGURES,
        criterion_report: results.variants.iter().any(|v| {
            v.timing
                .as_ref()
                .is_some_and(|t| t.criterion_report.is_some())
        }),
    };
    page.render().map_err(|e| e.to_string())
}

fn problem_rows(
    p: &ProblemInfo,
    quick: Option<&crate::quick::QuickPlan>,
) -> Vec<(&'static str, String)> {
    let known = p
        .known_sum
        .map_or("none published".to_string(), |k| k.to_string());
    vec![
        (
            "region",
            format!(
                "x {} to {}, y {} to {}",
                p.region.x1, p.region.x2, p.region.y1, p.region.y2
            ),
        ),
        ("asked", format!("{} × {} pixels", p.width, p.height)),
        (
            "grid (real size)",
            format!("{} × {} = {} pixels", p.columns, p.rows, p.pixels),
        ),
        ("maxiter", p.maxiter.to_string()),
        ("reference validation sum", p.reference_sum.to_string()),
        ("tutorial's validation sum", known),
        ("inner-loop iterations", p.inner_iterations.to_string()),
        ("pixels that never escape", p.never_escape.to_string()),
    ]
    .into_iter()
    .chain(quick.map(|q| ("chosen by", q.describe())))
    .collect()
}

fn machine_rows(results: &Results) -> Vec<(&'static str, String)> {
    let m = &results.machine;
    let caches: Vec<String> = m
        .caches
        .iter()
        .map(|c| {
            format!(
                "{} {} (shared by {})",
                c.name,
                human_size(c.bytes),
                c.shared_by
            )
        })
        .collect();
    let settings =
        results
            .settings
            .as_ref()
            .map_or("one run per variant, no criterion".into(), |s| {
                format!(
                    "criterion, {} samples, {} s warm-up, {} s measurement, {}% confidence, \
                     {} bootstrap resamples{}",
                    s.samples,
                    s.warm_up_secs,
                    s.measurement_secs,
                    s.confidence_level * 100.0,
                    s.resamples,
                    if s.plots { "" } else { ", no criterion plots" }
                )
            });
    vec![
        (
            "CPU",
            if m.cpu_detail.is_empty() {
                m.cpu_model.clone()
            } else {
                format!("{} ({})", m.cpu_model, m.cpu_detail)
            },
        ),
        ("logical cores", m.logical_cores.to_string()),
        ("caches (per core)", caches.join(", ")),
        ("OS", m.os.clone()),
        ("compiler", m.rustc.clone()),
        (
            "build",
            format!(
                "profile {}, opt-level {}, target {}",
                m.profile, m.opt_level, m.target
            ),
        ),
        (
            "RUSTFLAGS",
            if m.rustflags.is_empty() {
                "(none)".into()
            } else {
                m.rustflags.clone()
            },
        ),
        ("target features", m.target_features.clone()),
        ("git revision", m.git_revision.clone()),
        ("date", m.date.clone()),
        ("timing", settings),
    ]
}

/// One family's section: its table, skip reasons, chart, and what belongs to it.
fn group_section(results: &Results, g: &Group, extras: Extras<'_>) -> Result<String, String> {
    let mut section = GroupSection {
        family: g.family,
        title: g.title,
        intro: group_intro(g.family),
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
        if g.family == "simd" {
            section
                .extras
                .push(super::roofline::ladder_section(results));
        }
        section
            .extras
            .push(gpu.render().map_err(|e| e.to_string())?);
        for sw in extras.sweeps {
            if sw.axis().family() == Some(g.family) {
                section.extras.push(sweep_section(sw)?);
            }
        }
    }
    section.render().map_err(|e| e.to_string())
}

fn results_table(rows: &[Row], profiles: Option<Profiles<'_>>) -> Result<String, String> {
    let rows = rows
        .iter()
        .map(|row| ResultRow {
            class: match row.status.as_str() {
                "OK" if row.noisy => "ok noisy",
                "OK" => "ok",
                "FAIL" => "fail",
                "SKIP" => "skip",
                _ => "approx",
            },
            variant: row.variant.clone(),
            cells: cells_noting_skips(row),
            links: profiles.map_or(Vec::new(), |p| {
                let mut links = profile_links(p, &row.variant);
                links.extend(gpu_code_link(p, &row.variant));
                links
            }),
        })
        .collect();
    ResultsTable {
        header: HEADER,
        with_profiles: profiles.is_some(),
        rows,
    }
    .render()
    .map_err(|e| e.to_string())
}

/// Links to a variant's flamegraph, line profile and disassembly, where they exist.
fn profile_links(p: Profiles<'_>, variant: &str) -> Vec<(String, &'static str)> {
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
    links
}

/// The link to a GPU variant's machine code, where it was made.
fn gpu_code_link(p: Profiles<'_>, variant: &str) -> Option<(String, &'static str)> {
    let g = p.summary.gpu.iter().find(|g| g.variant == variant)?;
    Some((format!("{}/{}", p.base, g.page), "machine code"))
}

/// The pstats-like view: per variant, where the samples went, the hottest lines and the loop.
fn profile_section(p: Profiles<'_>, results: &Results) -> String {
    let s = p.summary;
    let c = &s.callgrind_spec;
    let about = format!(
        "Sampling: pprof at {} Hz for {} s per variant on {} × {}, maxiter {}, drawn with \
         inferno. Lines and machine code: valgrind's callgrind on {} × {}, maxiter {}: \
         instructions executed, attributed to source lines through the inline chains. \
         Generated {}.",
        s.frequency,
        s.seconds,
        s.spec.width,
        s.spec.height,
        s.spec.maxiter,
        c.width,
        c.height,
        c.maxiter,
        s.generated_at
    );
    let variants = s
        .variants
        .iter()
        .filter(|v| results.variant(&v.variant).is_some())
        .map(|v| {
            let lines = v.line_profile.as_ref().map_or(Vec::new(), |lp| {
                let mut top: Vec<_> = lp.lines.iter().collect();
                top.sort_by(|a, b| b.share.total_cmp(&a.share));
                top.iter()
                    .take(5)
                    .map(|l| {
                        let file = l.file.rsplit('/').next().unwrap_or(&l.file);
                        (
                            format!("{file}:{}", l.line),
                            format!("{:.1}%", 100.0 * l.share),
                        )
                    })
                    .collect()
            });
            ProfileView {
                name: v.variant.clone(),
                samples: v.samples,
                own_share: format!("{:.0}%", 100.0 * v.kernel_share),
                links: profile_links(p, &v.variant),
                functions: v
                    .top_functions
                    .iter()
                    .take(6)
                    .map(|f| {
                        (
                            f.name.clone(),
                            format!("{:.1}%", 100.0 * f.self_share),
                            format!("{:.1}%", 100.0 * f.total_share),
                        )
                    })
                    .collect(),
                lines,
                hot_loop: v.hot_loop.as_ref().map(|hot| {
                    format!(
                        "Hot loop: {} instructions, vector width {}, fused multiply-add: {}.",
                        hot.instructions.len(),
                        hot.vector_width,
                        if hot.fma.is_empty() {
                            "none".into()
                        } else {
                            hot.fma.join(", ")
                        }
                    )
                }),
                paths: (!v.paths.is_empty()).then(|| crate::profile::paths::summary(&v.paths)),
                notes: v.notes.clone(),
            }
        })
        .collect();
    let gpu = s
        .gpu
        .iter()
        .map(|g| {
            (
                g.variant.clone(),
                format!("{}/{}", p.base, g.page),
                crate::profile::gpu::summary(g),
            )
        })
        .collect();
    ProfileSection {
        other: None,
        about,
        variants,
        gpu,
    }
    .render()
    .expect("the profiles template renders")
}

/// Any sweep: its heading, reading, figures, points and fits.
fn sweep_section(sw: &Sweep) -> Result<String, String> {
    let axis = sw.axis();
    let (id, title) = axis.heading();
    let mut charts = Vec::new();
    for chart in axis.charts(sw) {
        if let Some(svg) = charts::sweep_figure(sw, &chart)? {
            charts.push(strip_xml_decl(&svg).to_string());
        }
    }
    let table = |t: &super::sweep::Table| {
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
        points: table(&super::sweep::points(sw))?,
        fits: super::sweep::fits(sw).map(|f| table(&f)).transpose()?,
        dir: crate::sweep::DIR,
        axis: &sw.axis,
    }
    .render()
    .map_err(|e| e.to_string())
}

impl GpuNote {
    /// Whether a GPU was found, and the GPU variants' kernel-only times beside their whole runs;
    /// empty outside the GPU family.
    fn new(results: &Results, family: &str) -> GpuNote {
        let gpu: Vec<&VariantResult> = results
            .variants
            .iter()
            .filter(|v| family == "gpu" && v.info.family == "gpu")
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

/// plotters writes an XML declaration, which is not allowed inside HTML.
pub(super) fn strip_xml_decl(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// Escapes text for HTML element content and attribute values (double-quoted): `&`, `<`, `>` and
/// `"`; apostrophes stay as they are.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The templates' own filters.
pub(super) mod filters {
    use askama::filters::Safe;

    /// Text computed in Rust (names, reasons, sentences) escaped with [`super::esc`]: safe in
    /// element content and double-quoted attributes, its apostrophes kept as written.
    #[askama::filter_fn]
    pub fn text(s: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(super::esc(&s.to_string())))
    }
}
