//! The report's "Python today" section: every peer of `reports/peers.json` with its tool and
//! versions, its time, its validation and exactness, and how much faster the matching Rust
//! variant ran on the same machine.

use std::fmt::Write;

use super::format_seconds;
use super::html::esc;
use crate::peers::{self, PeerResults};
use crate::results::Results;

/// The section; where no peer was measured, or for another problem, a line saying how to.
pub fn section(results: &Results, peers: Option<&PeerResults>) -> String {
    let mut h = String::from("<section id=\"python-today\">\n<h2>Python today</h2>\n");
    let Some(peers) = peers else {
        let _ = writeln!(
            h,
            "<p class=\"note\">The tutorial's own Python has not been measured on this machine \
             yet: <code>{}</code> runs it (pure Python under CPython and PyPy, numpy, numexpr, \
             Cython, ParallelPython's ppft, numba) and the report shows it beside 2011 and \
             Rust.</p>\n</section>",
            peers::HOW_TO_MEASURE
        );
        return h;
    };
    let p = &peers.problem;
    if p.spec() != results.problem.spec() {
        let _ = writeln!(
            h,
            "<p class=\"note\">The peers beside this report were measured on another problem \
             ({} × {}, maxiter {}), so they are not compared here: run <code>cargo xtask peers \
             --width {} --height {} --maxiter {}</code>.</p>\n</section>",
            p.width,
            p.height,
            p.maxiter,
            results.problem.width,
            results.problem.height,
            results.problem.maxiter
        );
        return h;
    }
    let _ = writeln!(
        h,
        "<p>The tutorial's programs written anew in Python and run on this machine ({}), {}: the \
         kernel time measured inside each program as the tutorial printed \"Main took\", median \
         ± median absolute deviation of its runs; the JIT compilers (PyPy, numba) ran once \
         untimed first. Each program's counts are checked pixel for pixel against the \
         reference. The speed-up is the matching Rust variant's median from this report over \
         the peer's.</p>",
        esc(&peers.machine.cpu_model),
        esc(&peers.generated_at)
    );
    h.push_str(
        "<table class=\"results\">\n<thead><tr><th>peer</th><th>technique</th><th>tool</th>\
         <th>median ± spread</th><th>runs</th><th>validation sum</th><th>status</th>\
         <th>exactness</th><th>Rust variant</th><th>Rust speed-up</th></tr></thead>\n<tbody>\n",
    );
    for r in &peers.peers {
        let rust = results.variant(&r.variant).and_then(|v| v.seconds());
        let speedup = match (rust, r.median) {
            (Some(rs), Some(py)) if rs > 0.0 => {
                format!("{:.1}x ({})", py / rs, format_seconds(rs))
            }
            _ => "-".into(),
        };
        let status = match &r.reason {
            Some(why) if r.status != crate::validate::Status::Approx => {
                format!("{} ({why})", r.status.label())
            }
            _ => r.status.label().into(),
        };
        let _ = writeln!(
            h,
            "<tr class=\"{}\" data-peer=\"{}\"><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.status.label().to_lowercase(),
            esc(&r.name),
            esc(&r.name),
            if r.stands_for_row { " *" } else { "" },
            esc(&r.technique),
            esc(&r.tool_cell()),
            r.time_cell(),
            r.samples.len(),
            if r.warmup_excluded { " + warm-up" } else { "" },
            r.validation
                .as_ref()
                .map_or("-".into(), |v| v.validation_sum.to_string()),
            esc(&status),
            esc(&r.exactness),
            esc(&r.variant),
            speedup
        );
    }
    h.push_str(
        "</tbody>\n</table>\n<p class=\"note\">* the \"Python today\" figure of its variant's \
         row in the tables and charts above. Data: <a href=\"peers.json\">peers.json</a>.</p>\n",
    );
    let missing = rows_without_python(results, peers);
    if !missing.is_empty() {
        h.push_str("<p class=\"note\">Tutorial rows without a Python today figure:</p>\n<ul>\n");
        for (variant, why) in &missing {
            let _ = writeln!(h, "<li><code>{}</code>: {}</li>", esc(variant), esc(why));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");
    h
}

/// The rows of the report that have a 2011 figure but no "Python today" one, each with why: its
/// peer skipped, failed or was not run, or (the GPU rows) it has none.
pub fn rows_without_python(results: &Results, peers: &PeerResults) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for group in super::groups_with_peers(results, Some(peers)) {
        let rows = group
            .rows
            .iter()
            .filter(|r| r.tuning.is_none() && r.python_today.is_none());
        for row in rows.filter(|r| crate::tutorial::figure_for(&r.variant).is_some()) {
            let standing = peers::PEERS
                .iter()
                .find(|p| p.stands_for_row && p.variant == row.variant);
            let why = match standing {
                Some(p) => match peers.peers.iter().find(|r| r.name == p.name) {
                    Some(r) => format!(
                        "its peer {} is {}{}",
                        p.name,
                        r.status.label(),
                        r.reason
                            .as_deref()
                            .map_or(String::new(), |why| format!(" ({why})"))
                    ),
                    None => format!(
                        "its peer {} was not in this run (cargo xtask peers --peers {})",
                        p.name, p.name
                    ),
                },
                None if group.family == "gpu" => "no peer: pyCUDA needs an NVIDIA GPU and the \
                                                  CUDA toolkit, and the lab's Python peers \
                                                  are CPU-only"
                    .into(),
                None => "no peer for this technique yet".into(),
            };
            out.push((row.variant.clone(), why));
        }
    }
    out
}
