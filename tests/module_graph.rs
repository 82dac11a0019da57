//! The lab's modules import one another without a cycle, nothing imports `cli`, and the schema is
//! the ground floor: the schema modules import only the floor beneath them (each other, the file
//! rules, the problem's definition and leaves), never measuring or rendering.
//!
//! Reads `src/**/*.rs` as text (no build needed). A node of the graph is a module to the depth of
//! the layout's folders: `record::results`, `sweep::schema`, `error`; a file deeper down belongs
//! to its second-level module (`render/report/sections/overview.rs` is `render::report`). Each
//! file's references are the paths it names: `crate::a::b`, every item of a `crate::{...}` group,
//! and `super::x` resolved from the file's own module; each path is followed through the modules
//! it names and through the `pub use` re-exports of `lib.rs` and every `mod.rs`
//! (`crate::sweep::Sweep` is `sweep::schema`, `crate::LabError` is `error`). Comments and
//! `#[cfg(test)]` modules (inline, or a file behind `#[cfg(test)] mod tests;`) are left out: a
//! test may reach anywhere. Every file is also named on ARCHITECTURE.md's map of `src/`.

mod common;
#[path = "module_graph/graph.rs"]
mod graph;

use std::collections::BTreeSet;
use std::path::Path;

use graph::{Graph, find_cycle, graph, paths_after};

/// The schema: what the stages write and read back. Measuring fills these types and rendering
/// reads them; they depend on neither.
const SCHEMA: &[&str] = &[
    "record::results",
    "record::check",
    "record::measured",
    "record::machine",
    "record::ranks",
    "record::conditions",
    "record::account",
    "record::history",
    "sweep::schema",
    "profile::summary",
    "profile::views",
    "peers::schema",
    "codegen",
];

/// The floor beneath the schema: the error type, the file rules (read, write, the output
/// folder), interruption, how quantities are written, which build ran, and the problem's
/// definition. Besides these and each other, schema modules import only leaves (modules that
/// import nothing from the crate).
const FLOOR: &[&str] = &[
    "error",
    "interrupt",
    "record::read",
    "record::write",
    "record::output",
    "record::units",
    "record::build_id",
    "problem::grid",
    "problem::known",
];

#[test]
fn modules_have_no_import_cycle() {
    let graph = graph();
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle among modules: {}", cycle.join(" -> "));
    }
}

#[test]
fn nothing_imports_the_command_line() {
    let graph = graph();
    let users: Vec<String> = graph
        .iter()
        .filter(|(m, _)| !in_cli(m))
        .flat_map(|(m, uses)| {
            uses.iter()
                .filter(|u| in_cli(u))
                .map(move |u| format!("{m} -> {u}"))
        })
        .collect();
    assert!(users.is_empty(), "modules importing cli: {users:?}");
}

#[test]
fn the_schema_stands_on_the_floor_alone() {
    let graph = graph();
    for module in SCHEMA.iter().chain(FLOOR) {
        assert!(
            graph.contains_key(*module),
            "{module} is named in the layering rule but is no module of src/"
        );
    }
    let breaches = layering_breaches(&graph);
    assert!(
        breaches.is_empty(),
        "the schema or its floor imports a module above them (measuring, rendering, a stage): \
         {breaches:?}; move the type it needs down, into the schema or a leaf"
    );
}

#[test]
fn every_file_of_src_is_on_the_architecture_map() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .unwrap();
    let start = doc
        .find("### `src/`")
        .expect("ARCHITECTURE.md has a map of src/");
    let end = start + doc[start..].find("\n### ").unwrap_or(doc.len() - start);
    let missing = missing_from_map(&doc[start..end], &graph::source_files());
    assert!(
        missing.is_empty(),
        "files of src/ not on ARCHITECTURE.md's map (name each by its path under src/, in \
         backticks): {missing:?}"
    );
}

#[test]
fn the_reader_sees_a_planted_cycle_and_a_planted_breach() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&g).unwrap(), ["a", "b", "c", "a"]);

    let mut g = Graph::new();
    for m in SCHEMA.iter().chain(FLOOR) {
        g.entry(m.to_string()).or_default();
    }
    g.entry("measure::criterion".into())
        .or_default()
        .insert("record::write".into());
    g.entry("measure::stats".into()).or_default();
    // A schema module may import a leaf, the floor and other schema modules...
    for to in ["measure::stats", "record::write", "record::measured"] {
        g.get_mut("record::results").unwrap().insert(to.into());
    }
    assert!(layering_breaches(&g).is_empty());
    // ... but not a module that imports the crate, such as a measuring one.
    g.get_mut("record::results")
        .unwrap()
        .insert("measure::criterion".into());
    assert_eq!(
        layering_breaches(&g),
        ["record::results -> measure::criterion"]
    );

    let files = ["record/results.rs".to_string(), "record/new.rs".to_string()];
    let map = "- `record/results.rs`: the schema; `new.rs` alone is not a path.";
    assert_eq!(missing_from_map(map, &files), ["record/new.rs"]);

    let refs = paths_after(
        "use crate::{record::write, x::{y, z}, LabError};\nlet a = crate::problem::grid::G;",
        "crate::",
    );
    assert_eq!(
        refs,
        [
            vec!["record", "write"],
            vec!["x", "y"],
            vec!["x", "z"],
            vec!["LabError"],
            vec!["problem", "grid", "G"],
        ]
    );
}

/// The files (paths under `src/`) that `map` does not name as `` `path` ``.
fn missing_from_map(map: &str, files: &[String]) -> Vec<String> {
    files
        .iter()
        .filter(|f| !map.contains(&format!("`{f}`")))
        .cloned()
        .collect()
}

fn in_cli(module: &str) -> bool {
    module == "cli" || module.starts_with("cli::")
}

/// Every import of a schema or floor module that leaves the schema, the floor and the leaves, as
/// `from -> to`.
fn layering_breaches(graph: &Graph) -> Vec<String> {
    let ground: BTreeSet<&str> = SCHEMA.iter().chain(FLOOR).copied().collect();
    let leaves: BTreeSet<&str> = graph
        .iter()
        .filter(|(_, uses)| uses.is_empty())
        .map(|(m, _)| m.as_str())
        .collect();
    let empty = BTreeSet::new();
    let mut breaches = Vec::new();
    for from in &ground {
        for to in graph.get(*from).unwrap_or(&empty) {
            if !ground.contains(to.as_str()) && !leaves.contains(to.as_str()) {
                breaches.push(format!("{from} -> {to}"));
            }
        }
    }
    breaches
}
