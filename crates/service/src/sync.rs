//! The client side of a sync, over the store: offers built from the stored documents and the
//! peer's bookmarks, answers applied with their bookmarks in one transaction per document. The
//! transport (HTTP, a file on a USB stick) only carries the two messages.

use crate::{Result, Zhurnal};
use zhurnal_domain::numerals::plural;
use zhurnal_journal::school::School;
use zhurnal_journal::{journal, DocId, DocKind};
use zhurnal_store::Store;
use zhurnal_sync::{client, Rejection, SyncRequest, SyncResponse};

/// What a sync brought.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncSummary {
    /// Documents that received changes.
    pub documents: usize,
    /// Changes received.
    pub changes: usize,
    /// The server has more to send: sync again.
    pub more: bool,
}

/// One document that needs the user's attention: changes not yet on the server, or cells
/// written concurrently that nobody has chosen between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocStatus {
    pub doc: DocId,
    /// "7Б, Алгебра", "7Б, список класса", "школа".
    pub title: String,
    /// Changes (user actions) the server has not acknowledged.
    pub pending: usize,
    /// Conflicting cells.
    pub conflicts: usize,
}

impl DocStatus {
    /// «7Б, Алгебра: 3 изменения ещё не отправлены; 1 конфликт».
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.pending > 0 {
            let n = self.pending as u64;
            parts.push(format!(
                "{n} {} ещё не {}",
                plural(n, "изменение", "изменения", "изменений"),
                plural(n, "отправлено", "отправлены", "отправлены")
            ));
        }
        if self.conflicts > 0 {
            let n = self.conflicts as u64;
            parts.push(format!(
                "{n} {} — выберите значение",
                plural(n, "конфликт", "конфликта", "конфликтов")
            ));
        }
        format!("{}: {}", self.title, parts.join("; "))
    }
}

/// The documents that need attention, for a status line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncStatus {
    pub docs: Vec<DocStatus>,
    /// Changes not yet on the server, all documents together.
    pub pending: usize,
    /// Conflicting cells, all journals together.
    pub conflicts: usize,
}

/// The request of a round trip with `peer`: every stored document with what the peer has not
/// acknowledged. Works on a store that holds no school yet (a device's first sync).
pub fn request(store: &mut Store, peer: &str) -> Result<SyncRequest> {
    let mut offers = Vec::new();
    for id in store.doc_ids()? {
        let bookmark = store.bookmark(peer, id)?;
        offers.push(client::offer(store.doc(id)?, &bookmark));
    }
    let mut req = client::request(offers);
    req.mark = Some(store.sync_mark(peer)?);
    Ok(req)
}

/// Only the documents with changes `peer` has not acknowledged (a USB bundle's request).
pub fn unacknowledged(store: &mut Store, peer: &str) -> Result<SyncRequest> {
    let mut req = request(store, peer)?;
    req.docs.retain(|d| !d.changes.is_empty());
    req.mark = None;
    Ok(req)
}

/// Applies a peer's answer: each document's changes and its new bookmark land together, in
/// one transaction per document.
pub fn apply(store: &mut Store, peer: &str, response: &SyncResponse) -> Result<SyncSummary> {
    let mut summary = SyncSummary {
        more: response.more,
        ..Default::default()
    };
    for inc in client::incoming(response).map_err(sync_error)? {
        let parts: Vec<&[u8]> = inc.changes.iter().map(Vec::as_slice).collect();
        let n = store.receive(inc.doc, &parts, Some((peer, &inc.server_heads)))?;
        if n > 0 {
            summary.documents += 1;
            summary.changes += n;
        }
    }
    // Only once every document of the answer is in: a crash before leaves the older mark,
    // which the server checks and, not matching, has the device list its documents.
    if let Some(mark) = response.mark {
        store.set_sync_mark(peer, mark)?;
    }
    Ok(summary)
}

/// Changes not yet acknowledged by `peer`, per document that has any.
pub fn pending(store: &mut Store, peer: &str) -> Result<Vec<(DocId, usize)>> {
    let mut out = Vec::new();
    for id in store.doc_ids()? {
        let bookmark = store.bookmark(peer, id)?;
        let n = client::pending(store.doc(id)?, &bookmark);
        if n > 0 {
            out.push((id, n));
        }
    }
    Ok(out)
}

/// Per document: what is not yet on `peer`, and the conflicts to resolve.
pub fn status(store: &mut Store, peer: &str) -> Result<SyncStatus> {
    let school = latest_school(store)?;
    let mut out = SyncStatus::default();
    for id in store.doc_ids()? {
        let bookmark = store.bookmark(peer, id)?;
        let doc = store.doc(id)?;
        let pending = client::pending(doc, &bookmark);
        let conflicts = match id.kind {
            DocKind::Journal(..) => journal::conflicts(doc)?.len(),
            _ => 0,
        };
        if pending + conflicts > 0 {
            out.pending += pending;
            out.conflicts += conflicts;
            out.docs.push(DocStatus {
                doc: id,
                title: title(school.as_ref(), id),
                pending,
                conflicts,
            });
        }
    }
    Ok(out)
}

/// The school document of the latest year the store holds, if it reads.
pub fn latest_school(store: &mut Store) -> Result<Option<School>> {
    let Some(year) = store
        .doc_ids()?
        .into_iter()
        .filter(|d| d.kind == DocKind::School)
        .map(|d| d.year)
        .max()
    else {
        return Ok(None);
    };
    Ok(zhurnal_journal::school::school(store.doc(DocId::school(year))?).ok())
}

/// A document's name for a person.
pub fn title(school: Option<&School>, id: DocId) -> String {
    let class = |c| {
        school
            .and_then(|s| s.class(c))
            .map(|c| c.name())
            .unwrap_or_else(|| c.to_string())
    };
    match id.kind {
        DocKind::School => "школа".into(),
        DocKind::Roster(c) => format!("{}, список класса", class(c)),
        DocKind::Personal(c) => format!("{}, личные данные", class(c)),
        DocKind::Journal(c, s) => format!(
            "{}, {}",
            class(c),
            school
                .and_then(|x| x.subject(s))
                .map(|s| s.name.clone())
                .unwrap_or_else(|| s.to_string())
        ),
    }
}

impl Zhurnal {
    /// The request of a round trip with `peer`: every stored document with what the peer has
    /// not acknowledged.
    pub fn sync_request(&mut self, peer: &str) -> Result<SyncRequest> {
        request(self.store(), peer)
    }

    /// Applies a peer's answer: each document's changes and its new bookmark land together.
    pub fn sync_apply(&mut self, peer: &str, response: &SyncResponse) -> Result<SyncSummary> {
        apply(self.store(), peer, response)
    }

    /// Changes not yet acknowledged by `peer`, per document that has any
    /// («3 изменения ещё не отправлены»).
    pub fn pending(&mut self, peer: &str) -> Result<Vec<(DocId, usize)>> {
        pending(self.store(), peer)
    }

    /// Per document: what is not yet on `peer`, and the conflicts to resolve.
    pub fn sync_status(&mut self, peer: &str) -> Result<SyncStatus> {
        status(self.store(), peer)
    }
}

fn sync_error(r: Rejection) -> crate::ServiceError {
    crate::ServiceError::Invalid(r.message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CellEdit;
    use zhurnal_domain::{Lesson, Marks};
    use zhurnal_journal::journal;
    use zhurnal_sync::gate::{DeviceId, Principal};

    const PEER: &str = "https://school.example";

    #[test]
    fn a_teacher_s_marks_reach_the_class_teacher_through_the_server_and_survive_restarts() {
        let options = zhurnal_demo::DemoOptions {
            classes: vec![(7, "Б".into())],
            until: chrono::NaiveDate::from_ymd_opt(2025, 9, 30),
            ..Default::default()
        };
        let demo = zhurnal_demo::generate_with(2, &options);
        let docs = crate::build_docs(&demo).unwrap();
        let mut server = zhurnal_sync::sim::Server::new(docs);
        let class = &demo.classes[0];
        let algebra = demo.subject_named("Алгебра").unwrap().id;
        let alice = class.class.teaches(algebra).unwrap().teacher;
        let carol = class.class.class_teacher.unwrap();

        let dir = tempfile::tempdir().unwrap();
        let (a_path, c_path) = (
            dir.path().join("alice.sqlite3"),
            dir.path().join("carol.sqlite3"),
        );
        let who = |user, d: u8| Principal {
            user,
            device: DeviceId(uuid::Uuid::from_bytes([d; 16])),
        };
        // First contact: empty stores download what their users may read.
        for (path, user, d) in [(&a_path, alice, 1), (&c_path, carol, 2)] {
            let mut store = zhurnal_store::Store::open(path).unwrap();
            let req = zhurnal_sync::client::request(vec![]);
            let resp = server.round(&who(user, d), &req).unwrap();
            for inc in zhurnal_sync::client::incoming(&resp).unwrap() {
                let parts: Vec<&[u8]> = inc.changes.iter().map(Vec::as_slice).collect();
                store
                    .receive(inc.doc, &parts, Some((PEER, &inc.server_heads)))
                    .unwrap();
            }
        }

        // Alice, offline, enters a lesson with a mark.
        let mut z = Zhurnal::open(&a_path).unwrap();
        let class_7b = z.class("7Б").unwrap();
        let student = z.students(&class_7b).unwrap()[0].clone();
        let id = DocId::journal(2025, class.class.id, algebra);
        let mut lesson = Lesson::new(chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(), 8);
        lesson
            .marks
            .insert(student.id, Marks::from_stored("5").unwrap());
        z.store()
            .edit(id, alice, |doc, ed| journal::add_lesson(doc, ed, &lesson))
            .unwrap();
        assert_eq!(z.pending(PEER).unwrap(), vec![(id, 1)]);
        let status = z.sync_status(PEER).unwrap();
        assert_eq!((status.pending, status.conflicts), (1, 0));
        assert_eq!(
            status.docs[0].describe(),
            "7Б, Алгебра: 1 изменение ещё не отправлено"
        );
        drop(z);

        // Restart, then sync: the mark goes up, the bookmark moves, nothing is pending.
        let mut z = Zhurnal::open(&a_path).unwrap();
        assert_eq!(
            z.pending(PEER).unwrap(),
            vec![(id, 1)],
            "pending survives a restart"
        );
        let req = z.sync_request(PEER).unwrap();
        let resp = server.round(&who(alice, 1), &req).unwrap();
        z.sync_apply(PEER, &resp).unwrap();
        assert!(z.pending(PEER).unwrap().is_empty());
        // A one-cell edit through the service goes the same way.
        let edit = CellEdit {
            class: "7Б",
            subject: "Алгебра",
            date: lesson.date,
            lesson: Some(8),
            student: &student.name.full(),
            marks: Some(Marks::from_stored("5 4").unwrap()),
            attendance: None,
            as_staff: None,
            add_lesson: false,
        };
        z.set_cell(&edit).unwrap();
        let req = z.sync_request(PEER).unwrap();
        assert_eq!(
            req.docs.iter().map(|d| d.changes.len()).sum::<usize>(),
            1,
            "only the new change is offered"
        );
        let resp = server.round(&who(alice, 1), &req).unwrap();
        z.sync_apply(PEER, &resp).unwrap();

        // Carol syncs and reads it.
        let mut c = Zhurnal::open(&c_path).unwrap();
        let req = c.sync_request(PEER).unwrap();
        let resp = server.round(&who(carol, 2), &req).unwrap();
        let got = c.sync_apply(PEER, &resp).unwrap();
        assert_eq!((got.documents, got.changes), (1, 2));
        let l = journal::lesson(c.store().doc(id).unwrap(), lesson.id)
            .unwrap()
            .unwrap();
        assert_eq!(l.marks[&student.id].to_stored(), "5 4");
        // The projection the class teacher's reports read is up to date too.
        assert_eq!(c.store().lessons_on(id, lesson.date).unwrap().len(), 1);
    }
}
