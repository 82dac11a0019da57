//! The registry owns every fact about a variant: no code outside the `variants` crate names a
//! variant by a string literal, so no name-keyed table can grow beside the registry (a missed
//! entry in one used to fail silently). Nor does it branch on a variant's identity: no comparison
//! with a registry entry's name (`x.name == mpi_jobs::VARIANT.name` asks a question the entry
//! answers as a fact, `runs_under_mpirun`), and no family or SIMD path compared with a string
//! (they are typed, `Family` and `Isa`). The templates name no variant in their text and compare
//! no family with a string: what a page says of a variant comes from the registry. A literal that
//! must stay (a command-line example in help text, a peer that shares a variant's name) ends its
//! line with the comment `// variant-name: allowed (why)`.

use std::path::{Path, PathBuf};

/// The templates' rule, in a file of its own.
#[path = "registry_names/templates.rs"]
mod templates;

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

/// The two operands of every `==` and `!=` on `line`, as the text next to the operator.
fn comparisons(line: &str) -> Vec<(&str, &str)> {
    let ends = |c: char| c.is_whitespace() || "(){},;|&!<>".contains(c);
    let mut found = Vec::new();
    for op in ["==", "!="] {
        for (at, _) in line.match_indices(op) {
            // A call at the end (`v.isa.as_deref()`) belongs to its operand.
            let left = line[..at].trim_end();
            let stem = left.trim_end_matches("()");
            let left = &left[stem.rfind(ends).map_or(0, |i| i + 1)..];
            let right = line[at + 2..].trim_start();
            let right = right.trim_start_matches(['&', '*']);
            // `Some("gpu")` keeps its call: the string inside is what is compared.
            let cut = match right.starts_with("Some(") {
                true => right[5..].find(ends).map_or(right.len(), |i| i + 5),
                false => right.find(ends).unwrap_or(right.len()),
            };
            found.push((left, &right[..cut]));
        }
    }
    found
}

/// Whether `operand` is a registry entry's name: `VARIANT.name`, `mpi_jobs::VARIANT.name`,
/// `SPEEDUP_BASELINE.name` (a constant's, by the house's upper-case constant names).
fn is_entry_name(operand: &str) -> bool {
    let Some(entry) = operand.strip_suffix(".name") else {
        return false;
    };
    let last = entry.rsplit("::").next().unwrap_or(entry);
    !last.is_empty()
        && last.starts_with(|c: char| c.is_ascii_uppercase())
        && last
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `operand` is a family or a SIMD path (a field or variable so named, or a JSON value's
/// key: `v["family"]`).
fn is_family_or_path(operand: &str) -> bool {
    if let Some(key) = operand
        .strip_suffix("\"]")
        .and_then(|o| o.rsplit("[\"").next())
    {
        return ["family", "isa", "path"].contains(&key);
    }
    let field = operand
        .trim_end_matches("()")
        .trim_end_matches(".as_str")
        .trim_end_matches(".as_deref")
        .rsplit(['.', ':'])
        .next()
        .unwrap_or("");
    ["family", "isa", "path"].contains(&field)
}

/// Whether `operand` is a string literal, bare or in `Some(..)`.
fn is_string(operand: &str) -> bool {
    operand.starts_with('"') || operand.starts_with("Some(\"")
}

/// `(file:line, what)` for every line of `code` that branches on a variant's identity: compares
/// with a registry entry's name, or compares a family or path with a string.
fn identity_branches(file: &Path, code: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (i, line) in code.lines().enumerate() {
        let trimmed = line.trim_start();
        if line.contains(ALLOWED) || trimmed.starts_with("//") {
            continue;
        }
        for (left, right) in comparisons(line) {
            let what = if is_entry_name(left) || is_entry_name(right) {
                "compares with a registry entry's name"
            } else if (is_family_or_path(left) && is_string(right))
                || (is_string(left) && is_family_or_path(right))
            {
                "compares a family or SIMD path with a string"
            } else {
                continue;
            };
            found.push((
                format!("{}:{}", file.display(), i + 1),
                format!("{what}: {}", line.trim()),
            ));
        }
    }
    found
}

/// The lab's non-test sources, as `(path from the workspace root, code)`.
fn lab_sources(root: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for dir in CHECKED {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the lab's sources were found: {files:?}");
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = non_test_code(&file, &text);
            (file.strip_prefix(root).unwrap().to_path_buf(), code)
        })
        .collect()
}

/// Fails with every finding, one a line, under `why`.
pub(crate) fn assert_none(found: &[(String, String)], why: &str) {
    assert!(
        found.is_empty(),
        "{why}:\n{}",
        found
            .iter()
            .map(|(at, what)| format!("  {at}: {what}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn no_code_outside_the_registry_branches_on_a_variants_identity() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found: Vec<_> = lab_sources(root)
        .iter()
        .flat_map(|(file, code)| identity_branches(file, code))
        .collect();
    assert_none(
        &found,
        "a variant's identity decides outside the registry; make the fact a field or method of \
         `Variant`, `Family` or `Isa` (variants/src/lib.rs) and ask it, or compare the typed \
         `Family` and `Isa`",
    );
}

#[test]
fn the_identity_check_finds_entry_names_and_typed_facts_compared_with_strings() {
    let code = "if v.name == mpi_jobs::VARIANT.name {\n\
                let b = SPEEDUP_BASELINE.name != name;\n\
                if g.family == \"simd\" {\n\
                .filter(|v| family == \"gpu\" && v.info.family == \"gpu\")\n\
                if v.isa.as_deref() == Some(\"avx2\") {\n\
                if \"gpu\" == row.family {\n\
                .filter(|v| v[\"family\"] == \"gpu\")\n\
                if v.family == Family::Gpu && v.name == name {\n\
                let same = p.name == q.name;\n\
                if v.name == other::VARIANT.name { // variant-name: allowed (an example)\n\
                // if v.name == mpi_jobs::VARIANT.name\n";
    let found = identity_branches(Path::new("x.rs"), code);
    let lines: Vec<&str> = found.iter().map(|(at, _)| at.as_str()).collect();
    assert_eq!(
        lines,
        [
            "x.rs:1", "x.rs:2", "x.rs:3", "x.rs:4", "x.rs:4", "x.rs:5", "x.rs:6", "x.rs:7"
        ],
        "{found:?}"
    );
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
