//! The measurement of MEASUREMENTS.md through the whole pipeline: a 40-page landscape journal
//! table (32 students × 11 lesson columns, Cyrillic) as layout markup → PDF.
//!
//! ```sh
//! cargo build --release -p zhurnal-reports --example measure
//! /usr/bin/time -v target/release/examples/measure /tmp/measure.pdf [PAGES] [no-total]
//! ```

use std::time::Instant;

const LAST: [&str; 16] = [
    "Иванова",
    "Петров",
    "Сидоренко",
    "Кузнецова",
    "Смирнов",
    "Волков",
    "Ёлкина",
    "Щербаков",
    "Жуковская",
    "Фёдоров",
    "Яковлева",
    "Черных",
    "Шестаков",
    "Цветкова",
    "Юдин",
    "Эйсмонт",
];
const FIRST: [&str; 8] = [
    "Мария",
    "Александр",
    "Ксения",
    "Дмитрий",
    "Софья",
    "Григорий",
    "Анастасия",
    "Илья",
];
const MIDDLE: [&str; 4] = ["Петровна", "Сергеевич", "Андреевна", "Владимирович"];
const CELLS: [&str; 9] = ["5", "4", "", "3", "н", "", "Б", "54", "2"];

/// The same document as the throwaway genpdf/genpdfi program of MEASUREMENTS.md.
fn markup(pages: usize, total: bool) -> String {
    let mut m = String::from(
        r#"<document title="Замер: 40 страниц журнала" size="9"><section orientation="landscape" margins="10">"#,
    );
    m.push_str(if total {
        r#"<footer><p size="8" align="center">Страница {page} из {pages}</p></footer>"#
    } else {
        r#"<footer><p size="8" align="center">Страница {page}</p></footer>"#
    });
    for p in 0..pages {
        m.push_str(&format!(
            r#"<p bold="true" size="11">Алгебра — 7Б класс — 2025/2026 учебный год — страница {}</p>"#,
            p + 1
        ));
        m.push_str(r#"<table widths="1* 8* 2* 2* 2* 2* 2* 2* 2* 2* 2* 2* 2*" header-rows="1" padding="0.5mm" border="0.3pt"><tr><td>№</td><td>Фамилия, имя ученика</td>"#);
        for c in 0..11 {
            m.push_str(&format!(
                "<td>{:02}.{:02}</td>",
                1 + (c * 3) % 28,
                9 + c / 10
            ));
        }
        m.push_str("</tr>");
        for r in 0..32 {
            m.push_str(&format!(
                "<tr><td>{}</td><td>{} {} {}</td>",
                r + 1,
                LAST[r % 16],
                FIRST[(r * 7) % 8],
                MIDDLE[(r * 3) % 4]
            ));
            for c in 0..11 {
                m.push_str(&format!(
                    "<td>{}</td>",
                    CELLS[(p * 31 + r * 7 + c * 13) % 9]
                ));
            }
            m.push_str("</tr>");
        }
        m.push_str("</table>");
        if p + 1 < pages {
            m.push_str("<page-break/>");
        }
    }
    m.push_str("</section></document>");
    m
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/measure.pdf".to_string());
    let pages: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(40);
    // With "{pages}" in the footer the document is laid out twice.
    let total = std::env::args().nth(3).is_none_or(|a| a != "no-total");
    let t0 = Instant::now();
    let text = markup(pages, total);
    let pdf = zhurnal_reports::render_markup(&text).unwrap_or_else(|e| panic!("{e}"));
    let elapsed = t0.elapsed();
    std::fs::write(&out, &pdf).unwrap();
    eprintln!(
        "{pages} pages: {} bytes in {:.3} s -> {out}",
        pdf.len(),
        elapsed.as_secs_f64()
    );
}
