//! The server's side of a round trip, in two steps around the caller's I/O:
//!
//! 1. [`check`] verifies a request against the school's access rules and the actor book and
//!    returns a [`Plan`] — or a [`Rejection`] that changes nothing. Every change is decoded and
//!    checked: the user may write the document, the change's author is the user, its actor is
//!    bound to this user and device (or is new and will be bound), and, applied to a copy of the
//!    server's document, it leaves no missing dependency.
//! 2. The caller applies the plan durably (documents and bindings in one transaction), then
//!    [`respond`] answers with every readable document the client lacks something of.

use crate::access::{access, Access};
pub use crate::docs::{DocSource, LEDGER_WALK};
use crate::protocol::{
    DocUpdate, ErrorCode, Hash, Rejection, SyncRequest, SyncResponse, PROTOCOL_VERSION,
};
use std::collections::{BTreeMap, BTreeSet};
use zhurnal_domain::StaffId;
use zhurnal_journal::automerge::{
    ActorId, Automerge, Change, ChangeHash, PatchAction, Prop, ReadDoc, ScalarValue, Value, ROOT,
};
use zhurnal_journal::school::School;
use zhurnal_journal::{Doc, DocId, DocKind};

/// A device enrolled with the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceId(pub uuid::Uuid);

/// Who sends a request (established by the transport's authentication).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user: StaffId,
    pub device: DeviceId,
}

/// Which user and device each automerge actor belongs to, and which devices are revoked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActorBook {
    bindings: BTreeMap<Vec<u8>, (StaffId, DeviceId)>,
    revoked: BTreeSet<DeviceId>,
}

impl ActorBook {
    pub fn binding(&self, actor: &ActorId) -> Option<(StaffId, DeviceId)> {
        self.bindings.get(actor.to_bytes()).copied()
    }
    pub fn bind(&mut self, actor: &ActorId, user: StaffId, device: DeviceId) {
        self.bindings
            .entry(actor.to_bytes().to_vec())
            .or_insert((user, device));
    }
    pub fn revoke(&mut self, device: DeviceId) {
        self.revoked.insert(device);
    }
    pub fn is_revoked(&self, device: DeviceId) -> bool {
        self.revoked.contains(&device)
    }
}

/// How many changes [`DocLookup`] walks back from a document's heads before it gives up (the
/// client then sends its request again, in the end in full).
pub const LOOKUP_WALK: usize = 4096;

/// The server's documents as a request in short refers to them: only the documents `user`
/// may read, with their heads (for folded documents); a short hash is looked up in a
/// document's heads first (a device's bookmark is the heads the server answered its last sync
/// with, so usually they still are), then back through the dependencies, nearest first, at
/// most [`LOOKUP_WALK`] changes.
pub struct DocLookup<'a> {
    school: &'a School,
    user: StaffId,
    docs: &'a mut dyn DocSource,
}

impl<'a> DocLookup<'a> {
    pub fn new(school: &'a School, user: StaffId, docs: &'a mut dyn DocSource) -> Self {
        DocLookup { school, user, docs }
    }
}

impl crate::wire::Holdings for DocLookup<'_> {
    fn lookup(&mut self, doc: &str, prefix: &[u8]) -> Option<Hash> {
        let id: DocId = doc.parse().ok()?;
        if access(self.school, self.user, id) == Access::None {
            return None;
        }
        let am = self.docs.doc(id)?.automerge();
        let mut queue: std::collections::VecDeque<ChangeHash> = am.get_heads().into();
        let mut seen = std::collections::HashSet::new();
        while let Some(h) = queue.pop_front() {
            if !seen.insert(h) {
                continue;
            }
            if h.0.starts_with(prefix) {
                return Some(h.into());
            }
            if seen.len() >= LOOKUP_WALK {
                break;
            }
            if let Some(meta) = am.get_change_meta_by_hash(&h) {
                queue.extend(meta.deps);
            }
        }
        None
    }

    fn heads(&mut self) -> Vec<(String, Vec<Hash>)> {
        let mut out = Vec::new();
        for id in self.docs.ids() {
            if access(self.school, self.user, id) == Access::None {
                continue;
            }
            if let Some(d) = self.docs.doc(id) {
                out.push((
                    id.to_string(),
                    d.heads().into_iter().map(Hash::from).collect(),
                ));
            }
        }
        out
    }

    /// A document nobody wrote since the mark has its heads; one written since, the changes
    /// reached walking back from its heads past those accepted after the mark (where two
    /// writers worked concurrently one of them may be an ancestor of another, and the
    /// digest, not matching, refuses the fold); one with nothing older than the mark but its
    /// genesis was not held then and is left out.
    fn heads_at(&mut self, mark: u64) -> Option<Vec<(String, Vec<Hash>)>> {
        let newer = self.docs.accepted_since(mark)?;
        let mut out = Vec::new();
        for id in self.docs.ids() {
            if access(self.school, self.user, id) == Access::None {
                continue;
            }
            let Some(d) = self.docs.doc(id) else {
                continue;
            };
            let Some(new) = newer.get(&id) else {
                out.push((
                    id.to_string(),
                    d.heads().into_iter().map(Hash::from).collect(),
                ));
                continue;
            };
            let am = d.automerge();
            let mut stack = am.get_heads();
            let mut seen = std::collections::HashSet::new();
            let mut then = BTreeSet::new();
            while let Some(h) = stack.pop() {
                if !seen.insert(h) {
                    continue;
                }
                if new.contains(&h) {
                    stack.extend(am.get_change_meta_by_hash(&h)?.deps);
                } else {
                    then.insert(h);
                }
            }
            let genesis: BTreeSet<ChangeHash> = Doc::genesis(id).heads().into_iter().collect();
            if then.is_empty() || then == genesis {
                continue;
            }
            out.push((id.to_string(), then.into_iter().map(Hash::from).collect()));
        }
        Some(out)
    }
}

/// What an accepted request changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Changes to apply, per document (a document the server lacks is created by its genesis).
    pub apply: Vec<(DocId, Vec<Vec<u8>>)>,
    /// Actors seen for the first time, to bind to this user and device.
    pub bind: Vec<(ActorId, StaffId, DeviceId)>,
}

fn reject(code: ErrorCode, doc: Option<&str>, message: impl Into<String>) -> Rejection {
    Rejection {
        code,
        doc: doc.map(str::to_string),
        message: message.into(),
    }
}

/// A change whose earlier changes are nowhere: the device sends the document in full next time.
fn missing_deps(doc: &str) -> Rejection {
    reject(
        ErrorCode::MissingDeps,
        Some(doc),
        "не хватает более ранних изменений: отправьте журнал целиком (синхронизируйте ещё раз)",
    )
}

/// Checks a request; on success, what to apply. On failure nothing may be applied.
///
/// Every caller gets the same guards — the server's gate, a device importing a USB bundle, the
/// tests' servers: a change whose dependencies are nowhere is refused before automerge sees it,
/// and a change that still makes automerge panic is refused as damaged, the caller going on
/// (the check only reads `docs`, so nothing is half-done).
pub fn check(
    req: &SyncRequest,
    who: &Principal,
    school: &School,
    book: &ActorBook,
    docs: &mut dyn DocSource,
) -> Result<Plan, Rejection> {
    if req.version != PROTOCOL_VERSION {
        return Err(reject(
            ErrorCode::UnsupportedVersion,
            None,
            format!("версия протокола {} не поддерживается (сервер: {PROTOCOL_VERSION}); обновите программу", req.version),
        ));
    }
    if book.is_revoked(who.device) {
        return Err(reject(
            ErrorCode::RevokedDevice,
            None,
            "это устройство отключено администратором школы",
        ));
    }
    known_deps(req, docs)?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_offers(req, who, school, book, docs)
    }))
    .unwrap_or_else(|_| {
        Err(reject(
            ErrorCode::BadChange,
            None,
            "изменение повреждено и не применяется; ничего не изменено",
        ))
    })
}

/// Refuses, before automerge sees them, changes whose dependencies are neither in `docs` nor
/// in the request (`missing_deps`): automerge 0.12 panics applying a change of an actor whose
/// earlier changes it has never seen (found by `fuzz/sync_handler`). Changes that do not parse
/// and unknown documents are left to [`check_offers`], which refuses them with their own codes.
///
/// A document offered twice in one request is refused here too (`bad_request`): a store would
/// fail on it (also found by the fuzzer).
fn known_deps(req: &SyncRequest, docs: &mut dyn DocSource) -> Result<(), Rejection> {
    let mut seen = BTreeSet::new();
    for offer in &req.docs {
        if !seen.insert(offer.doc.as_str()) {
            return Err(reject(
                ErrorCode::BadRequest,
                Some(&offer.doc),
                format!("документ «{}» назван в запросе дважды", offer.doc),
            ));
        }
    }
    for offer in req.docs.iter().filter(|o| !o.changes.is_empty()) {
        let Ok(id) = offer.doc.parse::<DocId>() else {
            continue;
        };
        let mut changes = Vec::with_capacity(offer.changes.len());
        for bytes in &offer.changes {
            match Change::try_from(bytes.as_slice()) {
                Ok(c) => changes.push(c),
                Err(_) => return Ok(()),
            }
        }
        let here: BTreeSet<ChangeHash> = changes.iter().map(|c| c.hash()).collect();
        let doc = docs.doc(id);
        let missing = changes.iter().flat_map(|c| c.deps()).any(|d| {
            !here.contains(d)
                && doc.is_none_or(|doc| doc.automerge().get_change_by_hash(d).is_none())
        });
        if missing {
            return Err(missing_deps(&offer.doc));
        }
    }
    Ok(())
}

/// [`check`] of each offered document, unguarded.
fn check_offers(
    req: &SyncRequest,
    who: &Principal,
    school: &School,
    book: &ActorBook,
    docs: &mut dyn DocSource,
) -> Result<Plan, Rejection> {
    let mut plan = Plan::default();
    let mut new_actors: BTreeMap<Vec<u8>, ()> = BTreeMap::new();
    for offer in &req.docs {
        let name = offer.doc.as_str();
        let id: DocId = name.parse().map_err(|_| {
            reject(
                ErrorCode::BadRequest,
                Some(name),
                format!("неизвестный документ «{name}»"),
            )
        })?;
        if offer.changes.is_empty() {
            // Only heads: nothing to check. A document the user may no longer read (a teacher
            // replaced mid-year) is simply left out of the answer, not an error.
            continue;
        }
        let genesis: BTreeSet<ChangeHash> = Doc::genesis(id).heads().into_iter().collect();
        let mut changes = Vec::with_capacity(offer.changes.len());
        for bytes in &offer.changes {
            changes.push(Change::try_from(bytes.as_slice()).map_err(|e| {
                reject(
                    ErrorCode::BadChange,
                    Some(name),
                    format!("повреждённое изменение: {e}"),
                )
            })?);
        }
        // Changes the server already holds were checked when they first came (a device relays
        // another's changes after importing his USB bundle, or offers again what a lost answer
        // would have acknowledged): they are neither checked again nor refused.
        let held: BTreeSet<ChangeHash> = match docs.doc(id) {
            Some(d) => changes
                .iter()
                .map(Change::hash)
                .filter(|h| d.automerge().get_change_by_hash(h).is_some())
                .collect(),
            None => BTreeSet::new(),
        };
        let known = |c: &Change| genesis.contains(&c.hash()) || held.contains(&c.hash());
        if changes.iter().all(known) {
            continue;
        }
        match access(school, who.user, id) {
            Access::None => {
                return Err(reject(
                    ErrorCode::NoAccess,
                    Some(name),
                    "у вас нет доступа к этому документу",
                ))
            }
            Access::Read => {
                return Err(reject(
                    ErrorCode::ReadOnly,
                    Some(name),
                    "этот журнал доступен вам только для просмотра",
                ))
            }
            Access::Write => {}
        }
        // Apply to a copy: the request must leave no dependency missing, and the copy knows
        // every actor's author (automerge writes it into an actor's first change only).
        let mut copy = match docs.doc(id) {
            Some(d) => d.automerge().clone(),
            None => zhurnal_journal::automerge::Automerge::new(),
        };
        copy.apply_changes(changes.iter().cloned()).map_err(|e| {
            reject(
                ErrorCode::BadChange,
                Some(name),
                format!("изменение не применяется: {e}"),
            )
        })?;
        if !copy.get_missing_deps(&[]).is_empty() {
            return Err(missing_deps(name));
        }
        if let Some(groups) = subgroup_only(school, who.user, id) {
            let roster = docs.doc(DocId::roster(id.year, groups.class)).map(|d| {
                zhurnal_journal::roster::students(d)
                    .map(|list| {
                        list.into_iter()
                            .filter_map(|s| s.subgroups.get(&groups.subject).map(|&g| (s.id, g)))
                            .collect()
                    })
                    .unwrap_or_default()
            });
            let roster = roster.unwrap_or_default();
            for change in changes.iter().filter(|c| !known(c)) {
                check_subgroups(&copy, change, &groups, &roster, name)?;
            }
        }
        for change in &changes {
            if known(change) {
                continue;
            }
            let actor = change.actor_id();
            let author_ok = copy
                .get_author_for_actor(actor)
                .is_some_and(|a| a.as_bytes() == who.user.as_bytes());
            if !author_ok {
                return Err(reject(
                    ErrorCode::AuthorMismatch,
                    Some(name),
                    "изменение подписано другим пользователем",
                ));
            }
            match book.binding(actor) {
                Some((u, d)) if u == who.user && d == who.device => {}
                Some(_) => {
                    return Err(reject(
                        ErrorCode::ForeignActor,
                        Some(name),
                        "изменение пришло с чужого устройства",
                    ))
                }
                None => {
                    if new_actors.insert(actor.to_bytes().to_vec(), ()).is_none() {
                        plan.bind.push((actor.clone(), who.user, who.device));
                    }
                }
            }
        }
        plan.apply.push((id, offer.changes.clone()));
    }
    Ok(plan)
}

/// The subgroups a teacher may write in a split subject's journal, when that is all he may
/// write there: he teaches one subgroup (or some), so he writes only their lessons (and, if he
/// is also the subject's teacher, the lessons of the whole class).
struct Subgroups {
    class: zhurnal_domain::ClassId,
    subject: zhurnal_domain::SubjectId,
    mine: BTreeSet<u8>,
    whole_class: bool,
}

fn subgroup_only(school: &School, user: StaffId, doc: DocId) -> Option<Subgroups> {
    let staff = school.staff_member(user)?;
    if staff.roles.contains(&zhurnal_domain::Role::Admin) {
        return None;
    }
    let DocKind::Journal(class, subject) = doc.kind else {
        return None;
    };
    let cs = school.class(class)?.teaches(subject)?;
    let mine: BTreeSet<u8> = cs
        .subgroup_teachers
        .iter()
        .enumerate()
        .filter(|(_, t)| **t == user)
        .map(|(i, _)| i as u8 + 1)
        .collect();
    if mine.is_empty() {
        return None;
    }
    Some(Subgroups {
        class,
        subject,
        mine,
        whole_class: cs.teacher == user,
    })
}

/// Refuses a change that touches a lesson of another subgroup (before or after the change),
/// or a period mark of a student of another subgroup. What a change touches is read from the
/// patches between its dependencies and itself.
fn check_subgroups(
    doc: &Automerge,
    change: &Change,
    groups: &Subgroups,
    roster: &BTreeMap<zhurnal_domain::StudentId, u8>,
    name: &str,
) -> Result<(), Rejection> {
    let before: Vec<ChangeHash> = change.deps().to_vec();
    let after = [change.hash()];
    let mine = |g: Option<u8>| match g {
        Some(g) => groups.mine.contains(&g),
        None => groups.whole_class,
    };
    let list = groups
        .mine
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let refuse = || {
        reject(
            ErrorCode::ReadOnly,
            Some(name),
            format!(
                "вы ведёте в этом классе подгруппу {list}: уроки и отметки другой подгруппы менять нельзя"
            ),
        )
    };
    let lessons = match doc.get(ROOT, "lessons") {
        Ok(Some((Value::Object(_), o))) => Some(o),
        _ => None,
    };
    let subgroup_at = |lesson: &str, heads: &[ChangeHash]| -> Option<Option<u8>> {
        let lessons = lessons.as_ref()?;
        let (_, obj) = doc.get_at(lessons, lesson, heads).ok()??;
        Some(match doc.get_at(&obj, "subgroup", heads) {
            Ok(Some((Value::Scalar(v), _))) => match v.as_ref() {
                ScalarValue::Int(g) => u8::try_from(*g).ok(),
                ScalarValue::Uint(g) => u8::try_from(*g).ok(),
                _ => None,
            },
            _ => None,
        })
    };
    let mut seen = BTreeSet::new();
    for patch in doc.diff(&before, &after) {
        let key = |p: &Prop| match p {
            Prop::Map(k) => Some(k.clone()),
            Prop::Seq(_) => None,
        };
        let top = patch.path.first().and_then(|(_, p)| key(p));
        let direct = match &patch.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key.clone()),
            _ => None,
        };
        match (top.as_deref(), patch.path.len()) {
            // Inside a lesson, or the lessons map itself (a lesson added).
            (Some("lessons"), n) => {
                let lesson = if n >= 2 {
                    key(&patch.path[1].1)
                } else {
                    direct
                };
                let Some(lesson) = lesson else {
                    return Err(refuse());
                };
                if !seen.insert(lesson.clone()) {
                    continue;
                }
                let was = subgroup_at(&lesson, &before);
                let is = subgroup_at(&lesson, &after);
                if was.is_some_and(|g| !mine(g)) || !is.is_some_and(mine) {
                    return Err(refuse());
                }
            }
            // Period and year marks: "<period>/<student id>".
            (Some("finals"), 1) => {
                let student = direct
                    .as_deref()
                    .and_then(|k| k.rsplit('/').next())
                    .and_then(|s| s.parse::<zhurnal_domain::StudentId>().ok());
                let ok = student.is_some_and(|s| mine(roster.get(&s).copied()));
                if !ok {
                    return Err(refuse());
                }
            }
            _ => return Err(refuse()),
        }
    }
    Ok(())
}

/// The answer to an applied request: for every document the user may read, the server's heads
/// and the changes the client lacks, up to about `budget` bytes of changes (then `more`).
pub fn respond(
    req: &SyncRequest,
    who: &Principal,
    school: &School,
    docs: &mut dyn DocSource,
    budget: usize,
) -> SyncResponse {
    let offered: BTreeMap<&str, &[Hash]> = req
        .docs
        .iter()
        .map(|o| (o.doc.as_str(), o.heads.as_slice()))
        .collect();
    // Documents the client sent changes of: their bookmark moves even when nothing comes back.
    let pushed: BTreeSet<&str> = req
        .docs
        .iter()
        .filter(|o| !o.changes.is_empty())
        .map(|o| o.doc.as_str())
        .collect();
    let mut out = SyncResponse {
        docs: Vec::new(),
        more: false,
        remaining: 0,
        mark: None,
    };
    let mut spent = 0usize;
    for id in docs.ids() {
        if access(school, who.user, id) == Access::None {
            continue;
        }
        let name = id.to_string();
        let Some(doc) = docs.doc(id) else { continue };
        let heads: Vec<Hash> = doc.heads().into_iter().map(Hash::from).collect();
        let client: Vec<ChangeHash> = offered
            .get(name.as_str())
            .map(|h| h.iter().map(|&x| x.into()).collect())
            .unwrap_or_default();
        let mut sorted_client: Vec<Hash> = client.iter().map(|&h| h.into()).collect();
        sorted_client.sort();
        let mut sorted_server = heads.clone();
        sorted_server.sort();
        if sorted_client == sorted_server {
            // A client that offered no changes holds exactly its bookmark; when that equals
            // the server's heads there is nothing to say (this keeps a day's answer small).
            if pushed.contains(name.as_str()) {
                out.docs.push(DocUpdate {
                    doc: name,
                    heads,
                    changes: Vec::new(),
                });
            }
            continue;
        }
        if spent >= budget {
            out.more = true;
            out.remaining += 1;
            continue;
        }
        // Only hashes the server knows can bound the changes; the client pushed everything it
        // had, so normally all of them are known.
        let known: Vec<ChangeHash> = client
            .into_iter()
            .filter(|h| doc.automerge().get_change_by_hash(h).is_some())
            .collect();
        let changes: Vec<Vec<u8>> = doc
            .automerge()
            .get_changes(&known)
            .into_iter()
            .map(|c| c.raw_bytes().to_vec())
            .collect();
        spent += changes.iter().map(Vec::len).sum::<usize>();
        out.docs.push(DocUpdate {
            doc: name,
            heads,
            changes,
        });
    }
    if req.mark.is_some() && !out.more {
        out.mark = docs.mark();
    }
    out
}
