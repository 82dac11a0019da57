//! No function outside tests and examples is over [`MOST_LINES`] lines: a command reads as parse,
//! one library call, render, and a stage as a few named steps. The workspace's sources are read as
//! text, which `cargo fmt` keeps regular: a function's body closes with a `}` at the indentation
//! of its `fn` line. Tests (`tests/`, `tests.rs`, `#[cfg(test)]` modules), examples and benches
//! are left out: a test reads best as one story. No function is let off.

use std::path::{Path, PathBuf};

mod common;

/// The longest a function may be, its `fn` line and closing brace included.
const MOST_LINES: usize = 100;

/// The folders whose `.rs` files are checked, from the workspace root.
const ROOTS: [&str; 6] = [
    "src",
    "xtask/src",
    "options/src",
    "variants/src",
    "folder/src",
    "build.rs",
];

#[test]
fn no_function_outside_tests_is_over_a_hundred_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for r in ROOTS {
        rust_files(&root.join(r), &mut files);
    }
    assert!(files.len() > 100, "too few sources found: {}", files.len());
    let test_modules: Vec<PathBuf> = files
        .iter()
        .flat_map(|f| common::test_module_files(f))
        .collect();
    let mut long = Vec::new();
    for file in files.iter().filter(|f| !test_modules.contains(f)) {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.strip_prefix(root).unwrap().display();
        for (function, line, length) in long_functions(&text) {
            long.push(format!("{name}:{line} {function}: {length} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MOST_LINES} lines (split them into named steps):\n{}",
        long.join("\n")
    );
}

#[test]
fn a_planted_long_function_is_caught_and_tests_and_declarations_are_not() {
    let body = |n: usize| "    let x = 1;\n".repeat(n);
    // 101 lines with its `fn` line and closing brace.
    let long = format!(
        "pub(crate) fn long(\n    a: u32,\n) -> u32 {{\n{}}}\n",
        body(97)
    );
    assert_eq!(long_functions(&long), [("long".to_string(), 1, 101)]);
    let method = format!(
        "impl A {{\n    fn method(&self) {{\n{}    }}\n}}\n",
        body(100)
    );
    assert_eq!(long_functions(&method), [("method".to_string(), 2, 102)]);
    let just = format!("fn just() {{\n{}}}\n", body(98));
    assert!(long_functions(&just).is_empty(), "100 lines are allowed");
    let in_tests = format!(
        "#[cfg(test)]\nmod tests {{\n{}}}\n",
        long.replace('\n', "\n    ")
    );
    assert!(
        long_functions(&in_tests).is_empty(),
        "a test module is left out"
    );
    let declared = format!(
        "trait T {{\n    fn declared(&self);\n{}}}\nfn short() {{}}\n",
        body(120)
    );
    assert!(
        long_functions(&declared).is_empty(),
        "a declaration has no body"
    );
}

/// `(name, first line, length)` of each function in `text` over [`MOST_LINES`] lines.
fn long_functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let indent = &lines[i][..lines[i].len() - lines[i].trim_start().len()];
        if lines[i].trim() == "#[cfg(test)]" && lines.get(i + 1).is_some_and(|l| opens_module(l)) {
            // The test module ends at the `}` at its own indentation.
            i = closing(&lines, i + 1, indent).map_or(lines.len(), |end| end + 1);
            continue;
        }
        if let Some(name) = function_name(lines[i])
            && let Some(end) = body_end(&lines, i, indent)
            && end - i + 1 > MOST_LINES
        {
            long.push((name.to_string(), i + 1, end - i + 1));
        }
        i += 1;
    }
    long
}

/// The name of the function a line starts, after its qualifiers (`pub(crate) const unsafe fn`).
fn function_name(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    for qualifier in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(qualifier).unwrap_or(rest);
    }
    rest = rest.strip_prefix("extern \"C\" ").unwrap_or(rest);
    let name = rest.strip_prefix("fn ")?;
    let end = name.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&name[..end]).filter(|n| !n.is_empty())
}

/// The line where the body of the function starting at `start` closes; `None` for a declaration.
fn body_end(lines: &[&str], start: usize, indent: &str) -> Option<usize> {
    // The signature runs to the line that opens the body (or ends a declaration with `;`).
    let open = (start..lines.len()).find(|&j| {
        let l = lines[j].trim_end();
        l.ends_with('{') || l.ends_with(';') || l.ends_with('}')
    })?;
    let l = lines[open].trim_end();
    if l.ends_with(';') {
        return None;
    }
    if l.ends_with('}') && l.matches('{').count() == l.matches('}').count() {
        return Some(open);
    }
    closing(lines, open, indent)
}

/// The first line after `from` that is a `}` at `indent`.
fn closing(lines: &[&str], from: usize, indent: &str) -> Option<usize> {
    (from + 1..lines.len()).find(|&j| lines[j].strip_prefix(indent) == Some("}"))
}

fn opens_module(line: &str) -> bool {
    let l = line.trim_start();
    let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
    l.starts_with("mod ") && l.trim_end().ends_with('{')
}

/// Every `.rs` file under `path` (or `path` itself), outside tests, examples and benches.
fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if ["tests", "examples", "benches", "tests.rs", "target"].contains(&name) {
        return;
    }
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if name.ends_with(".rs") {
        out.push(path.to_path_buf());
    }
}
