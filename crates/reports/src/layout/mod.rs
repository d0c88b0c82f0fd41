//! From parsed layout markup to PDF bytes.
//!
//! The pages are driven here, over genpdfi's renderer: every new page is first prepared
//! (`Pages`: the page sized for the orientation of its section, the margins applied, the
//! running header and footer printed), then the body (`Flow`) fills it, printing the
//! sections' blocks one after another, each block reporting how much of itself fitted.
//! Paragraphs break between lines, tables between row groups (repeating their header rows),
//! and a new section always starts a new page.
//!
//! genpdfi gives every page of a document the same paper size. A document whose sections are
//! all portrait or all landscape gets that size; a mixed one is drawn on square 297 × 297 mm
//! sheets, each page in the top left corner, and a last pass over the file (`pdf::finish`)
//! then gives every page its own A4 box. The same pass compresses streams, names the subset
//! fonts and makes the file reproducible.
//!
//! A running header or footer may show `{page}` and `{pages}`; for `{pages}` the document is
//! laid out twice, the second time knowing the count.

mod draw;
pub(crate) mod table;
pub(crate) mod text;

use crate::fonts;
use crate::markup::{
    Block, Document, FontName, Inline, Orientation, Paragraph, Section, Signature,
};
use crate::pdf::{self, PageBox};
use draw::{PageText, Region};
use genpdfi::fonts::{Font, FontFamily};
use genpdfi::style::LineStyle;
use genpdfi::{Position, Size};
use std::cell::RefCell;
use std::rc::Rc;
use table::TableBox;
use text::{mm, Measures, TextLayout};
use thiserror::Error;

/// Tolerance of length comparisons, mm.
pub(crate) const EPS: f32 = 0.01;
/// Room a heading wants below itself on its page, mm, or it moves to the next page.
const KEEP_WITH_NEXT: f32 = 20.0;
/// Gap between a running header or footer and the body, mm.
const RUNNING_GAP: f32 = 3.0;
/// Least height of a page's body that its running header and footer must leave, mm.
const MIN_BODY: f32 = 10.0;

/// Why markup that parsed could not be laid out. Messages name the line of the markup.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LayoutError {
    #[error("разметка, строка {line}: строка таблицы выше страницы ({need:.0} мм при {have:.0} мм свободного места): уменьшите шрифт или текст ячеек")]
    RowTooTall { line: u32, need: f32, have: f32 },
    #[error("разметка, строка {line}: таблица шире страницы: столбцы постоянной ширины занимают {need:.0} мм, а на странице {have:.0} мм")]
    TableTooWide { line: u32, need: f32, have: f32 },
    #[error("разметка, строка {line}: колонтитул не помещается на странице")]
    RunningTooTall { line: u32 },
    #[error("разметка, строка {line}: элемент не помещается даже на пустой странице")]
    TooTall { line: u32 },
    #[error("в шрифтах документа нет знаков {chars}: замените их (например, латиницей) — иначе они не напечатаются")]
    MissingGlyphs { chars: String },
    #[error("не удалось записать PDF: {0}")]
    Pdf(String),
    #[error("внутренняя ошибка вёрстки: {0}")]
    Internal(String),
}

/// Lays out `doc` and returns the finished PDF file.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, LayoutError> {
    render_pdf_paged(doc).map(|(bytes, _)| bytes)
}

/// Where the pages of a laid-out document fell.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pagination {
    /// Pages of the document.
    pub pages: usize,
    /// The first page (1-based) of every section that has an `id`.
    pub first_pages: std::collections::BTreeMap<String, usize>,
}

/// [`render_pdf`], also telling on which page each named section begins: a contents page or
/// a certification sheet is then filled in and the document laid out again.
pub fn render_pdf_paged(doc: &Document) -> Result<(Vec<u8>, Pagination), LayoutError> {
    render_pdf_ticking(doc, None, false, PageCount::Exact)
}

/// Where the pages of `doc` fall, without making the file (about half the work of
/// [`render_pdf_paged`]: the PDF is neither written nor finished).
pub fn paginate(doc: &Document) -> Result<Pagination, LayoutError> {
    render_pdf_ticking(doc, None, true, PageCount::Exact).map(|(_, pages)| pages)
}

/// How a document whose running header or footer shows `{pages}` learns its page count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PageCount {
    /// A first pass counts the pages (with a stand-in number), then the document is laid out
    /// again knowing the count, until the two agree.
    Exact,
    /// Lay out with this count first; again only if the pages come out otherwise. A
    /// document laid out once more after a small change (a contents page filled in) usually
    /// keeps its count, and then one pass is enough.
    Guess(usize),
    /// One pass with the stand-in number: where the pages fall, as good as the stand-in (for
    /// a first layout whose page numbers only fill in a contents page that is laid out again
    /// exactly).
    Rough,
}

/// How many times [`render_pdf_paged`] lays out every section of `doc`: twice when a running
/// header or footer shows the number of pages, else once.
pub fn passes(doc: &Document) -> usize {
    if doc.needs_page_count() {
        2
    } else {
        1
    }
}

/// [`render_pdf_paged`], sending `()` on `tick` each time a section has been laid out (once
/// per section and pass; see [`passes`]). With `layout_only` the bytes are empty.
pub(crate) fn render_pdf_ticking(
    doc: &Document,
    tick: Option<std::sync::mpsc::Sender<()>>,
    layout_only: bool,
    count: PageCount,
) -> Result<(Vec<u8>, Pagination), LayoutError> {
    check_glyphs(doc)?;
    let mixed = doc
        .sections
        .iter()
        .any(|s| s.orientation != doc.sections[0].orientation);
    let measures = Rc::new(Measures::default());
    let mut total = match count {
        PageCount::Guess(n) => Some(n),
        PageCount::Exact | PageCount::Rough => None,
    };
    let rough = count == PageCount::Rough;
    let mut attempts = 0;
    loop {
        // A pass that only counts the pages for `{pages}` need not make the file.
        let counting = doc.needs_page_count() && total.is_none() && !rough;
        let (bytes, pages, of_pages) = render_once(
            doc,
            &measures,
            total,
            mixed,
            tick.clone(),
            layout_only || counting,
        )?;
        attempts += 1;
        if !doc.needs_page_count() || rough || total == Some(pages.len()) || attempts == 3 {
            let mut first_pages = std::collections::BTreeMap::new();
            for (page, section) in of_pages.iter().enumerate() {
                if let Some(id) = &doc.sections[*section].id {
                    first_pages.entry(id.clone()).or_insert(page + 1);
                }
            }
            let pagination = Pagination {
                pages: pages.len(),
                first_pages,
            };
            if layout_only {
                return Ok((Vec::new(), pagination));
            }
            return pdf::finish(bytes, &pages, &doc.title)
                .map(|b| (b, pagination))
                .map_err(|e| LayoutError::Pdf(e.to_string()));
        }
        total = Some(pages.len());
    }
}

/// A character the fonts do not have would print as an empty box: refuse instead.
fn check_glyphs(doc: &Document) -> Result<(), LayoutError> {
    let chars = crate::markup::characters(doc);
    let mut missing: std::collections::BTreeSet<char> = std::collections::BTreeSet::new();
    for font in [FontName::Serif, FontName::Sans] {
        if font == FontName::Sans && !doc.uses_font(font) {
            continue;
        }
        let face = genpdfi::fonts::FontData::new(fonts::faces(font).data[0].to_vec(), None)
            .map_err(LayoutError::pdf)?;
        missing.extend(
            chars
                .iter()
                .filter(|c| !c.is_control() && !c.is_whitespace() && !face.has_glyph(**c)),
        );
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(LayoutError::MissingGlyphs {
            chars: missing
                .iter()
                .map(|c| format!("«{c}» (U+{:04X})", *c as u32))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

/// What one pass makes: the PDF, the box of every page and the section of every page.
type Pass = (Vec<u8>, Vec<PageBox>, Vec<usize>);

/// One pass over the document; returns the PDF and the box of every page.
///
/// The pages are driven here rather than by `genpdfi::Document::render`: each page's PDF
/// layer is then at hand, so that a page's text goes into it as whole runs of glyphs (see
/// [`draw`]), and a pass that only finds where the pages fall loads
/// no PDF fonts and writes nothing.
fn render_once(
    doc: &Document,
    measures: &Rc<Measures>,
    total: Option<usize>,
    mixed: bool,
    tick: Option<std::sync::mpsc::Sender<()>>,
    layout_only: bool,
) -> Result<Pass, LayoutError> {
    let serif = fonts::family(&fonts::SERIF).map_err(LayoutError::pdf)?;
    let mut font_cache = genpdfi::fonts::FontCache::new(serif);
    let sans = if doc.uses_font(FontName::Sans) {
        let family = fonts::family(&fonts::SANS).map_err(LayoutError::pdf)?;
        Some(font_cache.add_font_family(family))
    } else {
        None
    };
    let fonts = Fonts {
        serif: font_cache.default_font_family(),
        sans,
    };
    let paper = if mixed {
        (297.0, 297.0)
    } else {
        doc.sections[0].orientation.size_mm()
    };
    let paper_size = Size::new(paper.0, paper.1);
    let mut renderer = genpdfi::render::Renderer::new(paper_size, &doc.title)
        .map_err(LayoutError::pdf)?
        .with_conformance(printpdf::PdfConformance::Custom(
            printpdf::CustomPdfConformance {
                requires_icc_profile: false,
                requires_xmp_metadata: false,
                ..Default::default()
            },
        ));
    if !layout_only {
        font_cache
            .load_pdf_fonts(&renderer)
            .map_err(LayoutError::pdf)?;
    }
    let shared = Rc::new(RefCell::new(Shared::default()));
    let pages = Pages {
        sections: doc
            .sections
            .iter()
            .map(|s| Section {
                id: s.id.clone(),
                orientation: s.orientation,
                margins: s.margins,
                header: s.header.clone(),
                footer: s.footer.clone(),
                body: Vec::new(),
                line: s.line,
            })
            .collect(),
        total,
        shared: shared.clone(),
    };
    let mut flow = Flow {
        sections: doc
            .sections
            .iter()
            .map(|s| FlowSection {
                blocks: s.body.iter().cloned().map(BlockBox::new).collect(),
                next: 0,
                pages: 0,
            })
            .collect(),
        current: 0,
        shared: shared.clone(),
        tick,
    };
    loop {
        let has_more = {
            let layer = renderer.last_page().last_layer();
            let cx = Cx {
                font_cache: &font_cache,
                fonts,
                measures,
                page: (!layout_only).then(|| PageText::new(layer.layer().clone(), paper.1)),
            };
            let area = pages.decorate(&cx, Region::sheet(layer.area()))?;
            let more = flow.page(&cx, area)?;
            if let Some(page) = &cx.page {
                page.close();
            }
            more
        };
        if !has_more {
            break;
        }
        renderer.add_page(paper_size);
    }
    let mut bytes = Vec::new();
    if !layout_only {
        renderer.write(&mut bytes).map_err(LayoutError::pdf)?;
    }
    let sh = shared.borrow();
    let pages = sh
        .pages
        .iter()
        .map(|o| PageBox {
            orientation: *o,
            // On a square sheet the page is in the top left corner; PDF measures from the
            // bottom, so the page must come down by what is below it.
            shift_down_mm: if mixed { paper.1 - o.size_mm().1 } else { 0.0 },
        })
        .collect();
    Ok((bytes, pages, sh.page_sections.clone()))
}

/// The font families of the document being rendered.
#[derive(Clone, Copy)]
pub(crate) struct Fonts {
    pub(crate) serif: FontFamily<Font>,
    pub(crate) sans: Option<FontFamily<Font>>,
}

/// What a block needs to lay itself out.
pub(crate) struct Cx<'a> {
    pub(crate) font_cache: &'a genpdfi::fonts::FontCache,
    pub(crate) fonts: Fonts,
    pub(crate) measures: &'a Measures,
    /// The text of the page being drawn; `None` in a pass that only finds where the pages
    /// fall, which measures everything and draws nothing (drawing is most of a pass: glyph
    /// lookups, kerning, PDF operations).
    pub(crate) page: Option<PageText>,
}

impl Cx<'_> {
    /// Whether this pass draws.
    pub(crate) fn draws(&self) -> bool {
        self.page.is_some()
    }
}

/// How much of a block fitted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Progress {
    /// All of it (what was left), taking this height.
    Done(f32),
    /// This height of it; the rest goes on the next page.
    More(f32),
}

/// State shared by the page decorator and the flow.
#[derive(Default)]
struct Shared {
    /// The section the next page belongs to.
    section: usize,
    /// Orientation of every page begun.
    pages: Vec<Orientation>,
    /// The section of every page begun.
    page_sections: Vec<usize>,
}

/// Prepares every page: its size, margins, running header and footer.
struct Pages {
    /// The sections without their bodies.
    sections: Vec<Section>,
    total: Option<usize>,
    shared: Rc<RefCell<Shared>>,
}

impl Pages {
    /// Begins a page: notes its section and orientation, then prepares its area.
    fn decorate<'a>(&self, cx: &Cx, area: Region<'a>) -> Result<Region<'a>, LayoutError> {
        let (index, page) = {
            let mut sh = self.shared.borrow_mut();
            let index = sh.section.min(self.sections.len() - 1);
            sh.pages.push(self.sections[index].orientation);
            sh.page_sections.push(index);
            (index, sh.pages.len())
        };
        self.prepare(cx, area, index, page)
    }
    fn prepare<'a>(
        &self,
        cx: &Cx,
        mut area: Region<'a>,
        index: usize,
        page: usize,
    ) -> Result<Region<'a>, LayoutError> {
        let s = &self.sections[index];
        let (w, h) = s.orientation.size_mm();
        area.set_size(Size::new(w, h));
        let m = s.margins;
        area.add_margins(m.top, m.right, m.bottom, m.left);
        let total = self.total.unwrap_or(page.max(99));
        let width = f32::from(area.size().width);
        let page_blocks = |blocks: &[Block]| -> Vec<BlockBox> {
            blocks
                .iter()
                .map(|b| BlockBox::new(substitute(b, page, total)))
                .collect()
        };
        // Header at the top.
        let mut header = page_blocks(&s.header);
        let header_h = stack(cx, &area, &mut header, s.line)?;
        if header_h > 0.0 {
            area.add_offset(0.0, header_h + RUNNING_GAP);
            // As for the footer below: a body with no room would only ever begin new pages.
            if f32::from(area.size().height) < MIN_BODY {
                return Err(LayoutError::RunningTooTall { line: s.line });
            }
        }
        // Footer at the bottom.
        let mut footer = page_blocks(&s.footer);
        let mut footer_h = 0.0;
        for (i, b) in footer.iter_mut().enumerate() {
            footer_h += b.measure(cx, width)?
                + if i + 1 < s.footer.len() {
                    b.space_after()
                } else {
                    0.0
                };
        }
        if footer_h > 0.0 {
            let body_h = f32::from(area.size().height) - footer_h - RUNNING_GAP;
            if body_h < MIN_BODY {
                return Err(LayoutError::RunningTooTall { line: s.line });
            }
            let mut at = area.clone();
            at.add_offset(0.0, body_h + RUNNING_GAP);
            stack(cx, &at, &mut footer, s.line)?;
            area.set_height(mm(body_h));
        }
        Ok(area)
    }
}

/// Prints running blocks one under another; they must fit.
fn stack(
    cx: &Cx,
    area: &Region<'_>,
    blocks: &mut [BlockBox],
    line: u32,
) -> Result<f32, LayoutError> {
    let mut y = 0.0;
    let n = blocks.len();
    for (i, b) in blocks.iter_mut().enumerate() {
        let mut sub = area.clone();
        sub.add_offset(0.0, y);
        match b.render(cx, &sub, true)? {
            Progress::Done(h) => y += h + if i + 1 < n { b.space_after() } else { 0.0 },
            Progress::More(_) => return Err(LayoutError::RunningTooTall { line }),
        }
    }
    Ok(y)
}

/// `{page}` and `{pages}` in a running block.
fn substitute(block: &Block, page: usize, total: usize) -> Block {
    let fill = |s: &str| {
        s.replace("{page}", &page.to_string())
            .replace("{pages}", &total.to_string())
    };
    let para = |p: &Paragraph| Paragraph {
        inlines: p
            .inlines
            .iter()
            .map(|i| match i {
                Inline::Text { text, bold, italic } => Inline::Text {
                    text: fill(text),
                    bold: *bold,
                    italic: *italic,
                },
                Inline::Break => Inline::Break,
            })
            .collect(),
        ..p.clone()
    };
    match block {
        Block::Paragraph(p) => Block::Paragraph(para(p)),
        Block::Table(t) => {
            let mut t = t.clone();
            for c in &mut t.cells {
                c.content = para(&c.content);
            }
            Block::Table(t)
        }
        Block::Signature(s) => Block::Signature(Signature {
            label: fill(&s.label),
            caption: fill(&s.caption),
            name: fill(&s.name),
            ..s.clone()
        }),
        other => other.clone(),
    }
}

/// The body of the document.
struct Flow {
    sections: Vec<FlowSection>,
    current: usize,
    shared: Rc<RefCell<Shared>>,
    /// Told when a section is laid out.
    tick: Option<std::sync::mpsc::Sender<()>>,
}

struct FlowSection {
    blocks: Vec<BlockBox>,
    next: usize,
    /// Pages begun so far.
    pages: usize,
}

impl Flow {
    /// Fills one page; whether more pages are needed.
    fn page(&mut self, cx: &Cx, area: Region<'_>) -> Result<bool, LayoutError> {
        let size = area.size();
        let (width, height) = (f32::from(size.width), f32::from(size.height));
        let more = true;
        let sec = &mut self.sections[self.current];
        sec.pages += 1;
        let continuation = sec.pages > 1;
        let mut y = 0.0f32;
        let mut placed = false;
        while sec.next < sec.blocks.len() {
            let b = &mut sec.blocks[sec.next];
            match b {
                BlockBox::PageBreak => {
                    sec.next += 1;
                    if placed {
                        return Ok(more);
                    }
                    continue;
                }
                BlockBox::Space { .. } if continuation && !placed => {
                    sec.next += 1;
                    continue;
                }
                _ => {}
            }
            let before = if placed { b.space_before() } else { 0.0 };
            if y + before >= height - EPS {
                return Ok(more);
            }
            let mut sub = area.clone();
            sub.add_offset(0.0, y + before);
            if placed && b.keep_with_next() {
                let need = b.measure(cx, width)? + KEEP_WITH_NEXT;
                if y + before + need > height + EPS {
                    return Ok(more);
                }
            }
            match b.render(cx, &sub, !placed)? {
                Progress::Done(h) => {
                    y += before + h + b.space_after();
                    placed = true;
                    // Free what the block laid out.
                    *b = BlockBox::Finished;
                    sec.next += 1;
                }
                Progress::More(h) => {
                    if h <= 0.0 && !placed {
                        return Err(LayoutError::TooTall { line: b.line() });
                    }
                    return Ok(more);
                }
            }
        }
        if let Some(tick) = &self.tick {
            // Nobody listening any more is no reason to stop printing.
            let _ = tick.send(());
        }
        if self.current + 1 < self.sections.len() {
            self.current += 1;
            self.shared.borrow_mut().section = self.current;
            return Ok(more);
        }
        Ok(false)
    }
}

/// A block being laid out, with what it has printed so far.
enum BlockBox {
    Paragraph(ParagraphBox),
    Table(Box<TableBox>),
    Signature(Box<Signature>),
    Space {
        height: f32,
        line: u32,
    },
    PageBreak,
    /// Printed and dropped.
    Finished,
}

struct ParagraphBox {
    p: Paragraph,
    layout: Option<TextLayout>,
    next: usize,
}

impl BlockBox {
    fn new(b: Block) -> Self {
        match b {
            Block::Paragraph(p) => BlockBox::Paragraph(ParagraphBox {
                p,
                layout: None,
                next: 0,
            }),
            Block::Table(t) => BlockBox::Table(Box::new(TableBox::new(t))),
            Block::Signature(s) => BlockBox::Signature(Box::new(s)),
            Block::Space { height, line } => BlockBox::Space { height, line },
            Block::PageBreak { .. } => BlockBox::PageBreak,
        }
    }

    fn line(&self) -> u32 {
        match self {
            BlockBox::Paragraph(p) => p.p.line,
            BlockBox::Table(t) => t.line(),
            BlockBox::Signature(s) => s.line,
            BlockBox::Space { line, .. } => *line,
            BlockBox::PageBreak | BlockBox::Finished => 0,
        }
    }

    fn space_before(&self) -> f32 {
        match self {
            BlockBox::Paragraph(p) => p.p.space_before,
            BlockBox::Table(t) => t.space_before(),
            BlockBox::Signature(s) => s.space_before,
            BlockBox::Space { .. } | BlockBox::PageBreak | BlockBox::Finished => 0.0,
        }
    }

    fn space_after(&self) -> f32 {
        match self {
            BlockBox::Paragraph(p) => p.p.space_after,
            BlockBox::Table(t) => t.space_after(),
            BlockBox::Signature(s) => s.space_after,
            BlockBox::Space { .. } | BlockBox::PageBreak | BlockBox::Finished => 0.0,
        }
    }

    fn keep_with_next(&self) -> bool {
        matches!(self, BlockBox::Paragraph(p) if p.p.keep_with_next)
    }

    /// The height of the whole block at `width`.
    fn measure(&mut self, cx: &Cx, width: f32) -> Result<f32, LayoutError> {
        Ok(match self {
            BlockBox::Paragraph(p) => p.layout(cx, width).height(),
            BlockBox::Table(t) => t.measure(cx, width)?,
            BlockBox::Signature(s) => SignatureLayout::new(cx, s, width).height,
            BlockBox::Space { height, .. } => *height,
            BlockBox::PageBreak | BlockBox::Finished => 0.0,
        })
    }

    fn render(
        &mut self,
        cx: &Cx,
        area: &Region<'_>,
        at_top: bool,
    ) -> Result<Progress, LayoutError> {
        let width = f32::from(area.size().width);
        let height = f32::from(area.size().height);
        match self {
            BlockBox::Paragraph(p) => p.render(cx, area),
            BlockBox::Table(t) => t.render(cx, area, at_top),
            BlockBox::Signature(s) => {
                let l = SignatureLayout::new(cx, s, width);
                if l.height > height + EPS {
                    return Ok(Progress::More(0.0));
                }
                l.print(cx, area)?;
                Ok(Progress::Done(l.height))
            }
            BlockBox::Space { height: h, .. } => Ok(Progress::Done(h.min(height))),
            BlockBox::PageBreak | BlockBox::Finished => Ok(Progress::Done(0.0)),
        }
    }
}

impl ParagraphBox {
    fn layout(&mut self, cx: &Cx, width: f32) -> &TextLayout {
        let stale = self
            .layout
            .as_ref()
            .is_none_or(|l| (l.width - width).abs() > EPS);
        if stale {
            self.layout = Some(cx.layout(&self.p, width));
        }
        self.layout.as_ref().expect("laid out above")
    }

    fn render(&mut self, cx: &Cx, area: &Region<'_>) -> Result<Progress, LayoutError> {
        let width = f32::from(area.size().width);
        let height = f32::from(area.size().height);
        if self.layout.is_none() {
            self.layout(cx, width);
        }
        let layout = self.layout.as_ref().expect("laid out above");
        let mut y = 0.0;
        while self.next < layout.lines.len() {
            let h = layout.lines[self.next].height;
            if y + h > height + EPS {
                return Ok(Progress::More(y));
            }
            layout.print_line(cx, area, self.next, 0.0, y)?;
            y += h;
            self.next += 1;
        }
        Ok(Progress::Done(y))
    }
}

impl TableBox {
    fn space_before(&self) -> f32 {
        self.table().space_before
    }
    fn space_after(&self) -> f32 {
        self.table().space_after
    }
}

/// `label ________ name` with the caption centred under the line.
struct SignatureLayout {
    label: TextLayout,
    name: TextLayout,
    caption: TextLayout,
    line_x: f32,
    line_w: f32,
    name_x: f32,
    /// Top of the last label line, and of the name.
    last_line_y: f32,
    rule_y: f32,
    height: f32,
    thickness: f32,
}

impl SignatureLayout {
    const GAP: f32 = 2.0;

    fn new(cx: &Cx, s: &Signature, width: f32) -> Self {
        let para = |text: &str, size: u8| Paragraph {
            inlines: if text.is_empty() {
                Vec::new()
            } else {
                vec![Inline::Text {
                    text: text.to_string(),
                    bold: false,
                    italic: false,
                }]
            },
            style: crate::markup::TextStyle { size, ..s.style },
            align: crate::markup::Align::Left,
            fit: crate::markup::Fit::Wrap,
            indent: 0.0,
            space_before: 0.0,
            space_after: 0.0,
            keep_with_next: false,
            line: s.line,
        };
        let natural = |text: &str| {
            cx.layout(&para(text, s.style.size), 10_000.0)
                .natural_width()
        };
        let name_w = natural(&s.name).min(width / 3.0);
        let label_natural = natural(&s.label);
        let gaps = if s.label.is_empty() { 0.0 } else { Self::GAP }
            + if s.name.is_empty() { 0.0 } else { Self::GAP };
        let mut line_w = s.width.min(width);
        if label_natural + line_w + name_w + gaps > width {
            line_w = (width - label_natural - name_w - gaps)
                .max(10.0)
                .min(s.width);
        }
        let label_w = (width - line_w - name_w - gaps).max(1.0);
        let label = cx.layout(&para(&s.label, s.style.size), label_w);
        let name = cx.layout(&para(&s.name, s.style.size), name_w.max(1.0));
        let caption_size = s.style.size.saturating_sub(3).max(5);
        let caption = cx.layout(&para(&s.caption, caption_size), line_w);
        let main_h = label.lines.last().map_or(0.0, |l| l.height);
        let last_line_y = label.height() - main_h;
        let line_x = if s.label.is_empty() {
            0.0
        } else {
            label.natural_width().min(label_w) + Self::GAP
        };
        let name_x = line_x + line_w + if s.name.is_empty() { 0.0 } else { Self::GAP };
        // The line sits just under the baseline of the last label line.
        let ascent = f32::from(cx.metrics(&s.style).ascent);
        let rule_y = last_line_y + ascent + 0.8;
        let height = if s.caption.is_empty() {
            label.height().max(rule_y + 1.0)
        } else {
            (rule_y + 0.3 + caption.height()).max(label.height())
        };
        Self {
            label,
            name,
            caption,
            line_x,
            line_w,
            name_x,
            last_line_y,
            rule_y,
            height,
            thickness: 0.4 * crate::markup::MM_PER_PT,
        }
    }

    fn print(&self, cx: &Cx, area: &Region<'_>) -> Result<(), LayoutError> {
        if !cx.draws() {
            return Ok(());
        }
        let mut y = 0.0;
        for i in 0..self.label.lines.len() {
            self.label.print_line(cx, area, i, 0.0, y)?;
            y += self.label.lines[i].height;
        }
        area.draw_line(
            cx.page.as_ref(),
            vec![
                Position::new(self.line_x, self.rule_y),
                Position::new(self.line_x + self.line_w, self.rule_y),
            ],
            LineStyle::new().with_thickness(mm(self.thickness)),
        );
        let mut y = self.last_line_y;
        for i in 0..self.name.lines.len() {
            self.name.print_line(cx, area, i, self.name_x, y)?;
            y += self.name.lines[i].height;
        }
        let cw = self.caption.natural_width();
        let mut y = self.rule_y + 0.3;
        for i in 0..self.caption.lines.len() {
            let x = self.line_x + ((self.line_w - cw) / 2.0).max(0.0);
            self.caption.print_line(cx, area, i, x, y)?;
            y += self.caption.lines[i].height;
        }
        Ok(())
    }
}
