//! Breaking text into lines and printing them.
//!
//! genpdf's own wrapper drops a word that is wider than its column (genpdfi returns an error
//! instead), so lines are made here: words go onto a line while they fit; a word too wide for
//! a whole line is broken between letters (after, with [`Fit::Shrink`], the text has been set
//! smaller first). Every character of the input ends up on some line.

use super::draw::Region;
use super::{Cx, LayoutError};
use crate::markup::{Align, Fit, FontName, Inline, Paragraph, TextStyle};
use genpdfi::style::Style;
use genpdfi::Mm;
use std::cell::RefCell;
use std::collections::HashMap;

/// Smallest size [`Fit::Shrink`] goes down to, points.
const MIN_SHRINK_SIZE: u8 = 5;
/// Tolerance of width comparisons, mm.
const EPS: f32 = 0.01;

/// A face at a size: (font, bold, italic, size in points).
type Face = (FontName, bool, bool, u8);

/// Text measurements already made, kept across pages and passes (the fonts do not change).
#[derive(Default)]
pub(crate) struct Measures {
    /// Width of a string, mm, per face.
    widths: RefCell<HashMap<Face, HashMap<String, f32>>>,
    /// Metrics per (face, line spacing bits).
    metrics: RefCell<HashMap<(Face, u32), genpdfi::fonts::Metrics>>,
}

/// A run of text in one style. (The markup's small style, not genpdfi's: a big table holds
/// tens of thousands of pieces until it is printed.)
#[derive(Clone, Debug)]
struct Piece {
    text: String,
    style: TextStyle,
    width: f32,
}

/// A word (possibly in several styles) with the space before it on its line.
#[derive(Clone, Debug)]
struct Word {
    pieces: Vec<Piece>,
    width: f32,
    /// The space printed before the word; `None` at the start of a line.
    space: Option<Piece>,
}

impl Word {
    fn space_width(&self) -> f32 {
        self.space.as_ref().map_or(0.0, |s| s.width)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Line {
    words: Vec<Word>,
    /// Width of the text, including spaces between words.
    pub(crate) width: f32,
    /// Height the line takes, mm.
    pub(crate) height: f32,
    metrics: genpdfi::fonts::Metrics,
    /// Whether the line ends its paragraph or a `<br/>` (not stretched when justified).
    last: bool,
}

/// A paragraph broken into lines for one width.
#[derive(Clone, Debug)]
pub(crate) struct TextLayout {
    pub(crate) lines: Vec<Line>,
    pub(crate) width: f32,
    align: Align,
    indent: f32,
}

impl TextLayout {
    pub(crate) fn height(&self) -> f32 {
        self.lines.iter().map(|l| l.height).sum()
    }

    /// Width of the widest line.
    pub(crate) fn natural_width(&self) -> f32 {
        self.lines
            .iter()
            .enumerate()
            .map(|(i, l)| l.width + if i == 0 { self.indent } else { 0.0 })
            .fold(0.0, f32::max)
    }

    /// Prints line `i` with its top at `y` (relative to `area`), the paragraph's left edge at
    /// `x`.
    pub(crate) fn print_line(
        &self,
        cx: &Cx,
        area: &Region<'_>,
        i: usize,
        x: f32,
        y: f32,
    ) -> Result<(), LayoutError> {
        let Some(page) = &cx.page else {
            return Ok(());
        };
        let line = &self.lines[i];
        let indent = if i == 0 { self.indent } else { 0.0 };
        let free = (self.width - indent - line.width).max(0.0);
        let (offset, extra) = match self.align {
            Align::Left => (indent, 0.0),
            Align::Center => ((self.width - line.width).max(0.0) / 2.0, 0.0),
            Align::Right => ((self.width - line.width).max(0.0), 0.0),
            Align::Justify => {
                let gaps = line.words.iter().filter(|w| w.space.is_some()).count();
                if line.last || gaps == 0 {
                    (indent, 0.0)
                } else {
                    (indent, free / gaps as f32)
                }
            }
        };
        let x = x + offset;
        let print = |x: f32, runs: &Runs| {
            let (sx, sy) = area.on_sheet(x, y);
            let styled: Vec<(&str, Style)> = runs
                .runs
                .iter()
                .map(|(text, style)| (text.as_ref(), cx.style(style)))
                .collect();
            page.line(cx.font_cache, sx, sy, line.metrics, &styled);
        };
        if extra == 0.0 {
            let mut runs = Runs::default();
            for w in &line.words {
                if let Some(sp) = &w.space {
                    runs.push(sp);
                }
                for p in &w.pieces {
                    runs.push(p);
                }
            }
            print(x, &runs);
        } else {
            // Justified: every word at its own position.
            let mut wx = x;
            for w in &line.words {
                if w.space.is_some() {
                    wx += w.space_width() + extra;
                }
                let mut runs = Runs::default();
                for p in &w.pieces {
                    runs.push(p);
                }
                print(wx, &runs);
                wx += w.width;
            }
        }
        Ok(())
    }
}

/// The text of a line as runs of one style each (neighbouring pieces in the same style are
/// printed together).
#[derive(Default)]
struct Runs<'a> {
    runs: Vec<(std::borrow::Cow<'a, str>, &'a TextStyle)>,
}

impl<'a> Runs<'a> {
    fn push(&mut self, p: &'a Piece) {
        match self.runs.last_mut() {
            Some((text, style)) if **style == p.style => text.to_mut().push_str(&p.text),
            _ => self
                .runs
                .push((std::borrow::Cow::Borrowed(&p.text), &p.style)),
        }
    }
}

enum Token {
    Word(Vec<Piece>),
    Space(Piece),
    Break,
}

impl Cx<'_> {
    /// The genpdfi style of `t`.
    pub(crate) fn style(&self, t: &TextStyle) -> Style {
        let family = match t.font {
            crate::markup::FontName::Serif => self.fonts.serif,
            crate::markup::FontName::Sans => self.fonts.sans.unwrap_or(self.fonts.serif),
        };
        let mut s = Style::new()
            .with_font_family(family)
            .with_font_size(t.size)
            .with_line_spacing(t.line_spacing);
        if t.bold {
            s.set_bold();
        }
        if t.italic {
            s.set_italic();
        }
        s
    }

    /// Width of `s` in `style`, mm. Measured once per face, size and string: a journal
    /// measures the same marks, dates and names tens of thousands of times, and genpdfi looks
    /// every glyph and kerning pair up again each time.
    pub(crate) fn width(&self, style: &TextStyle, s: &str) -> f32 {
        let key = (style.font, style.bold, style.italic, style.size);
        if let Some(w) = self
            .measures
            .widths
            .borrow()
            .get(&key)
            .and_then(|m| m.get(s))
        {
            return *w;
        }
        let w = f32::from(self.style(style).str_width(self.font_cache, s));
        self.measures
            .widths
            .borrow_mut()
            .entry(key)
            .or_default()
            .insert(s.to_string(), w);
        w
    }

    pub(crate) fn metrics(&self, style: &TextStyle) -> genpdfi::fonts::Metrics {
        let key = (
            (style.font, style.bold, style.italic, style.size),
            style.line_spacing.to_bits(),
        );
        if let Some(m) = self.measures.metrics.borrow().get(&key) {
            return *m;
        }
        let m = self.style(style).metrics(self.font_cache);
        self.measures.metrics.borrow_mut().insert(key, m);
        m
    }

    fn tokens(&self, p: &Paragraph, size: u8) -> Vec<Token> {
        let mut out: Vec<Token> = Vec::new();
        for inline in &p.inlines {
            let (text, bold, italic) = match inline {
                Inline::Break => {
                    out.push(Token::Break);
                    continue;
                }
                Inline::Text { text, bold, italic } => (text, *bold, *italic),
            };
            let style = TextStyle {
                size,
                bold,
                italic,
                ..p.style
            };
            let mut rest = text.as_str();
            while !rest.is_empty() {
                if let Some(r) = rest.strip_prefix(' ') {
                    out.push(Token::Space(Piece {
                        text: " ".to_string(),
                        style,
                        width: self.width(&style, " "),
                    }));
                    rest = r;
                    continue;
                }
                let end = rest.find(' ').unwrap_or(rest.len());
                let chunk = &rest[..end];
                let piece = Piece {
                    text: chunk.to_string(),
                    style,
                    width: self.width(&style, chunk),
                };
                // A word continues across a change of style ("<b>5</b>,").
                match out.last_mut() {
                    Some(Token::Word(pieces)) => pieces.push(piece),
                    _ => out.push(Token::Word(vec![piece])),
                }
                rest = &rest[end..];
            }
        }
        out
    }

    /// Breaks `p` into lines of at most `width` mm.
    pub(crate) fn layout(&self, p: &Paragraph, width: f32) -> TextLayout {
        let width = width.max(1.0);
        let mut size = p.style.size;
        let mut tokens = self.tokens(p, size);
        if p.fit == Fit::Shrink {
            let widest = |tokens: &[Token]| {
                tokens
                    .iter()
                    .map(|t| match t {
                        Token::Word(pieces) => pieces.iter().map(|p| p.width).sum(),
                        _ => 0.0,
                    })
                    .fold(0.0f32, f32::max)
            };
            while size > MIN_SHRINK_SIZE && widest(&tokens) > width - p.indent + EPS {
                size -= 1;
                tokens = self.tokens(p, size);
            }
        }
        let base = TextStyle { size, ..p.style };
        let mut b = LineBuilder {
            cx: self,
            lines: Vec::new(),
            words: Vec::new(),
            x: 0.0,
            width,
            avail: width - p.indent,
            base,
        };
        let mut space: Option<Piece> = None;
        for t in tokens {
            match t {
                Token::Space(s) => {
                    if !b.words.is_empty() {
                        space = Some(s);
                    }
                }
                Token::Break => {
                    b.finish(true);
                    space = None;
                }
                Token::Word(pieces) => {
                    let w: f32 = pieces.iter().map(|p| p.width).sum();
                    let sw = space.as_ref().map_or(0.0, |s| s.width);
                    if b.words.is_empty() {
                        b.place(pieces, w);
                    } else if b.x + sw + w <= b.avail + EPS {
                        b.push(Word {
                            pieces,
                            width: w,
                            space: space.take(),
                        });
                    } else {
                        b.finish(false);
                        b.place(pieces, w);
                    }
                    space = None;
                }
            }
        }
        if !b.words.is_empty() || b.lines.is_empty() {
            b.finish(true);
        } else if let Some(l) = b.lines.last_mut() {
            l.last = true;
        }
        TextLayout {
            lines: b.lines,
            width,
            align: p.align,
            indent: p.indent,
        }
    }
}

struct LineBuilder<'c, 'a> {
    cx: &'c Cx<'a>,
    lines: Vec<Line>,
    words: Vec<Word>,
    /// Width of the words on the current line.
    x: f32,
    width: f32,
    /// Width available to the current line (less on the first, indented line).
    avail: f32,
    base: TextStyle,
}

impl LineBuilder<'_, '_> {
    fn push(&mut self, w: Word) {
        self.x += w.space_width() + w.width;
        self.words.push(w);
    }

    fn finish(&mut self, last: bool) {
        let mut metrics = self.cx.metrics(&self.base);
        for w in &self.words {
            for p in w.pieces.iter().chain(&w.space) {
                metrics = metrics.max(&self.cx.metrics(&p.style));
            }
        }
        let height = f32::from(metrics.line_height).max(f32::from(metrics.glyph_height));
        self.lines.push(Line {
            words: std::mem::take(&mut self.words),
            width: self.x,
            height,
            metrics,
            last,
        });
        self.x = 0.0;
        self.avail = self.width;
    }

    /// Puts a word at the start of the (empty) current line, breaking it between letters while
    /// it is wider than the line.
    fn place(&mut self, mut pieces: Vec<Piece>, mut w: f32) {
        while w > self.avail + EPS {
            let (head, tail) = self.split(pieces, self.avail);
            let hw = head.iter().map(|p| p.width).sum();
            self.push(Word {
                pieces: head,
                width: hw,
                space: None,
            });
            self.finish(false);
            if tail.is_empty() {
                return;
            }
            w = tail.iter().map(|p| p.width).sum();
            pieces = tail;
        }
        self.push(Word {
            pieces,
            width: w,
            space: None,
        });
    }

    /// The longest head of the word that fits in `avail` (at least one letter), and the rest.
    fn split(&self, pieces: Vec<Piece>, avail: f32) -> (Vec<Piece>, Vec<Piece>) {
        let mut head: Vec<Piece> = Vec::new();
        let mut used = 0.0;
        let mut iter = pieces.into_iter();
        while let Some(p) = iter.next() {
            if used + p.width <= avail + EPS {
                used += p.width;
                head.push(p);
                continue;
            }
            // Cut inside this piece.
            let chars: Vec<char> = p.text.chars().collect();
            let mut n = 0;
            while n < chars.len() {
                let prefix: String = chars[..n + 1].iter().collect();
                if used + self.cx.width(&p.style, &prefix) > avail + EPS {
                    break;
                }
                n += 1;
            }
            if n == 0 && head.is_empty() {
                n = 1; // Not even one letter fits: take it anyway, so that the text advances.
            }
            let mut tail = Vec::new();
            if n > 0 {
                let text: String = chars[..n].iter().collect();
                head.push(Piece {
                    width: self.cx.width(&p.style, &text),
                    text,
                    style: p.style,
                });
            }
            if n < chars.len() {
                let text: String = chars[n..].iter().collect();
                tail.push(Piece {
                    width: self.cx.width(&p.style, &text),
                    text,
                    style: p.style,
                });
            }
            tail.extend(iter);
            return (head, tail);
        }
        (head, Vec::new())
    }
}

impl LayoutError {
    pub(crate) fn pdf(e: genpdfi::error::Error) -> Self {
        LayoutError::Pdf(e.to_string())
    }
}

pub(crate) fn mm(x: f32) -> Mm {
    Mm::from(x)
}
