//! The tables as JSON: the groups with their rows (the raw results are `results.json`).

use super::Group;

/// Pretty JSON of the groups.
pub fn render(groups: &[Group]) -> String {
    let mut s = serde_json::to_string_pretty(groups).expect("rows serialise to JSON");
    s.push('\n');
    s
}
