//! The school document: name, calendar, settings, staff, subjects and classes. Written by the
//! admin only; each record is one scalar (JSON) under its id, so two concurrent edits of the
//! same record show as two values rather than a mix of both.
//!
//! ```text
//! ROOT { kind: "school", year,
//!        info: { name, director: "{json}", calendar: "{json}", settings: "{json}" },
//!        staff: { <id>: "{json}" }, subjects: { <id>: "{json}" }, classes: { <id>: "{json}" } }
//! ```

use crate::util::{from_json, get_str, json, top};
use crate::{Doc, DocKind, Editor, JournalError, Result, Touched};
use automerge::transaction::Transactable;
use automerge::ReadDoc;
use serde::{Deserialize, Serialize};
use zhurnal_domain::{
    Calendar, Class, ClassId, PersonName, SchoolSettings, Staff, StaffId, Subject, SubjectId,
};

/// Everything the school document says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct School {
    pub name: String,
    pub director: PersonName,
    pub calendar: Calendar,
    pub settings: SchoolSettings,
    pub staff: Vec<Staff>,
    /// In curriculum order.
    pub subjects: Vec<Subject>,
    /// By grade and letter.
    pub classes: Vec<Class>,
}

impl School {
    pub fn class_by_name(&self, name: &str) -> Option<&Class> {
        let want = name.trim().to_lowercase().replace(' ', "");
        self.classes
            .iter()
            .find(|c| c.name().to_lowercase() == want)
    }
    pub fn class(&self, id: ClassId) -> Option<&Class> {
        self.classes.iter().find(|c| c.id == id)
    }
    pub fn subject_by_name(&self, name: &str) -> Option<&Subject> {
        let want = name.trim().to_lowercase();
        self.subjects.iter().find(|s| s.name.to_lowercase() == want)
    }
    pub fn subject(&self, id: SubjectId) -> Option<&Subject> {
        self.subjects.iter().find(|s| s.id == id)
    }
    pub fn staff_member(&self, id: StaffId) -> Option<&Staff> {
        self.staff.iter().find(|s| s.id == id)
    }
}

fn check(doc: &Doc) -> Result<()> {
    match doc.id().kind {
        DocKind::School => Ok(()),
        _ => Err(JournalError::WrongKind {
            expected: "school",
            found: doc.id().to_string(),
        }),
    }
}

/// The school's name, director, calendar and settings, in one change.
pub fn set_info(
    doc: &mut Doc,
    editor: &Editor,
    name: &str,
    director: &PersonName,
    calendar: &Calendar,
    settings: &SchoolSettings,
) -> Result<()> {
    check(doc)?;
    calendar.validate().map_err(JournalError::Invalid)?;
    settings
        .rounding
        .validate()
        .map_err(JournalError::Invalid)?;
    if name.trim().is_empty() {
        return Err(JournalError::Invalid("у школы должно быть название".into()));
    }
    doc.edit(editor, "сведения о школе", |tx| {
        let info = top(tx, "info")?;
        for (k, v) in [
            ("name", name.trim().to_string()),
            ("director", json(director)),
            ("calendar", json(calendar)),
            ("settings", json(settings)),
        ] {
            if get_str(tx, &info, k).as_deref() != Some(v.as_str()) {
                tx.put(&info, k, v)?;
            }
        }
        Ok(())
    })?;
    doc.touch(Touched::All);
    Ok(())
}

fn put_records<T: Serialize>(
    doc: &mut Doc,
    editor: &Editor,
    section: &'static str,
    records: &[(String, &T)],
) -> Result<()> {
    check(doc)?;
    doc.edit(editor, section, |tx| {
        let root = top(tx, section)?;
        for (id, r) in records {
            let v = json(r);
            if get_str(tx, &root, id).as_deref() != Some(v.as_str()) {
                tx.put(&root, id.as_str(), v)?;
            }
        }
        Ok(())
    })?;
    doc.touch(Touched::All);
    Ok(())
}

pub fn put_staff(doc: &mut Doc, editor: &Editor, staff: &[Staff]) -> Result<()> {
    let recs: Vec<(String, &Staff)> = staff.iter().map(|s| (s.id.to_string(), s)).collect();
    put_records(doc, editor, "staff", &recs)
}

pub fn put_subjects(doc: &mut Doc, editor: &Editor, subjects: &[Subject]) -> Result<()> {
    let recs: Vec<(String, &Subject)> = subjects.iter().map(|s| (s.id.to_string(), s)).collect();
    put_records(doc, editor, "subjects", &recs)
}

pub fn put_classes(doc: &mut Doc, editor: &Editor, classes: &[Class]) -> Result<()> {
    let recs: Vec<(String, &Class)> = classes.iter().map(|c| (c.id.to_string(), c)).collect();
    put_records(doc, editor, "classes", &recs)
}

fn records<T: serde::de::DeserializeOwned>(doc: &Doc, section: &'static str) -> Result<Vec<T>> {
    let am = doc.automerge();
    let root = top(am, section)?;
    am.keys(&root)
        .filter_map(|k| get_str(am, &root, &k))
        .map(|v| from_json(&v, section))
        .collect()
}

/// Reads the school document. A school whose admin has not yet set the calendar gets the
/// standard one of its year.
pub fn school(doc: &Doc) -> Result<School> {
    check(doc)?;
    let am = doc.automerge();
    let info = top(am, "info")?;
    let calendar = match get_str(am, &info, "calendar") {
        Some(c) => from_json(&c, "calendar")?,
        None => Calendar::standard(doc.id().year),
    };
    let settings = match get_str(am, &info, "settings") {
        Some(s) => from_json(&s, "settings")?,
        None => SchoolSettings::default(),
    };
    let director = match get_str(am, &info, "director") {
        Some(d) => from_json(&d, "director")?,
        None => PersonName::default(),
    };
    let mut subjects: Vec<Subject> = records(doc, "subjects")?;
    subjects.sort_by_key(|s| (s.order, s.name.clone()));
    let mut classes: Vec<Class> = records(doc, "classes")?;
    classes.sort_by_key(|c| (c.grade, c.letter.clone()));
    let mut staff: Vec<Staff> = records(doc, "staff")?;
    // The key lowercases a name: once per member, not once per comparison.
    staff.sort_by_cached_key(|s| s.name.sort_key());
    Ok(School {
        name: get_str(am, &info, "name").unwrap_or_default(),
        director,
        calendar,
        settings,
        staff,
        subjects,
        classes,
    })
}
