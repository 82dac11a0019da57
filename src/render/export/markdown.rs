//! The tables as GitHub-flavoured Markdown.

use super::{Group, HEADER, cells_noting_skips, skip_reasons};

/// One `###` section per group, each with a pipe table.
pub fn render(groups: &[Group]) -> String {
    let mut out = String::new();
    for g in groups {
        out.push_str(&format!("### {}\n\n", g.title));
        if g.rows.is_empty() {
            out.push_str("_No variants in this group yet._\n\n");
            continue;
        }
        out.push_str(&format!("| {} |\n", HEADER.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(HEADER.len())));
        for row in &g.rows {
            let escaped: Vec<String> = cells_noting_skips(row)
                .iter()
                .map(|c| c.replace('|', "\\|"))
                .collect();
            out.push_str(&format!("| {} |\n", escaped.join(" | ")));
        }
        out.push('\n');
        for (why, names) in skip_reasons(&g.rows) {
            out.push_str(&format!("Skipped {}: {why}.\n\n", names.join(", ")));
        }
    }
    out
}
