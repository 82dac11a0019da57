//! The report's "Compiler flags" section, from `reports/flags.json` alone: the builds × variants
//! table (median ± spread, speed-up over the default build, exactness), a heat map of the
//! speed-ups with inexact cells marked, one sentence per build from its machine code, and the
//! answer to the tutorial's closing wish.

use askama::Template;

use super::{Context, Section};
use crate::codegen::{self, BASELINE, BuildStatus, Cell, CodegenResults, Lang};
use crate::record::units::format_seconds;
use crate::render::markup::{filters, strip_xml_decl};

/// `codegen.html`: the section, or how to make a flags run where none was made.
#[derive(Template)]
#[template(path = "report/codegen.html")]
struct CodegenSection {
    how_to_measure: &'static str,
    /// The variant whose kernel is C (the registry's), which gcc's builds run alone.
    c_kernel: &'static str,
    run: Option<CodegenRun>,
}

/// What `reports/flags.json` holds, as the section shows it.
struct CodegenRun {
    samples: usize,
    quick: bool,
    cpu_model: String,
    logical_cores: usize,
    generated_at: String,
    variants: Vec<String>,
    builds: Vec<BuildRow>,
    /// `(the control's noise, a ratio's spread, the noise threshold)`, in whole percent.
    control: Option<(String, String, String)>,
    heat_map: Option<String>,
    /// One answer per language, its text with the spans set as code.
    answers: Vec<Vec<Span>>,
}

/// One build: its row of the table and its sentence from the machine code.
struct BuildRow {
    name: String,
    flags: String,
    time: String,
    cells: Vec<CodegenCell>,
    sentence: String,
}

/// One cell of the table: its lines, one under the other.
struct CodegenCell {
    class: &'static str,
    colspan: Option<usize>,
    lines: Vec<String>,
}

/// A piece of a sentence, set as code or not.
struct Span {
    text: String,
    code: bool,
}

/// The section; where no flags run was made, a line saying how to make one.
pub fn section(results: Option<&CodegenResults>) -> Result<String, String> {
    let run = match results {
        Some(r) => Some(CodegenRun {
            samples: r.settings.samples,
            quick: r.quick,
            cpu_model: r.machine.cpu_model.clone(),
            logical_cores: r.machine.logical_cores,
            generated_at: r.generated_at.clone(),
            variants: r.variants.clone(),
            builds: r
                .builds
                .iter()
                .map(|b| BuildRow {
                    name: b.name.clone(),
                    flags: b.flags.clone(),
                    time: b.build_seconds.map_or("-".into(), |s| format!("{s:.0} s")),
                    cells: cells(r, b),
                    sentence: build_sentence(r, &b.name),
                })
                .collect(),
            control: r.control_noise().map(|noise| {
                (
                    format!("{:.0}", 100.0 * noise),
                    format!("{:.0}", 100.0 * r.ratio_spread().unwrap_or(0.0)),
                    format!("{:.0}", 100.0 * r.noise()),
                )
            }),
            heat_map: crate::render::report::charts::codegen::heat_map(r)?
                .map(|svg| strip_xml_decl(&svg).to_string()),
            answers: [Lang::Rust, Lang::C]
                .into_iter()
                .map(|lang| code_spans(&codegen::answer_sentence(&codegen::answer(r, lang))))
                .collect(),
        }),
        None => None,
    };
    CodegenSection {
        how_to_measure: codegen::HOW_TO_MEASURE,
        c_kernel: mandel_variants::VARIANTS
            .iter()
            .find(|v| v.is_c())
            .map_or("", |v| v.name),
        run,
    }
    .render()
    .map_err(|e| e.to_string())
}

/// A build's cells across the variants: the reason it has none, or each variant's.
fn cells(r: &CodegenResults, b: &codegen::Build) -> Vec<CodegenCell> {
    if b.status != BuildStatus::Ok {
        let what = if b.status == BuildStatus::Failed {
            "build failed"
        } else {
            "skipped"
        };
        return vec![CodegenCell {
            class: "skip",
            colspan: Some(r.variants.len()),
            lines: vec![format!("{what}: {}", b.reason.as_deref().unwrap_or(""))],
        }];
    }
    r.variants
        .iter()
        .map(|v| match r.cell(&b.name, v) {
            Some(c) => cell(r, c),
            None => CodegenCell {
                class: "na",
                colspan: None,
                lines: vec![if b.lang == Lang::C { "-" } else { "not run" }.into()],
            },
        })
        .collect()
}

fn cell(r: &CodegenResults, c: &Cell) -> CodegenCell {
    if let Some(e) = &c.error {
        return CodegenCell {
            class: "fail",
            colspan: None,
            lines: vec![format!("error: {e}")],
        };
    }
    let time = c.timing.as_ref().map_or("-".into(), |t| {
        format!(
            "{} ± {:.1}%",
            format_seconds(t.median),
            100.0 * t.relative_spread()
        )
    });
    let speedup = r
        .speedup(&c.build, &c.variant)
        .map_or("-".into(), |s| format!("{s:.2}x"));
    let (class, exact) = match &c.validation {
        Some(v) if v.mismatched_pixels == 0 => ("exact", "exact".to_string()),
        Some(v) => (
            "inexact",
            format!(
                "{} pixels differ (sum {})",
                v.mismatched_pixels, v.validation_sum
            ),
        ),
        None => ("fail", "not validated".into()),
    };
    CodegenCell {
        class,
        colspan: None,
        lines: vec![time, speedup, exact],
    }
}

/// One sentence on why `build` helped or not, from its loops against the default build's.
pub fn build_sentence(r: &CodegenResults, build: &str) -> String {
    let Some(b) = r.builds.iter().find(|b| b.name == build) else {
        return String::new();
    };
    match b.status {
        BuildStatus::Failed => {
            return format!(
                "the build failed ({}).",
                b.reason.as_deref().unwrap_or("no reason")
            );
        }
        BuildStatus::Skipped => {
            return format!("not built here: {}.", b.reason.as_deref().unwrap_or(""));
        }
        BuildStatus::Ok => {}
    }
    let mut facts = Vec::new();
    for c in r.cells.iter().filter(|c| c.build == build) {
        let base = r
            .cell(BASELINE, &c.variant)
            .and_then(|b| b.evidence.as_ref());
        let Some(e) = &c.evidence else { continue };
        if !e.fma.is_empty() && base.is_none_or(|b| b.fma.is_empty()) {
            let first = e.fma[0].split_whitespace().next().unwrap_or("");
            let broke = c
                .validation
                .as_ref()
                .filter(|v| v.mismatched_pixels > 0)
                .map_or(String::new(), |v| {
                    format!(
                        ", which rounds once and moves {} pixels",
                        v.mismatched_pixels
                    )
                });
            facts.push(format!(
                "{}'s loop now fuses multiplies and adds ({} FMA, e.g. {first}){broke}",
                c.variant,
                e.fma.len()
            ));
        }
        if let Some(v) = c.validation.as_ref().filter(|v| v.mismatched_pixels > 0)
            && e.fma.is_empty()
        {
            facts.push(format!(
                "{}'s answer changed ({} pixels differ) with no FMA in its loop: the arithmetic \
                 was reordered",
                c.variant, v.mismatched_pixels
            ));
        }
        if let Some(base) = base {
            if base.vector_width != e.vector_width {
                facts.push(format!(
                    "{}'s loop is {} (default build: {})",
                    c.variant, e.vector_width, base.vector_width
                ));
            } else if e
                .instructions
                .abs_diff(base.instructions)
                .saturating_mul(10)
                > base.instructions
            {
                facts.push(format!(
                    "{}'s loop has {} instructions (default build: {})",
                    c.variant, e.instructions, base.instructions
                ));
            }
        }
    }
    let speed = match BASELINE == build {
        true => "the baseline".to_string(),
        false => match r.mean_speedup(build) {
            Some((s, _)) if (s - 1.0).abs() < r.noise() => {
                format!("{s:.2}x, within the noise")
            }
            Some((s, n)) if n > 1 => format!("{s:.2}x (geometric mean)"),
            Some((s, _)) => format!("{s:.2}x"),
            None => "not timed".into(),
        },
    };
    if build == BASELINE {
        let loops: Vec<String> = r
            .cells
            .iter()
            .filter(|c| c.build == build)
            .filter_map(|c| {
                let e = c.evidence.as_ref()?;
                Some(format!(
                    "{} {} ({} instructions{})",
                    c.variant,
                    e.vector_width,
                    e.instructions,
                    if e.fma.is_empty() {
                        ", no FMA"
                    } else {
                        ", FMA"
                    }
                ))
            })
            .collect();
        return format!(
            "the baseline; its hot loops: {}.",
            if loops.is_empty() {
                "not read".into()
            } else {
                loops.join(", ")
            }
        );
    }
    if facts.is_empty() {
        format!(
            "{speed}: its hot loops have the default build's shape (same vector width, no new \
             FMA, about as many instructions), so what changed is code placement and inlining \
             around them."
        )
    } else {
        format!("{speed}: {}.", facts.join("; "))
    }
}

/// Text between backquotes set as code: `native` becomes a code span.
fn code_spans(text: &str) -> Vec<Span> {
    text.split('`')
        .enumerate()
        .map(|(i, part)| Span {
            text: part.to_string(),
            code: i % 2 == 1,
        })
        .collect()
}

/// "Compiler flags" ([`section`]).
pub struct Codegen;

impl Section for Codegen {
    fn name(&self) -> &'static str {
        "flags"
    }

    fn render(&self, page: &Context<'_>) -> Result<Option<String>, String> {
        if page.extras.is_broken(codegen::JSON_FILE) {
            return Ok(None);
        }
        section(page.extras.flags).map(Some)
    }
}
