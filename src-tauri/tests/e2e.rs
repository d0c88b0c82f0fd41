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
    app.set_profile(staff, None).unwrap();
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
    app.set_profile(&teacher, None).unwrap();
    assert!(app
        .my_journals()
        .unwrap()
        .iter()
        .any(|j| j.subject_name == subject && j.access == Access::Read));
    drop(app);
    assert_eq!(row_in_file(&db, &teacher, &subject, period, 3), before);
}

/// The class teacher makes the quarterly copy on the reports page, finds the PDF, and saves a
/// copy: never onto the document itself, and not over a file without asking.
#[tokio::test]
async fn a_quarterly_copy_from_the_reports_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let dest = dir.path().join("Документы").join("копия.pdf");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
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
        *out.lock().unwrap() = Some(path.clone());

        // «Сохранить» onto the document itself is refused and the document is intact.
        let size = std::fs::metadata(&path).unwrap().len();
        set_field(&c, "report-dest", &path).await;
        click_id(&c, "report-save").await;
        let note = wait_text(&c, "report-note").await;
        assert!(!note.starts_with("Сохранено"), "{note}");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), size, "{note}");
        // A copy elsewhere; the second time the window asks before replacing it.
        let copy = dest.to_str().unwrap().to_string();
        set_field(&c, "report-dest", &copy).await;
        click_id(&c, "report-save").await;
        // The refusal above may still be on screen for a moment: wait for this answer.
        let note = wait_text_where(&c, "report-note", |t| t.starts_with("Сохранено")).await;
        assert!(note.starts_with("Сохранено"), "{note}");
        std::fs::write(&copy, b"an older file").unwrap();
        click_id(&c, "report-save").await;
        wait_id(&c, "report-replace", 10).await;
        assert_eq!(std::fs::read(&copy).unwrap(), b"an older file");
        click_id(&c, "report-replace-yes").await;
        let start = std::time::Instant::now();
        while std::fs::metadata(&copy).unwrap().len() != size {
            assert!(start.elapsed().as_secs() < 20, "the file was not replaced");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(std::fs::metadata(&copy).unwrap().len(), size);
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
    x11_window(&["close"]);
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
        let mark = if cell_text(&c, 0, 0).await == "4" {
            "3"
        } else {
            "4"
        };
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
        let date = wait_id(&c, "lesson-1", 10)
            .await
            .attr("title")
            .await
            .unwrap()
            .unwrap();
        let date = date.split(' ').next().unwrap().to_string();
        assert!(
            hint.starts_with("Отменено: ") && hint.contains(&format!("урок {date}")),
            "{hint}"
        );
        assert_eq!(cell_text(&c, 0, 1).await, before);
        let cur = wait_id(&c, "cell-0-1", 10)
            .await
            .attr("class")
            .await
            .unwrap()
            .unwrap();
        assert!(
            cur.contains("cur"),
            "the cursor is on the cell undone: {cur}"
        );

        // «сменить»: the current person is chosen already, and «Отмена» is there.
        click_id(&c, "profile-change").await;
        wait_id(&c, "profile-cancel", 10).await;
        let chosen = wait_id(&c, "profile-select", 10)
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(chosen.as_deref(), Some(who.algebra_teacher.as_str()));
        choose_profile(&c, &who.class_teacher).await;
        let page = text_content(&c, "main").await;
        assert!(!page.contains("не доступен"), "{page}");
        for gone in ["grid", "add-lesson", "lesson-panel"] {
            assert!(
                c.find(fantoccini::Locator::Css(&testid(gone)))
                    .await
                    .is_err(),
                "{gone} of the previous person is still on screen"
            );
        }
    })
    .await;
}

/// Types into a text field as a person does: everything in it selected, then the new text key
/// by key.
async fn set_field(c: &fantoccini::Client, id: &str, text: &str) {
    let field = wait_id(c, id, 10).await;
    field.click().await.unwrap();
    // Each its own sequence: a key sequence releases its modifiers only at its end.
    field.send_keys("\u{E009}a").await.unwrap();
    field.send_keys("\u{E003}").await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// The text of an element once it has some.
async fn wait_text(c: &fantoccini::Client, id: &str) -> String {
    let start = std::time::Instant::now();
    loop {
        let t = text_content(c, &testid(id)).await;
        if !t.is_empty() || start.elapsed().as_secs() > 20 {
            return t;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The text of an element once it says what `done` looks for (or what it says after 20 s).
async fn wait_text_where(c: &fantoccini::Client, id: &str, done: impl Fn(&str) -> bool) -> String {
    let start = std::time::Instant::now();
    loop {
        let t = text_content(c, &testid(id)).await;
        if done(&t) || start.elapsed().as_secs() > 20 {
            return t;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Waits until an element says exactly `expected` (an earlier message may be there first).
async fn wait_for_text(c: &fantoccini::Client, id: &str, expected: &str) {
    let start = std::time::Instant::now();
    loop {
        let t = text_content(c, &testid(id)).await;
        if t == expected {
            return;
        }
        assert!(
            start.elapsed().as_secs() < 20,
            "{id} says «{t}», not «{expected}»"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A departure typed in full is kept as typed: a date outside the school year is refused and
/// nothing changes; the entry is corrected, then cancelled, and the pupil is on the list again
/// with his marks.
#[tokio::test]
async fn a_departure_typed_in_full_is_refused_corrected_and_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    let teacher = who.class_teacher.clone();
    let chosen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let out = chosen.clone();
    let marks_before = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let before = marks_before.clone();
    let dir_path = db.clone();
    with_app(&db, |c| async move {
        choose_profile(&c, &who.class_teacher).await;
        click_id(&c, "nav-class").await;
        click_id(&c, "class-tab-movement").await;
        wait_id(&c, "movement-student", 20).await;
        let first = c
            .execute(
                "return document.querySelector(arguments[0]).options[1].value;",
                vec![serde_json::json!(testid("movement-student"))],
            )
            .await
            .unwrap();
        let student = first.as_str().unwrap().to_string();
        *out.lock().unwrap() = student.clone();
        let marks = {
            let mut app = App::open(db_copy(&dir_path)).unwrap();
            app.set_profile(&who.algebra_teacher, None).unwrap();
            row_marks(&mut app, &student)
        };
        *before.lock().unwrap() = marks;
        choose(&c, "movement-student", &student).await;
        choose(&c, "movement-kind", "departure").await;
        set_field(&c, "movement-order", "12").await;

        // Typed key by key, the date is what was typed, and out of the year it is refused.
        set_field(&c, "movement-date", "15.05.2020").await;
        let shown = wait_id(&c, "movement-date", 10)
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(shown.as_deref(), Some("15.05.2020"));
        click_id(&c, "movement-save").await;
        let note = wait_text(&c, "movement-note").await;
        assert!(!note.starts_with("Записано"), "{note}");
        assert!(c
            .find(fantoccini::Locator::Css("[data-testid^=\"movement-row-\"]"))
            .await
            .is_err());

        set_field(&c, "movement-date", "15.05.2026").await;
        let shown = wait_id(&c, "movement-date", 10)
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(shown.as_deref(), Some("15.05.2026"));
        click_id(&c, "movement-save").await;
        wait_for_text(&c, "movement-note", "Записано").await;
        let row = wait(&c, "[data-testid^=\"movement-row-\"]", 10).await;
        let id = row.attr("data-testid").await.unwrap().unwrap();
        let id = id.trim_start_matches("movement-row-").to_string();
        assert!(text_content(&c, &testid(&format!("movement-row-{id}")))
            .await
            .contains("15.05.2026"));

        // Corrected: the new date, the entry's history kept.
        click_id(&c, &format!("movement-edit-{id}")).await;
        set_field(&c, "movement-date", "20.05.2026").await;
        click_id(&c, "movement-save").await;
        wait_for_text(&c, "movement-note", "Запись исправлена").await;
        assert!(text_content(&c, &testid(&format!("movement-row-{id}")))
            .await
            .contains("20.05.2026"));

        // Cancelled, after «Да».
        click_id(&c, &format!("movement-cancel-{id}")).await;
        click_id(&c, &format!("movement-cancel-yes-{id}")).await;
        wait_id(&c, &format!("movement-cancelled-{id}"), 10).await;
    })
    .await;

    // In the file: on the roll all year again, every mark where it was.
    let student = chosen.lock().unwrap().clone();
    let mut app = App::open(&db).unwrap();
    app.set_profile(&teacher, None).unwrap();
    let class = app
        .my_journals()
        .unwrap()
        .into_iter()
        .find(|j| j.class_name == "7Б")
        .unwrap()
        .class_id;
    let roster = app.roster(&class).unwrap();
    let s = roster.students.iter().find(|s| s.id == student).unwrap();
    assert!(s.movements.is_empty(), "{:?}", s.movements);
    drop(app);
    let mut app = App::open(&db).unwrap();
    let algebra = people(&db).algebra_teacher;
    app.set_profile(&algebra, None).unwrap();
    let marks = row_marks(&mut app, &student);
    assert!(!marks.is_empty());
    assert_eq!(marks, *marks_before.lock().unwrap());
}

/// A copy of a school file that the app has open (the file, and its write-ahead log).
fn db_copy(db: &Path) -> std::path::PathBuf {
    let copy = db.with_file_name("copy-for-reading.sqlite3");
    std::fs::copy(db, &copy).unwrap();
    let wal = db.with_extension("sqlite3-wal");
    if wal.exists() {
        std::fs::copy(&wal, copy.with_extension("sqlite3-wal")).unwrap();
    }
    copy
}

/// Every cell of a student in 7Б's algebra in the 4th quarter (the departure's), as stored.
fn row_marks(app: &mut App, student: &str) -> Vec<String> {
    let j = app
        .my_journals()
        .unwrap()
        .into_iter()
        .find(|j| j.class_name == "7Б" && j.subject_name == "Алгебра" && j.subgroup.is_none())
        .unwrap();
    let grid = app
        .grid(&j.class_id, &j.subject_id, None, Period::Q4)
        .unwrap();
    let mut cells: Vec<String> = grid
        .cells
        .iter()
        .filter(|c| c.student == student)
        .map(|c| format!("{} {}", c.lesson, c.text))
        .collect();
    cells.sort();
    cells
}

/// Opens 7Б's algebra at the first quarter: the test server's school has lessons in September
/// only.
async fn open_september(c: &fantoccini::Client) {
    wait(
        c,
        "[data-testid^=\"journal-\"][data-class=\"7Б\"][data-subject=\"Алгебра\"][data-access=\"write\"]",
        30,
    )
    .await
    .click()
    .await
    .unwrap();
    choose(c, "period-select", "Q1").await;
    wait_id(c, "cell-0-0", 30).await;
}

/// Logs in on the form shown (first start or the sync page).
async fn log_in(c: &fantoccini::Client, server: &str, login: &str, password: &str) {
    set_field(c, "login-server", server).await;
    set_field(c, "login-name", login).await;
    set_field(c, "login-password", password).await;
    click_id(c, "login-submit").await;
}

/// A teacher's first start on her own laptop: «Подключиться к серверу школы» with the address,
/// login and password from the slip; a wrong password is said so; then the school comes from
/// the real server and she works in her journal, with no command typed anywhere.
#[tokio::test]
async fn first_start_with_the_schools_own_server() {
    let server = SchoolServer::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zhurnal.sqlite3");
    let base = server.base.clone();
    with_app(&db, |c| async move {
        wait_id(&c, "start-server", 60).await;
        log_in(&c, &base, "algebra", "не тот").await;
        let e = wait_text(&c, "login-error").await;
        assert!(e.starts_with("Неверный"), "{e}");
        log_in(&c, &base, "algebra", PASSWORD).await;
        wait_journals(&c).await;
        open_september(&c).await;
        let page = text_content(&c, "body").await;
        assert!(
            !page.contains("--db") && !page.contains("zhurnal "),
            "{page}"
        );
    })
    .await;
    let mut app = App::open(&db).unwrap();
    let st = app.state().unwrap();
    assert!(st.has_school && st.sync.configured, "{st:?}");
    assert_eq!(st.profile.unwrap().id, server.teacher);
}

/// A computer where the demo school was tried: the teacher logs in on «Синхронизация»; her
/// school opens from a new file, the demo stays as it was, and «открыть» brings it back.
#[tokio::test]
async fn the_demo_is_kept_when_the_real_school_arrives() {
    let server = SchoolServer::start();
    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    let base = server.base.clone();
    let demo_before = std::fs::metadata(&db).unwrap().len();
    with_app(&db, |c| async move {
        choose_profile(&c, &who.class_teacher).await;
        click_id(&c, "nav-sync").await;
        log_in(&c, &base, "algebra", PASSWORD).await;
        wait_id(&c, "schools", 60).await;
        let list = text_content(&c, &testid("schools")).await;
        assert!(list.contains("создана на этом компьютере"), "{list}");
        assert!(list.contains(&base), "{list}");
        let demo = c
            .execute(
                "return [...document.querySelectorAll('[data-testid^=\"school-open-\"]')].map(e => e.dataset.testid);",
                vec![],
            )
            .await
            .unwrap();
        let demo = demo[0].as_str().unwrap().to_string();
        click_id(&c, "nav-journals").await;
        open_september(&c).await;
        click_id(&c, "nav-sync").await;
        click_id(&c, &demo).await;
        // The demo again, with its own people and no server.
        wait_id(&c, "login-form", 30).await;
        let name = text_content(&c, &testid("profile-name")).await;
        assert!(!name.is_empty(), "the demo's profile is back");
    })
    .await;
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".sqlite3"))
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let real = files
        .iter()
        .find(|n| n.starts_with("school-127.0.0.1"))
        .unwrap();
    let mut app = App::open(dir.path().join(real)).unwrap();
    assert!(app.state().unwrap().sync.configured);
    let mut demo = App::open(&db).unwrap();
    let st = demo.state().unwrap();
    assert!(st.has_school && !st.sync.configured, "{st:?}");
    assert!(std::fs::metadata(&db).unwrap().len() >= demo_before);
}

/// The algebra teacher of a shared computer: her PIN is asked at start; «Сегодня» lists her
/// lessons of the day, one of them a timetable slot not yet in the journal, which one click
/// writes and opens; «Итоговые отметки» gives the one student without a quarter mark the
/// suggested one; two pages of a document go to the printer (a printer that keeps its jobs,
/// from scripts/e2e.sh).
#[tokio::test]
async fn a_shared_computer_today_the_quarter_marks_and_two_pages() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_school(dir.path());
    let who = people(&db);
    // Before the start, in the file: her PIN; today's (the year's last day's) first algebra
    // lesson moved to the day before, so its slot is empty; one student's quarter mark removed.
    let (slot_number, student, name) = {
        let mut app = App::open(&db).unwrap();
        app.set_profile(&who.algebra_teacher, None).unwrap();
        let name = app
            .set_pin(None, Some("2468"))
            .unwrap()
            .profile
            .unwrap()
            .name;
        let week = app.week(None).unwrap();
        let today = week.days.iter().find(|d| d.date == week.today).unwrap();
        let slot = today
            .lessons
            .iter()
            .find(|l| l.journal.class_name == "7Б" && l.journal.subject_name == "Алгебра")
            .expect("algebra in 7Б on the year's last day")
            .clone();
        let j = slot.journal.clone();
        app.save_lesson(
            &j.class_id,
            &j.subject_id,
            slot.lesson.as_deref().unwrap(),
            &zhurnal_service::view::LessonEdit {
                date: "2026-05-25".into(),
                topic: "Перенесённый урок".into(),
                homework: String::new(),
            },
        )
        .unwrap();
        let grid = app
            .grid(&j.class_id, &j.subject_id, None, Period::Q4)
            .unwrap();
        let s = grid.students.iter().find(|s| s.on_roll).unwrap().clone();
        app.set_final(&j.class_id, &j.subject_id, &s.id, Period::Q4, "")
            .unwrap();
        (slot.number, s, name)
    };
    let printed = std::env::var("ZHURNAL_E2E_PRINTED").expect("scripts/e2e.sh's printer");
    let _ = std::fs::remove_file(&printed);
    let number = student.number;
    let teacher = who.algebra_teacher.clone();
    with_app(&db, |c| async move {
        wait_id(&c, "lock-screen", 60).await;
        assert_eq!(text_content(&c, &testid("lock-name")).await, name);
        set_field(&c, "lock-pin", "1111").await;
        click_id(&c, "lock-enter").await;
        wait_for_text(&c, "lock-error", "Неверный PIN-код").await;
        set_field(&c, "lock-pin", "2468").await;
        click_id(&c, "lock-enter").await;
        wait_id(&c, "today-lessons", 30).await;
        assert_eq!(
            text_content(&c, &testid("today-title")).await,
            "Последний день учебного года: вторник, 26 мая"
        );
        let slot = wait(
            &c,
            &format!(
                "[data-testid^=\"week-lesson-2026-05-26-\"][data-class=\"7Б\"][data-subject=\"Алгебра\"][data-number=\"{slot_number}\"]"
            ),
            10,
        )
        .await;
        assert_eq!(slot.attr("data-written").await.unwrap().as_deref(), Some("false"));
        slot.click().await.unwrap();
        wait_id(&c, "grid-input", 30).await;
        let start = std::time::Instant::now();
        loop {
            let date = wait_id(&c, "lesson-date", 10).await.prop("value").await.unwrap();
            if date.as_deref() == Some("26.05.2026") {
                break;
            }
            assert!(start.elapsed().as_secs() < 20, "the lesson panel shows {date:?}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }

        // The quarter marks side by side: only the student without one is ticked.
        click_id(&c, "finals-open").await;
        wait_id(&c, "finals", 20).await;
        let ticked: Vec<serde_json::Value> = c
            .execute(
                "return [...document.querySelectorAll('[data-testid^=\"finals-tick-\"]')].filter(t => t.checked).map(t => t.dataset.testid);",
                vec![],
            )
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(ticked, vec![serde_json::json!(format!("finals-tick-{number}"))]);
        let suggested = text_content(&c, &testid(&format!("finals-suggested-{number}"))).await;
        click_id(&c, "finals-accept").await;
        wait_for_text(&c, "finals-done", "Выставлено: 1 отметка").await;
        assert_eq!(text_content(&c, &testid(&format!("finals-mark-{number}"))).await, suggested);
        click_id(&c, "finals-close").await;

        // Two pages of the quarter's copy to the printer.
        click_id(&c, "nav-reports").await;
        choose(&c, "report-kind", "period-copy").await;
        click_id(&c, "report-make").await;
        wait_id(&c, "report-path", 180).await;
        set_field(&c, "report-pages", "99").await;
        click_id(&c, "report-print").await;
        let note = wait_text(&c, "report-note").await;
        assert!(note.starts_with("В документе"), "{note}");
        set_field(&c, "report-pages", "2–3").await;
        click_id(&c, "report-print").await;
        wait_for_text(&c, "report-note", "Страницы 2–3 отправлены на печать").await;
    })
    .await;

    // In the file: one lesson in the slot, dated today, and the student's quarter mark.
    let mut app = App::open(&db).unwrap();
    app.set_profile(&teacher, Some("2468")).unwrap();
    let week = app.week(None).unwrap();
    let today = week.days.iter().find(|d| d.date == week.today).unwrap();
    let in_slot: Vec<_> = today
        .lessons
        .iter()
        .filter(|l| {
            l.journal.class_name == "7Б"
                && l.journal.subject_name == "Алгебра"
                && l.number == slot_number
        })
        .collect();
    assert_eq!(in_slot.len(), 1, "{in_slot:?}");
    assert!(in_slot[0].lesson.is_some());
    let j = in_slot[0].journal.clone();
    let grid = app
        .grid(&j.class_id, &j.subject_id, None, Period::Q4)
        .unwrap();
    let f = grid
        .finals
        .iter()
        .find(|f| f.student == student.id)
        .unwrap();
    assert_eq!(f.period_mark, f.suggested);
    // Only the pages asked for were printed; the wrong number printed nothing.
    let jobs = std::fs::read_to_string(&printed).unwrap();
    let jobs: Vec<&str> = jobs.lines().collect();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert!(jobs[0].starts_with("-P 2-3 -- "), "{jobs:?}");
}
