//! The lab's top-level modules import one another without a cycle, and nothing imports `cli`.
//!
//! Reads `src/**/*.rs` as text (no build needed) and collects, per top-level module (`bench`,
//! `report`, `export`, ...), the top-level modules it names: `use crate::x`, `use crate::{x, y}`,
//! `crate::x::` paths in code, `super::x` where `super` is the crate root, and the root's own
//! re-exports (`crate::LabError` is `error`). Comments and `#[cfg(test)]` modules (inline, or a
//! file behind `#[cfg(test)] mod tests;`) are left out: a test may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The graph: each top-level module and the top-level modules it uses.
type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn top_level_modules_have_no_import_cycle() {
    let graph = graph();
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle among top-level modules: {}",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn nothing_imports_the_command_line() {
    let graph = graph();
    let users: Vec<&String> = graph
        .iter()
        .filter(|(m, uses)| m.as_str() != "cli" && uses.contains("cli"))
        .map(|(m, _)| m)
        .collect();
    assert!(users.is_empty(), "modules importing cli: {users:?}");
}

#[test]
fn the_reader_sees_a_planted_cycle() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&g).unwrap(), ["a", "b", "c", "a"]);
    let refs = references("use crate::{fsutil, x::{y, z}, LabError};\nlet a = crate::grid::G;");
    assert_eq!(refs, ["fsutil", "x", "LabError", "grid"]);
}

/// The top-level modules (`pub mod x;` in `src/lib.rs`) and the root's re-exports by name.
fn root() -> (BTreeSet<String>, BTreeMap<String, String>) {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let mut modules = BTreeSet::new();
    let mut reexports = BTreeMap::new();
    for line in lib.lines().map(str::trim) {
        if let Some(name) = line
            .strip_prefix("pub mod ")
            .and_then(|l| l.strip_suffix(';'))
        {
            modules.insert(name.to_string());
        } else if let Some(path) = line
            .strip_prefix("pub use ")
            .and_then(|l| l.strip_suffix(';'))
        {
            let (module, items) = path.split_once("::").unwrap_or((path, ""));
            let items = items.trim_matches(|c| c == '{' || c == '}');
            for item in items.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                reexports.insert(item.to_string(), module.to_string());
            }
        }
    }
    (modules, reexports)
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn graph() -> Graph {
    let (modules, reexports) = root();
    let mut files = Vec::new();
    walk(&src(), &mut files);
    let test_files: BTreeSet<PathBuf> = files.iter().flat_map(|f| test_modules(f)).collect();
    let mut graph = Graph::new();
    for file in files.iter().filter(|f| !test_files.contains(*f)) {
        let rel = file.strip_prefix(src()).unwrap();
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let top = parts[0].trim_end_matches(".rs").to_string();
        if !modules.contains(&top) {
            continue; // lib.rs, main.rs
        }
        // A file directly under src/ (or a folder's mod.rs) has the crate root as `super`.
        let super_is_root = parts.len() == 1 || (parts.len() == 2 && parts[1] == "mod.rs");
        let text = code_only(&std::fs::read_to_string(file).unwrap());
        let mut names = references(&text);
        if super_is_root {
            names.extend(super_references(&text));
        }
        let uses = graph.entry(top.clone()).or_default();
        for name in names {
            let module = reexports.get(&name).cloned().unwrap_or(name);
            if modules.contains(&module) && module != top {
                uses.insert(module);
            }
        }
    }
    graph
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The files of `#[cfg(test)] mod name;` declarations in `file`.
fn test_modules(file: &Path) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(file).unwrap();
    let dir = if file
        .file_name()
        .is_some_and(|n| n == "mod.rs" || n == "lib.rs")
    {
        file.parent().unwrap().to_path_buf()
    } else {
        file.with_extension("")
    };
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    lines
        .windows(2)
        .filter(|w| w[0] == "#[cfg(test)]")
        .filter_map(|w| w[1].strip_prefix("mod ")?.strip_suffix(';'))
        .flat_map(|name| {
            [
                dir.join(format!("{name}.rs")),
                dir.join(name).join("mod.rs"),
            ]
        })
        .collect()
}

/// The text without line comments and without inline `#[cfg(test)] mod ... { ... }` blocks.
fn code_only(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && let Some(next) = lines.peek()
            && next.trim_start().starts_with("mod ")
            && next.trim_end().ends_with('{')
        {
            // Skip to the brace that closes the module.
            let mut depth = 0i32;
            for l in lines.by_ref() {
                depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
                if depth <= 0 && l.contains('}') {
                    break;
                }
            }
            continue;
        }
        let code = line.split("//").next().unwrap_or("");
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// The first segment after every `crate::` (each item of a `crate::{...}` group), skipping
/// `$crate::` (a macro's own path).
fn references(text: &str) -> Vec<String> {
    after(text, "crate::")
}

/// The first segment after every `super::`, for a file whose `super` is the crate root.
fn super_references(text: &str) -> Vec<String> {
    after(text, "super::")
}

fn after(text: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(prefix) {
        let start = from + i;
        from = start + prefix.len();
        let before = start.checked_sub(1).map(|j| bytes[j] as char);
        if before.is_some_and(|c| c == '$' || c == '_' || c.is_alphanumeric()) {
            continue;
        }
        let rest = &text[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // Items of the group at depth 0, each one's first segment.
            let mut depth = 0;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => items.push(std::mem::take(&mut item)),
                    _ => {}
                }
                if depth == 0 && c != ',' {
                    item.push(c);
                }
            }
            items.push(item);
            for item in items {
                let name = ident(item.trim());
                if !name.is_empty() && name != "self" {
                    names.push(name);
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// A cycle as the path of its modules, first repeated at the end, if the graph has one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let at = stack.iter().position(|m| m == node).unwrap();
                let mut cycle = stack[at..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut marks, &mut Vec::new()) {
            return Some(cycle);
        }
    }
    None
}
