//! The commands through Tauri's own IPC path, on the mock runtime (no display): arguments go
//! in as the front end sends them (JSON, both spellings of each name) and come back as JSON.

use super::setup;
use serde_json::{json, Value};
use std::path::Path;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Listener, WebviewWindow, WebviewWindowBuilder};
use zhurnal_service::view::App;

struct Window {
    _app: tauri::App<tauri::test::MockRuntime>,
    webview: WebviewWindow<tauri::test::MockRuntime>,
}

fn open(db: &Path) -> Window {
    let app = setup(mock_builder(), App::open_or_problem(db))
        .build(mock_context(noop_assets()))
        .expect("app builds");
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window builds");
    Window { _app: app, webview }
}

/// Sends `args` as the UI's `args()` does: each key in snake_case and in camelCase.
fn call(w: &Window, cmd: &str, args: Value) -> Result<Value, Value> {
    let mut both = serde_json::Map::new();
    for (k, v) in args.as_object().cloned().unwrap_or_default() {
        let camel: String = k
            .split('_')
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    p.to_string()
                } else {
                    let mut c = p.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                }
            })
            .collect();
        both.insert(camel, v.clone());
        both.insert(k, v);
    }
    get_ipc_response(
        &w.webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(Value::Object(both)),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

fn ok(w: &Window, cmd: &str, args: Value) -> Value {
    call(w, cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

fn str_of(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

/// The demo school is opened from an empty file; a teacher's mark is in the file after the
/// app is closed and opened again; the class teacher's attempt at another subject is refused
/// with `read_only` and changes nothing; a quarterly copy is made with progress events.
#[test]
fn the_demo_school_from_first_start_to_a_paper_copy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zhurnal").join("zhurnal.sqlite3");
    let w = open(&db);

    let state = ok(&w, "app_state", json!({}));
    assert_eq!(state["has_school"], false);
    assert_eq!(state["sync"]["configured"], false);
    let e = call(&w, "my_journals", json!({})).unwrap_err();
    assert_eq!(e["code"], "no_profile", "{e}");

    let state = ok(&w, "open_demo", json!({}));
    assert_eq!(state["has_school"], true);
    assert!(
        state["school"].as_str().unwrap().contains("Берёзовская"),
        "{state}"
    );
    // A second click opens the same school: nothing made twice.
    let again = ok(&w, "open_demo", json!({}));
    assert_eq!(again["db_path"], state["db_path"]);
    assert_eq!(
        std::fs::read_dir(db.parent().unwrap())
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "sqlite3"))
            .count(),
        1
    );

    // The algebra teacher of 7Б.
    let staff = ok(&w, "staff_list", json!({}));
    let staff = staff.as_array().unwrap();
    assert!(staff.len() >= 15, "{} staff", staff.len());
    let mut teacher = None;
    for s in staff {
        ok(&w, "set_profile", json!({"staff_id": s["id"]}));
        let journals = ok(&w, "my_journals", json!({}));
        if let Some(j) = journals.as_array().unwrap().iter().find(|j| {
            j["class_name"] == "7Б" && j["subject_name"] == "Алгебра" && j["access"] == "write"
        }) {
            teacher = Some((s["id"].clone(), j.clone()));
            break;
        }
    }
    let (teacher, journal) = teacher.expect("someone teaches algebra in 7Б");
    ok(&w, "set_profile", json!({"staff_id": teacher}));
    let class_id = journal["class_id"].clone();
    let subject_id = journal["subject_id"].clone();
    let grid = ok(
        &w,
        "grid",
        json!({"class_id": class_id, "subject_id": subject_id, "subgroup": null, "period": "Q2"}),
    );
    assert_eq!(grid["access"], "write");
    let lesson = str_of(&grid["lessons"][0]["id"]);
    let student = str_of(&grid["students"][0]["id"]);
    let r = ok(
        &w,
        "set_cell",
        json!({"class_id": class_id, "subject_id": subject_id, "lesson_id": lesson,
               "student_id": student, "input": "5 4"}),
    );
    assert_eq!(r["cell"]["text"], "5 4");
    assert_eq!(r["period"], "Q2");
    assert!(r["final"]["average"].is_number(), "{r}");
    let e = call(
        &w,
        "set_cell",
        json!({"class_id": class_id, "subject_id": subject_id, "lesson_id": lesson,
               "student_id": student, "input": "7"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid");
    assert!(e["message"].as_str().unwrap().contains('7'), "{e}");
    drop(w);

    // Closed and opened again: the mark is there and the profile remembered.
    let w = open(&db);
    let state = ok(&w, "app_state", json!({}));
    assert_eq!(state["profile"]["id"], teacher);
    let grid = ok(
        &w,
        "grid",
        json!({"class_id": class_id, "subject_id": subject_id, "subgroup": null, "period": "Q2"}),
    );
    let cell = grid["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["lesson"] == lesson.as_str() && c["student"] == student.as_str())
        .cloned()
        .expect("the cell is stored");
    assert_eq!(cell["text"], "5 4");

    // The class teacher of 7Б reads algebra but cannot write it (unless he teaches it).
    let mut class_teacher = None;
    for s in ok(&w, "staff_list", json!({})).as_array().unwrap() {
        if s["description"]
            .as_str()
            .unwrap()
            .contains("классный руководитель 7Б")
        {
            class_teacher = Some(s["id"].clone());
        }
    }
    let class_teacher = class_teacher.expect("7Б has a class teacher");
    ok(&w, "set_profile", json!({"staff_id": class_teacher}));
    let journals = ok(&w, "my_journals", json!({}));
    let read = journals
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["class_name"] == "7Б" && j["access"] == "read")
        .cloned()
        .expect("the class teacher reads another subject");
    let args = json!({"class_id": read["class_id"], "subject_id": read["subject_id"],
                      "subgroup": read["subgroup"], "period": "Q1"});
    let before = ok(&w, "grid", args.clone());
    assert_eq!(before["access"], "read");
    let e = call(
        &w,
        "set_cell",
        json!({"class_id": read["class_id"], "subject_id": read["subject_id"],
               "lesson_id": before["lessons"][0]["id"], "student_id": before["students"][0]["id"],
               "input": "2"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "read_only", "{e}");
    assert_eq!(ok(&w, "grid", args), before);

    // A quarterly copy, with progress events.
    let progress = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = progress.clone();
    w.webview.listen_any("report-progress", move |e| {
        let p: Value = serde_json::from_str(e.payload()).unwrap();
        seen.lock()
            .unwrap()
            .push((p["done"].as_u64().unwrap(), p["total"].as_u64().unwrap()));
    });
    let r = ok(
        &w,
        "make_report",
        json!({"request": {"kind": "period-copy", "class_id": class_id, "period": "Q1"}}),
    );
    let path = str_of(&r["path"]);
    assert!(path.ends_with(".pdf"), "{path}");
    assert!(path.starts_with(dir.path().join("zhurnal").join("pdf").to_str().unwrap()));
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    assert!(r["pages"].as_u64().unwrap() > 10, "{r}");
    // The reports engine's own progress, section by section, up to its total.
    let seen = progress.lock().unwrap().clone();
    assert!(seen.len() > 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    let (done, total) = *seen.last().unwrap();
    assert!(total > 0 && done == total, "{seen:?}");

    let copy = dir.path().join("copy.pdf");
    ok(
        &w,
        "save_report",
        json!({"path": path, "dest": copy.to_str().unwrap()}),
    );
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
    // Only documents the app made are copied, printed or opened.
    let e = call(
        &w,
        "save_report",
        json!({"path": db.to_str().unwrap(), "dest": copy.to_str().unwrap()}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "report", "{e}");
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);

    // A school made here (the demo) is never enrolled with a server: the server's school
    // would go into a file of its own; with no server there, nothing is left behind.
    let e = call(
        &w,
        "login",
        json!({"server": "http://127.0.0.1:9", "login": "x", "password": "y"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "offline", "{e}");
    assert!(!e["message"].as_str().unwrap().contains("zhurnal"), "{e}");
    assert_eq!(
        ok(&w, "app_state", json!({}))["db_path"],
        db.to_str().unwrap()
    );

    let status = ok(&w, "sync_status", json!({}));
    assert_eq!(status["configured"], false);
    assert_eq!(call(&w, "sync_now", json!({})).unwrap_err()["code"], "sync");
}

/// A damaged or foreign file is reported by every command and left as it was.
#[test]
fn a_foreign_file_is_reported_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zhurnal.sqlite3");
    std::fs::write(&db, b"not a journal").unwrap();
    let w = open(&db);
    let e = call(&w, "app_state", json!({})).unwrap_err();
    assert_eq!(e["code"], "store");
    assert!(!e["message"].as_str().unwrap().is_empty());
    assert_eq!(call(&w, "open_demo", json!({})).unwrap_err(), e);
    assert_eq!(std::fs::read(&db).unwrap(), b"not a journal");
    // The way on: a new file beside it, which opens on the first start; the foreign one stays.
    let st = ok(&w, "new_school_file", json!({}));
    assert_eq!(st["has_school"], false);
    assert!(
        str_of(&st["db_path"]).ends_with("school-new.sqlite3"),
        "{st}"
    );
    assert_eq!(ok(&w, "app_state", json!({}))["db_path"], st["db_path"]);
    assert_eq!(std::fs::read(&db).unwrap(), b"not a journal");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("current-school")).unwrap(),
        "school-new.sqlite3",
        "the next start opens the new file"
    );
}

#[test]
fn the_school_file_can_be_named_on_the_command_line() {
    let args = |a: &[&str]| super::db_from_args(a.iter().map(|s| s.to_string()));
    assert_eq!(
        args(&["--db", "/tmp/a.sqlite3"]),
        Path::new("/tmp/a.sqlite3")
    );
    assert_eq!(args(&["--db=/tmp/b.sqlite3"]), Path::new("/tmp/b.sqlite3"));
    assert_eq!(args(&[]), zhurnal_service::view::default_db_path());
}

#[test]
fn compositing_is_off_unless_asked_for_and_the_users_own_setting_wins() {
    use super::compositing_env;
    let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    if cfg!(target_os = "linux") {
        assert_eq!(
            compositing_env(&a(&[]), false),
            Some(("WEBKIT_DISABLE_COMPOSITING_MODE", "1"))
        );
        assert_eq!(
            compositing_env(&a(&["--db", "x", "--compositing=on"]), false),
            None
        );
    }
    assert_eq!(compositing_env(&a(&["--compositing=on"]), true), None);
}

use zhurnal_e2e::{SchoolServer as Server, PASSWORD};

fn pending(status: &Value) -> u64 {
    status["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["changes"].as_u64().unwrap())
        .sum()
}

/// A new device logs in to a real server, receives the school with its first sync, works as
/// the enrolled teacher, sends a mark, carries a signed bundle, goes offline without an error,
/// and logs out keeping the journal.
#[test]
fn a_device_logs_in_syncs_and_goes_offline_without_an_error() {
    let mut server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("device.sqlite3");
    let w = open(&db);
    assert_eq!(ok(&w, "app_state", json!({}))["has_school"], false);

    let e = call(
        &w,
        "login",
        json!({"server": server.base, "login": "algebra", "password": "не тот"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "sync", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("Неверный логин"),
        "{e}"
    );
    let e = call(
        &w,
        "login",
        json!({"server": "school.local", "login": "algebra", "password": PASSWORD}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid", "{e}");
    assert_eq!(ok(&w, "sync_status", json!({}))["configured"], false);

    let state = ok(
        &w,
        "login",
        json!({"server": server.base, "login": "algebra", "password": PASSWORD,
               "device_name": "ноутбук кабинета 12"}),
    );
    assert_eq!(state["sync"]["configured"], true);
    assert_eq!(state["sync"]["server"], server.base.as_str());

    // The first sync brings the school; the device works as the enrolled teacher.
    let status = ok(&w, "sync_now", json!({}));
    assert_eq!(status["online"], true, "{status}");
    assert!(status["last_sync"].is_string(), "{status}");
    assert_eq!(pending(&status), 0, "{status}");
    let state = ok(&w, "app_state", json!({}));
    assert_eq!(state["has_school"], true, "{state}");
    assert_eq!(state["profile"]["id"], server.teacher.as_str(), "{state}");
    let journal = ok(&w, "my_journals", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["class_name"] == "7Б" && j["subject_name"] == "Алгебра")
        .cloned()
        .expect("the teacher's journal came with the sync");
    assert_eq!(journal["access"], "write");
    let grid = ok(
        &w,
        "grid",
        json!({"class_id": journal["class_id"], "subject_id": journal["subject_id"],
               "subgroup": null, "period": "Q1"}),
    );
    ok(
        &w,
        "set_cell",
        json!({"class_id": journal["class_id"], "subject_id": journal["subject_id"],
               "lesson_id": grid["lessons"][0]["id"], "student_id": grid["students"][0]["id"],
               "input": "5"}),
    );
    let status = ok(&w, "sync_status", json!({}));
    assert_eq!(pending(&status), 1, "{status}");
    assert!(status["pending"][0]["label"]
        .as_str()
        .unwrap()
        .contains("Алгебра"));
    // Working as someone else would be refused by the server: the app says so first.
    let other = ok(&w, "staff_list", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] != server.teacher.as_str())
        .cloned()
        .unwrap();
    let e = call(&w, "set_profile", json!({"staff_id": other["id"]})).unwrap_err();
    assert_eq!(e["code"], "invalid", "{e}");

    // A bundle of what the server has not seen, signed with this device's key.
    let bundle = dir.path().join("usb.bundle");
    let b = ok(
        &w,
        "bundle_export",
        json!({"path": bundle.to_str().unwrap()}),
    );
    assert_eq!(b["changes"], 1, "{b}");
    let key = str_of(&b["public_key"]);
    assert_eq!(key.len(), 64);
    assert!(std::fs::metadata(&bundle).unwrap().len() > 0);
    let wrong = "0".repeat(64);
    let e = call(
        &w,
        "bundle_import",
        json!({"path": bundle.to_str().unwrap(), "public_key": wrong}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "sync", "{e}");
    let again = ok(
        &w,
        "bundle_import",
        json!({"path": bundle.to_str().unwrap(), "public_key": key}),
    );
    assert_eq!(
        again["changes"], 0,
        "its own changes are already here: {again}"
    );

    let status = ok(&w, "sync_now", json!({}));
    assert_eq!(pending(&status), 0, "the mark is on the server: {status}");
    assert_eq!(status["online"], true);

    // The server goes away: a status, not an error; the next mark waits here.
    server.stop();
    ok(
        &w,
        "set_cell",
        json!({"class_id": journal["class_id"], "subject_id": journal["subject_id"],
               "lesson_id": grid["lessons"][0]["id"], "student_id": grid["students"][1]["id"],
               "input": "4"}),
    );
    let status = ok(&w, "sync_now", json!({}));
    assert_eq!(status["online"], false, "{status}");
    assert!(
        status["last_error"].as_str().unwrap().contains("нет связи"),
        "{status}"
    );
    assert_eq!(pending(&status), 1, "{status}");
    assert!(status["last_sync"].is_string());

    // Logging out keeps the journal and the teacher.
    let state = ok(&w, "logout", json!({}));
    assert_eq!(state["sync"]["configured"], false);
    assert_eq!(state["profile"]["id"], server.teacher.as_str());
    assert_eq!(call(&w, "sync_now", json!({})).unwrap_err()["code"], "sync");
}

/// A teacher whose account has a one-time password logs in with it; the server takes no sync
/// until she changes it, which she does from the app; then the first sync brings the school.
#[test]
fn a_one_time_password_is_changed_from_the_app_and_then_it_syncs() {
    let mut server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let w = open(&dir.path().join("device.sqlite3"));
    ok(
        &w,
        "login",
        json!({"server": server.base, "login": "physics", "password": server.one_time}),
    );
    let e = call(&w, "sync_now", json!({})).unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("одноразовый пароль"),
        "{e}"
    );
    assert_eq!(ok(&w, "app_state", json!({}))["has_school"], false);

    let e = call(
        &w,
        "change_password",
        json!({"old": "не тот", "new": "новый-пароль-физика"}),
    )
    .unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("неверный текущий пароль"),
        "{e}"
    );
    let e = call(
        &w,
        "change_password",
        json!({"old": server.one_time, "new": "кот"}),
    )
    .unwrap_err();
    assert!(e["message"].as_str().unwrap().contains('8'), "{e}");
    ok(
        &w,
        "change_password",
        json!({"old": server.one_time, "new": "новый-пароль-физика"}),
    );
    let status = ok(&w, "sync_now", json!({}));
    assert_eq!(status["online"], true, "{status}");
    assert_eq!(ok(&w, "app_state", json!({}))["has_school"], true);
    server.stop();
}

/// The close button asks the window first and closes only when the window says so; a window
/// that never answers (its page did not load) is closed by a request a few seconds later.
#[test]
fn closing_asks_the_window_first_and_never_hangs_on_a_deaf_one() {
    use super::Closing;
    use std::time::{Duration, Instant};
    let t0 = Instant::now();
    let s = |n: u64| t0 + Duration::from_secs(n);

    let c = Closing::default();
    assert!(!c.may_close(t0), "the first request goes to the window");
    c.seen();
    // The window heard and is asking the teacher: further clicks ask again, however late.
    assert!(!c.may_close(s(60)));
    c.seen();
    c.allow();
    assert!(c.may_close(s(61)), "the window said: close");

    let deaf = Closing::default();
    assert!(!deaf.may_close(t0));
    assert!(!deaf.may_close(s(1)), "a second click at once still waits");
    assert!(!deaf.may_close(s(2)));
    assert!(
        deaf.may_close(s(3)),
        "three seconds without an answer: closed"
    );

    // The commands are there for the window (the request itself needs the real event loop:
    // the end-to-end story closes the real window).
    let dir = tempfile::tempdir().unwrap();
    let w = open(&dir.path().join("z.sqlite3"));
    ok(&w, "close_seen", json!({}));
}

/// A computer with the demo school logs in to its real school: the server's school goes into
/// a new file beside the demo, which stays as it was and can be opened again; a failed login
/// leaves no file behind; the next start opens the school open last.
#[test]
fn a_real_school_goes_into_its_own_file_and_the_demo_is_kept() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zhurnal.sqlite3");
    let w = open(&db);
    ok(&w, "open_demo", json!({}));
    let files = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".sqlite3"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(files(dir.path()), ["zhurnal.sqlite3"]);

    // A wrong password: refused, nothing new on disk, the demo still open.
    let e = call(
        &w,
        "login",
        json!({"server": server.base, "login": "algebra", "password": "не тот"}),
    )
    .unwrap_err();
    assert!(
        e["message"].as_str().unwrap().starts_with("Неверный"),
        "{e}"
    );
    assert_eq!(files(dir.path()), ["zhurnal.sqlite3"]);
    assert_eq!(ok(&w, "app_state", json!({}))["has_school"], true);

    let state = ok(
        &w,
        "login",
        json!({"server": server.base, "login": "algebra", "password": PASSWORD}),
    );
    assert_eq!(state["has_school"], false, "{state}");
    assert_eq!(state["sync"]["configured"], true, "{state}");
    let fresh = state["db_path"].as_str().unwrap().to_string();
    assert!(fresh.contains("school-127.0.0.1-"), "{fresh}");
    let status = ok(&w, "sync_now", json!({}));
    assert_eq!(status["online"], true, "{status}");
    let state = ok(&w, "app_state", json!({}));
    assert_eq!(state["has_school"], true, "{state}");
    assert_eq!(state["profile"]["id"], server.teacher.as_str(), "{state}");

    // Both schools are listed; the demo opens again, untouched and not enrolled.
    let list = ok(&w, "schools", json!({}));
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["path"], fresh.as_str());
    assert_eq!(list[0]["current"], true);
    let demo = list.iter().find(|f| f["current"] == false).unwrap().clone();
    assert!(demo["server"].is_null(), "{demo}");
    let state = ok(&w, "open_school", json!({"path": demo["path"]}));
    assert_eq!(state["has_school"], true);
    assert_eq!(state["sync"]["configured"], false, "{state}");
    assert_eq!(
        super::remembered_school(&db),
        Path::new(demo["path"].as_str().unwrap())
    );
    let e = call(&w, "open_school", json!({"path": "/etc/passwd"})).unwrap_err();
    assert_eq!(e["code"], "not_found", "{e}");
    ok(&w, "open_school", json!({"path": fresh}));
    assert_eq!(super::remembered_school(&db), Path::new(&fresh));
    assert_eq!(ok(&w, "sync_status", json!({}))["configured"], true);
}
