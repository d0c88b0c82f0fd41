//! The words both sides of a sync hold — the ids of the school's classes, subjects, staff and
//! of the readable class lists' students — which the wire names by number. Built from what a
//! reader may read ([`crate::access`]), over any [`DocSource`]: it sits between the access
//! rules and the byte codec, so that the codec ([`crate::wire`]) depends on neither the gate
//! nor the rules.

use crate::docs::DocSource;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use zhurnal_journal::DocKind;

/// Words both sides of a sync hold, so that a message can name them by number: the ids of the
/// school's classes, subjects and staff and of the students of every class list, in the order
/// of the documents. Built the same way on both sides from the same documents, it has the same
/// [`Dictionary::id`]; a body encoded with another dictionary is refused, never misread.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dictionary {
    pub(crate) words: Vec<String>,
    pub(crate) index: HashMap<String, u32>,
    id: [u8; 8],
}

impl Dictionary {
    /// A dictionary of these words (duplicates keep their first place).
    pub fn new(words: impl IntoIterator<Item = String>) -> Self {
        let mut d = Dictionary::default();
        let mut h = Sha256::new();
        for w in words {
            if d.index.contains_key(&w) || w.is_empty() || w.contains('/') {
                continue;
            }
            h.update((w.len() as u64).to_le_bytes());
            h.update(w.as_bytes());
            d.index.insert(w.clone(), d.words.len() as u32);
            d.words.push(w);
        }
        d.id = h.finalize()[..8].try_into().expect("8 bytes");
        d
    }

    /// The dictionary of what `user` may read by `school`'s rules among `docs`: the parts of
    /// document keys that are not ids (the kinds, the years of the readable school and class
    /// list documents), the ids of `school`'s classes, subjects and staff, then the students of
    /// every readable class list, lists in the order of their keys, a list's students in its
    /// alphabetical order. The server and the user's device both build it, each from its own
    /// copies and its school as read; a class list that does not read adds nothing.
    pub fn of_reader(
        school: &zhurnal_journal::school::School,
        user: zhurnal_domain::StaffId,
        docs: &mut dyn DocSource,
    ) -> Self {
        let mut ids: Vec<(String, zhurnal_journal::DocId)> = docs
            .ids()
            .into_iter()
            .filter(|id| matches!(id.kind, DocKind::School | DocKind::Roster(_)))
            .filter(|id| crate::access(school, user, *id) != crate::Access::None)
            .map(|id| (id.to_string(), id))
            .collect();
        ids.sort();
        let mut words = key_words(ids.iter().map(|(_, id)| id.year));
        words.extend(school.classes.iter().map(|c| c.id.to_string()));
        words.extend(school.subjects.iter().map(|c| c.id.to_string()));
        words.extend(school.staff.iter().map(|c| c.id.to_string()));
        for (_, id) in ids
            .into_iter()
            .filter(|(_, id)| matches!(id.kind, DocKind::Roster(_)))
        {
            if let Some(list) = docs
                .doc(id)
                .and_then(|d| zhurnal_journal::roster::students(d).ok())
            {
                words.extend(list.iter().map(|s| s.id.to_string()));
            }
        }
        Self::new(words)
    }

    /// Eight bytes of the SHA-256 of the words: what a body names its dictionary by.
    pub fn id(&self) -> [u8; 8] {
        self.id
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// The words every [`Dictionary`] starts with: the parts of document keys that are not ids.
fn key_words(years: impl Iterator<Item = i32>) -> Vec<String> {
    let years: std::collections::BTreeSet<i32> = years.collect();
    ["school", "roster", "personal", "journal"]
        .into_iter()
        .map(String::from)
        .chain(years.into_iter().map(|y| y.to_string()))
        .collect()
}
