//! Personal data of a class (152-ФЗ): a document of its own, so that it is only ever sent to
//! the class teacher and the admin.
//!
//! ```text
//! ROOT { kind: "personal", year, class,
//!        data: { "<student id>/address": "…", "<student id>/phone": "…",
//!                "<student id>/parents": "[json]", "<student id>/consent": "да" | "нет" } }
//! ```

use crate::util::{from_json, get_str, json, put_opt_str, top};
use crate::{Doc, DocKind, Editor, JournalError, Result, Touched};
use automerge::ReadDoc;
use std::collections::BTreeMap;
use zhurnal_domain::{PersonalData, StudentId};

fn check(doc: &Doc) -> Result<()> {
    match doc.id().kind {
        DocKind::Personal(_) => Ok(()),
        _ => Err(JournalError::WrongKind {
            expected: "personal",
            found: doc.id().to_string(),
        }),
    }
}

fn fields(p: &PersonalData) -> [(&'static str, Option<String>); 4] {
    [
        ("address", Some(p.address.clone())),
        ("phone", Some(p.phone.clone())),
        ("parents", (!p.parents.is_empty()).then(|| json(&p.parents))),
        (
            "consent",
            p.consent.map(|c| if c { "да" } else { "нет" }.to_string()),
        ),
    ]
}

/// Writes the personal file of students in one change; only fields that differ are written,
/// so saving an unchanged form never creates a conflict.
pub fn set_personal(
    doc: &mut Doc,
    editor: &Editor,
    entries: &[(StudentId, PersonalData)],
) -> Result<()> {
    check(doc)?;
    doc.edit(editor, "личные данные", |tx| {
        let root = top(tx, "data")?;
        for (s, p) in entries {
            for (field, value) in fields(p) {
                let key = format!("{s}/{field}");
                let value = value.filter(|v| !v.is_empty());
                if get_str(tx, &root, &key) != value {
                    put_opt_str(tx, &root, &key, value.as_deref())?;
                }
            }
        }
        Ok(())
    })?;
    for (s, _) in entries {
        doc.touch(Touched::Student(*s));
    }
    Ok(())
}

/// Everyone's personal file.
pub fn personal(doc: &Doc) -> Result<BTreeMap<StudentId, PersonalData>> {
    check(doc)?;
    let am = doc.automerge();
    let root = top(am, "data")?;
    let mut out: BTreeMap<StudentId, PersonalData> = BTreeMap::new();
    for key in am.keys(&root) {
        let Some((s, field)) = key.split_once('/') else {
            continue;
        };
        let (Ok(s), Some(v)) = (s.parse::<StudentId>(), get_str(am, &root, &key)) else {
            continue;
        };
        let p = out.entry(s).or_default();
        match field {
            "address" => p.address = v,
            "phone" => p.phone = v,
            "parents" => p.parents = from_json(&v, "личные данные")?,
            "consent" => p.consent = Some(v == "да"),
            _ => {}
        }
    }
    Ok(out)
}
