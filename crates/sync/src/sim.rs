//! A school server held in memory, for tests: driven through the same [`gate`] functions the
//! HTTP server calls, with its own ledger of accepted changes (the server's
//! [`DocSource::accepted_since`], which folded requests are checked against). This crate's
//! stories and the service's use it; with the `sim` feature it is public.

use crate::gate::{self, ActorBook, DocSource, Plan, Principal};
use crate::protocol::{Rejection, SyncRequest, SyncResponse};
use std::collections::{BTreeMap, BTreeSet};
use zhurnal_journal::automerge::ChangeHash;
use zhurnal_journal::school::School;
use zhurnal_journal::{Doc, DocId};

/// The server's documents and its ledger: every change accepted, in order (the documents it
/// started with are older than the ledger).
#[derive(Default)]
pub struct Ledgered {
    pub docs: BTreeMap<DocId, Doc>,
    pub ledger: Vec<(DocId, ChangeHash)>,
}

impl std::ops::Deref for Ledgered {
    type Target = BTreeMap<DocId, Doc>;
    fn deref(&self) -> &Self::Target {
        &self.docs
    }
}

impl DocSource for Ledgered {
    fn ids(&self) -> Vec<DocId> {
        self.docs.ids()
    }
    fn doc(&mut self, id: DocId) -> Option<&Doc> {
        self.docs.get(&id)
    }
    fn mark(&mut self) -> Option<u64> {
        Some(self.ledger.len() as u64)
    }
    fn accepted_since(&mut self, mark: u64) -> Option<BTreeMap<DocId, BTreeSet<ChangeHash>>> {
        let mut out: BTreeMap<DocId, BTreeSet<ChangeHash>> = BTreeMap::new();
        for (id, h) in self.ledger.get(usize::try_from(mark).ok()?..)? {
            out.entry(*id).or_default().insert(*h);
        }
        Some(out)
    }
}

/// A school server in memory.
pub struct Server {
    pub school: School,
    pub docs: Ledgered,
    pub book: ActorBook,
}

impl Server {
    /// A server holding `docs` (a school document among them: the latest year's is the
    /// school) and no ledger yet.
    pub fn new(docs: impl IntoIterator<Item = Doc>) -> Self {
        let docs: BTreeMap<DocId, Doc> = docs.into_iter().map(|d| (d.id(), d)).collect();
        let school = docs
            .values()
            .rfind(|d| d.id().kind == zhurnal_journal::DocKind::School)
            .map(|d| zhurnal_journal::school::school(d).expect("the school document reads"))
            .expect("the documents hold a school");
        Server {
            school,
            docs: Ledgered {
                docs,
                ledger: Vec::new(),
            },
            book: ActorBook::default(),
        }
    }

    /// Applies what the gate let through, as the real server does in one transaction: the
    /// changes (a document it lacks is created), each new change on the ledger, the actors
    /// bound.
    pub fn apply(&mut self, plan: Plan) {
        for (id, changes) in plan.apply {
            let before = self.docs.get(&id).map(|d| d.heads()).unwrap_or_default();
            let doc = match self.docs.docs.get_mut(&id) {
                Some(doc) => {
                    for ch in &changes {
                        doc.apply_chunk(ch).expect("the gate checked the change");
                    }
                    doc
                }
                None => {
                    let parts: Vec<&[u8]> = changes.iter().map(Vec::as_slice).collect();
                    self.docs
                        .docs
                        .entry(id)
                        .or_insert(Doc::load(id, &parts).expect("the gate checked the changes"))
                }
            };
            let genesis = Doc::genesis(id).heads();
            for c in doc.automerge().get_changes(&before) {
                if !genesis.contains(&c.hash()) {
                    self.docs.ledger.push((id, c.hash()));
                }
            }
        }
        for (actor, user, device) in plan.bind {
            self.book.bind(&actor, user, device);
        }
    }

    /// One round as the HTTP server handles a decoded request: check, apply, answer.
    pub fn round(&mut self, who: &Principal, req: &SyncRequest) -> Result<SyncResponse, Rejection> {
        let plan = gate::check(req, who, &self.school, &self.book, &mut self.docs)?;
        self.apply(plan);
        Ok(gate::respond(
            req,
            who,
            &self.school,
            &mut self.docs,
            usize::MAX,
        ))
    }
}
