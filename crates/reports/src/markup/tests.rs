use super::table::parse_column;
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

    let e =
        parse("<document><section>\n\n<table widths=\"10 20\"><tr/></table></section></document>")
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

    let e = parse("<document><section><p colour=\"red\">x</p></section></document>").unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");

    let e = parse("<document><section><p size=\"11.5\">x</p></section></document>").unwrap_err();
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
