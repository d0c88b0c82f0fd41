//! The client's side of a round trip: offer what the server lacks, take what it sends.
//!
//! A client keeps, per document, a *bookmark*: the server's heads as of the last sync. What to
//! send is every change not in the bookmark's history; what it received moves the bookmark.
//! The bookmark only ever names changes the client holds, so a lost response just means the
//! same changes are offered again — which the server ignores.

use crate::protocol::{DocOffer, Hash, Rejection, SyncRequest, SyncResponse, PROTOCOL_VERSION};
use zhurnal_journal::automerge::{ChangeHash, ReadDoc};
use zhurnal_journal::{Doc, DocId};

/// What the client offers of one document.
pub fn offer(doc: &Doc, bookmark: &[ChangeHash]) -> DocOffer {
    DocOffer {
        doc: doc.id().to_string(),
        heads: doc.heads().into_iter().map(Hash::from).collect(),
        changes: doc
            .automerge()
            .get_changes(bookmark)
            .into_iter()
            .map(|c| c.raw_bytes().to_vec())
            .collect(),
    }
}

/// How many changes of a document the server has not acknowledged ("3 изменения не отправлены").
pub fn pending(doc: &Doc, bookmark: &[ChangeHash]) -> usize {
    doc.automerge().get_changes(bookmark).len()
}

/// A request of these offers, sorted by document key (so that the wire can fold the documents
/// without changes).
pub fn request(mut offers: Vec<DocOffer>) -> SyncRequest {
    offers.sort_by(|a, b| a.doc.cmp(&b.doc));
    SyncRequest {
        version: PROTOCOL_VERSION,
        mark: None,
        docs: offers,
    }
}

/// One document of a response, ready to apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    pub doc: DocId,
    pub changes: Vec<Vec<u8>>,
    pub server_heads: Vec<ChangeHash>,
}

/// Reads a response; a document key the client does not understand is an error.
pub fn incoming(resp: &SyncResponse) -> Result<Vec<Incoming>, Rejection> {
    resp.docs
        .iter()
        .map(|d| {
            let doc = d.doc.parse().map_err(|_| Rejection {
                code: crate::protocol::ErrorCode::BadRequest,
                doc: Some(d.doc.clone()),
                message: format!("сервер прислал неизвестный документ «{}»", d.doc),
            })?;
            Ok(Incoming {
                doc,
                changes: d.changes.clone(),
                server_heads: d.heads.iter().map(|&h| h.into()).collect(),
            })
        })
        .collect()
}

/// The bookmark after applying an incoming document: the server's heads, if the client now
/// holds all of them; otherwise the old bookmark stays.
pub fn bookmark_after(doc: &Doc, server_heads: &[ChangeHash]) -> Option<Vec<ChangeHash>> {
    server_heads
        .iter()
        .all(|h| doc.automerge().get_change_by_hash(h).is_some())
        .then(|| server_heads.to_vec())
}
