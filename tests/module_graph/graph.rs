//! The import graph of `src/`, read as text: its modules, their re-exports, the paths each file
//! names, and a cycle finder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The graph: each module (to the layout's depth) and the modules it uses.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// How deep a node goes: `record::results`; a deeper file belongs to its second-level module.
const DEPTH: usize = 2;

/// Where `pub use` statements lead: (module, item name) to the module that defines the item.
type Reexports = BTreeMap<(Vec<String>, String), Vec<String>>;

pub fn graph() -> Graph {
    let mut files = Vec::new();
    walk(&src(), &mut files);
    let test_files: BTreeSet<PathBuf> = files
        .iter()
        .flat_map(|f| crate::common::test_module_files(f))
        .collect();
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    let mut reexports = Reexports::new();
    for file in &files {
        let name = file.file_name().unwrap();
        if name == "mod.rs" || name == "lib.rs" {
            let text = code_only(&std::fs::read_to_string(file).unwrap());
            collect_reexports(&module_of(file), &text, &modules, &mut reexports);
        }
    }
    let mut graph = Graph::new();
    for file in &files {
        let module = module_of(file);
        if module.is_empty() {
            continue; // lib.rs, main.rs
        }
        let node = node_of(&module);
        let uses = graph.entry(node.clone()).or_default();
        if test_files.contains(file) {
            continue;
        }
        let text = code_only(&std::fs::read_to_string(file).unwrap());
        let mut paths = paths_after(&text, "crate::");
        for path in paths_after(&text, "super::") {
            let mut full = module[..module.len() - 1].to_vec();
            full.extend(path);
            paths.push(full);
        }
        for path in paths {
            let target = resolve(&path, &modules, &reexports);
            if !target.is_empty() && node_of(&target) != node {
                uses.insert(node_of(&target));
            }
        }
    }
    graph
}

/// Every `.rs` file under `src/`, as its path there (`record/results.rs`), sorted.
pub fn source_files() -> Vec<String> {
    let mut files = Vec::new();
    walk(&src(), &mut files);
    let mut names: Vec<String> = files
        .iter()
        .map(|f| {
            f.strip_prefix(src())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

fn node_of(module: &[String]) -> String {
    module[..module.len().min(DEPTH)].join("::")
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The module a file defines: `src/record/results.rs` is `record::results`, `src/sweep/mod.rs`
/// is `sweep`, `src/lib.rs` the root (empty).
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    match last.as_str() {
        "mod.rs" | "lib.rs" | "main.rs" => {}
        name => parts.push(name.trim_end_matches(".rs").to_string()),
    }
    parts
}

/// The module `path` leads to: through the modules it names, then through a re-export where the
/// next segment is an item of the module reached.
fn resolve(path: &[String], modules: &BTreeSet<Vec<String>>, reexports: &Reexports) -> Vec<String> {
    let mut at: Vec<String> = Vec::new();
    for segment in path {
        let mut next = at.clone();
        next.push(segment.clone());
        if modules.contains(&next) {
            at = next;
        } else if let Some(target) = reexports.get(&(at.clone(), segment.clone())) {
            return target.clone();
        } else {
            break;
        }
    }
    at
}

/// The `pub use` statements of `module`'s file: each item to the module it comes from.
fn collect_reexports(
    module: &[String],
    text: &str,
    modules: &BTreeSet<Vec<String>>,
    reexports: &mut Reexports,
) {
    let mut rest = text;
    while let Some(at) = rest.find("pub use ") {
        let statement = &rest[at + "pub use ".len()..];
        let end = statement.find(';').unwrap_or(statement.len());
        let statement: String = statement[..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        rest = &rest[at + 1..];
        let (prefix, items) = match statement.split_once("::{") {
            Some((prefix, items)) => (prefix.to_string(), items.trim_end_matches('}').to_string()),
            None => match statement.rsplit_once("::") {
                Some((prefix, item)) => (prefix.to_string(), item.to_string()),
                None => continue, // `pub use mandel_variants as variants`
            },
        };
        let mut from: Vec<String> = match prefix.strip_prefix("crate::") {
            Some(absolute) => split(absolute).collect(),
            None => module.iter().cloned().chain(split(&prefix)).collect(),
        };
        if !modules.contains(&from) {
            from = resolve(&from, modules, reexports);
        }
        for item in items.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let name = item.rsplit(" as ").next().unwrap().trim();
            reexports.insert((module.to_vec(), name.to_string()), from.clone());
        }
    }
}

fn split(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split("::").map(|s| s.trim().to_string())
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

/// The paths after every `prefix` (`crate::` or `super::`), each as its segments (a group's
/// items each one path, nested groups flattened), skipping `$crate::` (a macro's own path).
pub fn paths_after(text: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(prefix) {
        let start = from + i;
        from = start + prefix.len();
        let before = start.checked_sub(1).map(|j| bytes[j] as char);
        if before.is_some_and(|c| c == '$' || c == '_' || c == ':' || c.is_alphanumeric()) {
            continue;
        }
        expand(&text[from..], &[], &mut paths);
    }
    paths
}

/// Adds the paths that `rest` starts with, below `base`: `a::b`, or each item of `{a, b::{c}}`.
fn expand(rest: &str, base: &[String], paths: &mut Vec<Vec<String>>) {
    if let Some(group) = rest.strip_prefix('{') {
        for item in items(group) {
            expand(item.trim(), base, paths);
        }
        return;
    }
    let mut rest = rest;
    let mut path = base.to_vec();
    loop {
        let name = ident(rest);
        if name.is_empty() || name == "self" {
            break;
        }
        rest = &rest[name.len()..];
        path.push(name);
        match rest.strip_prefix("::") {
            Some(after) if after.starts_with('{') => {
                expand(after, &path, paths);
                return;
            }
            Some(after) => rest = after,
            None => break,
        }
    }
    if !path.is_empty() {
        paths.push(path);
    }
}

/// The items of a group at depth 0, up to its closing brace.
fn items(group: &str) -> Vec<&str> {
    let mut depth = 0;
    let mut start = 0;
    let mut items = Vec::new();
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// A cycle as the path of its modules, first repeated at the end, if the graph has one.
pub fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
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
