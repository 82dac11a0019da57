//! CSV: the lab's one writer ([`line`], RFC 4180 quoting), used by the results' tables here and
//! by every sweep's `sweeps/<axis>.csv`; and the tables as one CSV file with a family column and
//! raw numbers (seconds, not formatted).

use super::Group;

const COLUMNS: [&str; 23] = [
    "family",
    "variant",
    "tuning",
    "analogue",
    "median_s",
    "spread_s",
    "min_s",
    "max_s",
    "samples",
    "speedup_vs_naive",
    "validation_sum",
    "status",
    "status_detail",
    "exactness",
    "noisy",
    "isa",
    "g_iterations_per_s",
    "cores",
    "limit_share",
    "equivalent_g_iterations_per_s",
    "tutorial_s",
    "python_today_s",
    "python_peer",
];

/// RFC 4180 CSV: a header line, then one line per variant.
pub fn render(groups: &[Group]) -> String {
    let mut out = line(&COLUMNS);
    for g in groups {
        for r in &g.rows {
            let num = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:e}"));
            let fields = [
                g.family.to_string(),
                r.variant.clone(),
                r.tuning.clone().unwrap_or_default(),
                r.analogue.clone(),
                num(r.median),
                num(r.spread),
                num(r.min),
                num(r.max),
                r.samples.map_or(String::new(), |n| n.to_string()),
                r.speedup_vs_naive
                    .map_or(String::new(), |s| format!("{s:.4}")),
                r.validation_sum.map_or(String::new(), |s| s.to_string()),
                r.status.clone(),
                r.status_detail.clone().unwrap_or_default(),
                r.exactness.clone(),
                r.noisy.to_string(),
                r.isa.map(|i| i.to_string()).unwrap_or_default(),
                r.throughput.map_or(String::new(), |t| format!("{t:.4}")),
                r.cores.map_or(String::new(), |c| c.to_string()),
                r.limit_share.map_or(String::new(), |s| format!("{s:.4}")),
                r.equivalent_throughput
                    .map_or(String::new(), |t| format!("{t:.4}")),
                num(r.tutorial_seconds),
                num(r.python_today),
                r.python_peer.clone().unwrap_or_default(),
            ];
            out.push_str(&line(&fields));
        }
    }
    out
}

/// One CSV record with its line end: the fields joined by commas, each quoted where it holds a
/// comma, a quote or a line break (RFC 4180).
pub fn line<S: AsRef<str>>(fields: &[S]) -> String {
    let quoted: Vec<String> = fields.iter().map(|f| quote(f.as_ref())).collect();
    let mut out = quoted.join(",");
    out.push('\n');
    out
}

/// A field as RFC 4180 writes it: as is, or in double quotes with its quotes doubled.
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::line;

    #[test]
    fn fields_with_commas_quotes_or_line_breaks_are_quoted() {
        assert_eq!(line(&["a", "b c"]), "a,b c\n");
        assert_eq!(
            line(&["x,y", "say \"hi\"", "1\n2"]),
            "\"x,y\",\"say \"\"hi\"\"\",\"1\n2\"\n"
        );
    }
}
