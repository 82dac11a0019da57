//! Tables for the terminal, drawn with `tabled`.

use tabled::builder::Builder;
use tabled::settings::Style;

use super::{Group, HEADER, cells_noting_skips, skip_reasons};
use crate::results::VariantInfo;

/// Each group as a titled table; a group without variants says so.
pub fn render(groups: &[Group]) -> String {
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
        out.push_str(&b.build().with(Style::rounded()).to_string());
        out.push('\n');
        for (why, names) in skip_reasons(&g.rows) {
            out.push_str(&format!("  skipped {}: {why}\n", names.join(", ")));
        }
        out.push('\n');
    }
    out
}

/// The `list` table: every variant with its metadata and availability.
pub fn variants_table(variants: &[VariantInfo]) -> String {
    let mut b = Builder::default();
    b.push_record([
        "name",
        "family",
        "tutorial analogue",
        "exact",
        "available here",
    ]);
    for v in variants {
        let yes_or = |why: &Option<String>| match why {
            None => "yes".to_string(),
            Some(why) => format!("no: {why}"),
        };
        b.push_record([
            v.name.clone(),
            v.family.to_string(),
            v.analogue.clone(),
            yes_or(&v.inexact_reason),
            yes_or(&v.unavailable_reason),
        ]);
    }
    b.build().with(Style::rounded()).to_string()
}
