//! Screenshots of every screen of the real app (run by `scripts/e2e.sh --example screenshots
//! DIR`): the first start, the profile, the journals, the grid, a read-only journal, the class
//! teacher's pages, the reports with a PDF, sync and the schools of the computer, the keys (F1)
//! and the question on closing. Written as `DIR/app-<screen>.png` at 1366×700: the window
//! maximised on a 1366×768 school laptop (its panel takes the rest).

use std::path::{Path, PathBuf};
use std::time::Duration;
use zhurnal_e2e::fantoccini::Client;
use zhurnal_e2e::*;

/// The window as maximised on a 1366×768 screen.
async fn laptop(c: &Client) {
    // WebDriver's own resize waits for a window manager, which Xvfb does not have.
    x11_window(&["size", "1366", "700"]);
    let start = std::time::Instant::now();
    while c
        .execute("return window.innerWidth", vec![])
        .await
        .unwrap()
        .as_u64()
        != Some(1366)
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the window was not resized"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn shot(c: &Client, dir: &Path, name: &str) {
    // Let fonts, transitions and the preview settle.
    tokio::time::sleep(Duration::from_millis(700)).await;
    // The pixels on the X screen (WebDriver's own screenshot does not answer with WebKit's
    // compositing off).
    let _ = c;
    let path = dir.join(format!("app-{name}.png"));
    x11_window(&["shot", path.to_str().unwrap()]);
    println!("{}", path.display());
}

#[tokio::main]
async fn main() {
    let out: PathBuf = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("docs/images"));
    std::fs::create_dir_all(&out).unwrap();
    let out = out.canonicalize().unwrap();
    let dir = tempfile::tempdir().unwrap();

    // First start on an empty file, the demo school, the profile picker.
    let db = dir.path().join("zhurnal.sqlite3");
    let o = out.clone();
    let d = db.clone();
    with_app(&db, |c| async move {
        laptop(&c).await;
        wait_id(&c, "first-start", 60).await;
        shot(&c, &o, "first-start").await;
        click_id(&c, "open-demo").await;
        wait_id(&c, "profile-picker", 300).await;
        let who = people(&d);
        choose(&c, "profile-select", &who.algebra_teacher).await;
        shot(&c, &o, "profile").await;
        click_id(&c, "profile-confirm").await;
        wait_journals(&c).await;
        wait_id(&c, "today-lessons", 20).await;
        shot(&c, &o, "journals").await;
        click_id(&c, "show-week").await;
        wait_id(&c, "week-grid", 20).await;
        shot(&c, &o, "week").await;
        click_id(&c, "show-today").await;
        open_journal(&c, "7Б", "Алгебра", "write").await;
        // A few marks typed, the cursor left in an entry that is refused (the hint line).
        click_cell(&c, 2, 0).await;
        let input = wait_id(&c, "grid-input", 10).await;
        input
            .send_keys("5\u{E007}4\u{E007}н\u{E007}")
            .await
            .unwrap();
        wait_saved(&c).await;
        shot(&c, &o, "grid").await;
        input.send_keys("6").await.unwrap();
        shot(&c, &o, "grid-refused").await;
        input.send_keys("\u{E00C}").await.unwrap();
        input.send_keys("\u{E031}").await.unwrap(); // F1
        wait_id(&c, "help", 10).await;
        shot(&c, &o, "keys").await;
        click_id(&c, "help-close").await;
        click_id(&c, "finals-open").await;
        wait_id(&c, "finals", 20).await;
        shot(&c, &o, "finals").await;
        click_id(&c, "finals-close").await;
        // The window's close button with a refused entry in a cell: the question.
        click_cell(&c, 3, 1).await;
        wait_id(&c, "grid-input", 10)
            .await
            .send_keys("7")
            .await
            .unwrap();
        x11_window(&["close"]);
        wait_id(&c, "close-question", 10).await;
        shot(&c, &o, "close-question").await;
        click_id(&c, "close-stay").await;
        wait_id(&c, "grid-input", 10)
            .await
            .send_keys("\u{E00C}")
            .await
            .unwrap();
        // A PIN on a shared computer, and the screen it locks to.
        click_id(&c, "pin-settings").await;
        wait_id(&c, "pin-card", 10).await;
        for (id, text) in [("pin-new", "2468"), ("pin-again", "2468")] {
            wait_id(&c, id, 10).await.send_keys(text).await.unwrap();
        }
        shot(&c, &o, "pin").await;
        click_id(&c, "pin-save").await;
        click_id(&c, "lock-now").await;
        wait_id(&c, "lock-screen", 10).await;
        shot(&c, &o, "lock").await;
    })
    .await;

    // The class teacher: another teacher's subject (read only), the class pages, reports.
    let one = dir.path().join("one-class");
    std::fs::create_dir_all(&one).unwrap();
    let db = demo_school(&one);
    let who = people(&db);
    let o = out.clone();
    with_app(&db, |c| async move {
        laptop(&c).await;
        choose_profile(&c, &who.class_teacher).await;
        open_journal(&c, "7Б", &who.other_subject, "read").await;
        click_cell(&c, 0, 0).await;
        wait_id(&c, "grid-input", 10)
            .await
            .send_keys("5")
            .await
            .unwrap();
        shot(&c, &o, "read-only").await;
        click_id(&c, "nav-class").await;
        for tab in ["subjects", "roster", "movement", "personal", "monitoring"] {
            click_id(&c, &format!("class-tab-{tab}")).await;
            shot(&c, &o, &format!("class-{tab}")).await;
        }
        click_id(&c, "nav-reports").await;
        choose(&c, "report-kind", "period-copy").await;
        choose(&c, "report-period", "Q1").await;
        click_id(&c, "report-make").await;
        wait_id(&c, "report-preview", 180).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        shot(&c, &o, "reports").await;
        click_id(&c, "nav-sync").await;
        wait_id(&c, "sync-panel", 20).await;
        shot(&c, &o, "sync").await;
    })
    .await;

    // The same computer logs in to its school's server: the real school beside the demo.
    let server = SchoolServer::start();
    let base = server.base.clone();
    let o = out.clone();
    with_app(&db, |c| async move {
        laptop(&c).await;
        wait_journals(&c).await;
        click_id(&c, "nav-sync").await;
        for (id, text) in [
            ("login-server", base.as_str()),
            ("login-name", "algebra"),
            ("login-password", PASSWORD),
        ] {
            let f = wait_id(&c, id, 10).await;
            f.click().await.unwrap();
            f.send_keys("\u{E009}a").await.unwrap();
            f.send_keys("\u{E003}").await.unwrap();
            f.send_keys(text).await.unwrap();
        }
        click_id(&c, "login-submit").await;
        wait_id(&c, "schools", 60).await;
        shot(&c, &o, "sync-schools").await;
    })
    .await;
}
