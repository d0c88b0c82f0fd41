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

/// Millimetres in a point.
pub(crate) const MM_PER_PT: f32 = 25.4 / 72.0;

mod parse;
mod table;
mod text;

pub use parse::parse;
use parse::*;
use text::*;

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
mod tests;
