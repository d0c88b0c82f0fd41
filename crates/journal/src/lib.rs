//! # The class journal as automerge documents
//!
//! ## The data model
//!
//! A school year is kept in four kinds of document, cut along who may write them:
//!
//! | document | key | written by | read by |
//! |---|---|---|---|
//! | school | `2025/school` | admin | everyone with an account |
//! | roster | `2025/roster/<class>` | class teacher, admin | teachers of the class |
//! | personal data | `2025/personal/<class>` | class teacher, admin | class teacher, admin |
//! | journal | `2025/journal/<class>/<subject>` | the subject's teachers | class teacher, deputy, admin |
//!
//! A journal document is the unit a subject teacher writes and a class teacher only reads: a
//! full year is ~10 KB and loads in a few milliseconds.
//!
//! ## Rules that keep merges honest
//!
//! 1. **No container is ever created twice.** automerge keeps one of two maps created
//!    concurrently under the same key and hides the other with everything in it. So every
//!    document starts with a *deterministic genesis change* (fixed actor, time 0) that creates
//!    its top-level maps: two devices that create the same document independently produce the
//!    byte-identical change, which merges into one. After genesis, the only containers created
//!    are a lesson (a map under a fresh random [`LessonId`] chosen by whoever creates it, with
//!    its `marks` and `att` maps inside) and a student (a map under a fresh [`StudentId`]).
//!    Everything else is a scalar put into an existing map.
//! 2. **A cell is one scalar.** The marks of one student in one lesson are one string in the
//!    stored form of [`Marks`] (`"5 4:кр"`), so two teachers writing the same cell concurrently
//!    produce two values of one key — which automerge keeps both of, and which
//!    [`Conflict`]s expose with who wrote each — rather than a silent interleaving.
//! 3. **One commit per user action** (saving a lesson's marks, one cell from the shell), each
//!    with its time and its author ([`automerge::Author`] = the staff member's id). The actor
//!    is the store's per-user device actor, set by the caller in [`Editor`].
//! 4. **Nothing is deleted that someone else might be writing into.** A lesson is removed by
//!    marking it `deleted`, so a concurrent edit inside it is never hidden.
//!
//! ## The API
//! [`Doc`] wraps an automerge document and knows its [`DocId`]. The modules [`journal`],
//! [`roster`], [`personal`] and [`school`] hold the typed edits and reads of each kind. Every
//! edit records what it [`Touched`], so the store can refresh just those projection rows.

pub mod journal;
pub mod personal;
pub mod roster;
pub mod school;
mod util;

use automerge::{ActorId, Automerge, ChangeHash};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use thiserror::Error;
use zhurnal_domain::{ClassId, EntryError, LessonId, StaffId, StudentId, SubjectId};

pub use automerge;
pub use journal::{CellRef, Conflict, ConflictValue, LessonPatch};

/// Errors of the journal layer. Messages are in Russian: they reach the user.
#[derive(Debug, Error)]
pub enum JournalError {
    #[error("документ {0} повреждён: {1}")]
    Corrupt(String, String),
    #[error("документ {found} не является документом вида «{expected}»")]
    WrongKind {
        expected: &'static str,
        found: String,
    },
    #[error("урок не найден в журнале")]
    NoSuchLesson(LessonId),
    #[error("ученик не найден в списке класса")]
    NoSuchStudent(StudentId),
    #[error(transparent)]
    Entry(#[from] EntryError),
    #[error("неверное значение: {0}")]
    Invalid(String),
    #[error("внутренняя ошибка автомерж: {0}")]
    Automerge(#[from] automerge::AutomergeError),
}

pub type Result<T, E = JournalError> = std::result::Result<T, E>;

/// What a document is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    School,
    Roster(ClassId),
    Personal(ClassId),
    Journal(ClassId, SubjectId),
}

/// A document's identity: school year and kind. Its text form is the storage and wire key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId {
    /// The calendar year the school year starts in.
    pub year: i32,
    pub kind: DocKind,
}

impl DocId {
    pub fn school(year: i32) -> Self {
        Self {
            year,
            kind: DocKind::School,
        }
    }
    pub fn roster(year: i32, class: ClassId) -> Self {
        Self {
            year,
            kind: DocKind::Roster(class),
        }
    }
    pub fn personal(year: i32, class: ClassId) -> Self {
        Self {
            year,
            kind: DocKind::Personal(class),
        }
    }
    pub fn journal(year: i32, class: ClassId, subject: SubjectId) -> Self {
        Self {
            year,
            kind: DocKind::Journal(class, subject),
        }
    }

    /// "school", "roster", "personal" or "journal".
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            DocKind::School => "school",
            DocKind::Roster(_) => "roster",
            DocKind::Personal(_) => "personal",
            DocKind::Journal(..) => "journal",
        }
    }

    pub fn class(&self) -> Option<ClassId> {
        match self.kind {
            DocKind::School => None,
            DocKind::Roster(c) | DocKind::Personal(c) | DocKind::Journal(c, _) => Some(c),
        }
    }

    pub fn subject(&self) -> Option<SubjectId> {
        match self.kind {
            DocKind::Journal(_, s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DocKind::School => write!(f, "{}/school", self.year),
            DocKind::Roster(c) => write!(f, "{}/roster/{c}", self.year),
            DocKind::Personal(c) => write!(f, "{}/personal/{c}", self.year),
            DocKind::Journal(c, s) => write!(f, "{}/journal/{c}/{s}", self.year),
        }
    }
}

impl FromStr for DocId {
    type Err = JournalError;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || JournalError::Invalid(format!("неверный идентификатор документа «{s}»"));
        let parts: Vec<&str> = s.split('/').collect();
        let year: i32 = parts.first().and_then(|y| y.parse().ok()).ok_or_else(bad)?;
        let id = |i: usize| parts.get(i).and_then(|p| p.parse().ok()).ok_or_else(bad);
        let kind = match (parts.get(1).copied(), parts.len()) {
            (Some("school"), 2) => DocKind::School,
            (Some("roster"), 3) => DocKind::Roster(ClassId(id(2)?)),
            (Some("personal"), 3) => DocKind::Personal(ClassId(id(2)?)),
            (Some("journal"), 4) => DocKind::Journal(ClassId(id(2)?), SubjectId(id(3)?)),
            _ => return Err(bad()),
        };
        Ok(Self { year, kind })
    }
}

/// Who makes an edit, as which actor, and when.
#[derive(Clone, Debug)]
pub struct Editor {
    /// The staff member: recorded as the automerge author of the change.
    pub author: StaffId,
    /// The device's actor for this author (the store keeps one per user and device).
    pub actor: ActorId,
    /// Seconds since the Unix epoch, recorded as the change's time.
    pub time: i64,
}

/// What an edit changed, for refreshing projections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Touched {
    /// Everything in the document (a merge, a load).
    All,
    /// One lesson of a journal.
    Lesson(LessonId),
    /// The final marks of a journal.
    Finals,
    /// One student of a roster or personal document.
    Student(StudentId),
}

/// An automerge document with its identity and the list of what edits have touched since the
/// store last took it.
pub struct Doc {
    id: DocId,
    am: Automerge,
    touched: BTreeSet<Touched>,
}

/// The fixed actor of genesis changes: every device produces the same first change.
fn genesis_actor() -> ActorId {
    ActorId::from(b"zhurnal-genesis".as_slice())
}

impl Doc {
    /// A new document: its deterministic genesis change and nothing else.
    pub fn genesis(id: DocId) -> Self {
        let mut am = Automerge::new().with_actor(genesis_actor());
        am.transact_with(
            |_| automerge::transaction::CommitOptions::default().with_time(0),
            |tx| util::genesis(tx, &id),
        )
        .expect("genesis puts into a fresh document");
        Self {
            id,
            am,
            touched: BTreeSet::from([Touched::All]),
        }
    }

    /// A document from stored bytes (a snapshot, optionally followed by incremental chunks).
    pub fn load(id: DocId, chunks: &[&[u8]]) -> Result<Self> {
        let mut am = Automerge::new();
        for c in chunks {
            am.load_incremental(c)
                .map_err(|e| JournalError::Corrupt(id.to_string(), e.to_string()))?;
        }
        if !automerge::ReadDoc::get_missing_deps(&am, &[]).is_empty() {
            return Err(JournalError::Corrupt(
                id.to_string(),
                "не хватает изменений".into(),
            ));
        }
        let doc = Self {
            id,
            am,
            touched: BTreeSet::from([Touched::All]),
        };
        util::check_kind(&doc)?;
        Ok(doc)
    }

    pub fn id(&self) -> DocId {
        self.id
    }

    pub fn automerge(&self) -> &Automerge {
        &self.am
    }

    pub fn heads(&self) -> Vec<ChangeHash> {
        self.am.get_heads()
    }

    /// The whole document, compacted.
    pub fn save(&self) -> Vec<u8> {
        self.am.save()
    }

    /// The changes made since `heads`, as one chunk for [`Doc::load`].
    pub fn save_after(&self, heads: &[ChangeHash]) -> Vec<u8> {
        self.am.save_after(heads)
    }

    /// Applies changes from another copy of the same document.
    pub fn merge(&mut self, other: &mut Doc) -> Result<()> {
        if other.id != self.id {
            return Err(JournalError::Invalid(format!(
                "нельзя слить документы {} и {}",
                self.id, other.id
            )));
        }
        let added = self.am.merge(&mut other.am)?;
        if !added.is_empty() {
            self.touched.insert(Touched::All);
        }
        Ok(())
    }

    /// Applies a chunk of changes (as made by [`Doc::save_after`], or one change's bytes) and
    /// returns how many changes were new. (automerge's `load_incremental` counts ops, and
    /// accepts bytes that hold no change without an error.)
    pub fn apply_chunk(&mut self, chunk: &[u8]) -> Result<usize> {
        let before = self.am.get_heads();
        self.am.load_incremental(chunk)?;
        let n = self.am.get_changes(&before).len();
        if n > 0 {
            self.touched.insert(Touched::All);
        }
        Ok(n)
    }

    /// What edits have touched since the last call.
    pub fn take_touched(&mut self) -> BTreeSet<Touched> {
        std::mem::take(&mut self.touched)
    }

    /// Runs `f` as one transaction committed as one change by `editor`. Nothing is committed
    /// if `f` fails.
    pub(crate) fn edit<T>(
        &mut self,
        editor: &Editor,
        message: &str,
        f: impl FnOnce(&mut automerge::transaction::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let author = automerge::Author::from(editor.author.as_bytes().to_vec());
        self.am.set_author(Some(author));
        self.am.set_actor(editor.actor.clone());
        let time = editor.time;
        let message = message.to_string();
        self.am
            .transact_with(
                |_| {
                    automerge::transaction::CommitOptions::default()
                        .with_time(time)
                        .with_message(message)
                },
                f,
            )
            .map(|ok| ok.result)
            .map_err(|failure| failure.error)
    }

    pub(crate) fn touch(&mut self, t: Touched) {
        self.touched.insert(t);
    }

    /// The author (staff member) of the change that made the op with this id.
    pub fn author_of(&self, exid: &automerge::ObjId) -> Option<StaffId> {
        match exid {
            automerge::ObjId::Id(_, actor, _) => {
                let author = self.am.get_author_for_actor(actor)?;
                let bytes: [u8; 16] = author.as_bytes().try_into().ok()?;
                Some(StaffId::from_raw(bytes))
            }
            automerge::ObjId::Root => None,
        }
    }
}

#[cfg(test)]
mod tests;
