//! What the server needs from its storage, as a trait: documents and their changes, accounts,
//! devices, actor bindings, the audit ledger and the quarantine. [`SqliteStorage`] keeps them in
//! a Zhurnal store file (the SQL lives in `zhurnal-store`); a PostgreSQL backend for a whole
//! region implements the same trait.
//!
//! The one rule a backend must keep: [`Storage::accept`] writes the changes of an accepted
//! request, the bindings of its new actors and its audit rows in one transaction.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use uuid::Uuid;
use zhurnal_journal::school::School;
use zhurnal_journal::{Doc, DocId, DocKind};
use zhurnal_store::Store;
use zhurnal_sync::gate::{ActorBook, DeviceId, DocSource, Plan};

/// A storage failure: the server answers 500 and changes nothing.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StorageError(pub String);

impl From<zhurnal_store::StoreError> for StorageError {
    fn from(e: zhurnal_store::StoreError) -> Self {
        StorageError(e.to_string())
    }
}

impl From<zhurnal_journal::JournalError> for StorageError {
    fn from(e: zhurnal_journal::JournalError) -> Self {
        StorageError(e.to_string())
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Who an account is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserKind {
    Staff,
    Student,
    Parent,
}

impl UserKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Staff => "staff",
            UserKind::Student => "student",
            UserKind::Parent => "parent",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "staff" => UserKind::Staff,
            "student" => UserKind::Student,
            "parent" => UserKind::Parent,
            _ => return None,
        })
    }
}

/// An account. A staff member's id is his `StaffId`, a student's his `StudentId`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub login: String,
    pub kind: UserKind,
    pub name: String,
    /// argon2id, PHC string.
    pub password_hash: String,
    pub must_change: bool,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// `(student, class)` this account sees: a student himself, a parent his children.
    pub students: Vec<(Uuid, Uuid)>,
}

/// An enrolled device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: Uuid,
    pub user: Uuid,
    pub name: String,
    /// Ed25519 public key (32 bytes) that signs the device's bundles.
    pub public_key: Vec<u8>,
    pub created_at: i64,
    pub last_seen: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// One accepted change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub doc: String,
    pub hash: [u8; 32],
    pub actor: Vec<u8>,
    pub user: Uuid,
    /// The nil id for the server itself (an admin's revert, a file import).
    pub device: Uuid,
    pub received_at: i64,
    /// `sync`, `bundle`, `revert`, `import`.
    pub via: String,
}

/// A refused request, kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuarantineEntry {
    pub seq: i64,
    pub user: Option<Uuid>,
    pub device: Option<Uuid>,
    pub received_at: i64,
    pub reason: String,
    pub body: Vec<u8>,
}

/// Who an accepted batch comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin<'a> {
    pub user: Uuid,
    pub device: Uuid,
    pub via: &'a str,
    pub at: i64,
}

/// The school server's storage.
pub trait Storage: DocSource + Send {
    /// The school document of the latest year the server holds.
    fn school(&mut self) -> Result<School>;
    /// Applies an accepted plan: documents, actor bindings and one audit record per change
    /// the storage did not hold — in one transaction. Returns the audit records written.
    fn accept(&mut self, plan: &Plan, origin: Origin<'_>) -> Result<Vec<AuditRecord>>;

    /// `false` (nothing written) if the id or login is taken.
    fn add_user(&mut self, user: &User) -> Result<bool>;
    fn user_by_login(&mut self, login: &str) -> Result<Option<User>>;
    fn user(&mut self, id: Uuid) -> Result<Option<User>>;
    fn users(&mut self) -> Result<Vec<User>>;
    /// Sets the password hash; `reset` also lifts a revocation. `false` if no such user.
    fn set_password(
        &mut self,
        id: Uuid,
        hash: &str,
        must_change: bool,
        reset: bool,
    ) -> Result<bool>;
    fn revoke_user(&mut self, id: Uuid, at: i64) -> Result<bool>;

    fn add_device(&mut self, device: &Device, token_hash: &[u8; 32]) -> Result<()>;
    fn device_by_token(&mut self, token_hash: &[u8; 32]) -> Result<Option<Device>>;
    fn device(&mut self, id: Uuid) -> Result<Option<Device>>;
    fn devices(&mut self) -> Result<Vec<Device>>;
    fn revoke_device(&mut self, id: Uuid, at: i64) -> Result<bool>;
    /// Notes that a device synced at `at` without sending changes (accepting changes notes it
    /// in the same transaction).
    fn device_seen(&mut self, id: Uuid, at: i64) -> Result<()>;

    /// Every actor binding and every revoked device, as the sync core reads them.
    fn actor_book(&mut self) -> Result<ActorBook>;
    /// The audit ledger, newest first.
    fn audit(
        &mut self,
        doc: Option<&str>,
        user: Option<Uuid>,
        since: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>>;
    fn quarantine(
        &mut self,
        user: Option<Uuid>,
        device: Option<Uuid>,
        reason: &str,
        body: &[u8],
        at: i64,
    ) -> Result<i64>;
    fn quarantined(&mut self) -> Result<Vec<QuarantineEntry>>;
}

/// The storage in a Zhurnal store file.
pub struct SqliteStorage {
    store: Store,
}

impl SqliteStorage {
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Ok(Self {
            store: Store::open(path)?,
        })
    }
    pub fn store(&mut self) -> &mut Store {
        &mut self.store
    }
}

fn user_from(u: zhurnal_store::ServerUser) -> User {
    User {
        id: u.id,
        login: u.login,
        kind: UserKind::parse(&u.kind).unwrap_or(UserKind::Parent),
        name: u.name,
        password_hash: u.password_hash,
        must_change: u.must_change,
        created_at: u.created_at,
        revoked_at: u.revoked_at,
        students: u.students,
    }
}

fn device_from(d: zhurnal_store::ServerDevice) -> Device {
    Device {
        id: d.id,
        user: d.user,
        name: d.name,
        public_key: d.public_key,
        created_at: d.created_at,
        last_seen: d.last_seen,
        revoked_at: d.revoked_at,
    }
}

fn audit_from(a: zhurnal_store::AuditRow) -> AuditRecord {
    AuditRecord {
        seq: a.seq,
        doc: a.doc,
        hash: a.hash,
        actor: a.actor,
        user: a.user,
        device: a.device,
        received_at: a.received_at,
        via: a.via,
    }
}

impl DocSource for SqliteStorage {
    fn ids(&self) -> Vec<DocId> {
        self.store.doc_ids().unwrap_or_default()
    }
    fn doc(&mut self, id: DocId) -> Option<&Doc> {
        self.store.doc(id).ok()
    }
    fn mark(&mut self) -> Option<u64> {
        self.store.srv_mark().ok()
    }
    fn accepted_since(
        &mut self,
        mark: u64,
    ) -> Option<BTreeMap<DocId, BTreeSet<zhurnal_journal::automerge::ChangeHash>>> {
        let mut out: BTreeMap<DocId, BTreeSet<_>> = BTreeMap::new();
        let since = self
            .store
            .srv_accepted_since(mark, zhurnal_sync::gate::LEDGER_WALK)
            .ok()??;
        for (doc, hash) in since {
            out.entry(doc.parse().ok()?)
                .or_default()
                .insert(zhurnal_journal::automerge::ChangeHash(hash));
        }
        Some(out)
    }
}

/// Why a server's file cannot serve: it holds no school yet (the command line adds how to make
/// one).
pub const NO_SCHOOL: &str = "в базе сервера нет школы: создайте её";

impl Storage for SqliteStorage {
    fn school(&mut self) -> Result<School> {
        let id = self
            .store
            .doc_ids()?
            .into_iter()
            .filter(|d| d.kind == DocKind::School)
            .max_by_key(|d| d.year)
            .ok_or_else(|| StorageError(NO_SCHOOL.into()))?;
        Ok(zhurnal_journal::school::school(self.store.doc(id)?)?)
    }

    fn accept(&mut self, plan: &Plan, origin: Origin<'_>) -> Result<Vec<AuditRecord>> {
        let bind: Vec<zhurnal_store::ActorBinding> = plan
            .bind
            .iter()
            .map(|(actor, user, device)| zhurnal_store::ActorBinding {
                actor: actor.to_bytes().to_vec(),
                user: Uuid::from_bytes(*user.as_bytes()),
                device: device.0,
            })
            .collect();
        let rows = self.store.srv_accept(
            &plan.apply,
            &bind,
            zhurnal_store::Provenance {
                user: origin.user,
                device: origin.device,
                via: origin.via,
                at: origin.at,
            },
        )?;
        Ok(rows.into_iter().map(audit_from).collect())
    }

    fn add_user(&mut self, u: &User) -> Result<bool> {
        Ok(self.store.srv_add_user(&zhurnal_store::ServerUser {
            id: u.id,
            login: u.login.clone(),
            kind: u.kind.as_str().to_string(),
            name: u.name.clone(),
            password_hash: u.password_hash.clone(),
            must_change: u.must_change,
            created_at: u.created_at,
            revoked_at: u.revoked_at,
            students: u.students.clone(),
        })?)
    }
    fn user_by_login(&mut self, login: &str) -> Result<Option<User>> {
        Ok(self.store.srv_user_by_login(login)?.map(user_from))
    }
    fn user(&mut self, id: Uuid) -> Result<Option<User>> {
        Ok(self.store.srv_user(id)?.map(user_from))
    }
    fn users(&mut self) -> Result<Vec<User>> {
        Ok(self.store.srv_users()?.into_iter().map(user_from).collect())
    }
    fn set_password(
        &mut self,
        id: Uuid,
        hash: &str,
        must_change: bool,
        reset: bool,
    ) -> Result<bool> {
        Ok(self.store.srv_set_password(id, hash, must_change, reset)?)
    }
    fn revoke_user(&mut self, id: Uuid, at: i64) -> Result<bool> {
        Ok(self.store.srv_revoke_user(id, at)?)
    }
    fn add_device(&mut self, d: &Device, token_hash: &[u8; 32]) -> Result<()> {
        Ok(self.store.srv_add_device(
            &zhurnal_store::ServerDevice {
                id: d.id,
                user: d.user,
                name: d.name.clone(),
                public_key: d.public_key.clone(),
                created_at: d.created_at,
                last_seen: d.last_seen,
                revoked_at: d.revoked_at,
            },
            token_hash,
        )?)
    }
    fn device_by_token(&mut self, token_hash: &[u8; 32]) -> Result<Option<Device>> {
        Ok(self.store.srv_device_by_token(token_hash)?.map(device_from))
    }
    fn device(&mut self, id: Uuid) -> Result<Option<Device>> {
        Ok(self.store.srv_device(id)?.map(device_from))
    }
    fn devices(&mut self) -> Result<Vec<Device>> {
        Ok(self
            .store
            .srv_devices()?
            .into_iter()
            .map(device_from)
            .collect())
    }
    fn revoke_device(&mut self, id: Uuid, at: i64) -> Result<bool> {
        Ok(self.store.srv_revoke_device(id, at)?)
    }
    fn device_seen(&mut self, id: Uuid, at: i64) -> Result<()> {
        Ok(self.store.srv_device_seen(id, at)?)
    }
    fn actor_book(&mut self) -> Result<ActorBook> {
        let mut book = ActorBook::default();
        for b in self.store.srv_bindings()? {
            let actor = zhurnal_journal::automerge::ActorId::from(b.actor.as_slice());
            book.bind(
                &actor,
                zhurnal_domain::StaffId::from_raw(*b.user.as_bytes()),
                DeviceId(b.device),
            );
        }
        for d in self.store.srv_devices()? {
            if d.revoked_at.is_some() {
                book.revoke(DeviceId(d.id));
            }
        }
        Ok(book)
    }
    fn audit(
        &mut self,
        doc: Option<&str>,
        user: Option<Uuid>,
        since: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>> {
        Ok(self
            .store
            .srv_audit(doc, user, since, limit)?
            .into_iter()
            .map(audit_from)
            .collect())
    }
    fn quarantine(
        &mut self,
        user: Option<Uuid>,
        device: Option<Uuid>,
        reason: &str,
        body: &[u8],
        at: i64,
    ) -> Result<i64> {
        Ok(self.store.srv_quarantine(user, device, reason, body, at)?)
    }
    fn quarantined(&mut self) -> Result<Vec<QuarantineEntry>> {
        Ok(self
            .store
            .srv_quarantined()?
            .into_iter()
            .map(|q| QuarantineEntry {
                seq: q.seq,
                user: q.user,
                device: q.device,
                received_at: q.received_at,
                reason: q.reason,
                body: q.body,
            })
            .collect())
    }
}
