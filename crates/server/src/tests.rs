//! Regression tests of the sync gate beside the code.

use crate::school::{LoginRequest, NewAccount, Person};
use crate::SchoolServer;
use zhurnal_domain::{Lesson, Marks};
use zhurnal_journal::journal::{self, LessonPatch};
use zhurnal_journal::DocId;
use zhurnal_sync::{wire, DocOffer, SyncRequest};

/// A server over the demo school of 7Б until the end of September, with the algebra teacher's
/// account `alice` and one enrolled device: the folder (which also holds `device.db`, a copy
/// of the school as the device had it before the account existed), the server, the teacher,
/// her algebra journal and the device's token.
fn school_with_alice() -> (
    tempfile::TempDir,
    SchoolServer,
    zhurnal_domain::StaffId,
    DocId,
    String,
) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    zhurnal_testkit::small_school_copy(&db);
    std::fs::copy(&db, dir.path().join("device.db")).unwrap();
    let server = SchoolServer::open(&db).unwrap();
    let (teacher, id) = {
        let mut st = server.storage();
        let school = st.school().unwrap();
        let class = school.class_by_name("7Б").unwrap().clone();
        let algebra = school.subject_by_name("Алгебра").unwrap().id;
        (
            class.teaches(algebra).unwrap().teacher,
            DocId::journal(2025, class.id, algebra),
        )
    };
    server
        .add_account(&NewAccount {
            login: "alice".into(),
            password: Some("секретный-пароль".into()),
            person: Person::Staff(teacher),
        })
        .unwrap();
    let token = server
        .login(
            &LoginRequest {
                login: "alice".into(),
                password: "секретный-пароль".into(),
                device_name: "ноутбук".into(),
                device_key: zhurnal_sync::bundle::DeviceKey::generate().public_hex(),
            },
            "test",
        )
        .unwrap()
        .token;
    (dir, server, teacher, id, token)
}

/// Found by `fuzz/sync_handler`: a teacher's change sent without the earlier changes of its
/// actor (here a mark without the lesson, the device's first change) made automerge 0.12 panic
/// inside the gate, and the server answered 500. It is `409 missing_deps` and changes nothing.
#[test]
fn a_change_without_its_actor_s_earlier_changes_is_missing_deps_not_a_panic() {
    let (dir, server, teacher, id, token) = school_with_alice();
    let device_db = dir.path().join("device.db");
    let mut store = zhurnal_store::Store::open(&device_db).unwrap();
    let before = store.doc(id).unwrap().heads();
    let student = zhurnal_journal::roster::students(
        store.doc(DocId::roster(2025, id.class().unwrap())).unwrap(),
    )
    .unwrap()[0]
        .id;
    let lesson = Lesson::new(chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(), 1);
    let lid = store
        .edit(id, teacher, |d, ed| journal::add_lesson(d, ed, &lesson))
        .unwrap();
    for mark in ["5", "4"] {
        store
            .edit(id, teacher, |d, ed| {
                journal::save_lesson(
                    d,
                    ed,
                    lid,
                    LessonPatch {
                        marks: vec![(student, Marks::from_stored(mark).unwrap())],
                        ..Default::default()
                    },
                )
            })
            .unwrap();
    }
    let mut changes: Vec<Vec<u8>> = store
        .doc(id)
        .unwrap()
        .automerge()
        .get_changes(&before)
        .into_iter()
        .map(|mut c| c.bytes().into_owned())
        .collect();
    let server_heads = server.storage().doc(id).unwrap().heads();
    for keep in [
        vec![changes[2].clone()],
        vec![changes[1].clone(), changes[2].clone()],
    ] {
        let req = SyncRequest {
            version: zhurnal_sync::PROTOCOL_VERSION,
            mark: None,
            docs: vec![DocOffer {
                doc: id.to_string(),
                heads: vec![],
                changes: keep,
            }],
        };
        let e = server
            .sync(Some(&token), &wire::encode_request(&req))
            .unwrap_err();
        assert_eq!((e.status(), e.code()), (409, "missing_deps"), "{e}");
        assert_eq!(server.storage().doc(id).unwrap().heads(), server_heads);
        assert!(server.audit(None, 10).unwrap().is_empty());
    }
    // The same document twice (also found by the fuzzer; the storage answered 500): 400.
    let offer = DocOffer {
        doc: id.to_string(),
        heads: vec![],
        changes: changes.clone(),
    };
    let req = SyncRequest {
        version: zhurnal_sync::PROTOCOL_VERSION,
        mark: None,
        docs: vec![offer.clone(), offer],
    };
    let e = server
        .sync(Some(&token), &wire::encode_request(&req))
        .unwrap_err();
    assert_eq!((e.status(), e.code()), (400, "bad_request"), "{e}");
    assert_eq!(server.storage().doc(id).unwrap().heads(), server_heads);
    assert!(server.audit(None, 10).unwrap().is_empty());
    // With the lesson the same changes are taken.
    let req = SyncRequest {
        version: zhurnal_sync::PROTOCOL_VERSION,
        mark: None,
        docs: vec![DocOffer {
            doc: id.to_string(),
            heads: vec![],
            changes: std::mem::take(&mut changes),
        }],
    };
    server
        .sync(Some(&token), &wire::encode_request(&req))
        .unwrap();
    assert_eq!(server.audit(None, 10).unwrap().len(), 3);
}

/// `device list` said when a device last *sent* something: a device that only received kept
/// its enrolment's "never". A sync that sends nothing notes it too (at most once a minute).
#[test]
fn a_sync_that_only_receives_is_the_device_s_last_sync() {
    let (_dir, server, _, _, token) = school_with_alice();
    let seen = || server.devices().unwrap()[0].last_seen.clone();
    assert_eq!(seen(), None);
    let empty = zhurnal_sync::client::request(vec![]);
    server
        .sync(Some(&token), &wire::encode_request(&empty))
        .unwrap();
    let first = seen().expect("the download is the device's last sync");
    server
        .sync(Some(&token), &wire::encode_request(&empty))
        .unwrap();
    assert_eq!(seen(), Some(first), "not written again within the minute");
}

/// A log writer the test can read.
#[derive(Clone, Default)]
struct LogBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every request gives one log line with its route pattern, who asked (user and device ids,
/// once the token is known), the refusal's code, the status and the time — and never the
/// password, the token, the login, a name or an id from the path.
#[tokio::test]
async fn every_request_is_logged_with_its_route_user_outcome_and_no_secrets() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;
    let (_dir, server, _, _, token) = school_with_alice();
    let child = uuid::Uuid::new_v4();
    let alice = server.me(Some(&token)).unwrap();
    let logs = LogBuf::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _log = tracing::subscriber::set_default(subscriber);
    let app = crate::http::router(std::sync::Arc::new(server));
    let send = |req: Request<Body>| {
        let app = app.clone();
        async move { app.oneshot(req).await.unwrap().status().as_u16() }
    };
    let login = serde_json::json!({
        "login": "alice",
        "password": "секретный-пароль",
        "device_name": "ноутбук Алисы",
        "device_key": zhurnal_sync::bundle::DeviceKey::generate().public_hex(),
    });
    let post = |uri: &str, body: Vec<u8>, auth: bool| {
        let mut r = Request::post(uri);
        if auth {
            r = r.header("authorization", format!("Bearer {token}"));
        }
        r.body(Body::from(body)).unwrap()
    };
    assert_eq!(
        send(post("/api/v1/login", login.to_string().into_bytes(), false)).await,
        200
    );
    let me = Request::get("/api/v1/me")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(me).await, 200);
    assert_eq!(
        send(post("/api/v1/sync", b"not a sync body".to_vec(), true)).await,
        400
    );
    let marks = Request::get(format!("/api/v1/children/{child}/marks"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(marks).await, 401);
    let nowhere = Request::get("/api/v1/nowhere").body(Body::empty()).unwrap();
    assert_eq!(send(nowhere).await, 400);

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("answered")).collect();
    assert_eq!(lines.len(), 5, "{text}");
    let line = |route: &str| {
        *lines
            .iter()
            .find(|l| l.contains(&format!("route={route}")))
            .unwrap_or_else(|| panic!("no line for {route}:\n{text}"))
    };
    let user = format!("user={}", alice.id);
    let l = line("/api/v1/login");
    assert!(
        l.contains(&user) && l.contains("device=") && l.contains("status=200"),
        "{l}"
    );
    assert!(l.contains("method=POST") && l.contains("ms="), "{l}");
    let l = line("/api/v1/me");
    assert!(l.contains(&user) && l.contains("status=200"), "{l}");
    let l = line("/api/v1/sync");
    assert!(
        l.contains(&user) && l.contains("status=400") && l.contains("code="),
        "{l}"
    );
    assert!(l.contains("WARN"), "{l}");
    let l = line("/api/v1/children/{id}/marks");
    assert!(
        l.contains("code=unauthorized") && l.contains("status=401") && !l.contains("user="),
        "{l}"
    );
    assert!(line("(unknown)").contains("code=bad_request"), "{text}");
    for secret in [
        "секретный-пароль",
        token.as_str(),
        "alice",
        "Алисы",
        &child.to_string(),
    ] {
        assert!(!text.contains(secret), "the log shows «{secret}»:\n{text}");
    }
}
