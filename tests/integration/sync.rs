//! Issue 4's stories: the real `zhurnal serve` on 127.0.0.1:0 over a temporary SQLite copy of
//! the demo school, devices enrolled with `zhurnal login`, edits made offline with `zhurnal
//! mark`, and `zhurnal sync` in every order — everything through the binary, as a school's
//! scripts would do it.

use crate::support::{demo_copy, dump, ok, run, student_id, subject, zhurnal};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

const PASSWORD: &str = "пароль-для-теста";

/// `zhurnal serve` on a port of its own choosing; stopped with SIGTERM when dropped.
struct Server {
    child: Child,
    url: String,
    db: PathBuf,
}

impl Server {
    fn start(db: &Path) -> Server {
        Self::start_at(db, "127.0.0.1:0")
    }

    fn start_at(db: &Path, listen: &str) -> Server {
        // The request log goes beside the school file (read by `stop`).
        let log = std::fs::File::create(Self::log_path(db)).unwrap();
        let mut child = zhurnal()
            .args(["serve", "--db", s(db), "--listen", listen])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("zhurnal serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        // «Сервер школы «…» слушает http://127.0.0.1:PORT/api/v1»
        let at = line
            .find("http://")
            .unwrap_or_else(|| panic!("no address: {line}"));
        let url = line[at..].trim().trim_end_matches("/api/v1").to_string();
        Server {
            child,
            url,
            db: db.to_path_buf(),
        }
    }

    fn log_path(db: &Path) -> PathBuf {
        db.with_extension("serve.log")
    }

    /// SIGTERM; the server finishes cleanly and says so. Its request log: one line a request,
    /// with the route and the outcome, and never a password.
    fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        assert!(std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let mut rest = String::new();
        std::io::Read::read_to_string(self.child.stdout.as_mut().unwrap(), &mut rest).unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "serve exited with {status}");
        assert!(rest.contains("Сервер остановлен"), "{rest}");
        let log = std::fs::read_to_string(Self::log_path(&self.db)).unwrap();
        let answered: Vec<&str> = log.lines().filter(|l| l.contains("answered")).collect();
        assert!(!answered.is_empty(), "no request logged:\n{log}");
        for l in &answered {
            assert!(l.contains("route=/api/v1/") && l.contains("status="), "{l}");
        }
        assert!(!log.contains(PASSWORD), "the log shows a password:\n{log}");
        std::mem::forget(self);
        log
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A member of staff: id, full name, roles.
#[derive(Clone, Debug)]
struct Staff {
    id: String,
    name: String,
    roles: String,
}

fn staff(db: &Path) -> Vec<Staff> {
    ok(&["school", "staff", "--db", s(db)])
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Staff {
                id: f[0].into(),
                name: f[1].into(),
                roles: f[2].into(),
            }
        })
        .collect()
}

fn by_name<'a>(all: &'a [Staff], name: &str) -> &'a Staff {
    all.iter().find(|m| m.name == name).unwrap()
}

/// The people of a story and the subjects they write, read from the demo school.
struct Cast {
    /// Teacher of `s1` (not the class teacher).
    teacher: Staff,
    /// The school's admin: writes every journal, so he can write `s1`'s cells too.
    admin: Staff,
    /// The class teacher of 7Б, who teaches `s2` there.
    class_teacher: Staff,
    s1: String,
    s2: String,
}

fn cast(db: &Path) -> Cast {
    let d = dump(db, "7Б");
    let all = staff(db);
    let ct_name = d["class"]["class_teacher"].as_str().unwrap().to_string();
    let plain = |sub: &&Value| sub["subgroup_teachers"].as_array().unwrap().is_empty();
    let subjects = d["subjects"].as_array().unwrap();
    let s1 = subjects
        .iter()
        .filter(plain)
        .find(|x| {
            x["teacher"].as_str() != Some(&ct_name) && !x["lessons"].as_array().unwrap().is_empty()
        })
        .expect("a subject the class teacher does not teach");
    let s2 = subjects
        .iter()
        .filter(plain)
        .find(|x| x["teacher"].as_str() == Some(&ct_name))
        .expect("the class teacher teaches a subject in his class");
    Cast {
        teacher: by_name(&all, s1["teacher"].as_str().unwrap()).clone(),
        admin: all.iter().find(|m| m.roles == "admin").unwrap().clone(),
        class_teacher: by_name(&all, &ct_name).clone(),
        s1: s1["name"].as_str().unwrap().into(),
        s2: s2["name"].as_str().unwrap().into(),
    }
}

fn add_user(db: &Path, login: &str, staff: &Staff) {
    let pw = db.with_file_name(format!("{login}.pw"));
    std::fs::write(&pw, PASSWORD).unwrap();
    ok(&[
        "user",
        "add",
        "--db",
        s(db),
        "--login",
        login,
        "--staff",
        &staff.name,
        "--password-file",
        s(&pw),
    ]);
}

/// A device: its own SQLite file, enrolled and synced once (it downloads what it may read).
fn device(dir: &Path, server: &Server, login: &str) -> PathBuf {
    let db = dir.join(format!("{login}.device.sqlite3"));
    let name = format!("ноутбук {login}");
    let args = [
        "login",
        "--db",
        s(&db),
        "--server",
        &server.url,
        "--login",
        login,
        "--password-stdin",
        "--device-name",
        &name,
    ];
    let (success, _, err) = piped(&args, PASSWORD);
    assert!(success, "login {login}: {err}");
    sync_ok(&db);
    db
}

fn sync_ok(db: &Path) -> String {
    let (success, out, err) = run(&["sync", "--db", s(db), "--attempts", "2"]);
    assert!(success, "sync {}: {err}", db.display());
    assert!(out.starts_with("Синхронизировано с "), "{out}");
    out
}

/// A sync the server refuses: the message on stderr, nothing on stdout, exit code ≠ 0.
fn sync_refused(db: &Path) -> String {
    let (success, out, err) = run(&["sync", "--db", s(db), "--attempts", "1"]);
    assert!(!success, "sync of {} was accepted: {out}", db.display());
    assert!(out.is_empty(), "{out}");
    err
}

/// Lessons of a subject in 7Б where a mark may go: the only lesson of its day, and students
/// without movements, outside the subject's subgroups, who were not absent.
fn free_cells(d: &Value, subject_name: &str, n: usize) -> Vec<(String, String, String)> {
    let lessons = subject(d, subject_name)["lessons"].as_array().unwrap();
    for l in lessons {
        let date = l["date"].as_str().unwrap();
        if lessons.iter().filter(|x| x["date"] == date).count() != 1 || l["subgroup"] != Value::Null
        {
            continue;
        }
        let cells: Vec<_> = d["students"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|st| {
                let id = st["id"].as_str().unwrap();
                st["movements"].as_array().unwrap().is_empty()
                    && st["subgroups"].get(subject_name).is_none()
                    && l["attendance"].get(id).is_none()
            })
            .map(|st| {
                (
                    date.to_string(),
                    st["name"].as_str().unwrap().to_string(),
                    st["id"].as_str().unwrap().to_string(),
                )
            })
            .take(n)
            .collect();
        if cells.len() == n {
            return cells;
        }
    }
    panic!("no free cells in {subject_name}");
}

fn mark(db: &Path, subject: &str, date: &str, student: &str, value: &str) -> (bool, String) {
    let (success, out, err) = run(&[
        "mark",
        "--db",
        s(db),
        "--class",
        "7Б",
        "--subject",
        subject,
        "--date",
        date,
        "--student",
        student,
        "--value",
        value,
    ]);
    (success, if success { out } else { err })
}

fn mark_ok(db: &Path, subject: &str, date: &str, student: &str, value: &str) {
    let (success, text) = mark(db, subject, date, student, value);
    assert!(success, "mark on {}: {text}", db.display());
}

/// The marks of one cell in a dump.
fn cell(d: &Value, subject_name: &str, date: &str, id: &str) -> Option<String> {
    subject(d, subject_name)["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["date"] == date)
        .unwrap()["marks"]
        .get(id)
        .map(|v| v.as_str().unwrap().to_string())
}

/// What every device that reads a subject must show identically.
fn subject_json(db: &Path, name: &str) -> Value {
    subject(&dump_subject(db, name), name).clone()
}

/// The dump of 7Б with one subject: a device holds only the journals its user may read.
fn dump_subject(db: &Path, name: &str) -> Value {
    serde_json::from_str(&ok(&[
        "dump",
        "--db",
        s(db),
        "--class",
        "7Б",
        "--subject",
        name,
        "--format",
        "json",
    ]))
    .unwrap()
}

/// A fresh world: the server over a copy of the demo school, the three staff accounts.
fn world(dir: &Path) -> (Server, Cast) {
    let db = demo_copy(dir);
    let c = cast(&db);
    add_user(&db, "teacher", &c.teacher);
    add_user(&db, "admin", &c.admin);
    add_user(&db, "classteacher", &c.class_teacher);
    (Server::start(&db), c)
}

// Three devices edit offline and converge, whichever syncs first: one test per order of the six
// (0 = the teacher, 1 = the admin, 2 = the class teacher), so that they run side by side.
macro_rules! converge_in_order {
    ($($name:ident: $order:expr;)*) => {$(
        #[test]
        fn $name() {
            three_devices_edit_offline_and_converge($order);
        }
    )*};
}
converge_in_order! {
    three_devices_converge_teacher_admin_class_teacher: [0, 1, 2];
    three_devices_converge_teacher_class_teacher_admin: [0, 2, 1];
    three_devices_converge_admin_teacher_class_teacher: [1, 0, 2];
    three_devices_converge_admin_class_teacher_teacher: [1, 2, 0];
    three_devices_converge_class_teacher_teacher_admin: [2, 0, 1];
    three_devices_converge_class_teacher_admin_teacher: [2, 1, 0];
}

fn three_devices_edit_offline_and_converge(order: [usize; 3]) {
    let dir = tempfile::tempdir().unwrap();
    let (server, c) = world(dir.path());
    let devices = [
        device(dir.path(), &server, "teacher"),
        device(dir.path(), &server, "admin"),
        device(dir.path(), &server, "classteacher"),
    ];
    let before = dump(&server.db, "7Б");
    let cells = free_cells(&before, &c.s1, 3);
    let (date, same, same_id) = &cells[0];
    let (_, only_teacher, only_teacher_id) = &cells[1];
    let (_, only_admin, only_admin_id) = &cells[2];
    let ct_cell = &free_cells(&before, &c.s2, 1)[0];

    // Offline: the teacher and the admin write the same cell and one cell each; the class
    // teacher writes his own subject.
    mark_ok(&devices[0], &c.s1, date, same, "5");
    mark_ok(&devices[0], &c.s1, date, only_teacher, "4");
    mark_ok(&devices[1], &c.s1, date, same, "3");
    mark_ok(&devices[1], &c.s1, date, only_admin, "2");
    mark_ok(&devices[2], &c.s2, &ct_cell.0, &ct_cell.1, "5");
    let st = ok(&["status", "--db", s(&devices[0])]);
    assert!(st.contains("Не отправлено изменений: 2"), "{st}");

    for &i in &order {
        sync_ok(&devices[i]);
    }
    for &i in &order {
        sync_ok(&devices[i]);
    }

    // Every device that reads the subject shows exactly the server's journal.
    let on_server = subject_json(&server.db, &c.s1);
    for d in &devices {
        assert_eq!(
            subject_json(d, &c.s1),
            on_server,
            "order {order:?}, {}",
            d.display()
        );
    }
    let s2_server = subject_json(&server.db, &c.s2);
    for d in &devices[1..] {
        assert_eq!(subject_json(d, &c.s2), s2_server, "order {order:?}");
    }
    let after = dump(&server.db, "7Б");
    assert_eq!(
        cell(&after, &c.s1, date, only_teacher_id).as_deref(),
        Some("4")
    );
    assert_eq!(
        cell(&after, &c.s1, date, only_admin_id).as_deref(),
        Some("2")
    );
    assert_eq!(
        cell(&after, &c.s2, &ct_cell.0, &ct_cell.2).as_deref(),
        Some("5")
    );
    // The same cell is a conflict naming both authors, nothing lost.
    let conflicts = on_server["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let conflict = &conflicts[0];
    assert!(
        conflict.to_string().contains(same_id.as_str()),
        "{conflict}"
    );
    let mut values: Vec<(String, String)> = conflict["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_string(),
                v["author"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    values.sort();
    assert_eq!(
        values,
        vec![
            ("3".to_string(), c.admin.id.clone()),
            ("5".to_string(), c.teacher.id.clone())
        ]
    );
    let st = ok(&["status", "--db", s(&devices[0])]);
    assert!(
        st.contains("Не отправлено изменений: 0, конфликтов: 1"),
        "{st}"
    );
    // Each device's syncs are in the server's log under its user, answered 200.
    let log = server.stop();
    let synced = log
        .lines()
        .filter(|l| l.contains("route=/api/v1/sync") && l.contains("status=200"))
        .filter(|l| l.contains("user="))
        .count();
    assert!(synced >= 6, "{log}");
}

#[test]
fn the_gate_refuses_what_a_user_may_not_write_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (server, c) = world(dir.path());
    let teacher = device(dir.path(), &server, "teacher");
    let ct = device(dir.path(), &server, "classteacher");
    let before = dump(&server.db, "7Б");
    let (date, name, id) = free_cells(&before, &c.s1, 1).remove(0);

    // The class teacher reads the subject but may not write it.
    mark_ok(&ct, &c.s1, &date, &name, "5");
    let err = sync_refused(&ct);
    assert!(err.contains("[read_only]"), "{err}");
    assert_eq!(dump(&server.db, "7Б"), before);
    assert_eq!(
        cell(&dump_subject(&ct, &c.s1), &c.s1, &date, &id).as_deref(),
        Some("5")
    );
    let st = ok(&["status", "--db", s(&ct)]);
    assert!(st.contains("Не отправлено изменений: 1"), "{st}");
    assert!(st.contains("Последняя ошибка: "), "{st}");

    // A teacher writing another subject (a lesson he adds himself): no access.
    let (s2_date, s2_name, s2_id) = free_cells(&before, &c.s2, 1).remove(0);
    let (success, out, err) = run(&[
        "mark",
        "--db",
        s(&teacher),
        "--class",
        "7Б",
        "--subject",
        &c.s2,
        "--date",
        &s2_date,
        "--student",
        &s2_name,
        "--value",
        "4",
        "--add-lesson",
    ]);
    assert!(success, "{err}");
    assert!(out.contains("4"), "{out}");
    let err = sync_refused(&teacher);
    assert!(err.contains("[no_access]"), "{err}");
    assert_eq!(dump(&server.db, "7Б"), before);

    // A device writes only as its user: another name is refused before anything is written.
    let (success, text) = {
        let (ok_, out, err) = run(&[
            "mark",
            "--db",
            s(&ct),
            "--class",
            "7Б",
            "--subject",
            &c.s2,
            "--date",
            &s2_date,
            "--student",
            &s2_name,
            "--value",
            "3",
            "--as",
            &c.admin.name,
        ]);
        (ok_, if ok_ { out } else { err })
    };
    assert!(!success, "{text}");
    assert!(text.contains("подключено как"), "{text}");
    assert_eq!(
        cell(&dump_subject(&ct, &c.s2), &c.s2, &s2_date, &s2_id),
        cell(&before, &c.s2, &s2_date, &s2_id)
    );
    server.stop();
}

#[test]
fn a_revoked_device_is_refused_its_changes_kept_and_a_revert_restores_the_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (server, c) = world(dir.path());
    let teacher = device(dir.path(), &server, "teacher");
    let admin = device(dir.path(), &server, "admin");
    let before = dump(&server.db, "7Б");
    let cells = free_cells(&before, &c.s1, 2);
    let since = (chrono::Utc::now() - chrono::Duration::seconds(2)).to_rfc3339();

    // Accepted edits, then a revert of everything the teacher wrote since.
    mark_ok(&teacher, &c.s1, &cells[0].0, &cells[0].1, "2");
    sync_ok(&teacher);
    let written = dump(&server.db, "7Б");
    assert_eq!(
        cell(&written, &c.s1, &cells[0].0, &cells[0].2).as_deref(),
        Some("2")
    );
    let out = ok(&[
        "revert",
        "--db",
        s(&server.db),
        "--login",
        "teacher",
        "--since",
        &since,
    ]);
    assert!(out.contains("Отменено клеток: 1"), "{out}");
    let reverted = dump(&server.db, "7Б");
    assert_eq!(
        subject(&reverted, &c.s1)["lessons"],
        subject(&before, &c.s1)["lessons"]
    );
    sync_ok(&admin);
    sync_ok(&teacher);
    assert_eq!(
        cell(
            &dump_subject(&teacher, &c.s1),
            &c.s1,
            &cells[0].0,
            &cells[0].2
        ),
        cell(&before, &c.s1, &cells[0].0, &cells[0].2)
    );

    // The teacher's device is revoked: its next edit is refused and kept in quarantine on
    // the server, and stays on the device.
    let list = ok(&["device", "list", "--db", s(&server.db)]);
    let id = list
        .lines()
        .find(|l| l.contains(" teacher "))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    ok(&["device", "revoke", "--db", s(&server.db), "--id", &id]);
    assert!(ok(&["device", "list", "--db", s(&server.db)]).contains("ОТКЛЮЧЕНО"));
    mark_ok(&teacher, &c.s1, &cells[1].0, &cells[1].1, "5");
    let err = sync_refused(&teacher);
    assert!(err.contains("[revoked_device]"), "{err}");
    let q = ok(&["device", "quarantine", "--db", s(&server.db)]);
    assert!(
        q.contains("teacher") && q.contains(&id) && q.contains("revoked_device"),
        "{q}"
    );
    assert_eq!(
        cell(
            &dump_subject(&teacher, &c.s1),
            &c.s1,
            &cells[1].0,
            &cells[1].2
        )
        .as_deref(),
        Some("5")
    );
    assert!(ok(&["status", "--db", s(&teacher)]).contains("Не отправлено изменений: 1"));
    assert_eq!(
        cell(
            &dump_subject(&server.db, &c.s1),
            &c.s1,
            &cells[1].0,
            &cells[1].2
        ),
        cell(&before, &c.s1, &cells[1].0, &cells[1].2)
    );
    server.stop();
}

#[test]
fn a_usb_bundle_reaches_the_server_and_another_device() {
    let dir = tempfile::tempdir().unwrap();
    let (server, c) = world(dir.path());
    let teacher = device(dir.path(), &server, "teacher");
    let admin = device(dir.path(), &server, "admin");
    let ct = device(dir.path(), &server, "classteacher");
    let before = dump(&server.db, "7Б");
    let (date, name, id) = free_cells(&before, &c.s1, 1).remove(0);
    mark_ok(&teacher, &c.s1, &date, &name, "4");
    let file = dir.path().join("teacher.zhb");
    let out = ok(&["bundle", "export", "--db", s(&teacher), "--out", s(&file)]);
    assert!(out.contains("изменений 1"), "{out}");

    // Another device takes it directly (the key is in the signed file) …
    let out = ok(&["bundle", "import", "--db", s(&admin), "--file", s(&file)]);
    assert!(out.contains("изменений 1"), "{out}");
    assert_eq!(
        cell(&dump_subject(&admin, &c.s1), &c.s1, &date, &id).as_deref(),
        Some("4")
    );

    // … and the server's file takes it with the server stopped, through the same gate.
    let db = server.db.clone();
    let address = server.url.trim_start_matches("http://").to_string();
    server.stop();
    let out = ok(&["bundle", "import", "--db", s(&db), "--file", s(&file)]);
    assert!(
        out.contains("принят сервером") && out.contains("изменений 1"),
        "{out}"
    );
    // A changed byte is refused and changes nothing.
    let mut bad = std::fs::read(&file).unwrap();
    let n = bad.len();
    bad[n - 70] ^= 1;
    std::fs::write(&file, &bad).unwrap();
    let (success, _, err) = run(&["bundle", "import", "--db", s(&db), "--file", s(&file)]);
    assert!(!success && err.contains("подпись"), "{err}");

    // The server comes back at its address. The admin's device relays the teacher's change
    // it imported: the server holds it already, so it is not refused as another's.
    let server = Server::start_at(&db, &address);
    for d in [&ct, &admin, &teacher] {
        sync_ok(d);
    }
    let on_server = subject_json(&db, &c.s1);
    assert_eq!(
        cell(&dump_subject(&db, &c.s1), &c.s1, &date, &id).as_deref(),
        Some("4")
    );
    for d in [&ct, &admin, &teacher] {
        assert_eq!(subject_json(d, &c.s1), on_server);
    }
    // A plain file is neither a server's nor an enrolled device's.
    let fresh = dir.path().join("fresh.sqlite3");
    ok(&["demo", "--db", s(&fresh), "--classes", "7Б"]);
    let (success, _, err) = run(&["bundle", "import", "--db", s(&fresh), "--file", s(&file)]);
    assert!(!success && err.contains("принять некуда"), "{err}");
    server.stop();
}

#[test]
fn a_parent_sees_only_his_child_and_slips_hold_every_login() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let d = dump(&db, "7Б");
    let child = d["students"][0]["name"].as_str().unwrap().to_string();
    let child_id = student_id(&d, &child);
    let other_id = d["students"][1]["id"].as_str().unwrap().to_string();
    let pw = dir.path().join("p.pw");
    std::fs::write(&pw, PASSWORD).unwrap();
    ok(&[
        "user",
        "add",
        "--db",
        s(&db),
        "--login",
        "parent",
        "--parent-of",
        &child,
        "--class",
        "7Б",
        "--password-file",
        s(&pw),
    ]);
    let server = Server::start(&db);
    let login: Value = serde_json::from_str(
        &ureq::post(&format!("{}/api/v1/login", server.url))
            .set("Content-Type", "application/json")
            .send_string(
                &serde_json::json!({
                    "login": "parent", "password": PASSWORD, "device_name": "телефон",
                    // Any valid Ed25519 public key (the base point).
                    "device_key": "5866666666666666666666666666666666666666666666666666666666666666",
                })
                .to_string(),
            )
            .unwrap()
            .into_string()
            .unwrap(),
    )
    .unwrap();
    let token = format!("Bearer {}", login["token"].as_str().unwrap());
    // ureq 2's error holds the whole response: large, and fine in a test.
    #[allow(clippy::result_large_err)]
    let get = |path: &str| {
        ureq::get(&format!("{}{path}", server.url))
            .set("Authorization", &token)
            .call()
    };
    let children: Value =
        serde_json::from_str(&get("/api/v1/children").unwrap().into_string().unwrap()).unwrap();
    assert_eq!(children.as_array().unwrap().len(), 1, "{children}");
    assert_eq!(children[0]["id"], child_id.as_str());
    let view = get(&format!("/api/v1/children/{child_id}/marks?period=Q1"))
        .unwrap()
        .into_string()
        .unwrap();
    assert!(!view.contains(&other_id), "{view}");
    for st in d["students"].as_array().unwrap().iter().skip(1) {
        assert!(!view.contains(st["name"].as_str().unwrap()), "{view}");
    }
    match get(&format!("/api/v1/children/{other_id}/marks?period=Q1")) {
        Err(ureq::Error::Status(403, r)) => {
            assert!(r.into_string().unwrap().contains("no_access"))
        }
        other => panic!("another child's marks: {other:?}"),
    }
    // A parent gets no journal documents.
    let err = ureq::post(&format!("{}/api/v1/sync", server.url))
        .set("Authorization", &token)
        .send_bytes(&[])
        .unwrap_err();
    assert!(matches!(err, ureq::Error::Status(403, _)), "{err:?}");
    server.stop();

    // Slips: a PDF whose text holds every student's and parent's login.
    let pdf = dir.path().join("slips.pdf");
    ok(&[
        "user",
        "slips",
        "--db",
        s(&db),
        "--class",
        "7Б",
        "--out",
        s(&pdf),
    ]);
    let text = std::process::Command::new("pdftotext")
        .args([s(&pdf), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let users = ok(&["user", "list", "--db", s(&db)]);
    let mut n = 0;
    for u in users
        .lines()
        .filter(|l| l.contains(" student ") || l.contains(" parent "))
    {
        let login = u.split_whitespace().next().unwrap();
        assert!(text.contains(login), "{login} not on the slips");
        n += 1;
    }
    // A student and a parent per student on the roll (the demo class has 25 or more).
    assert!(n >= 40, "{users}");
}

/// `zhurnal ARGS` with `input` on its standard input: (success, stdout, stderr).
fn piped(args: &[&str], input: &str) -> (bool, String, String) {
    let mut child = zhurnal()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_teacher_with_a_one_time_password_changes_it_from_the_device_then_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let c = cast(&db);
    let made = ok(&[
        "user",
        "add",
        "--db",
        s(&db),
        "--login",
        "teacher",
        "--staff",
        &c.teacher.name,
    ]);
    let one_time = made
        .lines()
        .find_map(|l| l.strip_prefix("Одноразовый пароль: "))
        .and_then(|l| l.split(' ').next())
        .unwrap_or_else(|| panic!("{made}"))
        .to_string();
    let server = Server::start(&db);
    let device = dir.path().join("teacher.device.sqlite3");
    let login = [
        "login",
        "--db",
        s(&device),
        "--server",
        &server.url,
        "--login",
        "teacher",
        "--password-stdin",
    ];
    let (success, out, err) = piped(&login, &one_time);
    assert!(success, "{err}");
    assert!(out.contains("zhurnal password --db"), "{out}");
    // Until the password is changed the server takes nothing.
    assert!(sync_refused(&device).contains("смените одноразовый пароль"));

    let password = ["password", "--db", s(&device)];
    let (success, _, err) = piped(&password, "не тот пароль\nновый-пароль-учителя\n");
    assert!(!success);
    assert!(err.contains("неверный текущий пароль"), "{err}");
    let (success, _, err) = piped(&password, &format!("{one_time}\nкот\n"));
    assert!(!success && err.contains("8"), "{err}");
    let (success, _, err) = piped(&password, &format!("{one_time}\n"));
    assert!(!success && err.contains("две строки"), "{err}");
    let (success, out, err) = piped(&password, &format!("{one_time}\nновый-пароль-учителя\n"));
    assert!(success, "{err}");
    assert!(out.starts_with("Пароль сменён"), "{out}");

    let synced = sync_ok(&device);
    let documents: usize = synced
        .split("в документах: ")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{synced}"));
    assert!(
        documents >= 3,
        "the school, the class list, the journals: {synced}"
    );
    // The slip's password is spent; the new one enrols another device.
    let other = dir.path().join("other.device.sqlite3");
    let mut again = login;
    again[2] = s(&other);
    let (success, _, err) = piped(&again, &one_time);
    assert!(
        !success && err.contains("неверный логин или пароль"),
        "{err}"
    );
    let (success, _, err) = piped(&again, "новый-пароль-учителя");
    assert!(success, "{err}");
    server.stop();
}
