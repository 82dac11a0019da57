//! The templates name no variant in their text and compare no family with a string in their
//! tags: what a page says of a variant comes from the registry, through a template field.

use std::path::{Path, PathBuf};

use super::assert_none;

/// A template's text outside its tags (`{{ .. }}`, `{% .. %}`, `{# .. #}`), and the tags' text.
fn template_parts(text: &str) -> (String, String) {
    let (mut prose, mut tags) = (String::new(), String::new());
    let mut rest = text;
    while let Some(open) = rest.find(['{']) {
        let close = match rest[open..].get(1..2) {
            Some("{") => "}}",
            Some("%") => "%}",
            Some("#") => "#}",
            _ => {
                prose.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
                continue;
            }
        };
        prose.push_str(&rest[..open]);
        let end = rest[open..]
            .find(close)
            .map_or(rest.len(), |i| open + i + 2);
        tags.push_str(&rest[open..end]);
        tags.push('\n');
        prose.push(' ');
        rest = &rest[end..];
    }
    prose.push_str(rest);
    (prose, tags)
}

/// Whether `word` stands alone in `text`: no name character or path separator touches it.
fn has_word(text: &str, word: &str) -> bool {
    let name_char = |c: char| c.is_ascii_alphanumeric() || "_-/.".contains(c);
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(name_char) && !after.is_some_and(|c| c != '.' && name_char(c))
    })
}

/// `(file, what)` for every variant named in a template's text, and every family name compared
/// as a string in its tags.
fn template_names(
    file: &Path,
    text: &str,
    variants: &[&str],
    families: &[&str],
) -> Vec<(String, String)> {
    let (prose, tags) = template_parts(text);
    let mut found = Vec::new();
    for name in variants.iter().filter(|n| has_word(&prose, n)) {
        found.push((
            file.display().to_string(),
            format!("names the variant {name}"),
        ));
    }
    for family in families {
        if tags.contains(&format!("\"{family}\"")) {
            found.push((
                file.display().to_string(),
                format!("compares with the family \"{family}\""),
            ));
        }
    }
    found
}

#[test]
fn no_template_names_a_variant_or_compares_a_family() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let variants: Vec<&str> = mandel_lab::variants::VARIANTS
        .iter()
        .map(|v| v.name)
        .collect();
    let families: Vec<&str> = mandel_lab::variants::Family::ALL
        .iter()
        .map(|f| f.as_str())
        .collect();
    let mut files = Vec::new();
    template_files(&root.join("templates"), &mut files);
    assert!(files.len() > 10, "the templates were found: {files:?}");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let at = file.strip_prefix(root).unwrap();
        found.extend(template_names(at, &text, &variants, &families));
    }
    assert_none(
        &found,
        "a template names a variant or a family; pass the name from the registry \
         (a template field filled from `Variant`)",
    );
}

/// Every template file under `dir`.
fn template_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            template_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn the_template_check_finds_a_variant_in_the_text_and_a_family_in_a_tag() {
    let variants = ["simd-lanes", "expanded", "mpi"];
    let families = ["gpu", "simd"];
    let text = "<p>expanded beats {{ name }}.</p>\n\
                {% if family == \"gpu\" %}<p>{{ v.expanded }} simd-lanes-x mpirun</p>{% endif %}\n\
                <code>variants/src/simd/simd-lanes.rs</code> the simd family\n";
    let found = template_names(Path::new("t.html"), text, &variants, &families);
    let what: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
    assert_eq!(
        what,
        [
            "names the variant expanded",
            "compares with the family \"gpu\""
        ],
        "{found:?}"
    );
}
