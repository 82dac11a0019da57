//! The line-level view (line_profiler, `cython -a`): callgrind's per-instruction costs attributed
//! to source lines through the debug info's inline chains, so the cost of code inlined from other
//! crates (num-complex's multiply, an iterator adapter) lands on the variant's line that used it.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use askama::Template;

use super::callgrind::Profile;
use crate::LabError;
use crate::profile::views::{LineCost, LineProfile};

/// One frame of an instruction's inline chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub function: String,
    pub file: String,
    pub line: u32,
}

/// The inline chains (innermost first) of ELF addresses, from binutils' `addr2line -i`.
pub fn inline_chains(binary: &Path, addrs: &[u64]) -> Result<HashMap<u64, Vec<Frame>>, LabError> {
    let fail = |e: std::io::Error| LabError::Read {
        path: binary.to_path_buf(),
        source: std::io::Error::other(format!("addr2line (Debian: binutils): {e}")),
    };
    let (mut child, _tracked) = crate::interrupt::spawn(
        Command::new("addr2line")
            .args(["-a", "-f", "-i", "-C", "-e"])
            .arg(binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    )
    .map_err(fail)?;
    let mut input = String::new();
    for a in addrs {
        let _ = writeln!(input, "{a:#x}");
    }
    let mut stdin = child.stdin.take().expect("piped stdin");
    // Write from a thread so a large output cannot block the write.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().map_err(fail)?;
    writer.join().expect("writer thread").map_err(fail)?;
    Ok(parse_addr2line(&String::from_utf8_lossy(&output.stdout)))
}

/// Parses `addr2line -a -f -i` output: an address line, then function and `file:line` pairs.
pub fn parse_addr2line(text: &str) -> HashMap<u64, Vec<Frame>> {
    let mut out: HashMap<u64, Vec<Frame>> = HashMap::new();
    let mut current: Option<u64> = None;
    let mut function: Option<String> = None;
    for line in text.lines() {
        if let Some(hex) = line.strip_prefix("0x") {
            current = u64::from_str_radix(hex.trim(), 16).ok();
            function = None;
            continue;
        }
        let Some(addr) = current else { continue };
        match function.take() {
            None => function = Some(line.to_string()),
            Some(f) => {
                let location = line.split(" (discriminator").next().unwrap_or(line);
                let (file, line_no) = location.rsplit_once(':').unwrap_or((location, "0"));
                out.entry(addr).or_default().push(Frame {
                    function: f,
                    file: file.to_string(),
                    line: line_no.trim().parse().unwrap_or(0),
                });
            }
        }
    }
    out
}

/// Attributes every instruction to the innermost frame of its inline chain that lies in the
/// variant's code (`is_ours`), and every call from there to a function outside it (that does not
/// call back in) to the calling line.
pub fn attribute(
    profile: &Profile,
    chains: &HashMap<u64, Vec<Frame>>,
    is_ours: impl Fn(&str) -> bool,
) -> LineProfile {
    let ours_frame =
        |addr: u64| -> Option<&Frame> { chains.get(&addr)?.iter().find(|f| is_ours(&f.file)) };
    let mut lines: BTreeMap<(String, u32), (u64, u64)> = BTreeMap::new();
    for (&addr, &cost) in &profile.cost {
        if let Some(f) = ours_frame(addr) {
            let e = lines.entry((f.file.clone(), f.line)).or_default();
            e.0 += cost;
            e.1 = e.1.max(cost);
        }
    }
    let reentrant = profile.reentrant(&is_ours);
    let mut calls_out: BTreeMap<String, u64> = BTreeMap::new();
    for call in &profile.calls {
        let callee_ours = is_ours(&call.callee_file)
            || profile
                .function_files
                .get(&call.callee)
                .is_some_and(|f| is_ours(f));
        if callee_ours || reentrant.contains(&call.callee) {
            continue;
        }
        if let Some(f) = ours_frame(call.site) {
            lines.entry((f.file.clone(), f.line)).or_default().0 += call.inclusive;
            *calls_out.entry(call.callee.clone()).or_default() += call.inclusive;
        }
    }
    let kernel_cost: u64 = lines.values().map(|v| v.0).sum();
    let lines = lines
        .into_iter()
        .map(|((file, line), (cost, hits))| LineCost {
            file,
            line,
            cost,
            hits,
            share: cost as f64 / kernel_cost.max(1) as f64,
        })
        .collect();
    let mut calls_out: Vec<(String, u64)> = calls_out.into_iter().collect();
    calls_out.sort_by_key(|c| std::cmp::Reverse(c.1));
    LineProfile {
        kernel_cost,
        lines,
        calls_out,
    }
}

/// `lines.html`: the annotated source of every file the kernel's cost landed in.
#[derive(Template)]
#[template(path = "profile/lines.html")]
struct LinesPage<'a> {
    title: &'a str,
    css: &'static str,
    kernel_cost: u64,
    /// `(function, share)` of each call out of the variant's code.
    calls_out: Vec<(&'a str, String)>,
    /// Files with almost no cost, only named: `path (share)`.
    minor: Vec<String>,
    files: Vec<SourceFile>,
}

/// One file of [`LinesPage`], every line of it.
struct SourceFile {
    name: String,
    share: String,
    rows: Vec<SourceLine>,
}

/// One source line: its number, hits and share where it cost anything, and its heat.
struct SourceLine {
    line: u32,
    hits: String,
    share: String,
    /// The background's opacity, for lines that cost anything.
    heat: Option<String>,
    text: String,
}

/// The annotated source as an HTML page: every line of every file the kernel's cost landed in,
/// with hits, share and a heat colour.
pub fn render_html(lp: &LineProfile, title: &str, root: &Path) -> String {
    let calls_out = lp
        .calls_out
        .iter()
        .map(|(f, c)| (f.as_str(), format!("{:.1}%", pct(*c, lp.kernel_cost))))
        .collect();
    let max_share = lp
        .lines
        .iter()
        .map(|l| l.share)
        .fold(0.0, f64::max)
        .max(1e-12);
    // Files by their share of the kernel, largest first; files with almost none are only named.
    let mut shares: BTreeMap<&str, f64> = BTreeMap::new();
    for l in &lp.lines {
        *shares.entry(l.file.as_str()).or_default() += l.share;
    }
    let mut files: Vec<(&str, f64)> = shares.into_iter().collect();
    files.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (shown_files, minor): (Vec<_>, Vec<_>) = files.into_iter().partition(|f| f.1 >= 0.001);
    let minor = minor
        .iter()
        .map(|(f, s)| format!("{} ({:.2}%)", display_path(f, root), 100.0 * s))
        .collect();
    let files = shown_files
        .into_iter()
        .map(|(file, file_share)| {
            let by_line: HashMap<u32, &LineCost> = lp
                .lines
                .iter()
                .filter(|l| l.file == file)
                .map(|l| (l.line, l))
                .collect();
            let source = std::fs::read_to_string(file).unwrap_or_default();
            let rows = source
                .lines()
                .enumerate()
                .map(|(i, text)| {
                    let line = i as u32 + 1;
                    let cost = by_line.get(&line);
                    SourceLine {
                        line,
                        hits: cost.map_or(String::new(), |l| l.hits.to_string()),
                        share: cost.map_or(String::new(), |l| format!("{:.1}%", 100.0 * l.share)),
                        heat: cost.map(|l| format!("{:.3}", 0.08 + 0.72 * l.share / max_share)),
                        text: text.to_string(),
                    }
                })
                .collect();
            SourceFile {
                name: display_path(file, root),
                share: format!("{:.1}%", 100.0 * file_share),
                rows,
            }
        })
        .collect();
    LinesPage {
        title,
        css: CSS,
        kernel_cost: lp.kernel_cost,
        calls_out,
        minor,
        files,
    }
    .render()
    .expect("the lines template renders")
}

/// A path relative to the workspace root where it lies inside it.
fn display_path(file: &str, root: &Path) -> String {
    Path::new(file)
        .strip_prefix(root)
        .unwrap_or(Path::new(file))
        .display()
        .to_string()
}

fn pct(part: u64, whole: u64) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

const CSS: &str = "body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; }
td, th { padding: 0 8px; text-align: left; } td.n { text-align: right; color: #444; }
pre { margin: 0; font-family: ui-monospace, monospace; }";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::callgrind::{Call, Profile};

    #[test]
    fn inline_chains_parse_with_discriminators() {
        let text = "0x0000000000001000\ncore::ops::mul\n/r/num-complex/src/lib.rs:10\n\
                    naive::calculate_z\n/w/variants/src/naive.rs:30 (discriminator 2)\n\
                    0x0000000000001004\nhypot\n??:0\n";
        let chains = parse_addr2line(text);
        assert_eq!(chains[&0x1000].len(), 2);
        assert_eq!(chains[&0x1000][1].line, 30);
        assert_eq!(chains[&0x1000][1].file, "/w/variants/src/naive.rs");
        assert_eq!(chains[&0x1004][0].file, "??");
    }

    #[test]
    fn inlined_library_code_and_calls_land_on_the_calling_line() {
        let frame = |file: &str, line| Frame {
            function: "f".into(),
            file: file.into(),
            line,
        };
        let chains = HashMap::from([
            (
                0x1000,
                vec![
                    frame("/r/num-complex/lib.rs", 10),
                    frame("/w/variants/n.rs", 30),
                ],
            ),
            (0x1004, vec![frame("/w/variants/n.rs", 31)]),
            (0x2000, vec![frame("/w/src/main.rs", 5)]),
        ]);
        let mut profile = Profile::default();
        profile
            .cost
            .extend([(0x1000, 60), (0x1004, 20), (0x2000, 1000)]);
        profile.calls.push(Call {
            caller: "calculate_z".into(),
            callee: "hypot".into(),
            callee_file: "???".into(),
            site: 0x1004,
            inclusive: 20,
        });
        let lp = attribute(&profile, &chains, |f| f.contains("/variants/"));
        assert_eq!(lp.kernel_cost, 100, "main.rs is not the kernel");
        assert!((lp.share_of_lines("n.rs", 30, 30) - 0.6).abs() < 1e-12);
        assert!((lp.share_of_lines("n.rs", 31, 31) - 0.4).abs() < 1e-12);
        assert_eq!(lp.calls_out, vec![("hypot".to_string(), 20)]);
    }

    #[test]
    fn the_page_shows_every_line_of_a_costly_file_with_its_heat() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("k.rs");
        std::fs::write(&file, "fn k() {\n    let z = a < b && c > \"d\";\n}\n").unwrap();
        let file = file.to_string_lossy().into_owned();
        let lp = LineProfile {
            kernel_cost: 1000,
            lines: vec![LineCost {
                file: file.clone(),
                line: 2,
                cost: 900,
                hits: 30,
                share: 0.9,
            }],
            calls_out: vec![("hypot<f64>".into(), 100)],
        };
        let page = render_html(&lp, "naive: lines", dir.path());
        assert!(page.contains("<h1>naive: lines</h1>"), "{page}");
        assert!(
            page.contains("<code>hypot&#60;f64&#62;</code> 10.0%"),
            "{page}"
        );
        assert!(
            page.contains("<h2>k.rs <small>(90.0% of the kernel)</small></h2>"),
            "{page}"
        );
        assert!(
            page.contains(
                "<tr style=\"background: rgba(230, 60, 0, 0.800)\"><td class=\"n\">2</td>\
             <td class=\"n\">30</td><td class=\"n\">90.0%</td><td><pre>    let z = a &#60; b \
             &#38;&#38; c &#62; &#34;d&#34;;</pre></td></tr>"
            ),
            "{page}"
        );
        assert!(
            page.contains("<tr><td class=\"n\">3</td><td class=\"n\"></td>"),
            "{page}"
        );
    }
}
