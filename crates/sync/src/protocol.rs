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
    /// Every change not yet acknowledged by the server, each in automerge's change format as
    /// stored, never DEFLATEd on its own (the wire takes changes apart and compresses the
    /// whole message; a DEFLATEd chunk would travel as opaque bytes).
    pub changes: Vec<Vec<u8>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub version: u16,
    pub docs: Vec<DocOffer>,
    /// The server's ledger mark of the last complete answer this device applied
    /// ([`SyncResponse::mark`]; `Some(0)`: none yet). With it the server can tell the heads a
    /// folded request's documents had then, so a fold still reads when others wrote since.
    /// `None` (a bundle, an older client): the server answers without a mark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<u64>,
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
    /// How many documents are still to come when `more` (for a progress bar); 0 otherwise.
    pub remaining: u32,
    /// To a request with a mark, in a complete answer (not `more`): the server's ledger mark
    /// (the sequence number of the last change it accepted) as of this answer. A device that
    /// applied the answer holds every change of its readable documents up to it, and sends it
    /// with its next request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<u64>,
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
    /// No token, or an unknown or revoked one.
    Unauthorized,
    /// Wrong login or password (the same answer for both).
    BadCredentials,
    /// Too many failed logins: wait and try again.
    RateLimited,
    /// The body is larger than the server accepts (before or after decompression).
    TooLarge,
    /// The account has a one-time password that must be changed first.
    PasswordChangeRequired,
    /// The body refers to something the receiver does not hold (folded documents that do not
    /// match, a change it cannot find by its short hash): send it again spelt out further.
    UnknownReference,
    /// The body is coded with a dictionary the receiver does not have (the class lists differ):
    /// send it again without one.
    UnknownDictionary,
}

impl ErrorCode {
    /// Every code, in the order of the contract.
    pub const ALL: [ErrorCode; 16] = [
        Self::BadRequest,
        Self::UnsupportedVersion,
        Self::NoAccess,
        Self::ReadOnly,
        Self::AuthorMismatch,
        Self::ForeignActor,
        Self::RevokedDevice,
        Self::MissingDeps,
        Self::BadChange,
        Self::Unauthorized,
        Self::BadCredentials,
        Self::RateLimited,
        Self::TooLarge,
        Self::PasswordChangeRequired,
        Self::UnknownReference,
        Self::UnknownDictionary,
    ];

    /// The code a server answered with; `None` for one this version does not know.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

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
            Self::Unauthorized => "unauthorized",
            Self::BadCredentials => "bad_credentials",
            Self::RateLimited => "rate_limited",
            Self::TooLarge => "too_large",
            Self::PasswordChangeRequired => "password_change_required",
            Self::UnknownReference => "unknown_reference",
            Self::UnknownDictionary => "unknown_dictionary",
        }
    }

    /// The HTTP status this code is answered with (docs/sync-http.md).
    pub fn http_status(self) -> u16 {
        match self {
            Self::BadRequest
            | Self::BadChange
            | Self::UnsupportedVersion
            | Self::UnknownReference
            | Self::UnknownDictionary => 400,
            Self::Unauthorized | Self::BadCredentials | Self::RevokedDevice => 401,
            Self::NoAccess
            | Self::ReadOnly
            | Self::AuthorMismatch
            | Self::ForeignActor
            | Self::PasswordChangeRequired => 403,
            Self::MissingDeps => 409,
            Self::TooLarge => 413,
            Self::RateLimited => 429,
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

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    const ALL: [ErrorCode; 16] = ErrorCode::ALL;

    #[test]
    fn error_codes_are_the_stable_snake_case_names() {
        let names: Vec<String> = ALL
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let strs: Vec<&str> = ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names, strs);
        assert_eq!(
            strs,
            [
                "bad_request",
                "unsupported_version",
                "no_access",
                "read_only",
                "author_mismatch",
                "foreign_actor",
                "revoked_device",
                "missing_deps",
                "bad_change",
                "unauthorized",
                "bad_credentials",
                "rate_limited",
                "too_large",
                "password_change_required",
                "unknown_reference",
                "unknown_dictionary",
            ]
        );
        let statuses: Vec<u16> = ALL.iter().map(|c| c.http_status()).collect();
        assert_eq!(
            statuses,
            [400, 400, 403, 403, 403, 403, 401, 409, 400, 401, 401, 429, 413, 403, 400, 400]
        );
        for c in ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
        }
        assert_eq!(ErrorCode::parse("no_such_code"), None);
    }
}
