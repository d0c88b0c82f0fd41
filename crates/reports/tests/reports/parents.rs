//! Documents for parents: the extract (выписка) for one student and period, the information letter, and the access-credential slips.

use crate::fixtures::journal;
use crate::poppler::{layout_text, page_count, page_text, squeeze, text};
use std::collections::BTreeSet;
use zhurnal_domain::{Attendance, FinalKind, PeriodCode, PersonName};
use zhurnal_reports::parents::{
    login_for, markup_extract, render_extract, render_letter, render_slips, Credential,
};
use zhurnal_reports::{ClassJournal, ReportError, Templates};

/// Saves a PDF to look at when `ZHURNAL_KEEP_PDF` names a folder.
fn keep(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("ZHURNAL_KEEP_PDF") {
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.pdf")), pdf).unwrap();
    }
}

/// The marks of the student in Q1 in one subject, as «5 (03.09)», computed from the lessons.
fn q1_marks(j: &ClassJournal, subject: usize, student: usize) -> Vec<String> {
    let (from, to) = (j.calendar.quarters[0].start, j.calendar.quarters[0].end);
    let id = j.students[student].id;
    let mut lessons: Vec<_> = j.subjects[subject]
        .lessons
        .iter()
        .filter(|l| l.date >= from && l.date <= to)
        .collect();
    lessons.sort_by_key(|l| (l.date, l.number));
    let mut out = Vec::new();
    for l in lessons {
        for m in l.marks.get(&id).map(|m| m.0.clone()).unwrap_or_default() {
            let work = m.work.map(|w| format!(" {w}")).unwrap_or_default();
            out.push(format!("{} ({}{work})", m.value, l.date.format("%d.%m")));
        }
    }
    out
}

/// Missed (Б + У + Н), Б, У, Н, О of the student in Q1 in one subject.
fn q1_absences(j: &ClassJournal, subject: usize, student: usize) -> [u32; 5] {
    let (from, to) = (j.calendar.quarters[0].start, j.calendar.quarters[0].end);
    let id = j.students[student].id;
    let mut c = [0u32; 5];
    for l in &j.subjects[subject].lessons {
        if l.date < from || l.date > to {
            continue;
        }
        match l.attendance.get(&id) {
            Some(Attendance::Ill) => c[1] += 1,
            Some(Attendance::Excused) => c[2] += 1,
            Some(Attendance::Absent) => c[3] += 1,
            Some(Attendance::Late) => c[4] += 1,
            None => {}
        }
    }
    c[0] = c[1] + c[2] + c[3];
    c
}

/// The Q1 mark of the student in one subject.
fn final_q1(j: &ClassJournal, subject: usize, student: usize) -> Option<String> {
    j.subjects[subject]
        .finals
        .iter()
        .find(|f| {
            f.kind == FinalKind::Period(PeriodCode::Q1) && f.student == j.students[student].id
        })
        .map(|f| f.value.to_string())
}

/// The row of `subject` in the layout text of the extract: the words of its first line, and
/// the marks «5 (03.09 кр)» found in its lines (up to the next subject's row).
fn row_in_layout(layout: &str, subject: &str, j: &ClassJournal) -> (Vec<String>, Vec<String>) {
    let starts = |l: &str, name: &str| {
        let mut words = name.split_whitespace();
        let first = words.next().unwrap();
        let w: Vec<&str> = l.split_whitespace().collect();
        w.first() == Some(&first) && words.next().is_none_or(|second| w.get(1) == Some(&second))
    };
    let lines: Vec<&str> = layout.lines().collect();
    let at = lines
        .iter()
        .position(|l| starts(l, subject))
        .unwrap_or_else(|| panic!("no row «{subject}»:\n{layout}"));
    let end = (at + 1..lines.len())
        .find(|&k| {
            lines[k].contains("Итого")
                || j.subjects
                    .iter()
                    .any(|s| s.subject.name != subject && starts(lines[k], &s.subject.name))
        })
        .unwrap_or(lines.len());
    let mut marks = Vec::new();
    for l in &lines[at..end] {
        let w: Vec<&str> = l.split_whitespace().collect();
        for (k, word) in w.iter().enumerate() {
            let date = word
                .strip_prefix('(')
                .filter(|d| d.starts_with(|c: char| c.is_ascii_digit()));
            if let (Some(date), true) = (date, k > 0) {
                let mut m = format!("{} ({date}", w[k - 1]);
                if !date.ends_with(')') {
                    m.push(' ');
                    m.push_str(w[k + 1]);
                }
                marks.push(m);
            }
        }
    }
    (
        lines[at].split_whitespace().map(String::from).collect(),
        marks,
    )
}

/// A student of 7Б with marks and absences in the first quarter.
fn busy_student(j: &ClassJournal) -> usize {
    (0..j.students.len())
        .max_by_key(|&s| {
            (0..j.subjects.len())
                .map(|sub| q1_absences(j, sub, s)[0])
                .sum::<u32>()
        })
        .unwrap()
}

#[test]
fn the_extract_of_a_7b_student_for_q1_lists_his_marks_period_marks_and_absences() {
    let j = journal(1, 7, "Б");
    let t = Templates::builtin().unwrap();
    let s = busy_student(&j);
    let student = &j.students[s];
    let pdf = render_extract(&j, student.id, PeriodCode::Q1, &t).unwrap();
    keep("par_extract", &pdf);
    let all = text(&pdf);
    let flat = squeeze(&all);
    let layout = layout_text(&pdf);
    assert!(flat.contains(&squeeze(&student.name.full())));
    assert!(flat.contains("Выпискаизклассногожурнала"));
    assert!(flat.contains("1четверть"));
    assert!(flat.contains("Свыпискойознакомлен(а):"));
    for sub in &j.subjects {
        assert!(
            flat.contains(&squeeze(&sub.subject.name)),
            "{}",
            sub.subject.name
        );
    }
    for other in j.students.iter().filter(|o| o.id != student.id) {
        assert!(
            !flat.contains(&squeeze(&other.name.full())),
            "{} must not appear",
            other.name
        );
    }

    // Subjects with marks: their marks in date order, their period mark and absences, found
    // in the markup (the cell as one piece) and in the PDF text between the subject's name and
    // the next subject's.
    let markup = markup_extract(&j, student.id, PeriodCode::Q1, &t).unwrap();
    let mut checked = 0;
    for (i, sub) in j.subjects.iter().enumerate() {
        let marks = q1_marks(&j, i, s);
        if marks.is_empty() || checked == 3 || final_q1(&j, i, s).is_none() {
            continue;
        }
        checked += 1;
        let joined = marks.join(" ");
        let cell = joined.replace(" (", "&#160;(").replace(" кр)", "&#160;кр)");
        let cell = cell
            .replace(" пр)", "&#160;пр)")
            .replace(" лр)", "&#160;лр)");
        assert!(markup.contains(&format!("<td>{cell}</td>")), "{joined}");
        // In the PDF: the marks in this order in the subject's row, and the period mark and
        // absences at the end of the row's first line.
        let (first, found) = row_in_layout(&layout, &sub.subject.name, &j);
        assert_eq!(found, marks, "{}", sub.subject.name);
        let period = sub
            .finals
            .iter()
            .find(|f| f.kind == FinalKind::Period(PeriodCode::Q1) && f.student == student.id)
            .map(|f| f.value.to_string())
            .unwrap_or_default();
        let a = q1_absences(&j, i, s);
        let mut want: Vec<String> = vec![period.clone()];
        want.extend(a.iter().map(|x| x.to_string()));
        assert_eq!(first[first.len() - 6..], want[..], "{}", sub.subject.name);
        assert!(
            markup.contains(&format!(
                "<td align=\"center\"><b>{period}</b></td><td align=\"center\">{}</td><td align=\"center\">{}</td><td align=\"center\">{}</td><td align=\"center\">{}</td><td align=\"center\">{}</td>",
                a[0], a[1], a[2], a[3], a[4]
            )),
            "{} {period} {a:?}",
            sub.subject.name
        );
    }
    assert_eq!(checked, 3, "the student should have marks in 3 subjects");

    // The totals of absences over all subjects.
    let mut total = [0u32; 5];
    for i in 0..j.subjects.len() {
        for (t, a) in total.iter_mut().zip(q1_absences(&j, i, s)) {
            *t += a;
        }
    }
    assert!(total[0] > 0, "the busiest student missed something");
    let totals = layout
        .lines()
        .find(|l| l.trim_start().starts_with("Итого пропущено уроков"))
        .expect("a line of totals");
    let words: Vec<&str> = totals.split_whitespace().collect();
    let want: Vec<String> = total.iter().map(|x| x.to_string()).collect();
    assert_eq!(words[words.len() - 5..], want[..], "{totals}");
    let pages = page_count(&pdf);
    assert!(page_text(&pdf, pages).contains(&format!("Страница {pages} из {pages}")));
}

#[test]
fn an_extract_for_a_student_of_another_class_is_refused_in_russian() {
    let j = journal(1, 7, "Б");
    let stranger = journal(2, 5, "А").students[0].id;
    let e =
        render_extract(&j, stranger, PeriodCode::Q1, &Templates::builtin().unwrap()).unwrap_err();
    assert!(matches!(e, ReportError::Template { .. }), "{e:?}");
    assert!(e.to_string().contains("нет в списке 7Б класса"), "{e}");
}

#[test]
fn the_year_extract_shows_the_year_mark() {
    let j = journal(1, 7, "Б");
    let s = &j.students[0];
    let pdf = render_extract(&j, s.id, PeriodCode::Year, &Templates::builtin().unwrap()).unwrap();
    keep("par_extract_year", &pdf);
    let flat = squeeze(&text(&pdf));
    assert!(flat.contains("Годовая"));
    // Each subject's row has the four quarter marks and the year mark.
    let markup =
        markup_extract(&j, s.id, PeriodCode::Year, &Templates::builtin().unwrap()).unwrap();
    assert!(markup.contains("<td rowspan=\"2\" fit=\"shrink\">4 ч.</td>"));
    for sub in &j.subjects {
        let mark = |kind: FinalKind| {
            sub.finals
                .iter()
                .find(|f| f.kind == kind && f.student == s.id)
                .map(|f| f.value.to_string())
                .unwrap_or_default()
        };
        let mut cells: String = PeriodCode::QUARTERS
            .iter()
            .map(|q| format!("<td align=\"center\">{}</td>", mark(FinalKind::Period(*q))))
            .collect();
        cells.push_str(&format!(
            "<td align=\"center\"><b>{}</b></td>",
            mark(FinalKind::Year)
        ));
        assert!(markup.contains(&cells), "{}: {cells}", sub.subject.name);
    }
    assert!(flat.contains(&squeeze(&s.name.full())));
}

#[test]
fn the_markup_of_an_extract_is_as_reviewed() {
    let j = journal(1, 7, "Б");
    let markup = markup_extract(
        &j,
        j.students[0].id,
        PeriodCode::Q1,
        &Templates::builtin().unwrap(),
    )
    .unwrap();
    insta::assert_snapshot!("parents_extract_7b_q1", markup);
}

#[test]
fn the_letter_has_one_page_for_each_student_on_the_list() {
    let j = journal(1, 7, "Б");
    let on_roll: Vec<_> = j.students.iter().filter(|s| s.left().is_none()).collect();
    let pdf = render_letter(&j, &Templates::builtin().unwrap()).unwrap();
    keep("par_letter", &pdf);
    assert_eq!(page_count(&pdf), on_roll.len());
    for (p, s) in on_roll.iter().enumerate() {
        let page = squeeze(&page_text(&pdf, p + 1));
        assert!(page.contains(&squeeze(&s.name.full())), "page {}", p + 1);
        assert!(page.contains("Уважаемыеродители(законныепредставители)!"));
        assert!(page.contains(&squeeze(&j.class_teacher)));
        assert!(page.contains("выпискуизклассногожурнала"));
    }
}

#[test]
fn the_slips_carry_every_login_and_password_ten_to_a_page() {
    let j = journal(1, 7, "Б");
    let mut taken = BTreeSet::new();
    let mut credentials = Vec::new();
    for (i, s) in j.students.iter().take(12).enumerate() {
        let mut parent = PersonName {
            last: s.name.last.clone(),
            first: "Ольга".into(),
            middle: "Ивановна".into(),
        };
        if i % 2 == 1 {
            parent.first = "Сергей".into();
        }
        for (name, role) in [
            (s.name.clone(), "ученик".to_string()),
            (parent, format!("родитель ученика {}", s.name.full())),
        ] {
            let login = login_for(&name, &taken);
            taken.insert(login.clone());
            credentials.push(Credential {
                name: name.full(),
                role,
                login,
                password: format!("Pw{i}x{}", credentials.len() * 7919 % 10_000),
            });
        }
    }
    let pdf = render_slips(
        &j.school,
        "7Б",
        "https://zhurnal.example.ru",
        &credentials,
        &Templates::builtin().unwrap(),
    )
    .unwrap();
    keep("par_slips", &pdf);
    assert_eq!(page_count(&pdf), credentials.len().div_ceil(10));
    let all = text(&pdf);
    for c in &credentials {
        assert!(all.contains(&c.login), "{}", c.login);
        assert!(all.contains(&c.password), "{}", c.password);
    }
    let flat = squeeze(&all);
    assert_eq!(
        flat.matches("Непередавайтереквизитыдругимлицам").count(),
        credentials.len()
    );
    assert!(flat.contains("https://zhurnal.example.ru"));
}

#[test]
fn logins_transliterate_every_hard_letter_and_number_collisions() {
    let none = BTreeSet::new();
    let n = |last: &str, first: &str| PersonName {
        last: last.into(),
        first: first.into(),
        middle: String::new(),
    };
    for (last, first, login) in [
        ("Иванова", "Анна", "ivanova.anna"),
        ("Королёв", "Йозеф", "korolev.iozef"),
        ("Хохлов", "Цветан", "khokhlov.tsvetan"),
        ("Чащин", "Шамиль", "chashchin.shamil"),
        ("Подъячев", "Ыгыт", "podieiachev.ygyt"),
        ("Эльчин", "Юлия", "elchin.iuliia"),
        ("Ягудин", "Илья", "iagudin.ilia"),
    ] {
        assert_eq!(login_for(&n(last, first), &none), login, "{last} {first}");
    }
    let mut taken = BTreeSet::new();
    let a = login_for(&n("Иванова", "Анна"), &taken);
    taken.insert(a.clone());
    let b = login_for(&n("Иванова", "Анна"), &taken);
    taken.insert(b.clone());
    let c = login_for(&n("ИВАНОВА", "анна"), &taken);
    assert_eq!(
        (a.as_str(), b.as_str(), c.as_str()),
        ("ivanova.anna", "ivanova.anna2", "ivanova.anna3")
    );
}
