//! What a reader sees wrong in a chart, read from its SVG alone: text that overlaps other text
//! (tick labels on top of each other), and legend entries with nothing drawn for them.
//!
//! plotters writes flat SVG: `<text>` with its anchor point, `text-anchor`, `dy` (the vertical
//! anchor) and `font-size`, and shapes (`rect`, `polyline`, `circle`, `polygon`, `line`) with
//! `fill` and `stroke`. A text's extent is estimated from its font size and character count, at
//! 0.55 of the font size per character: about the average advance of a sans-serif font's digits
//! and lower-case letters, so a real overlap in a browser is an overlap here.

/// Width of one character, in font sizes.
const CHAR_WIDTH: f64 = 0.55;

/// A box: `(left, top, right, bottom)` in pixels.
pub type Rect = (f64, f64, f64, f64);

/// One `<text>`: its content and estimated extent.
#[derive(Debug, Clone)]
pub struct Text {
    pub content: String,
    pub extent: Rect,
}

/// One shape: its bounding box and colours (`#RRGGBB`, or `none`).
#[derive(Debug, Clone)]
pub struct Shape {
    pub tag: String,
    pub extent: Rect,
    pub fill: String,
    pub stroke: String,
}

/// Every `<svg>…</svg>` inside `html` (the page inlines its charts).
pub fn inline_svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let Some(len) = rest[start..].find("</svg>") else {
            break;
        };
        out.push(&rest[start..start + len + "</svg>".len()]);
        rest = &rest[start + len..];
    }
    out
}

/// The texts and shapes of `svg`, in document order.
pub fn parse(svg: &str) -> (Vec<Text>, Vec<Shape>) {
    let (mut texts, mut shapes) = (Vec::new(), Vec::new());
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag_text = &rest[..end];
        let tag = tag_text.split_whitespace().next().unwrap_or("");
        let attr = |name: &str| attribute(tag_text, name);
        let num = |name: &str| {
            attr(name)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let colours = || {
            (
                attr("fill").unwrap_or("none").to_uppercase(),
                attr("stroke").unwrap_or("none").to_uppercase(),
            )
        };
        let extent = match tag {
            "text" => {
                let close = rest.find("</text>").unwrap_or(rest.len());
                let content = decode(rest[end + 1..close].trim());
                texts.push(text(tag_text, content));
                None
            }
            "rect" => Some((
                num("x"),
                num("y"),
                num("x") + num("width"),
                num("y") + num("height"),
            )),
            "circle" => {
                let (x, y, r) = (num("cx"), num("cy"), num("r"));
                Some((x - r, y - r, x + r, y + r))
            }
            "line" => Some(bounds(&[(num("x1"), num("y1")), (num("x2"), num("y2"))])),
            "polyline" | "polygon" => Some(bounds(&points(attr("points").unwrap_or("")))),
            _ => None,
        };
        if let Some(extent) = extent {
            let (fill, stroke) = colours();
            shapes.push(Shape {
                tag: tag.to_string(),
                extent,
                fill,
                stroke,
            });
        }
    }
    (texts, shapes)
}

/// Every pair of texts whose extents overlap (by more than a pixel each way).
pub fn overlapping_texts(svg: &str) -> Vec<(String, String)> {
    let (texts, _) = parse(svg);
    let mut out = Vec::new();
    for (i, a) in texts.iter().enumerate() {
        for b in &texts[i + 1..] {
            if overlap(a.extent, b.extent) && !a.content.is_empty() && !b.content.is_empty() {
                out.push((a.content.clone(), b.content.clone()));
            }
        }
    }
    out
}

/// The legend entries of `svg` whose swatch's colour nothing outside a legend is drawn in. A
/// legend is a black-bordered box with no fill; an entry is a text inside it, its swatch the
/// shapes inside it to the text's left at the text's height.
pub fn empty_legend_entries(svg: &str) -> Vec<String> {
    let (texts, shapes) = parse(svg);
    let legends: Vec<Rect> = shapes
        .iter()
        .filter(|s| s.tag == "rect" && s.fill == "NONE" && s.stroke == "#000000")
        .map(|s| s.extent)
        .collect();
    let inside = |r: Rect| legends.iter().any(|l| contains(*l, centre(r)) && r != *l);
    let drawn = |colour: &str| {
        shapes.iter().any(|s| {
            !inside(s.extent)
                && !legends.contains(&s.extent)
                && (s.fill == colour || s.stroke == colour)
        })
    };
    let mut out = Vec::new();
    for legend in &legends {
        for t in texts.iter().filter(|t| contains(*legend, centre(t.extent))) {
            let (_, top, _, bottom) = t.extent;
            let swatch_colours: Vec<&str> = shapes
                .iter()
                .filter(|s| contains(*legend, centre(s.extent)) && s.extent != *legend)
                .filter(|s| s.extent.2 <= t.extent.0 + 2.0)
                .filter(|s| {
                    let y = centre(s.extent).1;
                    y >= top - 4.0 && y <= bottom + 4.0
                })
                .flat_map(|s| [s.fill.as_str(), s.stroke.as_str()])
                .filter(|c| *c != "NONE" && *c != "#FFFFFF")
                .collect();
            if !swatch_colours.is_empty() && !swatch_colours.iter().any(|c| drawn(c)) {
                out.push(t.content.clone());
            }
        }
    }
    out
}

/// A text's extent from its anchor point, `text-anchor`, `dy` and `font-size`.
fn text(tag: &str, content: String) -> Text {
    let num = |name: &str| {
        attribute(tag, name)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let (x, y, size) = (num("x"), num("y"), num("font-size"));
    let width = content.chars().count() as f64 * CHAR_WIDTH * size;
    let (top, bottom) = match attribute(tag, "dy").unwrap_or("") {
        "0.76em" => (y, y + size),
        "-0.5ex" => (y - size, y),
        _ => (y - size / 2.0, y + size / 2.0),
    };
    let (left, right) = match attribute(tag, "text-anchor").unwrap_or("start") {
        "middle" => (x - width / 2.0, x + width / 2.0),
        "end" => (x - width, x),
        _ => (x, x + width),
    };
    let rotated = attribute(tag, "transform")
        .is_some_and(|t| t.starts_with("rotate(90") || t.starts_with("rotate(270"));
    let extent = match rotated {
        // Turned a quarter about its anchor point: its width runs down the page.
        true => (
            x - size / 2.0,
            y - width / 2.0,
            x + size / 2.0,
            y + width / 2.0,
        ),
        false => (left, top, right, bottom),
    };
    Text { content, extent }
}

/// The value of attribute `name` in a tag's text.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// `x,y x,y ...` as points.
fn points(text: &str) -> Vec<(f64, f64)> {
    text.split_whitespace()
        .filter_map(|p| {
            let (x, y) = p.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect()
}

fn bounds(points: &[(f64, f64)]) -> Rect {
    points.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(l, t, r, b), &(x, y)| (l.min(x), t.min(y), r.max(x), b.max(y)),
    )
}

fn centre(r: Rect) -> (f64, f64) {
    ((r.0 + r.2) / 2.0, (r.1 + r.3) / 2.0)
}

fn contains(r: Rect, (x, y): (f64, f64)) -> bool {
    x >= r.0 && x <= r.2 && y >= r.1 && y <= r.3
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.2 - 1.0 && b.0 < a.2 - 1.0 && a.1 < b.3 - 1.0 && b.1 < a.3 - 1.0
}

/// The entities plotters writes, as the characters they stand for.
fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
