//! Server throughput: many teachers' devices sync a day's changes with a real server on
//! 127.0.0.1:0, over HTTP, with bounded concurrency. Prints total time, throughput and
//! p50/p99/max latency of the sync round trips.
//!
//! `cargo bench -p zhurnal-server --bench throughput` (1000 clients, 16 at once);
//! `ZHURNAL_BENCH_CLIENTS=200 ZHURNAL_BENCH_CONCURRENCY=8` to change either.
//!
//! The school: the demo generator's classes, enough of them for one journal per client
//! (2А…11И, as many as needed), and every (class, subject) journal given to a teacher of its
//! own, so that each client is a distinct teacher account with one enrolled device and its
//! own journal: her day is five lessons in that journal with a mark for each of thirty
//! students (about 150 commits, one per mark, as the app makes them). A real school has ~50
//! teachers; a thousand are a district's worth of schools on one server. Accounts and devices
//! are written straight into the server's storage (no argon2 in the set-up), and every day's
//! request is built and wire-encoded before the clock starts: the timed part is only the
//! server (authentication, decoding, the permission gate, the durable apply with its audit,
//! the answer) and the HTTP round trips.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zhurnal_domain::{Lesson, Marks, PersonName, Role, Staff, StaffId};
use zhurnal_journal::automerge::{ActorId, ChangeHash};
use zhurnal_journal::journal::{self, LessonPatch};
use zhurnal_journal::{Doc, DocId, Editor};
use zhurnal_server::storage::{Device, User, UserKind};
use zhurnal_server::{accounts, SchoolServer};
use zhurnal_sync::gate::DocSource;
use zhurnal_sync::{access, client, wire, Access, DocOffer, SyncRequest};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One simulated device: its token, the request of its day and its body as the device sends
/// it (in short: the roster dictionary, the server's changes by short hashes, the documents
/// without changes folded), its dictionary, and how many marks.
struct Client {
    token: String,
    req: SyncRequest,
    body: Vec<u8>,
    dict: wire::Dictionary,
    marks: usize,
}

/// The server's documents as of the evening before, as a device's copies.
struct Copies<'a>(&'a BTreeMap<DocId, Doc>);

impl DocSource for Copies<'_> {
    fn ids(&self) -> Vec<DocId> {
        self.0.keys().copied().collect()
    }
    fn doc(&mut self, id: DocId) -> Option<&Doc> {
        self.0.get(&id)
    }
}

fn main() {
    let clients = env("ZHURNAL_BENCH_CLIENTS", 1000);
    let concurrency = env("ZHURNAL_BENCH_CONCURRENCY", 16);
    let t0 = Instant::now();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("server.db");

    // The school: enough classes for one journal per client, a teacher per journal.
    let letters = ["А", "Б", "В", "Г", "Д", "Е", "Ж", "И", "К", "Л"];
    let mut classes = Vec::new();
    'outer: for letter in letters {
        for grade in 2..=11u8 {
            classes.push((grade, letter.to_string()));
            // About twelve journals a class; stop with some to spare.
            if classes.len() * 11 >= clients + 20 {
                break 'outer;
            }
        }
    }
    let options = zhurnal_service::DemoOptions {
        classes,
        until: chrono::NaiveDate::from_ymd_opt(2025, 9, 30),
        ..Default::default()
    };
    let mut demo = zhurnal_demo::generate_with(7, &options);
    let mut teachers: Vec<(StaffId, DocId)> = Vec::new();
    for c in &mut demo.classes {
        for cs in &mut c.class.subjects {
            if !cs.subgroup_teachers.is_empty() {
                continue;
            }
            let n = demo.staff.len();
            let id = StaffId(uuid::Uuid::new_v4());
            demo.staff.push(Staff {
                id,
                name: PersonName {
                    last: format!("Учителева{n}"),
                    first: "Анна".into(),
                    middle: "Петровна".into(),
                },
                roles: vec![Role::SubjectTeacher],
            });
            cs.teacher = id;
            teachers.push((id, DocId::journal(2025, c.class.id, cs.subject)));
        }
    }
    assert!(
        teachers.len() >= clients,
        "the school has only {} journals for {clients} clients",
        teachers.len()
    );
    teachers.truncate(clients);
    let docs = zhurnal_service::build_docs(&demo).expect("the school builds");
    let server_docs: BTreeMap<DocId, Doc> = docs
        .iter()
        .map(|d| (d.id(), Doc::load(d.id(), &[&d.save()]).expect("loads")))
        .collect();
    {
        let mut store = zhurnal_store::Store::open(&db).expect("the server's store");
        store.put_docs(docs).expect("documents stored");
    }
    let school = zhurnal_journal::school::school(&server_docs[&DocId::school(2025)])
        .expect("the school reads");
    let heads: BTreeMap<DocId, Vec<ChangeHash>> =
        server_docs.iter().map(|(id, d)| (*id, d.heads())).collect();
    println!(
        "school: {} classes, {} documents, {} staff ({:.1} s)",
        demo.classes.len(),
        server_docs.len(),
        school.staff.len(),
        t0.elapsed().as_secs_f64()
    );

    // Accounts and devices, straight into storage.
    let server = SchoolServer::open(&db).expect("the server opens");
    let password_hash = accounts::hash_password("пароль-для-замера");
    let mut tokens = Vec::with_capacity(clients);
    {
        let mut st = server.storage();
        for (i, (teacher, _)) in teachers.iter().enumerate() {
            let user = User {
                id: teacher.0,
                login: format!("teacher{i}"),
                kind: UserKind::Staff,
                name: format!("Учитель {i}"),
                password_hash: password_hash.clone(),
                must_change: false,
                created_at: 0,
                revoked_at: None,
                students: Vec::new(),
            };
            assert!(st.add_user(&user).expect("a user"));
            let token = accounts::new_token();
            let device = Device {
                id: uuid::Uuid::new_v4(),
                user: teacher.0,
                name: format!("ноутбук {i}"),
                public_key: vec![0; 32],
                created_at: 0,
                last_seen: None,
                revoked_at: None,
            };
            st.add_device(&device, &accounts::token_hash(&token))
                .expect("a device");
            tokens.push(token);
        }
    }

    // Every client's day, built and encoded before the clock starts (two threads).
    let next = AtomicUsize::new(0);
    let built: Mutex<Vec<Option<Client>>> = Mutex::new((0..clients).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= clients {
                    break;
                }
                let (teacher, journal) = teachers[i];
                let (mut req, marks) = day(i, teacher, journal, &server_docs, &school, &heads);
                // The mark her first download's answer carried: the documents were stored
                // before any sync, so the ledger was empty.
                req.mark = Some(0);
                let dict = wire::Dictionary::of_reader(&school, teacher, &mut Copies(&server_docs));
                let body = wire::encode_request_with(
                    &req,
                    wire::Shorthand {
                        dict: Some(&dict),
                        short_hashes: true,
                        fold_unchanged: true,
                    },
                );
                built.lock().unwrap()[i] = Some(Client {
                    token: tokens[i].clone(),
                    req,
                    body,
                    dict,
                    marks,
                });
            });
        }
    });
    let clients_v: Vec<Client> = built
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|c| c.expect("built"))
        .collect();
    let marks: usize = clients_v.iter().map(|c| c.marks).sum();
    let bytes: usize = clients_v.iter().map(|c| c.body.len()).sum();
    println!(
        "{} days built: {marks} marks, {:.1} KB a request on average ({:.1} s)",
        clients_v.len(),
        bytes as f64 / clients_v.len() as f64 / 1024.0,
        t0.elapsed().as_secs_f64()
    );

    // The server on 127.0.0.1:0.
    let mut running = zhurnal_testkit::TestServer::serve(Arc::new(server));
    let server = running.server.clone();
    let url = format!("{}/api/v1/sync", running.url());

    // The timed part: `concurrency` workers take the next client until all are done.
    let next = AtomicUsize::new(0);
    let latencies: Mutex<Vec<Duration>> = Mutex::new(Vec::with_capacity(clients));
    let rounds = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..concurrency {
            s.spawn(|| {
                let agent = ureq::AgentBuilder::new().build();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(c) = clients_v.get(i) else { break };
                    let mut body = c.body.clone();
                    loop {
                        let t = Instant::now();
                        let resp = agent
                            .post(&url)
                            .set("Content-Type", wire::CONTENT_TYPE)
                            .set("Authorization", &format!("Bearer {}", c.token))
                            .send_bytes(&body)
                            .unwrap_or_else(|e| panic!("client {i}: {e}"));
                        let mut answer = Vec::new();
                        resp.into_reader()
                            .read_to_end(&mut answer)
                            .expect("the answer reads");
                        latencies.lock().unwrap().push(t.elapsed());
                        rounds.fetch_add(1, Ordering::Relaxed);
                        let answer = wire::decode_response_to(&answer, &c.req, Some(&c.dict))
                            .expect("the answer decodes");
                        if !answer.more {
                            break;
                        }
                        // Not expected for a day; resend the same request (idempotent).
                        body = c.body.clone();
                    }
                }
            });
        }
    });
    let total = start.elapsed();
    running.stop();

    let mut l = latencies.into_inner().unwrap();
    l.sort();
    let pct = |p: f64| l[((l.len() as f64 * p).ceil() as usize).clamp(1, l.len()) - 1];
    let audit = server
        .storage()
        .audit(None, None, None, usize::MAX)
        .expect("audit")
        .len();
    println!(
        "{} clients' days ({marks} marks, {} round trips, {concurrency} at once) in {:.1} s: \
         {:.1} days/s, {:.0} marks/s; latency p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; \
         {audit} changes audited",
        clients_v.len(),
        rounds.load(Ordering::Relaxed),
        total.as_secs_f64(),
        clients_v.len() as f64 / total.as_secs_f64(),
        marks as f64 / total.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        l[l.len() - 1].as_secs_f64() * 1e3,
    );
    assert!(
        audit >= marks,
        "every mark reached the server ({audit} < {marks})"
    );
}

/// Client `i`'s day: five lessons in its journal, a mark for each of up to thirty students,
/// one commit per mark; the request offers every document she reads with the server's heads
/// of the evening before and, for her journal, the day's changes.
fn day(
    i: usize,
    teacher: StaffId,
    id: DocId,
    server: &BTreeMap<DocId, Doc>,
    school: &zhurnal_journal::school::School,
    heads: &BTreeMap<DocId, Vec<ChangeHash>>,
) -> (SyncRequest, usize) {
    let mut doc = Doc::load(id, &[&server[&id].save()]).expect("loads");
    let class = id.class().expect("a journal");
    let roster = zhurnal_journal::roster::students(&server[&DocId::roster(2025, class)])
        .expect("the roster reads");
    let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 1).expect("a date");
    let mut actor = [0u8; 16];
    actor[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
    let mut editor = Editor {
        author: teacher,
        actor: ActorId::from(actor.as_slice()),
        time: 1_759_300_000,
    };
    let mut marks = 0;
    for n in 0..5u8 {
        let mut lesson = Lesson::new(date, n + 1);
        lesson.topic = format!("Тема урока {}", n + 1);
        lesson.teacher = Some(teacher);
        let lid = journal::add_lesson(&mut doc, &editor, &lesson).expect("a lesson");
        for (k, s) in roster.iter().take(30).enumerate() {
            editor.time += 40;
            let mark = ["5", "4", "4", "3", "5", "2", "4"][(k * 7 + n as usize * 3) % 7];
            let patch = LessonPatch {
                marks: vec![(s.id, Marks::from_stored(mark).expect("a mark"))],
                ..Default::default()
            };
            journal::save_lesson(&mut doc, &editor, lid, patch).expect("a mark");
            marks += 1;
        }
    }
    let offers: Vec<DocOffer> = heads
        .iter()
        .filter(|(d, _)| access(school, teacher, **d) != Access::None)
        .map(|(d, h)| {
            if *d == id {
                client::offer(&doc, h)
            } else {
                DocOffer {
                    doc: d.to_string(),
                    heads: h.iter().map(|&x| x.into()).collect(),
                    changes: Vec::new(),
                }
            }
        })
        .collect();
    (client::request(offers), marks)
}
