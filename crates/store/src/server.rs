//! The school server's tables (migration 3): accounts, enrolled devices, actor bindings, the
//! audit ledger and the quarantine. The server's documents are the ordinary `docs`/`chunks`
//! of the store, so `zhurnal demo --db server.db` makes a server database with a school in it.
//!
//! The one write that matters most is [`Store::srv_accept`]: the changes of an accepted sync
//! request, the bindings of its new actors and one audit row per new change land in **one**
//! transaction — after a crash either all of them are there or none.

use super::{insert_doc, projection, Result, Store, StoreError, COMPACT_AFTER};
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};
use std::collections::BTreeSet;
use uuid::Uuid;
use zhurnal_journal::automerge::ChangeHash;
use zhurnal_journal::{Doc, DocId};

/// A user account of the school server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerUser {
    /// A staff member's `StaffId`, a student's `StudentId`, a parent's own id.
    pub id: Uuid,
    pub login: String,
    /// `staff`, `student` or `parent`.
    pub kind: String,
    /// The person's full name, as shown to him and to the admin.
    pub name: String,
    /// The argon2id hash (PHC string).
    pub password_hash: String,
    /// A one-time password: every request but a password change is refused until it changes.
    pub must_change: bool,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// `(student, class)`: a student himself, a parent's children.
    pub students: Vec<(Uuid, Uuid)>,
}

/// An enrolled device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerDevice {
    pub id: Uuid,
    pub user: Uuid,
    pub name: String,
    /// The Ed25519 public key the device signs its bundles with.
    pub public_key: Vec<u8>,
    pub created_at: i64,
    pub last_seen: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// An automerge actor bound to the user and device that first sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActorBinding {
    pub actor: Vec<u8>,
    pub user: Uuid,
    pub device: Uuid,
}

/// An accepted change as the ledger's reader needs it: its document's key and its hash.
pub type Accepted = (String, [u8; 32]);

/// One row of the audit ledger: an accepted change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub doc: String,
    pub hash: [u8; 32],
    pub actor: Vec<u8>,
    pub user: Uuid,
    pub device: Uuid,
    /// The server's clock, unix seconds.
    pub received_at: i64,
    /// `sync`, `bundle`, `revert` or `import`.
    pub via: String,
}

/// A refused request kept for the admin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuarantineRow {
    pub seq: i64,
    pub user: Option<Uuid>,
    pub device: Option<Uuid>,
    pub received_at: i64,
    pub reason: String,
    pub body: Vec<u8>,
}

/// Who an accepted batch of changes comes from.
#[derive(Clone, Copy, Debug)]
pub struct Provenance<'a> {
    pub user: Uuid,
    pub device: Uuid,
    pub via: &'a str,
    pub at: i64,
}

fn uuid_of(bytes: Vec<u8>) -> rusqlite::Result<Uuid> {
    Uuid::from_slice(&bytes).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, Box::new(e))
    })
}

fn opt_uuid(bytes: Option<Vec<u8>>) -> rusqlite::Result<Option<Uuid>> {
    bytes.map(uuid_of).transpose()
}

const USER_COLUMNS: &str =
    "id, login, kind, name, password_hash, must_change, created_at, revoked_at";

fn user_row(r: &Row<'_>) -> rusqlite::Result<ServerUser> {
    Ok(ServerUser {
        id: uuid_of(r.get(0)?)?,
        login: r.get(1)?,
        kind: r.get(2)?,
        name: r.get(3)?,
        password_hash: r.get(4)?,
        must_change: r.get::<_, i64>(5)? != 0,
        created_at: r.get(6)?,
        revoked_at: r.get(7)?,
        students: Vec::new(),
    })
}

const DEVICE_COLUMNS: &str = "id, user, name, public_key, created_at, last_seen, revoked_at";

fn device_row(r: &Row<'_>) -> rusqlite::Result<ServerDevice> {
    Ok(ServerDevice {
        id: uuid_of(r.get(0)?)?,
        user: uuid_of(r.get(1)?)?,
        name: r.get(2)?,
        public_key: r.get(3)?,
        created_at: r.get(4)?,
        last_seen: r.get(5)?,
        revoked_at: r.get(6)?,
    })
}

fn audit_row(r: &Row<'_>) -> rusqlite::Result<AuditRow> {
    let hash: Vec<u8> = r.get(2)?;
    Ok(AuditRow {
        seq: r.get(0)?,
        doc: r.get(1)?,
        hash: hash.as_slice().try_into().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Blob,
                "a change hash is 32 bytes".into(),
            )
        })?,
        actor: r.get(3)?,
        user: uuid_of(r.get(4)?)?,
        device: uuid_of(r.get(5)?)?,
        received_at: r.get(6)?,
        via: r.get(7)?,
    })
}

impl Store {
    fn srv_students(&self, user: &mut ServerUser) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT student, class FROM srv_user_students WHERE user = ?1 ORDER BY student",
        )?;
        user.students = stmt
            .query_map([user.id.as_bytes().as_slice()], |r| {
                Ok((uuid_of(r.get(0)?)?, uuid_of(r.get(1)?)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(())
    }

    fn srv_user_where(
        &self,
        clause: &str,
        arg: &dyn rusqlite::ToSql,
    ) -> Result<Option<ServerUser>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM srv_users WHERE {clause}");
        let user = self
            .conn
            .prepare_cached(&sql)?
            .query_row([arg], user_row)
            .optional()?;
        match user {
            Some(mut u) => {
                self.srv_students(&mut u)?;
                Ok(Some(u))
            }
            None => Ok(None),
        }
    }

    /// Adds an account. `false` (and nothing written) if its id or login is taken.
    pub fn srv_add_user(&mut self, user: &ServerUser) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let taken: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM srv_users WHERE id = ?1 OR login = ?2",
                params![user.id.as_bytes().as_slice(), user.login],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO srv_users(id, login, kind, name, password_hash, must_change, created_at,
                                   revoked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                user.id.as_bytes().as_slice(),
                user.login,
                user.kind,
                user.name,
                user.password_hash,
                user.must_change as i64,
                user.created_at,
                user.revoked_at
            ],
        )?;
        for (student, class) in &user.students {
            tx.execute(
                "INSERT OR IGNORE INTO srv_user_students(user, student, class) VALUES (?1, ?2, ?3)",
                params![
                    user.id.as_bytes().as_slice(),
                    student.as_bytes().as_slice(),
                    class.as_bytes().as_slice()
                ],
            )?;
        }
        tx.commit()?;
        Ok(true)
    }

    pub fn srv_user_by_login(&self, login: &str) -> Result<Option<ServerUser>> {
        self.srv_user_where("login = ?1", &login)
    }

    pub fn srv_user(&self, id: Uuid) -> Result<Option<ServerUser>> {
        self.srv_user_where("id = ?1", &id.as_bytes().as_slice())
    }

    /// Every account, by login.
    pub fn srv_users(&self) -> Result<Vec<ServerUser>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM srv_users ORDER BY login");
        let mut users = self
            .conn
            .prepare(&sql)?
            .query_map([], user_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for u in &mut users {
            self.srv_students(u)?;
        }
        Ok(users)
    }

    /// Sets a password hash (and whether it is a one-time one); a reset also lifts a revocation
    /// when `unrevoke` is set. `false` if there is no such user.
    pub fn srv_set_password(
        &mut self,
        id: Uuid,
        hash: &str,
        must_change: bool,
        unrevoke: bool,
    ) -> Result<bool> {
        let sql = if unrevoke {
            "UPDATE srv_users SET password_hash = ?2, must_change = ?3, revoked_at = NULL WHERE id = ?1"
        } else {
            "UPDATE srv_users SET password_hash = ?2, must_change = ?3 WHERE id = ?1"
        };
        let n = self.conn.execute(
            sql,
            params![id.as_bytes().as_slice(), hash, must_change as i64],
        )?;
        Ok(n > 0)
    }

    /// Revokes an account (its devices' requests are refused from now on). `false` if there is
    /// no such user; revoking twice keeps the first moment.
    pub fn srv_revoke_user(&mut self, id: Uuid, at: i64) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE srv_users SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1",
            params![id.as_bytes().as_slice(), at],
        )?;
        Ok(n > 0)
    }

    /// Enrols a device with the SHA-256 of its token.
    pub fn srv_add_device(&mut self, device: &ServerDevice, token_hash: &[u8]) -> Result<()> {
        self.conn.execute(
            "INSERT INTO srv_devices(id, user, name, token_hash, public_key, created_at, last_seen,
                                     revoked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                device.id.as_bytes().as_slice(),
                device.user.as_bytes().as_slice(),
                device.name,
                token_hash,
                device.public_key,
                device.created_at,
                device.last_seen,
                device.revoked_at
            ],
        )?;
        Ok(())
    }

    pub fn srv_device_by_token(&self, token_hash: &[u8]) -> Result<Option<ServerDevice>> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM srv_devices WHERE token_hash = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([token_hash], device_row)
            .optional()?)
    }

    pub fn srv_device(&self, id: Uuid) -> Result<Option<ServerDevice>> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM srv_devices WHERE id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id.as_bytes().as_slice()], device_row)
            .optional()?)
    }

    /// Every device, oldest enrolment first.
    pub fn srv_devices(&self) -> Result<Vec<ServerDevice>> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM srv_devices ORDER BY created_at, id");
        Ok(self
            .conn
            .prepare(&sql)?
            .query_map([], device_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Revokes a device. `false` if there is no such device.
    pub fn srv_revoke_device(&mut self, id: Uuid, at: i64) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE srv_devices SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1",
            params![id.as_bytes().as_slice(), at],
        )?;
        Ok(n > 0)
    }

    /// Notes that a device synced at `at` (a sync that sent nothing; an accepted one notes it
    /// in its own transaction).
    pub fn srv_device_seen(&mut self, id: Uuid, at: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE srv_devices SET last_seen = max(coalesce(last_seen, 0), ?2) WHERE id = ?1",
            params![id.as_bytes().as_slice(), at],
        )?;
        Ok(())
    }

    /// Every actor binding.
    pub fn srv_bindings(&self) -> Result<Vec<ActorBinding>> {
        Ok(self
            .conn
            .prepare_cached("SELECT actor, user, device FROM srv_actors")?
            .query_map([], |r| {
                Ok(ActorBinding {
                    actor: r.get(0)?,
                    user: uuid_of(r.get(1)?)?,
                    device: uuid_of(r.get(2)?)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Applies an accepted request: every document's changes (creating a document the store
    /// lacks), the new actors' bindings and one audit row per change the store did not hold —
    /// in one transaction. Returns the audit rows written. On any failure nothing is written
    /// and the documents in memory are dropped, so memory never runs ahead of the disk.
    pub fn srv_accept(
        &mut self,
        apply: &[(DocId, Vec<Vec<u8>>)],
        bind: &[ActorBinding],
        who: Provenance<'_>,
    ) -> Result<Vec<AuditRow>> {
        let ids: Vec<DocId> = apply.iter().map(|(id, _)| *id).collect();
        let result = self.srv_accept_inner(apply, bind, who);
        if result.is_err() {
            for id in ids {
                self.docs.remove(&id);
                self.chunk_counts.remove(&id);
            }
        }
        result
    }

    fn srv_accept_inner(
        &mut self,
        apply: &[(DocId, Vec<Vec<u8>>)],
        bind: &[ActorBinding],
        who: Provenance<'_>,
    ) -> Result<Vec<AuditRow>> {
        enum Step {
            Existing { id: DocId, chunk: Vec<u8> },
            New(Box<Doc>),
        }
        let mut steps = Vec::new();
        let mut audit: Vec<(DocId, [u8; 32], Vec<u8>)> = Vec::new();
        let mut seen_docs = BTreeSet::new();
        for (id, changes) in apply {
            if !seen_docs.insert(*id) {
                return Err(StoreError::Journal(zhurnal_journal::JournalError::Invalid(
                    format!("документ {id} дважды в одном запросе"),
                )));
            }
            let genesis: BTreeSet<ChangeHash> = Doc::genesis(*id).heads().into_iter().collect();
            let parts: Vec<&[u8]> = changes.iter().map(Vec::as_slice).collect();
            let mut record = |c: &zhurnal_journal::automerge::Change| {
                if !genesis.contains(&c.hash()) {
                    audit.push((*id, c.hash().0, c.actor_id().to_bytes().to_vec()));
                }
            };
            if self.contains(*id)? {
                self.load(*id)?;
                let doc = self.docs.get_mut(id).expect("loaded");
                let before = doc.heads();
                for p in &parts {
                    doc.apply_chunk(p)?;
                }
                let new = doc.automerge().get_changes(&before);
                if new.is_empty() {
                    continue;
                }
                new.iter().for_each(&mut record);
                steps.push(Step::Existing {
                    id: *id,
                    chunk: doc.save_after(&before),
                });
            } else {
                let mut doc = Doc::load(*id, &parts)?;
                doc.take_touched();
                doc.automerge()
                    .get_changes(&[])
                    .iter()
                    .for_each(&mut record);
                steps.push(Step::New(Box::new(doc)));
            }
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut counts = Vec::new();
        for step in &steps {
            match step {
                Step::New(doc) => insert_doc(&tx, doc)?,
                Step::Existing { id, chunk } => {
                    let doc = self.docs.get_mut(id).expect("loaded");
                    let touched = doc.take_touched();
                    let count = self.chunk_counts.get(id).copied().unwrap_or(0) + 1;
                    let compact = count >= COMPACT_AFTER;
                    if compact {
                        tx.execute(
                            "UPDATE docs SET snapshot = ?2, updated_at = ?3 WHERE id = ?1",
                            params![id.to_string(), doc.save(), who.at],
                        )?;
                        tx.execute("DELETE FROM chunks WHERE doc = ?1", [id.to_string()])?;
                    } else {
                        tx.execute(
                            "INSERT INTO chunks(doc, data) VALUES (?1, ?2)",
                            params![id.to_string(), chunk],
                        )?;
                        tx.execute(
                            "UPDATE docs SET updated_at = ?2 WHERE id = ?1",
                            params![id.to_string(), who.at],
                        )?;
                    }
                    projection::refresh(&tx, doc, &touched)?;
                    counts.push((*id, if compact { 0 } else { count }));
                }
            }
        }
        for b in bind {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO srv_actors(actor, user, device, bound_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                b.actor,
                b.user.as_bytes().as_slice(),
                b.device.as_bytes().as_slice(),
                who.at
            ])?;
        }
        let mut rows = Vec::with_capacity(audit.len());
        for (doc, hash, actor) in audit {
            tx.prepare_cached(
                "INSERT INTO srv_audit(doc, hash, actor, user, device, received_at, via)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                doc.to_string(),
                hash.as_slice(),
                actor,
                who.user.as_bytes().as_slice(),
                who.device.as_bytes().as_slice(),
                who.at,
                who.via
            ])?;
            rows.push(AuditRow {
                seq: tx.last_insert_rowid(),
                doc: doc.to_string(),
                hash,
                actor,
                user: who.user,
                device: who.device,
                received_at: who.at,
                via: who.via.to_string(),
            });
        }
        tx.execute(
            "UPDATE srv_devices SET last_seen = ?2 WHERE id = ?1",
            params![who.device.as_bytes().as_slice(), who.at],
        )?;
        tx.commit()?;
        for (id, count) in counts {
            self.chunk_counts.insert(id, count);
        }
        for step in steps {
            if let Step::New(doc) = step {
                self.chunk_counts.insert(doc.id(), 0);
                self.docs.insert(doc.id(), *doc);
            }
        }
        Ok(rows)
    }

    /// The ledger's mark: the sequence number of the last accepted change (0: none yet).
    pub fn srv_mark(&self) -> Result<u64> {
        let seq: i64 =
            self.conn
                .query_row("SELECT coalesce(max(seq), 0) FROM srv_audit", [], |r| {
                    r.get(0)
                })?;
        Ok(u64::try_from(seq).unwrap_or(0))
    }

    /// The document and hash of every change accepted after `mark`, oldest first; `None` when
    /// there are more than `limit`.
    pub fn srv_accepted_since(&self, mark: u64, limit: usize) -> Result<Option<Vec<Accepted>>> {
        let mark = i64::try_from(mark).unwrap_or(i64::MAX);
        let rows = self
            .conn
            .prepare_cached("SELECT doc, hash FROM srv_audit WHERE seq > ?1 ORDER BY seq LIMIT ?2")?
            .query_map(
                params![
                    mark,
                    i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1)
                ],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if rows.len() > limit {
            return Ok(None);
        }
        rows.into_iter()
            .map(|(doc, hash)| {
                let hash: [u8; 32] = hash.try_into().map_err(|_| StoreError::Corrupt {
                    path: self.path.clone(),
                    detail: format!("журнал приёма: хеш изменения документа {doc} не 32 байта"),
                })?;
                Ok((doc, hash))
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    /// The audit ledger, newest first: of one document or user, from a moment on, at most
    /// `limit` rows.
    pub fn srv_audit(
        &self,
        doc: Option<&str>,
        user: Option<Uuid>,
        since: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AuditRow>> {
        let user = user.map(|u| u.as_bytes().to_vec());
        Ok(self
            .conn
            .prepare_cached(
                "SELECT seq, doc, hash, actor, user, device, received_at, via FROM srv_audit
                 WHERE (?1 IS NULL OR doc = ?1) AND (?2 IS NULL OR user = ?2)
                   AND (?3 IS NULL OR received_at >= ?3)
                 ORDER BY seq DESC LIMIT ?4",
            )?
            .query_map(
                params![doc, user, since, i64::try_from(limit).unwrap_or(i64::MAX)],
                audit_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Keeps a refused request's body. Returns its number.
    pub fn srv_quarantine(
        &mut self,
        user: Option<Uuid>,
        device: Option<Uuid>,
        reason: &str,
        body: &[u8],
        at: i64,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO srv_quarantine(user, device, received_at, reason, body)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                user.map(|u| u.as_bytes().to_vec()),
                device.map(|d| d.as_bytes().to_vec()),
                at,
                reason,
                body
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Everything in quarantine, oldest first.
    pub fn srv_quarantined(&self) -> Result<Vec<QuarantineRow>> {
        Ok(self
            .conn
            .prepare(
                "SELECT seq, user, device, received_at, reason, body FROM srv_quarantine
                 ORDER BY seq",
            )?
            .query_map([], |r| {
                Ok(QuarantineRow {
                    seq: r.get(0)?,
                    user: opt_uuid(r.get(1)?)?,
                    device: opt_uuid(r.get(2)?)?,
                    received_at: r.get(3)?,
                    reason: r.get(4)?,
                    body: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhurnal_domain::{ClassId, StaffId, SubjectId};
    use zhurnal_journal::automerge::ActorId;
    use zhurnal_journal::{journal, Editor};

    fn user(login: &str) -> ServerUser {
        ServerUser {
            id: Uuid::new_v4(),
            login: login.into(),
            kind: "staff".into(),
            name: "Иванова Мария Петровна".into(),
            password_hash: "$argon2id$…".into(),
            must_change: false,
            created_at: 1,
            revoked_at: None,
            students: vec![],
        }
    }

    #[test]
    fn accounts_devices_and_quarantine_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path().join("s.db")).unwrap();
        let mut u = user("ivanova");
        u.kind = "parent".into();
        u.students = vec![(Uuid::new_v4(), Uuid::new_v4())];
        assert!(s.srv_add_user(&u).unwrap());
        assert!(!s.srv_add_user(&user("ivanova")).unwrap(), "login taken");
        assert_eq!(s.srv_user_by_login("ivanova").unwrap(), Some(u.clone()));
        assert!(s.srv_set_password(u.id, "h2", true, false).unwrap());
        let got = s.srv_user(u.id).unwrap().unwrap();
        assert_eq!((got.password_hash.as_str(), got.must_change), ("h2", true));
        let d = ServerDevice {
            id: Uuid::new_v4(),
            user: u.id,
            name: "Ноутбук".into(),
            public_key: vec![7; 32],
            created_at: 5,
            last_seen: None,
            revoked_at: None,
        };
        s.srv_add_device(&d, &[1; 32]).unwrap();
        assert_eq!(s.srv_device_by_token(&[1; 32]).unwrap(), Some(d.clone()));
        assert_eq!(s.srv_device_by_token(&[2; 32]).unwrap(), None);
        assert!(s.srv_revoke_device(d.id, 9).unwrap());
        assert!(s.srv_revoke_device(d.id, 10).unwrap());
        assert_eq!(s.srv_device(d.id).unwrap().unwrap().revoked_at, Some(9));
        assert!(!s.srv_revoke_device(Uuid::new_v4(), 9).unwrap());
        s.srv_quarantine(Some(u.id), Some(d.id), "revoked_device", b"body", 11)
            .unwrap();
        let q = s.srv_quarantined().unwrap();
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].body, b"body");
        drop(s);
        let s = Store::open(dir.path().join("s.db")).unwrap();
        assert_eq!(s.srv_users().unwrap().len(), 1);
        assert_eq!(s.srv_devices().unwrap().len(), 1);
    }

    #[test]
    fn an_accepted_batch_lands_with_its_bindings_and_audit_in_one_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut s = Store::open(&path).unwrap();
        let id = DocId::journal(2025, ClassId(Uuid::new_v4()), SubjectId(Uuid::new_v4()));
        // A device made the document and one lesson.
        let mut doc = Doc::genesis(id);
        let teacher = StaffId::new_random();
        let actor = ActorId::random();
        let editor = Editor {
            author: teacher,
            actor: actor.clone(),
            time: 100,
        };
        let lesson =
            zhurnal_domain::Lesson::new(chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(), 1);
        journal::add_lesson(&mut doc, &editor, &lesson).unwrap();
        let changes: Vec<Vec<u8>> = doc
            .automerge()
            .get_changes(&[])
            .into_iter()
            .map(|c| c.raw_bytes().to_vec())
            .collect();
        let who = Provenance {
            user: Uuid::from_bytes(*teacher.as_bytes()),
            device: Uuid::new_v4(),
            via: "sync",
            at: 1000,
        };
        let bind = [ActorBinding {
            actor: actor.to_bytes().to_vec(),
            user: who.user,
            device: who.device,
        }];
        let rows = s.srv_accept(&[(id, changes.clone())], &bind, who).unwrap();
        assert_eq!(rows.len(), 1, "genesis is not audited, the lesson is");
        assert_eq!(rows[0].actor, actor.to_bytes());
        // A resend changes nothing and audits nothing.
        assert!(s
            .srv_accept(&[(id, changes)], &bind, who)
            .unwrap()
            .is_empty());
        drop(s);
        let mut s = Store::open(&path).unwrap();
        assert_eq!(journal::lessons(s.doc(id).unwrap()).unwrap().len(), 1);
        assert_eq!(s.srv_bindings().unwrap(), bind.to_vec());
        let audit = s.srv_audit(Some(&id.to_string()), None, None, 10).unwrap();
        assert_eq!(audit, rows);
        assert!(s.srv_audit(None, None, Some(1001), 10).unwrap().is_empty());
        // The ledger's mark and what came after a mark, up to a limit.
        let mark = s.srv_mark().unwrap();
        assert_eq!(mark, u64::try_from(rows[0].seq).unwrap());
        let since = s.srv_accepted_since(mark - 1, 10).unwrap().unwrap();
        assert_eq!(since, vec![(id.to_string(), rows[0].hash)]);
        assert_eq!(s.srv_accepted_since(mark, 10).unwrap(), Some(vec![]));
        assert_eq!(
            s.srv_accepted_since(mark - 1, 0).unwrap(),
            None,
            "over the limit"
        );
    }

    #[test]
    fn a_batch_that_fails_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path().join("s.db")).unwrap();
        let id = DocId::journal(2025, ClassId(Uuid::new_v4()), SubjectId(Uuid::new_v4()));
        let good = Doc::genesis(id).save();
        let who = Provenance {
            user: Uuid::new_v4(),
            device: Uuid::new_v4(),
            via: "sync",
            at: 1,
        };
        let other = DocId::school(2025);
        let bind = [ActorBinding {
            actor: vec![1, 2, 3],
            user: who.user,
            device: who.device,
        }];
        let err = s
            .srv_accept(
                &[(id, vec![good]), (other, vec![b"not a change".to_vec()])],
                &bind,
                who,
            )
            .unwrap_err();
        assert!(matches!(err, StoreError::Journal(_)), "{err}");
        assert!(s.doc_ids().unwrap().is_empty());
        assert!(s.srv_bindings().unwrap().is_empty());
    }
}
