//! The messages of one sync round trip. Encoding (and compression) belongs to the transport;
//! these are the values both sides agree on.
//!
//! A client sends, for every document it holds, its heads and the changes the server has not
//! yet acknowledged. The server checks every change, applies them, and answers — for every
//! document the user may read — with its own heads and the changes the client lacks. One round
//! trip moves a teacher's day in both directions.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Bumped when a message changes shape.
pub const PROTOCOL_VERSION: u16 = 1;

/// A change hash (32 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hash(pub [u8; 32]);

impl From<zhurnal_journal::automerge::ChangeHash> for Hash {
    fn from(h: zhurnal_journal::automerge::ChangeHash) -> Self {
        Hash(h.0)
    }
}

impl From<Hash> for zhurnal_journal::automerge::ChangeHash {
    fn from(h: Hash) -> Self {
        zhurnal_journal::automerge::ChangeHash(h.0)
    }
}

/// What a client holds of one document, and what it has to give.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocOffer {
    /// The document key (`2025/journal/<class>/<subject>`).
    pub doc: String,
    /// The client's heads.
    pub heads: Vec<Hash>,
    /// Every change not yet acknowledged by the server, each in automerge's change format.
    pub changes: Vec<Vec<u8>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub version: u16,
    pub docs: Vec<DocOffer>,
}

/// The server's side of one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocUpdate {
    pub doc: String,
    /// The server's heads after applying the client's changes: the client's new bookmark.
    pub heads: Vec<Hash>,
    /// The changes the client lacks (empty when it is up to date).
    pub changes: Vec<Vec<u8>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub docs: Vec<DocUpdate>,
    /// More documents are waiting: the byte budget of this response ran out. Sync again.
    pub more: bool,
}

/// Stable error codes: they cross the wire and are matched on, so never renumber or rename.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The message could not be understood.
    BadRequest,
    /// The client speaks another protocol version.
    UnsupportedVersion,
    /// The user may not read this document.
    NoAccess,
    /// The user may read this document but not write it.
    ReadOnly,
    /// A change names another author than the user who sent it.
    AuthorMismatch,
    /// A change's actor belongs to another user or device.
    ForeignActor,
    /// The device has been revoked.
    RevokedDevice,
    /// A change depends on changes the server does not have.
    MissingDeps,
    /// A change is not a valid automerge change.
    BadChange,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::UnsupportedVersion => "unsupported_version",
            Self::NoAccess => "no_access",
            Self::ReadOnly => "read_only",
            Self::AuthorMismatch => "author_mismatch",
            Self::ForeignActor => "foreign_actor",
            Self::RevokedDevice => "revoked_device",
            Self::MissingDeps => "missing_deps",
            Self::BadChange => "bad_change",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused request: nothing of it was applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Rejection {
    pub code: ErrorCode,
    pub doc: Option<String>,
    /// For the user, in Russian.
    pub message: String,
}
