//! The registry owns every fact about a variant: no code outside the `variants` crate names a
//! variant by a string literal, so no name-keyed table can grow beside the registry (a missed
//! entry in one used to fail silently). A literal that must stay (a command-line example in help
//! text, a peer that shares a variant's name) ends its line with the comment
//! `// variant-name: allowed (why)`.

use std::path::{Path, PathBuf};

/// The marker that allows one line.
const ALLOWED: &str = "// variant-name: allowed (";

/// The folders of the lab's own code, from the workspace root; the `variants` crate is the
/// registry and may name its variants.
const CHECKED: &[&str] = &["src", "xtask/src", "options/src"];

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's non-test code: everything before its first `#[cfg(test)]` module (test modules
/// come last, house style), nothing for a file of tests.
fn non_test_code(path: &Path, text: &str) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod "))
        .unwrap_or(lines.len());
    lines[..end].join("\n")
}

/// `(file:line, name)` for every line of `code` holding `"name"` for a registered name, unless
/// the line is allowed or a comment.
fn literals(file: &Path, code: &str, names: &[&str]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (i, line) in code.lines().enumerate() {
        let trimmed = line.trim_start();
        if line.contains(ALLOWED) || trimmed.starts_with("//") {
            continue;
        }
        for name in names {
            if line.contains(&format!("\"{name}\"")) {
                found.push((format!("{}:{}", file.display(), i + 1), name.to_string()));
            }
        }
    }
    found
}

#[test]
fn no_variant_is_named_by_a_literal_outside_the_registry() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let names: Vec<&str> = mandel_lab::variants::VARIANTS
        .iter()
        .map(|v| v.name)
        .collect();
    let mut files = Vec::new();
    for dir in CHECKED {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the lab's sources were found: {files:?}");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let code = non_test_code(file, &text);
        found.extend(literals(file.strip_prefix(root).unwrap(), &code, &names));
    }
    assert!(
        found.is_empty(),
        "a variant is named by a string literal outside the registry; take the fact from its \
         registry entry (variants/src/lib.rs `Variant`), or, for a command-line example, end \
         the line with `{ALLOWED}why)`:\n{}",
        found
            .iter()
            .map(|(at, name)| format!("  {at}: \"{name}\""))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_check_finds_a_literal_and_honours_the_allowance_and_the_tests() {
    let code = "let a = \"expanded\";\n\
                let b = \"naive\"; // variant-name: allowed (an example)\n\
                // \"locals\" in a comment\n\
                let c = \"expanded-ish\";\n\
                #[cfg(test)]\n\
                mod tests {\n\
                    const D: &str = \"naive\";\n\
                }\n";
    let path = Path::new("x.rs");
    let code = non_test_code(path, code);
    let found = literals(path, &code, &["expanded", "naive", "locals"]);
    assert_eq!(found, [("x.rs:1".to_string(), "expanded".to_string())]);
    assert!(non_test_code(Path::new("codegen/tests.rs"), "\"naive\"").is_empty());
}
