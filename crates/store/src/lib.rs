//! # The local store
//!
//! Every document of the school year lives in one SQLite file (WAL, `synchronous=FULL`):
//!
//! * `docs` holds a compacted snapshot of each document, `chunks` the incremental changes made
//!   since (one chunk per user action). Loading a document is its snapshot plus its chunks.
//! * An edit is acknowledged only after the transaction holding its chunk has committed, and
//!   with `synchronous=FULL` a commit is on disk when it returns. Nothing is acknowledged from
//!   memory.
//! * Every [`COMPACT_AFTER`] chunks a document is compacted: the new snapshot is written and the
//!   chunks it contains are deleted **in the same transaction**, so there is never a moment
//!   when a change exists only in a chunk already deleted.
//! * Projections (`p_*` tables) are plain SQL rows derived from the documents for queries and
//!   reports. They are refreshed in the same transaction as the chunk (only the lesson or
//!   student that changed) and can be rebuilt from the documents at any time.
//! * The schema is migrated by embedded, append-only migrations; a file that is not ours, is
//!   damaged, or is newer than this program is refused with a clear error and left untouched.
//!
//! Only this crate imports rusqlite.

mod profile;
mod projection;
mod server;

pub use profile::Profile;

/// One lesson of a journal as the projection has it (see [`Store::lessons_between`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonRow {
    pub lesson: zhurnal_domain::LessonId,
    pub date: chrono::NaiveDate,
    pub number: u8,
    pub subgroup: Option<u8>,
    pub topic: String,
    /// Attendance was taken (marked, or «все присутствуют»).
    pub attendance_taken: bool,
    /// Students marked absent or late.
    pub absent: u32,
    /// Marks given at the lesson.
    pub marks: u32,
}

use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use thiserror::Error;
use zhurnal_domain::StaffId;
use zhurnal_journal::automerge::{ActorId, ChangeHash, ReadDoc};
use zhurnal_journal::{Doc, DocId, Editor, JournalError};

pub use server::{ActorBinding, AuditRow, Provenance, QuarantineRow, ServerDevice, ServerUser};

/// `PRAGMA application_id` of a Zhurnal store: "ZHRN".
pub const APPLICATION_ID: i32 = 0x5A48_524E;

/// A document is compacted after this many incremental chunks.
pub const COMPACT_AFTER: usize = 128;

/// Version of the projection code. Bump it whenever `projection.rs` derives different rows
/// from the same documents: every store rebuilds its projections on the next open.
pub const PROJECTION_VERSION: i64 = 1;

/// Embedded migrations; migration `i` brings the schema to version `i + 1`. Append only.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_sync_bookmarks.sql"),
    include_str!("../migrations/0003_server.sql"),
    include_str!("../migrations/0004_device_profile.sql"),
    include_str!("../migrations/0005_sync_marks.sql"),
];

/// Errors of the store. The messages are for the user and say what to do.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("файл «{0}» не является базой Журнала: это не база SQLite. Файл не изменён")]
    NotADatabase(PathBuf),
    #[error("файл «{0}» — база другой программы, а не Журнала. Файл не изменён")]
    Foreign(PathBuf),
    #[error("база «{path}» создана более новой версией Журнала (схема {found}, эта версия знает схемы до {supported}). Обновите программу; файл не изменён")]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("база «{path}» повреждена ({detail}). Файл не изменён: восстановите его из резервной копии или получите журнал заново с сервера школы")]
    Corrupt { path: PathBuf, detail: String },
    #[error("документ {0} не найден в базе")]
    NoSuchDocument(DocId),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("ошибка базы данных: {0}")]
    Sqlite(rusqlite::Error),
    #[error("ошибка чтения файла: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Counts and on-disk sizes, for `zhurnal stats`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub file_bytes: u64,
    pub wal_bytes: u64,
    /// Per document kind: (documents, chunks, snapshot bytes, chunk bytes).
    pub by_kind: Vec<(String, i64, i64, i64, i64)>,
    pub classes: i64,
    pub students: i64,
    pub lessons: i64,
    pub marks: i64,
    pub absences: i64,
    pub finals: i64,
}

/// A stored document as the file holds it (snapshot and chunks), and its number of chunks.
fn read_stored(conn: &Connection, path: &Path, id: DocId) -> Result<(Doc, usize)> {
    let snapshot: Vec<u8> = conn
        .query_row(
            "SELECT snapshot FROM docs WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::NoSuchDocument(id))?;
    let chunks = conn
        .prepare_cached("SELECT data FROM chunks WHERE doc = ?1 ORDER BY seq")?
        .query_map([id.to_string()], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut parts: Vec<&[u8]> = vec![&snapshot];
    parts.extend(chunks.iter().map(|c| c.as_slice()));
    let doc = Doc::load(id, &parts).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    Ok((doc, chunks.len()))
}

/// The local store and the documents loaded from it.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    docs: HashMap<DocId, Doc>,
    chunk_counts: HashMap<DocId, usize>,
    actors: HashMap<StaffId, ActorId>,
    /// `PRAGMA data_version` when the documents in memory were last known to match the file.
    /// It moves when another connection commits (the server while `zhurnal revert` runs on
    /// its file, the app while the CLI writes to it); the documents are then read again.
    seen: i64,
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

fn corrupt(path: &Path, e: &rusqlite::Error) -> Option<StoreError> {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => {
            Some(StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })
        }
        _ => None,
    }
}

impl Store {
    /// Opens the store at `path`, creating it if there is no file (or an empty one).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if let Ok(meta) = std::fs::metadata(&path) {
            if meta.len() > 0 {
                use std::io::Read;
                let mut header = [0u8; 16];
                let mut f = std::fs::File::open(&path)?;
                if f.read_exact(&mut header).is_err() || &header != SQLITE_MAGIC {
                    return Err(StoreError::NotADatabase(path));
                }
            }
        }
        Self::open_checked(&path).map_err(|e| match e {
            StoreError::Sqlite(ref s) => corrupt(&path, s).unwrap_or(e),
            other => other,
        })
    }

    fn open_checked(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        let fresh = app_id == 0 && tables == 0;
        if !fresh && app_id != APPLICATION_ID {
            return Err(StoreError::Foreign(path.to_path_buf()));
        }
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                supported: MIGRATIONS.len() as i64,
            });
        }
        if !fresh {
            let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
            if check != "ok" {
                return Err(StoreError::Corrupt {
                    path: path.to_path_buf(),
                    detail: check,
                });
            }
        }
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: format!("журнал базы в режиме {mode}, а не WAL"),
            });
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        let seen = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            docs: HashMap::new(),
            chunk_counts: HashMap::new(),
            actors: HashMap::new(),
            seen,
        };
        store.migrate(version)?;
        store.ensure_projections()?;
        Ok(store)
    }

    fn migrate(&mut self, from: i64) -> Result<()> {
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.execute_batch(&format!(
                "PRAGMA user_version = {}; PRAGMA application_id = {APPLICATION_ID};",
                i + 1
            ))?;
            if i == 0 {
                tx.execute(
                    "INSERT INTO meta(key, value) VALUES ('created_at', ?1)",
                    [chrono::Utc::now().to_rfc3339()],
                )?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    /// Rebuilds the projections if they were made by another version of the projection code.
    fn ensure_projections(&mut self) -> Result<()> {
        let built: Option<i64> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'projection_version'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.parse().ok());
        if built != Some(PROJECTION_VERSION) {
            self.rebuild_projections()?;
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Every document in the store.
    pub fn doc_ids(&self) -> Result<Vec<DocId>> {
        let mut stmt = self.conn.prepare("SELECT id FROM docs ORDER BY id")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids.iter().filter_map(|s| s.parse().ok()).collect())
    }

    /// Whether the store holds this document.
    pub fn contains(&self, id: DocId) -> Result<bool> {
        Ok(self.docs.contains_key(&id)
            || self
                .conn
                .query_row("SELECT 1 FROM docs WHERE id = ?1", [id.to_string()], |_| {
                    Ok(())
                })
                .optional()?
                .is_some())
    }

    /// Forgets the documents in memory if another connection has written to the file since
    /// they were read.
    fn refresh(&mut self) -> Result<()> {
        let now: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if now != self.seen {
            self.docs.clear();
            self.chunk_counts.clear();
            self.actors.clear();
            self.seen = now;
        }
        Ok(())
    }

    fn load(&mut self, id: DocId) -> Result<()> {
        self.refresh()?;
        if self.docs.contains_key(&id) {
            return Ok(());
        }
        let (mut doc, chunks) = read_stored(&self.conn, &self.path, id)?;
        doc.take_touched();
        self.chunk_counts.insert(id, chunks);
        self.docs.insert(id, doc);
        Ok(())
    }

    /// A document, loaded (and kept in memory) on first use.
    pub fn doc(&mut self, id: DocId) -> Result<&Doc> {
        self.load(id)?;
        Ok(&self.docs[&id])
    }

    /// Creates an empty document (its genesis) if the store does not have it yet.
    pub fn create(&mut self, id: DocId) -> Result<()> {
        if !self.contains(id)? {
            self.put_doc(Doc::genesis(id))?;
        }
        Ok(())
    }

    /// Stores a whole document built elsewhere (the demo generator, an import), merging it
    /// into the stored one if there is one. Durable when it returns.
    pub fn put_doc(&mut self, mut doc: Doc) -> Result<()> {
        let id = doc.id();
        if self.contains(id)? {
            self.load(id)?;
            let heads = self.docs[&id].heads();
            let merged = {
                let stored = self.docs.get_mut(&id).expect("loaded");
                stored.merge(&mut doc)?;
                stored.save_after(&heads)
            };
            return self.persist(id, merged, None);
        }
        self.put_docs(vec![doc])
    }

    /// Stores many documents at once: the new ones in a single transaction (a crash leaves
    /// all or none of them), the ones the store already has merged one by one.
    pub fn put_docs(&mut self, docs: Vec<Doc>) -> Result<()> {
        let mut new = Vec::new();
        for doc in docs {
            if self.contains(doc.id())? {
                self.put_doc(doc)?;
            } else {
                new.push(doc);
            }
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for doc in &mut new {
            doc.take_touched();
            insert_doc(&tx, doc)?;
        }
        tx.commit()?;
        for doc in new {
            self.chunk_counts.insert(doc.id(), 0);
            self.docs.insert(doc.id(), doc);
        }
        Ok(())
    }

    /// This device's actor for `author`, created on first use.
    fn actor_for(&mut self, author: StaffId) -> Result<ActorId> {
        if let Some(a) = self.actors.get(&author) {
            return Ok(a.clone());
        }
        let key = author.to_string();
        let stored: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT actor FROM actors WHERE author = ?1", [&key], |r| {
                r.get(0)
            })
            .optional()?;
        let bytes = match stored {
            Some(b) => b,
            None => {
                let b = uuid::Uuid::new_v4().as_bytes().to_vec();
                self.conn.execute(
                    "INSERT INTO actors(author, actor) VALUES (?1, ?2)",
                    params![key, b],
                )?;
                b
            }
        };
        let actor = ActorId::from(bytes.as_slice());
        self.actors.insert(author, actor.clone());
        Ok(actor)
    }

    /// Makes one edit — one user action — on a document, as `author`, now. Returns only after
    /// the change is durable on disk. If the edit is refused, nothing changes.
    pub fn edit<T>(
        &mut self,
        id: DocId,
        author: StaffId,
        f: impl FnOnce(&mut Doc, &Editor) -> Result<T, JournalError>,
    ) -> Result<T> {
        self.edit_at(id, author, chrono::Utc::now().timestamp(), f)
    }

    /// [`Store::edit`] with an explicit time (seconds since the epoch).
    pub fn edit_at<T>(
        &mut self,
        id: DocId,
        author: StaffId,
        time: i64,
        f: impl FnOnce(&mut Doc, &Editor) -> Result<T, JournalError>,
    ) -> Result<T> {
        self.load(id)?;
        let editor = Editor {
            author,
            actor: self.actor_for(author)?,
            time,
        };
        let doc = self.docs.get_mut(&id).expect("loaded");
        let heads = doc.heads();
        let value = f(doc, &editor)?;
        let chunk = doc.save_after(&heads);
        self.persist(id, chunk, None)?;
        Ok(value)
    }

    /// Applies changes received from elsewhere (a peer, a bundle) to a stored document.
    /// Returns how many changes were new. Durable when it returns.
    pub fn apply_changes(&mut self, id: DocId, chunk: &[u8]) -> Result<usize> {
        self.receive(id, &[chunk], None)
    }

    /// The heads `peer` was known to hold of a document at the last exchange (empty if never).
    pub fn bookmark(&self, peer: &str, id: DocId) -> Result<Vec<ChangeHash>> {
        let heads: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT heads FROM sync_bookmarks WHERE peer = ?1 AND doc = ?2")?
            .query_row(params![peer, id.to_string()], |r| r.get(0))
            .optional()?;
        Ok(heads
            .unwrap_or_default()
            .chunks_exact(32)
            .map(|h| ChangeHash(h.try_into().expect("32 bytes")))
            .collect())
    }

    /// The ledger mark of `peer`'s last complete answer this store applied (0: none yet).
    pub fn sync_mark(&self, peer: &str) -> Result<u64> {
        let mark: Option<i64> = self
            .conn
            .prepare_cached("SELECT mark FROM sync_marks WHERE peer = ?1")?
            .query_row([peer], |r| r.get(0))
            .optional()?;
        Ok(mark.map_or(0, |m| u64::try_from(m).unwrap_or(0)))
    }

    /// Keeps `peer`'s ledger mark; call it once every document of the answer it came with is
    /// applied.
    pub fn set_sync_mark(&mut self, peer: &str, mark: u64) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_marks(peer, mark, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(peer) DO UPDATE SET mark = excluded.mark,
                                                 updated_at = excluded.updated_at",
            )?
            .execute(params![
                peer,
                i64::try_from(mark).unwrap_or(i64::MAX),
                chrono::Utc::now().timestamp()
            ])?;
        Ok(())
    }

    /// Applies the changes a peer sent for a document — creating the document if this store
    /// does not hold it yet — and moves that peer's bookmark, in one transaction: after a crash
    /// either both are there or neither.
    pub fn receive(
        &mut self,
        id: DocId,
        changes: &[&[u8]],
        bookmark: Option<(&str, &[ChangeHash])>,
    ) -> Result<usize> {
        if !self.contains(id)? {
            let mut doc = Doc::load(id, changes)?;
            let n = doc.automerge().get_changes(&[]).len();
            doc.take_touched();
            let bookmark = held(&doc, bookmark);
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            insert_doc(&tx, &doc)?;
            if let Some((peer, heads)) = bookmark {
                put_bookmark(&tx, peer, id, heads)?;
            }
            tx.commit()?;
            self.chunk_counts.insert(id, 0);
            self.docs.insert(id, doc);
            return Ok(n);
        }
        self.load(id)?;
        let doc = self.docs.get_mut(&id).expect("loaded");
        let heads = doc.heads();
        let mut n = 0;
        for c in changes {
            match doc.apply_chunk(c) {
                Ok(k) => n += k,
                Err(e) => {
                    self.docs.remove(&id);
                    return Err(e.into());
                }
            }
        }
        let bookmark = held(doc, bookmark);
        let new = doc.save_after(&heads);
        self.persist(id, new, bookmark)?;
        Ok(n)
    }

    /// Writes the chunk of changes just made to the in-memory document, refreshes what they
    /// touched, compacts when due — all in one transaction. On failure the in-memory document
    /// is dropped, so memory never runs ahead of the disk.
    fn persist(
        &mut self,
        id: DocId,
        chunk: Vec<u8>,
        bookmark: Option<(&str, &[ChangeHash])>,
    ) -> Result<()> {
        let result = self.persist_inner(id, &chunk, bookmark);
        if result.is_err() {
            self.docs.remove(&id);
            self.chunk_counts.remove(&id);
        }
        result
    }

    fn persist_inner(
        &mut self,
        id: DocId,
        chunk: &[u8],
        bookmark: Option<(&str, &[ChangeHash])>,
    ) -> Result<()> {
        let doc = self.docs.get_mut(&id).expect("loaded");
        let touched = doc.take_touched();
        if chunk.is_empty() && touched.is_empty() && bookmark.is_none() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another connection may have written since the document was read (the write lock is
        // ours now): its changes are merged in first, so that a compaction keeps them and the
        // projections show both.
        let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let stale = version != self.seen;
        let mut count = self.chunk_counts.get(&id).copied().unwrap_or(0) + 1;
        if stale {
            let (mut stored, chunks) = read_stored(&tx, &self.path, id)?;
            doc.merge(&mut stored)?;
            count = chunks + 1;
        }
        let mut touched = touched;
        // What the merge brought (all of the document, if anything).
        touched.extend(doc.take_touched());
        let compact = count >= COMPACT_AFTER;
        let now = chrono::Utc::now().timestamp();
        if compact {
            tx.execute(
                "UPDATE docs SET snapshot = ?2, updated_at = ?3 WHERE id = ?1",
                params![id.to_string(), doc.save(), now],
            )?;
            tx.execute("DELETE FROM chunks WHERE doc = ?1", [id.to_string()])?;
        } else if !chunk.is_empty() {
            tx.execute(
                "INSERT INTO chunks(doc, data) VALUES (?1, ?2)",
                params![id.to_string(), chunk],
            )?;
            tx.execute(
                "UPDATE docs SET updated_at = ?2 WHERE id = ?1",
                params![id.to_string(), now],
            )?;
        }
        projection::refresh(&tx, doc, &touched)?;
        if let Some((peer, heads)) = bookmark {
            put_bookmark(&tx, peer, id, heads)?;
        }
        tx.commit()?;
        if stale {
            // The other documents in memory may be behind the file too.
            self.docs.retain(|k, _| *k == id);
            self.chunk_counts.clear();
            self.actors.clear();
            self.seen = version;
        }
        self.chunk_counts
            .insert(id, if compact { 0 } else { count });
        Ok(())
    }

    /// Rebuilds every projection from the documents (after a migration, or to repair).
    pub fn rebuild_projections(&mut self) -> Result<()> {
        let ids = self.doc_ids()?;
        for id in &ids {
            self.load(*id)?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        projection::clear_all(&tx)?;
        for id in &ids {
            projection::rebuild_doc(&tx, &self.docs[id])?;
        }
        tx.execute(
            "INSERT INTO meta(key, value) VALUES ('projection_version', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [PROJECTION_VERSION.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Lessons of a journal on one day, from the projection: `(lesson, number, subgroup)`.
    pub fn lessons_on(
        &self,
        id: DocId,
        date: chrono::NaiveDate,
    ) -> Result<Vec<(zhurnal_domain::LessonId, u8, Option<u8>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.lesson, l.number, l.subgroup FROM p_lessons l JOIN p_docs d ON d.n = l.doc
             WHERE d.id = ?1 AND l.date = ?2 ORDER BY l.number, l.subgroup",
        )?;
        let rows = stmt
            .query_map(params![id.to_string(), date.to_string()], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, u8>(1)?,
                    r.get::<_, Option<u8>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(l, n, g)| {
                Some((zhurnal_domain::LessonId::from_raw(l.try_into().ok()?), n, g))
            })
            .collect())
    }

    /// Lessons of a journal from `from` to `to` (inclusive), from the projection, by date and
    /// number: what a week of the teacher's lessons shows without loading the documents.
    pub fn lessons_between(
        &self,
        id: DocId,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<LessonRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.lesson, l.date, l.number, l.subgroup, l.topic, l.attendance_taken,
                    (SELECT count(*) FROM p_attendance a WHERE a.doc = l.doc AND a.lesson = l.lesson),
                    (SELECT count(*) FROM p_marks m WHERE m.doc = l.doc AND m.lesson = l.lesson)
             FROM p_lessons l JOIN p_docs d ON d.n = l.doc
             WHERE d.id = ?1 AND l.date BETWEEN ?2 AND ?3 ORDER BY l.date, l.number, l.subgroup",
        )?;
        let rows = stmt
            .query_map(
                params![id.to_string(), from.to_string(), to.to_string()],
                |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, u8>(2)?,
                        r.get::<_, Option<u8>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, bool>(5)?,
                        r.get::<_, u32>(6)?,
                        r.get::<_, u32>(7)?,
                    ))
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(l, date, number, subgroup, topic, taken, absent, marks)| {
                Some(LessonRow {
                    lesson: zhurnal_domain::LessonId::from_raw(l.try_into().ok()?),
                    date: date.parse().ok()?,
                    number,
                    subgroup,
                    topic,
                    attendance_taken: taken || absent > 0,
                    absent,
                    marks,
                })
            })
            .collect())
    }

    /// A dump of the projection tables, for checking them against the documents.
    pub fn projection_rows(&self) -> Result<Vec<String>> {
        projection::dump(&self.conn)
    }

    /// Counts and sizes.
    pub fn stats(&self) -> Result<Stats> {
        let file_bytes = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        let wal_bytes = std::fs::metadata(PathBuf::from(wal))
            .map(|m| m.len())
            .unwrap_or(0);
        let mut stmt = self.conn.prepare(
            "SELECT d.kind, count(*), sum((SELECT count(*) FROM chunks c WHERE c.doc = d.id)),
                    sum(length(d.snapshot)),
                    sum((SELECT coalesce(sum(length(c.data)), 0) FROM chunks c WHERE c.doc = d.id))
             FROM docs d GROUP BY d.kind ORDER BY d.kind",
        )?;
        let by_kind = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let count = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(Stats {
            file_bytes,
            wal_bytes,
            by_kind,
            classes: count("SELECT count(*) FROM p_classes")?,
            students: count("SELECT count(*) FROM p_students")?,
            lessons: count("SELECT count(*) FROM p_lessons")?,
            marks: count("SELECT count(*) FROM p_marks")?,
            absences: count("SELECT count(*) FROM p_attendance")?,
            finals: count("SELECT count(*) FROM p_finals")?,
        })
    }

    /// Bytes on disk of every document of a class (snapshots and chunks).
    pub fn class_bytes(&self, class: zhurnal_domain::ClassId) -> Result<i64> {
        let pattern = format!("%/{class}%");
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(length(snapshot)), 0)
                  + coalesce((SELECT sum(length(data)) FROM chunks WHERE doc LIKE ?1), 0)
             FROM docs WHERE id LIKE ?1",
            [pattern],
            |r| r.get(0),
        )?)
    }

    /// Runs `PRAGMA integrity_check`; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<()> {
        let r: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if r == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt {
                path: self.path.clone(),
                detail: r,
            })
        }
    }
}

fn put_bookmark(
    tx: &rusqlite::Transaction<'_>,
    peer: &str,
    id: DocId,
    heads: &[ChangeHash],
) -> Result<()> {
    let mut sorted = heads.to_vec();
    sorted.sort();
    let bytes: Vec<u8> = sorted.iter().flat_map(|h| h.0).collect();
    tx.prepare_cached(
        "INSERT INTO sync_bookmarks(peer, doc, heads, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(peer, doc) DO UPDATE SET heads = excluded.heads, updated_at = excluded.updated_at",
    )?
    .execute(params![peer, id.to_string(), bytes, chrono::Utc::now().timestamp()])?;
    Ok(())
}

/// Inserts a document the store does not hold yet, with its projection rows.
fn insert_doc(tx: &rusqlite::Transaction<'_>, doc: &Doc) -> Result<()> {
    tx.prepare_cached("INSERT INTO docs(id, kind, snapshot, updated_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![
            doc.id().to_string(),
            doc.id().kind_name(),
            doc.save(),
            chrono::Utc::now().timestamp()
        ])?;
    projection::rebuild_doc(tx, doc)
}

/// A bookmark only ever names changes the store holds; otherwise it is not moved (the next
/// exchange offers the same changes again, which is harmless).
fn held<'a>(
    doc: &Doc,
    bookmark: Option<(&'a str, &'a [ChangeHash])>,
) -> Option<(&'a str, &'a [ChangeHash])> {
    bookmark.filter(|(_, heads)| {
        heads
            .iter()
            .all(|h| doc.automerge().get_change_by_hash(h).is_some())
    })
}

#[cfg(test)]
mod tests;
