//! The reversible transform of a message's automerge changes before compression.
//!
//! An automerge change chunk is `magic(4) checksum(4) type(1) len(uleb) body`, its hash the
//! SHA-256 of `type len body`, and its body starts `deps actor seq start_op time message`,
//! followed by the other actors and the op columns. In a teacher's day most of that is
//! redundant between consecutive changes of one document — but the 32 random bytes of each
//! dependency and the 4 of each checksum are incompressible. [`pack_doc`] splits each change
//! into those header fields and the rest, writes a dependency that is an earlier change of the
//! same list as a back-reference, and checks that [`unpack_doc`] rebuilds the exact bytes;
//! otherwise the change stays raw.

use super::WireError;
use crate::protocol::Hash;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
#[cfg(test)]
use std::collections::BTreeMap;

const CHANGE_MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_CHANGE: u8 = 1;

/// A hash, or "the hash of the change `k` places before" (in a list of changes), or for heads,
/// "of the change `k` places from the end".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum HashRef {
    Back(u32),
    Full([u8; 32]),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum PackedChange {
    Raw(Vec<u8>),
    Split {
        deps: Vec<HashRef>,
        /// Index into the message's actor table.
        actor: u32,
        /// Differences from the previous split change of the list (the first: from 0).
        seq: i64,
        start_op: i64,
        time: i64,
        /// Index into the message's table of commit messages.
        message: u32,
        /// Other actors, op columns and extra bytes, as they are.
        rest: Vec<u8>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct PackedDoc {
    pub doc: String,
    pub heads: Vec<HashRef>,
    pub changes: Vec<PackedChange>,
}

/// The tables shared by every document of a message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Tables {
    pub actors: Vec<Vec<u8>>,
    pub messages: Vec<Vec<u8>>,
}

/// The format 1 encoder, kept to test that format 1 bodies still decode.
#[cfg(test)]
#[derive(Default)]
pub(super) struct Packer {
    pub tables: Tables,
    actors: BTreeMap<Vec<u8>, u32>,
    messages: BTreeMap<Vec<u8>, u32>,
}

pub(super) struct Header<'a> {
    pub deps: Vec<[u8; 32]>,
    pub actor: &'a [u8],
    pub seq: u64,
    pub start_op: u64,
    pub time: i64,
    pub message: &'a [u8],
    pub rest: &'a [u8],
}

/// An unsigned LEB128 number; `None` if `buf` ends first or it does not fit in 64 bits.
pub(super) fn uleb(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        if shift == 63 && b & 0x7e != 0 {
            return None;
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

pub(super) fn sleb(buf: &[u8], pos: &mut usize) -> Option<i64> {
    let mut v: i64 = 0;
    let mut shift = 0;
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        if shift >= 64 {
            return None;
        }
        v |= i64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            if shift < 64 && b & 0x40 != 0 {
                v |= -1i64 << shift;
            }
            return Some(v);
        }
    }
}

pub(super) fn put_uleb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

pub(super) fn put_sleb(out: &mut Vec<u8>, mut v: i64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0);
        if done {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

pub(super) fn take<'a>(buf: &'a [u8], pos: &mut usize, n: usize) -> Option<&'a [u8]> {
    let end = pos.checked_add(n)?;
    let s = buf.get(*pos..end)?;
    *pos = end;
    Some(s)
}

/// Reads an uncompressed change chunk's header fields; `None` for anything else.
pub(super) fn split(bytes: &[u8]) -> Option<Header<'_>> {
    if bytes.get(..4)? != CHANGE_MAGIC || *bytes.get(8)? != CHUNK_CHANGE {
        return None;
    }
    let mut pos = 9;
    let len = usize::try_from(uleb(bytes, &mut pos)?).ok()?;
    let body = bytes.get(pos..)?;
    if body.len() != len {
        return None;
    }
    let mut p = 0;
    let n = usize::try_from(uleb(body, &mut p)?).ok()?;
    let mut deps = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        deps.push(take(body, &mut p, 32)?.try_into().ok()?);
    }
    let actor_len = usize::try_from(uleb(body, &mut p)?).ok()?;
    let actor = take(body, &mut p, actor_len)?;
    let seq = uleb(body, &mut p)?;
    let start_op = uleb(body, &mut p)?;
    let time = sleb(body, &mut p)?;
    let message_len = usize::try_from(uleb(body, &mut p)?).ok()?;
    let message = take(body, &mut p, message_len)?;
    Some(Header {
        deps,
        actor,
        seq,
        start_op,
        time,
        message,
        rest: &body[p..],
    })
}

/// The change's bytes and hash from its header fields.
pub(super) fn build(h: &Header<'_>) -> (Vec<u8>, [u8; 32]) {
    let mut body = Vec::with_capacity(h.rest.len() + 64 + 32 * h.deps.len());
    put_uleb(&mut body, h.deps.len() as u64);
    for d in &h.deps {
        body.extend_from_slice(d);
    }
    put_uleb(&mut body, h.actor.len() as u64);
    body.extend_from_slice(h.actor);
    put_uleb(&mut body, h.seq);
    put_uleb(&mut body, h.start_op);
    put_sleb(&mut body, h.time);
    put_uleb(&mut body, h.message.len() as u64);
    body.extend_from_slice(h.message);
    body.extend_from_slice(h.rest);
    let mut typed = vec![CHUNK_CHANGE];
    put_uleb(&mut typed, body.len() as u64);
    let hash: [u8; 32] = Sha256::new()
        .chain_update(&typed)
        .chain_update(&body)
        .finalize()
        .into();
    let mut out = Vec::with_capacity(8 + typed.len() + body.len());
    out.extend_from_slice(&CHANGE_MAGIC);
    out.extend_from_slice(&hash[..4]);
    out.extend_from_slice(&typed);
    out.extend_from_slice(&body);
    (out, hash)
}

#[cfg(test)]
fn intern(map: &mut BTreeMap<Vec<u8>, u32>, table: &mut Vec<Vec<u8>>, v: &[u8]) -> u32 {
    if let Some(&i) = map.get(v) {
        return i;
    }
    let i = table.len() as u32;
    table.push(v.to_vec());
    map.insert(v.to_vec(), i);
    i
}

#[cfg(test)]
impl Packer {
    pub fn pack_doc(&mut self, doc: &str, heads: &[Hash], changes: &[Vec<u8>]) -> PackedDoc {
        // Where each split change's hash sits in the list.
        let mut at: BTreeMap<[u8; 32], usize> = BTreeMap::new();
        let mut out = Vec::with_capacity(changes.len());
        let (mut seq, mut start_op, mut time) = (0i64, 0i64, 0i64);
        for (i, bytes) in changes.iter().enumerate() {
            let packed = split(bytes).and_then(|h| {
                let (rebuilt, hash) = build(&h);
                (rebuilt == *bytes).then_some((h, hash))
            });
            let Some((h, hash)) = packed else {
                out.push(PackedChange::Raw(bytes.clone()));
                continue;
            };
            let deps = h
                .deps
                .iter()
                .map(|d| match at.get(d) {
                    Some(&j) => HashRef::Back((i - j) as u32),
                    None => HashRef::Full(*d),
                })
                .collect();
            let (s, o) = (h.seq as i64, h.start_op as i64);
            out.push(PackedChange::Split {
                deps,
                actor: intern(&mut self.actors, &mut self.tables.actors, h.actor),
                seq: s.wrapping_sub(seq),
                start_op: o.wrapping_sub(start_op),
                time: h.time.wrapping_sub(time),
                message: intern(&mut self.messages, &mut self.tables.messages, h.message),
                rest: h.rest.to_vec(),
            });
            (seq, start_op, time) = (s, o, h.time);
            at.insert(hash, i);
        }
        let n = changes.len();
        PackedDoc {
            doc: doc.to_string(),
            heads: heads
                .iter()
                .map(|h| match at.get(&h.0) {
                    Some(&j) => HashRef::Back((n - j) as u32),
                    None => HashRef::Full(h.0),
                })
                .collect(),
            changes: out,
        }
    }
}

/// A document's key, heads and changes as they were before packing.
pub(super) type Unpacked = (String, Vec<Hash>, Vec<Vec<u8>>);

fn malformed(what: &str) -> WireError {
    WireError::Malformed(what.to_string())
}

/// Rebuilds a document's heads and changes; `budget` is how many more bytes the message may
/// grow to (a back-reference is short, the hash it stands for is not).
pub(super) fn unpack_doc(
    doc: PackedDoc,
    tables: &Tables,
    budget: &mut usize,
) -> Result<Unpacked, WireError> {
    let mut hashes: Vec<Option<[u8; 32]>> = Vec::with_capacity(doc.changes.len());
    let mut changes = Vec::with_capacity(doc.changes.len());
    let (mut seq, mut start_op, mut time) = (0i64, 0i64, 0i64);
    let mut spend = |n: usize| -> Result<(), WireError> {
        *budget = budget.checked_sub(n).ok_or(WireError::TooLarge {
            limit: super::MAX_BODY,
        })?;
        Ok(())
    };
    for (i, c) in doc.changes.into_iter().enumerate() {
        match c {
            PackedChange::Raw(bytes) => {
                spend(bytes.len())?;
                hashes.push(None);
                changes.push(bytes);
            }
            PackedChange::Split {
                deps,
                actor,
                seq: ds,
                start_op: dop,
                time: dt,
                message,
                rest,
            } => {
                let deps = deps
                    .iter()
                    .map(|d| match *d {
                        HashRef::Full(h) => Ok(h),
                        HashRef::Back(k) => i
                            .checked_sub(k as usize)
                            .filter(|_| k > 0)
                            .and_then(|j| hashes[j])
                            .ok_or_else(|| malformed("ссылка на неизвестное изменение")),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let actor = tables
                    .actors
                    .get(actor as usize)
                    .ok_or_else(|| malformed("ссылка на неизвестного участника"))?;
                let message = tables
                    .messages
                    .get(message as usize)
                    .ok_or_else(|| malformed("ссылка на неизвестный комментарий"))?;
                (seq, start_op, time) = (
                    seq.wrapping_add(ds),
                    start_op.wrapping_add(dop),
                    time.wrapping_add(dt),
                );
                spend(rest.len() + actor.len() + message.len() + 32 * deps.len() + 64)?;
                let (bytes, hash) = build(&Header {
                    deps,
                    actor,
                    seq: seq as u64,
                    start_op: start_op as u64,
                    time,
                    message,
                    rest: &rest,
                });
                hashes.push(Some(hash));
                changes.push(bytes);
            }
        }
    }
    let n = hashes.len();
    let heads = doc
        .heads
        .iter()
        .map(|h| match *h {
            HashRef::Full(h) => Ok(Hash(h)),
            HashRef::Back(k) => n
                .checked_sub(k as usize)
                .filter(|_| k > 0)
                .and_then(|j| hashes[j])
                .map(Hash)
                .ok_or_else(|| malformed("ссылка на неизвестное изменение")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    spend(32 * heads.len() + doc.doc.len())?;
    Ok((doc.doc, heads, changes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn leb128_round_trips(u in any::<u64>(), i in any::<i64>()) {
            let mut buf = Vec::new();
            put_uleb(&mut buf, u);
            put_sleb(&mut buf, i);
            let mut pos = 0;
            prop_assert_eq!(uleb(&buf, &mut pos), Some(u));
            prop_assert_eq!(sleb(&buf, &mut pos), Some(i));
            prop_assert_eq!(pos, buf.len());
        }
    }
}
