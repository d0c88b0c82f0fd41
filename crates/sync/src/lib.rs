//! # The sync core, without I/O
//!
//! Everything the client and the server decide during a sync is a function of values in
//! memory: [`access`] says who may read and write which document, [`protocol`] holds the
//! messages, [`client`] builds a request from the local documents and their bookmarks and turns
//! a response into changes to apply, [`ladder`] says how spelt out each request goes, and
//! [`gate`] checks a request change by change and plans what to apply and what to answer.
//! Transports (HTTP, a file on a USB stick) and storage drive these functions; the tests drive
//! them with simulated peers (`sim`).
//!
//! A round trip:
//!
//! 1. the client offers every document it holds: its heads and the changes since the server's
//!    last acknowledged heads (its bookmark);
//! 2. the server checks each change — the user may write the document, the change's author is
//!    the user, its actor is bound to this user and device — and refuses the whole request if
//!    any check fails, changing nothing;
//! 3. the server applies the changes and answers, for every document the user may read, with
//!    its heads and the changes the client lacks;
//! 4. the client applies them and sets each bookmark to the server's heads, in the same
//!    transaction as the changes.
//!
//! Resending a request is harmless: automerge ignores changes it already has, and the answer
//! is computed from the client's heads.

pub mod access;
pub mod bundle;
pub mod client;
pub mod dictionary;
pub mod docs;
pub mod gate;
pub mod http;
pub mod ladder;
pub mod protocol;
#[cfg(any(test, feature = "sim"))]
pub mod sim;
pub mod wire;

pub use access::{access, Access};
pub use protocol::{
    DocOffer, DocUpdate, ErrorCode, Hash, Rejection, SyncRequest, SyncResponse, PROTOCOL_VERSION,
};
pub use wire::{WireError, CONTENT_TYPE, MAX_BODY};

#[cfg(test)]
mod tests;
