//! The pstats-like view (`profiles.html`): per variant, where the samples went, the hottest
//! lines and the loop, with links to the profiling stage's pages; a variant whose profile was
//! made for another problem than the report's (the set is updated a variant at a time) is shown
//! with a note naming that problem.

use askama::Template;

use super::{Context, ProfileLinks, Section, template_err};
use crate::record::results::Results;

/// The profiling stage's views, where it has run.
pub struct Profiles;

impl Section for Profiles {
    fn name(&self) -> &'static str {
        "profiles"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        page.extras
            .profiles
            .map(|pr| profile_section(pr, page.results).map_err(template_err))
            .transpose()
    }
}

/// `profiles.html`: per variant, where the samples went, the hottest lines and the loop.
#[derive(Template)]
#[template(path = "report/profiles.html")]
struct ProfileSection {
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
    /// The problem the profile was made for, where it is not the report's.
    other: Option<String>,
    /// Where its lines and machine code come from another callgrind problem than the latest
    /// run's (named in the section's introduction).
    callgrind: Option<String>,
    notes: Vec<String>,
}

/// The pstats-like view: per variant, where the samples went, the hottest lines and the loop.
fn profile_section(p: ProfileLinks<'_>, results: &Results) -> Result<String, askama::Error> {
    let s = p.summary;
    let c = &s.callgrind_spec;
    let about = format!(
        "Sampling: pprof at {} Hz for {} s per variant on {}, drawn with inferno. Lines and \
         machine code: valgrind's callgrind on {c}: instructions executed, attributed to source \
         lines through the inline chains. Latest profiling run {}; a variant profiled in another \
         run on another problem says so.",
        s.frequency, s.seconds, s.spec, s.generated_at
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
            let mut links = super::families::profile_links(p, &v.variant);
            // The note is right here: no link to it.
            links.retain(|(href, _)| !href.starts_with('#'));
            let c = v.callgrind_problem(s);
            ProfileView {
                name: v.variant.clone(),
                samples: v.samples,
                own_share: format!("{:.0}%", 100.0 * v.kernel_share),
                links,
                other: p.other_problem(v),
                callgrind: (c != s.callgrind_spec && v.line_profile.is_some())
                    .then(|| c.to_string()),
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
        about,
        variants,
        gpu,
    }
    .render()
}
