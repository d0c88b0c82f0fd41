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
//! - keystroke → pixel, with WebKitGTK's compositing off (the app's default on Linux) and on
//!   (`--compositing=on`): a key pressed through XTest, the cell's pixels watched on the X
//!   screen until they change (`scripts/x11-keylat.py`), p50 and p99;
//! - the web process's CPU at idle with a text field focused (its caret blinking), both modes.
//!
//! Usage: `bench_app [STARTS] [KEYSTROKES] [PIXEL_SAMPLES]` (default 7, 30 and 60). Prints each
//! sample and the figures. The WebDriver figures include its own round trips (a few ms each);
//! keystroke → pixel has none (X input and X screen only). Diagnostics: `BENCH_PAGE=1` prints
//! the page's own marks (navigation → script → state → journals), `BENCH_SETTLE_S=N` waits N s
//! after the journal opens before the keys, `KEYLAT_GAP_S` spaces the keys (default 0.15 s).

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
    let pixels: usize = args.next().map(|a| a.parse().unwrap()).unwrap_or(60);

    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    // The teacher has chosen herself before: every start opens on her journal list.
    App::open(&db)
        .unwrap()
        .set_profile(&who.algebra_teacher, None)
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
        if std::env::var_os("BENCH_PAGE").is_some() {
            let v = c
                .execute(
                    "const n = performance.getEntriesByType('navigation')[0];
                     return {now: performance.now(), dom: n ? n.domContentLoadedEventEnd : null,
                             load: n ? n.loadEventEnd : null,
                             marks: performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)]),
                             res: performance.getEntriesByType('resource').map(r => [r.name.split('/').pop(), Math.round(r.startTime), Math.round(r.duration)])};",
                    vec![],
                )
                .await
                .unwrap();
            println!("  page: {v}");
        }
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

    let mut modes = Vec::new();
    for (mode, extra) in [
        ("compositing off (default)", &[][..]),
        ("compositing on", &["--compositing=on"][..]),
    ] {
        let c = start_with(&db, extra).await;
        wait(&c, journal, 60).await.click().await.unwrap();
        if let Some(settle) = std::env::var("BENCH_SETTLE_S")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            tokio::time::sleep(Duration::from_secs(settle)).await;
        }
        let (mut lat, missed) = key_to_pixel(&c, pixels).await;
        let idle = idle_cpu(&c, Duration::from_secs(10)).await;
        c.close().await.unwrap();
        println!(
            "keystroke → pixel, {mode}: {}{}",
            lat.iter()
                .map(|x| format!("{x:.0}"))
                .collect::<Vec<_>>()
                .join(" "),
            if missed > 0 {
                format!(" ({missed} keys showed nothing in 3 s)")
            } else {
                String::new()
            }
        );
        modes.push((
            mode,
            percentile(&mut lat, 50.0),
            percentile(&mut lat, 99.0),
            lat.len(),
            idle,
        ));
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    println!();
    for (mode, p50, p99, n, idle) in &modes {
        println!(
            "keystroke → pixel, {mode}: p50 {p50:.1} ms, p99 {p99:.1} ms ({n} keys); web process at idle with a field focused: {idle:.0} % of a core"
        );
    }
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

/// The nearest-rank percentile `p` of `v`.
fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1]
}

/// Keys pressed through XTest into a cell of the grid; the time until its pixels change, for
/// each, and how many showed nothing.
async fn key_to_pixel(c: &Client, n: usize) -> (Vec<f64>, usize) {
    click_cell(c, 2, 3).await;
    let rect = c
        .execute(
            "const r = document.querySelector('[data-testid=\"cell-2-3\"]').getBoundingClientRect();
             return [Math.round(r.x) + 2, Math.round(r.y) + 2, Math.max(1, Math.round(r.width) - 4), Math.max(1, Math.round(r.height) - 4)];",
            vec![],
        )
        .await
        .unwrap();
    let r: Vec<i64> = rect
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/x11-keylat.py");
    // Blocking on purpose: nothing else runs in this process while the keys are timed.
    let out = std::process::Command::new("python3")
        .arg(&script)
        .args(r.iter().map(|v| v.to_string()))
        .arg(n.to_string())
        .output()
        .expect("python3 runs scripts/x11-keylat.py");
    assert!(
        out.status.success(),
        "x11-keylat: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ms = v["ms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    (ms, v["missed"].as_u64().unwrap() as usize)
}

/// CPU time of every WebKitWebProcess over `span`, as a percentage of one core, with the
/// lesson's topic field focused (its caret blinking) and nothing typed.
async fn idle_cpu(c: &Client, span: Duration) -> f64 {
    wait_id(c, "lesson-topic", 10).await.click().await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ticks = || -> u64 {
        let mut total = 0;
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let p = e.path();
            let comm = std::fs::read_to_string(p.join("comm")).unwrap_or_default();
            if comm.trim() != "WebKitWebProces" && comm.trim() != "WebKitWebProcess" {
                continue;
            }
            let stat = std::fs::read_to_string(p.join("stat")).unwrap_or_default();
            // Fields after the command's closing parenthesis: utime is the 12th, stime the 13th.
            let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
            let f: Vec<&str> = rest.split_whitespace().collect();
            if f.len() > 12 {
                total += f[11].parse::<u64>().unwrap_or(0) + f[12].parse::<u64>().unwrap_or(0);
            }
        }
        total
    };
    let (t0, c0) = (Instant::now(), ticks());
    tokio::time::sleep(span).await;
    let (dt, dc) = (t0.elapsed().as_secs_f64(), ticks() - c0);
    // USER_HZ is 100 on Linux.
    dc as f64 / 100.0 / dt * 100.0
}

/// The school file still opens and checks after the run.
fn check_file(db: &Path) {
    let mut app = App::open(db).unwrap();
    assert!(app.state().is_ok());
}
