//! «Итоги успеваемости класса за период»: the class teacher's report of a period's results.
//!
//! From the period marks of every student in every subject: how many students are отличники
//! (only «5»), хорошисты («4» and «5»), have a single «3», more than one «3», any «2» or are
//! not attested (н/а), with their names; успеваемость, качество знаний, СОУ and the average
//! mark for the class and for each subject. The formulas are those of
//! [`zhurnal_domain::stats`]; the report states the base of its percentages.
//!
//! N (the base) counts the students with at least one mark that counts: a student without any
//! period mark (he left before the period ended, or arrived after) and a student exempt from
//! everything are listed as not counted, with the reason.

use crate::{ReportError, Templates};
use serde::Serialize;
use std::collections::BTreeMap;
use zhurnal_domain::stats::{categorize, Base, Category, Tally};
use zhurnal_domain::{
    FinalKind, FinalMark, MarkValue, MovementKind, PeriodCode, Student, StudentId, Subject,
};

/// The template of this report.
pub const TEMPLATE: &str = "class_results.tera";

/// What the report is made from: plain values of one class.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassReportInput {
    /// «МБОУ «Берёзовская средняя общеобразовательная школа»».
    pub school: String,
    /// «2025/2026».
    pub year: String,
    /// «7Б».
    pub class_name: String,
    /// Full name of the class teacher.
    pub class_teacher: String,
    /// The class list, in its order.
    pub students: Vec<Student>,
    /// Every subject of the class with its final marks (period, year…; the report picks the
    /// period's).
    pub subjects: Vec<(Subject, Vec<FinalMark>)>,
    pub period: PeriodCode,
}

/// The figures of the report, as the template receives them. Counts are numbers; percentages
/// and averages are also given as Russian text («84,4», «—» when there is no base).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassResults {
    pub school: String,
    pub year: String,
    pub class_name: String,
    pub class_teacher: String,
    /// «М. П. Иванова», for the signature.
    pub class_teacher_initials: String,
    /// `Q1`…`H2`, `year`.
    pub period: String,
    /// «1 четверть», «год».
    pub period_title: String,
    /// «от числа учащихся».
    pub base: String,
    /// Students in the class list.
    pub listed: usize,
    /// N.
    pub counted: u32,
    pub not_counted: Vec<StudentNote>,
    /// All six categories, in the order отличники, хорошисты, с одной «3», с «3», неуспевающие,
    /// не аттестованы.
    pub categories: Vec<CategoryRow>,
    /// Over students (N), the average over all period marks.
    pub class: Figures,
    /// Subjects with period marks, in curriculum order; N of a subject is the number of its
    /// marks that count.
    pub subjects: Vec<SubjectRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StudentNote {
    pub name: String,
    /// Why he is in the list: ««3»: Алгебра», «нет отметок за период…».
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryRow {
    /// `excellent`, `good`, `one_three`, `satisfactory`, `failing`, `not_attested`.
    pub key: String,
    pub title: String,
    pub count: u32,
    /// Share of N, «9,4».
    pub percent: String,
    pub students: Vec<StudentNote>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    pub n: u32,
    pub n5: u32,
    pub n4: u32,
    pub n3: u32,
    pub n2: u32,
    pub n_na: u32,
    pub progress: String,
    pub quality: String,
    pub sou: String,
    pub average: String,
    /// The counts behind the text, for programs.
    pub tally: Tally,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubjectRow {
    pub name: String,
    pub figures: Figures,
    /// Students exempt (осв), not counted in N.
    pub exempt: u32,
}

const CATEGORIES: [(Category, &str, &str); 6] = [
    (Category::Excellent, "excellent", "Отличники (только «5»)"),
    (Category::Good, "good", "Хорошисты («4» и «5»)"),
    (Category::OneThree, "one_three", "С одной «3»"),
    (
        Category::Satisfactory,
        "satisfactory",
        "С двумя и более «3»",
    ),
    (Category::Failing, "failing", "Неуспевающие (есть «2»)"),
    (
        Category::NotAttested,
        "not_attested",
        "Не аттестованы (н/а)",
    ),
];

/// The figures of the report.
pub fn class_results(input: &ClassReportInput) -> ClassResults {
    let kind = match input.period {
        PeriodCode::Year => FinalKind::Year,
        p => FinalKind::Period(p),
    };
    let mut subjects: Vec<&(Subject, Vec<FinalMark>)> = input.subjects.iter().collect();
    subjects.sort_by(|a, b| (a.0.order, &a.0.name).cmp(&(b.0.order, &b.0.name)));
    // The period mark of each student in each subject.
    let marks: Vec<BTreeMap<StudentId, MarkValue>> = subjects
        .iter()
        .map(|(_, finals)| {
            finals
                .iter()
                .filter(|f| f.kind == kind)
                .map(|f| (f.student, f.value))
                .collect()
        })
        .collect();

    let mut not_counted = Vec::new();
    let mut by_category: BTreeMap<usize, Vec<StudentNote>> = BTreeMap::new();
    let mut categories = Vec::new();
    let mut all_marks: Vec<MarkValue> = Vec::new();
    for s in &input.students {
        let own: Vec<(&str, MarkValue)> = subjects
            .iter()
            .zip(&marks)
            .filter_map(|((subject, _), m)| m.get(&s.id).map(|v| (subject.name.as_str(), *v)))
            .collect();
        let values: Vec<MarkValue> = own.iter().map(|(_, v)| *v).collect();
        let name = s.name.full();
        let Some(category) = categorize(&values) else {
            not_counted.push(StudentNote {
                name,
                note: if values.is_empty() {
                    no_marks_note(s)
                } else {
                    "только «осв» и «зач»: нет отметок, которые учитываются".to_string()
                },
            });
            continue;
        };
        all_marks.extend(values.iter().copied());
        categories.push(category);
        let subjects_with = |pred: &dyn Fn(MarkValue) -> bool| {
            own.iter()
                .filter(|(_, v)| pred(*v))
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let note = match category {
            Category::Excellent | Category::Good => String::new(),
            Category::OneThree | Category::Satisfactory => {
                format!("«3»: {}", subjects_with(&|v| v == MarkValue::Grade(3)))
            }
            Category::Failing => format!(
                "«2»: {}",
                subjects_with(
                    &|v| matches!(v, MarkValue::Grade(g) if g <= 2) || v == MarkValue::Fail
                )
            ),
            Category::NotAttested => {
                format!("н/а: {}", subjects_with(&|v| v == MarkValue::NotAttested))
            }
        };
        let index = CATEGORIES
            .iter()
            .position(|(c, _, _)| *c == category)
            .expect("every category is listed");
        by_category
            .entry(index)
            .or_default()
            .push(StudentNote { name, note });
    }
    let class_tally = Tally::of_categories(&categories);
    let average = Tally::of_marks(&all_marks).average();
    let n = class_tally.n;
    let rows = CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, (_, key, title))| {
            let students = by_category.remove(&i).unwrap_or_default();
            let count = students.len() as u32;
            CategoryRow {
                key: key.to_string(),
                title: title.to_string(),
                count,
                percent: percent((n > 0).then(|| f64::from(count) * 100.0 / f64::from(n))),
                students,
            }
        })
        .collect();
    let subject_rows = subjects
        .iter()
        .zip(&marks)
        .filter(|(_, m)| !m.is_empty())
        .map(|((subject, _), m)| {
            let tally = Tally::of_marks(m.values());
            let average = tally.average();
            SubjectRow {
                name: subject.name.clone(),
                exempt: m.values().filter(|v| **v == MarkValue::Exempt).count() as u32,
                figures: figures(tally, average),
            }
        })
        .collect();
    ClassResults {
        school: input.school.clone(),
        year: input.year.clone(),
        class_name: input.class_name.clone(),
        class_teacher: input.class_teacher.clone(),
        class_teacher_initials: initials_first(&input.class_teacher),
        period: input.period.as_str().to_string(),
        period_title: input.period.title_ru().to_string(),
        base: Base::Students.title_ru().to_string(),
        listed: input.students.len(),
        counted: n,
        not_counted,
        categories: rows,
        class: figures(class_tally, average),
        subjects: subject_rows,
    }
}

/// The report as layout markup (what the template wrote).
pub fn markup_class_results(
    input: &ClassReportInput,
    templates: &Templates,
) -> Result<String, ReportError> {
    let context =
        tera::Context::from_serialize(class_results(input)).map_err(|e| ReportError::Template {
            name: TEMPLATE.to_string(),
            message: e.to_string(),
        })?;
    templates.render(TEMPLATE, &context)
}

/// The report as a PDF file.
pub fn render_class_results(
    input: &ClassReportInput,
    templates: &Templates,
) -> Result<Vec<u8>, ReportError> {
    let markup = markup_class_results(input, templates)?;
    crate::render_template_markup(TEMPLATE, &markup)
}

fn figures(tally: Tally, average: Option<f64>) -> Figures {
    Figures {
        n: tally.n,
        n5: tally.n5,
        n4: tally.n4,
        n3: tally.n3,
        n2: tally.n2,
        n_na: tally.n_na,
        progress: percent(tally.progress()),
        quality: percent(tally.quality()),
        sou: percent(tally.sou()),
        average: average.map_or_else(|| "—".to_string(), |a| decimal(a, 2)),
        tally,
    }
}

/// «84,4»; «—» without a base.
pub fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |x| decimal(x, 1))
}

/// A number with a decimal comma.
pub fn decimal(x: f64, places: usize) -> String {
    format!("{x:.places$}").replace('.', ",")
}

fn no_marks_note(s: &Student) -> String {
    let mut note = "нет отметок за период".to_string();
    for m in &s.movements {
        // Nouns, not the domain's «выбыл»: the verb would need the student's gender.
        let what = match m.kind {
            MovementKind::Arrival => "прибытие",
            MovementKind::Departure => "выбытие",
            MovementKind::Transfer => "перевод",
        };
        note.push_str(&format!("; {what} {}", m.date.format("%d.%m.%Y")));
        if !m.order_no.is_empty() {
            note.push_str(&format!(", приказ № {}", m.order_no));
        }
    }
    note
}

/// «Иванова Мария Петровна» → «М. П. Иванова», as under a signature.
pub fn initials_first(full: &str) -> String {
    let parts: Vec<&str> = full.split_whitespace().collect();
    match parts.as_slice() {
        [] => String::new(),
        [last] => last.to_string(),
        [last, rest @ ..] => {
            let initials: Vec<String> = rest
                .iter()
                .filter_map(|p| p.chars().next())
                .map(|c| format!("{c}."))
                .collect();
            format!("{} {last}", initials.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhurnal_domain::{PersonName, SubjectId};

    fn student(b: u8, last: &str) -> Student {
        Student {
            id: StudentId::from_bytes([b; 16]),
            name: PersonName {
                last: last.into(),
                first: "Анна".into(),
                middle: String::new(),
            },
            birth_date: None,
            movements: vec![],
            subgroups: BTreeMap::new(),
        }
    }

    fn subject(b: u8, name: &str, marks: &[(u8, MarkValue)]) -> (Subject, Vec<FinalMark>) {
        (
            Subject {
                id: SubjectId::from_bytes([b; 16]),
                name: name.into(),
                order: b as u32,
            },
            marks
                .iter()
                .map(|(s, v)| FinalMark {
                    kind: FinalKind::Period(PeriodCode::Q1),
                    student: StudentId::from_bytes([*s; 16]),
                    value: *v,
                })
                .collect(),
        )
    }

    #[test]
    fn four_students_fall_into_categories_with_their_subjects() {
        use MarkValue::*;
        let input = ClassReportInput {
            school: "Школа".into(),
            year: "2025/2026".into(),
            class_name: "7Б".into(),
            class_teacher: "Иванова Мария Петровна".into(),
            students: vec![
                student(1, "Агапова"),
                student(2, "Борисова"),
                student(3, "Волкова"),
                student(4, "Громова"),
                student(5, "Даль"),
            ],
            subjects: vec![
                subject(
                    2,
                    "Физика",
                    &[(1, Grade(5)), (2, Grade(3)), (3, Grade(2)), (4, Exempt)],
                ),
                subject(
                    1,
                    "Алгебра",
                    &[(1, Grade(5)), (2, Grade(4)), (3, Grade(3)), (4, Exempt)],
                ),
            ],
            period: PeriodCode::Q1,
        };
        let r = class_results(&input);
        assert_eq!(r.counted, 3);
        assert_eq!(r.class_teacher_initials, "М. П. Иванова");
        assert_eq!(r.not_counted.len(), 2);
        assert!(r.not_counted[1].note.starts_with("нет отметок"));
        let count = |key: &str| r.categories.iter().find(|c| c.key == key).unwrap().count;
        assert_eq!(
            (count("excellent"), count("one_three"), count("failing")),
            (1, 1, 1)
        );
        let failing = &r.categories[4].students[0];
        assert_eq!(
            (failing.name.as_str(), failing.note.as_str()),
            ("Волкова Анна", "«2»: Физика")
        );
        // Subjects in curriculum order; Физика: 5, 3, 2 over N = 3.
        assert_eq!(r.subjects[0].name, "Алгебра");
        let physics = &r.subjects[1].figures;
        assert_eq!((physics.n, physics.progress.as_str()), (3, "66,7"));
        assert_eq!(r.subjects[1].exempt, 1);
        // Class: 1 + 1 + 1 over 3 students → успеваемость 66,7; average (5+5+3+4+2+3)/6.
        assert_eq!(r.class.progress, "66,7");
        assert_eq!(r.class.average, "3,67");
    }
}
