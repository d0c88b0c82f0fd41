//! The documents a side of sync holds, as the sans-IO core reads them: the server's storage,
//! a device's store, a test's map. Beneath the gate and the wire's dictionary alike.

use std::collections::{BTreeMap, BTreeSet};
use zhurnal_journal::automerge::ChangeHash;
use zhurnal_journal::{Doc, DocId};

/// The documents the server holds, as the core reads them.
pub trait DocSource {
    /// Every document the server holds.
    fn ids(&self) -> Vec<DocId>;
    /// One document, if the server holds it.
    fn doc(&mut self, id: DocId) -> Option<&Doc>;
    /// The ledger's mark: the sequence number of the last change accepted (0: none yet).
    /// `None`: no ledger is kept (then answers carry no mark).
    fn mark(&mut self) -> Option<u64> {
        None
    }
    /// The hashes of the changes accepted after `mark`, by document. `None`: no ledger is kept,
    /// it cannot be read, or more than [`LEDGER_WALK`] changes came after the mark.
    fn accepted_since(&mut self, mark: u64) -> Option<BTreeMap<DocId, BTreeSet<ChangeHash>>> {
        let _ = mark;
        None
    }
}

impl DocSource for BTreeMap<DocId, Doc> {
    fn ids(&self) -> Vec<DocId> {
        self.keys().copied().collect()
    }
    fn doc(&mut self, id: DocId) -> Option<&Doc> {
        self.get(&id)
    }
}

/// How many changes accepted since a device's mark [`DocLookup::heads_at`] reads at most; a
/// device further behind lists its documents.
pub const LEDGER_WALK: usize = 65_536;
