//! End-to-end stories of the real app: the built `zhurnal-app` with the built UI, started by
//! tauri-driver (WebKitWebDriver underneath) and driven through the DOM with fantoccini, as a
//! teacher would use it: clicks and keystrokes, then the file on disk checked.
//!
//! Run by `scripts/e2e.sh`, which starts Xvfb and tauri-driver and passes
//! `ZHURNAL_E2E_DRIVER` (the driver's URL) and `ZHURNAL_E2E_APP` (the binary). Elements are
//! found by the `data-testid`s listed in ui/TESTIDS.md.

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};
use zhurnal_service::view::App;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the end-to-end stories with scripts/e2e.sh")
    })
}

/// Starts the app on the school file `db` (a new window, a new process).
async fn start(db: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        json!({"application": env("ZHURNAL_E2E_APP"), "args": ["--db", db.to_str().unwrap()]}),
    );
    caps.insert("browserName".into(), json!("wry"));
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&env("ZHURNAL_E2E_DRIVER"))
        .await
        .expect("tauri-driver starts the app")
}

fn testid(id: &str) -> Locator<'_> {
    Locator::Css(Box::leak(
        format!("[data-testid=\"{id}\"]").into_boxed_str(),
    ))
}

async fn wait(c: &Client, css: &str, secs: u64) -> Element {
    c.wait()
        .at_most(Duration::from_secs(secs))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear in {secs} s: {e}"))
}

async fn wait_id(c: &Client, id: &str, secs: u64) -> Element {
    wait(c, &format!("[data-testid=\"{id}\"]"), secs).await
}

/// Waits until every typed edit is durable (the grid says so).
async fn wait_saved(c: &Client) {
    let start = Instant::now();
    loop {
        let s = wait_id(c, "save-status", 10).await;
        if s.attr("data-state").await.unwrap().as_deref() == Some("saved") {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "edits not saved");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn cell_text(c: &Client, r: usize, j: usize) -> String {
    let t = wait_id(c, &format!("cell-{r}-{j}"), 10)
        .await
        .text()
        .await
        .unwrap();
    t.trim().to_string()
}

/// Chooses the profile with this staff id on the first screen after the school.
async fn choose_profile(c: &Client, staff_id: &str) {
    let select = wait_id(c, "profile-select", 60).await;
    select.select_by_value(staff_id).await.unwrap();
    c.find(testid("profile-confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_id(c, "journal-list", 20).await;
}

async fn open_journal(c: &Client, class: &str, subject: &str, access: &str) {
    let css = format!(
        "[data-testid^=\"journal-\"][data-class=\"{class}\"][data-subject=\"{subject}\"][data-access=\"{access}\"]"
    );
    wait(c, &css, 20).await.click().await.unwrap();
    wait_id(c, "grid", 20).await;
}

struct People {
    algebra_teacher: String,
    class_teacher: String,
    other_subject: String,
}

/// Who is who in 7Б, read from the school file itself.
fn people(db: &Path) -> People {
    let mut app = App::open(db).unwrap();
    let staff = app.staff_list().unwrap();
    let class_teacher = staff
        .iter()
        .find(|s| s.description.contains("классный руководитель 7Б"))
        .unwrap()
        .id
        .clone();
    let mut algebra_teacher = None;
    let mut other_subject = None;
    for s in &staff {
        app.set_profile(&s.id).unwrap();
        for j in app.my_journals().unwrap() {
            if j.class_name == "7Б" && j.subject_name == "Алгебра" && j.subgroup.is_none() {
                if format!("{:?}", j.access) == "Write" {
                    algebra_teacher = Some(s.id.clone());
                }
            }
        }
    }
    app.set_profile(&class_teacher).unwrap();
    for j in app.my_journals().unwrap() {
        if j.class_name == "7Б" && format!("{:?}", j.access) == "Read" && j.subgroup.is_none() {
            other_subject.get_or_insert(j.subject_name.clone());
        }
    }
    // The app reads the profile file afresh: leave none behind.
    let _ = std::fs::remove_file(db.with_file_name(format!(
        "{}.profile",
        db.file_name().unwrap().to_string_lossy()
    )));
    People {
        algebra_teacher: algebra_teacher.expect("7Б has an algebra teacher"),
        class_teacher,
        other_subject: other_subject.expect("the class teacher reads another subject"),
    }
}

fn demo_school(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("school.sqlite3");
    let options = zhurnal_service::DemoOptions {
        classes: vec![(7, "Б".into())],
        ..Default::default()
    };
    zhurnal_service::create_demo(&db, 1, &options).unwrap();
    db
}

/// First start on an empty file: the demo school; the algebra teacher types a row of marks and
/// absences with the keyboard; after a restart they are all there, and in the file.
#[tokio::test]
async fn open_the_demo_enter_a_row_restart_and_find_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zhurnal.sqlite3");
    let c = start(&db).await;
    wait_id(&c, "first-start", 60).await;
    c.find(testid("open-demo"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_id(&c, "profile-picker", 180).await;
    let who = people(&db);
    choose_profile(&c, &who.algebra_teacher).await;
    open_journal(&c, "7Б", "Алгебра", "write").await;

    // A row: student 0 across the first five lessons, with Tab between cells.
    let typed = ["5", "4", "н", "б", "3"];
    wait_id(&c, "cell-0-0", 10).await.click().await.unwrap();
    let input = c.find(testid("grid-input")).await.unwrap();
    for t in typed {
        input.send_keys(&format!("{t}\u{E004}")).await.unwrap();
    }
    wait_saved(&c).await;
    let shown: Vec<String> = {
        let mut v = Vec::new();
        for j in 0..typed.len() {
            v.push(cell_text(&c, 0, j).await);
        }
        v
    };
    assert_eq!(shown, ["5", "4", "Н", "Б", "3"]);
    c.close().await.unwrap();

    // Restarted: the profile is remembered, the row is there.
    let c = start(&db).await;
    wait_id(&c, "journal-list", 60).await;
    open_journal(&c, "7Б", "Алгебра", "write").await;
    let mut again = Vec::new();
    for j in 0..typed.len() {
        again.push(cell_text(&c, 0, j).await);
    }
    assert_eq!(again, shown);
    c.close().await.unwrap();
}

/// The class teacher opens another teacher's subject: it says read-only, and typing into it
/// changes nothing, on screen or in the file.
#[tokio::test]
async fn a_class_teacher_cannot_edit_another_subject() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    let c = start(&db).await;
    choose_profile(&c, &who.class_teacher).await;
    open_journal(&c, "7Б", &who.other_subject, "read").await;
    wait_id(&c, "read-only", 10).await;
    let before = cell_text(&c, 0, 0).await;
    wait_id(&c, "cell-0-0", 10).await.click().await.unwrap();
    let input = c.find(testid("grid-input")).await.unwrap();
    input.send_keys("2\u{E007}").await.unwrap();
    let hint = wait_id(&c, "grid-hint", 10).await.text().await.unwrap();
    assert!(
        hint.contains("только для чтения") || hint.contains("чтени"),
        "{hint}"
    );
    assert_eq!(cell_text(&c, 0, 0).await, before);
    c.close().await.unwrap();

    // Nothing reached the file: the class teacher made no change to any journal.
    let mut app = App::open(&db).unwrap();
    app.set_profile(&who.class_teacher).unwrap();
    let j = app
        .my_journals()
        .unwrap()
        .into_iter()
        .find(|j| j.class_name == "7Б" && j.subject_name == who.other_subject)
        .unwrap();
    let grid = app
        .grid(&j.class_id, &j.subject_id, None, j.current_period)
        .unwrap();
    let first = grid
        .cells
        .iter()
        .find(|x| x.lesson == grid.lessons[0].id && x.student == grid.students[0].id)
        .map(|x| x.text.clone())
        .unwrap_or_default();
    assert_eq!(first, before);
}

/// The class teacher makes the quarterly copy on the reports page and finds the PDF.
#[tokio::test]
async fn a_quarterly_copy_from_the_reports_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    let c = start(&db).await;
    choose_profile(&c, &who.class_teacher).await;
    c.find(testid("nav-reports"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_id(&c, "report-kind", 10)
        .await
        .select_by_value("period-copy")
        .await
        .unwrap();
    wait_id(&c, "report-period", 10)
        .await
        .select_by_value("Q1")
        .await
        .unwrap();
    c.find(testid("report-make"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let path = wait_id(&c, "report-path", 120).await.text().await.unwrap();
    let path = path.trim();
    let pdf = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(pdf.starts_with(b"%PDF"), "{path}");
    assert!(zhurnal_service::view::pdf_pages(&pdf) > 10);
    assert!(path.contains("7Б") && path.contains("Q1"), "{path}");
    c.close().await.unwrap();
}
