//! The pstats-like view (`profiles.html`): per variant, where the samples went, the hottest
//! lines and the loop, with links to the profiling stage's pages; or which problem the profiles
//! beside the report were made for, when it is not the report's.

use askama::Template;

use super::{Context, ProfileLinks, Section, template_err};
use crate::results::Results;

/// The profiling stage's views, where it has run.
pub struct Profiles;

impl Section for Profiles {
    fn name(&self) -> &'static str {
        "profiles"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        Ok(match (page.extras.profiles, &page.extras.other_profiles) {
            (Some(pr), _) => Some(profile_section(pr, page.results)),
            (None, Some(other)) => Some(
                ProfileSection {
                    other: Some(format!(
                        "{} × {}, maxiter {}, region {}",
                        other.width, other.height, other.maxiter, other.region
                    )),
                    about: String::new(),
                    variants: Vec::new(),
                    gpu: Vec::new(),
                }
                .render()
                .map_err(template_err)?,
            ),
            (None, None) => None,
        })
    }
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

/// The pstats-like view: per variant, where the samples went, the hottest lines and the loop.
fn profile_section(p: ProfileLinks<'_>, results: &Results) -> String {
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
                links: super::families::profile_links(p, &v.variant),
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
