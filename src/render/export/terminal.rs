//! Tables for the terminal, drawn with `tabled`: rounded box-drawing borders where the terminal
//! can show them, plain ASCII where it may not ([`plain_ascii`]: a locale that is not UTF-8, or
//! `TERM=dumb`), every table through [`draw`]. The lab writes no colour of its own; clap's help
//! and errors honour `NO_COLOR` and `TERM=dumb` themselves.

use tabled::Table;
use tabled::builder::Builder;
use tabled::settings::object::Segment;
use tabled::settings::style::HorizontalLine;
use tabled::settings::{Format, Style};

use super::{Group, HEADER, cells_noting_skips, skip_reasons};
use crate::record::results::VariantInfo;

/// The width `list` fits in (a terminal of 100 columns).
pub const LIST_WIDTH: usize = 100;

/// Whether the terminal may not show anything but ASCII: `TERM=dumb`, or a locale (the first of
/// `LC_ALL`, `LC_CTYPE`, `LANG` that is set and not empty, as the C library picks it) that does
/// not name UTF-8. With none set, the C library's locale is `C`: ASCII.
pub fn plain_ascii() -> bool {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    plain_ascii_for(
        var("TERM").as_deref(),
        ["LC_ALL", "LC_CTYPE", "LANG"]
            .into_iter()
            .find_map(var)
            .as_deref(),
    )
}

/// [`plain_ascii`] for a given `TERM` and locale.
pub fn plain_ascii_for(term: Option<&str>, locale: Option<&str>) -> bool {
    if term == Some("dumb") {
        return true;
    }
    let Some(locale) = locale else {
        return true;
    };
    let lower = locale.to_ascii_lowercase();
    !(lower.contains("utf-8") || lower.contains("utf8"))
}

/// `table` as text: rounded borders, or ASCII borders and ASCII cells under [`plain_ascii`].
pub fn draw(table: Table) -> String {
    draw_as(table, plain_ascii())
}

/// [`draw`] with the choice made by the caller.
pub fn draw_as(mut table: Table, ascii: bool) -> String {
    if ascii {
        table
            .modify(Segment::all(), Format::content(to_ascii))
            .with(
                // As the rounded style: a line under the header and none between rows.
                Style::ascii()
                    .remove_horizontal()
                    .horizontals([(1, HorizontalLine::full('-', '+', '+', '+'))]),
            )
            .to_string()
    } else {
        table.with(Style::rounded()).to_string()
    }
}

/// `text` with the few non-ASCII signs the lab writes spelled in ASCII, and any other shown as
/// `?`, so that a table's columns still line up on a terminal that shows bytes.
pub fn to_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_ascii() => out.push(c),
            '×' => out.push('x'),
            '–' | '—' | '−' => out.push('-'),
            '…' => out.push_str("..."),
            'µ' | 'μ' => out.push('u'),
            '±' => out.push_str("+/-"),
            '≥' => out.push_str(">="),
            '≤' => out.push_str("<="),
            '→' => out.push_str("->"),
            '‘' | '’' => out.push('\''),
            '“' | '”' => out.push('"'),
            '²' => out.push('2'),
            '\u{a0}' | '\u{202f}' => out.push(' '),
            _ => out.push('?'),
        }
    }
    out
}

/// Each group as a titled table; a group without variants says so.
pub fn render(groups: &[Group]) -> String {
    let ascii = plain_ascii();
    let mut out = String::new();
    for g in groups {
        out.push_str(&format!("{}\n", g.title));
        if g.rows.is_empty() {
            out.push_str("  (no variants in this group yet)\n\n");
            continue;
        }
        let mut b = Builder::default();
        b.push_record(HEADER);
        for row in &g.rows {
            b.push_record(cells_noting_skips(row));
        }
        out.push_str(&draw_as(b.build(), ascii));
        out.push('\n');
        for (why, names) in skip_reasons(&g.rows) {
            out.push_str(&format!("  skipped {}: {why}\n", names.join(", ")));
        }
        out.push('\n');
    }
    out
}

/// The `list` table: every variant's name, family, exactness and availability in at most
/// [`LIST_WIDTH`] columns, the reasons (why inexact, what is missing) as numbered notes below it,
/// each wrapped to that width. `list --long` and `list --format json` give every detail.
pub fn variants_table(variants: &[VariantInfo], ascii: bool) -> String {
    let mut notes: Vec<String> = Vec::new();
    let mut note = |text: &str| {
        // The same reason (every GPU variant lacks the same driver) is one note.
        let n = match notes.iter().position(|n| n == text) {
            Some(i) => i + 1,
            None => {
                notes.push(text.to_string());
                notes.len()
            }
        };
        format!("no [{n}]")
    };
    let mut b = Builder::default();
    b.push_record([
        "name",
        "family",
        "tutorial analogue",
        "exact",
        "available here",
    ]);
    for v in variants {
        let exact = v.inexact_reason.as_deref().map_or("yes".into(), &mut note);
        let here = v
            .unavailable_reason
            .as_deref()
            .map_or("yes".into(), &mut note);
        let analogue = shortened(&v.analogue, ANALOGUE_WIDTH, ascii);
        b.push_record([v.name.clone(), v.family.to_string(), analogue, exact, here]);
    }
    let mut out = draw_as(b.build(), ascii);
    out.push('\n');
    for (i, text) in notes.iter().enumerate() {
        let text = if ascii { to_ascii(text) } else { text.clone() };
        out.push_str(&wrap(&format!("[{}] {text}", i + 1), LIST_WIDTH, "    "));
    }
    out
}

/// The widest the `list` table's analogue column may be, so that the table fits [`LIST_WIDTH`].
const ANALOGUE_WIDTH: usize = 32;

/// `text` cut to `width` characters, the cut marked by an ellipsis (`...` in ASCII).
fn shortened(text: &str, width: usize, ascii: bool) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mark = if ascii { "..." } else { "…" };
    let kept: String = text.chars().take(width - mark.chars().count()).collect();
    format!("{}{mark}", kept.trim_end())
}

/// `text` broken at spaces into lines of at most `width` characters (a longer word stands alone
/// on its line), each after the first indented by `indent`, each ending in a newline.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    // The first line keeps its own indentation.
    let mut line: String = text.chars().take_while(|c| *c == ' ').collect();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.to_string();
        } else if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dumb_terminal_or_a_locale_without_utf8_gets_ascii() {
        assert!(plain_ascii_for(Some("dumb"), Some("en_GB.UTF-8")));
        assert!(plain_ascii_for(Some("xterm"), Some("C")));
        assert!(plain_ascii_for(Some("xterm"), Some("POSIX")));
        assert!(plain_ascii_for(Some("xterm"), None));
        assert!(!plain_ascii_for(Some("xterm"), Some("en_GB.UTF-8")));
        assert!(!plain_ascii_for(None, Some("C.utf8")));
    }

    #[test]
    fn ascii_tables_have_only_ascii_and_still_line_up() {
        let mut b = Builder::default();
        b.push_record(["variant", "speed-up"]);
        b.push_record(["simd-rayon", "1.37×"]);
        b.push_record(["gpu", "—"]);
        let text = draw_as(b.build(), true);
        assert!(text.is_ascii(), "{text}");
        assert!(text.contains("1.37x"), "{text}");
        let widths: Vec<usize> = text.lines().map(str::len).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{text}");
        let mut b = Builder::default();
        b.push_record(["a"]);
        assert!(draw_as(b.build(), false).contains('╭'));
    }

    #[test]
    fn wrapped_lines_fit_their_width() {
        let text = "[1] no CUDA driver: install the NVIDIA driver and CUDA 12 or later, \
                    then rebuild; the variants were proved without a GPU on the emulator";
        let wrapped = wrap(text, 40, "    ");
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 40),
            "{wrapped}"
        );
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
    }
}
