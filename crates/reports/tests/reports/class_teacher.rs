//! The class teacher's summaries end to end from the demo school, read back with pdftotext.
//! Every figure is counted here from the fixture's lessons and final marks.

use crate::fixtures::journal;
use crate::poppler::{layout_text, page_count, page_text, squeeze, text};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use zhurnal_domain::stats::{
    lessons_without_attendance, lessons_without_topic, students_without_marks,
};
use zhurnal_domain::{Attendance, FinalKind, MovementKind, PeriodCode, Student};
use zhurnal_reports::class_teacher::*;
use zhurnal_reports::{ClassJournal, Templates};

fn templates() -> Templates {
    Templates::builtin().unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Saves the PDF for a look when `ZHURNAL_CT_OUT` names a folder.
fn keep(name: &str, pdf: &[u8]) {
    if let Ok(dir) = std::env::var("ZHURNAL_CT_OUT") {
        std::fs::write(format!("{dir}/{name}.pdf"), pdf).unwrap();
    }
}

/// The words after the student's number and name on every line of his row, in page order
/// (a wide table continues on the next page with the same rows).
fn row_words(text: &str, no: usize, s: &Student) -> Vec<String> {
    let mut head = vec![no.to_string()];
    head.extend(s.name.full().split_whitespace().map(str::to_string));
    text.lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|w| w.len() >= head.len() && w[..head.len()] == head[..])
        .flat_map(|w| w[head.len()..].to_vec())
        .collect()
}

/// Every page says «Страница p из n».
fn numbered(pdf: &[u8]) {
    let pages = page_count(pdf);
    for p in 1..=pages {
        assert!(page_text(pdf, p).contains(&format!("Страница {p} из {pages}")));
    }
}

fn signed(pdf: &[u8], j: &ClassJournal) {
    let all = text(pdf);
    assert!(all.contains("Классный руководитель"));
    assert!(all.contains("(подпись)"));
    let last = j.class_teacher.split_whitespace().next().unwrap();
    assert!(all.contains(last), "{last}");
}

#[test]
fn the_summary_of_marks_has_every_student_subject_and_final_mark() {
    let j = journal(1, 7, "Б");
    let pdf = render_marks_summary(&j, &templates()).unwrap();
    keep("marks", &pdf);
    let all = squeeze(&text(&pdf));
    for s in &j.students {
        assert!(all.contains(&squeeze(&s.name.full())), "{}", s.name.full());
    }
    for sj in &j.subjects {
        assert!(
            all.contains(&squeeze(&sj.subject.name)),
            "{}",
            sj.subject.name
        );
    }
    let text_l = layout_text(&pdf);
    let kinds: Vec<FinalKind> = PeriodCode::QUARTERS
        .iter()
        .map(|p| FinalKind::Period(*p))
        .chain([FinalKind::Year])
        .collect();
    let mut checked = 0;
    for (i, s) in j.students.iter().enumerate().step_by(5) {
        // The student's marks in every subject and column, in curriculum order; an empty
        // cell prints nothing.
        let want: Vec<String> = j
            .subjects
            .iter()
            .flat_map(|sj| {
                kinds.iter().filter_map(|k| {
                    sj.finals
                        .iter()
                        .find(|f| f.kind == *k && f.student == s.id)
                        .map(|f| f.value.to_string())
                })
            })
            .collect();
        assert_eq!(row_words(&text_l, i + 1, s), want, "{}", s.name.full());
        checked += want.len();
    }
    assert!(checked > 200, "{checked} marks checked");
    numbered(&pdf);
    signed(&pdf, &j);
}

/// Per student and date of one month: (lessons he had, of them missed, codes of all his
/// entries).
fn attendance_days(
    j: &ClassJournal,
    s: &Student,
    year: i32,
    month: u32,
) -> BTreeMap<NaiveDate, (u32, u32, Vec<Attendance>)> {
    let mut days: BTreeMap<NaiveDate, (u32, u32, Vec<Attendance>)> = BTreeMap::new();
    for sj in &j.subjects {
        let group = s.subgroups.get(&sj.subject.id);
        for l in &sj.lessons {
            if l.date.year() != year || l.date.month() != month {
                continue;
            }
            let code = l.attendance.get(&s.id).copied();
            let had = s.on_roll(l.date)
                && (l.subgroup.is_none() || group.is_none() || l.subgroup == group.copied());
            let e = days.entry(l.date).or_default();
            if had {
                e.0 += 1;
                if matches!(code, Some(c) if c != Attendance::Late) {
                    e.1 += 1;
                }
            }
            if let Some(c) = code {
                e.2.push(c);
            }
        }
    }
    days
}

/// уроков, дней, Б, У, Н, О as printed («–» for 0).
fn month_figures(j: &ClassJournal, s: &Student, year: i32, month: u32) -> Vec<String> {
    let days = attendance_days(j, s, year, month);
    let codes: Vec<Attendance> = days.values().flat_map(|d| d.2.clone()).collect();
    let n = |c: Attendance| codes.iter().filter(|x| **x == c).count();
    let missed = codes.iter().filter(|c| **c != Attendance::Late).count();
    let whole_days = days.values().filter(|d| d.0 > 0 && d.0 == d.1).count();
    [
        missed,
        whole_days,
        n(Attendance::Ill),
        n(Attendance::Excused),
        n(Attendance::Absent),
        n(Attendance::Late),
    ]
    .iter()
    .map(|x| {
        if *x == 0 {
            "–".to_string()
        } else {
            x.to_string()
        }
    })
    .collect()
}

#[test]
fn the_attendance_summary_counts_lessons_days_and_codes_by_month() {
    let j = journal(1, 7, "Б");
    let pdf = render_attendance_summary(&j, PeriodCode::Q1, &templates()).unwrap();
    keep("attendance_q1", &pdf);
    let text_l = layout_text(&pdf);
    assert!(text_l.contains("сентябрь") && text_l.contains("октябрь") && text_l.contains("Итого"));
    let mut checked = 0;
    let mut days_seen = false;
    for (i, s) in j.students.iter().enumerate() {
        let sep = month_figures(&j, s, 2025, 9);
        if sep[0] == "–" {
            continue;
        }
        let oct = month_figures(&j, s, 2025, 10);
        let words = row_words(&text_l, i + 1, s);
        assert_eq!(words[..6], sep[..], "{} в сентябре", s.name.full());
        assert_eq!(words[6..12], oct[..], "{} в октябре", s.name.full());
        days_seen |= sep[1] != "–" || oct[1] != "–";
        checked += 1;
        if checked >= 3 && days_seen {
            break;
        }
    }
    assert!(
        checked >= 3 && days_seen,
        "the demo class should miss lessons and days"
    );
    numbered(&pdf);
    signed(&pdf, &j);

    let year = render_attendance_summary(&j, PeriodCode::Year, &templates()).unwrap();
    keep("attendance_year", &year);
    let year_text = text(&year);
    for m in ["сентябрь", "январь", "май", "Итого по классу"] {
        assert!(year_text.contains(m), "{m}");
    }
}

#[test]
fn the_month_grid_shows_each_day_with_its_main_code() {
    let j = journal(1, 7, "Б");
    let pdf = render_attendance_month(&j, 2025, 10, &templates()).unwrap();
    keep("month", &pdf);
    let text_l = layout_text(&pdf);
    let mut checked = 0;
    for (i, s) in j.students.iter().enumerate() {
        let days = attendance_days(&j, s, 2025, 10);
        // The cells that are not empty, day by day, then his totals.
        let mut want: Vec<String> = days
            .values()
            .filter_map(|(_, _, codes)| {
                let n = |c: Attendance| codes.iter().filter(|x| **x == c).count();
                let missed = codes.len() - n(Attendance::Late);
                if missed > 0 {
                    let mut best = ("", 0);
                    for (code, c) in [
                        ("Б", Attendance::Ill),
                        ("У", Attendance::Excused),
                        ("Н", Attendance::Absent),
                    ] {
                        if n(c) > best.1 {
                            best = (code, n(c));
                        }
                    }
                    Some(format!("{missed}{}", best.0))
                } else if n(Attendance::Late) > 0 {
                    Some("О".to_string())
                } else {
                    None
                }
            })
            .collect();
        if want.is_empty() {
            continue;
        }
        want.extend(month_figures(&j, s, 2025, 10));
        assert_eq!(row_words(&text_l, i + 1, s), want, "{}", s.name.full());
        checked += 1;
    }
    assert!(checked >= 3);
    // Every school day of October has its column: 1 October 2025 is a Wednesday.
    assert!(text_l.contains("ср"));
    numbered(&pdf);
    signed(&pdf, &j);
}

#[test]
fn the_movement_summary_lists_every_movement_with_its_order() {
    let j = journal(1, 5, "А");
    let pdf = render_movement(&j, &templates()).unwrap();
    keep("movement", &pdf);
    let text_l = layout_text(&pdf);
    let mut count = 0;
    for s in &j.students {
        for m in &s.movements {
            let d = m.date.format("%d.%m.%Y").to_string();
            let last = &s.name.last;
            let kind = match m.kind {
                MovementKind::Arrival => "прибытие",
                MovementKind::Departure => "выбытие",
                MovementKind::Transfer => "перевод",
            };
            assert!(
                text_l.lines().any(|l| l.contains(last.as_str())
                    && l.contains(&d)
                    && l.contains(m.order_no.as_str())
                    && l.contains(kind)),
                "{last} {d} {}:\n{text_l}",
                m.order_no
            );
            count += 1;
        }
    }
    assert!(count >= 2, "the demo class should have movements");
    // The year: on the list at the start, plus arrivals, minus departures.
    let year = text_l
        .lines()
        .find(|l| l.trim_start().starts_with("год "))
        .unwrap();
    let w: Vec<&str> = year.split_whitespace().collect();
    let on = |d| {
        j.students
            .iter()
            .filter(|s| s.on_roll(d))
            .count()
            .to_string()
    };
    let (start, end) = j.calendar.bounds(PeriodCode::Year).unwrap();
    assert_eq!(w[w.len() - 4], on(start));
    assert_eq!(w[w.len() - 1], on(end));
    numbered(&pdf);
    signed(&pdf, &j);
}

#[test]
fn the_markup_of_the_movement_summary_is_as_reviewed() {
    let markup = markup_movement(&journal(1, 5, "А"), &templates()).unwrap();
    insta::assert_snapshot!("class_teacher_movement_5a", markup);
}

#[test]
fn monitoring_lists_what_the_domain_checks_find() {
    let j = journal(1, 7, "Б");
    let today = date(2025, 12, 10);
    let n = j.settings.monitoring_lessons;
    let pdf = render_monitoring(&j, today, &templates()).unwrap();
    keep("monitoring", &pdf);
    let all = squeeze(&text(&pdf));
    // Subjects with findings, in curriculum order, as the domain finds them.
    let mut expected = Vec::new();
    for sj in &j.subjects {
        let split = sj
            .lessons
            .iter()
            .any(|l| l.subgroup.is_some())
            .then_some(sj.subject.id);
        let students = students_without_marks(&sj.lessons, &j.students, split, n, today);
        let topic = lessons_without_topic(&sj.lessons, today);
        let attendance = lessons_without_attendance(&sj.lessons, today);
        if !(students.is_empty() && topic.is_empty() && attendance.is_empty()) {
            expected.push((sj, students, topic, attendance));
        }
    }
    let headings: Vec<usize> = expected
        .iter()
        .enumerate()
        .map(|(k, (sj, ..))| {
            let h = squeeze(&format!("{}. {} — ", k + 1, sj.subject.name));
            all.find(&h).unwrap_or_else(|| panic!("no heading {h}"))
        })
        .collect();
    assert!(headings.windows(2).all(|w| w[0] < w[1]));
    let mut found = 0;
    for (k, (sj, students, topic, attendance)) in expected.iter().enumerate() {
        found += students.len() + topic.len() + attendance.len();
        let end = headings.get(k + 1).copied().unwrap_or(all.len());
        let part = &all[headings[k]..end];
        let lists = [
            (
                format!("Безотметокнапоследних{n}уроках({})", students.len()),
                students.len(),
            ),
            (format!("Урокибезтемы({})", topic.len()), topic.len()),
            (
                format!("Урокибезотметкипосещаемости({})", attendance.len()),
                attendance.len(),
            ),
        ];
        for (title, len) in lists {
            assert_eq!(
                part.contains(&title),
                len > 0,
                "{}: {title}",
                sj.subject.name
            );
        }
        for f in students {
            let s = j.students.iter().find(|s| s.id == f.student).unwrap();
            assert!(part.contains(&squeeze(&s.name.full())), "{}", s.name.full());
        }
        for id in topic.iter().chain(attendance) {
            let l = sj.lessons.iter().find(|l| l.id == *id).unwrap();
            assert!(part.contains(&l.date.format("%d.%m.%Y").to_string()));
        }
    }
    // Subjects without findings are named as such.
    for sj in &j.subjects {
        if !expected.iter().any(|(e, ..)| e.subject.id == sj.subject.id) {
            let clean = &all[all.find("Замечанийнет:").unwrap()..];
            assert!(
                clean.contains(&squeeze(&sj.subject.name)),
                "{}",
                sj.subject.name
            );
        }
    }
    assert!(found > 0, "the demo journal should have gaps by December");
    numbered(&pdf);
    signed(&pdf, &j);
    assert!(all.contains("Дата:10.12.2025"));
}
