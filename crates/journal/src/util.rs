//! Small helpers over automerge's read and write traits, and the genesis of each kind.

use crate::{Doc, DocId, DocKind, JournalError, Result};
use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};

/// Top-level maps of each kind of document, created once by the genesis change.
pub(crate) fn top_maps(kind: &DocKind) -> &'static [&'static str] {
    match kind {
        DocKind::School => &["info", "staff", "subjects", "classes"],
        DocKind::Roster(_) => &["students", "movements", "subgroups"],
        DocKind::Personal(_) => &["data"],
        DocKind::Journal(..) => &["lessons", "finals"],
    }
}

pub(crate) fn genesis(tx: &mut Transaction<'_>, id: &DocId) -> Result<()> {
    tx.put(ROOT, "kind", id.kind_name())?;
    tx.put(ROOT, "year", id.year as i64)?;
    if let Some(c) = id.class() {
        tx.put(ROOT, "class", c.to_string())?;
    }
    if let Some(s) = id.subject() {
        tx.put(ROOT, "subject", s.to_string())?;
    }
    for name in top_maps(&id.kind) {
        tx.put_object(ROOT, *name, ObjType::Map)?;
    }
    Ok(())
}

/// Checks that a loaded document is what its id says.
pub(crate) fn check_kind(doc: &Doc) -> Result<()> {
    let am = doc.automerge();
    let kind = get_str(am, &ROOT, "kind");
    let year = get_int(am, &ROOT, "year");
    let ok = kind.as_deref() == Some(doc.id().kind_name())
        && year == Some(doc.id().year as i64)
        && get_str(am, &ROOT, "class") == doc.id().class().map(|c| c.to_string())
        && get_str(am, &ROOT, "subject") == doc.id().subject().map(|s| s.to_string());
    if !ok {
        return Err(JournalError::WrongKind {
            expected: doc.id().kind_name(),
            found: format!("{} ({})", doc.id(), kind.unwrap_or_default()),
        });
    }
    Ok(())
}

/// The map stored under `key` in `obj`.
pub(crate) fn get_map<R: ReadDoc>(r: &R, obj: &ObjId, key: &str) -> Option<ObjId> {
    match r.get(obj, key).ok().flatten() {
        Some((Value::Object(ObjType::Map), id)) => Some(id),
        _ => None,
    }
}

/// A top-level map that genesis created; its absence means the document is damaged.
pub(crate) fn top<R: ReadDoc>(r: &R, key: &'static str) -> Result<ObjId> {
    get_map(r, &ROOT, key)
        .ok_or_else(|| JournalError::Corrupt("?".into(), format!("нет раздела «{key}»")))
}

pub(crate) fn scalar_str(v: &Value<'_>) -> Option<String> {
    match v {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn get_str<R: ReadDoc>(r: &R, obj: &ObjId, key: &str) -> Option<String> {
    r.get(obj, key)
        .ok()
        .flatten()
        .and_then(|(v, _)| scalar_str(&v))
}

pub(crate) fn get_int<R: ReadDoc>(r: &R, obj: &ObjId, key: &str) -> Option<i64> {
    match r.get(obj, key).ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Int(i) => Some(*i),
            ScalarValue::Uint(u) => Some(*u as i64),
            _ => None,
        },
        _ => None,
    }
}

/// Every concurrent string value of one key, with the id of the op that wrote it.
pub(crate) fn get_all_str<R: ReadDoc>(r: &R, obj: &ObjId, key: &str) -> Vec<(String, ObjId)> {
    r.get_all(obj, key)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, id)| scalar_str(&v).map(|s| (s, id)))
        .collect()
}

/// Puts a string, or deletes the key for `None` / empty.
pub(crate) fn put_opt_str(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    v: Option<&str>,
) -> Result<()> {
    match v {
        Some(s) if !s.is_empty() => tx.put(obj, key, s)?,
        _ => {
            if tx.get(obj, key)?.is_some() {
                tx.delete(obj, key)?;
            }
        }
    }
    Ok(())
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain values serialize")
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| JournalError::Corrupt(what.into(), e.to_string()))
}

/// The string of a scalar seen through `map_range`.
pub(crate) fn ref_str<'a>(v: &'a automerge::ValueRef<'_>) -> Option<&'a str> {
    match v {
        automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) => Some(s.as_ref()),
        _ => None,
    }
}

pub(crate) fn ref_int(v: &automerge::ValueRef<'_>) -> Option<i64> {
    match v {
        automerge::ValueRef::Scalar(automerge::ScalarValueRef::Int(i)) => Some(*i),
        automerge::ValueRef::Scalar(automerge::ScalarValueRef::Uint(u)) => Some(*u as i64),
        _ => None,
    }
}

pub(crate) fn ref_bool(v: &automerge::ValueRef<'_>) -> Option<bool> {
    match v {
        automerge::ValueRef::Scalar(automerge::ScalarValueRef::Boolean(b)) => Some(*b),
        _ => None,
    }
}

pub(crate) fn ref_is_map(v: &automerge::ValueRef<'_>) -> bool {
    matches!(v, automerge::ValueRef::Object(ObjType::Map))
}
