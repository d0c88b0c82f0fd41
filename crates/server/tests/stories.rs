//! Stories against a real server on 127.0.0.1:0 over a temporary SQLite file, with devices
//! that keep real stores and sync through the HTTP API.

use serde_json::{json, Value};
use std::io::Read;

use std::sync::Arc;
use zhurnal_domain::{Lesson, Marks, StaffId};
use zhurnal_journal::{journal, DocId};
use zhurnal_server::school::{NewAccount, Person};
use zhurnal_server::{http, SchoolServer};
use zhurnal_service::Zhurnal;
use zhurnal_sync::wire;
use zhurnal_testkit::TestServer;

/// A running server over a fresh copy of the small demo school, and the copy's folder (the
/// server stops before the folder goes).
struct Running {
    _http: TestServer,
    base: String,
    server: Arc<SchoolServer>,
    dir: tempfile::TempDir,
}

fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    zhurnal_testkit::small_school_copy(&db);
    let http = TestServer::start(&db, None);
    Running {
        base: format!("{}/api/v1", http.url()),
        server: http.server.clone(),
        _http: http,
        dir,
    }
}

/// `(status, body bytes)` of a request; errors are answers too.
fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    content_type: &str,
    body: Option<&[u8]>,
) -> (u16, Vec<u8>) {
    let mut req = ureq::request(method, url).set("Content-Type", content_type);
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let resp = match body {
        Some(b) => req.send_bytes(b),
        None => req.call(),
    };
    let resp = match resp {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = resp.status();
    let mut out = Vec::new();
    resp.into_reader().read_to_end(&mut out).unwrap();
    (status, out)
}

fn post(url: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let (s, b) = call(
        "POST",
        url,
        token,
        "application/json",
        Some(&serde_json::to_vec(&body).unwrap()),
    );
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

fn get(url: &str, token: Option<&str>) -> (u16, Value) {
    let (s, b) = call("GET", url, token, "application/json", None);
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

const PASSWORD: &str = "секретный-пароль";

/// The people of 7Б the stories need.
struct People {
    admin: StaffId,
    alice: StaffId,
    carol: StaffId,
    algebra: DocId,
    other: DocId,
}

fn people(r: &Running) -> People {
    let mut st = r.server.storage();
    let school = st.school().unwrap();
    let class = school.class_by_name("7Б").unwrap().clone();
    let algebra = school.subject_by_name("Алгебра").unwrap().id;
    let alice = class.teaches(algebra).unwrap().teacher;
    let carol = class.class_teacher.unwrap();
    let other = class
        .subjects
        .iter()
        .find(|s| s.teacher != alice && !s.subgroup_teachers.contains(&alice))
        .unwrap()
        .subject;
    let admin = school
        .staff
        .iter()
        .find(|s| s.roles.contains(&zhurnal_domain::Role::Admin))
        .unwrap()
        .id;
    assert_ne!(
        alice, carol,
        "the demo's algebra teacher is not 7Б's class teacher"
    );
    People {
        admin,
        alice,
        carol,
        algebra: DocId::journal(2025, class.id, algebra),
        other: DocId::journal(2025, class.id, other),
    }
}

fn account(r: &Running, login: &str, person: Person) {
    r.server
        .add_account(&NewAccount {
            login: login.into(),
            password: Some(PASSWORD.into()),
            person,
        })
        .unwrap();
}

fn login(r: &Running, login: &str) -> (String, String) {
    login_with(r, login, &zhurnal_sync::bundle::DeviceKey::generate())
}

fn login_with(r: &Running, login: &str, key: &zhurnal_sync::bundle::DeviceKey) -> (String, String) {
    let (s, v) = post(
        &format!("{}/login", r.base),
        None,
        json!({"login": login, "password": PASSWORD, "device_name": "ноутбук", "device_key": key.public_hex()}),
    );
    assert_eq!(s, 200, "{v}");
    (
        v["token"].as_str().unwrap().to_string(),
        v["device"].as_str().unwrap().to_string(),
    )
}

/// A device: its own store, synced over HTTP.
struct Device {
    z: Zhurnal,
    token: String,
    id: String,
    /// Changes received at first contact.
    first: usize,
    key: zhurnal_sync::bundle::DeviceKey,
}

const PEER: &str = "school";

impl Device {
    /// Logs in and makes first contact: an empty store downloads what its user may read.
    fn new(r: &Running, user: &str) -> Self {
        let key = zhurnal_sync::bundle::DeviceKey::generate();
        let (token, id) = login_with(r, user, &key);
        let path = r.dir.path().join(format!("{user}-{}.db", &id[..8]));
        let mut store = zhurnal_store::Store::open(&path).unwrap();
        let req = zhurnal_sync::client::request(vec![]);
        let (status, body) = call(
            "POST",
            &format!("{}/sync", r.base),
            Some(&token),
            wire::CONTENT_TYPE,
            Some(&wire::encode_request(&req)),
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let resp = wire::decode_response_to(&body, &req, None).unwrap();
        assert!(!resp.more);
        let mut first = 0;
        for inc in zhurnal_sync::client::incoming(&resp).unwrap() {
            let parts: Vec<&[u8]> = inc.changes.iter().map(Vec::as_slice).collect();
            first += store
                .receive(inc.doc, &parts, Some((PEER, &inc.server_heads)))
                .unwrap();
        }
        drop(store);
        Self {
            z: Zhurnal::open(path).unwrap(),
            token,
            id,
            first,
            key,
        }
    }

    /// One round trip; `Err((status, error JSON))` when refused.
    fn sync(&mut self, r: &Running) -> Result<usize, (u16, Value)> {
        let req = self.z.sync_request(PEER).unwrap();
        let (status, body) = call(
            "POST",
            &format!("{}/sync", r.base),
            Some(&self.token),
            wire::CONTENT_TYPE,
            Some(&wire::encode_request(&req)),
        );
        if status != 200 {
            return Err((status, serde_json::from_slice(&body).unwrap()));
        }
        let resp = wire::decode_response_to(&body, &req, None).unwrap();
        Ok(self.z.sync_apply(PEER, &resp).unwrap().changes)
    }

    fn add_mark(&mut self, doc: DocId, author: StaffId, date: (u32, u32), value: &str) -> Lesson {
        let class = self.z.class("7Б").unwrap();
        let student = self.z.students(&class).unwrap()[0].id;
        let date = chrono::NaiveDate::from_ymd_opt(2025, date.0, date.1).unwrap();
        let mut lesson = Lesson::new(date, 8);
        lesson
            .marks
            .insert(student, Marks::from_stored(value).unwrap());
        self.z
            .store()
            .edit(doc, author, |d, ed| journal::add_lesson(d, ed, &lesson))
            .unwrap();
        lesson
    }
}

fn server_doc_bytes(r: &Running, id: DocId) -> Vec<u8> {
    r.server.storage().doc(id).unwrap().save()
}

#[test]
fn login_answers_the_contract_and_is_rate_limited() {
    let r = start();
    let p = people(&r);
    account(&r, "alice", Person::Staff(p.alice));
    let (s, v) = post(
        &format!("{}/login", r.base),
        None,
        json!({"login": "alice", "password": PASSWORD, "device_name": "ноутбук", "device_key": zhurnal_sync::bundle::DeviceKey::generate().public_hex()}),
    );
    assert_eq!(s, 200);
    assert!(v["token"].as_str().unwrap().len() >= 43);
    assert_eq!(v["user"]["kind"], "staff");
    assert!(v["user"]["roles"]
        .as_array()
        .unwrap()
        .contains(&json!("subject_teacher")));
    let token = v["token"].as_str().unwrap();
    let (s, me) = get(&format!("{}/me", r.base), Some(token));
    assert_eq!(s, 200);
    assert_eq!(me["login"], "alice");
    assert_eq!(me["device"], v["device"]);
    // No token, a wrong token: 401 unauthorized.
    assert_eq!(
        get(&format!("{}/me", r.base), None).1["code"],
        "unauthorized"
    );
    let (s, e) = get(&format!("{}/me", r.base), Some("nonsense"));
    assert_eq!((s, e["code"].as_str()), (401, Some("unauthorized")));
    // Five wrong passwords, then even the right one waits.
    for _ in 0..5 {
        let (s, e) = post(
            &format!("{}/login", r.base),
            None,
            json!({"login": "alice", "password": "не тот", "device_key": zhurnal_sync::bundle::DeviceKey::generate().public_hex()}),
        );
        assert_eq!((s, e["code"].as_str()), (401, Some("bad_credentials")));
    }
    let (s, body) = call(
        "POST",
        &format!("{}/login", r.base),
        None,
        "application/json",
        Some(
            &serde_json::to_vec(
                &json!({"login": "alice", "password": PASSWORD, "device_key": zhurnal_sync::bundle::DeviceKey::generate().public_hex()}),
            )
            .unwrap(),
        ),
    );
    let e: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((s, e["code"].as_str()), (429, Some("rate_limited")), "{e}");
}

#[test]
fn a_subject_teacher_writes_his_journal_and_no_other() {
    let r = start();
    let p = people(&r);
    account(&r, "alice", Person::Staff(p.alice));
    let mut a = Device::new(&r, "alice");
    assert!(a.first > 0, "first contact downloads the class");
    assert!(
        !a.z.store().contains(p.other).unwrap(),
        "another teacher's journal is not sent to her"
    );
    let lesson = a.add_mark(p.algebra, p.alice, (9, 29), "5");
    a.sync(&r).unwrap();
    let on_server = journal::lesson(r.server.storage().doc(p.algebra).unwrap(), lesson.id)
        .unwrap()
        .unwrap();
    assert_eq!(on_server.marks, lesson.marks);

    // The same teacher writing another subject's journal: refused, server unchanged.
    let before = server_doc_bytes(&r, p.other);
    a.z.store().create(p.other).unwrap();
    a.add_mark(p.other, p.alice, (9, 29), "2");
    let (status, e) = a.sync(&r).unwrap_err();
    assert_eq!(status, 403);
    assert!(
        ["read_only", "no_access"].contains(&e["code"].as_str().unwrap()),
        "{e}"
    );
    assert_eq!(e["doc"], p.other.to_string());
    assert_eq!(server_doc_bytes(&r, p.other), before);
    // The whole request was refused: nothing of it is in the audit ledger but the first sync.
    let audit = r.server.audit(None, 100).unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
}

#[test]
fn a_class_teacher_s_pushed_journal_edit_is_read_only_and_changes_nothing() {
    let r = start();
    let p = people(&r);
    account(&r, "carol", Person::Staff(p.carol));
    let mut c = Device::new(&r, "carol");
    c.sync(&r).unwrap();
    assert!(
        c.z.store().contains(p.algebra).unwrap(),
        "she reads every journal"
    );
    let before = server_doc_bytes(&r, p.algebra);
    c.add_mark(p.algebra, p.carol, (9, 29), "3");
    let (status, e) = c.sync(&r).unwrap_err();
    assert_eq!(
        (status, e["code"].as_str()),
        (403, Some("read_only")),
        "{e}"
    );
    assert_eq!(server_doc_bytes(&r, p.algebra), before);
    assert!(r.server.audit(None, 100).unwrap().is_empty());
}

#[test]
fn a_parent_sees_only_his_child() {
    let r = start();
    let p = people(&r);
    account(&r, "alice", Person::Staff(p.alice));
    let (kid, other_kid) = {
        let mut st = r.server.storage();
        let class = p.algebra.class().unwrap();
        let doc = st.doc(DocId::roster(2025, class)).unwrap();
        let s = zhurnal_journal::roster::students(doc).unwrap();
        (s[0].id, s[1].id)
    };
    account(&r, "papa", Person::ParentOf(vec![kid]));
    // The teacher puts a mark for the child.
    let mut a = Device::new(&r, "alice");
    a.sync(&r).unwrap();
    a.add_mark(p.algebra, p.alice, (9, 29), "4");
    a.sync(&r).unwrap();

    let (token, _) = login(&r, "papa");
    let (s, kids) = get(&format!("{}/children", r.base), Some(&token));
    assert_eq!(s, 200);
    assert_eq!(kids.as_array().unwrap().len(), 1);
    assert_eq!(kids[0]["id"], kid.0.to_string());
    assert_eq!(kids[0]["class"], "7Б");
    let (s, view) = get(
        &format!("{}/children/{}/marks?period=Q1", r.base, kid.0),
        Some(&token),
    );
    assert_eq!(s, 200, "{view}");
    let algebra = view["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["subject"] == "Алгебра")
        .unwrap();
    assert!(algebra["marks"]
        .as_array()
        .unwrap()
        .contains(&json!({"date": "2025-09-29", "value": "4"})));
    let text = view.to_string();
    assert!(!text.contains(&other_kid.0.to_string()), "no other child");
    let (s, e) = get(
        &format!("{}/children/{}/marks", r.base, other_kid.0),
        Some(&token),
    );
    assert_eq!((s, e["code"].as_str()), (403, Some("no_access")));
    // A parent never receives CRDT documents.
    let (s, body) = call(
        "POST",
        &format!("{}/sync", r.base),
        Some(&token),
        wire::CONTENT_TYPE,
        Some(&wire::encode_request(&zhurnal_sync::client::request(
            vec![],
        ))),
    );
    let e: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((s, e["code"].as_str()), (403, Some("no_access")));
}

#[test]
fn a_revoked_device_is_refused_and_its_request_is_kept_in_quarantine() {
    let r = start();
    let p = people(&r);
    account(&r, "alice", Person::Staff(p.alice));
    account(&r, "admin", Person::Staff(p.admin));
    let mut a = Device::new(&r, "alice");
    a.sync(&r).unwrap();
    let (admin, _) = login(&r, "admin");
    let (s, _) = post(
        &format!("{}/admin/devices/{}/revoke", r.base, a.id),
        Some(&admin),
        json!({}),
    );
    assert_eq!(s, 204);
    let before = server_doc_bytes(&r, p.algebra);
    a.add_mark(p.algebra, p.alice, (9, 29), "5");
    let (status, e) = a.sync(&r).unwrap_err();
    assert_eq!((status, e["code"].as_str()), (401, Some("revoked_device")));
    assert_eq!(server_doc_bytes(&r, p.algebra), before, "nothing applied");
    let (s, q) = get(&format!("{}/admin/quarantine", r.base), Some(&admin));
    assert_eq!(s, 200);
    assert_eq!(q.as_array().unwrap().len(), 1, "{q}");
    assert_eq!(q[0]["login"], "alice");
    assert!(q[0]["bytes"].as_u64().unwrap() > 0);
    // The teacher's mark is still on her device, waiting.
    assert_eq!(a.z.pending(PEER).unwrap(), vec![(p.algebra, 1)]);
    // Not an admin: 403.
    let (s, e) = get(
        &format!("{}/admin/devices", r.base),
        Some(&login(&r, "alice").0),
    );
    assert_eq!((s, e["code"].as_str()), (403, Some("no_access")));
}

#[test]
fn the_audit_ledger_has_one_row_per_accepted_change() {
    let r = start();
    let p = people(&r);
    account(&r, "alice", Person::Staff(p.alice));
    account(&r, "admin", Person::Staff(p.admin));
    let mut a = Device::new(&r, "alice");
    a.sync(&r).unwrap();
    a.add_mark(p.algebra, p.alice, (9, 29), "5");
    a.add_mark(p.algebra, p.alice, (9, 30), "4");
    a.sync(&r).unwrap();
    a.sync(&r).unwrap(); // a resend adds nothing
    let (admin, _) = login(&r, "admin");
    let (s, rows) = get(
        &format!("{}/admin/audit?doc={}&limit=10", r.base, p.algebra),
        Some(&admin),
    );
    assert_eq!(s, 200);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let changes =
        a.z.store()
            .doc(p.algebra)
            .unwrap()
            .automerge()
            .get_changes(&[]);
    for row in rows {
        assert_eq!(row["doc"], p.algebra.to_string());
        assert_eq!(row["login"], "alice");
        assert_eq!(row["device"], a.id);
        assert_eq!(row["via"], "sync");
        assert!(row["received_at"].as_str().unwrap().starts_with("20"));
        let hash = row["hash"].as_str().unwrap();
        let c = changes
            .iter()
            .find(|c| hex::encode(c.hash().0) == hash)
            .expect("the hash is a change of the document");
        assert_eq!(hex::encode(c.actor_id().to_bytes()), row["actor"]);
    }
}

#[test]
fn revert_puts_back_the_cells_and_keeps_other_users_later_edits() {
    let r = start();
    let p = people(&r);
    account(&r, "alice", Person::Staff(p.alice));
    account(&r, "admin", Person::Staff(p.admin));
    let other_teacher = {
        let mut st = r.server.storage();
        let school = st.school().unwrap();
        school
            .class(p.algebra.class().unwrap())
            .unwrap()
            .teaches(p.other.subject().unwrap())
            .unwrap()
            .teacher
    };
    account(&r, "bob", Person::Staff(other_teacher));
    let mut a = Device::new(&r, "alice");
    let mut b = Device::new(&r, "bob");
    a.sync(&r).unwrap();
    b.sync(&r).unwrap();
    // Before the compromise: a lesson with a 5.
    let lesson = a.add_mark(p.algebra, p.alice, (9, 29), "5");
    a.sync(&r).unwrap();
    let student = *lesson.marks.keys().next().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let since = chrono::Utc::now();
    // After it: the thief turns the 5 into a 2 and adds a lesson; Bob writes his own journal.
    a.z.store()
        .edit(p.algebra, p.alice, |d, ed| {
            journal::save_lesson(
                d,
                ed,
                lesson.id,
                zhurnal_journal::LessonPatch {
                    marks: vec![(student, Marks::from_stored("2").unwrap())],
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let added = a.add_mark(p.algebra, p.alice, (9, 30), "2");
    a.sync(&r).unwrap();
    let bob_lesson = b.add_mark(p.other, other_teacher, (9, 30), "5");
    b.sync(&r).unwrap();

    let (admin, _) = login(&r, "admin");
    let (s, v) = post(
        &format!("{}/admin/revert", r.base),
        Some(&admin),
        json!({"login": "alice", "since": since.to_rfc3339()}),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["documents"], 1);
    {
        let mut st = r.server.storage();
        let doc = st.doc(p.algebra).unwrap();
        let l = journal::lesson(doc, lesson.id).unwrap().unwrap();
        assert_eq!(l.marks[&student].to_stored(), "5", "the 5 is back");
        assert!(
            journal::lesson(doc, added.id).unwrap().is_none(),
            "the thief's lesson is deleted"
        );
        let history = doc.automerge().get_changes(&[]).len();
        assert!(history > 3, "history is kept");
        let other = st.doc(p.other).unwrap();
        let l = journal::lesson(other, bob_lesson.id).unwrap().unwrap();
        assert_eq!(l.marks, bob_lesson.marks, "Bob's later edit survives");
    }
    // The revert reaches the devices like any change.
    a.sync(&r).unwrap();
    let l = journal::lesson(a.z.store().doc(p.algebra).unwrap(), lesson.id)
        .unwrap()
        .unwrap();
    assert_eq!(l.marks[&student].to_stored(), "5");
    let (_, rows) = get(&format!("{}/admin/audit?limit=1", r.base), Some(&admin));
    assert_eq!(rows[0]["via"], "revert");
    assert_eq!(rows[0]["login"], "admin");
}

#[test]
fn malformed_and_oversized_bodies_get_a_clear_4xx_and_change_nothing() {
    let r = start();
    let p = people(&r);
    account(&r, "alice", Person::Staff(p.alice));
    let (token, _) = login(&r, "alice");
    let before = server_doc_bytes(&r, p.algebra);
    let (s, body) = call(
        "POST",
        &format!("{}/sync", r.base),
        Some(&token),
        wire::CONTENT_TYPE,
        Some(b"\x01garbage that is not zstd"),
    );
    let e: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((s, e["code"].as_str()), (400, Some("bad_request")), "{e}");
    assert!(!e["message"].as_str().unwrap().is_empty());
    let big = vec![0u8; http::MAX_BODY + 1];
    let (s, body) = call(
        "POST",
        &format!("{}/sync", r.base),
        Some(&token),
        wire::CONTENT_TYPE,
        Some(&big),
    );
    let e: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((s, e["code"].as_str()), (413, Some("too_large")), "{e}");
    let (s, body) = call(
        "POST",
        &format!("{}/login", r.base),
        None,
        "application/json",
        Some(b"{not json"),
    );
    let e: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((s, e["code"].as_str()), (400, Some("bad_request")));
    assert_eq!(server_doc_bytes(&r, p.algebra), before);
    assert!(r.server.audit(None, 10).unwrap().is_empty());
    assert!(r.server.quarantine().unwrap().is_empty());
}

#[test]
fn a_signed_bundle_passes_the_same_gate_and_a_tampered_one_changes_nothing() {
    use zhurnal_sync::bundle;
    let r = start();
    let p = people(&r);
    account(&r, "alice", Person::Staff(p.alice));
    account(&r, "admin", Person::Staff(p.admin));
    let mut a = Device::new(&r, "alice");
    let lesson = a.add_mark(p.algebra, p.alice, (9, 29), "5");
    let sealed = bundle::seal(
        &bundle::Bundle {
            user: p.alice,
            device: zhurnal_sync::gate::DeviceId(a.id.parse().unwrap()),
            created: 0,
            request: a.z.sync_request(PEER).unwrap(),
        },
        &a.key,
    );
    let (admin, _) = login(&r, "admin");
    let url = format!("{}/bundle", r.base);
    let before = server_doc_bytes(&r, p.algebra);
    // A byte changed on the stick: the signature fails, nothing is applied.
    let mut tampered = sealed.clone();
    let n = tampered.len();
    tampered[n - 70] ^= 1;
    let (s, body) = call(
        "POST",
        &url,
        Some(&admin),
        "application/octet-stream",
        Some(&tampered),
    );
    let e: Value = serde_json::from_slice(&body).unwrap();
    assert!((400..500).contains(&s), "{s} {e}");
    assert_eq!(server_doc_bytes(&r, p.algebra), before);
    // Only the admin or deputy carries bundles in.
    let (s, body) = call(
        "POST",
        &url,
        Some(&a.token),
        "application/octet-stream",
        Some(&sealed),
    );
    let e: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((s, e["code"].as_str()), (403, Some("no_access")));
    let (s, body) = call(
        "POST",
        &url,
        Some(&admin),
        "application/octet-stream",
        Some(&sealed),
    );
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"documents": 1, "changes": 1}));
    let l = journal::lesson(r.server.storage().doc(p.algebra).unwrap(), lesson.id)
        .unwrap()
        .unwrap();
    assert_eq!(l.marks, lesson.marks);
    let rows = r.server.audit(None, 10).unwrap();
    assert_eq!((rows.len(), rows[0].via.as_str()), (1, "bundle"));
    assert_eq!(
        rows[0].device.to_string(),
        a.id,
        "the device that signed it"
    );
    // Importing it again is harmless.
    let (s, body) = call(
        "POST",
        &url,
        Some(&admin),
        "application/octet-stream",
        Some(&sealed),
    );
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((s, v), (200, json!({"documents": 0, "changes": 0})));
}
