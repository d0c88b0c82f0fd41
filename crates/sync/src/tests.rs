//! Stories on simulated peers: a server and clients held in memory, driven through the same
//! functions a transport will call. Alice teaches algebra, Bob physics, Carol is the class
//! teacher; Emma and Fyodor each teach one English subgroup of the same class.

use crate::client::{self, bookmark_after};
use crate::gate::{self, ActorBook, DeviceId, Principal};
use crate::ladder::Ladder;
use crate::protocol::{ErrorCode, Rejection};
use crate::sim::{Ledgered, Server};
use crate::wire::{self, Dictionary};
use std::collections::BTreeMap;
use zhurnal_domain::{Class, Lesson, Marks, StaffId, SubjectId};
use zhurnal_journal::automerge::{ActorId, ChangeHash};
use zhurnal_journal::journal::{self, LessonPatch};
use zhurnal_journal::{Doc, DocId, Editor};

struct Client {
    who: Principal,
    actor: ActorId,
    docs: BTreeMap<DocId, Doc>,
    bookmarks: BTreeMap<DocId, Vec<ChangeHash>>,
    /// The server's ledger mark of the last answer.
    mark: u64,
    /// Why requests were sent again, spelt out further.
    resent: Vec<wire::WireError>,
}

impl Client {
    fn new(user: StaffId, device: u8) -> Self {
        Client {
            who: Principal {
                user,
                device: DeviceId(uuid::Uuid::from_bytes([device; 16])),
            },
            actor: ActorId::random(),
            docs: BTreeMap::new(),
            bookmarks: BTreeMap::new(),
            mark: 0,
            resent: Vec::new(),
        }
    }

    fn editor(&self) -> Editor {
        Editor {
            author: self.who.user,
            actor: self.actor.clone(),
            time: 1_760_000_000,
        }
    }

    fn doc(&mut self, id: DocId) -> &mut Doc {
        self.docs.get_mut(&id).expect("client holds the document")
    }
}

/// One round trip between a client and the server, as a transport would drive it: the request
/// crosses the wire in short (the roster dictionary of the client's own copies, short hashes),
/// and again in full if the server cannot read it so; the answer refers to the request.
fn sync(c: &mut Client, s: &mut Server) -> Result<(), Rejection> {
    let offers = c
        .docs
        .values()
        .map(|d| client::offer(d, c.bookmarks.get(&d.id()).map_or(&[][..], |b| b)))
        .collect();
    let mut sent = client::request(offers);
    sent.mark = Some(c.mark);
    let cschool = c
        .docs
        .get(&DocId::school(2025))
        .map(|d| zhurnal_journal::school::school(d).unwrap());
    let cdict = cschool.map(|school| Dictionary::of_reader(&school, c.who.user, &mut c.docs));
    let sdict = Dictionary::of_reader(&s.school, c.who.user, &mut s.docs);
    // As the client does: down the ladder until the server reads the request.
    let mut ladder = Ladder::new();
    let decoded = loop {
        let body = wire::encode_request_with(&sent, ladder.shorthand(cdict.as_ref()));
        let mut lookup = gate::DocLookup::new(&s.school, c.who.user, &mut s.docs);
        match wire::decode_request_with(&body, Some(&sdict), Some(&mut lookup)) {
            Ok(req) => break (req, wire::body_dictionary(&body).map(|_| &sdict)),
            Err(e) => {
                assert!(
                    ladder.refused(e.code()),
                    "a request in full always reads: {e}"
                );
                c.resent.push(e);
            }
        }
    };
    let (req, answer_dict) = decoded;
    assert_eq!(req, sent, "the request crossed the wire unchanged");
    let plan = gate::check(&req, &c.who, &s.school, &s.book, &mut s.docs)?;
    s.apply(plan);
    let resp = gate::respond(&req, &c.who, &s.school, &mut s.docs, usize::MAX);
    assert!(!resp.more);
    assert_eq!(resp.mark, Some(s.docs.ledger.len() as u64));
    let body = wire::encode_response_to(&resp, &req, answer_dict);
    let dict = answer_dict.and(cdict.as_ref());
    assert_eq!(wire::decode_response_to(&body, &sent, dict).unwrap(), resp);
    for inc in client::incoming(&resp)? {
        let doc = match c.docs.get_mut(&inc.doc) {
            Some(doc) => {
                for ch in &inc.changes {
                    doc.apply_chunk(ch).unwrap();
                }
                doc
            }
            None => {
                let parts: Vec<&[u8]> = inc.changes.iter().map(Vec::as_slice).collect();
                c.docs
                    .entry(inc.doc)
                    .or_insert(Doc::load(inc.doc, &parts).unwrap())
            }
        };
        if let Some(b) = bookmark_after(doc, &inc.server_heads) {
            c.bookmarks.insert(inc.doc, b);
        }
    }
    c.mark = resp
        .mark
        .expect("a complete answer to a request with a mark has one");
    Ok(())
}

struct World {
    server: Server,
    class: Class,
    algebra: SubjectId,
    physics: SubjectId,
    english: SubjectId,
    alice: StaffId,
    bob: StaffId,
    carol: StaffId,
    emma: StaffId,
    fyodor: StaffId,
}

fn world() -> World {
    let options = zhurnal_demo::DemoOptions {
        classes: vec![(7, "Б".into())],
        until: chrono::NaiveDate::from_ymd_opt(2025, 9, 20),
        ..Default::default()
    };
    let demo = zhurnal_demo::generate_with(5, &options);
    let docs = zhurnal_service::build_docs(&demo).unwrap();
    let school = zhurnal_journal::school::school(
        docs.iter().find(|d| d.id() == DocId::school(2025)).unwrap(),
    )
    .unwrap();
    let class = school.classes[0].clone();
    let subject = |name: &str| school.subject_by_name(name).unwrap().id;
    let (algebra, physics, english) = (
        subject("Алгебра"),
        subject("Физика"),
        subject("Иностранный язык (английский)"),
    );
    let teacher = |s| class.teaches(s).unwrap().teacher;
    let en = class.teaches(english).unwrap().subgroup_teachers.clone();
    let w = World {
        alice: teacher(algebra),
        bob: teacher(physics),
        carol: class.class_teacher.unwrap(),
        emma: en[0],
        fyodor: en[1],
        algebra,
        physics,
        english,
        class,
        server: Server {
            school,
            docs: Ledgered {
                docs: docs.into_iter().map(|d| (d.id(), d)).collect(),
                ledger: Vec::new(),
            },
            book: ActorBook::default(),
        },
    };
    assert!(w.alice != w.bob && w.emma != w.fyodor);
    assert!(
        w.class.teaches(w.algebra).unwrap().teacher != w.carol,
        "Carol must not teach algebra in her class"
    );
    w
}

fn jid(w: &World, subject: SubjectId) -> DocId {
    DocId::journal(2025, w.class.id, subject)
}

fn student(w: &World, i: usize) -> zhurnal_domain::StudentId {
    let roster = &w.server.docs[&DocId::roster(2025, w.class.id)];
    zhurnal_journal::roster::students(roster).unwrap()[i].id
}

fn add_lesson_with_mark(
    c: &mut Client,
    id: DocId,
    day: u32,
    s: zhurnal_domain::StudentId,
    mark: &str,
) -> zhurnal_domain::LessonId {
    let ed = c.editor();
    let mut l = Lesson::new(chrono::NaiveDate::from_ymd_opt(2025, 9, day).unwrap(), 7);
    l.marks.insert(s, Marks::from_stored(mark).unwrap());
    journal::add_lesson(c.doc(id), &ed, &l).unwrap()
}

#[test]
fn a_device_with_an_older_class_list_resends_without_the_dictionary_only() {
    let mut w = world();
    let (mut alice, mut carol) = (Client::new(w.alice, 1), Client::new(w.carol, 3));
    sync(&mut alice, &mut w.server).unwrap();
    sync(&mut carol, &mut w.server).unwrap();
    // Carol enrols a new student; Alice, not yet aware, marks a lesson.
    let ed = carol.editor();
    let newcomer = zhurnal_domain::StudentId::from_raw([42; 16]);
    zhurnal_journal::roster::add_students(
        carol.doc(DocId::roster(2025, w.class.id)),
        &ed,
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
    .unwrap();
    sync(&mut carol, &mut w.server).unwrap();
    let lesson = add_lesson_with_mark(&mut alice, jid(&w, w.algebra), 22, student(&w, 0), "4");
    sync(&mut alice, &mut w.server).unwrap();
    // Her class list (so her dictionary) is older than the server's: the request goes again
    // without it, still folded and in short, and reads.
    assert_eq!(alice.resent, [wire::WireError::UnknownDictionary]);
    assert!(journal::lessons(&w.server.docs[&jid(&w, w.algebra)])
        .unwrap()
        .iter()
        .any(|l| l.id == lesson));
    let roster = &alice.docs[&DocId::roster(2025, w.class.id)];
    assert!(zhurnal_journal::roster::students(roster)
        .unwrap()
        .iter()
        .any(|s| s.id == newcomer));
    // With the class list received, the next request goes in short again.
    alice.resent.clear();
    sync(&mut alice, &mut w.server).unwrap();
    assert_eq!(alice.resent, []);
}

#[test]
fn a_fold_with_a_wrong_mark_is_refused_and_the_device_lists_its_documents() {
    let mut w = world();
    let (mut alice, mut carol) = (Client::new(w.alice, 1), Client::new(w.carol, 3));
    sync(&mut alice, &mut w.server).unwrap();
    sync(&mut carol, &mut w.server).unwrap();
    let s0 = student(&w, 0);
    // Carol's mark says she saw the ledger as it is now (she did not see Alice's new lesson),
    // from its beginning (she holds Alice's lesson of the day before), or a place it never
    // reached.
    enum Wrong {
        Ahead,
        Behind,
        Beyond,
    }
    for (day, wrong) in [(22, Wrong::Ahead), (23, Wrong::Behind), (24, Wrong::Beyond)] {
        let lesson = add_lesson_with_mark(&mut alice, jid(&w, w.algebra), day, s0, "5");
        sync(&mut alice, &mut w.server).unwrap();
        carol.mark = match wrong {
            Wrong::Ahead => w.server.docs.ledger.len() as u64,
            Wrong::Behind => 0,
            Wrong::Beyond => u64::MAX,
        };
        carol.resent.clear();
        sync(&mut carol, &mut w.server).unwrap();
        assert_eq!(carol.resent, [wire::WireError::Unfolded], "day {day}");
        assert!(journal::lessons(&carol.docs[&jid(&w, w.algebra)])
            .unwrap()
            .iter()
            .any(|l| l.id == lesson));
    }
}

#[test]
fn teachers_work_offline_then_sync_in_any_order_and_everyone_sees_the_same_journal() {
    let mut w = world();
    let (mut alice, mut bob, mut carol) = (
        Client::new(w.alice, 1),
        Client::new(w.bob, 2),
        Client::new(w.carol, 3),
    );
    for c in [&mut alice, &mut bob, &mut carol] {
        sync(c, &mut w.server).unwrap();
    }
    // Each teacher receives only what he may read.
    assert!(
        alice.docs.contains_key(&jid(&w, w.algebra))
            && !alice.docs.contains_key(&jid(&w, w.physics))
    );
    assert!(
        !alice.docs.contains_key(&DocId::personal(2025, w.class.id)),
        "personal data only for the class teacher"
    );
    assert!(
        carol.docs.contains_key(&jid(&w, w.algebra))
            && carol.docs.contains_key(&DocId::personal(2025, w.class.id))
    );

    // Offline: Alice and Bob each enter a lesson.
    let s0 = student(&w, 0);
    let la = add_lesson_with_mark(&mut alice, jid(&w, w.algebra), 22, s0, "5");
    let lb = add_lesson_with_mark(&mut bob, jid(&w, w.physics), 22, s0, "4");
    assert_eq!(
        client::pending(
            &alice.docs[&jid(&w, w.algebra)],
            &alice.bookmarks[&jid(&w, w.algebra)]
        ),
        1
    );

    // They meet the server in a scrambled order, twice.
    let mut clients = [alice, bob, carol];
    for i in [2, 1, 0, 2, 0, 1, 2] {
        sync(&mut clients[i], &mut w.server).unwrap();
    }
    let [alice, _bob, carol] = clients;
    // Every request went in short and the server read it: the dictionaries matched and every
    // short hash was found, also where others had written since; and Carol's fold, though
    // Alice and Bob wrote documents she offered nothing of, read by the heads the server had
    // at the mark of her last answer.
    assert_eq!(alice.resent, []);
    assert_eq!(carol.resent, []);
    let alg = |c: &Client| journal::lessons(&c.docs[&jid(&w, w.algebra)]).unwrap();
    assert_eq!(alg(&alice), alg(&carol));
    assert_eq!(
        alg(&alice),
        journal::lessons(&w.server.docs[&jid(&w, w.algebra)]).unwrap()
    );
    assert!(alg(&carol).iter().any(|l| l.id == la));
    assert!(journal::lessons(&carol.docs[&jid(&w, w.physics)])
        .unwrap()
        .iter()
        .any(|l| l.id == lb));
    assert_eq!(
        client::pending(
            &alice.docs[&jid(&w, w.algebra)],
            &alice.bookmarks[&jid(&w, w.algebra)]
        ),
        0
    );
}

#[test]
fn a_teacher_and_the_admin_writing_one_cell_see_a_conflict_with_both_names() {
    let mut w = world();
    let admin = w
        .server
        .school
        .staff
        .iter()
        .find(|s| s.roles.contains(&zhurnal_domain::Role::Admin))
        .unwrap()
        .id;
    let (mut emma, mut boss) = (Client::new(w.emma, 1), Client::new(admin, 2));
    sync(&mut emma, &mut w.server).unwrap();
    let s = student(&w, 1);
    let id = jid(&w, w.english);
    let lesson = add_lesson_with_mark(&mut emma, id, 23, s, "4");
    sync(&mut emma, &mut w.server).unwrap();
    sync(&mut boss, &mut w.server).unwrap();
    // Both correct the same cell offline.
    for (c, m) in [(&mut emma, "5"), (&mut boss, "3")] {
        let ed = c.editor();
        let patch = LessonPatch {
            marks: vec![(s, Marks::from_stored(m).unwrap())],
            ..Default::default()
        };
        journal::save_lesson(c.doc(id), &ed, lesson, patch).unwrap();
    }
    sync(&mut emma, &mut w.server).unwrap();
    sync(&mut boss, &mut w.server).unwrap();
    sync(&mut emma, &mut w.server).unwrap();
    for doc in [&emma.docs[&id], &boss.docs[&id], &w.server.docs[&id]] {
        let conflicts = journal::conflicts(doc).unwrap();
        assert_eq!(conflicts.len(), 1);
        let authors: BTreeMap<_, _> = conflicts[0]
            .values
            .iter()
            .map(|v| (v.author.unwrap(), v.value.clone()))
            .collect();
        assert_eq!(
            authors,
            BTreeMap::from([(w.emma, "5".to_string()), (admin, "3".to_string())])
        );
    }
}

/// A request that must be refused, and the server state it must leave untouched.
fn refused(c: &mut Client, s: &mut Server, code: ErrorCode) {
    refused_with(c, s, code);
}

fn refused_with(c: &mut Client, s: &mut Server, code: ErrorCode) -> Rejection {
    let before: BTreeMap<DocId, Vec<ChangeHash>> =
        s.docs.iter().map(|(k, d)| (*k, d.heads())).collect();
    let book = s.book.clone();
    let err = sync(c, s).unwrap_err();
    assert_eq!(err.code, code, "{err}");
    let after: BTreeMap<DocId, Vec<ChangeHash>> =
        s.docs.iter().map(|(k, d)| (*k, d.heads())).collect();
    assert_eq!(before, after, "a refused request changes no document");
    assert_eq!(book, s.book, "nor the actor book");
    err
}

#[test]
fn the_class_teacher_reads_every_subject_but_cannot_write_one() {
    let mut w = world();
    let mut carol = Client::new(w.carol, 3);
    sync(&mut carol, &mut w.server).unwrap();
    add_lesson_with_mark(&mut carol, jid(&w, w.algebra), 24, student(&w, 0), "2");
    refused(&mut carol, &mut w.server, ErrorCode::ReadOnly);
}

#[test]
fn a_teacher_cannot_write_another_subject_even_with_a_copy_of_it() {
    let mut w = world();
    let mut bob = Client::new(w.bob, 2);
    sync(&mut bob, &mut w.server).unwrap();
    let id = jid(&w, w.algebra);
    bob.docs
        .insert(id, Doc::load(id, &[&w.server.docs[&id].save()]).unwrap());
    add_lesson_with_mark(&mut bob, id, 24, student(&w, 0), "2");
    refused(&mut bob, &mut w.server, ErrorCode::NoAccess);
}

#[test]
fn a_change_signed_as_someone_else_or_from_another_device_is_refused() {
    let mut w = world();
    let mut alice = Client::new(w.alice, 1);
    sync(&mut alice, &mut w.server).unwrap();
    let id = jid(&w, w.algebra);
    // Her device writes as Bob.
    let mut forged = alice.editor();
    forged.author = w.bob;
    let mut l = Lesson::new(chrono::NaiveDate::from_ymd_opt(2025, 9, 25).unwrap(), 1);
    l.topic = "Подлог".into();
    journal::add_lesson(alice.doc(id), &forged, &l).unwrap();
    refused(&mut alice, &mut w.server, ErrorCode::AuthorMismatch);

    // A fresh, honest copy syncs and binds her actor to device 1...
    let mut alice = Client::new(w.alice, 1);
    sync(&mut alice, &mut w.server).unwrap();
    add_lesson_with_mark(&mut alice, id, 25, student(&w, 0), "5");
    sync(&mut alice, &mut w.server).unwrap();
    // ...so the same actor arriving from device 9 is someone else's.
    let mut thief = Client::new(w.alice, 9);
    thief.actor = alice.actor.clone();
    sync(&mut thief, &mut w.server).unwrap();
    add_lesson_with_mark(&mut thief, id, 26, student(&w, 0), "2");
    refused(&mut thief, &mut w.server, ErrorCode::ForeignActor);
}

#[test]
fn a_revoked_device_is_refused_and_keeps_its_changes() {
    let mut w = world();
    let mut alice = Client::new(w.alice, 1);
    sync(&mut alice, &mut w.server).unwrap();
    let id = jid(&w, w.algebra);
    let lesson = add_lesson_with_mark(&mut alice, id, 26, student(&w, 0), "5");
    w.server.book.revoke(alice.who.device);
    refused(&mut alice, &mut w.server, ErrorCode::RevokedDevice);
    // The device still holds what was entered on it.
    assert!(journal::lesson(&alice.docs[&id], lesson).unwrap().is_some());
}

#[test]
fn resending_the_same_request_is_harmless() {
    let mut w = world();
    let mut alice = Client::new(w.alice, 1);
    sync(&mut alice, &mut w.server).unwrap();
    let id = jid(&w, w.algebra);
    add_lesson_with_mark(&mut alice, id, 29, student(&w, 0), "4");
    // The response is lost: the bookmark does not move, and the same changes go again.
    let bookmark = alice.bookmarks[&id].clone();
    sync(&mut alice, &mut w.server).unwrap();
    alice.bookmarks.insert(id, bookmark);
    let heads = w.server.docs[&id].heads();
    sync(&mut alice, &mut w.server).unwrap();
    assert_eq!(w.server.docs[&id].heads(), heads);
    assert_eq!(
        journal::lessons(&w.server.docs[&id]).unwrap(),
        journal::lessons(&alice.docs[&id]).unwrap()
    );
}

#[test]
fn access_rules_follow_the_roles() {
    use crate::access::{access, Access};
    let w = world();
    let school = &w.server.school;
    let by_role = |r: zhurnal_domain::Role| {
        school
            .staff
            .iter()
            .find(|s| s.roles.contains(&r))
            .unwrap()
            .id
    };
    let (admin, deputy) = (
        by_role(zhurnal_domain::Role::Admin),
        by_role(zhurnal_domain::Role::Deputy),
    );
    let c = w.class.id;
    let (roster, personal, alg) = (
        DocId::roster(2025, c),
        DocId::personal(2025, c),
        jid(&w, w.algebra),
    );
    let table = [
        (admin, personal, Access::Write),
        (admin, alg, Access::Write),
        (deputy, alg, Access::Read),
        (deputy, roster, Access::Read),
        (deputy, personal, Access::None),
        (w.carol, roster, Access::Write),
        (w.carol, personal, Access::Write),
        (w.carol, alg, Access::Read),
        (w.alice, alg, Access::Write),
        (w.alice, roster, Access::Read),
        (w.alice, personal, Access::None),
        (w.alice, jid(&w, w.physics), Access::None),
        (w.emma, jid(&w, w.english), Access::Write),
        (w.alice, DocId::school(2025), Access::Read),
        (
            StaffId::from_raw([0xEE; 16]),
            DocId::school(2025),
            Access::None,
        ),
    ];
    for (user, doc, want) in table {
        assert_eq!(access(school, user, doc), want, "{user} on {doc}");
    }
}

#[test]
fn a_teacher_who_lost_a_class_still_syncs_the_rest() {
    let mut w = world();
    let mut alice = Client::new(w.alice, 1);
    sync(&mut alice, &mut w.server).unwrap();
    // The admin gives algebra to Bob.
    let mut class = w.server.school.classes[0].clone();
    class
        .subjects
        .iter_mut()
        .find(|s| s.subject == w.algebra)
        .unwrap()
        .teacher = w.bob;
    w.server.school.classes[0] = class;
    sync(&mut alice, &mut w.server).unwrap();
}

#[test]
fn a_response_over_budget_says_how_many_documents_remain() {
    let mut w = world();
    let alice = Client::new(w.alice, 1);
    let req = client::request(Vec::new());
    let all = gate::respond(&req, &alice.who, &w.server.school, &mut w.server.docs, 1);
    assert!(all.more);
    assert_eq!(all.docs.len(), 1, "the first document spends the budget");
    let readable = gate::respond(
        &req,
        &alice.who,
        &w.server.school,
        &mut w.server.docs,
        usize::MAX,
    );
    assert!(!readable.more);
    assert_eq!(readable.remaining, 0);
    assert_eq!(all.remaining as usize, readable.docs.len() - 1);
}

/// The split subjects of the demo class: (subject, teacher of subgroup 1, of subgroup 2).
fn split_subjects(w: &World) -> Vec<(SubjectId, StaffId, StaffId)> {
    let out: Vec<_> = w
        .class
        .subjects
        .iter()
        .filter(|s| {
            s.subgroup_teachers.len() == 2 && s.subgroup_teachers[0] != s.subgroup_teachers[1]
        })
        .map(|s| (s.subject, s.subgroup_teachers[0], s.subgroup_teachers[1]))
        .collect();
    assert!(
        out.len() >= 2,
        "the demo class splits English and informatics"
    );
    out
}

fn add_subgroup_lesson(
    c: &mut Client,
    id: DocId,
    day: u32,
    group: Option<u8>,
) -> zhurnal_domain::LessonId {
    let ed = c.editor();
    let mut l = Lesson::new(chrono::NaiveDate::from_ymd_opt(2025, 9, day).unwrap(), 3);
    l.subgroup = group;
    l.topic = format!("Подгруппа {group:?}");
    journal::add_lesson(c.doc(id), &ed, &l).unwrap()
}

fn mark(
    c: &mut Client,
    id: DocId,
    lesson: zhurnal_domain::LessonId,
    s: zhurnal_domain::StudentId,
    m: &str,
) {
    let ed = c.editor();
    let patch = LessonPatch {
        marks: vec![(s, Marks::from_stored(m).unwrap())],
        ..Default::default()
    };
    journal::save_lesson(c.doc(id), &ed, lesson, patch).unwrap();
}

#[test]
fn a_subgroup_teacher_writes_the_lessons_of_his_subgroup_only() {
    let w0 = world();
    for (subject, first, second) in split_subjects(&w0) {
        let mut w = world();
        let id = jid(&w, subject);
        let s = student(&w, 2);
        let (mut one, mut two) = (Client::new(first, 1), Client::new(second, 2));
        sync(&mut one, &mut w.server).unwrap();
        sync(&mut two, &mut w.server).unwrap();

        // Each adds and marks a lesson of his own subgroup: accepted.
        let l1 = add_subgroup_lesson(&mut one, id, 22, Some(1));
        mark(&mut one, id, l1, s, "5");
        sync(&mut one, &mut w.server).unwrap();
        let l2 = add_subgroup_lesson(&mut two, id, 22, Some(2));
        mark(&mut two, id, l2, s, "4");
        sync(&mut two, &mut w.server).unwrap();
        assert!(journal::lesson(&w.server.docs[&id], l2).unwrap().is_some());

        // The second subgroup's teacher may not mark a lesson of the first...
        sync(&mut two, &mut w.server).unwrap();
        mark(&mut two, id, l1, s, "2");
        let err = refused_with(&mut two, &mut w.server, ErrorCode::ReadOnly);
        assert!(err.message.contains("подгруппу 2"), "{}", err.message);

        // ...nor add a lesson of the first subgroup or of the whole class, even together with
        // a lesson of his own: the request is refused whole.
        for group in [Some(1), None] {
            let mut two = Client::new(second, 2);
            sync(&mut two, &mut w.server).unwrap();
            let mine = add_subgroup_lesson(&mut two, id, 23, Some(2));
            add_subgroup_lesson(&mut two, id, 24, group);
            refused(&mut two, &mut w.server, ErrorCode::ReadOnly);
            assert!(journal::lesson(&w.server.docs[&id], mine)
                .unwrap()
                .is_none());
        }

        // The subject's own teacher (subgroup 1 here) may not mark the second subgroup's
        // lesson, but may add a lesson of the whole class.
        assert_eq!(w.class.teaches(subject).unwrap().teacher, first);
        let mut one = Client::new(first, 1);
        sync(&mut one, &mut w.server).unwrap();
        mark(&mut one, id, l2, s, "3");
        refused(&mut one, &mut w.server, ErrorCode::ReadOnly);
        let mut one = Client::new(first, 1);
        sync(&mut one, &mut w.server).unwrap();
        add_subgroup_lesson(&mut one, id, 25, None);
        sync(&mut one, &mut w.server).unwrap();
    }
}

#[test]
fn a_subgroup_teacher_sets_period_marks_of_his_subgroup_only() {
    let w0 = world();
    let (subject, _first, second) = split_subjects(&w0)[0];
    let mut w = world();
    let id = jid(&w, subject);
    let roster =
        zhurnal_journal::roster::students(&w.server.docs[&DocId::roster(2025, w.class.id)])
            .unwrap();
    let in_group = |g: u8| {
        roster
            .iter()
            .find(|s| s.subgroups.get(&subject) == Some(&g))
            .unwrap()
            .id
    };
    let (mine, theirs) = (in_group(2), in_group(1));
    let year = |s| {
        [(
            zhurnal_domain::FinalKind::Year,
            s,
            Some(zhurnal_domain::MarkValue::Grade(5)),
        )]
    };

    let mut two = Client::new(second, 2);
    sync(&mut two, &mut w.server).unwrap();
    let ed = two.editor();
    journal::set_finals(two.doc(id), &ed, &year(mine)).unwrap();
    sync(&mut two, &mut w.server).unwrap();

    let ed = two.editor();
    journal::set_finals(two.doc(id), &ed, &year(theirs)).unwrap();
    refused(&mut two, &mut w.server, ErrorCode::ReadOnly);
}

/// The guards every caller of `check` gets (the server, a device importing a bundle): a
/// document named twice is `bad_request`, a change whose earlier changes are nowhere is
/// `missing_deps` — both before automerge sees the changes, and nothing is planned.
#[test]
fn check_refuses_a_document_named_twice_and_changes_without_their_past() {
    let mut w = world();
    let mut alice = Client::new(w.alice, 1);
    sync(&mut alice, &mut w.server).unwrap();
    let id = jid(&w, w.algebra);
    let before = alice.docs[&id].heads();
    let l = add_lesson_with_mark(&mut alice, id, 15, student(&w, 0), "5");
    let ed = alice.editor();
    journal::save_lesson(
        alice.doc(id),
        &ed,
        l,
        journal::LessonPatch {
            marks: vec![(student(&w, 0), Marks::from_stored("4").unwrap())],
            ..Default::default()
        },
    )
    .unwrap();
    let changes: Vec<Vec<u8>> = alice.docs[&id]
        .automerge()
        .get_changes(&before)
        .into_iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    assert_eq!(changes.len(), 2);
    let offer = |changes: Vec<Vec<u8>>| crate::protocol::DocOffer {
        doc: id.to_string(),
        heads: vec![],
        changes,
    };
    let ask = |docs| crate::SyncRequest {
        version: crate::PROTOCOL_VERSION,
        mark: None,
        docs,
    };
    let s = &mut w.server;
    let twice = ask(vec![offer(changes.clone()), offer(changes.clone())]);
    let e = gate::check(&twice, &alice.who, &s.school, &s.book, &mut s.docs).unwrap_err();
    assert_eq!(e.code, ErrorCode::BadRequest, "{e:?}");
    let no_past = ask(vec![offer(vec![changes[1].clone()])]);
    let e = gate::check(&no_past, &alice.who, &s.school, &s.book, &mut s.docs).unwrap_err();
    assert_eq!(e.code, ErrorCode::MissingDeps, "{e:?}");
    let whole = ask(vec![offer(changes)]);
    let plan = gate::check(&whole, &alice.who, &s.school, &s.book, &mut s.docs).unwrap();
    assert_eq!(plan.apply.len(), 1);
}
