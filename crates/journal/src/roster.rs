//! The class list of one class for one school year: students, their movement and subgroups.
//!
//! ```text
//! ROOT { kind: "roster", year, class,
//!        students:  { <student id>: { last, first, middle, birth_date? } },
//!        movements: { <movement id>: "{json of the movement, its student, the history of its
//!                     corrections and, once cancelled, who cancelled it}" },
//!        subgroups: { "<student id>/<subject id>": 1 } }
//! ```
//! A student's map is created once, under a fresh id, by whoever adds him; movements are
//! scalars under fresh ids, rewritten whole when corrected or cancelled (never deleted: the
//! class teacher answers for the record); subgroups are flat scalars. No container is created
//! twice.

use crate::util::{from_json, get_int, get_map, get_str, json, put_opt_str, top};
use crate::{Doc, DocKind, Editor, JournalError, Result, Touched};
use automerge::transaction::Transactable;
use automerge::{ObjType, ReadDoc};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zhurnal_domain::{Movement, MovementId, PersonName, StaffId, Student, StudentId, SubjectId};

fn check(doc: &Doc) -> Result<()> {
    match doc.id().kind {
        DocKind::Roster(_) => Ok(()),
        _ => Err(JournalError::WrongKind {
            expected: "roster",
            found: doc.id().to_string(),
        }),
    }
}

/// A student to add to the class list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStudent {
    /// A fresh random id, or the id the student already has in another class of the school.
    pub id: StudentId,
    pub name: PersonName,
    pub birth_date: Option<NaiveDate>,
}

#[derive(Serialize, Deserialize)]
struct StoredMovement {
    student: StudentId,
    #[serde(flatten)]
    movement: Movement,
    /// What the entry said before each correction, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    history: Vec<Revision>,
    /// Set when the entry was cancelled as recorded by mistake: it no longer moves the student,
    /// and stays in the document for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cancelled: Option<Stamp>,
}

/// Who changed a movement entry, and when (seconds since the Unix epoch).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub by: StaffId,
    pub at: i64,
}

/// A movement entry as it was before a correction, and who corrected it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    #[serde(flatten)]
    pub was: Movement,
    #[serde(flatten)]
    pub changed: Stamp,
}

/// A movement entry with its history: what the movement table shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MovementRecord {
    pub student: StudentId,
    pub movement: Movement,
    pub history: Vec<Revision>,
    pub cancelled: Option<Stamp>,
}

fn validate_name(name: &PersonName) -> Result<()> {
    if name.last.trim().is_empty() || name.first.trim().is_empty() {
        return Err(JournalError::Invalid(
            "у ученика должны быть фамилия и имя".into(),
        ));
    }
    Ok(())
}

/// Adds students to the class list in one change (one import is one action).
pub fn add_students(doc: &mut Doc, editor: &Editor, students: &[NewStudent]) -> Result<()> {
    check(doc)?;
    for s in students {
        validate_name(&s.name)?;
    }
    doc.edit(editor, "список класса", |tx| {
        let root = top(tx, "students")?;
        for s in students {
            if tx.get(&root, s.id.to_string())?.is_some() {
                return Err(JournalError::Invalid(format!(
                    "ученик {} уже в списке",
                    s.name
                )));
            }
            let m = tx.put_object(&root, s.id.to_string(), ObjType::Map)?;
            tx.put(&m, "last", s.name.last.trim())?;
            tx.put(&m, "first", s.name.first.trim())?;
            put_opt_str(tx, &m, "middle", Some(s.name.middle.trim()))?;
            if let Some(d) = s.birth_date {
                tx.put(&m, "birth_date", d.format("%Y-%m-%d").to_string())?;
            }
        }
        Ok(())
    })?;
    for s in students {
        doc.touch(Touched::Student(s.id));
    }
    Ok(())
}

/// Corrects a student's name or date of birth.
pub fn update_student(
    doc: &mut Doc,
    editor: &Editor,
    id: StudentId,
    name: Option<&PersonName>,
    birth_date: Option<Option<NaiveDate>>,
) -> Result<()> {
    check(doc)?;
    if let Some(n) = name {
        validate_name(n)?;
    }
    doc.edit(editor, "данные ученика", |tx| {
        let root = top(tx, "students")?;
        let m = get_map(tx, &root, &id.to_string()).ok_or(JournalError::NoSuchStudent(id))?;
        if let Some(n) = name {
            for (k, v) in [
                ("last", &n.last),
                ("first", &n.first),
                ("middle", &n.middle),
            ] {
                if get_str(tx, &m, k).unwrap_or_default() != v.trim() {
                    put_opt_str(tx, &m, k, Some(v.trim()))?;
                }
            }
        }
        if let Some(b) = birth_date {
            put_opt_str(
                tx,
                &m,
                "birth_date",
                b.map(|d| d.format("%Y-%m-%d").to_string()).as_deref(),
            )?;
        }
        Ok(())
    })?;
    doc.touch(Touched::Student(id));
    Ok(())
}

/// Records an arrival, departure or transfer.
pub fn record_movement(
    doc: &mut Doc,
    editor: &Editor,
    student: StudentId,
    movement: Movement,
) -> Result<()> {
    check(doc)?;
    if movement.order_no.trim().is_empty() {
        return Err(JournalError::Invalid("укажите номер приказа".into()));
    }
    doc.edit(editor, "движение учащихся", |tx| {
        let students = top(tx, "students")?;
        if get_map(tx, &students, &student.to_string()).is_none() {
            return Err(JournalError::NoSuchStudent(student));
        }
        let root = top(tx, "movements")?;
        let id = movement.id.to_string();
        let stored = StoredMovement {
            student,
            movement,
            history: Vec::new(),
            cancelled: None,
        };
        tx.put(&root, id, json(&stored))?;
        Ok(())
    })?;
    doc.touch(Touched::Student(student));
    Ok(())
}

fn stored_movement(doc: &Doc, id: MovementId) -> Result<StoredMovement> {
    let am = doc.automerge();
    let root = top(am, "movements")?;
    let v = get_str(am, &root, &id.to_string()).ok_or_else(|| {
        JournalError::Invalid(
            "такой записи о движении нет: её уже убрали или её нет в этом классе".into(),
        )
    })?;
    from_json(&v, "движение учащихся")
}

/// Corrects a movement entry recorded wrongly (its kind, date, order or place): the entry keeps
/// its id and student, and what it said before goes into its history with who changed it.
pub fn correct_movement(doc: &mut Doc, editor: &Editor, movement: Movement) -> Result<()> {
    check(doc)?;
    if movement.order_no.trim().is_empty() {
        return Err(JournalError::Invalid("укажите номер приказа".into()));
    }
    let mut stored = stored_movement(doc, movement.id)?;
    if stored.cancelled.is_some() {
        return Err(JournalError::Invalid(
            "эта запись о движении отменена: запишите движение заново".into(),
        ));
    }
    if stored.movement == movement {
        return Ok(());
    }
    let was = std::mem::replace(&mut stored.movement, movement);
    stored.history.push(Revision {
        was,
        changed: Stamp {
            by: editor.author,
            at: editor.time,
        },
    });
    rewrite(doc, editor, "исправление записи о движении", &stored)
}

/// Writes a movement entry back (corrected or cancelled), as one change named `what`.
fn rewrite(doc: &mut Doc, editor: &Editor, what: &str, stored: &StoredMovement) -> Result<()> {
    doc.edit(editor, what, |tx| {
        let root = top(tx, "movements")?;
        tx.put(&root, stored.movement.id.to_string(), json(stored))?;
        Ok(())
    })?;
    doc.touch(Touched::Student(stored.student));
    Ok(())
}

/// Cancels a movement entry recorded by mistake: the student is on the class list as if it had
/// never been written (his marks were never touched), and the entry stays, marked cancelled.
pub fn cancel_movement(doc: &mut Doc, editor: &Editor, id: MovementId) -> Result<()> {
    check(doc)?;
    let mut stored = stored_movement(doc, id)?;
    if stored.cancelled.is_some() {
        return Ok(());
    }
    stored.cancelled = Some(Stamp {
        by: editor.author,
        at: editor.time,
    });
    rewrite(doc, editor, "отмена записи о движении", &stored)
}

/// Every movement entry of the class with its history, cancelled ones too, by date.
pub fn movement_log(doc: &Doc) -> Result<Vec<MovementRecord>> {
    check(doc)?;
    let am = doc.automerge();
    let root = top(am, "movements")?;
    let mut out = Vec::new();
    for key in am.keys(&root) {
        if let Some(v) = get_str(am, &root, &key) {
            let m: StoredMovement = from_json(&v, "движение учащихся")?;
            out.push(MovementRecord {
                student: m.student,
                movement: m.movement,
                history: m.history,
                cancelled: m.cancelled,
            });
        }
    }
    out.sort_by_key(|r| (r.movement.date, r.movement.id));
    Ok(out)
}

/// Puts students into subgroups of split subjects (`None` takes one out), in one change.
pub fn set_subgroups(
    doc: &mut Doc,
    editor: &Editor,
    entries: &[(StudentId, SubjectId, Option<u8>)],
) -> Result<()> {
    check(doc)?;
    doc.edit(editor, "подгруппы", |tx| {
        let root = top(tx, "subgroups")?;
        for (s, subj, g) in entries {
            let key = format!("{s}/{subj}");
            match g {
                Some(g) => tx.put(&root, key, *g as i64)?,
                None => put_opt_str(tx, &root, &key, None)?,
            }
        }
        Ok(())
    })?;
    for (s, _, _) in entries {
        doc.touch(Touched::Student(*s));
    }
    Ok(())
}

/// The class list, alphabetical, with movements and subgroups.
pub fn students(doc: &Doc) -> Result<Vec<Student>> {
    check(doc)?;
    let am = doc.automerge();
    let mut movements: BTreeMap<StudentId, Vec<Movement>> = BTreeMap::new();
    let mroot = top(am, "movements")?;
    for key in am.keys(&mroot) {
        if let Some(v) = get_str(am, &mroot, &key) {
            let m: StoredMovement = from_json(&v, "движение учащихся")?;
            if m.cancelled.is_none() {
                movements.entry(m.student).or_default().push(m.movement);
            }
        }
    }
    let mut subgroups: BTreeMap<StudentId, BTreeMap<SubjectId, u8>> = BTreeMap::new();
    let groot = top(am, "subgroups")?;
    for key in am.keys(&groot) {
        let Some((s, subj)) = key.split_once('/') else {
            continue;
        };
        let (Ok(s), Ok(subj), Some(g)) = (s.parse(), subj.parse(), get_int(am, &groot, &key))
        else {
            continue;
        };
        subgroups.entry(s).or_default().insert(subj, g as u8);
    }
    let root = top(am, "students")?;
    let mut out = Vec::new();
    for key in am.keys(&root) {
        let (Ok(id), Some(m)) = (key.parse::<StudentId>(), get_map(am, &root, &key)) else {
            continue;
        };
        let mut mv = movements.remove(&id).unwrap_or_default();
        mv.sort_by_key(|m| (m.date, m.id));
        out.push(Student {
            id,
            name: PersonName {
                last: get_str(am, &m, "last").unwrap_or_default(),
                first: get_str(am, &m, "first").unwrap_or_default(),
                middle: get_str(am, &m, "middle").unwrap_or_default(),
            },
            birth_date: get_str(am, &m, "birth_date")
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            movements: mv,
            subgroups: subgroups.remove(&id).unwrap_or_default(),
        });
    }
    out.sort_by_cached_key(|s| (s.name.sort_key(), s.id));
    Ok(out)
}
