//! Tables: column widths, cells spanning rows and columns, thin borders, header rows repeated
//! on every page the table continues on.
//!
//! Rows joined by a `rowspan` form a group that is never split between pages; a group taller
//! than a whole page is an error naming its line, not a silent cut.

use super::draw::Region;
use super::text::{mm, TextLayout};
use super::{Cx, LayoutError, Progress, EPS};
use crate::markup::{Column, Table, VAlign, MM_PER_PT};
use genpdfi::style::LineStyle;
use genpdfi::Position;

pub(crate) struct TableBox {
    table: Table,
    layout: Option<Grid>,
    /// The next row group to print.
    next: usize,
}

/// The table laid out for one width.
struct Grid {
    /// Left edges of the columns and the right edge of the last one, mm.
    col_x: Vec<f32>,
    row_h: Vec<f32>,
    /// Text of each cell, in the order of `Table::cells`.
    text: Vec<TextLayout>,
    /// Body row groups (first row, last row), after the header rows.
    groups: Vec<(usize, usize)>,
    /// The cell covering each grid position, `owner[row][col]`.
    owner: Vec<Vec<usize>>,
}

impl Grid {
    fn rows_height(&self, from: usize, to_inclusive: usize) -> f32 {
        self.row_h[from..=to_inclusive].iter().sum()
    }

    fn header_height(&self, header_rows: usize) -> f32 {
        self.row_h[..header_rows].iter().sum()
    }
}

impl TableBox {
    pub(crate) fn new(table: Table) -> Self {
        Self {
            table,
            layout: None,
            next: 0,
        }
    }

    pub(crate) fn line(&self) -> u32 {
        self.table.line
    }

    fn grid(&mut self, cx: &Cx, width: f32) -> Result<&Grid, LayoutError> {
        if self.layout.is_none() {
            self.layout = Some(lay_out(cx, &self.table, width)?);
        }
        Ok(self.layout.as_ref().expect("laid out above"))
    }

    pub(crate) fn measure(&mut self, cx: &Cx, width: f32) -> Result<f32, LayoutError> {
        Ok(self.grid(cx, width)?.row_h.iter().sum())
    }

    pub(crate) fn render(
        &mut self,
        cx: &Cx,
        area: &Region<'_>,
        at_top: bool,
    ) -> Result<Progress, LayoutError> {
        let width = f32::from(area.size().width);
        let height = f32::from(area.size().height);
        self.grid(cx, width)?;
        let grid = self.layout.as_ref().expect("laid out above");
        let t = &self.table;
        let header_h = grid.header_height(t.header_rows);
        if grid.groups.is_empty() {
            // Only header rows (or none at all).
            if header_h > height + EPS {
                return too_tall(at_top, t.line, header_h, height);
            }
            if t.header_rows > 0 {
                draw_rows(cx, area, t, grid, 0, t.header_rows - 1, 0.0)?;
            }
            return Ok(Progress::Done(header_h));
        }
        let (first, last) = grid.groups[self.next];
        let need = header_h + grid.rows_height(first, last);
        if need > height + EPS {
            return too_tall(at_top, t.row_lines[first], need, height);
        }
        if t.header_rows > 0 {
            draw_rows(cx, area, t, grid, 0, t.header_rows - 1, 0.0)?;
        }
        let mut y = header_h;
        let start = self.next;
        while self.next < grid.groups.len() {
            let (a, b) = grid.groups[self.next];
            let h = grid.rows_height(a, b);
            if y + h > height + EPS {
                break;
            }
            y += h;
            self.next += 1;
        }
        let (from, _) = grid.groups[start];
        let (_, to) = grid.groups[self.next - 1];
        draw_rows(cx, area, t, grid, from, to, header_h)?;
        let more = self.next < grid.groups.len();
        // Printed rows are not needed again: a table of a whole year can be long.
        if let Some(grid) = self.layout.as_mut() {
            for (c, text) in self.table.cells.iter().zip(grid.text.iter_mut()) {
                if (from..=to).contains(&c.row) {
                    text.lines = Vec::new();
                }
            }
        }
        Ok(if more {
            Progress::More(y)
        } else {
            Progress::Done(y)
        })
    }
}

fn too_tall(at_top: bool, line: u32, need: f32, have: f32) -> Result<Progress, LayoutError> {
    if at_top {
        Err(LayoutError::RowTooTall { line, need, have })
    } else {
        Ok(Progress::More(0.0))
    }
}

fn lay_out(cx: &Cx, t: &Table, width: f32) -> Result<Grid, LayoutError> {
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
            Column::Relative(s) => *s,
            Column::Fixed(_) => 0.0,
        })
        .sum();
    let rest = width - fixed;
    if (shares > 0.0 && rest < 1.0) || (shares == 0.0 && rest < -EPS) {
        return Err(LayoutError::TableTooWide {
            line: t.line,
            need: fixed,
            have: width,
        });
    }
    let mut col_x = vec![0.0];
    for c in &t.columns {
        let w = match c {
            Column::Fixed(w) => *w,
            Column::Relative(s) => rest * s / shares,
        };
        col_x.push(col_x.last().copied().unwrap_or(0.0) + w);
    }
    let pad = t.padding;
    let text: Vec<TextLayout> = t
        .cells
        .iter()
        .map(|c| {
            let w = col_x[c.col + c.colspan] - col_x[c.col];
            cx.layout(&c.content, (w - 2.0 * pad).max(1.0))
        })
        .collect();
    let mut row_h = vec![0.0f32; t.rows];
    for (c, tl) in t.cells.iter().zip(&text) {
        if c.rowspan == 1 {
            row_h[c.row] = row_h[c.row].max(tl.height() + 2.0 * pad);
        }
    }
    let mut spanning: Vec<usize> = (0..t.cells.len())
        .filter(|&i| t.cells[i].rowspan > 1)
        .collect();
    spanning.sort_by_key(|&i| t.cells[i].rowspan);
    for i in spanning {
        let c = &t.cells[i];
        let need = text[i].height() + 2.0 * pad;
        let have: f32 = row_h[c.row..c.row + c.rowspan].iter().sum();
        if need > have {
            let add = (need - have) / c.rowspan as f32;
            for h in &mut row_h[c.row..c.row + c.rowspan] {
                *h += add;
            }
        }
    }
    // Rows that a rowspan joins stay on one page.
    let mut groups = Vec::new();
    let mut r = t.header_rows;
    while r < t.rows {
        let mut end = r;
        let mut k = r;
        while k <= end {
            for c in t.cells.iter().filter(|c| c.row == k) {
                end = end.max(c.row + c.rowspan - 1);
            }
            k += 1;
        }
        groups.push((r, end));
        r = end + 1;
    }
    let mut owner = vec![vec![0usize; t.columns.len()]; t.rows];
    for (i, c) in t.cells.iter().enumerate() {
        for row in owner.iter_mut().skip(c.row).take(c.rowspan) {
            for o in row.iter_mut().skip(c.col).take(c.colspan) {
                *o = i;
            }
        }
    }
    Ok(Grid {
        col_x,
        row_h,
        text,
        groups,
        owner,
    })
}

/// Draws rows `from..=to` with their top at `y0`.
fn draw_rows(
    cx: &Cx,
    area: &Region<'_>,
    t: &Table,
    grid: &Grid,
    from: usize,
    to: usize,
    y0: f32,
) -> Result<(), LayoutError> {
    if !cx.draws() {
        return Ok(());
    }
    let mut row_y = vec![y0];
    for r in from..=to {
        row_y.push(row_y.last().copied().unwrap_or(y0) + grid.row_h[r]);
    }
    if t.border > 0.0 {
        draw_borders(cx, area, t, grid, from, to, &row_y);
    }
    let pad = t.padding;
    for (c, tl) in t.cells.iter().zip(&grid.text) {
        if c.row < from || c.row > to {
            continue;
        }
        let x = grid.col_x[c.col];
        let y = row_y[c.row - from];
        let last_row = (c.row + c.rowspan - 1).min(to);
        let y2 = row_y[last_row - from + 1];
        let content_h = tl.height();
        let inner_h = y2 - y - 2.0 * pad;
        let offset = match c.valign {
            VAlign::Top => 0.0,
            VAlign::Middle => ((inner_h - content_h) / 2.0).max(0.0),
            VAlign::Bottom => (inner_h - content_h).max(0.0),
        };
        let mut ly = y + pad + offset;
        for i in 0..tl.lines.len() {
            tl.print_line(cx, area, i, x + pad, ly)?;
            ly += tl.lines[i].height;
        }
    }
    Ok(())
}

/// The grid lines of rows `from..=to`: each line as long as it runs without a spanning cell
/// across it, so a 33 × 13 table page is about 50 strokes rather than 900 cell edges.
fn draw_borders(
    cx: &Cx,
    area: &Region<'_>,
    t: &Table,
    grid: &Grid,
    from: usize,
    to: usize,
    row_y: &[f32],
) {
    let style = LineStyle::new().with_thickness(mm(t.border * MM_PER_PT));
    let ncols = t.columns.len();
    let line = |a: (f32, f32), b: (f32, f32)| {
        area.draw_line(
            cx.page.as_ref(),
            vec![Position::new(a.0, a.1), Position::new(b.0, b.1)],
            style,
        )
    };
    // Horizontal: above every row and below the last; inside, only where the cells above and
    // below differ.
    for r in from..=to + 1 {
        let y = row_y[r - from];
        let mut start: Option<usize> = None;
        for c in 0..=ncols {
            let drawn =
                c < ncols && (r == from || r == to + 1 || grid.owner[r - 1][c] != grid.owner[r][c]);
            match (drawn, start) {
                (true, None) => start = Some(c),
                (false, Some(s)) => {
                    line((grid.col_x[s], y), (grid.col_x[c], y));
                    start = None;
                }
                _ => {}
            }
        }
    }
    // Vertical: at the table's edges and wherever the cells left and right differ.
    for j in 0..=ncols {
        let x = grid.col_x[j];
        let mut start: Option<usize> = None;
        for r in from..=to + 1 {
            let drawn =
                r <= to && (j == 0 || j == ncols || grid.owner[r][j - 1] != grid.owner[r][j]);
            match (drawn, start) {
                (true, None) => start = Some(r),
                (false, Some(s)) => {
                    line((x, row_y[s - from]), (x, row_y[r - from]));
                    start = None;
                }
                _ => {}
            }
        }
    }
}

impl TableBox {
    pub(crate) fn table(&self) -> &Table {
        &self.table
    }
}
