//! The page's opening: the problem and the machine, the picture, how to read the times, and the
//! noise warnings (`overview.html`).

use askama::Template;

use super::{Context, Section, template_err};
use crate::record::results::{ProblemInfo, Results};
use crate::record::units::human_size;
use crate::render::export::{is_tutorial_problem, noise_warnings};

/// The problem, the machine and the picture.
pub struct Overview;

/// `overview.html`.
#[derive(Template)]
#[template(path = "report/overview.html")]
struct OverviewSection<'a> {
    problem: &'a ProblemInfo,
    problem_rows: Vec<(&'static str, String)>,
    machine_rows: Vec<(&'static str, String)>,
    image: Option<&'a str>,
    image_width: usize,
    tutorial_problem: bool,
    warnings: Vec<String>,
}

impl Section for Overview {
    fn name(&self) -> &'static str {
        "overview"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        let results = page.results;
        let p = &results.problem;
        OverviewSection {
            problem: p,
            problem_rows: problem_rows(p, results.quick.as_ref()),
            machine_rows: machine_rows(results),
            image: results.image.as_deref(),
            image_width: p.columns.min(500),
            tutorial_problem: is_tutorial_problem(results),
            warnings: noise_warnings(results),
        }
        .render()
        .map(Some)
        .map_err(template_err)
    }
}

/// The problem's table: region, sizes, maxiter, validation sums.
fn problem_rows(
    p: &ProblemInfo,
    quick: Option<&crate::record::measured::QuickPlan>,
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

/// The machine's table: CPU, caches, compiler, build, timing settings.
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
        (
            "lab binary",
            m.build.as_ref().map_or_else(
                || "not recorded (results of an older lab)".into(),
                |b| format!("{}, compiled in {}", b.fingerprint, b.checkout),
            ),
        ),
        ("date", m.date.clone()),
        ("timing", settings),
    ]
}
