//! `zhurnal dump`: the journal of a class as JSON, for scripts and tests.
//!
//! The format (`"format": "zhurnal-dump/1"`) is stable: fields are only ever added. Students
//! are in class-list order, subjects in curriculum order, lessons by date and number; maps are
//! keyed by student id and sorted. A mark cell is its stored form (`"5 4:кр"`: marks separated
//! by spaces, `:work type`, `*weight`); attendance is one of `Н`, `Б`, `У`, `О`. See
//! `docs/dump-format.md`.

use crate::{Result, Zhurnal};
use serde::Serialize;
use std::collections::BTreeMap;
use zhurnal_domain::PeriodScheme;
use zhurnal_journal::{journal, Conflict, DocId};

pub const DUMP_FORMAT: &str = "zhurnal-dump/1";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassDump {
    pub format: &'static str,
    pub school: String,
    /// "2025/2026".
    pub year: String,
    pub class: ClassInfo,
    pub students: Vec<StudentDump>,
    pub subjects: Vec<SubjectDump>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassInfo {
    pub id: String,
    pub name: String,
    pub grade: u8,
    pub class_teacher: Option<String>,
    /// Marking periods of the class: `Q1`–`Q4` or `H1`, `H2`.
    pub periods: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MovementDump {
    pub kind: String,
    pub date: String,
    pub order_no: String,
    pub place: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StudentDump {
    pub id: String,
    pub name: String,
    pub birth_date: Option<String>,
    /// Subgroup per split subject (by subject name).
    pub subgroups: BTreeMap<String, u8>,
    pub movements: Vec<MovementDump>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LessonDump {
    pub id: String,
    pub date: String,
    pub number: u8,
    pub subgroup: Option<u8>,
    pub topic: String,
    pub homework: String,
    pub teacher: Option<String>,
    pub attendance_taken: bool,
    pub marks: BTreeMap<String, String>,
    pub attendance: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubjectDump {
    pub id: String,
    pub name: String,
    pub teacher: Option<String>,
    pub subgroup_teachers: Vec<String>,
    pub lessons: Vec<LessonDump>,
    /// Final marks by kind (`Q1`…, `H1`, `H2`, `year`, `exam`, `final`), then student id.
    pub finals: BTreeMap<String, BTreeMap<String, String>>,
    /// Cells holding concurrent values that nobody has chosen between yet.
    pub conflicts: Vec<Conflict>,
}

pub(crate) fn dump(z: &mut Zhurnal, class_name: &str, subject: Option<&str>) -> Result<ClassDump> {
    let school = z.school()?;
    let class = z.class(class_name)?;
    let only = subject.map(|s| z.subject_of(&class, s)).transpose()?;
    let staff_name = |id| school.staff_member(id).map(|s| s.name.full());
    let students = z
        .students(&class)?
        .into_iter()
        .map(|s| StudentDump {
            id: s.id.to_string(),
            name: s.name.full(),
            birth_date: s.birth_date.map(|d| d.to_string()),
            subgroups: s
                .subgroups
                .iter()
                .filter_map(|(subj, g)| school.subject(*subj).map(|x| (x.name.clone(), *g)))
                .collect(),
            movements: s
                .movements
                .iter()
                .map(|m| MovementDump {
                    kind: format!("{:?}", m.kind).to_lowercase(),
                    date: m.date.to_string(),
                    order_no: m.order_no.clone(),
                    place: m.place.clone(),
                })
                .collect(),
        })
        .collect();
    let mut subjects = Vec::new();
    for s in &school.subjects {
        let Some(taught) = class.teaches(s.id) else {
            continue;
        };
        if only.as_ref().is_some_and(|o| o.id != s.id) {
            continue;
        }
        let year = z.year();
        let doc = z.store().doc(DocId::journal(year, class.id, s.id))?;
        let lessons = journal::lessons(doc)?
            .into_iter()
            .map(|l| LessonDump {
                id: l.id.to_string(),
                date: l.date.to_string(),
                number: l.number,
                subgroup: l.subgroup,
                topic: l.topic,
                homework: l.homework,
                teacher: l.teacher.and_then(staff_name),
                attendance_taken: l.attendance_taken,
                marks: l
                    .marks
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_stored()))
                    .collect(),
                attendance: l
                    .attendance
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.code().to_string()))
                    .collect(),
            })
            .collect();
        let mut finals: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for f in journal::finals(doc)? {
            finals
                .entry(f.kind.key().to_string())
                .or_default()
                .insert(f.student.to_string(), f.value.to_string());
        }
        subjects.push(SubjectDump {
            id: s.id.to_string(),
            name: s.name.clone(),
            teacher: staff_name(taught.teacher),
            subgroup_teachers: taught
                .subgroup_teachers
                .iter()
                .filter_map(|t| staff_name(*t))
                .collect(),
            lessons,
            finals,
            conflicts: journal::conflicts(doc)?,
        });
    }
    Ok(ClassDump {
        format: DUMP_FORMAT,
        school: school.name.clone(),
        year: school.calendar.label(),
        class: ClassInfo {
            id: class.id.to_string(),
            name: class.name(),
            grade: class.grade,
            class_teacher: class.class_teacher.and_then(staff_name),
            periods: PeriodScheme::for_grade(class.grade)
                .periods()
                .iter()
                .map(|p| p.to_string())
                .collect(),
        },
        students,
        subjects,
    })
}
