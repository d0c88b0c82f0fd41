//! What the fuzz targets share: a school server on a fresh store (the demo's 7Б until the end
//! of September, one teacher enrolled with a device key), a handful of real changes of that
//! teacher to mutate, a fingerprint of everything a refused request must leave unchanged, and
//! a reader that turns fuzz bytes into choices.

use std::sync::{Mutex, OnceLock};
use zhurnal_domain::{Lesson, Marks, StaffId};
use zhurnal_journal::automerge::ChangeHash;
use zhurnal_journal::DocId;
use zhurnal_server::school::LoginRequest;
use zhurnal_server::SchoolServer;
use zhurnal_sync::bundle::DeviceKey;
use zhurnal_sync::gate::{ActorBook, DeviceId};

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub server: SchoolServer,
    pub token: String,
    pub teacher: StaffId,
    pub device: DeviceId,
    pub key: DeviceKey,
    /// Every document id the server holds.
    pub docs: Vec<DocId>,
    /// Real changes by the teacher's device to her journal (a lesson and its marks), not yet
    /// on the server.
    pub changes: Vec<(DocId, Vec<u8>)>,
    /// Another device of the school (the demo as it was before the teacher's edits), importing
    /// bundles from a USB stick: the device's side of [`zhurnal_client::Client::import_bundle`].
    pub receiver: zhurnal_client::Client,
}

/// The fixture, made once per process.
///
/// It also puts back a quiet panic hook in place of libFuzzer's aborting one: automerge 0.12
/// panics on some malformed changes that parse (an unwrap in `op_set2/change/batch.rs`, an
/// assertion in `change_graph.rs`), and the server catches those around its gate and refuses
/// the request with `400 bad_change`. A panic the server does not catch still ends the run
/// (libfuzzer-sys aborts on a panic that leaves the target).
pub fn fixture() -> &'static Mutex<Fixture> {
    static F: OnceLock<Mutex<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        std::panic::set_hook(Box::new(|_| {}));
        Mutex::new(make())
    })
}

fn make() -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("server.db");
    let options = zhurnal_service::DemoOptions {
        classes: vec![(7, "Б".into())],
        until: chrono::NaiveDate::from_ymd_opt(2025, 9, 30),
        ..Default::default()
    };
    zhurnal_service::create_demo(&db, 3, &options).expect("the demo school");
    // The teacher's device: a copy of the school, edited before the server sees it.
    let device_db = dir.path().join("device.db");
    std::fs::copy(&db, &device_db).expect("a copy");
    let receiver_db = dir.path().join("receiver.db");
    std::fs::copy(&db, &receiver_db).expect("a copy");
    let receiver = zhurnal_client::Client::open(&receiver_db).expect("the receiving device");
    let server = SchoolServer::open(&db).expect("the server opens");
    let (teacher, journal) = {
        let mut st = server.storage();
        let school = st.school().expect("a school");
        let class = school.class_by_name("7Б").expect("7Б").clone();
        let algebra = school.subject_by_name("Алгебра").expect("algebra").id;
        let teacher = class.teaches(algebra).expect("taught").teacher;
        (teacher, DocId::journal(2025, class.id, algebra))
    };
    server
        .add_account(&zhurnal_server::NewAccount {
            login: "alice".into(),
            password: Some("секретный-пароль".into()),
            person: zhurnal_server::Person::Staff(teacher),
        })
        .expect("an account");
    let key = DeviceKey::generate();
    let login = server
        .login(
            &LoginRequest {
                login: "alice".into(),
                password: "секретный-пароль".into(),
                device_name: "fuzz".into(),
                device_key: key.public_hex(),
            },
            "fuzz",
        )
        .expect("login");
    let mut store = zhurnal_store::Store::open(&device_db).expect("the device's store");
    let before = store.doc(journal).expect("the journal").heads();
    let students = zhurnal_journal::roster::students(
        store
            .doc(DocId::roster(2025, journal.class().unwrap()))
            .unwrap(),
    )
    .expect("the roster");
    let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 1).expect("a date");
    let lesson = Lesson::new(date, 1);
    let lid = store
        .edit(journal, teacher, |d, ed| {
            zhurnal_journal::journal::add_lesson(d, ed, &lesson)
        })
        .expect("a lesson");
    for s in students.iter().take(3) {
        store
            .edit(journal, teacher, |d, ed| {
                zhurnal_journal::journal::save_lesson(
                    d,
                    ed,
                    lid,
                    zhurnal_journal::LessonPatch {
                        marks: vec![(s.id, Marks::from_stored("5").expect("a mark"))],
                        ..Default::default()
                    },
                )
            })
            .expect("a mark");
    }
    let changes = store
        .doc(journal)
        .expect("the journal")
        .automerge()
        .get_changes(&before)
        .into_iter()
        .map(|mut c| (journal, c.bytes().into_owned()))
        .collect();
    let docs = server.storage().ids();
    Fixture {
        _dir: dir,
        token: login.token,
        teacher,
        device: DeviceId(login.device),
        key,
        docs,
        changes,
        server,
        receiver,
    }
}

/// What a refused bundle must not change on a device: every document's heads.
pub fn device_fingerprint(store: &mut zhurnal_store::Store) -> Vec<(DocId, Vec<ChangeHash>)> {
    let mut heads = Vec::new();
    for id in store.doc_ids().expect("the documents") {
        let mut h = store.doc(id).map(|d| d.heads()).unwrap_or_default();
        h.sort();
        heads.push((id, h));
    }
    heads
}

/// What a refused request must not change: every document's heads, the audit ledger, the
/// quarantine, the actor bindings.
#[derive(Debug, PartialEq, Eq)]
pub struct Fingerprint {
    heads: Vec<(DocId, Vec<ChangeHash>)>,
    audit: usize,
    quarantine: usize,
    book: ActorBook,
}

pub fn fingerprint(server: &SchoolServer) -> Fingerprint {
    let mut st = server.storage();
    let mut heads = Vec::new();
    for id in st.ids() {
        let mut h = st.doc(id).map(|d| d.heads()).unwrap_or_default();
        h.sort();
        heads.push((id, h));
    }
    Fingerprint {
        heads,
        audit: st.audit(None, None, None, usize::MAX).expect("audit").len(),
        quarantine: st.quarantined().expect("quarantine").len(),
        book: st.actor_book().expect("actor book"),
    }
}

/// Fuzz bytes as a stream of choices; zeros when they run out.
pub struct Reader<'a>(pub &'a [u8]);

impl Reader<'_> {
    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a.to_vec()
    }
    pub fn hash(&mut self) -> [u8; 32] {
        let mut h = [0u8; 32];
        for b in &mut h {
            *b = self.byte();
        }
        h
    }
}

/// A sync request built from fuzz choices over the fixture: real and made-up document names,
/// real and made-up heads, the teacher's real changes with bytes flipped, raw bytes as changes.
pub fn request(f: &Fixture, r: &mut Reader) -> zhurnal_sync::SyncRequest {
    let version = if r.byte() < 8 {
        r.u16()
    } else {
        zhurnal_sync::PROTOCOL_VERSION
    };
    let mut docs = Vec::new();
    for _ in 0..r.byte() % 4 {
        let pick = r.byte() as usize;
        let doc = if pick < f.docs.len() {
            f.docs[pick].to_string()
        } else if pick < 200 {
            f.changes[0].0.to_string()
        } else {
            let n = r.byte() as usize % 48;
            String::from_utf8_lossy(&r.bytes(n)).into_owned()
        };
        let mut heads = Vec::new();
        for _ in 0..r.byte() % 3 {
            heads.push(zhurnal_sync::Hash(r.hash()));
        }
        let mut changes = Vec::new();
        for _ in 0..r.byte() % 5 {
            let how = r.byte();
            if how < 200 {
                let mut c = f.changes[how as usize % f.changes.len()].1.clone();
                for _ in 0..r.byte() % 4 {
                    let at = r.u16() as usize % c.len();
                    c[at] ^= r.byte();
                }
                if how % 16 == 0 {
                    let keep = r.u16() as usize % (c.len() + 1);
                    c.truncate(keep);
                }
                changes.push(c);
            } else {
                let n = r.u16() as usize % 512;
                changes.push(r.bytes(n));
            }
        }
        docs.push(zhurnal_sync::DocOffer {
            doc,
            heads,
            changes,
        });
    }
    // A ledger mark as a device sends it: none, the start, or anything (the server must read
    // any mark as a hint only).
    let mark = match r.byte() % 4 {
        0 => None,
        1 => Some(0),
        _ => Some(u64::from(r.u16()) | (u64::from(r.byte()) << 56)),
    };
    zhurnal_sync::SyncRequest {
        version,
        docs,
        mark,
    }
}

/// The bundle file of a bundle target's input: `rest` as it is when `mode` is even; when odd,
/// `rest` read as a request (see [`request`]) and sealed with the enrolled device's real key,
/// so that the fuzzer gets past the signature.
pub fn bundle_file(f: &Fixture, mode: u8, rest: &[u8]) -> Vec<u8> {
    use zhurnal_sync::bundle;
    if mode & 1 == 0 {
        return rest.to_vec();
    }
    let mut r = Reader(rest);
    let created = i64::from(r.u16());
    let b = bundle::Bundle {
        user: f.teacher,
        device: f.device,
        created,
        request: request(f, &mut r),
    };
    bundle::seal(&b, &f.key)
}

/// A refusal must be a clear 4xx with a message.
pub fn assert_clear_refusal(e: &zhurnal_server::ServerError) {
    let status = e.status();
    assert!(
        (400..500).contains(&status),
        "a malformed request got {status}: {e}"
    );
    assert!(!e.to_string().is_empty());
}
