use crate::poppler::{layout_text, squeeze, text};
use std::collections::BTreeMap;
use zhurnal_reports::{render_markup, LayoutError, ReportError};

const WORD: &str = "Непереносимоедлинноесловоизсорокасимволов";

fn counts(s: &str) -> BTreeMap<char, usize> {
    let mut m = BTreeMap::new();
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

/// Every non-space character of `expected` is in `got` at least as many times.
fn assert_all_characters(expected: &str, got: &str) {
    let have = counts(got);
    for (c, n) in counts(expected) {
        let h = have.get(&c).copied().unwrap_or(0);
        assert!(h >= n, "«{c}»: {n} expected, {h} in the PDF:\n{got}");
    }
}

fn table_with(cell_attrs: &str) -> String {
    format!(
        r#"<document><section>
             <table widths="12mm 1* 14mm 14mm">
               <tr><td>1</td><td>Агапова Анна Сергеевна</td><td>5</td><td {cell_attrs}>{WORD}</td></tr>
               <tr><td>2</td><td>Борисов Борис</td><td {cell_attrs}>н/а</td><td>4</td></tr>
             </table>
           </section></document>"#
    )
}

/// Regression: genpdf 0.2 silently drops a word that does not fit its column (genpdfi fails
/// with "Page overflowed"); we break it between letters.
#[test]
fn an_overlong_word_in_a_narrow_column_is_broken_not_dropped() {
    let pdf = render_markup(&table_with("")).unwrap();
    let all = text(&pdf);
    assert_all_characters(
        &format!("1 Агапова Анна Сергеевна {WORD} 5 2 Борисов Борис 4 н/а"),
        &all,
    );
    // In reading order the pieces of the word follow each other.
    assert!(squeeze(&all).contains(WORD), "{all}");
    // And it really was broken: no line holds the whole word.
    assert!(!layout_text(&pdf).lines().any(|l| l.contains(WORD)));
}

#[test]
fn shrink_sets_the_word_smaller_before_breaking_it() {
    let pdf = render_markup(&table_with(r#"fit="shrink""#)).unwrap();
    let all = text(&pdf);
    assert_all_characters(&format!("{WORD} н/а"), &all);
    assert!(squeeze(&all).contains(WORD), "{all}");
    // 14 mm is too narrow even at 5 pt for 41 letters, so it is broken into fewer, smaller
    // pieces than without shrinking.
    let lines = |pdf: &[u8]| {
        layout_text(pdf)
            .lines()
            .filter(|l| l.chars().any(|c| WORD.contains(c)) && !l.contains("Агапова"))
            .count()
    };
    let plain = render_markup(&table_with("")).unwrap();
    assert!(lines(&pdf) < lines(&plain), "{}", layout_text(&pdf));
}

#[test]
fn a_word_wider_than_the_page_is_broken_in_a_paragraph_too() {
    let long: String = std::iter::repeat_n("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", 8).collect();
    let markup = format!(
        "<document><section><p>Начало {long} конец.</p><p><b>Жирное{long}</b></p></section></document>"
    );
    let pdf = render_markup(&markup).unwrap();
    let all = text(&pdf);
    assert_all_characters(&format!("Начало {long} конец. Жирное{long}"), &all);
    assert!(
        squeeze(&all).contains(&format!("Начало{long}конец.")),
        "{all}"
    );
}

#[test]
fn spanned_cells_and_every_alignment_keep_their_text() {
    let markup = r#"<document><section>
      <table widths="20mm 20mm 20mm" header-rows="1">
        <tr><td colspan="3" align="center">Сводная ведомость учёта успеваемости</td></tr>
        <tr><td rowspan="2" valign="middle">Физическаякультура</td><td align="right">5</td><td align="justify">осв зач незач</td></tr>
        <tr><td valign="bottom">н/а</td><td fit="shrink">Обществознание</td></tr>
      </table></section></document>"#;
    let pdf = render_markup(markup).unwrap();
    assert_all_characters(
        "Сводная ведомость учёта успеваемости Физическаякультура 5 осв зач незач н/а Обществознание",
        &text(&pdf),
    );
}

/// A character the bundled fonts lack would print as an empty box; the document is refused
/// with the character named instead.
#[test]
fn a_character_the_fonts_lack_is_refused_by_name() {
    let e =
        render_markup("<document><section><p>Ученик 李 ✓</p></section></document>").unwrap_err();
    match &e {
        ReportError::Layout(LayoutError::MissingGlyphs { chars }) => {
            assert!(chars.contains("«李» (U+674E)"), "{chars}");
        }
        other => panic!("{other:?}"),
    }
    // Latin with diacritics, Ukrainian and Belarusian letters are there.
    render_markup(
        "<document><section><p>Müller Łukasz Ґалина Ўладзімір Їжак</p></section></document>",
    )
    .unwrap();
}
