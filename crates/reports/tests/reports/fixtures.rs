use zhurnal_demo::{generate_with, DemoOptions};
use zhurnal_domain::PeriodCode;
use zhurnal_reports::class_results::ClassReportInput;

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
