use zhurnal_demo::{generate_with, DemoOptions};
use zhurnal_domain::PeriodCode;
use zhurnal_reports::class_results::ClassReportInput;
use zhurnal_reports::{ClassJournal, SubjectJournal};

/// 7Б of the demo school (32 students, the largest class) for `period`.
pub fn class_7b(seed: u64, period: PeriodCode) -> ClassReportInput {
    class(seed, 7, "Б", period)
}

/// A class of the demo school for `period`, as the app would pass it.
pub fn class(seed: u64, grade: u8, letter: &str, period: PeriodCode) -> ClassReportInput {
    let school = generate_with(
        seed,
        &DemoOptions {
            classes: vec![(grade, letter.to_string())],
            ..Default::default()
        },
    );
    let c = &school.classes[0];
    let teacher = c
        .class
        .class_teacher
        .and_then(|id| school.staff_member(id))
        .map(|s| s.name.full())
        .unwrap_or_default();
    ClassReportInput {
        school: school.name.clone(),
        year: school.calendar.label(),
        class_name: c.class.name(),
        class_teacher: teacher,
        students: c.students.clone(),
        subjects: c
            .journals
            .iter()
            .map(|j| (school.subject(j.subject).unwrap().clone(), j.finals.clone()))
            .collect(),
        period,
    }
}

/// The whole year's journal of a demo class (`7, "Б"`: 32 students, 16 subjects), as the service
/// gathers it from the store. Shared by every document's tests: add helpers elsewhere.
pub fn journal(seed: u64, grade: u8, letter: &str) -> ClassJournal {
    let school = generate_with(
        seed,
        &DemoOptions {
            classes: vec![(grade, letter.to_string())],
            ..Default::default()
        },
    );
    let c = &school.classes[0];
    let name = |id| {
        school
            .staff_member(id)
            .map(|s| s.name.full())
            .unwrap_or_default()
    };
    let mut subjects: Vec<SubjectJournal> = c
        .journals
        .iter()
        .map(|j| SubjectJournal {
            subject: school.subject(j.subject).unwrap().clone(),
            teacher: c
                .class
                .teaches(j.subject)
                .map(|t| name(t.teacher))
                .unwrap_or_default(),
            lessons: j.lessons.clone(),
            finals: j.finals.clone(),
        })
        .collect();
    subjects.sort_by_key(|s| (s.subject.order, s.subject.name.clone()));
    ClassJournal {
        school: school.name.clone(),
        director: school.director.full(),
        year: school.calendar.label(),
        calendar: school.calendar.clone(),
        settings: school.settings.clone(),
        class: c.class.clone(),
        class_teacher: c.class.class_teacher.map(name).unwrap_or_default(),
        students: c.students.clone(),
        subjects,
        staff: school.staff.iter().map(|s| (s.id, s.name.full())).collect(),
    }
}
