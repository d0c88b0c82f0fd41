//! Projections: SQL rows derived from the documents. The documents are the truth; these rows
//! are refreshed in the same transaction as every change and can be rebuilt at any time.
//! Ids are stored as their 16 bytes and documents as a small integer (`p_docs.n`), which
//! keeps a whole school's rows to a few megabytes.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::BTreeSet;
use zhurnal_domain::Lesson;
use zhurnal_journal::{journal, roster, school, Doc, DocId, DocKind, Touched};

type R<T> = Result<T, crate::StoreError>;

/// Every projection table except `p_docs` (which only names documents).
const TABLES: [&str; 7] = [
    "p_subjects",
    "p_classes",
    "p_students",
    "p_lessons",
    "p_marks",
    "p_attendance",
    "p_finals",
];

/// The integer standing for a document in the projection tables, created on first use.
pub(crate) fn doc_n(tx: &Connection, id: DocId) -> R<i64> {
    let key = id.to_string();
    if let Some(n) = tx
        .prepare_cached("SELECT n FROM p_docs WHERE id = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?
    {
        return Ok(n);
    }
    tx.prepare_cached("INSERT INTO p_docs(id, kind, class, subject) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![
            key,
            id.kind_name(),
            id.class().map(|c| c.as_bytes().to_vec()),
            id.subject().map(|s| s.as_bytes().to_vec()),
        ])?;
    Ok(tx.last_insert_rowid())
}

fn insert_lesson(tx: &Transaction<'_>, doc: i64, l: &Lesson) -> R<()> {
    let lesson = l.id.as_bytes().as_slice();
    tx.prepare_cached(
        "INSERT INTO p_lessons(doc, lesson, date, number, subgroup, topic, homework, teacher, attendance_taken)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        doc,
        lesson,
        l.date.to_string(),
        l.number,
        l.subgroup,
        l.topic,
        l.homework,
        l.teacher.map(|t| t.as_bytes().to_vec()),
        l.attendance_taken,
    ])?;
    let mut marks = tx.prepare_cached(
        "INSERT INTO p_marks(doc, lesson, student, pos, value, work, weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (s, m) in &l.marks {
        for (i, mark) in m.0.iter().enumerate() {
            marks.execute(params![
                doc,
                lesson,
                s.as_bytes().as_slice(),
                i as i64,
                mark.value.to_string(),
                mark.work,
                mark.weight
            ])?;
        }
    }
    let mut att = tx.prepare_cached(
        "INSERT INTO p_attendance(doc, lesson, student, code) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (s, a) in &l.attendance {
        att.execute(params![doc, lesson, s.as_bytes().as_slice(), a.code()])?;
    }
    Ok(())
}

fn delete_lesson(tx: &Transaction<'_>, doc: i64, lesson: &[u8]) -> R<()> {
    for table in ["p_lessons", "p_marks", "p_attendance"] {
        tx.prepare_cached(&format!(
            "DELETE FROM {table} WHERE doc = ?1 AND lesson = ?2"
        ))?
        .execute(params![doc, lesson])?;
    }
    Ok(())
}

fn refresh_finals(tx: &Transaction<'_>, doc: &Doc, n: i64) -> R<()> {
    tx.prepare_cached("DELETE FROM p_finals WHERE doc = ?1")?
        .execute([n])?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO p_finals(doc, student, kind, value) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for f in journal::finals(doc)? {
        stmt.execute(params![
            n,
            f.student.as_bytes().as_slice(),
            f.kind.key(),
            f.value.to_string()
        ])?;
    }
    Ok(())
}

fn refresh_students(
    tx: &Transaction<'_>,
    doc: &Doc,
    n: i64,
    only: Option<&BTreeSet<zhurnal_domain::StudentId>>,
) -> R<()> {
    let mut del = tx.prepare_cached("DELETE FROM p_students WHERE doc = ?1 AND student = ?2")?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO p_students(doc, student, last, first, middle, birth_date, arrived, left_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    if only.is_none() {
        tx.execute("DELETE FROM p_students WHERE doc = ?1", [n])?;
    }
    for s in roster::students(doc)? {
        if only.is_some_and(|o| !o.contains(&s.id)) {
            continue;
        }
        del.execute(params![n, s.id.as_bytes().as_slice()])?;
        ins.execute(params![
            n,
            s.id.as_bytes().as_slice(),
            s.name.last,
            s.name.first,
            s.name.middle,
            s.birth_date.map(|d| d.to_string()),
            s.arrived().map(|d| d.to_string()),
            s.left().map(|d| d.to_string()),
        ])?;
    }
    Ok(())
}

fn rebuild_school(tx: &Transaction<'_>, doc: &Doc) -> R<()> {
    let s = school::school(doc)?;
    tx.execute("DELETE FROM p_subjects", [])?;
    tx.execute("DELETE FROM p_classes", [])?;
    for subj in &s.subjects {
        tx.execute(
            "INSERT INTO p_subjects(subject, name, ord) VALUES (?1, ?2, ?3)",
            params![subj.id.as_bytes().as_slice(), subj.name, subj.order],
        )?;
    }
    for c in &s.classes {
        tx.execute(
            "INSERT INTO p_classes(class, name, grade, letter) VALUES (?1, ?2, ?3, ?4)",
            params![c.id.as_bytes().as_slice(), c.name(), c.grade, c.letter],
        )?;
    }
    Ok(())
}

/// Replaces every row derived from one document.
pub(crate) fn rebuild_doc(tx: &Transaction<'_>, doc: &Doc) -> R<()> {
    let n = doc_n(tx, doc.id())?;
    match doc.id().kind {
        DocKind::School => rebuild_school(tx, doc),
        DocKind::Roster(_) => refresh_students(tx, doc, n, None),
        DocKind::Personal(_) => Ok(()),
        DocKind::Journal(..) => {
            for table in ["p_lessons", "p_marks", "p_attendance"] {
                tx.execute(&format!("DELETE FROM {table} WHERE doc = ?1"), [n])?;
            }
            for l in journal::lessons(doc)? {
                insert_lesson(tx, n, &l)?;
            }
            refresh_finals(tx, doc, n)
        }
    }
}

/// Refreshes what an edit touched.
pub(crate) fn refresh(tx: &Transaction<'_>, doc: &Doc, touched: &BTreeSet<Touched>) -> R<()> {
    if touched.contains(&Touched::All) {
        return rebuild_doc(tx, doc);
    }
    let n = doc_n(tx, doc.id())?;
    let students: BTreeSet<_> = touched
        .iter()
        .filter_map(|t| {
            if let Touched::Student(s) = t {
                Some(*s)
            } else {
                None
            }
        })
        .collect();
    if !students.is_empty() && matches!(doc.id().kind, DocKind::Roster(_)) {
        refresh_students(tx, doc, n, Some(&students))?;
    }
    for t in touched {
        match t {
            Touched::Lesson(l) => {
                delete_lesson(tx, n, l.as_bytes())?;
                if let Some(lesson) = journal::lesson(doc, *l)? {
                    insert_lesson(tx, n, &lesson)?;
                }
            }
            Touched::Finals => refresh_finals(tx, doc, n)?,
            Touched::All | Touched::Student(_) => {}
        }
    }
    Ok(())
}

pub(crate) fn clear_all(tx: &Transaction<'_>) -> R<()> {
    for table in TABLES {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}

/// Every projection row as text, in a stable order (document integers replaced by ids).
pub(crate) fn dump(conn: &Connection) -> R<Vec<String>> {
    let mut out = Vec::new();
    for table in TABLES {
        let has_doc = !matches!(table, "p_subjects" | "p_classes");
        let sql = if has_doc {
            format!("SELECT d.id, t.* FROM {table} t JOIN p_docs d ON d.n = t.doc")
        } else {
            format!("SELECT * FROM {table}")
        };
        let mut stmt = conn.prepare(&sql)?;
        let n = stmt.column_count();
        let rows = stmt.query_map([], |r| {
            let mut cols = Vec::with_capacity(n);
            for i in 0..n {
                if has_doc && i == 1 {
                    continue; // the document's integer, which differs between rebuilds
                }
                let v: rusqlite::types::Value = r.get(i)?;
                cols.push(format!("{v:?}"));
            }
            Ok(format!("{table}: {}", cols.join(" | ")))
        })?;
        for row in rows {
            out.push(row?);
        }
    }
    out.sort();
    Ok(out)
}
