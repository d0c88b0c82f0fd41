//! Drawing on a page: where a block's region lies, and the page's text.
//!
//! genpdfi writes every piece of text as a text object of its own (`BT`, line height, cursor,
//! font, colour, `TJ`, `ET`) and every glyph as a PDF string of its own inside it; printpdf
//! holds all of it, as `lopdf` objects of some hundred bytes each, until the file is written.
//! For a year journal (a quarter of a million glyphs in tens of thousands of table cells) that
//! was most of the memory of making it. Here the text of a page goes into one text object
//! for as long as nothing else is drawn (a line closes it): per line one cursor move, the
//! font only when it changes, and one `TJ` whose strings are whole runs of glyphs between
//! kerning adjustments. The glyph ids and kerning are genpdfi's, and printpdf's font
//! subsetting reads `TJ` strings of any length.

use genpdfi::fonts::{Font, FontCache, Metrics};
use genpdfi::render::Area;
use genpdfi::style::{LineStyle, Style};
use genpdfi::{Margins, Mm, Position, Size};
use printpdf::lopdf::content::Operation;
use printpdf::lopdf::{Object, StringFormat};
use printpdf::PdfLayerReference;
use std::cell::RefCell;

/// Points in a millimetre.
const PT_PER_MM: f64 = 72.0 / 25.4;

/// A rectangle of the page that a block draws in: genpdfi's area (lines are drawn through it)
/// and where it lies on the page, which genpdfi keeps to itself and text needs.
#[derive(Clone)]
pub(crate) struct Region<'p> {
    area: Area<'p>,
    /// Top left corner, mm from the top left corner of the sheet.
    origin: (f32, f32),
}

impl<'p> Region<'p> {
    /// The whole sheet of a page.
    pub(crate) fn sheet(area: Area<'p>) -> Self {
        Self {
            area,
            origin: (0.0, 0.0),
        }
    }

    pub(crate) fn size(&self) -> Size {
        self.area.size()
    }

    pub(crate) fn set_size(&mut self, size: Size) {
        self.area.set_size(size);
    }

    pub(crate) fn set_height(&mut self, height: Mm) {
        self.area.set_height(height);
    }

    /// Moves the top left corner by `(x, y)` mm, the size shrinking by as much.
    pub(crate) fn add_offset(&mut self, x: f32, y: f32) {
        self.area.add_offset(Position::new(x, y));
        self.origin.0 += x;
        self.origin.1 += y;
    }

    /// Takes the margins (top, right, bottom, left, mm) off.
    pub(crate) fn add_margins(&mut self, top: f32, right: f32, bottom: f32, left: f32) {
        self.area
            .add_margins(Margins::trbl(top, right, bottom, left));
        self.origin.0 += left;
        self.origin.1 += top;
    }

    /// A line through `points` (mm, from this region's top left corner).
    pub(crate) fn draw_line(
        &self,
        page: Option<&PageText>,
        points: Vec<Position>,
        style: LineStyle,
    ) {
        if let Some(page) = page {
            // Path operators are not allowed inside a text object.
            page.close();
        }
        self.area.draw_line(points, style);
    }

    /// A point of this region (mm from its top left corner) on the sheet.
    pub(crate) fn on_sheet(&self, x: f32, y: f32) -> (f32, f32) {
        (self.origin.0 + x, self.origin.1 + y)
    }
}

/// The text of the page being drawn.
pub(crate) struct PageText {
    layer: PdfLayerReference,
    /// Height of the sheet, mm (PDF measures from the bottom).
    sheet_height: f32,
    state: RefCell<TextState>,
}

#[derive(Default)]
struct TextState {
    /// Whether a text object (`BT`) is open.
    open: bool,
    /// The font and size set in the open text object.
    font: Option<(Font, u8)>,
    /// Start of the current text line, points from the bottom left corner, as the reader will
    /// compute it from the moves written so far (so that rounding never accumulates).
    line: (f64, f64),
}

impl PageText {
    pub(crate) fn new(layer: PdfLayerReference, sheet_height: f32) -> Self {
        Self {
            layer,
            sheet_height,
            state: RefCell::default(),
        }
    }

    /// Prints one line: `runs` one after another, each in its style, the line's box having its
    /// top left corner at `(x, y)` mm on the sheet. As genpdfi does, the first glyph's left
    /// side bearing is taken off so that its ink starts at `x`.
    pub(crate) fn line(
        &self,
        fonts: &FontCache,
        x: f32,
        y: f32,
        metrics: Metrics,
        runs: &[(&str, Style)],
    ) {
        let Some(first) = runs
            .iter()
            .find_map(|(text, style)| Some((text.chars().next()?, style)))
        else {
            return;
        };
        let bearing = f32::from(first.1.char_left_side_bearing(fonts, first.0));
        let x_pt = f64::from(x - bearing) * PT_PER_MM;
        let y_pt = f64::from(self.sheet_height - y - f32::from(metrics.ascent)) * PT_PER_MM;
        let mut st = self.state.borrow_mut();
        if !st.open {
            self.layer.begin_text_section();
            *st = TextState {
                open: true,
                ..TextState::default()
            };
        }
        let dx = (x_pt - st.line.0) as f32;
        let dy = (y_pt - st.line.1) as f32;
        self.layer.add_operation(Operation::new(
            "Td",
            vec![Object::Real(dx), Object::Real(dy)],
        ));
        st.line.0 += f64::from(dx);
        st.line.1 += f64::from(dy);
        for (text, style) in runs {
            if text.is_empty() {
                continue;
            }
            let font = style.font(fonts);
            let size = style.font_size();
            if st.font != Some((font, size)) {
                let pdf_font = fonts
                    .get_pdf_font(font)
                    .expect("the PDF fonts are loaded before anything is drawn");
                self.layer.set_font(pdf_font, f32::from(size));
                st.font = Some((font, size));
            }
            self.layer
                .add_operation(Operation::new("TJ", vec![glyph_runs(fonts, font, text)]));
        }
    }

    /// Ends the open text object, if any (before a line is drawn, and at the end of the page).
    pub(crate) fn close(&self) {
        let mut st = self.state.borrow_mut();
        if st.open {
            self.layer.end_text_section();
            st.open = false;
        }
    }
}

/// The `TJ` operand of `text`: whole runs of glyph ids, with a kerning adjustment (thousandths
/// of the size, as genpdfi writes them) between runs where a pair moves the next glyph.
fn glyph_runs(fonts: &FontCache, font: Font, text: &str) -> Object {
    let kerning = font.kerning(fonts, text.chars());
    let glyphs = font.glyph_ids(fonts, text.chars());
    let mut array = Vec::new();
    let mut run: Vec<u8> = Vec::with_capacity(2 * glyphs.len());
    for (i, (kern, glyph)) in kerning.iter().zip(&glyphs).enumerate() {
        let adjust = (-kern * 1000.0) as i64;
        if i > 0 && adjust != 0 {
            if !run.is_empty() {
                let rest = Vec::with_capacity(2 * (glyphs.len() - i));
                array.push(Object::String(
                    std::mem::replace(&mut run, rest),
                    StringFormat::Hexadecimal,
                ));
            }
            array.push(Object::Integer(adjust));
        }
        run.extend_from_slice(&glyph.to_be_bytes());
    }
    if !run.is_empty() {
        array.push(Object::String(run, StringFormat::Hexadecimal));
    }
    array.shrink_to_fit();
    Object::Array(array)
}
