//! Projections: SQL rows derived from the documents. The documents are the truth; these rows
//! are refreshed in the same transaction as every change and can be rebuilt at any time.

use rusqlite::{params, Connection, Transaction};
use std::collections::BTreeSet;
use zhurnal_domain::Lesson;
use zhurnal_journal::{journal, roster, school, Doc, DocKind, Touched};

type R<T> = Result<T, crate::StoreError>;

fn insert_lesson(tx: &Transaction<'_>, doc: &str, class: &str, subject: &str, l: &Lesson) -> R<()> {
    tx.prepare_cached(
        "INSERT INTO p_lessons(doc, lesson, class, subject, date, number, subgroup, topic, homework, teacher, attendance_taken)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        doc,
        l.id.to_string(),
        class,
        subject,
        l.date.to_string(),
        l.number,
        l.subgroup,
        l.topic,
        l.homework,
        l.teacher.map(|t| t.to_string()),
        l.attendance_taken,
    ])?;
    let mut marks = tx.prepare_cached(
        "INSERT INTO p_marks(doc, lesson, student, pos, value, work, weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (s, m) in &l.marks {
        for (i, mark) in m.0.iter().enumerate() {
            marks.execute(params![
                doc,
                l.id.to_string(),
                s.to_string(),
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
        att.execute(params![doc, l.id.to_string(), s.to_string(), a.code()])?;
    }
    Ok(())
}

fn delete_lesson(tx: &Transaction<'_>, doc: &str, lesson: &str) -> R<()> {
    for table in ["p_lessons", "p_marks", "p_attendance"] {
        tx.prepare_cached(&format!(
            "DELETE FROM {table} WHERE doc = ?1 AND lesson = ?2"
        ))?
        .execute([doc, lesson])?;
    }
    Ok(())
}

fn refresh_finals(tx: &Transaction<'_>, doc: &Doc) -> R<()> {
    let DocKind::Journal(class, subject) = doc.id().kind else {
        return Ok(());
    };
    let id = doc.id().to_string();
    tx.execute("DELETE FROM p_finals WHERE doc = ?1", [&id])?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO p_finals(doc, class, subject, student, kind, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for f in journal::finals(doc)? {
        stmt.execute(params![
            id,
            class.to_string(),
            subject.to_string(),
            f.student.to_string(),
            f.kind.key(),
            f.value.to_string()
        ])?;
    }
    Ok(())
}

fn refresh_students(
    tx: &Transaction<'_>,
    doc: &Doc,
    only: Option<&BTreeSet<zhurnal_domain::StudentId>>,
) -> R<()> {
    let DocKind::Roster(class) = doc.id().kind else {
        return Ok(());
    };
    let id = doc.id().to_string();
    let mut del = tx.prepare_cached("DELETE FROM p_students WHERE doc = ?1 AND student = ?2")?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO p_students(doc, class, student, last, first, middle, birth_date, arrived, left_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    if only.is_none() {
        tx.execute("DELETE FROM p_students WHERE doc = ?1", [&id])?;
    }
    for s in roster::students(doc)? {
        if only.is_some_and(|o| !o.contains(&s.id)) {
            continue;
        }
        del.execute([&id, &s.id.to_string()])?;
        ins.execute(params![
            id,
            class.to_string(),
            s.id.to_string(),
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
            params![subj.id.to_string(), subj.name, subj.order],
        )?;
    }
    for c in &s.classes {
        tx.execute(
            "INSERT INTO p_classes(class, name, grade, letter) VALUES (?1, ?2, ?3, ?4)",
            params![c.id.to_string(), c.name(), c.grade, c.letter],
        )?;
    }
    Ok(())
}

/// Replaces every row derived from one document.
pub(crate) fn rebuild_doc(tx: &Transaction<'_>, doc: &Doc) -> R<()> {
    let id = doc.id().to_string();
    match doc.id().kind {
        DocKind::School => rebuild_school(tx, doc),
        DocKind::Roster(_) => refresh_students(tx, doc, None),
        DocKind::Personal(_) => Ok(()),
        DocKind::Journal(class, subject) => {
            for table in ["p_lessons", "p_marks", "p_attendance"] {
                tx.execute(&format!("DELETE FROM {table} WHERE doc = ?1"), [&id])?;
            }
            for l in journal::lessons(doc)? {
                insert_lesson(tx, &id, &class.to_string(), &subject.to_string(), &l)?;
            }
            refresh_finals(tx, doc)
        }
    }
}

/// Refreshes what an edit touched.
pub(crate) fn refresh(tx: &Transaction<'_>, doc: &Doc, touched: &BTreeSet<Touched>) -> R<()> {
    if touched.contains(&Touched::All) {
        return rebuild_doc(tx, doc);
    }
    let id = doc.id().to_string();
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
    if !students.is_empty() {
        refresh_students(tx, doc, Some(&students))?;
    }
    for t in touched {
        match t {
            Touched::Lesson(l) => {
                let DocKind::Journal(class, subject) = doc.id().kind else {
                    continue;
                };
                delete_lesson(tx, &id, &l.to_string())?;
                if let Some(lesson) = journal::lesson(doc, *l)? {
                    insert_lesson(tx, &id, &class.to_string(), &subject.to_string(), &lesson)?;
                }
            }
            Touched::Finals => refresh_finals(tx, doc)?,
            Touched::All | Touched::Student(_) => {}
        }
    }
    Ok(())
}

pub(crate) fn clear_all(tx: &Transaction<'_>) -> R<()> {
    for table in [
        "p_subjects",
        "p_classes",
        "p_students",
        "p_lessons",
        "p_marks",
        "p_attendance",
        "p_finals",
    ] {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}

/// Every projection row as text, in a stable order.
pub(crate) fn dump(conn: &Connection) -> R<Vec<String>> {
    let mut out = Vec::new();
    for table in [
        "p_subjects",
        "p_classes",
        "p_students",
        "p_lessons",
        "p_marks",
        "p_attendance",
        "p_finals",
    ] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2, 3"))?;
        let n = stmt.column_count();
        let rows = stmt.query_map([], |r| {
            let mut cols = Vec::with_capacity(n);
            for i in 0..n {
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
