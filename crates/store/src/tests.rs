//! Stories of the store on real SQLite files.

use super::*;
use chrono::NaiveDate;
use zhurnal_domain::{ClassId, Marks, StudentId, SubjectId};
use zhurnal_journal::automerge::ActorId;
use zhurnal_journal::journal::{self, LessonPatch};

fn jid() -> DocId {
    DocId::journal(
        2025,
        ClassId::from_raw([1; 16]),
        SubjectId::from_raw([2; 16]),
    )
}

fn teacher() -> StaffId {
    StaffId::from_raw([7; 16])
}

fn student(n: u8) -> StudentId {
    StudentId::from_raw([n; 16])
}

fn add_lesson(store: &mut Store, day: u32) -> zhurnal_domain::LessonId {
    store
        .edit(jid(), teacher(), |doc, ed| {
            let mut d =
                zhurnal_domain::Lesson::new(NaiveDate::from_ymd_opt(2025, 9, day).unwrap(), 1);
            d.topic = format!("Тема {day}");
            journal::add_lesson(doc, ed, &d)
        })
        .unwrap()
}

fn set_mark(store: &mut Store, lesson: zhurnal_domain::LessonId, s: u8, m: &str) -> Result<()> {
    set_mark_as(store, teacher(), lesson, s, m)
}

fn set_mark_as(
    store: &mut Store,
    author: StaffId,
    lesson: zhurnal_domain::LessonId,
    s: u8,
    m: &str,
) -> Result<()> {
    store.edit(jid(), author, |doc, ed| {
        let patch = LessonPatch {
            marks: vec![(student(s), Marks::from_stored(m).unwrap())],
            ..Default::default()
        };
        journal::save_lesson(doc, ed, lesson, patch)
    })
}

fn chunk_count(store: &Store) -> i64 {
    store
        .conn
        .query_row("SELECT count(*) FROM chunks", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_new_file_gets_the_schema_and_our_application_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("school.sqlite3");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    let app: i32 = store
        .conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, APPLICATION_ID);
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = store
        .conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    drop(store);
    Store::open(&path).unwrap();
}

#[test]
fn an_acknowledged_edit_is_there_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let mut store = Store::open(&path).unwrap();
    store.create(jid()).unwrap();
    let lesson = add_lesson(&mut store, 1);
    set_mark(&mut store, lesson, 1, "5 4").unwrap();
    drop(store);
    let mut store = Store::open(&path).unwrap();
    let l = journal::lesson(store.doc(jid()).unwrap(), lesson)
        .unwrap()
        .unwrap();
    assert_eq!(l.marks[&student(1)].to_stored(), "5 4");
    assert_eq!(l.topic, "Тема 1");
}

#[test]
fn compaction_keeps_every_change_and_bounds_the_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let mut store = Store::open(&path).unwrap();
    store.create(jid()).unwrap();
    let lesson = add_lesson(&mut store, 2);
    let n = COMPACT_AFTER + 10;
    for i in 0..n {
        set_mark(
            &mut store,
            lesson,
            (i % 30) as u8,
            &format!("{}", i % 5 + 1),
        )
        .unwrap();
    }
    assert!(chunk_count(&store) < COMPACT_AFTER as i64);
    drop(store);
    let mut store = Store::open(&path).unwrap();
    let l = journal::lesson(store.doc(jid()).unwrap(), lesson)
        .unwrap()
        .unwrap();
    for s in 0..30u8 {
        let last = (0..n).rfind(|i| i % 30 == s as usize).unwrap();
        assert_eq!(
            l.marks[&student(s)].to_stored(),
            format!("{}", last % 5 + 1)
        );
    }
}

#[test]
fn a_refused_edit_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.sqlite3")).unwrap();
    store.create(jid()).unwrap();
    let lesson = add_lesson(&mut store, 3);
    let before = chunk_count(&store);
    let err = store
        .edit(jid(), teacher(), |doc, ed| {
            let patch = LessonPatch {
                marks: vec![(student(1), Marks::from_stored("5").unwrap())],
                attendance: vec![(student(1), Some(zhurnal_domain::Attendance::Absent))],
                ..Default::default()
            };
            journal::save_lesson(doc, ed, lesson, patch)
        })
        .unwrap_err();
    assert!(err.to_string().contains("отсутствовал"));
    assert_eq!(chunk_count(&store), before);
    assert!(journal::lesson(store.doc(jid()).unwrap(), lesson)
        .unwrap()
        .unwrap()
        .marks
        .is_empty());
}

#[test]
fn incremental_projections_equal_a_rebuild_from_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("s.sqlite3")).unwrap();
    store.create(jid()).unwrap();
    let a = add_lesson(&mut store, 4);
    let b = add_lesson(&mut store, 5);
    set_mark(&mut store, a, 1, "5").unwrap();
    set_mark(&mut store, a, 2, "4:кр 3").unwrap();
    set_mark(&mut store, b, 1, "2").unwrap();
    set_mark(&mut store, a, 1, "").unwrap();
    store
        .edit(jid(), teacher(), |doc, ed| {
            journal::set_finals(
                doc,
                ed,
                &[(
                    zhurnal_domain::FinalKind::Year,
                    student(2),
                    Some(zhurnal_domain::MarkValue::Grade(4)),
                )],
            )
        })
        .unwrap();
    store
        .edit(jid(), teacher(), |doc, ed| {
            journal::delete_lesson(doc, ed, b)
        })
        .unwrap();
    let incremental = store.projection_rows().unwrap();
    assert!(incremental
        .iter()
        .any(|r| r.contains("p_marks") && r.contains("\"3\"")));
    assert!(
        !incremental.iter().any(|r| r.contains(&b.to_string())),
        "deleted lesson left rows"
    );
    store.rebuild_projections().unwrap();
    assert_eq!(store.projection_rows().unwrap(), incremental);
}

#[test]
fn projections_from_another_version_are_rebuilt_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let mut store = Store::open(&path).unwrap();
    store.create(jid()).unwrap();
    let lesson = add_lesson(&mut store, 7);
    set_mark(&mut store, lesson, 1, "5 4").unwrap();
    let rows = store.projection_rows().unwrap();
    // An older program built these rows differently (here: lost them).
    store
        .conn
        .execute_batch(
            "DELETE FROM p_marks; UPDATE meta SET value = '0' WHERE key = 'projection_version';",
        )
        .unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.projection_rows().unwrap(), rows);
    // The same version does not rebuild: rows deleted behind its back stay deleted.
    store.conn.execute_batch("DELETE FROM p_marks;").unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_ne!(store.projection_rows().unwrap(), rows);
}

#[test]
fn a_peers_ledger_mark_is_kept_per_peer_across_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.sync_mark("https://school").unwrap(), 0, "none yet");
    store.set_sync_mark("https://school", 41).unwrap();
    store.set_sync_mark("https://school", 1 << 40).unwrap();
    store.set_sync_mark("https://other", 7).unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.sync_mark("https://school").unwrap(), 1 << 40);
    assert_eq!(store.sync_mark("https://other").unwrap(), 7);
}

#[test]
fn changes_from_a_peer_and_its_bookmark_land_together() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    // The "server" copy has a lesson this store has never seen, nor even its document.
    let mut remote = zhurnal_journal::Doc::genesis(jid());
    let ed = zhurnal_journal::Editor {
        author: teacher(),
        actor: ActorId::random(),
        time: 1,
    };
    let mut l = zhurnal_domain::Lesson::new(NaiveDate::from_ymd_opt(2025, 9, 8).unwrap(), 2);
    l.marks.insert(student(4), Marks::from_stored("4").unwrap());
    journal::add_lesson(&mut remote, &ed, &l).unwrap();
    let changes: Vec<Vec<u8>> = remote
        .automerge()
        .get_changes(&[])
        .into_iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    let parts: Vec<&[u8]> = changes.iter().map(Vec::as_slice).collect();
    let heads = remote.heads();

    let mut store = Store::open(&path).unwrap();
    assert!(store.bookmark("https://school", jid()).unwrap().is_empty());
    assert_eq!(
        store
            .receive(jid(), &parts, Some(("https://school", &heads)))
            .unwrap(),
        2
    );
    drop(store);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.bookmark("https://school", jid()).unwrap(), heads);
    assert_eq!(
        journal::lesson(store.doc(jid()).unwrap(), l.id)
            .unwrap()
            .unwrap()
            .marks[&student(4)]
            .to_stored(),
        "4"
    );
    // Bytes that add nothing, with heads this store does not hold: the bookmark stays.
    let unknown = [ChangeHash([7; 32])];
    store
        .receive(
            jid(),
            &[b"garbage".as_slice()],
            Some(("https://school", &unknown)),
        )
        .unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.bookmark("https://school", jid()).unwrap(), heads);
}

fn file_bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn a_text_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite3");
    std::fs::write(&path, "Список класса 7Б\nИванов\n").unwrap();
    let before = file_bytes(&path);
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::NotADatabase(_)), "{err}");
    assert!(err.to_string().contains("не является базой Журнала"));
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn another_programs_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(c);
    let before = file_bytes(&path);
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::Foreign(_)), "{err}");
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn a_file_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    drop(Store::open(&path).unwrap());
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA user_version = 99;").unwrap();
    drop(c);
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("Обновите программу"));
}

#[test]
fn a_damaged_file_is_reported_not_reset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let mut store = Store::open(&path).unwrap();
    store.create(jid()).unwrap();
    let lesson = add_lesson(&mut store, 6);
    for i in 0..50u8 {
        set_mark(&mut store, lesson, i, "5").unwrap();
    }
    drop(store);
    let mut bytes = file_bytes(&path);
    assert!(bytes.len() > 4 * 4096, "file has several pages");
    // Overwrite the second page onwards (schema and data b-trees) with garbage.
    for b in &mut bytes[4096..4096 * 3] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("повреждена"));
    assert_eq!(file_bytes(&path), bytes, "nothing was reset");
}

/// FNV-1a, to pin the text of shipped migrations.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

#[test]
fn migrations_are_append_only() {
    // A shipped migration must never change: files in the field were built by it. To change
    // the schema, add a migration and pin its hash here.
    let pinned: &[u64] = &[PINNED_0001, PINNED_0002, PINNED_0003, PINNED_0004];
    assert!(MIGRATIONS.len() >= pinned.len());
    for (i, (m, h)) in MIGRATIONS.iter().zip(pinned).enumerate() {
        assert_eq!(
            fnv(m),
            *h,
            "migration {} was edited after it shipped",
            i + 1
        );
    }
}

const PINNED_0001: u64 = 14_497_142_115_217_107_972;
const PINNED_0002: u64 = 3_057_885_498_715_088_135;
const PINNED_0003: u64 = 9_477_777_479_993_985_966;
const PINNED_0004: u64 = 7_908_735_343_363_019_879;

/// Another process on the same file (the server while `zhurnal revert` writes to it, the app
/// while the CLI does): what it commits is read again, never hidden or overwritten.
#[test]
fn what_another_connection_writes_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let mut a = Store::open(&path).unwrap();
    a.create(jid()).unwrap();
    let lesson = add_lesson(&mut a, 3);
    let mut b = Store::open(&path).unwrap();
    set_mark_as(&mut b, StaffId::from_raw([8; 16]), lesson, 1, "4").unwrap();
    let l = journal::lesson(a.doc(jid()).unwrap(), lesson)
        .unwrap()
        .unwrap();
    assert_eq!(l.marks[&student(1)].to_stored(), "4");
}

#[test]
fn an_edit_racing_another_connections_commit_keeps_both_through_a_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let mut a = Store::open(&path).unwrap();
    a.create(jid()).unwrap();
    let lesson = add_lesson(&mut a, 6);
    // The next chunk of `a` compacts the document (its snapshot replaces every chunk).
    for i in 0.. {
        if chunk_count(&a) == COMPACT_AFTER as i64 - 1 {
            break;
        }
        set_mark(&mut a, lesson, 2, ["3", "4"][i % 2]).unwrap();
    }
    let mut b = Store::open(&path).unwrap();
    a.edit(jid(), teacher(), |doc, ed| {
        // `b` commits after `a` has read the document and before `a` writes.
        set_mark_as(&mut b, StaffId::from_raw([8; 16]), lesson, 1, "4").unwrap();
        let patch = LessonPatch {
            marks: vec![(student(2), Marks::from_stored("5").unwrap())],
            ..Default::default()
        };
        journal::save_lesson(doc, ed, lesson, patch)
    })
    .unwrap();
    assert!(chunk_count(&a) < 2, "compacted");
    // Both marks in memory, in the projections and in the file.
    let l = journal::lesson(a.doc(jid()).unwrap(), lesson)
        .unwrap()
        .unwrap();
    assert_eq!(l.marks[&student(1)].to_stored(), "4");
    assert_eq!(l.marks[&student(2)].to_stored(), "5");
    let incremental = a.projection_rows().unwrap();
    a.rebuild_projections().unwrap();
    assert_eq!(a.projection_rows().unwrap(), incremental);
    drop((a, b));
    let mut c = Store::open(&path).unwrap();
    let l = journal::lesson(c.doc(jid()).unwrap(), lesson)
        .unwrap()
        .unwrap();
    assert_eq!(l.marks[&student(1)].to_stored(), "4");
    assert_eq!(l.marks[&student(2)].to_stored(), "5");
}
