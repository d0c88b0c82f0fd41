use crate::poppler::{fonts, info, page_count, page_sizes, page_text, region_text, text};
use zhurnal_reports::{render_markup, LayoutError, ReportError};

fn long_table(rows: usize) -> String {
    let mut body = String::new();
    let mut r = 1;
    while r <= rows {
        // Every tenth student has a three-row group (a rowspan) that must stay on one page.
        if r % 10 == 0 && r + 2 <= rows {
            body.push_str(&format!(
                r#"<tr><td rowspan="3">{r}–{}</td><td>Группа {r} первая</td><td>5</td></tr>
                   <tr><td>Группа {r} вторая</td><td>4</td></tr>
                   <tr><td>Группа {r} третья</td><td>3</td></tr>"#,
                r + 2
            ));
            r += 3;
        } else {
            body.push_str(&format!(
                "<tr><td>{r}</td><td>Ученик номер {r}</td><td>5</td></tr>"
            ));
            r += 1;
        }
    }
    format!(
        r#"<document title="Длинная таблица"><section>
             <footer><p size="8" align="center">Страница {{page}} из {{pages}}</p></footer>
             <h1>Сводная ведомость</h1>
             <table widths="20mm 1* 20mm" header-rows="2" size="10">
               <tr bold="true"><td rowspan="2">№ п/п</td><td>Фамилия, имя</td><td>Отметка</td></tr>
               <tr bold="true"><td>ШАПКА-ВТОРАЯ-СТРОКА</td><td>за год</td></tr>
               {body}
             </table>
             <p>Конец таблицы.</p>
           </section></document>"#
    )
}

/// First rows of the three-row groups of `long_table(150)`.
fn groups() -> impl Iterator<Item = usize> {
    (10..=140).step_by(10)
}

#[test]
fn a_long_table_continues_on_the_next_page_with_its_header_repeated() {
    let pdf = render_markup(&long_table(150)).unwrap();
    let pages = page_count(&pdf);
    assert!(pages >= 3, "{pages} pages");
    let mut seen = Vec::new();
    for p in 1..=pages {
        let t = page_text(&pdf, p);
        assert!(
            t.contains("ШАПКА-ВТОРАЯ-СТРОКА"),
            "page {p} has no header:\n{t}"
        );
        for line in t.lines() {
            if let Some(n) = line
                .split_whitespace()
                .next()
                .and_then(|w| w.parse::<usize>().ok())
            {
                if line.contains("Ученик номер") {
                    seen.push(n);
                }
            }
        }
        // A three-row group is never split between pages.
        for g in groups() {
            let parts = ["первая", "вторая", "третья"]
                .iter()
                .filter(|w| t.contains(&format!("Группа {g} {w}")))
                .count();
            assert!(
                parts == 0 || parts == 3,
                "group {g} split on page {p}:\n{t}"
            );
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "rows out of order");
    let expected: Vec<usize> = (1..=150)
        .filter(|r| !groups().any(|g| (g..g + 3).contains(r)))
        .collect();
    assert_eq!(seen, expected);
    assert!(page_text(&pdf, pages).contains("Конец таблицы."));
}

#[test]
fn every_page_carries_its_number_and_the_count() {
    let pdf = render_markup(&long_table(150)).unwrap();
    let pages = page_count(&pdf);
    for p in 1..=pages {
        let t = page_text(&pdf, p);
        assert!(
            t.contains(&format!("Страница {p} из {pages}")),
            "page {p}:\n{t}"
        );
    }
}

#[test]
fn portrait_and_landscape_pages_in_one_document_each_get_their_size() {
    let markup = r#"<document><section><p>Первая, книжная.</p></section>
        <section orientation="landscape"><h1>АЛЬБОМНАЯ-ВВЕРХУ</h1><p>Вторая.</p></section>
        <section><p>Третья, снова книжная.</p></section></document>"#;
    let pdf = render_markup(markup).unwrap();
    let sizes = page_sizes(&pdf);
    let close = |a: (f32, f32), b: (f32, f32)| (a.0 - b.0).abs() < 0.5 && (a.1 - b.1).abs() < 0.5;
    let portrait = (595.28, 841.89);
    let landscape = (841.89, 595.28);
    assert_eq!(sizes.len(), 3);
    assert!(
        close(sizes[0], portrait) && close(sizes[1], landscape) && close(sizes[2], portrait),
        "{sizes:?}"
    );
    // The landscape page's drawing sits inside its box: the heading is in its top 30 mm.
    assert!(region_text(&pdf, 2, 0, 0, 842, 85).contains("АЛЬБОМНАЯ-ВВЕРХУ"));
    assert!(!region_text(&pdf, 2, 0, 85, 842, 510).contains("АЛЬБОМНАЯ-ВВЕРХУ"));
}

#[test]
fn fonts_are_embedded_subset_with_unicode_and_nothing_is_left_uncompressed() {
    let markup = r#"<document title="Проверка файла — «ёжик»"><section>
        <p>Обычный, <b>жирный</b>, <i>курсив</i>, <b><i>жирный курсив</i></b>.</p>
        <p font="sans">Рубленый шрифт.</p>
        <table widths="1* 1*"><tr><td>Ячейка</td><td>таблицы</td></tr></table></section></document>"#;
    let pdf = render_markup(markup).unwrap();
    let f = fonts(&pdf);
    assert_eq!(f.len(), 5, "{f:?}");
    for (name, emb, sub, uni) in &f {
        assert!(
            *emb && *sub && *uni,
            "{name}: embedded {emb}, subset {sub}, unicode {uni}"
        );
        assert!(name.contains("+Liberation"), "{name}");
    }
    assert_eq!(info(&pdf, "Title"), "Проверка файла — «ёжик»");
    assert!(text(&pdf).contains("Рубленый шрифт."));

    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let mut streams = 0;
    for obj in doc.objects.values() {
        if let lopdf::Object::Stream(s) = obj {
            // lopdf writes the cross-reference stream (the file's index) itself, uncompressed.
            if s.dict
                .get(b"Type")
                .and_then(lopdf::Object::as_name)
                .is_ok_and(|t| t == b"XRef")
            {
                continue;
            }
            streams += 1;
            assert!(
                s.dict.get(b"Filter").is_ok(),
                "uncompressed stream: {:?}",
                s.dict
            );
        }
    }
    assert!(streams > 5);
    // A subset of five faces, not five whole fonts (each is 370–420 kB).
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
}

#[test]
fn table_borders_are_thin_lines() {
    let markup = r#"<document><section><table widths="1* 1*"><tr><td>а</td><td>б</td></tr></table>
        <table widths="1* 1*" border="0.1mm"><tr><td>в</td><td>г</td></tr></table></section></document>"#;
    let pdf = render_markup(markup).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let mut widths = Vec::new();
    for page in doc.get_pages().values() {
        let content = doc.get_and_decode_page_content(*page).unwrap();
        for op in content.operations {
            if op.operator == "w" {
                widths.push(op.operands[0].as_float().unwrap());
            }
        }
    }
    assert!(!widths.is_empty());
    assert!(widths.iter().any(|w| (w - 0.3).abs() < 0.01), "{widths:?}");
    assert!(
        widths.iter().any(|w| (w - 0.2835).abs() < 0.01),
        "{widths:?}"
    );
    assert!(widths.iter().all(|w| *w < 1.0), "{widths:?}");
}

#[test]
fn the_same_markup_gives_the_same_bytes() {
    let markup = long_table(40);
    assert_eq!(
        render_markup(&markup).unwrap(),
        render_markup(&markup).unwrap()
    );
}

#[test]
fn what_cannot_fit_is_an_error_naming_its_line() {
    let tall: String = (0..80).map(|i| format!("строка {i}<br/>")).collect();
    let markup = format!(
        "<document><section>\n<table widths=\"1*\">\n<tr><td>{tall}</td></tr>\n</table>\n</section></document>"
    );
    match render_markup(&markup) {
        Err(ReportError::Layout(LayoutError::RowTooTall { line: 3, .. })) => {}
        other => panic!("{other:?}"),
    }
    let wide = "<document><section>\n\n<table widths=\"100mm 100mm 1*\"><tr><td>x</td></tr></table></section></document>";
    let e = render_markup(wide).unwrap_err();
    assert!(
        matches!(
            e,
            ReportError::Layout(LayoutError::TableTooWide { line: 3, .. })
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("строка 3"), "{e}");
}

/// The glyphs of a line go into the page as whole runs, one PDF string per run between
/// kerning adjustments, not one string per glyph (a year journal has a quarter of a million
/// glyphs, and genpdfi's own writing held an allocation for each until the file was written).
#[test]
fn text_goes_into_the_page_as_runs_of_glyphs_kerned_between_runs() {
    let markup = r#"<document><section><p>Журнал успеваемости AVATAR 7Б</p>
        <table widths="1* 1*"><tr><td>Иванова Анна</td><td><b>отлично</b> и хорошо</td></tr></table>
        </section></document>"#;
    let pdf = render_markup(markup).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let (mut strings, mut glyphs, mut adjustments) = (0, 0, 0);
    for page in doc.get_pages().values() {
        let content = doc.get_and_decode_page_content(*page).unwrap();
        // Text objects are closed before anything else is drawn (a reader may refuse a path
        // inside one), and only text operators are inside.
        let mut in_text = false;
        for op in &content.operations {
            match op.operator.as_str() {
                "BT" => {
                    assert!(!in_text, "BT inside a text object");
                    in_text = true;
                }
                "ET" => {
                    assert!(in_text, "ET outside a text object");
                    in_text = false;
                }
                "Td" | "Tf" | "TJ" | "Tj" | "TL" | "rg" | "g" => {}
                other => assert!(!in_text, "«{other}» inside a text object"),
            }
        }
        assert!(
            !in_text,
            "a text object is left open at the end of the page"
        );
        for op in content.operations.iter().filter(|op| op.operator == "TJ") {
            for item in op.operands[0].as_array().unwrap() {
                match item {
                    lopdf::Object::String(bytes, _) => {
                        strings += 1;
                        glyphs += bytes.len() / 2;
                    }
                    lopdf::Object::Integer(_) => adjustments += 1,
                    other => panic!("unexpected in TJ: {other:?}"),
                }
            }
        }
    }
    let letters = [
        "Журнал успеваемости AVATAR 7Б",
        "Иванова Анна",
        "отлично и хорошо",
    ]
    .concat()
    .chars()
    .count();
    assert_eq!(glyphs, letters, "every character printed once");
    assert!(adjustments > 0, "«AVATAR» is kerned");
    // A run starts each piece of one style and each kerned pair; nothing like one per glyph.
    assert!(
        strings <= 6 + 2 * adjustments,
        "{strings} strings, {adjustments} adjustments"
    );
    assert_eq!(
        text(&pdf).split_whitespace().collect::<Vec<_>>().join(" "),
        "Журнал успеваемости AVATAR 7Б Иванова Анна отлично и хорошо"
    );
}

/// A running header that leaves no room for the body is an error naming its line, for every
/// height it may have: never a document that keeps adding empty pages.
#[test]
fn a_header_that_leaves_no_room_is_an_error_not_endless_pages() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut outcomes = Vec::new();
        for n in 40..70 {
            let lines: String = (0..n).map(|i| format!("строка {i}<br/>")).collect();
            let markup = format!(
                "<document><section>\n<header><p>{lines}</p></header>\n<p>Текст.</p></section></document>"
            );
            outcomes.push((n, render_markup(&markup).map(|_| ())));
        }
        let _ = tx.send(outcomes);
    });
    let outcomes = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("every header height gives a document or an error within a minute");
    let mut refused = 0;
    for (n, outcome) in outcomes {
        match outcome {
            Ok(()) => assert_eq!(
                refused, 0,
                "{n} lines fit after a taller header was refused"
            ),
            Err(ReportError::Layout(LayoutError::RunningTooTall { line: 1 })) => refused += 1,
            Err(e) => panic!("{n} lines: {e:?}"),
        }
    }
    assert!(refused > 0, "some header is too tall for the page");
}
