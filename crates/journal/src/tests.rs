//! Stories and merge laws of the journal documents.

use crate::journal::{self, CellRef, LessonPatch};
use crate::{roster, Doc, DocId, Editor};
use automerge::ActorId;
use chrono::NaiveDate;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use zhurnal_domain::{
    Attendance, ClassId, FinalKind, Lesson, Marks, PeriodCode, PersonName, StaffId, StudentId,
    SubjectId,
};

fn doc_id() -> DocId {
    DocId::journal(
        2025,
        ClassId::from_raw([1; 16]),
        SubjectId::from_raw([2; 16]),
    )
}

fn editor(n: u8) -> Editor {
    Editor {
        author: StaffId::from_raw([n; 16]),
        actor: ActorId::from([n + 100; 16].as_slice()),
        time: 1_757_000_000,
    }
}

fn student(n: u8) -> StudentId {
    StudentId::from_raw([n + 10; 16])
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, day).unwrap()
}

fn copy(doc: &Doc) -> Doc {
    Doc::load(doc.id(), &[&doc.save()]).unwrap()
}

fn marks(s: &str) -> Marks {
    Marks::from_stored(s).unwrap()
}

#[test]
fn two_devices_creating_the_same_document_agree_on_its_genesis() {
    let mut a = Doc::genesis(doc_id());
    let mut b = Doc::genesis(doc_id());
    assert_eq!(a.heads(), b.heads());
    // Each adds a lesson; after merging, both lessons are there: nothing hidden.
    let la = journal::add_lesson(&mut a, &editor(1), &Lesson::new(date(1), 1)).unwrap();
    let lb = journal::add_lesson(&mut b, &editor(2), &Lesson::new(date(2), 1)).unwrap();
    a.merge(&mut b).unwrap();
    let ids: BTreeSet<_> = journal::lessons(&a).unwrap().iter().map(|l| l.id).collect();
    assert_eq!(ids, BTreeSet::from([la, lb]));
}

#[test]
fn a_lesson_with_marks_is_one_change_with_author_and_time() {
    let mut doc = Doc::genesis(doc_id());
    let before = doc.automerge().get_changes(&[]).len();
    let mut d = Lesson::new(date(3), 2);
    d.topic = "Сложение дробей".into();
    d.attendance_taken = true;
    d.marks.insert(student(1), marks("5 4:кр"));
    d.attendance.insert(student(2), Attendance::Ill);
    let id = journal::add_lesson(&mut doc, &editor(1), &d).unwrap();
    let changes = doc.automerge().get_changes(&[]);
    assert_eq!(changes.len(), before + 1);
    let last = changes.last().unwrap();
    assert_eq!(last.timestamp(), 1_757_000_000);
    assert_eq!(
        last.author().unwrap().as_bytes(),
        editor(1).author.as_bytes()
    );
    let l = journal::lesson(&doc, id).unwrap().unwrap();
    assert_eq!(l.topic, "Сложение дробей");
    assert_eq!(l.marks[&student(1)], marks("5 4:кр"));
    assert_eq!(l.attendance[&student(2)], Attendance::Ill);
}

#[test]
fn a_mark_beside_an_absence_is_refused_and_changes_nothing() {
    let mut doc = Doc::genesis(doc_id());
    let id = journal::add_lesson(&mut doc, &editor(1), &Lesson::new(date(3), 1)).unwrap();
    let heads = doc.heads();
    let patch = LessonPatch {
        marks: vec![(student(1), marks("5"))],
        attendance: vec![(student(1), Some(Attendance::Absent))],
        ..Default::default()
    };
    let err = journal::save_lesson(&mut doc, &editor(1), id, patch).unwrap_err();
    assert!(err.to_string().contains("отсутствовал"), "{err}");
    assert_eq!(doc.heads(), heads);
    assert!(journal::lesson(&doc, id).unwrap().unwrap().marks.is_empty());
}

#[test]
fn concurrent_writes_of_one_cell_surface_as_a_conflict_with_authors_and_can_be_resolved() {
    let mut a = Doc::genesis(doc_id());
    let lesson = journal::add_lesson(&mut a, &editor(1), &Lesson::new(date(4), 1)).unwrap();
    let mut b = copy(&a);
    let cell = |m: &str| LessonPatch {
        marks: vec![(student(1), marks(m))],
        ..Default::default()
    };
    journal::save_lesson(&mut a, &editor(1), lesson, cell("5")).unwrap();
    journal::save_lesson(&mut b, &editor(2), lesson, cell("3")).unwrap();
    // Another cell only b touched: kept, no conflict.
    journal::save_lesson(
        &mut b,
        &editor(2),
        lesson,
        LessonPatch {
            marks: vec![(student(2), marks("4"))],
            ..Default::default()
        },
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    let conflicts = journal::conflicts(&a).unwrap();
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0];
    assert_eq!(
        c.cell,
        CellRef::Marks {
            lesson,
            student: student(1)
        }
    );
    let by_author: BTreeMap<_, _> = c
        .values
        .iter()
        .map(|v| (v.author.unwrap(), v.value.as_str()))
        .collect();
    assert_eq!(
        by_author,
        BTreeMap::from([(editor(1).author, "5"), (editor(2).author, "3")])
    );
    assert_eq!(c.values.iter().filter(|v| v.shown).count(), 1);
    assert_eq!(
        journal::lesson(&a, lesson).unwrap().unwrap().marks[&student(2)],
        marks("4")
    );
    journal::resolve(&mut a, &editor(1), &c.cell, "4").unwrap();
    assert!(journal::conflicts(&a).unwrap().is_empty());
    assert_eq!(
        journal::lesson(&a, lesson).unwrap().unwrap().marks[&student(1)],
        marks("4")
    );
}

#[test]
fn a_deleted_lesson_keeps_a_concurrent_edit_inside_it() {
    let mut a = Doc::genesis(doc_id());
    let lesson = journal::add_lesson(&mut a, &editor(1), &Lesson::new(date(5), 1)).unwrap();
    let mut b = copy(&a);
    journal::delete_lesson(&mut a, &editor(1), lesson).unwrap();
    journal::save_lesson(
        &mut b,
        &editor(2),
        lesson,
        LessonPatch {
            marks: vec![(student(1), marks("5"))],
            ..Default::default()
        },
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    assert!(journal::lessons(&a).unwrap().is_empty());
    journal::save_lesson(
        &mut a,
        &editor(1),
        lesson,
        LessonPatch {
            deleted: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        journal::lesson(&a, lesson).unwrap().unwrap().marks[&student(1)],
        marks("5")
    );
}

#[test]
fn a_document_of_another_kind_is_refused_on_load() {
    let doc = Doc::genesis(doc_id());
    let other = DocId::roster(2025, ClassId::from_raw([1; 16]));
    let err = Doc::load(other, &[&doc.save()]).err().unwrap();
    assert!(err.to_string().contains("не является"), "{err}");
    assert!(Doc::load(doc_id(), &[b"garbage".as_slice()]).is_err());
}

#[test]
fn doc_ids_round_trip_through_text() {
    for id in [
        doc_id(),
        DocId::school(2025),
        DocId::roster(2026, ClassId::from_raw([3; 16])),
        DocId::personal(2026, ClassId::from_raw([3; 16])),
    ] {
        assert_eq!(id.to_string().parse::<DocId>().unwrap(), id);
    }
    assert!("2025/journal/x".parse::<DocId>().is_err());
}

#[test]
fn roster_keeps_students_alphabetical_with_movement_and_subgroups() {
    let class = ClassId::from_raw([1; 16]);
    let mut doc = Doc::genesis(DocId::roster(2025, class));
    let name = |l: &str, f: &str| PersonName {
        last: l.into(),
        first: f.into(),
        middle: String::new(),
    };
    roster::add_students(
        &mut doc,
        &editor(1),
        &[
            roster::NewStudent {
                id: student(1),
                name: name("Яковлев", "Иван"),
                birth_date: None,
            },
            roster::NewStudent {
                id: student(2),
                name: name("Ёлкина", "Анна"),
                birth_date: Some(date(1)),
            },
        ],
    )
    .unwrap();
    let subj = SubjectId::from_raw([9; 16]);
    roster::set_subgroups(&mut doc, &editor(1), &[(student(1), subj, Some(2))]).unwrap();
    roster::record_movement(
        &mut doc,
        &editor(1),
        student(1),
        zhurnal_domain::Movement {
            id: zhurnal_domain::MovementId::from_raw([5; 16]),
            kind: zhurnal_domain::MovementKind::Departure,
            date: date(20),
            order_no: "45-у".into(),
            place: "МБОУ СОШ № 3 г. Перми".into(),
        },
    )
    .unwrap();
    let list = roster::students(&doc).unwrap();
    assert_eq!(list[0].name.last, "Ёлкина");
    assert_eq!(list[1].subgroups[&subj], 2);
    assert_eq!(list[1].left(), Some(date(20)));
    let err = roster::add_students(
        &mut doc,
        &editor(1),
        &[roster::NewStudent {
            id: student(3),
            name: name("", "Пётр"),
            birth_date: None,
        }],
    );
    assert!(err.is_err());
}

// ---- merge laws -------------------------------------------------------------------------

const REPLICAS: usize = 3;
const LESSONS: usize = 3;
const STUDENTS: u8 = 4;

#[derive(Clone, Debug)]
enum Op {
    Marks {
        r: usize,
        lesson: usize,
        student: u8,
        value: String,
    },
    Att {
        r: usize,
        lesson: usize,
        student: u8,
        code: Option<Attendance>,
    },
    Topic {
        r: usize,
        lesson: usize,
        text: String,
    },
    Final {
        r: usize,
        student: u8,
        value: Option<u8>,
    },
    Sync {
        from: usize,
        to: usize,
    },
}

fn arb_op(with_sync: bool) -> impl Strategy<Value = Op> {
    let r = 0..REPLICAS;
    let l = 0..LESSONS;
    let s = 0..STUDENTS;
    let marks = prop_oneof![
        Just(String::new()),
        "[1-5]",
        "[1-5] [1-5]",
        Just("4:кр".to_string())
    ];
    let code = proptest::option::of(prop::sample::select(Attendance::ALL.to_vec()));
    let edit = prop_oneof![
        4 => (r.clone(), l.clone(), s.clone(), marks).prop_map(|(r, lesson, student, value)| Op::Marks { r, lesson, student, value }),
        2 => (r.clone(), l.clone(), s.clone(), code).prop_map(|(r, lesson, student, code)| Op::Att { r, lesson, student, code }),
        1 => (r.clone(), l.clone(), "[а-я]{0,6}").prop_map(|(r, lesson, text)| Op::Topic { r, lesson, text }),
        1 => (r.clone(), s.clone(), proptest::option::of(2u8..=5)).prop_map(|(r, student, value)| Op::Final { r, student, value }),
    ];
    let sync = (0..REPLICAS, 0..REPLICAS).prop_map(|(from, to)| Op::Sync { from, to });
    if with_sync {
        prop_oneof![4 => edit, 1 => sync].boxed()
    } else {
        edit.boxed()
    }
}

/// A cell of the model: what each replica last wrote there ("" = cleared).
type Model = BTreeMap<String, BTreeMap<usize, String>>;

fn setup() -> (Vec<Doc>, Vec<zhurnal_domain::LessonId>) {
    let mut base = Doc::genesis(doc_id());
    let lessons: Vec<_> = (0..LESSONS)
        .map(|i| {
            journal::add_lesson(&mut base, &editor(0), &Lesson::new(date(1 + i as u32), 1)).unwrap()
        })
        .collect();
    ((0..REPLICAS).map(|_| copy(&base)).collect(), lessons)
}

/// Applies one op; an edit the journal refuses changes nothing and is left out of the model.
fn apply(docs: &mut [Doc], lessons: &[zhurnal_domain::LessonId], op: &Op, model: &mut Model) {
    let (r, key, value, result) = match op {
        Op::Marks {
            r,
            lesson,
            student: s,
            value,
        } => {
            let patch = LessonPatch {
                marks: vec![(student(*s), marks(value))],
                ..Default::default()
            };
            let res = journal::save_lesson(
                &mut docs[*r],
                &editor(*r as u8 + 1),
                lessons[*lesson],
                patch,
            );
            (*r, format!("m/{lesson}/{s}"), marks(value).to_stored(), res)
        }
        Op::Att {
            r,
            lesson,
            student: s,
            code,
        } => {
            let patch = LessonPatch {
                attendance: vec![(student(*s), *code)],
                ..Default::default()
            };
            let res = journal::save_lesson(
                &mut docs[*r],
                &editor(*r as u8 + 1),
                lessons[*lesson],
                patch,
            );
            (
                *r,
                format!("a/{lesson}/{s}"),
                code.map(|c| c.code().to_string()).unwrap_or_default(),
                res,
            )
        }
        Op::Topic { r, lesson, text } => {
            let patch = LessonPatch {
                topic: Some(text.clone()),
                ..Default::default()
            };
            let res = journal::save_lesson(
                &mut docs[*r],
                &editor(*r as u8 + 1),
                lessons[*lesson],
                patch,
            );
            (*r, format!("t/{lesson}"), text.clone(), res)
        }
        Op::Final {
            r,
            student: s,
            value,
        } => {
            let v = value.map(zhurnal_domain::MarkValue::Grade);
            let res = journal::set_finals(
                &mut docs[*r],
                &editor(*r as u8 + 1),
                &[(FinalKind::Period(PeriodCode::Q1), student(*s), v)],
            );
            (
                *r,
                format!("f/{s}"),
                value.map(|v| v.to_string()).unwrap_or_default(),
                res,
            )
        }
        Op::Sync { from, to } => {
            if from != to {
                let mut src = copy(&docs[*from]);
                docs[*to].merge(&mut src).unwrap();
            }
            return;
        }
    };
    if result.is_ok() {
        model.entry(key).or_default().insert(r, value);
    }
}

/// The visible value of a model key in a document, and its conflicting values.
fn observe(
    doc: &Doc,
    lessons: &[zhurnal_domain::LessonId],
    key: &str,
) -> (String, BTreeSet<String>) {
    let parts: Vec<&str> = key.split('/').collect();
    let ls = journal::lessons(doc).unwrap();
    let lesson_of = |i: &str| {
        ls.iter()
            .find(|l| l.id == lessons[i.parse::<usize>().unwrap()])
            .unwrap()
    };
    let st = |i: &str| student(i.parse().unwrap());
    let (value, cell) = match parts[0] {
        "m" => (
            lesson_of(parts[1])
                .marks
                .get(&st(parts[2]))
                .map(|m| m.to_stored())
                .unwrap_or_default(),
            CellRef::Marks {
                lesson: lessons[parts[1].parse::<usize>().unwrap()],
                student: st(parts[2]),
            },
        ),
        "a" => (
            lesson_of(parts[1])
                .attendance
                .get(&st(parts[2]))
                .map(|a| a.code().to_string())
                .unwrap_or_default(),
            CellRef::Attendance {
                lesson: lessons[parts[1].parse::<usize>().unwrap()],
                student: st(parts[2]),
            },
        ),
        "t" => (
            lesson_of(parts[1]).topic.clone(),
            CellRef::LessonField {
                lesson: lessons[parts[1].parse::<usize>().unwrap()],
                field: "topic".into(),
            },
        ),
        _ => (
            journal::finals(doc)
                .unwrap()
                .iter()
                .find(|f| f.student == st(parts[1]))
                .map(|f| f.value.to_string())
                .unwrap_or_default(),
            CellRef::Final {
                key: "Q1".into(),
                student: st(parts[1]),
            },
        ),
    };
    let conflict = journal::conflicts(doc)
        .unwrap()
        .into_iter()
        .find(|c| c.cell == cell)
        .map(|c| c.values.into_iter().map(|v| v.value).collect())
        .unwrap_or_default();
    (value, conflict)
}

fn state(doc: &Doc) -> String {
    format!(
        "{:?}{:?}{:?}",
        journal::lessons(doc).unwrap(),
        journal::finals(doc).unwrap(),
        journal::conflicts(doc).unwrap()
    )
}

fn merge_all(docs: &[Doc], orders: &[Vec<usize>]) -> Vec<Doc> {
    (0..REPLICAS)
        .map(|r| {
            let mut d = copy(&docs[r]);
            for &o in &orders[r] {
                let mut other = copy(&docs[o]);
                d.merge(&mut other).unwrap();
            }
            d
        })
        .collect()
}

fn orders() -> impl Strategy<Value = Vec<Vec<usize>>> {
    proptest::collection::vec(
        Just((0..REPLICAS).collect::<Vec<_>>()).prop_shuffle(),
        REPLICAS,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Replicas edit offline, then merge in any order: they converge; a cell only one replica
    /// wrote has that replica's last value; a cell several replicas wrote with different values
    /// is a conflict holding exactly their last values.
    #[test]
    fn offline_edits_merge_in_any_order_and_concurrent_cells_are_conflicts(
        ops in proptest::collection::vec(arb_op(false), 1..40),
        orders in orders(),
    ) {
        let (mut docs, lessons) = setup();
        let mut model = Model::new();
        for op in &ops {
            apply(&mut docs, &lessons, op, &mut model);
        }
        let merged = merge_all(&docs, &orders);
        let s0 = state(&merged[0]);
        for m in &merged[1..] {
            prop_assert_eq!(&state(m), &s0);
        }
        for (key, writes) in &model {
            let (value, conflict) = observe(&merged[0], &lessons, key);
            let written: BTreeSet<String> = writes.values().filter(|v| !v.is_empty()).cloned().collect();
            match written.len() {
                0 => prop_assert_eq!(value, "", "{} cleared by everyone", key),
                1 => {
                    prop_assert_eq!(&value, written.iter().next().unwrap(), "{}", key);
                    prop_assert!(conflict.is_empty(), "{} has no conflict", key);
                }
                _ => {
                    prop_assert_eq!(&conflict, &written, "{} conflict", key);
                    prop_assert!(written.contains(&value));
                }
            }
        }
    }

    /// With syncs between edits, all replicas still converge, and a cell that only one
    /// replica ever wrote keeps its last value.
    #[test]
    fn edits_with_partial_syncs_converge_and_keep_untouched_cells(
        ops in proptest::collection::vec(arb_op(true), 1..60),
        orders in orders(),
    ) {
        let (mut docs, lessons) = setup();
        let mut model = Model::new();
        for op in &ops {
            apply(&mut docs, &lessons, op, &mut model);
        }
        let merged = merge_all(&docs, &orders);
        let s0 = state(&merged[0]);
        for m in &merged[1..] {
            prop_assert_eq!(&state(m), &s0);
        }
        for (key, writes) in &model {
            if writes.len() == 1 {
                let (value, conflict) = observe(&merged[0], &lessons, key);
                prop_assert_eq!(&value, writes.values().next().unwrap(), "{}", key);
                prop_assert!(conflict.is_empty());
            }
        }
    }
}
