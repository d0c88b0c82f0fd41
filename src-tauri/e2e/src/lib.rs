//! The harness of the end-to-end stories, the screenshots and the app benchmark: the built
//! `zhurnal-app` started by tauri-driver (WebKitWebDriver underneath) on a school file of its
//! own, driven through the DOM with fantoccini. Elements are found by the `data-testid`s listed
//! in ui/TESTIDS.md.
//!
//! `scripts/e2e.sh` starts Xvfb and tauri-driver and passes `ZHURNAL_E2E_DRIVER` (the driver's
//! URL) and `ZHURNAL_E2E_APP` (the binary).

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zhurnal_service::view::{Access, App};

pub use fantoccini;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the end-to-end stories with scripts/e2e.sh")
    })
}

/// Starts the app on the school file `db` (a new process with a new window).
pub async fn start(db: &Path) -> Client {
    start_with(db, &[]).await
}

/// [`start`] with more arguments for the app (`--compositing=on`).
pub async fn start_with(db: &Path, extra: &[&str]) -> Client {
    let mut args = vec!["--db".to_string(), db.to_str().unwrap().to_string()];
    args.extend(extra.iter().map(|a| a.to_string()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        json!({"application": env("ZHURNAL_E2E_APP"), "args": args}),
    );
    caps.insert("browserName".into(), json!("wry"));
    // tauri-driver answers before the WebKitWebDriver it started listens: a new session can
    // then fail to reach it ("client error (Connect)"), with no app started. Try again.
    let mut last = None;
    for _ in 0..20 {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&env("ZHURNAL_E2E_DRIVER"))
            .await
        {
            Ok(c) => return c,
            Err(e) => {
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
    panic!("tauri-driver does not start the app: {last:?}")
}

/// Runs `body` against the app started on `db`, and ends the session (and with it the app)
/// whatever happens in `body`, so that a failed story leaves no window behind.
pub async fn with_app<F, Fut>(db: &Path, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let c = start(db).await;
    let outcome = tokio::spawn(body(c.clone())).await;
    let _ = c.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// What a window manager would do to the app's window (`close`: its close button; `size W H`),
/// through `scripts/x11-window.py` on the stories' X display.
pub fn x11_window(args: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/x11-window.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .args(args)
        .output()
        .expect("python3 runs scripts/x11-window.py");
    assert!(
        out.status.success(),
        "x11-window {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CSS selector for a `data-testid`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

pub async fn wait(c: &Client, css: &str, secs: u64) -> Element {
    c.wait()
        .at_most(Duration::from_secs(secs))
        .every(Duration::from_millis(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear in {secs} s: {e}"))
}

pub async fn wait_id(c: &Client, id: &str, secs: u64) -> Element {
    wait(c, &testid(id), secs).await
}

pub async fn click_id(c: &Client, id: &str) {
    wait_id(c, id, 20).await.click().await.unwrap();
}

/// Puts the grid's cursor on cell `(r, j)` with a click, the cell scrolled into the middle of
/// the grid first (WebDriver's own scrolling can leave it under the frozen name column).
pub async fn click_cell(c: &Client, r: usize, j: usize) {
    let id = format!("cell-{r}-{j}");
    let cell = wait_id(c, &id, 20).await;
    c.execute(
        "arguments[0].scrollIntoView({block: 'center', inline: 'center'});",
        vec![serde_json::to_value(&cell).unwrap()],
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    cell.click()
        .await
        .unwrap_or_else(|e| panic!("click on {id}: {e}"));
}

/// An element's `textContent` (WebKitWebDriver's *Get Element Text* answers "" for some).
pub async fn text_content(c: &Client, css: &str) -> String {
    let v = c
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
            vec![json!(css)],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().trim().to_string()
}

/// Chooses a `<select>`'s option by value the way a user's choice arrives: the value set and
/// a `change` event (clicking an `<option>` through WebKitWebDriver does not always fire one).
pub async fn choose(c: &Client, id: &str, value: &str) {
    wait_id(c, id, 20).await;
    let ok = c
        .execute(
            "const s = document.querySelector(arguments[0]);
             if (![...s.options].some(o => o.value === arguments[1])) return false;
             s.value = arguments[1];
             s.dispatchEvent(new Event('input', {bubbles: true}));
             s.dispatchEvent(new Event('change', {bubbles: true}));
             return true;",
            vec![json!(testid(id)), json!(value)],
        )
        .await
        .unwrap();
    assert_eq!(ok, json!(true), "{id} has no option {value}");
}

/// Waits until every typed edit is durable (the grid says so).
pub async fn wait_saved(c: &Client) {
    let start = Instant::now();
    // «Saved» as it stays for half a second: keys just sent may not have turned it to
    // «pending» yet on a loaded machine (the window renders the next frame later).
    let mut saved_since: Option<Instant> = None;
    loop {
        let s = wait_id(c, "save-status", 10).await;
        if s.attr("data-state").await.unwrap().as_deref() == Some("saved") {
            let since = *saved_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= Duration::from_millis(500) {
                return;
            }
        } else {
            saved_since = None;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "edits not saved");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn cell_text(c: &Client, r: usize, j: usize) -> String {
    text_content(c, &testid(&format!("cell-{r}-{j}"))).await
}

/// Chooses the profile with this staff id on the screen after the school, and waits for the
/// journal list.
pub async fn choose_profile(c: &Client, staff_id: &str) {
    wait_id(c, "profile-picker", 60).await;
    choose(c, "profile-select", staff_id).await;
    click_id(c, "profile-confirm").await;
    wait_journals(c).await;
}

/// The journal list is shown (own journals, or only the class's journals to read).
pub async fn wait_journals(c: &Client) {
    wait(c, "[data-testid^=\"journal-\"][data-class]", 60).await;
}

/// Opens a journal from the list and waits for its grid.
pub async fn open_journal(c: &Client, class: &str, subject: &str, access: &str) {
    let css = format!(
        "[data-testid^=\"journal-\"][data-class=\"{class}\"][data-subject=\"{subject}\"][data-access=\"{access}\"]"
    );
    wait(c, &css, 30).await.click().await.unwrap();
    wait_id(c, "cell-0-0", 30).await;
}

/// Who is who in 7Б, read from the school file itself.
pub struct People {
    /// Teaches algebra in 7Б (the whole class, no subgroups).
    pub algebra_teacher: String,
    /// The class teacher of 7Б.
    pub class_teacher: String,
    /// A subject of 7Б the class teacher does not teach (read only to him).
    pub other_subject: String,
}

pub fn people(db: &Path) -> People {
    // Choosing profiles is remembered in the school file: ask a copy of it, so that the app
    // still starts on the profile picker.
    let scratch = tempfile::tempdir().unwrap();
    let copy = scratch.path().join("copy.sqlite3");
    std::fs::copy(db, &copy).unwrap();
    let wal = db.with_extension("sqlite3-wal");
    if wal.exists() {
        std::fs::copy(&wal, copy.with_extension("sqlite3-wal")).unwrap();
    }
    let mut app = App::open(&copy).unwrap();
    let staff = app.staff_list().unwrap();
    let class_teacher = staff
        .iter()
        .find(|s| s.description.contains("классный руководитель 7Б"))
        .expect("7Б has a class teacher")
        .id
        .clone();
    let mut algebra_teacher = None;
    for s in &staff {
        app.set_profile(&s.id, None).unwrap();
        let journals = app.my_journals().unwrap();
        if journals.iter().any(|j| {
            j.class_name == "7Б"
                && j.subject_name == "Алгебра"
                && j.subgroup.is_none()
                && j.access == Access::Write
        }) {
            algebra_teacher = Some(s.id.clone());
            break;
        }
    }
    app.set_profile(&class_teacher, None).unwrap();
    let other_subject = app
        .my_journals()
        .unwrap()
        .into_iter()
        .find(|j| j.class_name == "7Б" && j.access == Access::Read && j.subgroup.is_none())
        .map(|j| j.subject_name)
        .expect("the class teacher reads another teacher's subject");
    drop(app);
    People {
        algebra_teacher: algebra_teacher.expect("7Б has an algebra teacher"),
        class_teacher,
        other_subject,
    }
}

/// A demo school with one class, 7Б, in `dir` (quicker than the whole demo school).
pub fn demo_school(dir: &Path) -> PathBuf {
    let db = dir.join("school.sqlite3");
    let options = zhurnal_service::DemoOptions {
        classes: vec![(7, "Б".into())],
        ..Default::default()
    };
    zhurnal_service::create_demo(&db, 1, &options).unwrap();
    db
}

/// A school server on 127.0.0.1:0 with 7Б until the end of September and two accounts: the
/// algebra teacher's, and another teacher's made without a password.
pub struct SchoolServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The staff id of the account `algebra`.
    pub teacher: String,
    /// The one-time password of the account `physics`, another teacher of 7Б (made without a
    /// password).
    pub one_time: String,
    http: zhurnal_testkit::TestServer,
    _dir: tempfile::TempDir,
}

pub const PASSWORD: &str = "секретный-пароль";

impl SchoolServer {
    pub fn start() -> Self {
        use zhurnal_server::{NewAccount, Person, SchoolServer as Storage};
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("server.db");
        zhurnal_testkit::small_school(&db);
        let server = std::sync::Arc::new(Storage::open(&db).unwrap());
        let (teacher, physics) = {
            let mut st = server.storage();
            let school = st.school().unwrap();
            let class = school.class_by_name("7Б").unwrap().clone();
            let algebra = school.subject_by_name("Алгебра").unwrap().id;
            let teacher = class.teaches(algebra).unwrap().teacher;
            // Another teacher of the class.
            let physics = class
                .subjects
                .iter()
                .map(|s| s.teacher)
                .find(|t| *t != teacher)
                .unwrap();
            (teacher, physics)
        };
        server
            .add_account(&NewAccount {
                login: "algebra".into(),
                password: Some(PASSWORD.into()),
                person: Person::Staff(teacher),
            })
            .unwrap();
        let (_, one_time) = server
            .add_account(&NewAccount {
                login: "physics".into(),
                password: None,
                person: Person::Staff(physics),
            })
            .unwrap();
        let http = zhurnal_testkit::TestServer::serve(server);
        SchoolServer {
            base: http.url(),
            teacher: teacher.to_string(),
            one_time: one_time.expect("an account without a password gets a one-time one"),
            http,
            _dir: dir,
        }
    }

    pub fn stop(&mut self) {
        self.http.stop();
    }
}
