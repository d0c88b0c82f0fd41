//! The app's two latencies a teacher feels, measured on the real app through tauri-driver
//! (run by `scripts/bench-app.sh`, which starts Xvfb and the driver):
//!
//! - start → interactive grid: from asking tauri-driver for a session (which spawns the app
//!   process) to the journal list being shown, and to the first cell of a journal taking a key
//!   (the journal opened with a click at once, the key typed, its draft seen in the cell);
//! - keystroke → durable mark: from sending a mark and Tab to the grid to the change being
//!   committed in the SQLite file (its `chunks` sequence moving on, polled read-only every
//!   millisecond in this process).
//!
//! Usage: `bench_app [STARTS] [KEYSTROKES]` (default 7 and 30). Prints each sample and the
//! median. The times include WebDriver's own round trips (a few milliseconds each).

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::{Duration, Instant};
use zhurnal_e2e::fantoccini::Client;
use zhurnal_e2e::*;
use zhurnal_service::view::App;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn chunk_seq(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'chunks'), 0)",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The cell under the cursor is being edited and shows the typed `4`.
async fn draft_shown(c: &Client) -> bool {
    let v = c
        .execute(
            "const cell = document.querySelector('[data-testid^=\"cell-\"].editing');
             return !!cell && cell.textContent.trim() === '4';",
            vec![],
        )
        .await
        .unwrap();
    v.as_bool().unwrap_or(false)
}

/// How many student rows the grid shows.
async fn rows(c: &Client) -> usize {
    let v = c
        .execute(
            "return new Set([...document.querySelectorAll('[data-testid^=\"cell-\"]')]
                 .map(e => e.dataset.testid.split('-')[1])).size;",
            vec![],
        )
        .await
        .unwrap();
    v.as_u64().unwrap() as usize
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let starts: usize = args.next().map(|a| a.parse().unwrap()).unwrap_or(7);
    let keys: usize = args.next().map(|a| a.parse().unwrap()).unwrap_or(30);

    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    // The teacher has chosen herself before: every start opens on her journal list.
    App::open(&db)
        .unwrap()
        .set_profile(&who.algebra_teacher)
        .unwrap();
    let journal = "[data-testid^=\"journal-\"][data-class=\"7Б\"][data-subject=\"Алгебра\"][data-access=\"write\"]";

    println!("app start → journal list → first cell takes a key (ms), {starts} starts:");
    let (mut to_list, mut to_grid) = (Vec::new(), Vec::new());
    for i in 0..starts {
        let t0 = Instant::now();
        let c = start(&db).await;
        let t_session = t0.elapsed();
        wait(&c, journal, 60).await.click().await.unwrap();
        let t_list = t0.elapsed();
        // The journal opens with the cursor on today's lesson: the key goes there.
        wait_id(&c, "cell-0-0", 60).await;
        wait_id(&c, "grid-input", 10)
            .await
            .send_keys("4")
            .await
            .unwrap();
        while !draft_shown(&c).await {
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "no draft in the cell"
            );
        }
        let t_grid = t0.elapsed();
        // Escape: the draft is dropped, nothing is written.
        wait_id(&c, "grid-input", 10)
            .await
            .send_keys("\u{E00C}")
            .await
            .unwrap();
        c.close().await.unwrap();
        println!(
            "  start {}: session {:.0}, list {:.0}, grid takes a key {:.0}",
            i + 1,
            ms(t_session),
            ms(t_list),
            ms(t_grid)
        );
        // The first start warms the disk cache and WebKit's: reported, not counted.
        if i > 0 || starts == 1 {
            to_list.push(ms(t_list));
            to_grid.push(ms(t_grid));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    println!("keystroke → mark committed to SQLite (ms), {keys} marks:");
    let conn = Connection::open_with_flags(
        &db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap();
    let mut durable = Vec::new();
    let c = start(&db).await;
    wait(&c, journal, 60).await.click().await.unwrap();
    click_cell(&c, 0, 0).await;
    let input = wait_id(&c, "grid-input", 10).await;
    let height = rows(&c).await.min(20);
    for k in 0..keys {
        // Down the first lesson's column, student by student (wrapping to the next lesson):
        // a value other than the one there, so that each keystroke is a change.
        let (row, col) = (k % height, k / height);
        let here = cell_text(&c, row, col).await;
        let value = if here == "5" { "4" } else { "5" };
        let before = chunk_seq(&conn);
        let t0 = Instant::now();
        input.send_keys(&format!("{value}\u{E007}")).await.unwrap();
        while chunk_seq(&conn) == before {
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "the mark never reached the file"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        durable.push(ms(t0.elapsed()));
        wait_saved(&c).await;
        if row == height - 1 {
            // Back to the top of the next lesson's column.
            click_cell(&c, 0, col + 1).await;
        }
    }
    c.close().await.unwrap();
    println!(
        "  samples: {}",
        durable
            .iter()
            .map(|x| format!("{x:.0}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    check_file(&db);

    println!();
    println!(
        "median start → journal list: {:.0} ms; start → grid takes a key: {:.0} ms (of {} warm starts)",
        median(&mut to_list),
        median(&mut to_grid),
        to_grid.len()
    );
    println!(
        "median keystroke → durable mark: {:.1} ms (min {:.1}, max {:.1}, {} marks)",
        median(&mut durable.clone()),
        durable.iter().cloned().fold(f64::INFINITY, f64::min),
        durable.iter().cloned().fold(0.0, f64::max),
        durable.len()
    );
}

/// The school file still opens and checks after the run.
fn check_file(db: &Path) {
    let mut app = App::open(db).unwrap();
    assert!(app.state().is_ok());
}
