//! The journal of one class and subject for one school year.
//!
//! ```text
//! ROOT { kind: "journal", year, class, subject,
//!        lessons: { <lesson id>: { date: "2025-09-01", number, subgroup?, topic, homework,
//!                                  teacher?, att_taken, deleted?,
//!                                  marks: { <student id>: "5 4:кр" },
//!                                  att:   { <student id>: "Н" } } },
//!        finals:  { "Q1/<student id>": "5", "year/<student id>": "4", … } }
//! ```

use crate::util::{
    get_all_str, get_map, get_str, put_opt_str, ref_bool, ref_int, ref_is_map, ref_str, top,
};
use crate::{Doc, DocKind, Editor, JournalError, Result, Touched};
use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjId, ObjType, ReadDoc};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use zhurnal_domain::model::FinalMark;
use zhurnal_domain::{
    Attendance, FinalKind, Lesson, LessonId, MarkValue, Marks, StaffId, StudentId,
};

/// Changes to one lesson, saved as one change. `None` leaves a field as it is; an empty
/// [`Marks`] or a `None` attendance clears that cell.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LessonPatch {
    pub date: Option<NaiveDate>,
    pub number: Option<u8>,
    pub topic: Option<String>,
    pub homework: Option<String>,
    pub attendance_taken: Option<bool>,
    pub deleted: Option<bool>,
    pub marks: Vec<(StudentId, Marks)>,
    pub attendance: Vec<(StudentId, Option<Attendance>)>,
}

/// A place in a journal where concurrent values can meet.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CellRef {
    Marks {
        lesson: LessonId,
        student: StudentId,
    },
    Attendance {
        lesson: LessonId,
        student: StudentId,
    },
    LessonField {
        lesson: LessonId,
        field: String,
    },
    Final {
        key: String,
        student: StudentId,
    },
}

/// One of the concurrent values of a cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictValue {
    pub value: String,
    /// Who wrote it (the change's author).
    pub author: Option<StaffId>,
    /// Whether this value is the one shown until somebody chooses.
    pub shown: bool,
}

/// A cell written concurrently with different values. Nothing is lost: every value is kept
/// until a teacher chooses one with [`resolve`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub cell: CellRef,
    pub values: Vec<ConflictValue>,
}

fn check(doc: &Doc) -> Result<()> {
    match doc.id().kind {
        DocKind::Journal(..) => Ok(()),
        _ => Err(JournalError::WrongKind {
            expected: "journal",
            found: doc.id().to_string(),
        }),
    }
}

fn lesson_obj<R: ReadDoc>(r: &R, lesson: LessonId) -> Result<ObjId> {
    let lessons = top(r, "lessons")?;
    get_map(r, &lessons, &lesson.to_string()).ok_or(JournalError::NoSuchLesson(lesson))
}

fn put_date(tx: &mut Transaction<'_>, obj: &ObjId, date: NaiveDate) -> Result<()> {
    tx.put(obj, "date", date.format("%Y-%m-%d").to_string())?;
    Ok(())
}

/// Refuses a mark beside an absence (Н, Б, У) after the patch is applied.
fn check_cell<R: ReadDoc>(r: &R, lesson: &ObjId, student: StudentId) -> Result<()> {
    let key = student.to_string();
    let marks = get_map(r, lesson, "marks")
        .and_then(|m| get_str(r, &m, &key))
        .unwrap_or_default();
    let att = get_map(r, lesson, "att").and_then(|m| get_str(r, &m, &key));
    if let Some(a) = att.and_then(|a| a.parse::<Attendance>().ok()) {
        if a.is_missed() && !marks.is_empty() {
            return Err(zhurnal_domain::EntryError::MarkWhileAbsent(a).into());
        }
    }
    Ok(())
}

/// Creates a lesson with its marks and attendance in one change. Its id must be fresh (see
/// [`Lesson::new`]): never reuse one.
pub fn add_lesson(doc: &mut Doc, editor: &Editor, draft: &Lesson) -> Result<LessonId> {
    check(doc)?;
    let id = draft.id;
    doc.edit(editor, "урок", |tx| {
        let lessons = top(tx, "lessons")?;
        if tx.get(&lessons, id.to_string())?.is_some() {
            return Err(JournalError::Invalid(format!("урок {id} уже есть")));
        }
        let l = tx.put_object(&lessons, id.to_string(), ObjType::Map)?;
        put_date(tx, &l, draft.date)?;
        tx.put(&l, "number", draft.number as i64)?;
        if let Some(g) = draft.subgroup {
            tx.put(&l, "subgroup", g as i64)?;
        }
        put_opt_str(tx, &l, "topic", Some(&draft.topic))?;
        put_opt_str(tx, &l, "homework", Some(&draft.homework))?;
        if let Some(t) = draft.teacher {
            tx.put(&l, "teacher", t.to_string())?;
        }
        tx.put(&l, "att_taken", draft.attendance_taken)?;
        let marks = tx.put_object(&l, "marks", ObjType::Map)?;
        for (s, m) in &draft.marks {
            if !m.is_empty() {
                tx.put(&marks, s.to_string(), m.to_stored())?;
            }
        }
        let att = tx.put_object(&l, "att", ObjType::Map)?;
        for (s, a) in &draft.attendance {
            tx.put(&att, s.to_string(), a.code())?;
        }
        for s in draft.marks.keys().chain(draft.attendance.keys()) {
            check_cell(tx, &l, *s)?;
        }
        Ok(())
    })?;
    doc.touch(Touched::Lesson(id));
    Ok(id)
}

/// Saves changes to a lesson — typically its marks and attendance after the lesson — as one
/// change.
pub fn save_lesson(
    doc: &mut Doc,
    editor: &Editor,
    lesson: LessonId,
    patch: LessonPatch,
) -> Result<()> {
    check(doc)?;
    doc.edit(editor, "отметки урока", |tx| {
        let l = lesson_obj(tx, lesson)?;
        if let Some(d) = patch.date {
            put_date(tx, &l, d)?;
        }
        if let Some(n) = patch.number {
            tx.put(&l, "number", n as i64)?;
        }
        if let Some(t) = &patch.topic {
            put_opt_str(tx, &l, "topic", Some(t))?;
        }
        if let Some(h) = &patch.homework {
            put_opt_str(tx, &l, "homework", Some(h))?;
        }
        if let Some(b) = patch.attendance_taken {
            tx.put(&l, "att_taken", b)?;
        }
        if let Some(b) = patch.deleted {
            tx.put(&l, "deleted", b)?;
        }
        let marks = get_map(tx, &l, "marks").ok_or(JournalError::NoSuchLesson(lesson))?;
        for (s, m) in &patch.marks {
            let stored = m.to_stored();
            put_opt_str(tx, &marks, &s.to_string(), Some(&stored))?;
        }
        let att = get_map(tx, &l, "att").ok_or(JournalError::NoSuchLesson(lesson))?;
        for (s, a) in &patch.attendance {
            put_opt_str(tx, &att, &s.to_string(), a.map(|a| a.code()))?;
        }
        let students: BTreeSet<StudentId> = patch
            .marks
            .iter()
            .map(|(s, _)| *s)
            .chain(patch.attendance.iter().map(|(s, _)| *s))
            .collect();
        for s in students {
            check_cell(tx, &l, s)?;
        }
        Ok(())
    })?;
    doc.touch(Touched::Lesson(lesson));
    Ok(())
}

/// Sets (or, with `None`, clears) final marks — period, year, exam, final — as one change.
pub fn set_finals(
    doc: &mut Doc,
    editor: &Editor,
    marks: &[(FinalKind, StudentId, Option<MarkValue>)],
) -> Result<()> {
    check(doc)?;
    doc.edit(editor, "итоговые отметки", |tx| {
        let finals = top(tx, "finals")?;
        for (kind, student, value) in marks {
            let v = value.map(|v| v.to_string());
            put_opt_str(
                tx,
                &finals,
                &format!("{}/{}", kind.key(), student),
                v.as_deref(),
            )?;
        }
        Ok(())
    })?;
    doc.touch(Touched::Finals);
    Ok(())
}

/// Reads a lesson in one pass over each of its maps (`map_range`), which is several times
/// faster than a `get` per field on a year's journal.
fn read_lesson<R: ReadDoc>(r: &R, id: LessonId, l: &ObjId) -> Result<Option<Lesson>> {
    let mut lesson = Lesson::with_id(id, NaiveDate::MIN, 0);
    let (mut date, mut marks_obj, mut att_obj) = (None, None, None);
    for item in r.map_range(l, ..) {
        let v = &item.value;
        match item.key.as_ref() {
            "deleted" if ref_bool(v) == Some(true) => return Ok(None),
            "date" => date = ref_str(v).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
            "number" => lesson.number = ref_int(v).unwrap_or(0) as u8,
            "subgroup" => lesson.subgroup = ref_int(v).map(|g| g as u8),
            "topic" => lesson.topic = ref_str(v).unwrap_or_default().to_string(),
            "homework" => lesson.homework = ref_str(v).unwrap_or_default().to_string(),
            "teacher" => lesson.teacher = ref_str(v).and_then(|t| t.parse().ok()),
            "att_taken" => lesson.attendance_taken = ref_bool(v).unwrap_or(false),
            "marks" if ref_is_map(v) => marks_obj = Some(item.id()),
            "att" if ref_is_map(v) => att_obj = Some(item.id()),
            _ => {}
        }
    }
    lesson.date =
        date.ok_or_else(|| JournalError::Corrupt(format!("урок {id}"), "нет даты".into()))?;
    if let Some(m) = marks_obj {
        for item in r.map_range(&m, ..) {
            let (Ok(s), Some(v)) = (item.key.parse::<StudentId>(), ref_str(&item.value)) else {
                continue;
            };
            let parsed = Marks::from_stored(v)?;
            if !parsed.is_empty() {
                lesson.marks.insert(s, parsed);
            }
        }
    }
    if let Some(a) = att_obj {
        for item in r.map_range(&a, ..) {
            let (Ok(s), Some(v)) = (item.key.parse::<StudentId>(), ref_str(&item.value)) else {
                continue;
            };
            lesson.attendance.insert(s, v.parse::<Attendance>()?);
        }
    }
    Ok(Some(lesson))
}

/// One lesson; `None` if it was deleted or never existed.
pub fn lesson(doc: &Doc, id: LessonId) -> Result<Option<Lesson>> {
    check(doc)?;
    let am = doc.automerge();
    match lesson_obj(am, id) {
        Ok(l) => read_lesson(am, id, &l),
        Err(JournalError::NoSuchLesson(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every lesson that is not deleted, by date, number in the day and subgroup.
pub fn lessons(doc: &Doc) -> Result<Vec<Lesson>> {
    check(doc)?;
    let am = doc.automerge();
    let root = top(am, "lessons")?;
    let mut out = Vec::new();
    for item in am.map_range(&root, ..) {
        let Ok(id) = item.key.parse::<LessonId>() else {
            continue;
        };
        if ref_is_map(&item.value) {
            if let Some(lesson) = read_lesson(am, id, &item.id())? {
                out.push(lesson);
            }
        }
    }
    out.sort_by_key(|l| (l.date, l.number, l.subgroup, l.id));
    Ok(out)
}

/// Every final mark, by kind and student.
pub fn finals(doc: &Doc) -> Result<Vec<FinalMark>> {
    check(doc)?;
    let am = doc.automerge();
    let root = top(am, "finals")?;
    let mut out = Vec::new();
    for key in am.keys(&root) {
        let Some((k, s)) = key.split_once('/') else {
            continue;
        };
        let (Some(kind), Ok(student)) = (FinalKind::from_key(k), s.parse::<StudentId>()) else {
            continue;
        };
        if let Some(v) = get_str(am, &root, &key) {
            out.push(FinalMark {
                kind,
                student,
                value: v.parse()?,
            });
        }
    }
    out.sort_by_key(|f| (f.kind, f.student));
    Ok(out)
}

fn conflict_at(doc: &Doc, obj: &ObjId, key: &str, cell: CellRef, out: &mut Vec<Conflict>) {
    let all = get_all_str(doc.automerge(), obj, key);
    if all.len() < 2 {
        return;
    }
    let distinct: BTreeSet<&str> = all.iter().map(|(v, _)| v.as_str()).collect();
    if distinct.len() < 2 {
        return;
    }
    // automerge shows the value of the op with the greatest id: the last in `get_all`.
    let last = all.len() - 1;
    let values = all
        .iter()
        .enumerate()
        .map(|(i, (value, id))| ConflictValue {
            value: value.clone(),
            author: doc.author_of(id),
            shown: i == last,
        })
        .collect();
    out.push(Conflict { cell, values });
}

/// Every cell, lesson field and final mark that holds different concurrent values. Only keys
/// that `map_range` flags as conflicted are looked at closely.
pub fn conflicts(doc: &Doc) -> Result<Vec<Conflict>> {
    check(doc)?;
    let am = doc.automerge();
    let mut out = Vec::new();
    let lessons = top(am, "lessons")?;
    for item in am.map_range(&lessons, ..) {
        let Ok(lesson) = item.key.parse::<LessonId>() else {
            continue;
        };
        if !ref_is_map(&item.value) {
            continue;
        }
        let l = item.id();
        for field in am.map_range(&l, ..) {
            match field.key.as_ref() {
                "marks" | "att" if ref_is_map(&field.value) => {
                    let marks = field.key == "marks";
                    let m = field.id();
                    for cell in am.map_range(&m, ..).filter(|c| c.conflict) {
                        let Ok(student) = cell.key.parse::<StudentId>() else {
                            continue;
                        };
                        let r = if marks {
                            CellRef::Marks { lesson, student }
                        } else {
                            CellRef::Attendance { lesson, student }
                        };
                        conflict_at(doc, &m, &cell.key, r, &mut out);
                    }
                }
                key @ ("date" | "number" | "topic" | "homework" | "subgroup") if field.conflict => {
                    conflict_at(
                        doc,
                        &l,
                        key,
                        CellRef::LessonField {
                            lesson,
                            field: key.into(),
                        },
                        &mut out,
                    );
                }
                _ => {}
            }
        }
    }
    let finals = top(am, "finals")?;
    for item in am.map_range(&finals, ..).filter(|i| i.conflict) {
        let Some((k, s)) = item.key.split_once('/') else {
            continue;
        };
        let Ok(student) = s.parse::<StudentId>() else {
            continue;
        };
        conflict_at(
            doc,
            &finals,
            &item.key,
            CellRef::Final {
                key: k.to_string(),
                student,
            },
            &mut out,
        );
    }
    Ok(out)
}

/// Settles a conflict (or simply sets a cell) with the chosen value; an empty value clears it.
/// The value is checked as a teacher's entry would be.
pub fn resolve(doc: &mut Doc, editor: &Editor, cell: &CellRef, value: &str) -> Result<()> {
    check(doc)?;
    let touched = match cell {
        CellRef::Marks { lesson, .. }
        | CellRef::Attendance { lesson, .. }
        | CellRef::LessonField { lesson, .. } => Touched::Lesson(*lesson),
        CellRef::Final { .. } => Touched::Finals,
    };
    doc.edit(editor, "выбор значения", |tx| {
        match cell {
            CellRef::Marks { lesson, student } => {
                Marks::from_stored(value)?;
                let l = lesson_obj(tx, *lesson)?;
                let m = get_map(tx, &l, "marks").ok_or(JournalError::NoSuchLesson(*lesson))?;
                put_opt_str(tx, &m, &student.to_string(), Some(value))?;
                check_cell(tx, &l, *student)?;
            }
            CellRef::Attendance { lesson, student } => {
                if !value.is_empty() {
                    value.parse::<Attendance>()?;
                }
                let l = lesson_obj(tx, *lesson)?;
                let m = get_map(tx, &l, "att").ok_or(JournalError::NoSuchLesson(*lesson))?;
                put_opt_str(tx, &m, &student.to_string(), Some(value))?;
                check_cell(tx, &l, *student)?;
            }
            CellRef::LessonField { lesson, field } => {
                let l = lesson_obj(tx, *lesson)?;
                match field.as_str() {
                    "topic" | "homework" => put_opt_str(tx, &l, field, Some(value))?,
                    "date" => {
                        let d = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
                            JournalError::Invalid(format!("«{value}» — не дата ГГГГ-ММ-ДД"))
                        })?;
                        put_date(tx, &l, d)?;
                    }
                    "number" | "subgroup" => {
                        let n: u8 = value
                            .parse()
                            .map_err(|_| JournalError::Invalid(format!("«{value}» — не номер")))?;
                        tx.put(&l, field.as_str(), n as i64)?;
                    }
                    other => {
                        return Err(JournalError::Invalid(format!(
                            "поле «{other}» не выбирается"
                        )))
                    }
                }
            }
            CellRef::Final { key, student } => {
                if FinalKind::from_key(key).is_none() {
                    return Err(JournalError::Invalid(format!(
                        "неизвестный вид отметки «{key}»"
                    )));
                }
                if !value.is_empty() {
                    value.parse::<MarkValue>()?;
                }
                let f = top(tx, "finals")?;
                put_opt_str(tx, &f, &format!("{key}/{student}"), Some(value))?;
            }
        }
        Ok(())
    })?;
    doc.touch(touched);
    Ok(())
}

/// Marks a lesson deleted. Its contents stay in the document (a concurrent edit inside it is
/// never hidden) and it can be restored with `LessonPatch { deleted: Some(false), .. }`.
pub fn delete_lesson(doc: &mut Doc, editor: &Editor, lesson: LessonId) -> Result<()> {
    save_lesson(
        doc,
        editor,
        lesson,
        LessonPatch {
            deleted: Some(true),
            ..Default::default()
        },
    )
}
