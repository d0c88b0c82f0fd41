//! The same layout markup as HTML and CSS for a browser to print.
//!
//! This is the other side of the benchmark against headless Chromium
//! (`scripts/bench-reports.sh`): Chromium prints this HTML, our pipeline prints the markup it
//! was made from, and the two files are compared. It is also a fallback for anyone who wants a
//! document in a browser. The translation keeps everything that decides the pages:
//!
//! * every section is a `<section>` on its own named `@page` (`size: A4 portrait|landscape`, the
//!   section's margins) and starts a new page (`break-before: page`); `<page-break/>` is a
//!   `break-before: page` too;
//! * the running header and footer become `@page` margin boxes (`@top-*`, `@bottom-*`, aligned
//!   as the first paragraph is), `{page}` and `{pages}` the CSS counters `page` and `pages`; the
//!   page margin grows by their height, as in our layout, where they take room from the body;
//! * tables keep their columns (fixed and relative widths resolved to millimetres of the
//!   section's text width, `table-layout: fixed`), column and row spans, 0.3 pt rules
//!   (`border-collapse`), padding, and header rows as `<thead>`, which Chromium repeats on every
//!   page the table continues on; rows are not split between pages;
//! * paragraphs and headings keep font (the same Liberation faces, installed on the system),
//!   size, weight, alignment, indent and spacing; headings stay with what follows
//!   (`break-after: avoid`);
//! * signatures are a line between the label and the name with the caption under it.
//!
//! What CSS cannot say: `fit="shrink"` (set in a smaller size until the word fits) becomes
//! `overflow-wrap: anywhere`, so an overlong word is broken between letters in both cases.
//!
//! Styles are CSS classes in the one `<style>` element, one class per distinct set of
//! declarations (a year's journal has a few dozen), not inline `style` attributes: the file is
//! what a web developer would write, and a browser matches a few dozen rules instead of parsing
//! a style attribute on each of ~100 000 cells.
//!
//! Row heights are made the same as ours: our table row is its text plus the padding above and
//! below, the rules drawn on the cell edges taking no room; a browser's collapsed border adds
//! to every row (Chromium draws a 0.3 pt rule at least a device pixel wide, and rounds), so the
//! vertical padding of a ruled cell is ours less [`RULE_ALLOWANCE`]. That allowance was
//! measured: with it Chromium puts as many rows on a page as we do and prints the demo year
//! journal on the same 253 pages; with the padding unchanged a 32-student page spilled its
//! last row onto a page of its own (350 pages).

use crate::markup::{
    Align, Block, Column, Document, FontName, Inline, Orientation, Paragraph, Section, Signature,
    Table, TextStyle, VAlign,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Millimetres in a point.
const MM_PER_PT: f32 = 25.4 / 72.0;
/// A line of Liberation text is this many times its size (ascent + descent + gap).
const LINE_HEIGHT: f32 = 1.15;
/// Gap between a running header or footer and the body, mm (as in the layout).
const RUNNING_GAP: f32 = 3.0;
/// What a ruled table row loses of its vertical padding in the HTML, mm (see the top).
const RULE_ALLOWANCE: f32 = 0.2;

/// The document's CSS classes: one per distinct set of declarations, in order of first use.
#[derive(Default)]
struct Classes {
    by_rule: BTreeMap<String, String>,
    css: String,
}

impl Classes {
    /// The class of `rule` (declarations), `prefix` and a number.
    fn of(&mut self, prefix: &str, rule: String) -> String {
        let n = self.by_rule.len();
        let css = &mut self.css;
        self.by_rule
            .entry(rule)
            .or_insert_with_key(|rule| {
                let name = format!("{prefix}{n}");
                let _ = writeln!(css, ".{name} {{ {rule} }}");
                name
            })
            .clone()
    }
}

/// The whole document as one HTML page with its style sheet.
pub fn to_html(doc: &Document) -> String {
    let mut pages = PageRules::default();
    let mut classes = Classes::default();
    let mut body = String::new();
    for (i, section) in doc.sections.iter().enumerate() {
        let page = pages.name_for(section);
        let _ = write!(body, "<section data-line=\"{}\"", section.line);
        if let Some(id) = &section.id {
            let _ = write!(body, " id=\"{}\"", escape(id));
        }
        let class = classes.of(
            "s",
            format!(
                "page: {page};{}",
                if i > 0 { " break-before: page;" } else { "" }
            ),
        );
        let _ = writeln!(body, " class=\"{class}\">");
        let width = text_width(section);
        for block in &section.body {
            write_block(&mut body, &mut classes, block, width);
        }
        body.push_str("</section>\n");
    }
    let mut out = String::with_capacity(body.len() + 4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&doc.title));
    out.push_str("<style>\n");
    let _ = writeln!(
        out,
        "html {{ {} }}\n\
         body {{ margin: 0; }}\n\
         p {{ margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }}\n\
         .h {{ break-after: avoid; page-break-after: avoid; }}\n\
         .pb {{ break-before: page; }}\n\
         b {{ font-weight: bold; }}\n\
         i {{ font-style: italic; }}\n\
         .nb {{ font-weight: normal; }}\n\
         .ni {{ font-style: normal; }}\n\
         table {{ border-collapse: collapse; table-layout: fixed; }}\n\
         tr {{ break-inside: avoid; page-break-inside: avoid; }}\n\
         td {{ overflow-wrap: anywhere; white-space: pre-wrap; }}\n\
         thead {{ display: table-header-group; }}\n\
         .sig td {{ border: 0; padding: 0 1mm; vertical-align: bottom; }}\n\
         .sig .line {{ border-bottom: 0.5pt solid #000; }}\n\
         .sig .caption {{ font-size: 7pt; text-align: center; vertical-align: top; }}",
        font_css(&doc.style)
    );
    out.push_str(&pages.css);
    out.push_str(&classes.css);
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str(&body);
    out.push_str("</body>\n</html>\n");
    out
}

/// The named `@page` rules, one per distinct page setup.
#[derive(Default)]
struct PageRules {
    names: BTreeMap<String, String>,
    css: String,
}

impl PageRules {
    fn name_for(&mut self, s: &Section) -> String {
        let (w, h) = s.orientation.size_mm();
        let header = running(&s.header, "top");
        let footer = running(&s.footer, "bottom");
        let m = s.margins;
        let top = m.top + header.as_ref().map_or(0.0, |r| r.height + RUNNING_GAP);
        let bottom = m.bottom + footer.as_ref().map_or(0.0, |r| r.height + RUNNING_GAP);
        let mut rule = format!(
            "size: {w}mm {h}mm; margin: {} {} {} {};",
            mm(top),
            mm(m.right),
            mm(bottom),
            mm(m.left)
        );
        if let Some(r) = &header {
            let _ = write!(
                rule,
                " @{} {{ {} vertical-align: top; padding-top: {}; }}",
                r.box_name,
                r.css,
                mm(m.top)
            );
        }
        if let Some(r) = &footer {
            let _ = write!(
                rule,
                " @{} {{ {} vertical-align: bottom; padding-bottom: {}; }}",
                r.box_name,
                r.css,
                mm(m.bottom)
            );
        }
        let next = format!("p{}", self.names.len());
        let orientation = match s.orientation {
            Orientation::Portrait => "portrait",
            Orientation::Landscape => "landscape",
        };
        self.names
            .entry(rule.clone())
            .or_insert_with(|| {
                let _ = writeln!(self.css, "@page {next} {{ /* A4 {orientation} */ {rule} }}");
                next
            })
            .clone()
    }
}

/// A running header or footer as the content of a page margin box.
struct Running {
    /// `bottom-center`.
    box_name: String,
    /// Declarations: content, font, alignment.
    css: String,
    /// mm.
    height: f32,
}

fn running(blocks: &[Block], edge: &str) -> Option<Running> {
    let paragraphs: Vec<Paragraph> = blocks.iter().filter_map(running_paragraph).collect();
    let first = paragraphs.first()?;
    let side = match first.align {
        Align::Left | Align::Justify => "left",
        Align::Center => "center",
        Align::Right => "right",
    };
    let mut content = String::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            content.push_str(" \"\\A\" ");
        }
        content.push_str(&css_content(&p.plain_text()));
    }
    let height = paragraphs
        .iter()
        .map(|p| line_mm(&p.style) * (p.plain_text().lines().count().max(1) as f32))
        .sum();
    Some(Running {
        box_name: format!("{edge}-{side}"),
        css: format!(
            "content: {content}; {} text-align: {side}; white-space: pre-wrap;",
            font_css(&first.style)
        ),
        height,
    })
}

/// The text of a running block (a paragraph; of a table or signature, its words).
fn running_paragraph(b: &Block) -> Option<Paragraph> {
    match b {
        Block::Paragraph(p) => Some(p.clone()),
        Block::Table(t) => {
            let first = t.cells.first()?;
            let text: Vec<String> = t.cells.iter().map(|c| c.content.plain_text()).collect();
            Some(Paragraph {
                inlines: vec![Inline::Text {
                    text: text.join(" "),
                    bold: false,
                    italic: false,
                }],
                ..first.content.clone()
            })
        }
        Block::Signature(_) | Block::Space { .. } | Block::PageBreak { .. } => None,
    }
}

/// `Страница {page} из {pages}` → `"Страница " counter(page) " из " counter(pages)`.
fn css_content(text: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('{') {
        let (counter, len) = if rest[at..].starts_with("{pages}") {
            ("counter(pages)", 7)
        } else if rest[at..].starts_with("{page}") {
            ("counter(page)", 6)
        } else {
            parts.push(css_string(&rest[..=at]));
            rest = &rest[at + 1..];
            continue;
        };
        if at > 0 {
            parts.push(css_string(&rest[..at]));
        }
        parts.push(counter.to_string());
        rest = &rest[at + len..];
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(css_string(rest));
    }
    parts.join(" ")
}

fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\A "),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Width of the text of a section's pages, mm.
fn text_width(s: &Section) -> f32 {
    s.orientation.size_mm().0 - s.margins.left - s.margins.right
}

fn write_block(out: &mut String, classes: &mut Classes, block: &Block, width: f32) {
    match block {
        Block::Paragraph(p) => write_paragraph(out, classes, p),
        Block::Table(t) => write_table(out, classes, t, width),
        Block::Signature(s) => write_signature(out, classes, s),
        Block::Space { height, .. } => {
            let class = classes.of("v", format!("height: {};", mm(*height)));
            let _ = writeln!(out, "<div class=\"{class}\"></div>");
        }
        Block::PageBreak { .. } => {
            out.push_str("<div class=\"pb\"></div>\n");
        }
    }
}

fn write_paragraph(out: &mut String, classes: &mut Classes, p: &Paragraph) {
    let mut rule = format!(
        "{} text-align: {}; margin: {} 0 {} 0;",
        font_css(&p.style),
        align_css(p.align),
        mm(p.space_before),
        mm(p.space_after),
    );
    if p.indent > 0.0 {
        let _ = write!(rule, " text-indent: {};", mm(p.indent));
    }
    let class = classes.of("p", rule);
    let _ = write!(
        out,
        "<p class=\"{class}{}\">",
        if p.keep_with_next { " h" } else { "" }
    );
    write_inlines(out, p);
    out.push_str("</p>\n");
}

fn write_inlines(out: &mut String, p: &Paragraph) {
    for inline in &p.inlines {
        match inline {
            Inline::Text { text, bold, italic } => {
                let b = *bold != p.style.bold;
                let i = *italic != p.style.italic;
                if !b && !i {
                    out.push_str(&escape(text));
                    continue;
                }
                // <b>, <i>, or a span undoing the paragraph's own bold or italic.
                let mut open = String::new();
                let mut close = String::new();
                let mut undo = Vec::new();
                if b && *bold {
                    open.push_str("<b>");
                    close.insert_str(0, "</b>");
                } else if b {
                    undo.push("nb");
                }
                if i && *italic {
                    open.push_str("<i>");
                    close.insert_str(0, "</i>");
                } else if i {
                    undo.push("ni");
                }
                if !undo.is_empty() {
                    open.push_str(&format!("<span class=\"{}\">", undo.join(" ")));
                    close.insert_str(0, "</span>");
                }
                let _ = write!(out, "{open}{}{close}", escape(text));
            }
            Inline::Break => out.push_str("<br>"),
        }
    }
}

fn write_table(out: &mut String, classes: &mut Classes, t: &Table, width: f32) {
    let fixed: f32 = t
        .columns
        .iter()
        .map(|c| match c {
            Column::Fixed(w) => *w,
            Column::Relative(_) => 0.0,
        })
        .sum();
    let shares: f32 = t
        .columns
        .iter()
        .map(|c| match c {
            Column::Fixed(_) => 0.0,
            Column::Relative(s) => *s,
        })
        .sum();
    let left = (width - fixed).max(0.0);
    let widths: Vec<f32> = t
        .columns
        .iter()
        .map(|c| match c {
            Column::Fixed(w) => *w,
            Column::Relative(s) if shares > 0.0 => left * s / shares,
            Column::Relative(_) => 0.0,
        })
        .collect();
    let total: f32 = widths.iter().sum();
    let class = classes.of(
        "t",
        format!(
            "width: {}; margin: {} 0 {} 0;",
            mm(total),
            mm(t.space_before),
            mm(t.space_after)
        ),
    );
    let _ = write!(out, "<table class=\"{class}\">\n<colgroup>");
    for w in &widths {
        let class = classes.of("w", format!("width: {};", mm(*w)));
        let _ = write!(out, "<col class=\"{class}\">");
    }
    out.push_str("</colgroup>\n");
    // Our rows are text plus padding; a collapsed border adds to each row, so the vertical
    // padding gives that back.
    let (border, allowance) = if t.border > 0.0 {
        (
            format!("border: {}pt solid #000;", t.border),
            RULE_ALLOWANCE,
        )
    } else {
        ("border: 0;".to_string(), 0.0)
    };
    let padding = format!(
        "padding: {} {};",
        mm((t.padding - allowance).max(0.0)),
        mm(t.padding)
    );
    let mut cells = t.cells.iter().peekable();
    for r in 0..t.rows {
        if r == 0 && t.header_rows > 0 {
            out.push_str("<thead>\n");
        }
        if r == t.header_rows {
            if t.header_rows > 0 {
                out.push_str("</thead>\n");
            }
            out.push_str("<tbody>\n");
        }
        out.push_str("<tr>");
        while let Some(c) = cells.next_if(|c| c.row == r) {
            out.push_str("<td");
            if c.colspan > 1 {
                let _ = write!(out, " colspan=\"{}\"", c.colspan);
            }
            if c.rowspan > 1 {
                let _ = write!(out, " rowspan=\"{}\"", c.rowspan);
            }
            let class = classes.of(
                "c",
                format!(
                    "{border} {padding} {} text-align: {}; vertical-align: {};",
                    font_css(&c.content.style),
                    align_css(c.content.align),
                    match c.valign {
                        VAlign::Top => "top",
                        VAlign::Middle => "middle",
                        VAlign::Bottom => "bottom",
                    }
                ),
            );
            let _ = write!(out, " class=\"{class}\">");
            write_inlines(out, &c.content);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    if t.rows == t.header_rows && t.header_rows > 0 {
        out.push_str("</thead>\n");
    } else if t.rows > 0 {
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");
}

fn write_signature(out: &mut String, classes: &mut Classes, s: &Signature) {
    let table = classes.of(
        "g",
        format!(
            "{} margin: {} 0 {} 0;",
            font_css(&s.style),
            mm(s.space_before),
            mm(s.space_after)
        ),
    );
    let line = classes.of("w", format!("width: {};", mm(s.width)));
    let _ = writeln!(
        out,
        "<table class=\"sig {table}\">\
         <tr><td>{}</td><td class=\"line {line}\"></td><td>{}</td></tr>\
         <tr><td></td><td class=\"caption\">{}</td><td></td></tr></table>",
        escape(&s.label),
        escape(&s.name),
        escape(&s.caption),
    );
}

fn font_css(s: &TextStyle) -> String {
    format!(
        "font-family: {}; font-size: {}pt; font-weight: {}; font-style: {}; line-height: {:.3};",
        match s.font {
            FontName::Serif => "'Liberation Serif', serif",
            FontName::Sans => "'Liberation Sans', sans-serif",
        },
        s.size,
        if s.bold { "bold" } else { "normal" },
        if s.italic { "italic" } else { "normal" },
        LINE_HEIGHT * s.line_spacing
    )
}

/// Height of one line of text in `s`, mm.
fn line_mm(s: &TextStyle) -> f32 {
    f32::from(s.size) * MM_PER_PT * LINE_HEIGHT * s.line_spacing
}

fn align_css(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
        Align::Justify => "justify",
    }
}

fn mm(x: f32) -> String {
    format!("{}mm", (x * 100.0).round() / 100.0)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKUP: &str = r#"<document title="Журнал 7Б &amp; копия" size="11">
<section orientation="portrait" margins="20 15 15 25">
  <footer><p size="8" align="center">Страница {page} из {pages}</p></footer>
  <h1>Классный журнал</h1>
  <p indent="12.5mm">Учитель: <b>Иванова М. П.</b> &lt;ок&gt;</p>
  <signature label="Директор" caption="(подпись)" name="А. Б. Петров" width="45mm"/>
</section>
<section orientation="landscape" margins="10 10 12 20" id="s0">
  <footer><p size="8" align="center">Страница {page}</p></footer>
  <table widths="7mm 52mm 1* 3*" header-rows="2" size="9" padding="0.8">
    <tr bold="true"><td rowspan="2">№</td><td rowspan="2">Фамилия, имя</td><td colspan="2">Алгебра</td></tr>
    <tr><td>01.09</td><td>02.09</td></tr>
    <tr><td>1</td><td>Антонов Георгий</td><td>5</td><td>Н</td></tr>
    <tr><td>2</td><td>Белова Анна</td></tr>
  </table>
  <page-break/>
  <space height="5mm"/>
  <p>Конец</p>
</section>
</document>"#;

    fn html() -> String {
        to_html(&crate::markup::parse(MARKUP).unwrap())
    }

    #[test]
    fn sections_get_their_own_a4_pages_and_margins() {
        let h = html();
        assert!(
            h.contains(
                "@page p0 { /* A4 portrait */ size: 210mm 297mm; margin: 20mm 15mm 21.25mm 25mm;"
            ),
            "{h}"
        );
        assert!(h.contains("@page p1 { /* A4 landscape */ size: 297mm 210mm;"));
        assert!(h.contains("<section data-line=\"2\" class=\"s0\">"));
        assert!(h.contains(".s0 { page: p0; }"));
        assert!(h.contains("id=\"s0\" class=\"s"));
        assert!(h.contains("{ page: p1; break-before: page; }"));
        // <page-break/> inside a section.
        assert!(h.contains("<div class=\"pb\"></div>"));
        // No inline styles: every rule is in the one style sheet.
        assert!(!h.contains(" style="), "{h}");
    }

    #[test]
    fn running_footers_count_pages_with_css_counters() {
        let h = html();
        assert!(h.contains(
            "@bottom-center { content: \"Страница \" counter(page) \" из \" counter(pages);"
        ));
        assert!(h.contains("content: \"Страница \" counter(page);"));
        assert_eq!(css_content("{page}"), "counter(page)");
        assert_eq!(css_content("a{b} \"c\""), "\"a{\" \"b} \\\"c\\\"\"");
    }

    #[test]
    fn tables_keep_columns_spans_and_repeated_header_rows() {
        let h = html();
        // 297 − 20 − 10 = 267 mm of text; 267 − 59 = 208 mm shared 1 : 3.
        let col = |w: &str| {
            let rule = format!(" {{ width: {w}; }}");
            let at = h.find(&rule).unwrap_or_else(|| panic!("{rule} in {h}"));
            let name = &h[h[..at].rfind('.').unwrap() + 1..at];
            format!("<col class=\"{name}\">")
        };
        let cols = [col("7mm"), col("52mm"), col("52mm"), col("156mm")].concat();
        assert!(h.contains(&cols), "{cols} in {h}");
        assert!(h.contains("<td rowspan=\"2\""));
        assert!(h.contains("<td colspan=\"2\""));
        let head = &h[h.find("<thead>").unwrap()..h.find("</thead>").unwrap()];
        assert!(head.contains("Алгебра") && head.contains("02.09"));
        assert!(!head.contains("Антонов"));
        // Vertical padding less the rule's allowance, so rows are as high as ours.
        assert!(
            h.contains("border: 0.3pt solid #000; padding: 0.6mm 0.8mm;"),
            "{h}"
        );
        // The short row is completed with an empty cell, as in the PDF.
        let last = &h[h.find("Белова Анна").unwrap()..];
        assert_eq!(
            last[..last.find("</tr>").unwrap()].matches("<td").count(),
            2
        );
    }

    #[test]
    fn text_is_all_there_and_escaped() {
        let h = html();
        for s in [
            "<title>Журнал 7Б &amp; копия</title>",
            "Классный журнал",
            "&lt;ок&gt;",
            "<b>Иванова М. П.</b>",
            "text-indent: 12.5mm",
            "Директор",
            "А. Б. Петров",
            "(подпись)",
            "Конец",
            "{ height: 5mm; }",
        ] {
            assert!(h.contains(s), "{s} missing in\n{h}");
        }
        assert!(
            h.contains(" h\">Классный журнал"),
            "headings stay with what follows"
        );
    }
}
