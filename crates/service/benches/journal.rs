//! Criterion benchmarks of the journal core on the demo school (seed 1).
//!
//! * `load/class_subject_year` — loading the full-year document of 7Б «Русский язык» (the
//!   largest journal of the largest class) from its saved bytes;
//! * `read/lessons_class_subject_year` — reading all its lessons, marks and attendance;
//! * `demo/generate` and `demo/build_docs` — the whole demo school (10 classes) as domain
//!   values, then as automerge documents through the same edits a user makes.
//!
//! Run: `cargo bench -p zhurnal-service --bench journal`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use zhurnal_journal::{journal, Doc, DocKind};

fn largest_journal(docs: &[Doc]) -> &Doc {
    docs.iter()
        .filter(|d| matches!(d.id().kind, DocKind::Journal(..)))
        .max_by_key(|d| d.save().len())
        .expect("journals")
}

fn benches(c: &mut Criterion) {
    let demo = zhurnal_demo::generate(1);
    let docs = zhurnal_service::build_docs(&demo).expect("demo builds");
    let doc = largest_journal(&docs);
    let bytes = doc.save();
    let id = doc.id();
    println!(
        "largest class-subject journal: {} lessons, {} bytes saved",
        journal::lessons(doc).unwrap().len(),
        bytes.len()
    );

    c.bench_function("load/class_subject_year", |b| {
        b.iter(|| Doc::load(id, &[black_box(&bytes)]).unwrap())
    });
    c.bench_function("read/lessons_class_subject_year", |b| {
        b.iter(|| journal::lessons(black_box(doc)).unwrap())
    });

    let mut g = c.benchmark_group("demo");
    g.sample_size(10);
    g.bench_function("generate", |b| {
        b.iter(|| zhurnal_demo::generate(black_box(1)))
    });
    g.bench_function("build_docs", |b| {
        b.iter(|| zhurnal_service::build_docs(black_box(&demo)).unwrap())
    });
    g.finish();
}

criterion_group!(journal_benches, benches);
criterion_main!(journal_benches);
