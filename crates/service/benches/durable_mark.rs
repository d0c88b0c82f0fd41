//! A mark edit durable on disk: latency of `Store::edit` (one cell of one lesson saved as one
//! change, committed with `synchronous=FULL`) in a store holding the whole demo school, as
//! median, p99 and max over many edits. Also prints the on-disk size of one class's year.
//!
//! Run: `cargo bench -p zhurnal-service --bench durable_mark` (set `ZHURNAL_BENCH_DIR` to
//! measure on another disk; the default is the system temp folder).

use std::time::Instant;
use zhurnal_domain::{Marks, PeriodScheme};
use zhurnal_journal::journal::{self, LessonPatch};
use zhurnal_journal::DocKind;
use zhurnal_store::Store;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks harness-less benches for their names
    }
    let dir = match std::env::var_os("ZHURNAL_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("temp dir");
    let path = dir.path().join("bench.sqlite3");
    let started = Instant::now();
    let demo = zhurnal_demo::generate(1);
    let docs = zhurnal_service::build_docs(&demo).expect("demo builds");
    let mut store = Store::open(&path).expect("store opens");
    store.put_docs(docs).expect("demo stored");
    println!(
        "demo school stored in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let class = demo
        .classes
        .iter()
        .find(|c| c.class.name() == "7Б")
        .expect("7Б");
    println!(
        "on disk, all documents of class 7Б ({} periods): {:.1} KB",
        PeriodScheme::for_grade(7).periods().len(),
        store.class_bytes(class.class.id).unwrap() as f64 / 1024.0
    );
    let journal = &class.journals[0];
    let id = store
        .doc_ids()
        .unwrap()
        .into_iter()
        .find(|d| matches!(d.kind, DocKind::Journal(c, s) if c == class.class.id && s == journal.subject))
        .expect("journal of 7Б");
    let teacher = class.class.teaches(journal.subject).unwrap().teacher;
    let lessons = &journal.lessons;
    let students: Vec<_> = class
        .students
        .iter()
        .filter(|s| s.movements.is_empty())
        .map(|s| s.id)
        .collect();

    let n = 2000;
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let lesson = &lessons[i % lessons.len()];
        let student = students[(i / lessons.len()) % students.len()];
        if lesson
            .attendance
            .get(&student)
            .is_some_and(|a| a.is_missed())
        {
            continue;
        }
        let marks = Marks::from_stored(["5", "4", "3", "5 4"][i % 4]).unwrap();
        let t = Instant::now();
        store
            .edit(id, teacher, |doc, ed| {
                journal::save_lesson(
                    doc,
                    ed,
                    lesson.id,
                    LessonPatch {
                        marks: vec![(student, marks)],
                        ..Default::default()
                    },
                )
            })
            .expect("edit");
        times.push(t.elapsed());
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "durable mark edit over {} edits: median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );
}
