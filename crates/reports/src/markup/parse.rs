//! From markup text to a [`Document`]: the XML read with roxmltree (no DTD), every element and
//! attribute checked, every error with its line.

use super::*;

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
pub(super) const TEXT_STYLE_ATTRS: &[&str] = &["font", "size", "bold", "italic", "line-spacing"];

pub(super) struct Parser {
    pub(super) line_starts: Vec<usize>,
}

pub(super) type Node<'a, 'input> = roxmltree::Node<'a, 'input>;

impl Parser {
    pub(super) fn line(&self, node: Node) -> u32 {
        self.line_starts
            .partition_point(|&start| start <= node.range().start) as u32
    }

    pub(super) fn unexpected(&self, node: Node, parent: Node, allowed: &[&str]) -> MarkupError {
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
    pub(super) fn attrs(&self, node: Node, allowed: &[&[&str]]) -> Result<(), MarkupError> {
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

    pub(super) fn bad(&self, node: Node, attribute: &str, expected: &str) -> MarkupError {
        MarkupError::BadValue {
            line: self.line(node),
            element: node.tag_name().name().to_string(),
            attribute: attribute.to_string(),
            value: node.attribute(attribute).unwrap_or_default().to_string(),
            expected: expected.to_string(),
        }
    }

    /// Element children, rejecting stray text; comments are skipped.
    pub(super) fn children<'a, 'input>(
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

    pub(super) fn length_attr(
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
    pub(super) fn text_style(&self, node: Node, base: TextStyle) -> Result<TextStyle, MarkupError> {
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

    pub(super) fn align_attr(&self, node: Node) -> Result<Option<Align>, MarkupError> {
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

    pub(super) fn valign_attr(&self, node: Node) -> Result<Option<VAlign>, MarkupError> {
        Ok(match node.attribute("valign") {
            None => None,
            Some("top") => Some(VAlign::Top),
            Some("middle") => Some(VAlign::Middle),
            Some("bottom") => Some(VAlign::Bottom),
            Some(_) => return Err(self.bad(node, "valign", "ожидается top, middle или bottom")),
        })
    }

    pub(super) fn fit_attr(&self, node: Node) -> Result<Option<Fit>, MarkupError> {
        Ok(match node.attribute("fit") {
            None => None,
            Some("wrap") => Some(Fit::Wrap),
            Some("shrink") => Some(Fit::Shrink),
            Some(_) => return Err(self.bad(node, "fit", "ожидается wrap или shrink")),
        })
    }

    pub(super) fn document<'a, 'input>(
        &self,
        root: Node<'a, 'input>,
    ) -> Result<Document, MarkupError> {
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

    pub(super) fn section<'a, 'input>(
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

    pub(super) fn block<'a, 'input>(
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

    pub(super) fn paragraph<'a, 'input>(
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
    pub(super) fn inlines<'a, 'input>(
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

    pub(super) fn signature<'a, 'input>(
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
}

#[derive(Clone, Copy)]
pub(super) enum ParagraphKind {
    Plain,
    Heading(u8),
}

#[derive(Clone, Copy)]
pub(super) enum Unit {
    Mm,
    Pt,
}

impl Unit {
    pub(super) fn name(self) -> &'static str {
        match self {
            Unit::Mm => "мм",
            Unit::Pt => "пт",
        }
    }
}

/// A length in millimetres from `12`, `12mm`, `1.2cm` or `0.3pt`; a bare number is in
/// `default` units.
pub(super) fn parse_length(s: &str, default: Unit) -> Option<f32> {
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
