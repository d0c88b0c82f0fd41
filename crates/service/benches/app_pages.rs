//! What the app's pages ask of the school file when a teacher opens them, in the demo school
//! (ten classes, a whole year): the journal list (`my_journals`), «Сегодня» and the week
//! (`week`), and a journal's quarter (`grid`), for the teacher with the most journals. Each as
//! the median and the maximum of many calls on a warm file, since the window asks them one
//! after another at start and one waits for the other.
//!
//! Run: `cargo bench -p zhurnal-service --bench app_pages`.

use std::time::Instant;
use zhurnal_service::view::{Access, App, Period};

fn timed<T>(n: usize, mut f: impl FnMut() -> T) -> (f64, f64) {
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[n / 2], v[n - 1])
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks harness-less benches for their names
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.sqlite3");
    zhurnal_service::create_demo(&path, 1, &zhurnal_service::DemoOptions::default())
        .expect("demo school");
    let mut app = App::open(&path).expect("opens");
    // The teacher who writes the most journals (not the administrator, who may write every
    // journal and teaches none of them).
    let staff = app.staff_list().unwrap();
    let mut best = (0, String::new());
    for s in staff
        .iter()
        .filter(|s| !s.roles.iter().any(|r| r == "admin"))
    {
        app.set_profile(&s.id, None).unwrap();
        let n = app
            .my_journals()
            .unwrap()
            .iter()
            .filter(|j| j.access == Access::Write)
            .count();
        if n > best.0 {
            best = (n, s.id.clone());
        }
    }
    app.set_profile(&best.1, None).unwrap();
    let journals = app.my_journals().unwrap();
    let j = journals
        .iter()
        .find(|j| j.access == Access::Write)
        .unwrap()
        .clone();
    let n = 50;
    let (m, x) = timed(n, || app.my_journals().unwrap());
    println!(
        "my_journals ({} journals): median {m:.2} ms, max {x:.2} ms",
        best.0
    );
    let lessons: usize = app
        .week(None)
        .unwrap()
        .days
        .iter()
        .map(|d| d.lessons.len())
        .sum();
    let (m, x) = timed(n, || app.week(None).unwrap());
    println!("week (today's week, {lessons} lessons): median {m:.2} ms, max {x:.2} ms");
    let (m, x) = timed(n, || app.week(Some("2025-10-15")).unwrap());
    println!("week (an October week): median {m:.2} ms, max {x:.2} ms");
    let (m, x) = timed(n, || {
        app.grid(&j.class_id, &j.subject_id, j.subgroup, Period::Q4)
            .unwrap()
    });
    println!(
        "grid ({} {}, 4th quarter): median {m:.2} ms, max {x:.2} ms",
        j.class_name, j.subject_name
    );
}
