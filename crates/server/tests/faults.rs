//! Fault tests: real devices (`zhurnal-client` over real SQLite files) sync with a real server
//! on 127.0.0.1 through a fault-injecting proxy written here. The proxy forwards one request
//! per connection and, for each `POST /api/v1/sync`, does what its script says next: pass it,
//! delay it, cut the request mid-body, cut the answer mid-body, drop the answer after the
//! server handled the request, or restart the server (a new process-like instance on the same
//! database file, on a new port) after it handled the request. The device only ever knows the
//! proxy's stable address.
//!
//! After every story: each document's heads are equal on the device and the server, no mark
//! written on the device is missing on the server, the audit ledger has each of the device's
//! changes exactly once (and nothing else of its user), change counts are equal, and no
//! bookmark names a change the device's store lacks.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use zhurnal_client::{Backoff, Client};
use zhurnal_domain::{Lesson, Marks, Role, StaffId};
use zhurnal_journal::automerge::ReadDoc;
use zhurnal_journal::journal::{self, LessonPatch};
use zhurnal_journal::{DocId, DocKind};
use zhurnal_server::school::{NewAccount, Person};
use zhurnal_server::{http, SchoolServer};
use zhurnal_sync::{access, Access};
use zhurnal_testkit::TestServer;

const PASSWORD: &str = "секретный-пароль";

// ---------------------------------------------------------------------------------------------
// The server, restartable on its database file

/// The school's server: its file, the running instance, and how many times it was restarted.
struct School {
    _dir: tempfile::TempDir,
    db: PathBuf,
    budget: usize,
    running: Mutex<Option<TestServer>>,
    restarts: Mutex<usize>,
}

impl School {
    fn new(budget: usize) -> Arc<Self> {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("server.db");
        zhurnal_testkit::small_school_copy(&db);
        Self::on(dir, db, budget)
    }

    fn from_template(template: &Path, budget: usize) -> Arc<Self> {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("server.db");
        std::fs::copy(template, &db).unwrap();
        Self::on(dir, db, budget)
    }

    /// The server on `db` (in `dir`, removed with the school).
    fn on(dir: tempfile::TempDir, db: PathBuf, budget: usize) -> Arc<Self> {
        let running = TestServer::start(&db, Some(budget));
        Arc::new(Self {
            _dir: dir,
            db,
            budget,
            running: Mutex::new(Some(running)),
            restarts: Mutex::new(0),
        })
    }

    fn addr(&self) -> SocketAddr {
        self.running.lock().unwrap().as_ref().unwrap().addr
    }

    fn server(&self) -> Arc<SchoolServer> {
        self.running
            .lock()
            .unwrap()
            .as_ref()
            .unwrap()
            .server
            .clone()
    }

    /// Stops the server (requests under way finish) and starts a new one on the same file.
    fn restart(&self) -> SocketAddr {
        let mut slot = self.running.lock().unwrap();
        if let Some(mut old) = slot.take() {
            old.stop();
        }
        let new = TestServer::start(&self.db, Some(self.budget));
        let addr = new.addr;
        *slot = Some(new);
        *self.restarts.lock().unwrap() += 1;
        addr
    }

    fn account(&self, login: &str, person: Person) {
        self.server()
            .add_account(&NewAccount {
                login: login.into(),
                password: Some(PASSWORD.into()),
                person,
            })
            .unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// The proxy

/// What the proxy does to one sync request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Pass,
    /// Waits this long before forwarding.
    Delay(Duration),
    /// Forwards the headers and half the body, then closes both connections.
    CutRequest,
    /// The server handles the request; the device gets half the answer's bytes.
    CutResponse,
    /// The server handles the request; the device gets nothing.
    DropResponse,
    /// The server handles the request and is restarted; the device gets nothing.
    Restart,
}

struct ProxyState {
    school: Arc<School>,
    target: Mutex<SocketAddr>,
    /// Faults for the next sync requests, in order; then [`Fault::Pass`].
    script: Mutex<VecDeque<Fault>>,
    /// Every sync request seen, with what was done to it.
    log: Mutex<Vec<Fault>>,
    /// Every sync request passed whole: the bytes the device sent (HTTP head and body, as it
    /// sent them) and the bytes of the answer (head and body).
    wire: Mutex<Vec<(usize, usize)>>,
}

struct Proxy {
    url: String,
    state: Arc<ProxyState>,
}

impl Proxy {
    fn new(school: Arc<School>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(ProxyState {
            target: Mutex::new(school.addr()),
            school,
            script: Mutex::new(VecDeque::new()),
            log: Mutex::new(Vec::new()),
            wire: Mutex::new(Vec::new()),
        });
        let s = state.clone();
        // The thread lives as long as the test process; each connection gets its own.
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = handle(&s, conn);
                });
            }
        });
        Self { url, state }
    }

    fn script(&self, faults: &[Fault]) {
        self.state.script.lock().unwrap().extend(faults);
    }

    /// The faults done so far (not counting passes), and whether the script was used up.
    fn done(&self) -> (Vec<Fault>, bool) {
        let log = self.state.log.lock().unwrap();
        (
            log.iter().copied().filter(|f| *f != Fault::Pass).collect(),
            self.state.script.lock().unwrap().is_empty(),
        )
    }

    fn sync_requests(&self) -> usize {
        self.state.log.lock().unwrap().len()
    }

    /// Bytes of the sync requests passed whole so far, each (up, down).
    fn wire(&self) -> Vec<(usize, usize)> {
        self.state.wire.lock().unwrap().clone()
    }
}

/// One request from the device: its head (with `Connection: close` put in), its body, and how
/// many bytes the device sent.
type Request = (String, Vec<u8>, usize);

fn read_request(conn: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut head = String::new();
    let mut length = 0usize;
    let mut first = true;
    let mut sent = 0;
    loop {
        let mut line = String::new();
        if conn.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        sent += line.len();
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if !first && lower.starts_with("connection:") {
            continue;
        }
        first = false;
        head.push_str(&line);
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut body = vec![0; length];
    conn.read_exact(&mut body)?;
    Ok(Some((head, body, sent + length)))
}

fn handle(state: &ProxyState, conn: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut device = conn;
    let Some((head, body, sent)) = read_request(&mut reader)? else {
        return Ok(());
    };
    let is_sync = head.contains("/api/v1/sync ");
    let fault = if is_sync {
        let f = state
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Fault::Pass);
        state.log.lock().unwrap().push(f);
        f
    } else {
        Fault::Pass
    };
    if let Fault::Delay(d) = fault {
        std::thread::sleep(d);
    }
    let target = *state.target.lock().unwrap();
    let mut upstream = TcpStream::connect(target)?;
    upstream.write_all(head.as_bytes())?;
    if fault == Fault::CutRequest {
        upstream.write_all(&body[..body.len() / 2])?;
        upstream.flush()?;
        // Let the server see the half body, then the end of the stream.
        std::thread::sleep(Duration::from_millis(20));
        let _ = upstream.shutdown(Shutdown::Both);
        let _ = device.shutdown(Shutdown::Both);
        return Ok(());
    }
    upstream.write_all(&body)?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer)?;
    if is_sync && fault == Fault::Pass {
        state.wire.lock().unwrap().push((sent, answer.len()));
    }
    match fault {
        Fault::Pass | Fault::Delay(_) => device.write_all(&answer)?,
        Fault::CutResponse => device.write_all(&answer[..answer.len() / 2])?,
        Fault::DropResponse => {}
        Fault::Restart => {
            let addr = state.school.restart();
            *state.target.lock().unwrap() = addr;
        }
        Fault::CutRequest => unreachable!(),
    }
    device.flush()?;
    let _ = device.shutdown(Shutdown::Both);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Devices and checks

/// A device of `login`, enrolled through the proxy, retrying quickly.
fn device(dir: &Path, proxy: &Proxy, login: &str) -> Client {
    let mut c = Client::open(dir.join(format!("{login}.db"))).unwrap();
    c.set_backoff(Backoff {
        attempts: 10,
        base: Duration::from_millis(20),
        cap: Duration::from_millis(200),
    });
    c.login(&proxy.url, login, PASSWORD, "ноутбук").unwrap();
    c
}

fn sync(c: &mut Client) -> zhurnal_client::SyncReport {
    c.sync(None, &mut |_| {}).unwrap()
}

struct Staff {
    admin: StaffId,
    alice: StaffId,
    /// Alice's journals (she writes them).
    journals: Vec<DocId>,
}

fn staff(school: &School) -> Staff {
    let server = school.server();
    let mut st = server.storage();
    let s = st.school().unwrap();
    let class = s.class_by_name("7Б").unwrap().clone();
    let algebra = s.subject_by_name("Алгебра").unwrap().id;
    let alice = class.teaches(algebra).unwrap().teacher;
    let journals = class
        .subjects
        .iter()
        .filter(|cs| cs.teacher == alice && cs.subgroup_teachers.is_empty())
        .map(|cs| DocId::journal(2025, class.id, cs.subject))
        .collect();
    let admin = s
        .staff
        .iter()
        .find(|m| m.roles.contains(&Role::Admin))
        .unwrap()
        .id;
    Staff {
        admin,
        alice,
        journals,
    }
}

/// A teacher's day on her device: five lessons over her journals, a mark for each of up to
/// thirty students, one commit per mark. Returns the lessons as written.
fn teachers_day(c: &mut Client, author: StaffId, journals: &[DocId]) -> Vec<(DocId, Lesson)> {
    let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
    let mut out = Vec::new();
    for n in 0..5 {
        let id = journals[n % journals.len()];
        let class = id.class().unwrap();
        let store = c.store();
        let roster =
            zhurnal_journal::roster::students(store.doc(DocId::roster(id.year, class)).unwrap())
                .unwrap();
        let mut lesson = Lesson::new(date, n as u8 + 1);
        lesson.topic = format!("Тема урока {}", n + 1);
        lesson.teacher = Some(author);
        let lid = store
            .edit(id, author, |d, ed| journal::add_lesson(d, ed, &lesson))
            .unwrap();
        lesson.id = lid;
        for (i, s) in roster.iter().take(30).enumerate() {
            let mark = Marks::from_stored(["5", "4", "3", "5", "2", "4"][(i + n) % 6]).unwrap();
            store
                .edit(id, author, |d, ed| {
                    journal::save_lesson(
                        d,
                        ed,
                        lid,
                        LessonPatch {
                            marks: vec![(s.id, mark.clone())],
                            ..Default::default()
                        },
                    )
                })
                .unwrap();
            lesson.marks.insert(s.id, mark);
        }
        out.push((id, lesson));
    }
    out
}

/// The hashes of every change on the device that the server does not hold yet.
fn unsent(c: &mut Client, school: &School) -> BTreeSet<[u8; 32]> {
    let server = school.server();
    let store = c.store();
    let mut out = BTreeSet::new();
    for id in store.doc_ids().unwrap() {
        let mut st = server.storage();
        let on_server: BTreeSet<[u8; 32]> = st
            .doc(id)
            .map(|d| {
                d.automerge()
                    .get_changes(&[])
                    .iter()
                    .map(|c| c.hash().0)
                    .collect()
            })
            .unwrap_or_default();
        for ch in store.doc(id).unwrap().automerge().get_changes(&[]) {
            if !on_server.contains(&ch.hash().0) {
                out.insert(ch.hash().0);
            }
        }
    }
    out
}

/// Everything converged between the device of `user` and the server.
fn assert_converged(c: &mut Client, school: &School, user: StaffId, peer: &str) {
    let server = school.server();
    let mut st = server.storage();
    let sch = st.school().unwrap();
    let readable: BTreeSet<DocId> = st
        .ids()
        .into_iter()
        .filter(|id| access(&sch, user, *id) != Access::None)
        .collect();
    let store = c.store();
    let held: BTreeSet<DocId> = store.doc_ids().unwrap().into_iter().collect();
    assert_eq!(
        held, readable,
        "the device holds exactly what its user reads"
    );
    for id in &held {
        let mut bookmark = store.bookmark(peer, *id).unwrap();
        let mine = store.doc(*id).unwrap();
        let theirs = st.doc(*id).unwrap();
        let mut a = mine.heads();
        let mut b = theirs.heads();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{id}: heads equal on device and server");
        let mine_changes: Vec<[u8; 32]> = mine
            .automerge()
            .get_changes(&[])
            .iter()
            .map(|c| c.hash().0)
            .collect();
        let theirs_changes: BTreeSet<[u8; 32]> = theirs
            .automerge()
            .get_changes(&[])
            .iter()
            .map(|c| c.hash().0)
            .collect();
        assert_eq!(
            mine_changes.len(),
            theirs_changes.len(),
            "{id}: change counts"
        );
        assert_eq!(
            mine_changes.iter().copied().collect::<BTreeSet<_>>(),
            theirs_changes,
            "{id}: the same changes"
        );
        // Bookmarks name only changes the device holds; after a finished sync, the server's heads.
        for h in &bookmark {
            assert!(
                mine.automerge().get_change_by_hash(h).is_some(),
                "{id}: the bookmark names a change the device lacks"
            );
        }
        bookmark.sort();
        assert_eq!(bookmark, b, "{id}: bookmark = server heads");
    }
}

/// The audit rows of `user`: each hash exactly once, and exactly `expected`.
fn assert_audit_once(school: &School, user: StaffId, expected: &BTreeSet<[u8; 32]>) {
    let server = school.server();
    let rows = server
        .storage()
        .audit(
            None,
            Some(uuid::Uuid::from_bytes(*user.as_bytes())),
            None,
            1_000_000,
        )
        .unwrap();
    let mut count: BTreeMap<[u8; 32], usize> = BTreeMap::new();
    for r in &rows {
        *count.entry(r.hash).or_default() += 1;
    }
    let twice: Vec<_> = count.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "changes audited twice: {}", twice.len());
    let got: BTreeSet<[u8; 32]> = count.into_keys().collect();
    assert_eq!(got.len(), expected.len(), "audit rows vs changes sent");
    assert_eq!(
        &got, expected,
        "the audit ledger has exactly the changes sent"
    );
}

/// Every lesson and mark written on the device is on the server.
fn assert_marks_on_server(school: &School, day: &[(DocId, Lesson)]) {
    let server = school.server();
    let mut st = server.storage();
    let mut marks = 0;
    for (id, lesson) in day {
        let l = journal::lesson(st.doc(*id).unwrap(), lesson.id)
            .unwrap()
            .expect("the lesson is on the server");
        assert_eq!(l.marks, lesson.marks, "every mark of the lesson");
        marks += l.marks.len();
    }
    assert!(marks >= 100, "a day's worth of marks: {marks}");
}

// ---------------------------------------------------------------------------------------------
// Stories

#[test]
fn a_teachers_day_survives_cut_requests_cut_answers_lost_answers_and_delays() {
    let school = School::new(zhurnal_server::school::RESPONSE_BUDGET);
    let p = staff(&school);
    school.account("alice", Person::Staff(p.alice));
    let proxy = Proxy::new(school.clone());
    let dir = tempfile::tempdir().unwrap();
    let mut a = device(dir.path(), &proxy, "alice");
    // First contact through a cut answer and a lost one.
    proxy.script(&[Fault::CutResponse, Fault::DropResponse]);
    let first = sync(&mut a);
    assert!(first.received > 0 && first.retries >= 2, "{first:?}");
    assert_converged(&mut a, &school, p.alice, &proxy.url);

    let day = teachers_day(&mut a, p.alice, &p.journals);
    let sent = unsent(&mut a, &school);
    assert_eq!(
        sent.len(),
        5 + day.iter().map(|(_, l)| l.marks.len()).sum::<usize>()
    );
    // The request is cut before the server has it; then the server applies it twice over
    // without the device hearing (cut answer, lost answer); then a slow link.
    proxy.script(&[
        Fault::CutRequest,
        Fault::CutResponse,
        Fault::DropResponse,
        Fault::Delay(Duration::from_millis(300)),
    ]);
    let report = sync(&mut a);
    assert_eq!(report.sent, sent.len(), "{report:?}");
    assert!(report.retries >= 3, "{report:?}");
    let (faults, used) = proxy.done();
    assert!(used, "every scripted fault happened: {faults:?}");
    assert_eq!(faults.len(), 6);

    assert_converged(&mut a, &school, p.alice, &proxy.url);
    assert_marks_on_server(&school, &day);
    assert_audit_once(&school, p.alice, &sent);
    // A further sync moves nothing.
    let again = sync(&mut a);
    assert_eq!((again.sent, again.received), (0, 0), "{again:?}");
    assert_audit_once(&school, p.alice, &sent);
}

/// The target, through the real client and server: a teacher's day (five lessons, a
/// mark for each student, one commit per mark) syncs in one round trip and at most 1.5 KB on
/// the wire both ways, HTTP heads included (the proxy counts the bytes as they pass; TCP's
/// own are not counted). The school is the whole demo school, the teacher the one with the
/// most journals (as in `cargo bench -p zhurnal-sync --bench wire`, which compares the bodies
/// with automerge's own sync).
#[test]
fn a_teachers_day_crosses_in_one_round_trip_and_at_most_one_and_a_half_kilobytes() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.db");
    let options = zhurnal_service::DemoOptions {
        until: chrono::NaiveDate::from_ymd_opt(2025, 9, 30),
        ..Default::default()
    };
    zhurnal_service::create_demo(&whole, 1, &options).unwrap();
    let school = School::from_template(&whole, zhurnal_server::school::RESPONSE_BUDGET);
    let s = school.server().storage().school().unwrap();
    let journals_of = |t: StaffId| -> Vec<DocId> {
        s.classes
            .iter()
            .flat_map(|c| {
                c.subjects
                    .iter()
                    .filter(move |cs| cs.teacher == t && cs.subgroup_teachers.is_empty())
                    .map(move |cs| DocId::journal(2025, c.id, cs.subject))
            })
            .collect()
    };
    let teacher = s
        .staff
        .iter()
        .filter(|m| m.roles.contains(&Role::SubjectTeacher))
        .max_by_key(|m| journals_of(m.id).len())
        .unwrap()
        .id;
    let journals = journals_of(teacher);
    // The class teacher of one of her classes reads her journal there and writes none.
    let class = s
        .classes
        .iter()
        .find(|c| {
            c.class_teacher != Some(teacher)
                && c.subjects
                    .iter()
                    .any(|cs| journals.contains(&DocId::journal(2025, c.id, cs.subject)))
        })
        .unwrap();
    school.account("teacher", Person::Staff(teacher));
    school.account("class", Person::Staff(class.class_teacher.unwrap()));
    let proxy = Proxy::new(school.clone());
    let mut a = device(dir.path(), &proxy, "teacher");
    sync(&mut a);
    let documents = a.store().doc_ids().unwrap().len();
    assert!(documents >= 15, "a teacher of many classes: {documents}");
    let mut c = device(dir.path(), &proxy, "class");
    sync(&mut c);

    let day = teachers_day(&mut a, teacher, &journals);
    let marks: usize = day.iter().map(|(_, l)| l.marks.len()).sum();
    let before = proxy.wire().len();
    let report = sync(&mut a);
    let trips = proxy.wire()[before..].to_vec();
    assert_eq!(report.sent, 5 + marks, "{report:?}");
    assert_eq!(report.resent, 0, "{report:?}");
    assert_eq!(trips.len(), 1, "one round trip: {trips:?}");
    let (up, down) = trips[0];
    println!(
        "a day of {marks} marks over {documents} documents: {up} B up, {down} B down \
         (bodies {} + {} B)",
        report.bytes_up, report.bytes_down
    );
    assert!(marks >= 100, "a day's worth of marks: {marks}");
    assert!(up + down <= 1536, "{up} B up + {down} B down");
    assert_marks_on_server(&school, &day);

    // The class teacher offers nothing of the journal the teacher wrote: her request folds it,
    // and the server reads the fold by the heads it had at her last answer's mark.
    let before = proxy.wire().len();
    let report = sync(&mut c);
    let trips = proxy.wire()[before..].to_vec();
    assert_eq!((report.resent, trips.len()), (0, 1), "{report:?} {trips:?}");
    let held = c.store().doc_ids().unwrap();
    let mut lessons = 0;
    for (id, lesson) in day.iter().filter(|(id, _)| held.contains(id)) {
        let got = zhurnal_journal::journal::lesson(c.store().doc(*id).unwrap(), lesson.id)
            .unwrap()
            .expect("the lesson reached the class teacher");
        assert_eq!(got.marks, lesson.marks);
        lessons += 1;
    }
    assert!(lessons >= 1, "she reads a journal the teacher wrote");
    assert!(report.received > 0, "{report:?}");
    let (up, down) = trips[0];
    println!("the class teacher receives {lessons} lessons: {up} B up, {down} B down");

    // She enrols a student. The teacher's class lists, so her dictionary, are older than the
    // server's now: her next request goes again without the dictionary only, still folded and
    // in short, and brings the new class list.
    let newcomer = zhurnal_domain::StudentId::new_random();
    c.store()
        .edit(
            DocId::roster(2025, class.id),
            class.class_teacher.unwrap(),
            |d, ed| {
                zhurnal_journal::roster::add_students(
                    d,
                    ed,
                    &[zhurnal_journal::roster::NewStudent {
                        id: newcomer,
                        name: zhurnal_domain::PersonName {
                            last: "Новикова".into(),
                            first: "Вера".into(),
                            middle: String::new(),
                        },
                        birth_date: None,
                    }],
                )
            },
        )
        .unwrap();
    assert_eq!(sync(&mut c).sent, 1);
    let report = sync(&mut a);
    assert_eq!(report.resent, 1, "{report:?}");
    let roster = a.store().doc(DocId::roster(2025, class.id)).unwrap();
    assert!(zhurnal_journal::roster::students(roster)
        .unwrap()
        .iter()
        .any(|s| s.id == newcomer));
    assert_eq!(sync(&mut a).resent, 0, "the dictionary agrees again");
}

#[test]
fn a_multi_round_download_and_a_day_s_push_survive_server_restarts() {
    // A small answer budget: the admin's first download takes many rounds.
    let school = School::new(16 * 1024);
    let p = staff(&school);
    school.account("alice", Person::Staff(p.alice));
    school.account("admin", Person::Staff(p.admin));
    let proxy = Proxy::new(school.clone());
    let dir = tempfile::tempdir().unwrap();

    // Alice downloads her class and writes a day; the server restarts right after applying
    // her push, before she hears the answer.
    let mut a = device(dir.path(), &proxy, "alice");
    sync(&mut a);
    let day = teachers_day(&mut a, p.alice, &p.journals);
    let sent = unsent(&mut a, &school);
    proxy.script(&[Fault::Restart]);
    let report = sync(&mut a);
    assert_eq!(report.sent, sent.len(), "{report:?}");
    assert_eq!(*school.restarts.lock().unwrap(), 1);

    // The admin reads everything: a download of many rounds, with restarts, a cut and a lost
    // answer and a cut request in the middle of it.
    let before = proxy.sync_requests();
    let mut admin = device(dir.path(), &proxy, "admin");
    proxy.script(&[
        Fault::Pass,
        Fault::Pass,
        Fault::Restart,
        Fault::Pass,
        Fault::CutResponse,
        Fault::Pass,
        Fault::DropResponse,
        Fault::CutRequest,
        Fault::Restart,
        Fault::Delay(Duration::from_millis(100)),
    ]);
    let report = sync(&mut admin);
    let (faults, used) = proxy.done();
    assert!(used, "every scripted fault happened: {faults:?}");
    assert_eq!(*school.restarts.lock().unwrap(), 3);
    assert!(
        report.rounds >= 5,
        "the download took many rounds: {report:?}"
    );
    // Rounds after the first list their documents: a fold would be refused while the server
    // still holds documents the device has not received.
    assert_eq!(report.resent, 0, "{report:?}");
    assert!(proxy.sync_requests() - before >= report.rounds + 5);

    assert_converged(&mut admin, &school, p.admin, &proxy.url);
    // Alice's journal, as the admin got it, has her whole day.
    for (id, lesson) in &day {
        let l = journal::lesson(admin.store().doc(*id).unwrap(), lesson.id)
            .unwrap()
            .unwrap();
        assert_eq!(l.marks, lesson.marks);
    }
    assert_converged(&mut a, &school, p.alice, &proxy.url);
    assert_marks_on_server(&school, &day);
    assert_audit_once(&school, p.alice, &sent);
    assert_audit_once(&school, p.admin, &BTreeSet::new());
    // Her journals are not in anyone's way: the documents the admin holds are all kinds.
    let kinds: BTreeSet<&str> = admin
        .store()
        .doc_ids()
        .unwrap()
        .iter()
        .map(|d| match d.kind {
            DocKind::School => "school",
            DocKind::Roster(_) => "roster",
            DocKind::Personal(_) => "personal",
            DocKind::Journal(..) => "journal",
        })
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
}

#[test]
fn two_teachers_syncing_through_faults_at_once_lose_and_duplicate_nothing() {
    let school = School::new(zhurnal_server::school::RESPONSE_BUDGET);
    let p = staff(&school);
    school.account("alice", Person::Staff(p.alice));
    school.account("admin", Person::Staff(p.admin));
    let proxy = Proxy::new(school.clone());
    let dir = tempfile::tempdir().unwrap();
    let mut a = device(dir.path(), &proxy, "alice");
    let mut b = device(dir.path(), &proxy, "admin");
    sync(&mut a);
    sync(&mut b);
    // The admin (who may write every journal) and Alice both write a day into her journals.
    let day_a = teachers_day(&mut a, p.alice, &p.journals);
    let day_b = teachers_day(&mut b, p.admin, &p.journals);
    let sent_a = unsent(&mut a, &school);
    let sent_b = unsent(&mut b, &school);
    proxy.script(&[
        Fault::DropResponse,
        Fault::CutResponse,
        Fault::Restart,
        Fault::CutRequest,
        Fault::DropResponse,
        Fault::Delay(Duration::from_millis(50)),
    ]);
    let ta = std::thread::spawn(move || {
        let r = sync(&mut a);
        (a, r)
    });
    let tb = std::thread::spawn(move || {
        let r = sync(&mut b);
        (b, r)
    });
    let (mut a, ra) = ta.join().unwrap();
    let (mut b, rb) = tb.join().unwrap();
    assert_eq!(ra.sent, sent_a.len(), "{ra:?}");
    assert_eq!(rb.sent, sent_b.len(), "{rb:?}");
    // Each got what the other sent before its own answer, or gets it now.
    sync(&mut a);
    sync(&mut b);
    assert_converged(&mut a, &school, p.alice, &proxy.url);
    assert_converged(&mut b, &school, p.admin, &proxy.url);
    assert_marks_on_server(&school, &day_a);
    assert_marks_on_server(&school, &day_b);
    assert_audit_once(&school, p.alice, &sent_a);
    assert_audit_once(&school, p.admin, &sent_b);
}

// ---------------------------------------------------------------------------------------------
// Malformed and oversized bodies (stories.rs covers garbage, 32 MiB + 1 and bad JSON; these are
// the messages that decode part of the way, bundles, and a zip bomb)

/// Every document's heads, and the number of audit and quarantine rows.
type Fingerprint = (Vec<(DocId, Vec<[u8; 32]>)>, usize, usize);

/// Everything a refused request must leave as it was.
fn fingerprint(school: &School) -> Fingerprint {
    let server = school.server();
    let mut st = server.storage();
    let mut heads = Vec::new();
    for id in st.ids() {
        let mut h: Vec<[u8; 32]> = st.doc(id).unwrap().heads().iter().map(|h| h.0).collect();
        h.sort();
        heads.push((id, h));
    }
    let audit = st.audit(None, None, None, usize::MAX).unwrap().len();
    let quarantine = st.quarantined().unwrap().len();
    (heads, audit, quarantine)
}

fn post_raw(url: &str, token: &str, content_type: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let resp = match ureq::post(url)
        .set("Content-Type", content_type)
        .set("Authorization", &format!("Bearer {token}"))
        .send_bytes(body)
    {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{url}: {e}"),
    };
    let status = resp.status();
    let mut out = Vec::new();
    resp.into_reader().read_to_end(&mut out).unwrap();
    (status, serde_json::from_slice(&out).unwrap_or_default())
}

#[test]
fn messages_that_decode_part_way_bundles_and_zip_bombs_get_a_clear_4xx_and_change_nothing() {
    use zhurnal_sync::{bundle, wire, DocOffer, SyncRequest};
    let school = School::new(zhurnal_server::school::RESPONSE_BUDGET);
    let p = staff(&school);
    school.account("alice", Person::Staff(p.alice));
    school.account("admin", Person::Staff(p.admin));
    let base = format!("http://{}/api/v1", school.addr());
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::new(school.clone());
    let mut a = device(dir.path(), &proxy, "alice");
    sync(&mut a);
    teachers_day(&mut a, p.alice, &p.journals[..1]);
    let profile = a.profile().unwrap().unwrap();
    let token = profile.token.clone();
    let admin = school
        .server()
        .login(
            &zhurnal_server::school::LoginRequest {
                login: "admin".into(),
                password: PASSWORD.into(),
                device_name: "сервер".into(),
                device_key: zhurnal_sync::bundle::DeviceKey::generate().public_hex(),
            },
            "test",
        )
        .unwrap()
        .token;
    let good = zhurnal_service::sync::request(a.store(), &proxy.url).unwrap();
    assert!(good.docs.iter().any(|d| !d.changes.is_empty()));
    let before = fingerprint(&school);

    let sync_url = format!("{base}/sync");
    let mut cases: Vec<(&str, Vec<u8>, u16, &str)> = Vec::new();
    // Another wire version byte.
    let mut body = wire::encode_request(&good);
    body[0] = 0x7F;
    cases.push(("wire version", body, 400, "unsupported_version"));
    // Another protocol version inside a well-formed body.
    let mut old = good.clone();
    old.version = 99;
    cases.push((
        "protocol version",
        wire::encode_request(&old),
        400,
        "unsupported_version",
    ));
    // A document name that is no document.
    let mut bad = good.clone();
    bad.docs.push(DocOffer {
        doc: "2025/журнал/../../etc".into(),
        heads: vec![],
        changes: vec![vec![1, 2, 3]],
    });
    cases.push((
        "document name",
        wire::encode_request(&bad),
        400,
        "bad_request",
    ));
    // Her own journal with a change that is not an automerge change, after good ones.
    let mut bad = good.clone();
    let d = bad.docs.iter_mut().find(|d| !d.changes.is_empty()).unwrap();
    d.changes.push(b"\x85\x6f\x4a\x83 not a change".to_vec());
    cases.push((
        "change bytes",
        wire::encode_request(&bad),
        400,
        "bad_change",
    ));
    // Her changes with the first (the lesson) left out: the rest depend on it.
    let mut bad = good.clone();
    let d = bad.docs.iter_mut().find(|d| !d.changes.is_empty()).unwrap();
    d.changes.remove(0);
    cases.push((
        "missing dependency",
        wire::encode_request(&bad),
        409,
        "missing_deps",
    ));
    // A zip bomb: 40 MiB of zeros in a few kilobytes.
    // (Version byte, then "no dictionary", then the frame.)
    let mut bomb = vec![wire::WIRE_VERSION, 0];
    bomb.extend(zstd::bulk::compress(&vec![0u8; 40 << 20], 19).unwrap());
    assert!(bomb.len() < 64 * 1024);
    cases.push(("zip bomb", bomb, 413, "too_large"));
    // An empty body.
    cases.push(("empty", Vec::new(), 400, "bad_request"));
    for (what, body, status, code) in &cases {
        let (s, e) = post_raw(&sync_url, &token, wire::CONTENT_TYPE, body);
        assert_eq!(
            (s, e["code"].as_str()),
            (*status, Some(*code)),
            "{what}: {e}"
        );
        assert!(
            !e["message"].as_str().unwrap_or_default().is_empty(),
            "{what}: a message for the user"
        );
        assert_eq!(fingerprint(&school), before, "{what}: nothing changed");
    }

    // Bundles: garbage, cut, oversized, signed by another key, and a well-signed one whose
    // request is refused by the gate.
    let bundle_url = format!("{base}/bundle");
    let key = zhurnal_sync::bundle::DeviceKey::from_bytes(&profile.device_key);
    let b = bundle::Bundle {
        user: p.alice,
        device: zhurnal_sync::gate::DeviceId(profile.device_id.parse().unwrap()),
        created: 0,
        request: good.clone(),
    };
    let sealed = bundle::seal(&b, &key);
    let mut bad_gate = b.clone();
    bad_gate.request = SyncRequest {
        version: good.version,
        mark: None,
        docs: vec![DocOffer {
            doc: p.journals[0].to_string(),
            heads: vec![],
            changes: vec![b"garbage".to_vec()],
        }],
    };
    let mut big = sealed.clone();
    big.resize(http::MAX_BODY + 1, 0);
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("garbage", b"not a bundle at all".to_vec(), 400),
        ("cut", sealed[..sealed.len() / 2].to_vec(), 400),
        ("oversized", big, 413),
        (
            "another key",
            bundle::seal(&b, &zhurnal_sync::bundle::DeviceKey::generate()),
            403,
        ),
        ("refused by the gate", bundle::seal(&bad_gate, &key), 400),
    ];
    for (what, body, status) in &cases {
        let (s, e) = post_raw(&bundle_url, &admin, "application/octet-stream", body);
        assert_eq!(s, *status, "bundle {what}: {e}");
        assert!(!e["message"].as_str().unwrap_or_default().is_empty());
        assert_eq!(
            fingerprint(&school),
            before,
            "bundle {what}: nothing changed"
        );
    }
    // The good request still goes through afterwards.
    let (s, _) = post_raw(&bundle_url, &admin, "application/octet-stream", &sealed);
    assert_eq!(s, 200);
    assert_ne!(fingerprint(&school), before);
}
