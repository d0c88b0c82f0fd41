//! Screenshots of every screen of the real app (run by `scripts/e2e.sh --example screenshots
//! DIR`): the first start, the profile, the journals, the grid, a read-only journal, the class
//! teacher's pages, the reports with a PDF, sync. Written as `DIR/app-<screen>.png` at the
//! window's size (1280×800).

use std::path::{Path, PathBuf};
use std::time::Duration;
use zhurnal_e2e::fantoccini::Client;
use zhurnal_e2e::*;

async fn shot(c: &Client, dir: &Path, name: &str) {
    // Let fonts, transitions and the preview settle.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let png = c.screenshot().await.unwrap();
    let path = dir.join(format!("app-{name}.png"));
    std::fs::write(&path, png).unwrap();
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
        wait_id(&c, "first-start", 60).await;
        shot(&c, &o, "first-start").await;
        click_id(&c, "open-demo").await;
        wait_id(&c, "profile-picker", 300).await;
        let who = people(&d);
        choose(&c, "profile-select", &who.algebra_teacher).await;
        shot(&c, &o, "profile").await;
        click_id(&c, "profile-confirm").await;
        wait_journals(&c).await;
        shot(&c, &o, "journals").await;
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
    })
    .await;

    // The class teacher: another teacher's subject (read only), the class pages, reports.
    let one = dir.path().join("one-class");
    std::fs::create_dir_all(&one).unwrap();
    let db = demo_school(&one);
    let who = people(&db);
    let o = out.clone();
    with_app(&db, |c| async move {
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
}
