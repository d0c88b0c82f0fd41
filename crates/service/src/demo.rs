//! The demo school, written as its people would have written it: the admin sets up the
//! school, class teachers load their class lists, subject teachers save each lesson's marks
//! after the lesson (one change per lesson, dated that day) and the period marks at the end of
//! each period. Deterministic: the same seed gives byte-identical documents.

use crate::{Result, ServiceError};
use chrono::{NaiveDate, NaiveTime};
use std::path::Path;
use zhurnal_demo::{DemoOptions, DemoSchool};
use zhurnal_domain::{FinalKind, Role, StaffId};
use zhurnal_journal::automerge::ActorId;
use zhurnal_journal::journal;
use zhurnal_journal::{personal, roster, school, Doc, DocId, Editor};
use zhurnal_store::Store;

/// What `zhurnal demo` made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSummary {
    pub school: String,
    pub classes: usize,
    pub students: usize,
    pub lessons: usize,
    pub marks: usize,
    pub documents: usize,
}

fn editor(author: StaffId, date: NaiveDate) -> Editor {
    let time = date
        .and_time(NaiveTime::from_hms_opt(15, 0, 0).expect("valid time"))
        .and_utc()
        .timestamp();
    Editor {
        author,
        actor: ActorId::from(author.as_bytes().as_slice()),
        time,
    }
}

/// Every document of the demo school, built through the same edits a user makes.
pub fn build_docs(demo: &DemoSchool) -> Result<Vec<Doc>> {
    let year = demo.calendar.start_year;
    let setup_day = NaiveDate::from_ymd_opt(year, 8, 30).expect("valid date");
    let admin = demo
        .staff
        .iter()
        .find(|s| s.roles.contains(&Role::Admin))
        .map(|s| s.id)
        .ok_or_else(|| ServiceError::Invalid("в демо-школе нет администратора".into()))?;
    let mut docs = Vec::new();
    let mut sdoc = Doc::genesis(DocId::school(year));
    let ed = editor(admin, setup_day);
    school::set_info(
        &mut sdoc,
        &ed,
        &demo.name,
        &demo.director,
        &demo.calendar,
        &demo.settings,
    )?;
    school::put_subjects(&mut sdoc, &ed, &demo.subjects)?;
    school::put_staff(&mut sdoc, &ed, &demo.staff)?;
    let classes: Vec<_> = demo.classes.iter().map(|c| c.class.clone()).collect();
    school::put_classes(&mut sdoc, &ed, &classes)?;
    docs.push(sdoc);

    for dc in &demo.classes {
        let class = &dc.class;
        let ct = class.class_teacher.unwrap_or(admin);
        let ed = editor(ct, setup_day);
        let mut rdoc = Doc::genesis(DocId::roster(year, class.id));
        let new: Vec<roster::NewStudent> = dc
            .students
            .iter()
            .map(|s| roster::NewStudent {
                id: s.id,
                name: s.name.clone(),
                birth_date: s.birth_date,
            })
            .collect();
        roster::add_students(&mut rdoc, &ed, &new)?;
        let groups: Vec<_> = dc
            .students
            .iter()
            .flat_map(|s| {
                s.subgroups
                    .iter()
                    .map(move |(subj, g)| (s.id, *subj, Some(*g)))
            })
            .collect();
        if !groups.is_empty() {
            roster::set_subgroups(&mut rdoc, &ed, &groups)?;
        }
        for s in &dc.students {
            for m in &s.movements {
                roster::record_movement(&mut rdoc, &editor(ct, m.date), s.id, m.clone())?;
            }
        }
        docs.push(rdoc);

        let mut pdoc = Doc::genesis(DocId::personal(year, class.id));
        personal::set_personal(&mut pdoc, &ed, &dc.personal)?;
        docs.push(pdoc);

        for j in &dc.journals {
            let teacher = class.teaches(j.subject).map(|t| t.teacher).unwrap_or(admin);
            let mut jdoc = Doc::genesis(DocId::journal(year, class.id, j.subject));
            for l in &j.lessons {
                let author = l.teacher.unwrap_or(teacher);
                journal::add_lesson(&mut jdoc, &editor(author, l.date), l)?;
            }
            // Period marks are saved per period, on the period's last day; the year mark at
            // the end of the year.
            let mut by_kind: std::collections::BTreeMap<FinalKind, Vec<_>> = Default::default();
            for f in &j.finals {
                by_kind
                    .entry(f.kind)
                    .or_default()
                    .push((f.kind, f.student, Some(f.value)));
            }
            for (kind, marks) in by_kind {
                let day = match kind {
                    FinalKind::Period(p) => demo.calendar.bounds(p).map(|b| b.1),
                    _ => demo
                        .calendar
                        .bounds(zhurnal_domain::PeriodCode::Year)
                        .map(|b| b.1),
                }
                .unwrap_or(setup_day);
                journal::set_finals(&mut jdoc, &editor(teacher, day), &marks)?;
            }
            docs.push(jdoc);
        }
    }
    Ok(docs)
}

/// Parses a list of classes such as "7Б, 10А" for [`DemoOptions::classes`].
pub fn parse_classes(text: &str) -> Result<Vec<(u8, String)>> {
    text.split([',', ' '])
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            let t = t.trim();
            let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
            let letter: String = t[digits.len()..].to_uppercase();
            match digits.parse::<u8>() {
                Ok(g) if (2..=11).contains(&g) && letter.chars().count() == 1 => Ok((g, letter)),
                _ => Err(ServiceError::Invalid(format!(
                    "«{t}» — не класс демо-школы: ожидается параллель 2–11 и буква, например 7Б"
                ))),
            }
        })
        .collect()
}

/// Creates the demo school in a new (or empty) store. A store that already holds documents is
/// never overwritten.
pub fn create_demo(path: &Path, seed: u64, options: &DemoOptions) -> Result<DemoSummary> {
    let mut store = Store::open(path)?;
    if !store.doc_ids()?.is_empty() {
        return Err(ServiceError::Invalid(format!(
            "в базе «{}» уже есть журнал; демонстрационная школа создаётся только в новом файле",
            path.display()
        )));
    }
    let demo = zhurnal_demo::generate_with(seed, options);
    let docs = build_docs(&demo)?;
    let summary = DemoSummary {
        school: demo.name.clone(),
        classes: demo.classes.len(),
        students: demo.classes.iter().map(|c| c.students.len()).sum(),
        lessons: demo
            .classes
            .iter()
            .flat_map(|c| &c.journals)
            .map(|j| j.lessons.len())
            .sum(),
        marks: demo
            .classes
            .iter()
            .flat_map(|c| &c.journals)
            .flat_map(|j| &j.lessons)
            .flat_map(|l| l.marks.values())
            .map(|m| m.0.len())
            .sum(),
        documents: docs.len(),
    };
    store.put_docs(docs)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhurnal_journal::DocKind;

    fn seven_b() -> DemoSchool {
        zhurnal_demo::generate_with(
            1,
            &DemoOptions {
                classes: vec![(7, "Б".into())],
                ..DemoOptions::default()
            },
        )
    }

    #[test]
    fn demo_documents_are_byte_identical_for_the_same_seed() {
        let a: Vec<Vec<u8>> = build_docs(&seven_b())
            .unwrap()
            .iter()
            .map(|d| d.save())
            .collect();
        let b: Vec<Vec<u8>> = build_docs(&seven_b())
            .unwrap()
            .iter()
            .map(|d| d.save())
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn a_full_year_of_the_largest_class_fits_in_300_kb() {
        let docs = build_docs(&seven_b()).unwrap();
        let class_bytes: usize = docs
            .iter()
            .filter(|d| d.id().kind != DocKind::School)
            .map(|d| d.save().len())
            .sum();
        assert!(class_bytes < 300 * 1024, "7Б takes {class_bytes} bytes");
        let largest = docs.iter().map(|d| d.save().len()).max().unwrap();
        assert!(largest < 40 * 1024, "largest document {largest} bytes");
    }

    #[test]
    fn class_lists_for_the_demo_are_parsed() {
        assert_eq!(
            parse_classes("7Б, 10а").unwrap(),
            vec![(7, "Б".to_string()), (10, "А".to_string())]
        );
        assert!(parse_classes("1А").is_err());
        assert!(parse_classes("7").is_err());
    }
}
