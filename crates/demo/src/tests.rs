use super::*;
use chrono::Datelike;
use std::sync::OnceLock;
use zhurnal_domain::stats::suggest_period_mark;
use zhurnal_domain::{Attendance, CellInput, Mark, MarkValue, Marks};

/// The default school for seed 1, generated once for all tests.
fn school() -> &'static DemoSchool {
    static SCHOOL: OnceLock<DemoSchool> = OnceLock::new();
    SCHOOL.get_or_init(|| generate(1))
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn small(classes: &[(u8, &str)]) -> DemoOptions {
    DemoOptions {
        classes: classes.iter().map(|(g, l)| (*g, l.to_string())).collect(),
        ..DemoOptions::default()
    }
}

fn all_lessons(s: &DemoSchool) -> impl Iterator<Item = (&DemoClass, &DemoJournal, &Lesson)> {
    s.classes.iter().flat_map(|c| {
        c.journals
            .iter()
            .flat_map(move |j| j.lessons.iter().map(move |l| (c, j, l)))
    })
}

#[test]
fn the_same_seed_gives_the_same_school_and_another_seed_another() {
    assert_eq!(&generate(1), school());
    let opts = small(&[(3, "А"), (8, "А")]);
    let a = generate_with(7, &opts);
    assert_eq!(a, generate_with(7, &opts));
    let b = generate_with(8, &opts);
    assert_ne!(a, b);
    assert_ne!(a.classes[0].students[0].id, b.classes[0].students[0].id);
}

#[test]
fn classes_have_25_to_32_students_and_7b_has_32() {
    let s = school();
    let names: Vec<String> = s.classes.iter().map(|c| c.class.name()).collect();
    assert_eq!(
        names,
        ["2А", "3А", "4Б", "5А", "6А", "7Б", "8А", "9А", "10А", "11А"]
    );
    for c in &s.classes {
        let n = c.students.len();
        assert!((25..=32).contains(&n), "{}: {n}", c.class.name());
        assert_eq!(c.personal.len(), n);
        for (st, (id, _)) in c.students.iter().zip(&c.personal) {
            assert_eq!(st.id, *id);
        }
        if c.class.name() != "7Б" {
            assert!(n < 32, "{} is not smaller than 7Б", c.class.name());
        }
    }
    let largest = s.class("7Б").unwrap();
    assert_eq!(largest.students.len(), 32);
    assert!(largest.students.iter().all(|st| st.movements.is_empty()));
}

#[test]
fn students_are_alphabetical_unique_and_agree_in_gender() {
    for c in &school().classes {
        let keys: Vec<String> = c.students.iter().map(|s| s.name.sort_key()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{} is not alphabetical", c.class.name());
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len(), "{} has namesakes", c.class.name());
        for s in &c.students {
            let n = &s.name;
            assert!(!n.middle.is_empty(), "{n}");
            if n.middle.ends_with("вна") || n.middle.ends_with("чна") {
                assert!(
                    ["ова", "ева", "ина", "ая"]
                        .iter()
                        .any(|e| n.last.ends_with(e)),
                    "{n}"
                );
            } else {
                assert!(n.middle.ends_with("ич"), "{n}");
                assert!(
                    ["ов", "ев", "ин", "ий", "ой"]
                        .iter()
                        .any(|e| n.last.ends_with(e)),
                    "{n}"
                );
            }
        }
    }
}

#[test]
fn birth_dates_fit_the_grade() {
    let s = school();
    for c in &s.classes {
        for st in &c.students {
            let born = st.birth_date.unwrap();
            let age = 2025 - born.year();
            let g = c.class.grade as i32;
            assert!(
                (g + 5..=g + 8).contains(&age),
                "{} in {}: born {born}",
                st.name,
                c.class.name()
            );
        }
    }
}

#[test]
fn staff_has_admin_deputy_and_teachers_with_proper_roles() {
    let s = school();
    assert_eq!(s.staff_with_role(Role::Admin).count(), 1);
    assert_eq!(s.staff_with_role(Role::Deputy).count(), 1);
    let teachers = s.staff_with_role(Role::SubjectTeacher).count();
    assert!((15..=20).contains(&teachers), "{teachers} teachers");
    let class_teachers: BTreeSet<StaffId> = s
        .classes
        .iter()
        .map(|c| c.class.class_teacher.unwrap())
        .collect();
    assert_eq!(class_teachers.len(), s.classes.len());
    for st in &s.staff {
        assert_eq!(
            st.roles.contains(&Role::ClassTeacher),
            class_teachers.contains(&st.id),
            "{}",
            st.name
        );
        assert!(!st.name.middle.is_empty());
    }
    let full: BTreeSet<String> = s.staff.iter().map(|t| t.name.full()).collect();
    assert_eq!(full.len(), s.staff.len());
    // Every class subject is taught by a subject teacher; split subjects by two.
    for c in &s.classes {
        for cs in &c.class.subjects {
            let t = s.staff_member(cs.teacher).unwrap();
            assert!(t.roles.contains(&Role::SubjectTeacher));
            if !cs.subgroup_teachers.is_empty() {
                assert_eq!(cs.subgroup_teachers.len(), 2);
                assert_ne!(cs.subgroup_teachers[0], cs.subgroup_teachers[1]);
                assert_eq!(cs.subgroup_teachers[0], cs.teacher);
            }
        }
    }
}

#[test]
fn subjects_follow_the_curriculum() {
    let s = school();
    let orders: Vec<u32> = s.subjects.iter().map(|x| x.order).collect();
    let mut sorted = orders.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(orders, sorted);
    let names = |class: &str| -> Vec<String> {
        s.class(class)
            .unwrap()
            .class
            .subjects
            .iter()
            .map(|cs| s.subject(cs.subject).unwrap().name.clone())
            .collect()
    };
    let second = names("2А");
    assert!(second.contains(&"Литературное чтение".to_string()));
    assert!(second.contains(&"Окружающий мир".to_string()));
    assert!(!second.contains(&"История".to_string()));
    let seventh = names("7Б");
    for n in ["Алгебра", "Геометрия", "Физика", "Информатика"] {
        assert!(seventh.contains(&n.to_string()), "7Б lacks {n}");
    }
    assert!(!seventh.contains(&"Химия".to_string()));
    assert!(names("8А").contains(&"Химия".to_string()));
    assert!(names("5А").contains(&"Математика".to_string()));
    assert!(!names("5А").contains(&"Алгебра".to_string()));
}

#[test]
fn timetables_respect_hours_days_and_teachers() {
    let s = school();
    let mut busy: BTreeMap<(StaffId, u8, u8), String> = BTreeMap::new();
    for c in &s.classes {
        let grade = c.class.grade;
        for cs in &c.class.subjects {
            let subj = *Subj::ALL
                .iter()
                .find(|x| x.name() == s.subject(cs.subject).unwrap().name)
                .unwrap();
            let slots: Vec<&zhurnal_domain::TimetableSlot> = c
                .class
                .timetable
                .iter()
                .filter(|t| t.subject == cs.subject)
                .collect();
            let groups = if cs.subgroup_teachers.is_empty() {
                1
            } else {
                2
            };
            assert_eq!(slots.len(), subj.hours(grade) as usize * groups);
        }
        for day in 1..=5u8 {
            let mut numbers: Vec<u8> = c
                .class
                .timetable
                .iter()
                .filter(|t| t.weekday == day)
                .map(|t| t.number)
                .collect();
            numbers.dedup();
            let n = numbers.len() as u8;
            assert_eq!(numbers, (1..=n).collect::<Vec<_>>(), "gaps in the day");
            if grade >= 5 {
                assert!((5..=7).contains(&n), "{} day {day}: {n}", c.class.name());
            } else {
                assert!((4..=5).contains(&n), "{} day {day}: {n}", c.class.name());
            }
        }
        for t in &c.class.timetable {
            let cs = c.class.teaches(t.subject).unwrap();
            let teacher = match t.subgroup {
                Some(g) => cs.subgroup_teachers[g as usize - 1],
                None => cs.teacher,
            };
            if let Some(other) = busy.insert((teacher, t.weekday, t.number), c.class.name()) {
                panic!("teacher in {other} and {} at once", c.class.name());
            }
        }
    }
}

#[test]
fn lessons_come_from_the_timetable_on_school_days() {
    let s = school();
    let mut ids = BTreeSet::new();
    for (c, j, l) in all_lessons(s) {
        assert!(ids.insert(l.id), "duplicate lesson id");
        assert!(s.calendar.is_school_day(l.date, false));
        let weekday = l.date.weekday().number_from_monday() as u8;
        assert!(c.class.timetable.iter().any(|t| t.weekday == weekday
            && t.number == l.number
            && t.subject == j.subject
            && t.subgroup == l.subgroup));
        let cs = c.class.teaches(j.subject).unwrap();
        let teacher = match l.subgroup {
            Some(g) => cs.subgroup_teachers[g as usize - 1],
            None => cs.teacher,
        };
        assert_eq!(l.teacher, Some(teacher));
    }
    for c in &s.classes {
        for j in &c.journals {
            let keys: Vec<_> = j
                .lessons
                .iter()
                .map(|l| (l.date, l.number, l.subgroup))
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(keys, sorted);
            assert!(j.lessons.first().unwrap().date <= d(2025, 9, 5));
            assert!(j.lessons.last().unwrap().date >= d(2026, 5, 18));
        }
    }
}

#[test]
fn split_lessons_belong_to_one_subgroup() {
    let s = school();
    let mut split_lessons = 0;
    for (c, j, l) in all_lessons(s) {
        let split = !c
            .class
            .teaches(j.subject)
            .unwrap()
            .subgroup_teachers
            .is_empty();
        assert_eq!(split, l.subgroup.is_some());
        if let Some(g) = l.subgroup {
            split_lessons += 1;
            for id in l.marks.keys().chain(l.attendance.keys()) {
                let st = c.student(*id).unwrap();
                assert_eq!(st.subgroups.get(&j.subject), Some(&g));
            }
        }
    }
    assert!(split_lessons > 1000);
    for c in &s.classes {
        for cs in c
            .class
            .subjects
            .iter()
            .filter(|cs| !cs.subgroup_teachers.is_empty())
        {
            for st in &c.students {
                assert!(matches!(st.subgroups.get(&cs.subject), Some(1 | 2)));
            }
        }
    }
}

#[test]
fn absent_students_have_no_marks_and_cells_are_valid() {
    for (_, _, l) in all_lessons(school()) {
        for (id, a) in &l.attendance {
            if a.is_missed() {
                assert!(!l.marks.contains_key(id), "a mark beside {a}");
            }
        }
        for (id, m) in &l.marks {
            assert!(!m.is_empty() && m.0.len() <= Marks::MAX);
            let input = CellInput {
                marks: m.clone(),
                attendance: l.attendance.get(id).copied(),
            };
            assert_eq!(CellInput::parse(&input.display()).unwrap(), {
                let mut plain = input.clone();
                plain.marks = Marks(m.0.iter().map(|x| Mark::plain(x.value)).collect());
                plain
            });
            for mark in &m.0 {
                assert_eq!(mark.weight, None);
            }
        }
        if !l.attendance_taken {
            assert!(l.attendance.is_empty());
        }
    }
}

#[test]
fn nobody_has_entries_while_off_the_roll() {
    let s = school();
    for (c, _, l) in all_lessons(s) {
        for id in l.marks.keys().chain(l.attendance.keys()) {
            let st = c.student(*id).unwrap();
            assert!(st.on_roll(l.date), "{} on {}", st.name, l.date);
        }
    }
}

#[test]
fn students_arrive_leave_and_are_transferred() {
    let s = school();
    let kinds: Vec<(MovementKind, &DemoClass, &Student)> = s
        .classes
        .iter()
        .flat_map(|c| {
            c.students
                .iter()
                .flat_map(move |st| st.movements.iter().map(move |m| (m.kind, c, st)))
        })
        .collect();
    for kind in [
        MovementKind::Arrival,
        MovementKind::Departure,
        MovementKind::Transfer,
    ] {
        assert!(kinds.iter().any(|(k, _, _)| *k == kind), "no {kind:?}");
    }
    for c in &s.classes {
        for st in &c.students {
            for m in &st.movements {
                assert!(m.order_no.ends_with("-у"), "{}", m.order_no);
                assert!(!m.place.is_empty());
                assert!(s.calendar.is_school_day(m.date, false));
            }
        }
    }
    // A newcomer has marks after arriving, a leaver before leaving.
    for (kind, c, st) in &kinds {
        let has_marks = c
            .journals
            .iter()
            .flat_map(|j| &j.lessons)
            .any(|l| l.marks.contains_key(&st.id));
        assert!(has_marks, "{kind:?} {} has no marks", st.name);
    }
}

#[test]
fn finals_cover_the_students_on_roll_by_the_period_scheme() {
    let s = school();
    for c in &s.classes {
        let periods = s.calendar.periods(c.scheme());
        let expected: BTreeSet<&str> = periods
            .iter()
            .map(|p| p.code.as_str())
            .chain(["year"])
            .collect();
        for j in &c.journals {
            let kinds: BTreeSet<&str> = j.finals.iter().map(|f| f.kind.key()).collect();
            assert_eq!(kinds, expected, "{}", c.class.name());
            for p in periods {
                let got: BTreeSet<StudentId> = j
                    .finals
                    .iter()
                    .filter(|f| f.kind == FinalKind::Period(p.code))
                    .map(|f| f.student)
                    .collect();
                let want: BTreeSet<StudentId> = c
                    .students
                    .iter()
                    .filter(|st| st.on_roll(p.end))
                    .map(|st| st.id)
                    .collect();
                assert_eq!(got, want);
            }
        }
    }
    let ten = s.class("10А").unwrap();
    assert!(ten.journals[0]
        .finals
        .iter()
        .any(|f| f.kind == FinalKind::Period(PeriodCode::H2)));
    let seven = s.class("7Б").unwrap();
    assert!(seven.journals[0]
        .finals
        .iter()
        .any(|f| f.kind == FinalKind::Period(PeriodCode::Q4)));
}

#[test]
fn period_marks_mostly_follow_the_suggestion() {
    let s = school();
    let (mut same, mut total, mut exempt) = (0, 0, 0);
    for c in &s.classes {
        let periods = s.calendar.periods(c.scheme());
        for j in &c.journals {
            for f in &j.finals {
                let FinalKind::Period(code) = f.kind else {
                    continue;
                };
                let p = periods.iter().find(|p| p.code == code).unwrap();
                let marks: Vec<&Mark> = j
                    .lessons
                    .iter()
                    .filter(|l| p.contains(l.date))
                    .filter_map(|l| l.marks.get(&f.student))
                    .flat_map(|m| &m.0)
                    .collect();
                let suggestion = suggest_period_mark(marks, &s.settings);
                total += 1;
                if suggestion.mark == f.value {
                    same += 1;
                } else {
                    let (MarkValue::Grade(a), MarkValue::Grade(b)) = (suggestion.mark, f.value)
                    else {
                        panic!("{:?} instead of {:?}", f.value, suggestion.mark);
                    };
                    assert_eq!(a.abs_diff(b), 1);
                }
                if f.value == MarkValue::Exempt {
                    exempt += 1;
                }
            }
        }
    }
    assert!(same * 100 >= total * 80, "{same} of {total}");
    assert!(same < total, "the teacher never decides otherwise");
    assert_eq!(exempt, 1);
}

#[test]
fn the_journal_looks_lived_in() {
    let s = school();
    let (mut lessons, mut no_topic, mut no_attendance, mut control) = (0, 0, 0, 0);
    let (mut places, mut missed, mut present, mut marked) = (0usize, 0usize, 0usize, 0usize);
    let mut codes = BTreeMap::new();
    let mut grades = [0usize; 6];
    for (c, j, l) in all_lessons(s) {
        lessons += 1;
        no_topic += l.topic.is_empty() as usize;
        no_attendance += !l.attendance_taken as usize;
        if l.topic.starts_with("Контрольная работа № ") {
            control += 1;
            assert!(l
                .marks
                .values()
                .all(|m| m.0.iter().all(|x| x.work.as_deref() == Some("кр"))));
        }
        for a in l.attendance.values() {
            *codes.entry(*a).or_insert(0) += 1;
        }
        for m in l.marks.values().flat_map(|m| &m.0) {
            if let MarkValue::Grade(g) = m.value {
                grades[g as usize] += 1;
            }
        }
        if !l.attendance_taken {
            continue;
        }
        for st in c.students.iter().filter(|st| {
            st.on_roll(l.date)
                && (l.subgroup.is_none() || st.subgroups.get(&j.subject) == l.subgroup.as_ref())
        }) {
            places += 1;
            match l.attendance.get(&st.id) {
                Some(a) if a.is_missed() => missed += 1,
                _ => {
                    present += 1;
                    marked += l.marks.contains_key(&st.id) as usize;
                }
            }
        }
    }
    let share = |a: usize, b: usize| a as f64 / b as f64;
    assert!(
        (0.005..0.03).contains(&share(no_topic, lessons)),
        "{no_topic}"
    );
    assert!(
        (0.005..0.03).contains(&share(no_attendance, lessons)),
        "{no_attendance}"
    );
    assert!(control > 300, "{control} control works");
    assert!(
        (0.05..0.08).contains(&share(missed, places)),
        "absences {missed} of {places}"
    );
    assert!(
        (0.15..0.35).contains(&share(marked, present)),
        "marks {marked} of {present}"
    );
    // Illness dominates; late arrivals are rare.
    assert!(codes[&Attendance::Ill] > codes[&Attendance::Excused] + codes[&Attendance::Absent]);
    assert!(codes[&Attendance::Late] < codes[&Attendance::Excused]);
    assert!(grades[2] > 0 && grades[2] < grades[3] && grades[3] < grades[4]);
    // A topic has several lessons: Physics in 7Б does not start revising before May.
    let seven = s.class("7Б").unwrap();
    let physics = s.subject_named("Физика").unwrap().id;
    let first_review = seven
        .journal(physics)
        .unwrap()
        .lessons
        .iter()
        .find(|l| l.topic.starts_with("Повторение"))
        .map(|l| l.date);
    assert!(
        first_review.is_none_or(|d| d.month() >= 5),
        "{first_review:?}"
    );
}

#[test]
fn illness_keeps_a_student_home_for_whole_days() {
    // Find a student ill (Б) in every lesson he had on some day, for at least two days in a
    // row.
    let s = school();
    let c = s.class("7Б").unwrap();
    let mut days: BTreeMap<(StudentId, NaiveDate), (usize, usize)> = BTreeMap::new();
    for j in &c.journals {
        for l in j.lessons.iter().filter(|l| l.attendance_taken) {
            for st in &c.students {
                if l.subgroup.is_some() && st.subgroups.get(&j.subject) != l.subgroup.as_ref() {
                    continue;
                }
                let e = days.entry((st.id, l.date)).or_default();
                e.0 += 1;
                e.1 += (l.attendance.get(&st.id) == Some(&Attendance::Ill)) as usize;
            }
        }
    }
    let whole: Vec<(StudentId, NaiveDate)> = days
        .iter()
        .filter(|(_, (all, ill))| all == ill)
        .map(|(k, _)| *k)
        .collect();
    let runs = whole
        .windows(2)
        .filter(|w| w[0].0 == w[1].0 && (w[1].1 - w[0].1).num_days() <= 3)
        .count();
    assert!(runs > 20, "{runs}");
}

#[test]
fn personal_files_are_complete() {
    let s = school();
    let mut consent = BTreeMap::new();
    for c in &s.classes {
        for (id, p) in &c.personal {
            assert!(c.student(*id).is_some());
            assert!(p.address.contains("ул.") || p.address.contains("пер."));
            assert!(!p.parents.is_empty() && p.parents.len() <= 2);
            for parent in &p.parents {
                assert!(parent.phone.starts_with("+7 9"), "{}", parent.phone);
                assert!(!parent.workplace.is_empty() && !parent.relation.is_empty());
                assert!(!parent.name.middle.is_empty());
            }
            *consent.entry(p.consent).or_insert(0) += 1;
        }
    }
    assert_eq!(consent.get(&Some(false)), Some(&2));
    assert_eq!(consent.get(&None), Some(&1));
}

#[test]
fn a_school_until_a_day_is_the_full_school_cut_at_that_day() {
    let until = d(2025, 12, 10);
    let cut = generate_with(1, &DemoOptions::until(until));
    let full = school();
    assert_eq!(cut.staff, full.staff);
    for (a, b) in cut.classes.iter().zip(&full.classes) {
        assert_eq!(a.class, b.class);
        let kept: Vec<&Student> = b
            .students
            .iter()
            .filter(|s| s.arrived().is_none_or(|d| d <= until))
            .collect();
        assert_eq!(a.students.len(), kept.len());
        for (ja, jb) in a.journals.iter().zip(&b.journals) {
            let before: Vec<&Lesson> = jb.lessons.iter().filter(|l| l.date <= until).collect();
            assert_eq!(ja.lessons.iter().collect::<Vec<_>>(), before);
            for f in &ja.finals {
                match f.kind {
                    FinalKind::Period(PeriodCode::Q1) => {}
                    other => panic!("{other:?} before it ended"),
                }
            }
            if a.class.grade <= 9 {
                assert!(!ja.finals.is_empty());
            } else {
                assert!(ja.finals.is_empty());
            }
        }
        for st in &a.students {
            assert!(st.movements.iter().all(|m| m.date <= until));
        }
    }
}

#[test]
fn small_option_sets_work() {
    let opts = DemoOptions {
        classes: vec![(5, "А".into()), (5, "Б".into())],
        until: Some(d(2025, 9, 30)),
        ..DemoOptions::default()
    };
    let s = generate_with(3, &opts);
    assert_eq!(s.classes.len(), 2);
    assert!(s.subjects.iter().all(|x| x.name != "Физика"));
    for (_, _, l) in all_lessons(&s) {
        assert!(l.date <= d(2025, 9, 30));
    }
    let only_7b = generate_with(3, &small(&[(7, "Б")]));
    assert_eq!(only_7b.classes[0].students.len(), 32);
}

#[test]
fn a_transfer_between_generated_classes_keeps_the_student() {
    let s = generate_with(5, &small(&[(5, "А"), (5, "Б")]));
    let (from, student, out) = s
        .classes
        .iter()
        .find_map(|c| {
            c.students.iter().find_map(|st| {
                st.movements
                    .iter()
                    .find(|m| m.kind == MovementKind::Transfer)
                    .map(|m| (c, st, m))
            })
        })
        .expect("a transfer");
    let to = s
        .classes
        .iter()
        .find(|c| c.class.id != from.class.id)
        .unwrap();
    assert_eq!(out.place, format!("{} класс", to.class.name()));
    let there = to
        .student(student.id)
        .expect("the same student in the other class");
    assert_eq!(there.name, student.name);
    assert_eq!(there.arrived(), Some(out.date));
    assert_eq!(there.movements[0].order_no, out.order_no);
    assert!(to.personal_of(student.id).is_some());
    for c in [from, to] {
        let st = c.student(student.id).unwrap();
        for j in &c.journals {
            for l in &j.lessons {
                if l.marks.contains_key(&st.id) || l.attendance.contains_key(&st.id) {
                    assert!(st.on_roll(l.date));
                }
            }
        }
    }
    assert_eq!(
        s.totals().students,
        from.students.len() + to.students.len() - 1
    );
}
