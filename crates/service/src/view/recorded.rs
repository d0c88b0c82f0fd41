//! Recorded answers of the real commands, for the UI's in-memory backend (`ui/src/mock.ts`) to
//! be checked against: `ui/tests/mock-rust-cases.json` holds what [`App::grid`] answered for a
//! teacher's page of the demo journal and, after she typed into it, the figures of every
//! student's period column, and what [`App::set_cell`] answered to a write into a journal she
//! may only read. `ui/tests/mock-rust.test.ts` replays them through the mock's own rules. A
//! change of a rule on either side fails one of the two tests; after a change here, run
//! `ZHURNAL_BLESS_BINDINGS=1 cargo test -p zhurnal-service --lib recorded` and make the mock
//! agree.

use super::tests::{ids, school};
use super::*;
use serde_json::json;
use std::collections::BTreeMap;

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../ui/tests/mock-rust-cases.json"
);

/// What a teacher types into her page before the figures are read: the whole column of the first
/// students (into the first lessons of the quarter), so that every rule of the period column
/// shows — marks that do not count, too few marks, an exempt student; the demo's own marks of
/// the other students carry the work types' weights.
const TYPED: &[&[&str]] = &[
    &["5", "4", "3"],
    &["5 4", "Н", "2"],
    &["5", "5"],
    &["осв"],
    &["н/а", "4", "зач"],
    &["2 2", "3", "4 5 5"],
    &["Б", "У", "О 4"],
];

fn record() -> serde_json::Value {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    let grid = app
        .grid(&ids.class, &ids.algebra, None, Period::Q1)
        .unwrap();
    let settings = app.school().unwrap().settings;
    // These students' whole columns are what was typed (the rest of their cells cleared).
    for (student, cells) in grid.students.iter().zip(TYPED) {
        for (i, lesson) in grid.lessons.iter().enumerate() {
            let text = cells.get(i).copied().unwrap_or("");
            let had = grid
                .cells
                .iter()
                .any(|c| c.lesson == lesson.id && c.student == student.id);
            if had || !text.is_empty() {
                app.set_cell(&ids.class, &ids.algebra, &lesson.id, &student.id, text)
                    .unwrap();
            }
        }
    }
    let grid = app
        .grid(&ids.class, &ids.algebra, None, Period::Q1)
        .unwrap();
    let work: BTreeMap<&str, Option<&str>> = grid
        .lessons
        .iter()
        .map(|l| (l.id.as_str(), l.work_type.as_deref()))
        .collect();
    let columns: Vec<serde_json::Value> = grid
        .students
        .iter()
        .map(|s| {
            let cells: Vec<serde_json::Value> = grid
                .cells
                .iter()
                .filter(|c| c.student == s.id)
                .map(|c| json!({ "text": c.text, "work_type": work[c.lesson.as_str()] }))
                .collect();
            let f = grid.finals.iter().find(|f| f.student == s.id).unwrap();
            json!({
                "cells": cells,
                "average": f.average,
                "count": f.count,
                "suggested": f.suggested,
            })
        })
        .collect();

    // Another subject of the class: the class teacher reads it and may not write it.
    app.set_profile(&ids.class_teacher, None).unwrap();
    let other = app
        .grid(&ids.class, &ids.other_subject, None, Period::Q1)
        .unwrap();
    let refused = app
        .set_cell(
            &ids.class,
            &ids.other_subject,
            &other.lessons[0].id,
            &other.students[0].id,
            "5",
        )
        .unwrap_err();
    let weights: BTreeMap<&str, u8> = settings
        .work_types
        .iter()
        .map(|w| (w.code.as_str(), w.weight))
        .collect();
    json!({
        "settings": {
            "min_marks": settings.min_marks,
            "rounding": settings.rounding.min_for,
            "weights": weights,
        },
        "columns": columns,
        "read_only": { "access": other.access, "code": refused.code },
    })
}

/// One period column a line, so that a change shows as the columns it changed.
fn layout(r: &serde_json::Value) -> String {
    let line = |v: &serde_json::Value| serde_json::to_string(v).unwrap();
    let columns: Vec<String> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("    {}", line(c)))
        .collect();
    format!(
        "{{\n  \"settings\": {},\n  \"read_only\": {},\n  \"columns\": [\n{}\n  ]\n}}\n",
        line(&r["settings"]),
        line(&r["read_only"]),
        columns.join(",\n")
    )
}

#[test]
fn recorded_answers_for_the_ui_mock_are_current() {
    let text = layout(&record());
    if std::env::var_os("ZHURNAL_BLESS_BINDINGS").is_some() {
        std::fs::write(FILE, &text).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(FILE).unwrap_or_default();
    assert!(
        on_disk == text,
        "ui/tests/mock-rust-cases.json is out of date: run ZHURNAL_BLESS_BINDINGS=1 cargo test \
         -p zhurnal-service --lib recorded, then make ui/src/mock.ts agree (npm test)"
    );
}
