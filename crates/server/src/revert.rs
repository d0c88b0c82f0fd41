//! The compensating change of a revert (seed 004 §11: every operation made with a compromised
//! login after the report is invalid).
//!
//! Given a document and the set of *bad* changes (the user's, after the moment), it finds the
//! cells those changes wrote — by diffing each bad change against its dependencies — and, for
//! every such cell whose current value still comes from a bad change, writes back the value
//! the cell had in the document *without* the bad changes: the document at the heads of every
//! change that neither is bad nor depends on one (`get_at` those heads). A cell somebody else
//! rewrote afterwards keeps that newer value; nothing is deleted from history, the revert is
//! one ordinary change by the admin on top of it.
//!
//! Containers are never replaced (rule 1 of the journal): a lesson the bad user created is
//! marked `deleted` (rule 4), which hides what he wrote inside it.

use std::collections::{BTreeMap, BTreeSet};
use zhurnal_journal::automerge::transaction::{CommitOptions, Transactable};
use zhurnal_journal::automerge::{
    self, ActorId, Automerge, ChangeHash, ObjId, PatchAction, ReadDoc, ScalarValue, Value,
};
use zhurnal_journal::Doc;

/// A cell: a key of a map object.
type Cell = (ObjId, String);

/// The compensating change of one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compensation {
    /// The change, in automerge's format.
    pub change: Vec<u8>,
    /// How many cells it puts back.
    pub cells: usize,
}

/// Which change holds the op with this id.
fn change_of_op(am: &Automerge, id: &ObjId) -> Option<ChangeHash> {
    let ObjId::Id(counter, actor, _) = id else {
        return None;
    };
    am.get_changes(&[])
        .into_iter()
        .filter(|c| c.actor_id() == actor)
        .find(|c| {
            let start = c.start_op().get();
            (start..start + c.len() as u64).contains(counter)
        })
        .map(|c| c.hash())
}

/// The cells one change put or deleted.
fn cells_of(am: &Automerge, change: &automerge::Change) -> Vec<Cell> {
    am.diff(change.deps(), &[change.hash()])
        .into_iter()
        .filter_map(|p| match p.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some((p.obj, key)),
            _ => None,
        })
        .collect()
}

/// The compensating change for `bad` in `doc`, made by `actor` as `author` at `time`; `None`
/// if nothing is left to put back.
pub fn compensate(
    doc: &Doc,
    bad: &BTreeSet<ChangeHash>,
    author: &[u8],
    actor: ActorId,
    time: i64,
    message: &str,
) -> Result<Option<Compensation>, automerge::AutomergeError> {
    let am = doc.automerge();
    let all = am.get_changes(&[]);
    let mut tainted: BTreeSet<ChangeHash> = BTreeSet::new();
    for c in &all {
        if bad.contains(&c.hash()) || c.deps().iter().any(|d| tainted.contains(d)) {
            tainted.insert(c.hash());
        }
    }
    if !all.iter().any(|c| bad.contains(&c.hash())) {
        return Ok(None);
    }
    // The heads of the document without the bad changes and what depends on them.
    let mut covered: BTreeSet<ChangeHash> = BTreeSet::new();
    for c in all.iter().filter(|c| !tainted.contains(&c.hash())) {
        covered.extend(c.deps().iter().copied());
    }
    let base: Vec<ChangeHash> = all
        .iter()
        .map(|c| c.hash())
        .filter(|h| !tainted.contains(h) && !covered.contains(h))
        .collect();

    let mut by_bad: BTreeMap<Cell, ()> = BTreeMap::new();
    let mut by_others: BTreeSet<Cell> = BTreeSet::new();
    for c in all.iter().filter(|c| tainted.contains(&c.hash())) {
        for cell in cells_of(am, c) {
            if bad.contains(&c.hash()) {
                by_bad.insert(cell, ());
            } else {
                by_others.insert(cell);
            }
        }
    }

    enum Fix {
        Put(ObjId, String, ScalarValue),
        Delete(ObjId, String),
        DeleteLesson(ObjId),
    }
    let lessons = am
        .get(automerge::ROOT, "lessons")?
        .and_then(|(v, id)| v.is_object().then_some(id));
    let mut fixes = Vec::new();
    for ((obj, key), ()) in by_bad {
        let current = am.get(&obj, key.as_str())?;
        let from_bad = match &current {
            Some((_, id)) => change_of_op(am, id).is_some_and(|h| bad.contains(&h)),
            // Deleted by the bad user, unless somebody else touched it after him.
            None => !by_others.contains(&(obj.clone(), key.clone())),
        };
        if !from_bad {
            continue;
        }
        // An object the bad user created does not exist at the base heads.
        let before = am.get_at(&obj, key.as_str(), &base).unwrap_or(None);
        match (before, current) {
            (Some((Value::Scalar(old), _)), Some((Value::Scalar(now), _))) if old == now => {}
            (Some((Value::Scalar(old), _)), _) => {
                fixes.push(Fix::Put(obj, key, old.into_owned()));
            }
            (Some((Value::Object(_), _)), _) => {}
            (None, Some((Value::Scalar(_), _))) => {
                let obj_is_old = obj == automerge::ROOT
                    || change_of_op(am, &obj).is_some_and(|h| !tainted.contains(&h));
                if obj_is_old {
                    fixes.push(Fix::Delete(obj, key));
                }
            }
            (None, Some((Value::Object(_), id))) => {
                if lessons.as_ref() == Some(&obj) {
                    fixes.push(Fix::DeleteLesson(id));
                }
            }
            (None, None) => {}
        }
    }
    if fixes.is_empty() {
        return Ok(None);
    }
    let cells = fixes.len();
    let mut copy = am.clone();
    copy.set_actor(actor);
    copy.set_author(Some(automerge::Author::from(author.to_vec())));
    let message = message.to_string();
    copy.transact_with(
        |_| {
            CommitOptions::default()
                .with_time(time)
                .with_message(message)
        },
        |tx| {
            for fix in fixes {
                match fix {
                    Fix::Put(obj, key, v) => tx.put(&obj, key, v)?,
                    Fix::Delete(obj, key) => tx.delete(&obj, key)?,
                    Fix::DeleteLesson(lesson) => tx.put(&lesson, "deleted", true)?,
                }
            }
            Ok::<(), automerge::AutomergeError>(())
        },
    )
    .map_err(|f| f.error)?;
    Ok(Some(Compensation {
        change: copy.save_after(&am.get_heads()),
        cells,
    }))
}
