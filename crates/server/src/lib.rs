//! # The school server (`zhurnal serve`)
//!
//! One binary, one SQLite file: the school's documents (the same `docs`/`chunks` tables as a
//! device's store, so `zhurnal demo --db server.db` makes a server with a school in it) and the
//! server's own tables — accounts, enrolled devices, actor bindings, the audit ledger, the
//! quarantine.
//!
//! * [`storage`]: what the server needs from storage, as the [`Storage`] trait, and
//!   [`SqliteStorage`] over `zhurnal-store` (a PostgreSQL backend implements the same trait).
//! * [`accounts`]: argon2id passwords, device tokens (only their SHA-256 is kept), the login
//!   rate limit.
//! * [`school`]: the operations — login, authentication, sync through the sans-IO core
//!   (`check` → apply + bind + audit in one transaction → `respond`), quarantine of revoked
//!   devices' requests, the parents' view, administration, revert, credential slips.
//! * [`revert`]: the compensating change that puts back what a user wrote after a moment.
//! * [`http`]: the axum API of docs/sync-http.md.
//!
//! Permissions are never trusted from a client: every change passes `zhurnal_sync::gate::check`
//! against the school document and the actor bindings before anything is written.

pub mod accounts;
pub mod error;
pub mod http;
pub mod revert;
pub mod school;
pub mod storage;

pub use error::{ErrorBody, ServerError};
pub use school::{NewAccount, Person, SchoolServer};
pub use storage::{SqliteStorage, Storage};

#[cfg(test)]
mod tests;
