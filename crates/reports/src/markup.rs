//! The layout markup: a small XML vocabulary that templates render and [`crate::layout`]
//! prints.
//!
//! ```xml
//! <document title="Итоги успеваемости" font="serif" size="11">
//!   <section orientation="portrait" margins="15 15 15 25">
//!     <header><p size="8" align="right">МБОУ «Берёзовская СОШ»</p></header>
//!     <footer><p size="8" align="center">Страница {page} из {pages}</p></footer>
//!     <h1>Итоги успеваемости 7Б класса</h1>
//!     <p indent="12.5mm">Классный руководитель: <b>Иванова М. П.</b></p>
//!     <table widths="10mm 3* 1* 1*" header-rows="1" size="9" border="0.3pt">
//!       <tr bold="true" align="center"><td>№</td><td>Ученик</td><td colspan="2">Отметки</td></tr>
//!       <tr><td>1</td><td>Агапова Анна</td><td>5</td><td fit="shrink">н/а</td></tr>
//!     </table>
//!     <signature label="Классный руководитель" caption="(подпись)" name="М. П. Иванова"/>
//!     <space height="5mm"/>
//!     <page-break/>
//!   </section>
//! </document>
//! ```
//!
//! * `document` — `title`, `font` (`serif` | `sans`), `size` (points), `line-spacing`; holds
//!   `section`s.
//! * `section` — pages of one orientation (`portrait` | `landscape`, A4) and `margins` (one to
//!   four lengths, CSS order: top right bottom left); optional `header` and `footer`, repeated on
//!   every page of the section, where `{page}` and `{pages}` are replaced by the page number and
//!   the number of pages of the document. A section always starts on a new page. An optional
//!   `id` names it, so that the program can learn on which page it begins.
//! * Blocks: `p`, `h1`–`h3` (headings stay with what follows), `table`, `signature` (a line to
//!   sign on with a caption under it, between a label and a name), `space` (`height`),
//!   `page-break`.
//! * Text: `b`, `i` and `br` inside paragraphs and cells. Runs of white space are one space, as in
//!   HTML. A word wider than its column is broken between letters, or with `fit="shrink"` set in
//!   a smaller size first: text is never lost.
//! * `table` — `widths` (a list of `25mm` fixed and `2*` relative columns), `header-rows`
//!   (repeated on each page the table continues on), `border` (line width, `0` for none;
//!   default 0.3 pt), `padding`; `tr` and `td` with `colspan`, `rowspan`, `align`, `valign`.
//!   Style attributes (`font`, `size`, `bold`, `italic`, `align`, `valign`, `fit`) set on a
//!   `table` or `tr` are inherited by its cells.
//!
//! Lengths are numbers with a unit (`mm`, `cm`, `pt`); without one they are millimetres, except
//! `border`, which is in points. Every error names the line of the markup it was found on.

use std::collections::BTreeSet;
use thiserror::Error;

/// A mistake in the layout markup, with the line (1-based) where it is. Messages are for the
/// person who edits a template, in Russian.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MarkupError {
    #[error("разметка, строка {line}, позиция {column}: это не XML: {message}")]
    Syntax {
        line: u32,
        column: u32,
        message: String,
    },
    #[error("разметка, строка {line}: <{element}> не может стоять внутри <{parent}>; здесь допустимы: {allowed}")]
    UnexpectedElement {
        line: u32,
        element: String,
        parent: String,
        allowed: String,
    },
    #[error(
        "разметка, строка {line}: у <{element}> нет атрибута «{attribute}»; допустимы: {allowed}"
    )]
    UnknownAttribute {
        line: u32,
        element: String,
        attribute: String,
        allowed: String,
    },
    #[error("разметка, строка {line}: <{element} {attribute}=\"{value}\">: {expected}")]
    BadValue {
        line: u32,
        element: String,
        attribute: String,
        value: String,
        expected: String,
    },
    #[error("разметка, строка {line}: у <{element}> должен быть атрибут «{attribute}»")]
    MissingAttribute {
        line: u32,
        element: String,
        attribute: String,
    },
    #[error("разметка, строка {line}: текст «{text}» вне абзаца: поместите его в <p> (в таблице — в <td>)")]
    StrayText { line: u32, text: String },
    #[error("разметка, строка {line}: {message}")]
    Table { line: u32, message: String },
}

/// The font family of a piece of text; both are bundled (see `report-templates/fonts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum FontName {
    /// Liberation Serif (metrics of Times New Roman).
    #[default]
    Serif,
    /// Liberation Sans (metrics of Arial).
    Sans,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Orientation {
    #[default]
    Portrait,
    Landscape,
}

impl Orientation {
    /// Width and height of an A4 page in this orientation, in millimetres.
    pub fn size_mm(self) -> (f32, f32) {
        match self {
            Self::Portrait => (210.0, 297.0),
            Self::Landscape => (297.0, 210.0),
        }
    }
}

/// Page margins in millimetres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

impl Default for Margins {
    /// 15 mm, and 25 mm on the left for binding.
    fn default() -> Self {
        Self {
            top: 15.0,
            right: 15.0,
            bottom: 15.0,
            left: 25.0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
    /// Both edges straight; the last line of a paragraph is left-aligned.
    Justify,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum VAlign {
    #[default]
    Top,
    Middle,
    Bottom,
}

/// What to do with a word wider than its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fit {
    /// Break it between letters.
    #[default]
    Wrap,
    /// Set the whole text in a smaller size (down to 5 pt) until the word fits, then break.
    Shrink,
}

/// Font, size and weight of text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    pub font: FontName,
    /// Points (whole: the PDF library sets whole sizes).
    pub size: u8,
    pub bold: bool,
    pub italic: bool,
    /// Multiplier of the font's natural line height.
    pub line_spacing: f32,
}

impl Default for TextStyle {
    fn default() -> Self {
        Self {
            font: FontName::Serif,
            size: 11,
            bold: false,
            italic: false,
            line_spacing: 1.0,
        }
    }
}

/// A piece of a paragraph.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text {
        text: String,
        bold: bool,
        italic: bool,
    },
    /// `<br/>`.
    Break,
}

/// Text with its style: a paragraph, a heading or the content of a table cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Paragraph {
    pub inlines: Vec<Inline>,
    /// The style of the whole block; inlines may add bold or italic.
    pub style: TextStyle,
    pub align: Align,
    pub fit: Fit,
    /// First-line indent, mm.
    pub indent: f32,
    /// mm; space before is dropped at the top of a page.
    pub space_before: f32,
    pub space_after: f32,
    /// Headings: moved to the next page rather than left alone at the bottom of one.
    pub keep_with_next: bool,
    pub line: u32,
}

impl Paragraph {
    /// The text without styles, breaks as newlines.
    pub fn plain_text(&self) -> String {
        let mut s = String::new();
        for i in &self.inlines {
            match i {
                Inline::Text { text, .. } => s.push_str(text),
                Inline::Break => s.push('\n'),
            }
        }
        s
    }
}

/// A column of a table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Column {
    /// Millimetres.
    Fixed(f32),
    /// A share of the width left after the fixed columns.
    Relative(f32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Row and column of the cell's top left corner in the grid.
    pub row: usize,
    pub col: usize,
    pub colspan: usize,
    pub rowspan: usize,
    pub content: Paragraph,
    pub valign: VAlign,
    /// Filled in for a grid position no `<td>` covers (a short row).
    pub implicit: bool,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    /// The first rows, repeated on every page the table continues on.
    pub header_rows: usize,
    /// Border line width, points; 0 draws no lines.
    pub border: f32,
    /// Space between a cell's border and its text, mm.
    pub padding: f32,
    pub rows: usize,
    /// Line of each `<tr>`.
    pub row_lines: Vec<u32>,
    /// Every grid position is covered by exactly one cell; cells are ordered by row, then
    /// column.
    pub cells: Vec<Cell>,
    pub space_before: f32,
    pub space_after: f32,
    pub line: u32,
}

/// `Классный руководитель ________ М. П. Иванова` with `(подпись)` under the line.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub label: String,
    pub caption: String,
    pub name: String,
    /// Length of the line, mm.
    pub width: f32,
    pub style: TextStyle,
    pub space_before: f32,
    pub space_after: f32,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
    Signature(Signature),
    /// Vertical space, mm; dropped at the top of a continuation page.
    Space {
        height: f32,
        line: u32,
    },
    PageBreak {
        line: u32,
    },
}

impl Block {
    pub fn line(&self) -> u32 {
        match self {
            Block::Paragraph(p) => p.line,
            Block::Table(t) => t.line,
            Block::Signature(s) => s.line,
            Block::Space { line, .. } | Block::PageBreak { line } => *line,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// `id`: a name the program that wrote the markup asks page numbers of (see
    /// [`crate::layout::render_pdf_paged`]).
    pub id: Option<String>,
    pub orientation: Orientation,
    pub margins: Margins,
    pub header: Vec<Block>,
    pub footer: Vec<Block>,
    pub body: Vec<Block>,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub title: String,
    /// Default text style.
    pub style: TextStyle,
    pub sections: Vec<Section>,
}

impl Document {
    /// Whether any text of the document is set in `font`.
    pub fn uses_font(&self, font: FontName) -> bool {
        fn block_uses(b: &Block, font: FontName) -> bool {
            match b {
                Block::Paragraph(p) => p.style.font == font,
                Block::Table(t) => t.cells.iter().any(|c| c.content.style.font == font),
                Block::Signature(s) => s.style.font == font,
                Block::Space { .. } | Block::PageBreak { .. } => false,
            }
        }
        self.sections.iter().any(|s| {
            s.header
                .iter()
                .chain(&s.footer)
                .chain(&s.body)
                .any(|b| block_uses(b, font))
        })
    }

    /// Whether a running header or footer shows the number of pages.
    pub fn needs_page_count(&self) -> bool {
        fn mentions(b: &Block) -> bool {
            let has = |p: &Paragraph| p.plain_text().contains("{pages}");
            match b {
                Block::Paragraph(p) => has(p),
                Block::Table(t) => t.cells.iter().any(|c| has(&c.content)),
                Block::Signature(s) => [&s.label, &s.caption, &s.name]
                    .iter()
                    .any(|t| t.contains("{pages}")),
                Block::Space { .. } | Block::PageBreak { .. } => false,
            }
        }
        self.sections
            .iter()
            .any(|s| s.header.iter().chain(&s.footer).any(mentions))
    }
}

/// Parses layout markup.
pub fn parse(text: &str) -> Result<Document, MarkupError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| {
        let pos = e.pos();
        MarkupError::Syntax {
            line: pos.row,
            column: pos.col,
            message: e.to_string(),
        }
    })?;
    // Byte offsets where lines start: roxmltree's own position lookup scans from the start of
    // the text, which made large documents quadratic.
    let line_starts = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    Parser { line_starts }.document(doc.root_element())
}

const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "table",
    "signature",
    "space",
    "page-break",
];
const TEXT_STYLE_ATTRS: &[&str] = &["font", "size", "bold", "italic", "line-spacing"];

struct Parser {
    line_starts: Vec<usize>,
}

type Node<'a, 'input> = roxmltree::Node<'a, 'input>;

impl Parser {
    fn line(&self, node: Node) -> u32 {
        self.line_starts
            .partition_point(|&start| start <= node.range().start) as u32
    }

    fn unexpected(&self, node: Node, parent: Node, allowed: &[&str]) -> MarkupError {
        MarkupError::UnexpectedElement {
            line: self.line(node),
            element: node.tag_name().name().to_string(),
            parent: parent.tag_name().name().to_string(),
            allowed: if allowed.is_empty() {
                "только текст".to_string()
            } else {
                allowed.join(", ")
            },
        }
    }

    /// Checks that `node` has only `allowed` attributes.
    fn attrs(&self, node: Node, allowed: &[&[&str]]) -> Result<(), MarkupError> {
        for a in node.attributes() {
            if !allowed.iter().any(|list| list.contains(&a.name())) {
                let all: Vec<&str> = allowed.iter().flat_map(|l| l.iter().copied()).collect();
                return Err(MarkupError::UnknownAttribute {
                    line: self.line(node),
                    element: node.tag_name().name().to_string(),
                    attribute: a.name().to_string(),
                    allowed: if all.is_empty() {
                        "никаких".to_string()
                    } else {
                        all.join(", ")
                    },
                });
            }
        }
        Ok(())
    }

    fn bad(&self, node: Node, attribute: &str, expected: &str) -> MarkupError {
        MarkupError::BadValue {
            line: self.line(node),
            element: node.tag_name().name().to_string(),
            attribute: attribute.to_string(),
            value: node.attribute(attribute).unwrap_or_default().to_string(),
            expected: expected.to_string(),
        }
    }

    /// Element children, rejecting stray text; comments are skipped.
    fn children<'a, 'input>(
        &self,
        node: Node<'a, 'input>,
    ) -> Result<Vec<Node<'a, 'input>>, MarkupError> {
        let mut out = Vec::new();
        for c in node.children() {
            if c.is_element() {
                out.push(c);
            } else if c.is_text() {
                let t = c.text().unwrap_or_default().trim();
                if !t.is_empty() {
                    return Err(MarkupError::StrayText {
                        line: self.line(c) + leading_newlines(c.text().unwrap_or_default()),
                        text: t.chars().take(40).collect(),
                    });
                }
            }
        }
        Ok(out)
    }

    fn bool_attr(&self, node: Node, name: &str) -> Result<Option<bool>, MarkupError> {
        match node.attribute(name) {
            None => Ok(None),
            Some("true" | "yes" | "1") => Ok(Some(true)),
            Some("false" | "no" | "0") => Ok(Some(false)),
            Some(_) => Err(self.bad(node, name, "ожидается true или false")),
        }
    }

    fn length_attr(
        &self,
        node: Node,
        name: &str,
        unit: Unit,
        max: f32,
    ) -> Result<Option<f32>, MarkupError> {
        let Some(v) = node.attribute(name) else {
            return Ok(None);
        };
        match parse_length(v, unit) {
            Some(x) if (0.0..=max).contains(&x) => Ok(Some(x)),
            _ => Err(self.bad(
                node,
                name,
                &format!(
                    "ожидается длина от 0 до {max} {}: число с единицей mm, cm или pt (без единицы — {})",
                    unit.name(),
                    unit.name()
                ),
            )),
        }
    }

    /// Reads the text-style attributes of `node` over `base`.
    fn text_style(&self, node: Node, base: TextStyle) -> Result<TextStyle, MarkupError> {
        let mut s = base;
        if let Some(f) = node.attribute("font") {
            s.font = match f {
                "serif" => FontName::Serif,
                "sans" => FontName::Sans,
                _ => return Err(self.bad(node, "font", "ожидается serif или sans")),
            };
        }
        if let Some(v) = node.attribute("size") {
            s.size = match v.parse::<u8>() {
                Ok(n) if (4..=72).contains(&n) => n,
                _ => {
                    return Err(self.bad(
                        node,
                        "size",
                        "ожидается целый размер шрифта в пунктах, от 4 до 72",
                    ))
                }
            };
        }
        if let Some(b) = self.bool_attr(node, "bold")? {
            s.bold = b;
        }
        if let Some(i) = self.bool_attr(node, "italic")? {
            s.italic = i;
        }
        if let Some(v) = node.attribute("line-spacing") {
            s.line_spacing = match v.parse::<f32>() {
                Ok(x) if (0.5..=4.0).contains(&x) => x,
                _ => {
                    return Err(self.bad(
                        node,
                        "line-spacing",
                        "ожидается множитель междустрочного интервала от 0.5 до 4",
                    ))
                }
            };
        }
        Ok(s)
    }

    fn align_attr(&self, node: Node) -> Result<Option<Align>, MarkupError> {
        Ok(match node.attribute("align") {
            None => None,
            Some("left") => Some(Align::Left),
            Some("center") => Some(Align::Center),
            Some("right") => Some(Align::Right),
            Some("justify") => Some(Align::Justify),
            Some(_) => {
                return Err(self.bad(node, "align", "ожидается left, center, right или justify"))
            }
        })
    }

    fn valign_attr(&self, node: Node) -> Result<Option<VAlign>, MarkupError> {
        Ok(match node.attribute("valign") {
            None => None,
            Some("top") => Some(VAlign::Top),
            Some("middle") => Some(VAlign::Middle),
            Some("bottom") => Some(VAlign::Bottom),
            Some(_) => return Err(self.bad(node, "valign", "ожидается top, middle или bottom")),
        })
    }

    fn fit_attr(&self, node: Node) -> Result<Option<Fit>, MarkupError> {
        Ok(match node.attribute("fit") {
            None => None,
            Some("wrap") => Some(Fit::Wrap),
            Some("shrink") => Some(Fit::Shrink),
            Some(_) => return Err(self.bad(node, "fit", "ожидается wrap или shrink")),
        })
    }

    fn document<'a, 'input>(&self, root: Node<'a, 'input>) -> Result<Document, MarkupError> {
        if root.tag_name().name() != "document" {
            return Err(MarkupError::UnexpectedElement {
                line: self.line(root),
                element: root.tag_name().name().to_string(),
                parent: "(начало)".to_string(),
                allowed: "document".to_string(),
            });
        }
        self.attrs(root, &[&["title"], TEXT_STYLE_ATTRS])?;
        let style = self.text_style(root, TextStyle::default())?;
        let mut sections = Vec::new();
        for c in self.children(root)? {
            match c.tag_name().name() {
                "section" => sections.push(self.section(c, style)?),
                _ => return Err(self.unexpected(c, root, &["section"])),
            }
        }
        if sections.is_empty() {
            return Err(MarkupError::UnexpectedElement {
                line: self.line(root),
                element: "document".to_string(),
                parent: "(начало)".to_string(),
                allowed: "document хотя бы с одной section".to_string(),
            });
        }
        Ok(Document {
            title: root.attribute("title").unwrap_or_default().to_string(),
            style,
            sections,
        })
    }

    fn section<'a, 'input>(
        &self,
        node: Node<'a, 'input>,
        base: TextStyle,
    ) -> Result<Section, MarkupError> {
        self.attrs(node, &[&["orientation", "margins", "id"], TEXT_STYLE_ATTRS])?;
        let style = self.text_style(node, base)?;
        let orientation = match node.attribute("orientation") {
            None | Some("portrait") => Orientation::Portrait,
            Some("landscape") => Orientation::Landscape,
            Some(_) => {
                return Err(self.bad(node, "orientation", "ожидается portrait или landscape"))
            }
        };
        let margins = match node.attribute("margins") {
            None => Margins::default(),
            Some(v) => {
                let parts: Option<Vec<f32>> = v
                    .split_whitespace()
                    .map(|p| parse_length(p, Unit::Mm).filter(|x| (0.0..=80.0).contains(x)))
                    .collect();
                let expected =
                    "ожидается от одной до четырёх длин от 0 до 80 мм: верх, право, низ, лево";
                match parts.as_deref() {
                    Some([a]) => Margins {
                        top: *a,
                        right: *a,
                        bottom: *a,
                        left: *a,
                    },
                    Some([v, h]) => Margins {
                        top: *v,
                        right: *h,
                        bottom: *v,
                        left: *h,
                    },
                    Some([t, h, b]) => Margins {
                        top: *t,
                        right: *h,
                        bottom: *b,
                        left: *h,
                    },
                    Some([t, r, b, l]) => Margins {
                        top: *t,
                        right: *r,
                        bottom: *b,
                        left: *l,
                    },
                    _ => return Err(self.bad(node, "margins", expected)),
                }
            }
        };
        let mut section = Section {
            id: node.attribute("id").map(str::to_string),
            orientation,
            margins,
            header: Vec::new(),
            footer: Vec::new(),
            body: Vec::new(),
            line: self.line(node),
        };
        let mut allowed: Vec<&str> = vec!["header", "footer"];
        allowed.extend(BLOCKS);
        for c in self.children(node)? {
            match c.tag_name().name() {
                name @ ("header" | "footer") => {
                    self.attrs(c, &[TEXT_STYLE_ATTRS])?;
                    let s = self.text_style(c, style)?;
                    let mut blocks = Vec::new();
                    let running: Vec<&str> = BLOCKS
                        .iter()
                        .copied()
                        .filter(|b| *b != "page-break")
                        .collect();
                    for b in self.children(c)? {
                        if b.tag_name().name() == "page-break" {
                            return Err(self.unexpected(b, c, &running));
                        }
                        blocks.push(self.block(b, c, s)?);
                    }
                    if name == "header" {
                        section.header = blocks;
                    } else {
                        section.footer = blocks;
                    }
                }
                _ if BLOCKS.contains(&c.tag_name().name()) => {
                    section.body.push(self.block(c, node, style)?)
                }
                _ => return Err(self.unexpected(c, node, &allowed)),
            }
        }
        Ok(section)
    }

    fn block<'a, 'input>(
        &self,
        node: Node<'a, 'input>,
        parent: Node,
        base: TextStyle,
    ) -> Result<Block, MarkupError> {
        Ok(match node.tag_name().name() {
            "p" => Block::Paragraph(self.paragraph(node, base, ParagraphKind::Plain)?),
            "h1" => Block::Paragraph(self.paragraph(node, base, ParagraphKind::Heading(1))?),
            "h2" => Block::Paragraph(self.paragraph(node, base, ParagraphKind::Heading(2))?),
            "h3" => Block::Paragraph(self.paragraph(node, base, ParagraphKind::Heading(3))?),
            "table" => Block::Table(self.table(node, base)?),
            "signature" => Block::Signature(self.signature(node, base)?),
            "space" => {
                self.attrs(node, &[&["height"]])?;
                let height = self
                    .length_attr(node, "height", Unit::Mm, 250.0)?
                    .ok_or_else(|| MarkupError::MissingAttribute {
                        line: self.line(node),
                        element: "space".to_string(),
                        attribute: "height".to_string(),
                    })?;
                self.children(node)?
                    .first()
                    .map_or(Ok(()), |c| Err(self.unexpected(*c, node, &[])))?;
                Block::Space {
                    height,
                    line: self.line(node),
                }
            }
            "page-break" => {
                self.attrs(node, &[])?;
                Block::PageBreak {
                    line: self.line(node),
                }
            }
            _ => return Err(self.unexpected(node, parent, BLOCKS)),
        })
    }

    fn paragraph<'a, 'input>(
        &self,
        node: Node<'a, 'input>,
        base: TextStyle,
        kind: ParagraphKind,
    ) -> Result<Paragraph, MarkupError> {
        self.attrs(
            node,
            &[
                TEXT_STYLE_ATTRS,
                &["align", "fit", "indent", "space-before", "space-after"],
            ],
        )?;
        let (size, align, before, after) = match kind {
            ParagraphKind::Plain => (base.size, Align::Left, 0.0, 1.5),
            ParagraphKind::Heading(1) => (base.size.saturating_add(3), Align::Center, 4.0, 3.0),
            ParagraphKind::Heading(2) => (base.size.saturating_add(1), Align::Center, 3.0, 2.0),
            ParagraphKind::Heading(_) => (base.size, Align::Left, 3.0, 1.5),
        };
        let heading = matches!(kind, ParagraphKind::Heading(_));
        let base = TextStyle {
            size,
            bold: base.bold || heading,
            ..base
        };
        let style = self.text_style(node, base)?;
        let mut inlines = Vec::new();
        self.inlines(node, style.bold, style.italic, &mut inlines)?;
        Ok(Paragraph {
            inlines: normalize_space(inlines),
            style,
            align: self.align_attr(node)?.unwrap_or(align),
            fit: self.fit_attr(node)?.unwrap_or_default(),
            indent: self
                .length_attr(node, "indent", Unit::Mm, 100.0)?
                .unwrap_or(0.0),
            space_before: self
                .length_attr(node, "space-before", Unit::Mm, 100.0)?
                .unwrap_or(before),
            space_after: self
                .length_attr(node, "space-after", Unit::Mm, 100.0)?
                .unwrap_or(after),
            keep_with_next: heading,
            line: self.line(node),
        })
    }

    /// Collects the text of `node` and its `b`, `i`, `br` children.
    fn inlines<'a, 'input>(
        &self,
        node: Node<'a, 'input>,
        bold: bool,
        italic: bool,
        out: &mut Vec<Inline>,
    ) -> Result<(), MarkupError> {
        for c in node.children() {
            if c.is_text() {
                out.push(Inline::Text {
                    text: c.text().unwrap_or_default().to_string(),
                    bold,
                    italic,
                });
            } else if c.is_element() {
                match c.tag_name().name() {
                    "b" => {
                        self.attrs(c, &[])?;
                        self.inlines(c, true, italic, out)?
                    }
                    "i" => {
                        self.attrs(c, &[])?;
                        self.inlines(c, bold, true, out)?
                    }
                    "br" => {
                        self.attrs(c, &[])?;
                        if let Some(x) = self.children(c)?.first() {
                            return Err(self.unexpected(*x, c, &[]));
                        }
                        out.push(Inline::Break)
                    }
                    _ => return Err(self.unexpected(c, node, &["b", "i", "br"])),
                }
            }
        }
        Ok(())
    }

    fn signature<'a, 'input>(
        &self,
        node: Node<'a, 'input>,
        base: TextStyle,
    ) -> Result<Signature, MarkupError> {
        self.attrs(
            node,
            &[
                TEXT_STYLE_ATTRS,
                &[
                    "label",
                    "caption",
                    "name",
                    "width",
                    "space-before",
                    "space-after",
                ],
            ],
        )?;
        if let Some(x) = self.children(node)?.first() {
            return Err(self.unexpected(*x, node, &[]));
        }
        let attr = |n: &str| collapse(node.attribute(n).unwrap_or_default());
        Ok(Signature {
            label: attr("label"),
            caption: attr("caption"),
            name: attr("name"),
            width: self
                .length_attr(node, "width", Unit::Mm, 200.0)?
                .unwrap_or(40.0),
            style: self.text_style(node, base)?,
            space_before: self
                .length_attr(node, "space-before", Unit::Mm, 100.0)?
                .unwrap_or(4.0),
            space_after: self
                .length_attr(node, "space-after", Unit::Mm, 100.0)?
                .unwrap_or(2.0),
            line: self.line(node),
        })
    }

    fn table<'a, 'input>(
        &self,
        node: Node<'a, 'input>,
        base: TextStyle,
    ) -> Result<Table, MarkupError> {
        const CELL_ATTRS: &[&str] = &["align", "valign", "fit"];
        self.attrs(
            node,
            &[
                TEXT_STYLE_ATTRS,
                CELL_ATTRS,
                &[
                    "widths",
                    "header-rows",
                    "border",
                    "padding",
                    "space-before",
                    "space-after",
                ],
            ],
        )?;
        let line = self.line(node);
        let widths = node
            .attribute("widths")
            .ok_or_else(|| MarkupError::MissingAttribute {
                line,
                element: "table".to_string(),
                attribute: "widths".to_string(),
            })?;
        let columns: Option<Vec<Column>> = widths.split_whitespace().map(parse_column).collect();
        let columns = match columns {
            Some(c) if !c.is_empty() => c,
            _ => {
                return Err(self.bad(
                    node,
                    "widths",
                    "ожидается список ширин столбцов: 25mm (постоянная) или 2* (доля остатка)",
                ))
            }
        };
        let table_style = self.text_style(node, base)?;
        let table_cell = CellDefaults {
            align: self.align_attr(node)?.unwrap_or_default(),
            valign: self.valign_attr(node)?.unwrap_or_default(),
            fit: self.fit_attr(node)?.unwrap_or_default(),
        };
        let ncols = columns.len();
        let mut cells: Vec<Cell> = Vec::new();
        let mut row_lines = Vec::new();
        // Columns still covered by a rowspan from above: the number of rows left.
        let mut covered = vec![0usize; ncols];
        for (r, tr) in self.children(node)?.into_iter().enumerate() {
            if tr.tag_name().name() != "tr" {
                return Err(self.unexpected(tr, node, &["tr"]));
            }
            self.attrs(tr, &[TEXT_STYLE_ATTRS, CELL_ATTRS])?;
            row_lines.push(self.line(tr));
            let row_style = self.text_style(tr, table_style)?;
            let row_cell = CellDefaults {
                align: self.align_attr(tr)?.unwrap_or(table_cell.align),
                valign: self.valign_attr(tr)?.unwrap_or(table_cell.valign),
                fit: self.fit_attr(tr)?.unwrap_or(table_cell.fit),
            };
            let mut col = 0usize;
            let mut taken = covered.iter().map(|&n| n > 0).collect::<Vec<bool>>();
            for td in self.children(tr)? {
                if td.tag_name().name() != "td" {
                    return Err(self.unexpected(td, tr, &["td"]));
                }
                self.attrs(td, &[TEXT_STYLE_ATTRS, CELL_ATTRS, &["colspan", "rowspan"]])?;
                let span = |name: &str| -> Result<usize, MarkupError> {
                    match td.attribute(name) {
                        None => Ok(1),
                        Some(v) => match v.parse::<usize>() {
                            Ok(n) if (1..=1000).contains(&n) => Ok(n),
                            _ => Err(self.bad(td, name, "ожидается целое число от 1")),
                        },
                    }
                };
                let (colspan, rowspan) = (span("colspan")?, span("rowspan")?);
                while col < ncols && taken[col] {
                    col += 1;
                }
                if col + colspan > ncols || taken[col..col + colspan].iter().any(|t| *t) {
                    return Err(MarkupError::Table {
                        line: self.line(td),
                        message: format!(
                            "в строке таблицы больше ячеек, чем столбцов в widths ({ncols})"
                        ),
                    });
                }
                let style = self.text_style(td, row_style)?;
                let mut inlines = Vec::new();
                self.inlines(td, style.bold, style.italic, &mut inlines)?;
                let content = Paragraph {
                    inlines: normalize_space(inlines),
                    style,
                    align: self.align_attr(td)?.unwrap_or(row_cell.align),
                    fit: self.fit_attr(td)?.unwrap_or(row_cell.fit),
                    indent: 0.0,
                    space_before: 0.0,
                    space_after: 0.0,
                    keep_with_next: false,
                    line: self.line(td),
                };
                cells.push(Cell {
                    row: r,
                    col,
                    colspan,
                    rowspan,
                    content,
                    valign: self.valign_attr(td)?.unwrap_or(row_cell.valign),
                    implicit: false,
                    line: self.line(td),
                });
                for c in col..col + colspan {
                    taken[c] = true;
                    covered[c] = covered[c].max(rowspan);
                }
                col += colspan;
            }
            // Positions no cell covers get an empty cell, so that borders are complete.
            for (c, t) in taken.iter().enumerate() {
                if !t {
                    cells.push(Cell {
                        row: r,
                        col: c,
                        colspan: 1,
                        rowspan: 1,
                        content: Paragraph {
                            inlines: Vec::new(),
                            style: row_style,
                            align: row_cell.align,
                            fit: row_cell.fit,
                            indent: 0.0,
                            space_before: 0.0,
                            space_after: 0.0,
                            keep_with_next: false,
                            line: self.line(tr),
                        },
                        valign: row_cell.valign,
                        implicit: true,
                        line: self.line(tr),
                    });
                }
            }
            for n in covered.iter_mut() {
                *n = n.saturating_sub(1);
            }
        }
        let rows = row_lines.len();
        if let Some(c) = cells.iter().find(|c| c.row + c.rowspan > rows) {
            return Err(MarkupError::Table {
                line: c.line,
                message: format!(
                    "rowspan=\"{}\" выходит за последнюю строку таблицы",
                    c.rowspan
                ),
            });
        }
        cells.sort_by_key(|c| (c.row, c.col));
        let header_rows = match node.attribute("header-rows") {
            None => 0,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n <= rows => n,
                _ => {
                    return Err(self.bad(
                        node,
                        "header-rows",
                        "ожидается число строк шапки, не больше числа строк таблицы",
                    ))
                }
            },
        };
        if let Some(c) = cells
            .iter()
            .find(|c| c.row < header_rows && c.row + c.rowspan > header_rows)
        {
            return Err(MarkupError::Table {
                line: c.line,
                message: "ячейка шапки (header-rows) не может объединяться со строками под шапкой"
                    .to_string(),
            });
        }
        Ok(Table {
            columns,
            header_rows,
            border: self
                .length_attr(node, "border", Unit::Pt, 3.0)?
                .map_or(0.3, |mm| mm / MM_PER_PT),
            padding: self
                .length_attr(node, "padding", Unit::Mm, 10.0)?
                .unwrap_or(0.8),
            rows,
            row_lines,
            cells,
            space_before: self
                .length_attr(node, "space-before", Unit::Mm, 100.0)?
                .unwrap_or(1.0),
            space_after: self
                .length_attr(node, "space-after", Unit::Mm, 100.0)?
                .unwrap_or(3.0),
            line,
        })
    }
}

#[derive(Clone, Copy)]
enum ParagraphKind {
    Plain,
    Heading(u8),
}

#[derive(Clone, Copy)]
struct CellDefaults {
    align: Align,
    valign: VAlign,
    fit: Fit,
}

/// Millimetres in a point.
pub(crate) const MM_PER_PT: f32 = 25.4 / 72.0;

#[derive(Clone, Copy)]
enum Unit {
    Mm,
    Pt,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Mm => "мм",
            Unit::Pt => "пт",
        }
    }
}

/// A length in millimetres from `12`, `12mm`, `1.2cm` or `0.3pt`; a bare number is in
/// `default` units.
fn parse_length(s: &str, default: Unit) -> Option<f32> {
    let s = s.trim();
    let (num, factor) = if let Some(n) = s.strip_suffix("mm") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix("cm") {
        (n, 10.0)
    } else if let Some(n) = s.strip_suffix("pt") {
        (n, MM_PER_PT)
    } else {
        (
            s,
            match default {
                Unit::Mm => 1.0,
                Unit::Pt => MM_PER_PT,
            },
        )
    };
    let x: f32 = num.trim().parse().ok()?;
    (x.is_finite() && x >= 0.0).then_some(x * factor)
}

fn parse_column(s: &str) -> Option<Column> {
    if let Some(w) = s.strip_suffix('*') {
        let w: f32 = if w.is_empty() { 1.0 } else { w.parse().ok()? };
        return (w.is_finite() && w > 0.0).then_some(Column::Relative(w));
    }
    // A bare number is ambiguous here: require a unit.
    if s.trim().parse::<f32>().is_ok() {
        return None;
    }
    parse_length(s, Unit::Mm)
        .filter(|w| *w > 0.0)
        .map(Column::Fixed)
}

fn leading_newlines(s: &str) -> u32 {
    s.chars()
        .take_while(|c| c.is_whitespace())
        .filter(|c| *c == '\n')
        .count() as u32
}

/// Collapses runs of white space to one space and trims the ends.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// HTML's white-space rule: runs of white space (across inline boundaries) become one space;
/// space at the start and end of the paragraph and around line breaks disappears. The
/// non-breaking space (U+00A0) is not white space here.
fn normalize_space(inlines: Vec<Inline>) -> Vec<Inline> {
    let is_ws = |c: char| c.is_whitespace() && c != '\u{a0}';
    let mut out: Vec<Inline> = Vec::new();
    // Whether the output so far ends in a space or is at a line start.
    let mut at_space = true;
    for i in inlines {
        match i {
            Inline::Break => {
                trim_end(&mut out);
                out.push(Inline::Break);
                at_space = true;
            }
            Inline::Text { text, bold, italic } => {
                let mut t = String::with_capacity(text.len());
                for c in text.chars() {
                    if is_ws(c) {
                        if !at_space {
                            t.push(' ');
                            at_space = true;
                        }
                    } else {
                        t.push(c);
                        at_space = false;
                    }
                }
                if !t.is_empty() {
                    match out.last_mut() {
                        Some(Inline::Text {
                            text: prev,
                            bold: b,
                            italic: it,
                        }) if *b == bold && *it == italic => prev.push_str(&t),
                        _ => out.push(Inline::Text {
                            text: t,
                            bold,
                            italic,
                        }),
                    }
                }
            }
        }
    }
    trim_end(&mut out);
    out
}

fn trim_end(out: &mut Vec<Inline>) {
    while let Some(Inline::Text { text, .. }) = out.last_mut() {
        let len = text.trim_end_matches(' ').len();
        text.truncate(len);
        if text.is_empty() {
            out.pop();
        } else {
            break;
        }
    }
}

/// Every distinct character of the document's text, for checks of font coverage.
pub fn characters(doc: &Document) -> BTreeSet<char> {
    let mut set = BTreeSet::new();
    let mut add = |s: &str| set.extend(s.chars());
    add(&doc.title);
    for s in &doc.sections {
        for b in s.header.iter().chain(&s.footer).chain(&s.body) {
            match b {
                Block::Paragraph(p) => add(&p.plain_text()),
                Block::Table(t) => t.cells.iter().for_each(|c| add(&c.content.plain_text())),
                Block::Signature(sig) => {
                    add(&sig.label);
                    add(&sig.caption);
                    add(&sig.name)
                }
                Block::Space { .. } | Block::PageBreak { .. } => {}
            }
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_block(body: &str) -> Block {
        let doc = parse(&format!("<document><section>{body}</section></document>")).unwrap();
        doc.sections[0].body[0].clone()
    }

    fn text(b: &str, bold: bool, italic: bool) -> Inline {
        Inline::Text {
            text: b.to_string(),
            bold,
            italic,
        }
    }

    #[test]
    fn white_space_collapses_like_html_and_styles_nest() {
        let Block::Paragraph(p) =
            one_block("<p>\n   Итого:   <b>5 <i>учеников</i></b> ,\n  <br/>  из  <i>32</i>  </p>")
        else {
            panic!("not a paragraph")
        };
        assert_eq!(
            p.inlines,
            vec![
                text("Итого: ", false, false),
                text("5 ", true, false),
                text("учеников", true, true),
                text(" ,", false, false),
                Inline::Break,
                text("из ", false, false),
                text("32", false, true),
            ]
        );
        assert_eq!(p.plain_text(), "Итого: 5 учеников ,\nиз 32");
    }

    #[test]
    fn headings_are_bold_larger_and_keep_with_next() {
        let Block::Paragraph(h) = one_block("<h1>Итоги</h1>") else {
            panic!()
        };
        assert!(h.style.bold && h.keep_with_next);
        assert_eq!((h.style.size, h.align), (14, Align::Center));
    }

    #[test]
    fn table_grid_places_spans_and_fills_short_rows() {
        let Block::Table(t) = one_block(
            r#"<table widths="10mm 2* 1* 1*" header-rows="2">
                 <tr><td rowspan="2">№</td><td rowspan="2">ФИО</td><td colspan="2">Отметки</td></tr>
                 <tr><td>1</td><td>2</td></tr>
                 <tr><td>1</td><td>Агапова</td></tr>
               </table>"#,
        ) else {
            panic!()
        };
        let grid: Vec<(usize, usize, usize, usize, bool)> = t
            .cells
            .iter()
            .map(|c| (c.row, c.col, c.colspan, c.rowspan, c.implicit))
            .collect();
        assert_eq!(
            grid,
            vec![
                (0, 0, 1, 2, false),
                (0, 1, 1, 2, false),
                (0, 2, 2, 1, false),
                (1, 2, 1, 1, false),
                (1, 3, 1, 1, false),
                (2, 0, 1, 1, false),
                (2, 1, 1, 1, false),
                (2, 2, 1, 1, true),
                (2, 3, 1, 1, true),
            ]
        );
        assert_eq!(t.columns[0], Column::Fixed(10.0));
        assert_eq!(t.columns[1], Column::Relative(2.0));
        assert!((t.border - 0.3).abs() < 1e-6);
    }

    #[test]
    fn errors_name_the_line_and_say_what_is_allowed() {
        let src = "<document>\n<section>\n<p>ok</p>\n<tabel/>\n</section>\n</document>";
        let e = parse(src).unwrap_err();
        assert!(
            matches!(e, MarkupError::UnexpectedElement { line: 4, .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("строка 4"), "{e}");
        assert!(e.to_string().contains("table"), "{e}");

        // The parser notices the unclosed tag where the next one begins.
        let e = parse("<document>\n<section>\n<p>ok</p\n</section></document>").unwrap_err();
        assert!(matches!(e, MarkupError::Syntax { line: 4, .. }), "{e:?}");

        let e = parse(
            "<document><section>\n\n<table widths=\"10 20\"><tr/></table></section></document>",
        )
        .unwrap_err();
        assert!(matches!(e, MarkupError::BadValue { line: 3, .. }), "{e:?}");
        assert!(e.to_string().contains("25mm"), "{e}");

        let e = parse(
            "<document><section><table widths=\"1* 1*\">\n<tr><td>1</td><td>2</td><td>3</td></tr></table></section></document>",
        )
        .unwrap_err();
        assert!(matches!(e, MarkupError::Table { line: 2, .. }), "{e:?}");

        let e = parse("<document><section>\nпросто текст</section></document>").unwrap_err();
        assert!(matches!(e, MarkupError::StrayText { line: 2, .. }), "{e:?}");

        let e =
            parse("<document><section><p colour=\"red\">x</p></section></document>").unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");

        let e =
            parse("<document><section><p size=\"11.5\">x</p></section></document>").unwrap_err();
        assert!(e.to_string().contains("size=\"11.5\""), "{e}");

        let e = parse(
            "<document><section><table widths=\"1*\">\n<tr><td rowspan=\"3\">x</td></tr></table></section></document>",
        )
        .unwrap_err();
        assert!(matches!(e, MarkupError::Table { line: 2, .. }), "{e:?}");
    }

    #[test]
    fn lengths_take_units() {
        assert_eq!(parse_length("12", Unit::Mm), Some(12.0));
        assert_eq!(parse_length("1.5cm", Unit::Mm), Some(15.0));
        assert!((parse_length("72pt", Unit::Mm).unwrap() - 25.4).abs() < 1e-4);
        assert!((parse_length("0.3", Unit::Pt).unwrap() - 0.3 * MM_PER_PT).abs() < 1e-6);
        assert_eq!(parse_length("-1", Unit::Mm), None);
        assert_eq!(parse_length("1,5", Unit::Mm), None);
        assert_eq!(parse_column("3"), None);
        assert_eq!(parse_column("*"), Some(Column::Relative(1.0)));
    }

    #[test]
    fn sections_read_orientation_margins_and_running_blocks() {
        let doc = parse(
            r#"<document title="T" size="10"><section orientation="landscape" margins="10 20">
                 <header><p>{page}</p></header><footer><p>из {pages}</p></footer><p>x</p>
               </section></document>"#,
        )
        .unwrap();
        let s = &doc.sections[0];
        assert_eq!(s.orientation, Orientation::Landscape);
        assert_eq!(
            s.margins,
            Margins {
                top: 10.0,
                right: 20.0,
                bottom: 10.0,
                left: 20.0
            }
        );
        assert_eq!((s.header.len(), s.footer.len(), s.body.len()), (1, 1, 1));
        assert!(doc.needs_page_count());
        assert!(!doc.uses_font(FontName::Sans));
        assert_eq!(doc.style.size, 10);
    }
}
