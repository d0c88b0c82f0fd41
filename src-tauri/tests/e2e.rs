//! End-to-end stories of the real app: the built `zhurnal-app` with the built UI, started by
//! tauri-driver (WebKitWebDriver underneath) and driven through the DOM with fantoccini, as a
//! teacher would use it: clicks and keystrokes, then the file on disk checked. Each story has
//! a school file of its own in a temporary folder.
//!
//! Run by `scripts/e2e.sh` (Xvfb, tauri-driver, the app's build).

use std::path::Path;
use zhurnal_e2e::*;
use zhurnal_service::view::{Access, App, Period};

/// What the file says is in the first row of a journal, lessons `0..n` of `period`.
fn row_in_file(db: &Path, staff: &str, subject: &str, period: Period, n: usize) -> Vec<String> {
    let mut app = App::open(db).unwrap();
    app.set_profile(staff).unwrap();
    let j = app
        .my_journals()
        .unwrap()
        .into_iter()
        .find(|j| j.class_name == "7Б" && j.subject_name == subject && j.subgroup.is_none())
        .unwrap();
    let grid = app.grid(&j.class_id, &j.subject_id, None, period).unwrap();
    let student = &grid.students[0].id;
    grid.lessons[..n]
        .iter()
        .map(|l| {
            grid.cells
                .iter()
                .find(|x| x.lesson == l.id && &x.student == student)
                .map(|x| x.text.clone())
                .unwrap_or_default()
        })
        .collect()
}

async fn shown_period(c: &fantoccini::Client) -> Period {
    let v = wait_id(c, "period-select", 10)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    serde_json::from_value(serde_json::json!(v)).unwrap()
}

/// First start on an empty file: the demo school; the algebra teacher types a row of marks and
/// absences with the keyboard; after a restart they are all there, and in the file.
#[tokio::test]
async fn open_the_demo_enter_a_row_restart_and_find_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zhurnal.sqlite3");
    let typed = ["5", "4", "н", "б", "3"];
    let expected = ["5", "4", "Н", "Б", "3"];

    let (db1, who) = (db.clone(), std::sync::Arc::new(std::sync::Mutex::new(None)));
    let who1 = who.clone();
    with_app(&db, |c| async move {
        wait_id(&c, "first-start", 60).await;
        click_id(&c, "open-demo").await;
        wait_id(&c, "profile-picker", 300).await;
        let p = people(&db1);
        choose_profile(&c, &p.algebra_teacher).await;
        open_journal(&c, "7Б", "Алгебра", "write").await;

        // A row: the first student across the first five lessons, Tab between cells.
        click_cell(&c, 0, 0).await;
        let input = wait_id(&c, "grid-input", 10).await;
        for t in typed {
            input.send_keys(&format!("{t}\u{E004}")).await.unwrap();
        }
        wait_saved(&c).await;
        let mut shown = Vec::new();
        for j in 0..typed.len() {
            shown.push(cell_text(&c, 0, j).await);
        }
        assert_eq!(shown, expected);
        *who1.lock().unwrap() = Some((p.algebra_teacher, shown_period(&c).await));
    })
    .await;
    let (teacher, period) = who.lock().unwrap().clone().unwrap();

    // Restarted: the profile is remembered, the row is there.
    with_app(&db, |c| async move {
        wait_journals(&c).await;
        open_journal(&c, "7Б", "Алгебра", "write").await;
        assert_eq!(shown_period(&c).await, period);
        let mut again = Vec::new();
        for j in 0..expected.len() {
            again.push(cell_text(&c, 0, j).await);
        }
        assert_eq!(again, expected);
    })
    .await;

    // And in the file, read without the app.
    assert_eq!(
        row_in_file(&db, &teacher, "Алгебра", period, expected.len()),
        expected
    );
}

/// The class teacher opens another teacher's subject: it says read-only, and typing into it
/// changes nothing, on screen or in the file.
#[tokio::test]
async fn a_class_teacher_cannot_edit_another_subject() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    let subject = who.other_subject.clone();
    let result = std::sync::Arc::new(std::sync::Mutex::new(None));
    let out = result.clone();
    with_app(&db, |c| async move {
        choose_profile(&c, &who.class_teacher).await;
        open_journal(&c, "7Б", &who.other_subject, "read").await;
        wait_id(&c, "read-only", 10).await;
        let before: Vec<String> = {
            let mut v = Vec::new();
            for j in 0..3 {
                v.push(cell_text(&c, 0, j).await);
            }
            v
        };
        click_cell(&c, 0, 0).await;
        let input = wait_id(&c, "grid-input", 10).await;
        input
            .send_keys("2\u{E004}н\u{E004}5\u{E007}")
            .await
            .unwrap();
        let hint = text_content(&c, &testid("grid-hint")).await;
        // The refusal («…открыт только для просмотра…») or the read-only legend.
        assert!(hint.contains("для просмотра"), "hint: {hint}");
        let mut after = Vec::new();
        for j in 0..3 {
            after.push(cell_text(&c, 0, j).await);
        }
        assert_eq!(after, before);
        assert!(c
            .find(fantoccini::Locator::Css(&testid("lesson-save")))
            .await
            .is_err());
        *out.lock().unwrap() = Some((who.class_teacher, before, shown_period(&c).await));
    })
    .await;

    // Nothing reached the file.
    let (teacher, before, period) = result.lock().unwrap().clone().unwrap();
    let mut app = App::open(&db).unwrap();
    app.set_profile(&teacher).unwrap();
    assert!(app
        .my_journals()
        .unwrap()
        .iter()
        .any(|j| j.subject_name == subject && j.access == Access::Read));
    drop(app);
    assert_eq!(row_in_file(&db, &teacher, &subject, period, 3), before);
}

/// The class teacher makes the quarterly copy on the reports page and finds the PDF.
#[tokio::test]
async fn a_quarterly_copy_from_the_reports_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    let found = std::sync::Arc::new(std::sync::Mutex::new(None));
    let out = found.clone();
    with_app(&db, |c| async move {
        choose_profile(&c, &who.class_teacher).await;
        click_id(&c, "nav-reports").await;
        choose(&c, "report-kind", "period-copy").await;
        choose(&c, "report-period", "Q1").await;
        click_id(&c, "report-make").await;
        let path = text_content(&c, "[data-testid=\"report-path\"]").await;
        let path = if path.is_empty() {
            wait_id(&c, "report-path", 180).await;
            text_content(&c, "[data-testid=\"report-path\"]").await
        } else {
            path
        };
        wait_id(&c, "report-preview", 30).await;
        *out.lock().unwrap() = Some(path);
    })
    .await;
    let path = found.lock().unwrap().clone().unwrap();
    let pdf = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(pdf.starts_with(b"%PDF"), "{path}");
    assert!(zhurnal_service::view::pdf_pages(&pdf) > 5, "{path}");
    // Beside the school file, in its pdf/ folder.
    assert!(
        Path::new(&path).starts_with(dir.path().join("pdf")),
        "{path}"
    );
}

/// Presses the window's close button (WM_DELETE_WINDOW, as a window manager sends it).
fn press_close_button() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/x11-close.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .output()
        .expect("python3 runs scripts/x11-close.py");
    assert!(
        out.status.success(),
        "x11-close: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Waits until the app has gone (its WebDriver session answers no more).
async fn wait_gone(c: &fantoccini::Client) {
    for _ in 0..200 {
        if c.execute("return 1", vec![]).await.is_err() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the window did not close");
}

/// The bell rings: the teacher types the last mark and closes the window. A mark is stored
/// before the window closes; an entry that is not a mark makes the window ask first.
#[tokio::test]
async fn the_mark_typed_when_the_window_is_closed_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    let teacher = who.algebra_teacher.clone();
    let period = std::sync::Arc::new(std::sync::Mutex::new(None));
    let out = period.clone();
    with_app(&db, |c| async move {
        choose_profile(&c, &who.algebra_teacher).await;
        open_journal(&c, "7Б", "Алгебра", "write").await;
        click_cell(&c, 0, 0).await;
        let input = wait_id(&c, "grid-input", 10).await;
        let mark = if cell_text(&c, 0, 0).await == "4" { "3" } else { "4" };
        *out.lock().unwrap() = Some((shown_period(&c).await, mark));
        // «7» is no mark: the window asks, and «Вернуться» keeps the entry on screen.
        input.send_keys("7").await.unwrap();
        press_close_button();
        wait_id(&c, "close-question", 10).await;
        let left = text_content(&c, &testid("close-left")).await;
        assert!(left.contains("«7»"), "{left}");
        click_id(&c, "close-stay").await;
        assert_eq!(cell_text(&c, 0, 0).await, "7");
        // Esc drops it; the real mark is typed, and the window closed before Enter.
        let input = wait_id(&c, "grid-input", 10).await;
        input.send_keys(&format!("\u{E00C}{mark}")).await.unwrap();
        press_close_button();
        wait_gone(&c).await;
    })
    .await;
    let (period, mark) = period.lock().unwrap().unwrap();
    assert_eq!(row_in_file(&db, &teacher, "Алгебра", period, 1), [mark]);
}

/// Undo says what it put back and puts the cursor there; another person who takes the
/// computer gets a screen of her own, with nothing of the previous person's journal.
#[tokio::test]
async fn undo_says_what_it_did_and_another_person_starts_clean() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    with_app(&db, |c| async move {
        choose_profile(&c, &who.algebra_teacher).await;
        open_journal(&c, "7Б", "Алгебра", "write").await;
        click_cell(&c, 0, 1).await;
        let before = cell_text(&c, 0, 1).await;
        let mark = if before == "3" { "2" } else { "3" };
        let input = wait_id(&c, "grid-input", 10).await;
        input.send_keys(&format!("{mark}\u{E007}")).await.unwrap();
        wait_saved(&c).await;
        click_cell(&c, 3, 4).await;
        let input = wait_id(&c, "grid-input", 10).await;
        input.send_keys("\u{E009}z\u{E000}").await.unwrap();
        wait_saved(&c).await;
        let start = std::time::Instant::now();
        let hint = loop {
            let h = text_content(&c, &testid("grid-hint")).await;
            if h.starts_with("Отменено") || start.elapsed().as_secs() > 10 {
                break h;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        let date = wait_id(&c, "lesson-1", 10).await.attr("title").await.unwrap().unwrap();
        let date = date.split(' ').next().unwrap().to_string();
        assert!(hint.starts_with("Отменено: ") && hint.contains(&format!("урок {date}")), "{hint}");
        assert_eq!(cell_text(&c, 0, 1).await, before);
        let cur = wait_id(&c, "cell-0-1", 10).await.attr("class").await.unwrap().unwrap();
        assert!(cur.contains("cur"), "the cursor is on the cell undone: {cur}");

        // «сменить»: the current person is chosen already, and «Отмена» is there.
        click_id(&c, "profile-change").await;
        wait_id(&c, "profile-cancel", 10).await;
        let chosen = wait_id(&c, "profile-select", 10).await.prop("value").await.unwrap();
        assert_eq!(chosen.as_deref(), Some(who.algebra_teacher.as_str()));
        choose_profile(&c, &who.class_teacher).await;
        let page = text_content(&c, "main").await;
        assert!(!page.contains("не доступен"), "{page}");
        for gone in ["grid", "add-lesson", "lesson-panel"] {
            assert!(
                c.find(fantoccini::Locator::Css(&testid(gone))).await.is_err(),
                "{gone} of the previous person is still on screen"
            );
        }
    })
    .await;
}
