//! Pure HTML helpers shared by every page the lab writes: escaping, the templates' filters, SVG
//! made fit for inlining, and relative links between output folders.
//!
//! A leaf: nothing here imports from the crate, so the report and the profiling stage both use it
//! without a cycle.

use std::path::Path;

/// Escapes text for HTML element content and attribute values (double-quoted): `&`, `<`, `>` and
/// `"`; apostrophes stay as they are.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// plotters writes an XML declaration, which is not allowed inside HTML.
pub fn strip_xml_decl(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// A relative link from folder `from` to folder `to` (both relative to the same directory, or
/// both absolute), e.g. `reports` to `flamegraphs` gives `../flamegraphs`.
pub fn relative_link(from: &Path, to: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (from, to) = (abs(from), abs(to));
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from.components().count() - common;
    let mut parts: Vec<String> = vec!["..".to_string(); ups];
    parts.extend(
        to.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// The templates' own filters (`{{ x|text }}` in any template that imports this module's
/// `filters`).
pub mod filters {
    use askama::filters::Safe;

    /// Text computed in Rust (names, reasons, sentences) escaped with [`super::esc`]: safe in
    /// element content and double-quoted attributes, its apostrophes kept as written.
    #[askama::filter_fn]
    pub fn text(s: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(super::esc(&s.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::{esc, relative_link, strip_xml_decl};
    use std::path::Path;

    #[test]
    fn links_between_sibling_folders() {
        assert_eq!(
            relative_link(Path::new("reports"), Path::new("flamegraphs")),
            "../flamegraphs"
        );
        assert_eq!(
            relative_link(Path::new("/a/b/r"), Path::new("/a/f")),
            "../../f"
        );
        assert_eq!(relative_link(Path::new("/a"), Path::new("/a")), ".");
    }

    #[test]
    fn escaping_keeps_apostrophes_and_svg_loses_its_declaration() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;'"
        );
        assert_eq!(strip_xml_decl("<?xml version=\"1.0\"?>\n<svg/>"), "<svg/>");
    }
}
