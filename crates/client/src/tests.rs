//! The client against a server held in memory and driven through the sans-IO core, behind a
//! transport that fails on command: dropped requests, lost answers, cut bodies, `503`s.

use super::*;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use zhurnal_domain::{Lesson, Marks};
use zhurnal_journal::journal;
use zhurnal_sync::gate::{self, ActorBook};

/// What the transport does to the next request.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// The request never arrives.
    Drop,
    /// The server handles it; the answer is lost.
    LoseAnswer,
    /// The server handles it; the answer arrives cut in half.
    CutAnswer,
    /// `503` without handling it.
    Unavailable,
}

struct Inner {
    school: zhurnal_journal::school::School,
    docs: BTreeMap<DocId, Doc>,
    book: ActorBook,
    users: BTreeMap<String, (String, StaffId)>,
    tokens: BTreeMap<String, Principal>,
    faults: VecDeque<Fault>,
    handled: usize,
    budget: usize,
    /// Reads no body in short (as if its class lists differed from every device's).
    full_only: bool,
    /// Bodies that came in short, and that came in full.
    short_bodies: usize,
    full_bodies: usize,
}

#[derive(Clone)]
struct Fake(Arc<Mutex<Inner>>);

impl Fake {
    fn handle(inner: &mut Inner, url: &str, token: Option<&str>, body: &[u8]) -> Answer {
        let json = |status: u16, v: serde_json::Value| Answer {
            status,
            body: v.to_string().into_bytes(),
            retry_after: None,
        };
        if url.ends_with("/api/v1/login") {
            let v: serde_json::Value = serde_json::from_slice(body).unwrap();
            let login = v["login"].as_str().unwrap();
            match inner.users.get(login) {
                Some((pw, user)) if pw == v["password"].as_str().unwrap() => {
                    let device = uuid::Uuid::new_v4();
                    let token = format!("token-{device}");
                    inner.tokens.insert(
                        token.clone(),
                        Principal {
                            user: *user,
                            device: DeviceId(device),
                        },
                    );
                    return json(
                        200,
                        serde_json::json!({"token": token, "device": device.to_string(),
                            "user": {"id": user.to_string(), "login": login, "name": "Учитель",
                                     "kind": "staff", "roles": ["subject_teacher"],
                                     "must_change_password": false}}),
                    );
                }
                _ => {
                    return json(
                        401,
                        serde_json::json!({"code": "bad_credentials",
                            "message": "неверный логин или пароль", "doc": null}),
                    )
                }
            }
        }
        let Some(who) = token.and_then(|t| inner.tokens.get(t)).copied() else {
            return json(
                401,
                serde_json::json!({"code": "unauthorized", "message": "нет токена", "doc": null}),
            );
        };
        let error = |code: ErrorCode, message: String| {
            json(
                code.http_status(),
                serde_json::json!({"code": code.as_str(), "message": message, "doc": null}),
            )
        };
        let dict = (!inner.full_only)
            .then(|| wire::Dictionary::of_reader(&inner.school, who.user, &mut inner.docs));
        let mut lookup = gate::DocLookup::new(&inner.school, who.user, &mut inner.docs);
        let decoded = if inner.full_only {
            wire::decode_request(body)
        } else {
            wire::decode_request_with(body, dict.as_ref(), Some(&mut lookup))
        };
        let req = match decoded {
            Ok(req) => req,
            Err(e) => return error(e.code(), e.to_string()),
        };
        let answer_dict = wire::body_dictionary(body).and(dict.as_ref());
        if wire::body_dictionary(body).is_some() {
            inner.short_bodies += 1;
        } else {
            inner.full_bodies += 1;
        }
        let plan = match gate::check(&req, &who, &inner.school, &inner.book, &mut inner.docs) {
            Ok(p) => p,
            Err(r) => {
                return json(
                    r.code.http_status(),
                    serde_json::json!({"code": r.code.as_str(), "message": r.message, "doc": r.doc}),
                )
            }
        };
        for (id, changes) in plan.apply {
            let parts: Vec<&[u8]> = changes.iter().map(Vec::as_slice).collect();
            match inner.docs.get_mut(&id) {
                Some(d) => parts.iter().for_each(|c| {
                    d.apply_chunk(c).unwrap();
                }),
                None => {
                    inner.docs.insert(id, Doc::load(id, &parts).unwrap());
                }
            }
        }
        for (actor, user, device) in plan.bind {
            inner.book.bind(&actor, user, device);
        }
        let budget = inner.budget;
        let resp = gate::respond(&req, &who, &inner.school, &mut inner.docs, budget);
        Answer {
            status: 200,
            body: wire::encode_response_to(&resp, &req, answer_dict),
            retry_after: None,
        }
    }
}

impl Transport for Fake {
    fn post(
        &self,
        url: &str,
        token: Option<&str>,
        _content_type: &str,
        body: &[u8],
    ) -> std::result::Result<Answer, LinkError> {
        let mut inner = self.0.lock().unwrap();
        let fault = inner.faults.pop_front();
        if let Some(Fault::Drop) = fault {
            return Err(LinkError("соединение разорвано".into()));
        }
        if let Some(Fault::Unavailable) = fault {
            return Ok(Answer {
                status: 503,
                body: vec![],
                retry_after: None,
            });
        }
        let mut answer = Self::handle(&mut inner, url, token, body);
        inner.handled += 1;
        match fault {
            Some(Fault::LoseAnswer) => Err(LinkError("ответ потерян".into())),
            Some(Fault::CutAnswer) => {
                answer.body.truncate(answer.body.len() / 2);
                Ok(answer)
            }
            _ => Ok(answer),
        }
    }
}

struct World {
    fake: Fake,
    _dir: tempfile::TempDir,
    dir: std::path::PathBuf,
    alice: StaffId,
    carol: StaffId,
    algebra: DocId,
    student: zhurnal_domain::StudentId,
}

fn world() -> World {
    let options = zhurnal_demo::DemoOptions {
        classes: vec![(7, "Б".into())],
        until: chrono::NaiveDate::from_ymd_opt(2025, 9, 20),
        ..Default::default()
    };
    let demo = zhurnal_demo::generate_with(3, &options);
    let docs = zhurnal_service::build_docs(&demo).unwrap();
    let school = zhurnal_journal::school::school(&docs[0]).unwrap();
    let class = &demo.classes[0];
    let algebra = demo.subject_named("Алгебра").unwrap().id;
    let alice = class.class.teaches(algebra).unwrap().teacher;
    let carol = class.class.class_teacher.unwrap();
    let student = class.students[0].id;
    let users = [
        ("alice".to_string(), ("пароль-1".to_string(), alice)),
        ("carol".to_string(), ("пароль-2".to_string(), carol)),
    ]
    .into_iter()
    .collect();
    let dir = tempfile::tempdir().unwrap();
    World {
        fake: Fake(Arc::new(Mutex::new(Inner {
            school,
            docs: docs.into_iter().map(|d| (d.id(), d)).collect(),
            book: ActorBook::default(),
            users,
            tokens: BTreeMap::new(),
            faults: VecDeque::new(),
            handled: 0,
            budget: usize::MAX,
            full_only: false,
            short_bodies: 0,
            full_bodies: 0,
        }))),
        dir: dir.path().to_path_buf(),
        _dir: dir,
        alice,
        carol,
        algebra: DocId::journal(2025, class.class.id, algebra),
        student,
    }
}

const SERVER: &str = "http://school.test/";

impl World {
    fn device(&self, name: &str, login: &str, password: &str) -> Client {
        let store = Store::open(self.dir.join(format!("{name}.sqlite3"))).unwrap();
        let mut c = Client::with_transport(store, Box::new(self.fake.clone()));
        c.set_sleep(Box::new(|_| {}));
        c.login(SERVER, login, password, name).unwrap();
        c
    }

    fn faults(&self, f: &[Fault]) {
        self.fake.0.lock().unwrap().faults.extend(f.iter().copied());
    }

    fn mark(&self, c: &mut Client, author: StaffId, value: &str) -> zhurnal_domain::LessonId {
        let mut lesson = Lesson::new(chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(), 7);
        lesson
            .marks
            .insert(self.student, Marks::from_stored(value).unwrap());
        c.store()
            .edit(self.algebra, author, |doc, ed| {
                journal::add_lesson(doc, ed, &lesson)
            })
            .unwrap()
    }
}

fn quiet(_: &Progress) {}

#[test]
fn login_keeps_the_token_and_key_and_a_wrong_password_is_said_plainly() {
    let w = world();
    let a = w.device("alice", "alice", "пароль-1");
    let p = a.profile().unwrap().unwrap();
    assert_eq!(
        p.server, "http://school.test",
        "kept without the trailing slash"
    );
    assert_eq!(p.user_id, w.alice.to_string());
    assert!(p.token.starts_with("token-"));

    let store = Store::open(w.dir.join("x.sqlite3")).unwrap();
    let mut x = Client::with_transport(store, Box::new(w.fake.clone()));
    let e = x.login(SERVER, "alice", "не тот", "x").unwrap_err();
    assert!(matches!(e, ClientError::BadCredentials), "{e}");
    assert_eq!(e.to_string(), "неверный логин или пароль");
    assert!(
        x.profile().unwrap().is_none(),
        "a failed login keeps nothing"
    );
    let e = x.sync(None, &mut quiet).unwrap_err();
    assert!(matches!(e, ClientError::NotEnrolled { .. }), "{e}");
    assert!(
        !e.to_string().contains("zhurnal"),
        "no command in a library's words: {e}"
    );
    assert!(matches!(
        x.login("school.test", "alice", "пароль-1", "x"),
        Err(ClientError::BadUrl(_))
    ));
}

#[test]
fn a_first_sync_downloads_what_the_user_may_read_and_a_mark_reaches_the_class_teacher() {
    let w = world();
    let mut a = w.device("alice", "alice", "пароль-1");
    let mut c = w.device("carol", "carol", "пароль-2");
    let mut rounds = Vec::new();
    let r = a.sync(None, &mut |p| rounds.push(p.clone())).unwrap();
    assert!(r.received > 0 && r.documents >= 3, "{r:?}");
    assert_eq!(rounds.len(), 1);
    assert!(a.store().contains(w.algebra).unwrap());
    c.sync(None, &mut quiet).unwrap();

    let lesson = w.mark(&mut a, w.alice, "5");
    let s = a.status().unwrap();
    assert_eq!(s.sync.pending, 1);
    assert_eq!(
        s.sync.docs[0].describe(),
        "7Б, Алгебра: 1 изменение ещё не отправлено"
    );
    assert!(s.last_sync_at.is_some());

    let r = a.sync(None, &mut quiet).unwrap();
    assert_eq!((r.sent, r.status.pending), (1, 0));
    c.sync(None, &mut quiet).unwrap();
    let l = journal::lesson(c.store().doc(w.algebra).unwrap(), lesson)
        .unwrap()
        .unwrap();
    assert_eq!(l.marks[&w.student].to_stored(), "5");
}

#[test]
fn requests_go_in_short_and_again_in_full_when_the_server_cannot_read_them_so() {
    let w = world();
    let mut a = w.device("alice", "alice", "пароль-1");
    a.sync(None, &mut quiet).unwrap();
    let bodies = |w: &World| {
        let i = w.fake.0.lock().unwrap();
        (i.short_bodies, i.full_bodies)
    };
    // The first sync brought the school: from now on the device has the dictionary.
    assert_eq!(bodies(&w), (0, 1));

    w.mark(&mut a, w.alice, "5");
    let short = a.sync(None, &mut quiet).unwrap();
    assert_eq!(
        (short.sent, short.rounds, short.resent),
        (1, 1, 0),
        "{short:?}"
    );
    assert_eq!(bodies(&w), (1, 1));

    // Her other laptop writes the journal; this one, with nothing to send, folds it with the
    // rest, is told it changed, and lists its documents: one more request, nothing lost.
    let mut other = w.device("alice-2", "alice", "пароль-1");
    other.sync(None, &mut quiet).unwrap();
    let elsewhere = w.mark(&mut other, w.alice, "4");
    other.sync(None, &mut quiet).unwrap();
    let listed = a.sync(None, &mut quiet).unwrap();
    assert_eq!((listed.resent, listed.received), (1, 1), "{listed:?}");
    assert!(
        journal::lesson(a.store().doc(w.algebra).unwrap(), elsewhere)
            .unwrap()
            .is_some()
    );
    assert_eq!(bodies(&w), (3, 2), "bodies read, in short and in full");

    // A server that reads nothing in short: refused for its dictionary, then for its folded
    // documents and its short hashes, then sent in full, nothing lost.
    w.fake.0.lock().unwrap().full_only = true;
    let lesson = w.mark(&mut a, w.alice, "3");
    let full = a.sync(None, &mut quiet).unwrap();
    assert_eq!(
        (full.sent, full.rounds, full.retries, full.resent),
        (1, 1, 0, 3),
        "{full:?}"
    );
    assert_eq!(bodies(&w), (3, 3));
    assert!(
        full.bytes_up > 2 * short.bytes_up,
        "the short body and then the full one: {} B, against {} B in short",
        full.bytes_up,
        short.bytes_up
    );
    let l = journal::lesson(
        w.fake.0.lock().unwrap().docs.get(&w.algebra).unwrap(),
        lesson,
    )
    .unwrap()
    .unwrap();
    assert_eq!(l.marks[&w.student].to_stored(), "3");
    assert_eq!(a.status().unwrap().sync.pending, 0);
}

#[test]
fn lost_and_cut_answers_and_503s_are_retried_and_nothing_is_duplicated() {
    let w = world();
    let mut a = w.device("alice", "alice", "пароль-1");
    let waits = Arc::new(Mutex::new(Vec::new()));
    let record = waits.clone();
    a.set_sleep(Box::new(move |d| record.lock().unwrap().push(d)));
    a.sync(None, &mut quiet).unwrap();
    let lesson = w.mark(&mut a, w.alice, "4");
    let server_changes = |w: &World| {
        w.fake.0.lock().unwrap().docs[&w.algebra]
            .automerge()
            .get_changes(&[])
            .len()
    };
    let before = server_changes(&w);
    w.faults(&[
        Fault::Drop,
        Fault::LoseAnswer,
        Fault::CutAnswer,
        Fault::Unavailable,
    ]);
    let r = a.sync(None, &mut quiet).unwrap();
    assert_eq!(r.retries, 4, "{r:?}");
    assert_eq!(waits.lock().unwrap().len(), 4);
    assert!(waits
        .lock()
        .unwrap()
        .iter()
        .all(|d| *d <= Duration::from_secs(60)));
    assert_eq!(server_changes(&w), before + 1, "the change arrived once");
    assert_eq!(r.status.pending, 0);
    let l = journal::lesson(
        w.fake.0.lock().unwrap().docs.get(&w.algebra).unwrap(),
        lesson,
    )
    .unwrap()
    .unwrap();
    assert_eq!(l.marks[&w.student].to_stored(), "4");
}

#[test]
fn a_link_that_stays_down_gives_up_with_a_readable_message_and_keeps_everything() {
    let w = world();
    let mut a = w.device("alice", "alice", "пароль-1");
    a.sync(None, &mut quiet).unwrap();
    w.mark(&mut a, w.alice, "3");
    a.set_backoff(Backoff {
        attempts: 3,
        ..Backoff::default()
    });
    w.faults(&[Fault::Drop; 3]);
    let e = a.sync(None, &mut quiet).unwrap_err();
    assert!(matches!(e, ClientError::NoLink { .. }), "{e}");
    assert!(e.to_string().contains("нет связи с сервером"), "{e}");
    let s = a.status().unwrap();
    assert_eq!(s.sync.pending, 1, "the mark waits on the device");
    assert!(s.last_error.unwrap().contains("нет связи"));
    // The link is back: the mark goes, the error is cleared.
    a.sync(None, &mut quiet).unwrap();
    let s = a.status().unwrap();
    assert_eq!((s.sync.pending, s.last_error), (0, None));
}

#[test]
fn a_read_only_edit_is_refused_in_the_server_s_words_not_retried_and_kept_on_the_device() {
    let w = world();
    let mut c = w.device("carol", "carol", "пароль-2");
    c.sync(None, &mut quiet).unwrap();
    let handled = w.fake.0.lock().unwrap().handled;
    let lesson = w.mark(&mut c, w.carol, "2");
    let e = c.sync(None, &mut quiet).unwrap_err();
    match &e {
        ClientError::Refused { code, doc, .. } => {
            assert_eq!(code, "read_only");
            assert_eq!(doc.as_deref(), Some(w.algebra.to_string().as_str()));
        }
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("только для просмотра"), "{e}");
    assert_eq!(w.fake.0.lock().unwrap().handled, handled + 1, "not retried");
    assert!(journal::lesson(c.store().doc(w.algebra).unwrap(), lesson)
        .unwrap()
        .is_some());
    assert!(
        journal::lesson(&w.fake.0.lock().unwrap().docs[&w.algebra], lesson)
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_large_download_comes_in_several_rounds_with_progress() {
    let w = world();
    w.fake.0.lock().unwrap().budget = 1;
    let mut a = w.device("alice", "alice", "пароль-1");
    let mut seen = Vec::new();
    let r = a.sync(None, &mut |p| seen.push(p.remaining)).unwrap();
    assert!(r.rounds > 2, "{r:?}");
    assert_eq!(seen.last(), Some(&0));
    assert!(seen.windows(2).all(|w| w[1] <= w[0]), "{seen:?}");
    // A second sync has nothing to bring.
    let r = a.sync(None, &mut quiet).unwrap();
    assert_eq!((r.received, r.rounds), (0, 1));
}

#[test]
fn a_bundle_carries_unsent_changes_to_another_device_and_an_edited_one_is_refused() {
    let w = world();
    let mut a = w.device("alice", "alice", "пароль-1");
    let mut c = w.device("carol", "carol", "пароль-2");
    a.sync(None, &mut quiet).unwrap();
    c.sync(None, &mut quiet).unwrap();
    let lesson = w.mark(&mut a, w.alice, "5 5");
    let out = a.export_bundle().unwrap();
    assert_eq!((out.documents, out.changes), (1, 1));

    let mut edited = out.file.clone();
    let at = edited.len() - 80;
    edited[at] ^= 1;
    let e = c.import_bundle(&edited, &out.public_key).unwrap_err();
    assert!(e.to_string().contains("подпись"), "{e}");
    assert!(journal::lesson(c.store().doc(w.algebra).unwrap(), lesson)
        .unwrap()
        .is_none());

    let r = c.import_bundle(&out.file, &out.public_key).unwrap();
    assert_eq!((r.documents, r.changes), (1, 1));
    let l = journal::lesson(c.store().doc(w.algebra).unwrap(), lesson)
        .unwrap()
        .unwrap();
    assert_eq!(l.marks[&w.student].to_stored(), "5 5");

    // Carol's own edit of Alice's journal, carried the same way, does not pass the gate.
    w.mark(&mut c, w.carol, "2");
    let carols = c.export_bundle().unwrap();
    let e = a
        .import_bundle(&carols.file, &carols.public_key)
        .unwrap_err();
    assert!(e.to_string().contains("только для просмотра"), "{e}");
}

/// A crafted bundle — a teacher's change without her device's first change, re-signed with her
/// device's key — is refused by a device importing it with the server's `missing_deps` words,
/// and changes nothing; the whole bundle then goes in. The device's import calls the sync core's
/// guarded check, as the server does (the guards themselves: the sync crate's
/// `check_refuses_a_document_named_twice_and_changes_without_their_past`).
#[test]
fn a_bundle_with_a_change_whose_earlier_changes_are_missing_is_refused_not_a_crash() {
    let w = world();
    let mut a = w.device("alice", "alice", "пароль-1");
    let mut c = w.device("carol", "carol", "пароль-2");
    a.sync(None, &mut quiet).unwrap();
    c.sync(None, &mut quiet).unwrap();
    let lesson = w.mark(&mut a, w.alice, "5");
    a.store()
        .edit(w.algebra, w.alice, |doc, ed| {
            journal::save_lesson(
                doc,
                ed,
                lesson,
                journal::LessonPatch {
                    marks: vec![(w.student, Marks::from_stored("4").unwrap())],
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let out = a.export_bundle().unwrap();
    assert_eq!(out.changes, 2);
    let public = bundle::public_from_hex(&out.public_key).unwrap();
    let mut b = bundle::open(&out.file).unwrap().verify(&public).unwrap();
    for offer in &mut b.request.docs {
        if offer.changes.len() == 2 {
            offer.changes.remove(0);
        }
    }
    let key = DeviceKey::from_bytes(&a.store().profile().unwrap().unwrap().device_key);
    let crafted = bundle::seal(&b, &key);
    let heads = c.store().doc(w.algebra).unwrap().heads();
    let e = c.import_bundle(&crafted, &out.public_key).unwrap_err();
    assert!(
        e.to_string().contains("не хватает более ранних изменений"),
        "{e}"
    );
    assert_eq!(c.store().doc(w.algebra).unwrap().heads(), heads);
    // The whole bundle still goes in.
    let r = c.import_bundle(&out.file, &out.public_key).unwrap();
    assert_eq!(r.changes, 2);
}
