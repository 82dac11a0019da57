//! Terminal tables, drawn with `tabled`.

use tabled::builder::Builder;
use tabled::settings::Style;

use crate::results::{Results, VariantInfo};

/// The report table: variant, tutorial analogue, seconds, speed-up over `naive`, validation sum
/// and verdict.
pub fn results_table(results: &Results) -> String {
    let mut b = Builder::default();
    b.push_record([
        "variant",
        "tutorial analogue",
        "seconds",
        "speed-up vs naive",
        "validation sum",
        "status",
    ]);
    for v in &results.variants {
        let status = match (&v.validation, &v.info.unavailable_reason, &v.error) {
            (_, Some(why), _) => format!("SKIP ({why})"),
            (_, _, Some(err)) => format!("FAIL ({err})"),
            (Some(val), _, _) if val.mismatched_pixels > 0 => {
                format!("{} ({} px differ)", v.status.label(), val.mismatched_pixels)
            }
            _ => v.status.label().to_string(),
        };
        b.push_record([
            v.info.name.clone(),
            v.info.analogue.clone(),
            v.seconds.map_or("-".into(), |s| format!("{s:.4}")),
            v.speedup_vs_naive
                .map_or("-".into(), |s| format!("{s:.2}x")),
            v.validation
                .as_ref()
                .map_or("-".into(), |val| val.validation_sum.to_string()),
            status,
        ]);
    }
    b.build().with(Style::rounded()).to_string()
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
        b.push_record([
            v.name.clone(),
            v.family.clone(),
            v.analogue.clone(),
            match &v.inexact_reason {
                None => "yes".into(),
                Some(why) => format!("no: {why}"),
            },
            match &v.unavailable_reason {
                None => "yes".into(),
                Some(why) => format!("no: {why}"),
            },
        ]);
    }
    b.build().with(Style::rounded()).to_string()
}
