//! The metered path (progress, page count, final markup) and the same document as HTML for
//! the benchmark against Chromium.

use crate::fixtures::journal;
use crate::poppler::page_count;
use zhurnal_domain::numerals::{certification_sentence, sheets_for_pages, Printing};
use zhurnal_domain::PeriodCode;
use zhurnal_reports::journal_copy::{render_period_copy_metered, render_year_journal_metered};
use zhurnal_reports::{ProgressMeter, Rendered, Templates};

/// Runs `make` with a meter; returns what it made and every progress call.
fn metered(make: impl FnOnce(&mut ProgressMeter) -> Rendered) -> (Rendered, Vec<(usize, usize)>) {
    let mut calls = Vec::new();
    let mut report = |d, t| calls.push((d, t));
    let done = make(&mut ProgressMeter::new(&mut report));
    (done, calls)
}

/// Every call `(done, total)`, checked to be a proper progress report.
fn checked(calls: &[(usize, usize)]) {
    assert!(!calls.is_empty());
    let last = *calls.last().unwrap();
    assert_eq!(
        last.0, last.1,
        "the last call reports everything done: {last:?}"
    );
    assert!(last.1 > 0);
    for w in calls.windows(2) {
        assert!(w[1].0 >= w[0].0, "done went down: {w:?}");
        assert!(w[1].1 >= w[0].1, "total went down: {w:?}");
    }
    assert!(calls.iter().all(|(d, t)| d <= t), "done passed total");
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn the_year_journal_reports_progress_per_section_and_its_html_has_the_same_content() {
    let j = journal(1, 7, "Б");
    let templates = Templates::builtin().unwrap();
    let (done, calls) = metered(|meter| {
        render_year_journal_metered(&j, Printing::OneSided, &templates, meter).unwrap()
    });
    checked(&calls);
    // Two layouts (the second with page numbers), every section of each counted.
    let sections = done.markup.matches("<section").count();
    assert_eq!(calls.last().unwrap().1, 2 * sections);
    assert_eq!(
        calls.iter().filter(|(d, _)| *d > 0).count(),
        2 * sections,
        "one call per section laid out"
    );
    assert_eq!(done.pages, page_count(&done.pdf));
    // The markup is the final one: the real sheet count and contents pages.
    let sentence = certification_sentence(sheets_for_pages(done.pages as u64, Printing::OneSided));
    assert!(done.markup.contains(&sentence));

    let html = done.html().unwrap();
    assert!(html.contains(&sentence));
    assert!(html.contains("size: 297mm 210mm;") && html.contains("size: 210mm 297mm;"));
    assert!(html.contains("counter(page)"));
    assert_eq!(html.matches("<section").count(), sections);
    for s in &j.students {
        assert!(html.contains(&s.name.short()), "{}", s.name.short());
    }
    for s in &j.subjects {
        assert!(html.contains(&s.subject.name), "{}", s.subject.name);
        for l in &s.lessons {
            assert!(html.contains(&escape(&l.topic)), "{}", l.topic);
        }
    }
}

#[test]
fn the_period_copy_reports_progress_and_counts_its_pages() {
    let j = journal(1, 7, "Б");
    let templates = Templates::builtin().unwrap();
    let (done, calls) =
        metered(|meter| render_period_copy_metered(&j, PeriodCode::Q1, &templates, meter).unwrap());
    checked(&calls);
    assert_eq!(done.pages, page_count(&done.pdf));
    assert!(done.html().unwrap().contains("1 четверть"));
}
