//! The quarterly / half-year paper copy and the stitched year-end journal, end to end from the
//! demo school, read back with poppler.

use crate::fixtures::journal;
use crate::poppler::{page_count, page_text, squeeze, text};
use zhurnal_domain::numerals::{certification_sentence, sheets_for_pages, Printing};
use zhurnal_domain::{FinalKind, PeriodCode, PeriodScheme};
use zhurnal_reports::journal_copy::{markup_period_copy, render_period_copy, render_year_journal};
use zhurnal_reports::{ClassJournal, Templates};

fn templates() -> Templates {
    Templates::builtin().unwrap()
}

/// The same text with white space collapsed, so that words broken across lines still match.
fn flat(s: &str) -> String {
    squeeze(s)
}

#[test]
fn q1_copy_shows_every_student_subject_date_mark_and_period_mark() {
    let j = journal(1, 7, "Б");
    let pdf = render_period_copy(&j, PeriodCode::Q1, &templates()).unwrap();
    let all = flat(&text(&pdf));
    assert!(all.contains(&flat("Классный журнал")));
    assert!(all.contains(&flat("1 четверть")));
    assert!(all.contains(&flat("Копия верна")));
    for s in &j.students {
        assert!(
            all.contains(&flat(&s.name.short())),
            "{} missing",
            s.name.short()
        );
    }
    for s in &j.subjects {
        assert!(all.contains(&flat(&s.subject.name)), "{}", s.subject.name);
    }
    // Every Q1 lesson date of the first subject.
    let q1 = j.calendar.periods(PeriodScheme::Quarters)[0].clone();
    let first = &j.subjects[0];
    let lessons: Vec<_> = first
        .lessons
        .iter()
        .filter(|l| q1.contains(l.date))
        .collect();
    assert!(!lessons.is_empty());
    for l in &lessons {
        assert!(all.contains(&l.date.format("%d.%m").to_string()));
    }
    // A known single mark of a known student, on the row of that student on a left page: a
    // student on roll with a grade, the cell shown as the grid shows it.
    let (lesson, student, shown) = lessons
        .iter()
        .find_map(|l| {
            j.students
                .iter()
                .filter(|s| s.movements.is_empty())
                .find_map(|s| {
                    let marks = l.marks.get(&s.id)?;
                    (marks.0.len() == 1 && !l.attendance.contains_key(&s.id))
                        .then(|| (*l, s, marks.0[0].value.to_string()))
                })
        })
        .expect("a mark in Q1");
    let date = lesson.date.format("%d.%m").to_string();
    let pages = page_count(&pdf);
    let found = (1..=pages).any(|p| {
        let page = page_text(&pdf, p);
        if !page.contains(&first.subject.name) || !page.contains(&date) {
            return false;
        }
        // The column of the date in the header, and the student's row.
        let lines: Vec<&str> = page.lines().collect();
        let Some(header) = lines.iter().find(|l| l.contains(&date)) else {
            return false;
        };
        let dates: Vec<&str> = header
            .split_whitespace()
            .filter(|w| w.len() == 5 && w.as_bytes()[2] == b'.')
            .collect();
        let Some(col) = dates.iter().position(|d| *d == date) else {
            return false;
        };
        lines.iter().any(|l| {
            l.contains(&student.name.short()) && {
                // The cells after the name, in order: marks and attendance codes.
                let after =
                    &l[l.find(&student.name.short()).unwrap() + student.name.short().len()..];
                let cells: Vec<&str> = after.split_whitespace().collect();
                // Empty cells take no word, so the column may shift left: accept the mark at
                // its column or anywhere before it, but it must be in this row.
                cells.iter().take(col + 1).any(|c| *c == shown)
            }
        })
    });
    assert!(
        found,
        "{shown} of {} on {date} in {}",
        student.name.short(),
        first.subject.name
    );
    // The period mark of the first student with one in the first subject.
    let fm = first
        .finals
        .iter()
        .find(|f| f.kind == FinalKind::Period(PeriodCode::Q1))
        .expect("a Q1 mark");
    let st = j.students.iter().find(|s| s.id == fm.student).unwrap();
    let mark = fm.value.to_string();
    assert!((1..=pages).any(|p| {
        let page = page_text(&pdf, p);
        page.contains("1 четверть")
            && page
                .lines()
                .any(|l| l.contains(&st.name.short()) && l.trim_end().ends_with(&mark))
    }));
    // Every page carries its number.
    for p in 1..=pages {
        assert!(
            page_text(&pdf, p).contains(&format!("Страница {p}")),
            "page {p}"
        );
    }
}

fn year(j: &ClassJournal, printing: Printing) -> Vec<u8> {
    render_year_journal(j, printing, &templates()).unwrap()
}

#[test]
fn year_journal_counts_its_sheets_numbers_its_pages_and_its_contents_point_right() {
    let j = journal(1, 7, "Б");
    for printing in [Printing::OneSided, Printing::TwoSided] {
        let pdf = year(&j, printing);
        let pages = page_count(&pdf);
        let sentence = certification_sentence(sheets_for_pages(pages as u64, printing));
        let last = page_text(&pdf, pages);
        assert!(
            flat(&last).contains(&flat(&sentence)),
            "{sentence} not on the last page: {last}"
        );
        assert!(last.contains("М.П."));
        assert!(last.contains("Директор"));
        if printing == Printing::TwoSided {
            continue;
        }
        let texts: Vec<String> = (1..=pages).map(|p| page_text(&pdf, p)).collect();
        for (i, t) in texts.iter().enumerate() {
            assert!(t.contains(&format!("Страница {}", i + 1)), "page {}", i + 1);
        }
        // Contents: «Алгебра ..... 12» → page 12 names Алгебра.
        let contents = &texts[1];
        assert!(contents.contains("Оглавление"));
        for s in &j.subjects {
            let name = &s.subject.name;
            let line = contents
                .lines()
                .find(|l| flat(l).contains(&flat(name)) && !l.contains("Сводная"))
                .unwrap_or_else(|| panic!("{name} not in the contents"));
            let page: usize = line.split_whitespace().last().unwrap().parse().unwrap();
            assert!(
                flat(&texts[page - 1]).contains(&flat(name)),
                "{name} → {page}"
            );
            assert!(texts[page - 1].contains("1 четверть"), "{name} → {page}");
        }
        // The summary sheet has year marks.
        assert!(texts
            .iter()
            .any(|t| t.contains("Сводная ведомость") && t.contains("Год")));
    }
}

#[test]
fn grade_ten_copy_is_by_half_year() {
    let j = journal(2, 10, "А");
    let pdf = render_period_copy(&j, PeriodCode::H1, &templates()).unwrap();
    let all = text(&pdf);
    assert!(all.contains("1 полугодие"));
    assert!(!all.contains("четверть"));
}

#[test]
fn markup_of_a_small_copy() {
    let mut j = journal(1, 7, "Б");
    // One subject, first two weeks, five students.
    j.subjects.truncate(1);
    let start = j.calendar.quarters[0].start;
    j.subjects[0]
        .lessons
        .retain(|l| l.date < start + chrono::Duration::days(14));
    j.students.truncate(5);
    let markup = markup_period_copy(&j, PeriodCode::Q1, &templates()).unwrap();
    insta::assert_snapshot!("journal_copy_7b_q1_small", markup);
}
