//! Tables: widths, header rows, spans, and the styles cells inherit from the table and row.

use super::*;

impl Parser {
    pub(super) fn table<'a, 'input>(
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
struct CellDefaults {
    align: Align,
    valign: VAlign,
    fit: Fit,
}

pub(super) fn parse_column(s: &str) -> Option<Column> {
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
