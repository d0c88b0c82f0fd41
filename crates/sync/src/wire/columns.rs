//! Wire format 2: the whole message transposed into columns before compression.
//!
//! Every automerge change of a message is cut into its fields — dependencies, actor, sequence
//! number, first op, time, commit message, other actors, and each of its op columns — and the
//! message stores field by field: all dependencies, then all actors, …, then for each op column
//! spec the data of that column in every change. zstd then sees like beside like (145 one-op
//! changes of a teacher's day have the same object, the same action, the same value type).
//! The key-string column is decoded further: each key is split at `/` and every part found in
//! the [`Dictionary`] (ids of the school and the class lists, which both sides hold) travels as
//! an index, coded as the difference from the previous index plus one — marks entered down the
//! class list cost nothing. Heads and dependencies are back-references to changes of the same
//! document in the message, references to hashes both sides know (a response names the heads
//! of the request it answers), or full hashes.
//!
//! A change is rebuilt from its fields and must come out byte-identical, which the encoder
//! checks for each change; a change that does not (a compressed chunk, an unknown layout,
//! non-canonical numbers) travels as it is.

use super::pack::{build, put_sleb, put_uleb, sleb, split, take, uleb, Header};
use super::{WireError, MAX_BODY};
use crate::dictionary::Dictionary;
use crate::protocol::Hash;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// automerge's key-string column: column 1, type string.
const KEY_STR: u32 = 0x15;

/// A hash: `k` changes back in the document's list (for heads: `k` from its end), the `i`-th
/// hash both sides know, in full, or (format 3) by its first [`SHORT`] bytes, for the receiver
/// to look up among the changes of the document it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Ref {
    Back(u32),
    Known(u32),
    Full([u8; 32]),
    Short([u8; SHORT]),
}

/// How many bytes of a hash a short reference keeps. The receiver looks the prefix up among
/// the few changes near a document's heads (a wrong match is about as likely as 1 in 2^32
/// per change it passes, and the check below catches it), so four are plenty.
pub const SHORT: usize = 4;

/// What the receiver checks its look-ups of short hashes against: the first 8 bytes of the
/// SHA-256 of the full hashes, sorted and without repeats. A prefix that matched another
/// change than the sender meant cannot pass unnoticed.
pub(super) fn short_check(hashes: &std::collections::BTreeSet<[u8; 32]>) -> [u8; 8] {
    let mut h = Sha256::new();
    for x in hashes {
        h.update(x);
    }
    h.finalize()[..8].try_into().expect("8 bytes")
}

/// Strings as `/`-separated parts: a dictionary word by number, or literal bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Strings {
    /// Parts per string.
    parts: Vec<u32>,
    /// Per part: 0 a literal, else `zigzag(word - previous word - 1) + 1`.
    codes: Vec<u32>,
    lit_lens: Vec<u32>,
    lits: Vec<u8>,
    #[serde(skip)]
    prev: i64,
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

impl Strings {
    fn push(&mut self, s: &[u8], dict: Option<&Dictionary>) {
        let mut n = 0;
        for part in s.split(|&b| b == b'/') {
            n += 1;
            let word = dict.and_then(|d| {
                std::str::from_utf8(part)
                    .ok()
                    .and_then(|p| d.index.get(p).copied())
            });
            match word {
                Some(w) => {
                    let delta = i64::from(w) - self.prev - 1;
                    self.codes.push(zigzag(delta) as u32 + 1);
                    self.prev = i64::from(w);
                }
                None => {
                    self.codes.push(0);
                    self.lit_lens.push(part.len() as u32);
                    self.lits.extend_from_slice(part);
                }
            }
        }
        self.parts.push(n);
    }
}

/// Reads [`Strings`] back, one string at a time.
struct StringReader<'a> {
    s: &'a Strings,
    dict: Option<&'a Dictionary>,
    parts: usize,
    codes: usize,
    lits: usize,
    lit_pos: usize,
    prev: i64,
}

impl<'a> StringReader<'a> {
    fn new(s: &'a Strings, dict: Option<&'a Dictionary>) -> Self {
        StringReader {
            s,
            dict,
            parts: 0,
            codes: 0,
            lits: 0,
            lit_pos: 0,
            prev: 0,
        }
    }

    fn next(&mut self, budget: &mut Budget) -> Result<Vec<u8>, WireError> {
        let n = *self
            .s
            .parts
            .get(self.parts)
            .ok_or_else(|| malformed("строки закончились"))?;
        self.parts += 1;
        let mut out = Vec::new();
        for i in 0..n {
            if i > 0 {
                out.push(b'/');
            }
            let code = *self
                .s
                .codes
                .get(self.codes)
                .ok_or_else(|| malformed("строки закончились"))?;
            self.codes += 1;
            if code == 0 {
                let len = *self
                    .s
                    .lit_lens
                    .get(self.lits)
                    .ok_or_else(|| malformed("строки закончились"))?;
                self.lits += 1;
                let part = take(&self.s.lits, &mut self.lit_pos, len as usize)
                    .ok_or_else(|| malformed("строки закончились"))?;
                out.extend_from_slice(part);
            } else {
                let w = self
                    .prev
                    .checked_add(1)
                    .and_then(|p| p.checked_add(unzigzag(u64::from(code - 1))))
                    .ok_or_else(|| malformed("ссылка на неизвестное слово"))?;
                let word = self
                    .dict
                    .and_then(|d| usize::try_from(w).ok().and_then(|w| d.words.get(w)))
                    .ok_or_else(|| malformed("ссылка на неизвестное слово"))?;
                budget.spend(word.len() + 1)?;
                out.extend_from_slice(word.as_bytes());
                self.prev = w;
            }
        }
        Ok(out)
    }
}

/// The data of one op column spec in every change that has it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Column {
    spec: u32,
    lens: Vec<u32>,
    data: Vec<u8>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Changes {
    /// Per change: 0 raw, 1 in columns.
    kinds: Vec<u8>,
    raw: Vec<Vec<u8>>,
    ndeps: Vec<u32>,
    deps: Vec<Ref>,
    actors: Vec<Vec<u8>>,
    actor: Vec<u32>,
    /// Differences from the previous change in columns.
    seq: Vec<i64>,
    start_op: Vec<i64>,
    time: Vec<i64>,
    messages: Vec<Vec<u8>>,
    message: Vec<u32>,
    nothers: Vec<u32>,
    others: Vec<u32>,
    /// Column layouts: per column `spec << 1 | keys decoded`.
    layouts: Vec<Vec<u32>>,
    layout: Vec<u32>,
    columns: Vec<Column>,
    /// The key-string columns' run-length controls, and their strings.
    key_ctl: Vec<i64>,
    keys: Strings,
    extra: Vec<Vec<u8>>,
}

/// One message in format 2.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Message {
    /// A request's protocol version (0 in a response).
    pub version: u16,
    pub more: bool,
    pub remaining: u32,
    pub doc_keys: Strings,
    pub nheads: Vec<u32>,
    pub heads: Vec<Ref>,
    pub nchanges: Vec<u32>,
    pub changes: Changes,
}

/// A document's key, heads and changes.
pub(super) type Unpacked = (String, Vec<Hash>, Vec<Vec<u8>>);

fn malformed(what: &str) -> WireError {
    WireError::Malformed(what.to_string())
}

/// How many more bytes decoding may produce.
pub(super) struct Budget(pub usize);

impl Budget {
    pub(super) fn spend(&mut self, n: usize) -> Result<(), WireError> {
        self.0 = self
            .0
            .checked_sub(n)
            .ok_or(WireError::TooLarge { limit: MAX_BODY })?;
        Ok(())
    }
}

/// The parts of a change after its header.
struct Body<'a> {
    others: Vec<&'a [u8]>,
    /// (spec, data)
    columns: Vec<(u32, &'a [u8])>,
    extra: &'a [u8],
}

fn parse_rest(rest: &[u8]) -> Option<Body<'_>> {
    let mut p = 0;
    let n = usize::try_from(uleb(rest, &mut p)?).ok()?;
    let mut others = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        let len = usize::try_from(uleb(rest, &mut p)?).ok()?;
        others.push(take(rest, &mut p, len)?);
    }
    let n = usize::try_from(uleb(rest, &mut p)?).ok()?;
    let mut specs = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        let spec = u32::try_from(uleb(rest, &mut p)?).ok()?;
        let len = usize::try_from(uleb(rest, &mut p)?).ok()?;
        specs.push((spec, len));
    }
    let mut columns = Vec::with_capacity(specs.len());
    for (spec, len) in specs {
        columns.push((spec, take(rest, &mut p, len)?));
    }
    Some(Body {
        others,
        columns,
        extra: &rest[p..],
    })
}

/// A string column's run-length controls and strings, if it re-encodes to exactly `data`.
fn parse_key_column(data: &[u8]) -> Option<(Vec<i64>, Vec<&[u8]>)> {
    let (mut ctl, mut strs) = (Vec::new(), Vec::new());
    let mut p = 0;
    let string = |p: &mut usize| -> Option<&[u8]> {
        let len = usize::try_from(uleb(data, p)?).ok()?;
        take(data, p, len)
    };
    while p < data.len() {
        let n = sleb(data, &mut p)?;
        ctl.push(n);
        if n > 0 {
            strs.push(string(&mut p)?);
        } else if n < 0 {
            for _ in 0..n.unsigned_abs() {
                strs.push(string(&mut p)?);
            }
        } else {
            ctl.push(i64::try_from(uleb(data, &mut p)?).ok()?);
        }
    }
    let mut again = Vec::with_capacity(data.len());
    let mut it = strs.iter();
    let mut c = ctl.iter();
    while let Some(&n) = c.next() {
        put_sleb(&mut again, n);
        let count = if n == 0 {
            put_uleb(&mut again, *c.next()? as u64);
            0
        } else if n > 0 {
            1
        } else {
            n.unsigned_abs()
        };
        for _ in 0..count {
            let s = it.next()?;
            put_uleb(&mut again, s.len() as u64);
            again.extend_from_slice(s);
        }
    }
    (again == data).then_some((ctl, strs))
}

fn intern<T: Ord + Clone>(map: &mut BTreeMap<T, u32>, table: &mut Vec<T>, v: &T) -> u32 {
    if let Some(&i) = map.get(v) {
        return i;
    }
    let i = table.len() as u32;
    table.push(v.clone());
    map.insert(v.clone(), i);
    i
}

/// Builds a [`Message`] document by document.
pub(super) struct Encoder<'a> {
    pub msg: Message,
    dict: Option<&'a Dictionary>,
    known: HashMap<[u8; 32], u32>,
    /// Hashes not in the message nor known travel short (the receiver looks them up).
    short: bool,
    shortened: std::collections::BTreeSet<[u8; 32]>,
    actors: BTreeMap<Vec<u8>, u32>,
    messages: BTreeMap<Vec<u8>, u32>,
    layouts: BTreeMap<Vec<u32>, u32>,
    columns: BTreeMap<u32, Column>,
    last: (i64, i64, i64),
}

impl<'a> Encoder<'a> {
    /// `known`: hashes the receiver holds in this order (the heads of the request a response
    /// answers); `short`: other hashes outside the message go by their first [`SHORT`] bytes.
    pub fn new(dict: Option<&'a Dictionary>, known: &[Hash], short: bool) -> Self {
        let mut k = HashMap::new();
        for (i, h) in known.iter().enumerate() {
            k.entry(h.0).or_insert(i as u32);
        }
        Encoder {
            msg: Message::default(),
            dict,
            known: k,
            short,
            shortened: Default::default(),
            actors: BTreeMap::new(),
            messages: BTreeMap::new(),
            layouts: BTreeMap::new(),
            columns: BTreeMap::new(),
            last: (0, 0, 0),
        }
    }

    /// The message, and the check of its short hashes if it has any.
    pub fn finish(mut self) -> (Message, Option<[u8; 8]>) {
        self.msg.changes.columns = std::mem::take(&mut self.columns).into_values().collect();
        let check = (!self.shortened.is_empty()).then(|| short_check(&self.shortened));
        (self.msg, check)
    }

    pub fn doc(&mut self, key: &str, heads: &[Hash], changes: &[Vec<u8>]) {
        self.msg.doc_keys.push(key.as_bytes(), self.dict);
        let mut at: HashMap<[u8; 32], usize> = HashMap::new();
        for (i, bytes) in changes.iter().enumerate() {
            if let Some(hash) = self.change(bytes, i, &at) {
                at.insert(hash, i);
            }
        }
        let n = changes.len();
        self.msg.nchanges.push(n as u32);
        self.msg.nheads.push(heads.len() as u32);
        for h in heads {
            let r = match at.get(&h.0) {
                Some(&j) => Ref::Back((n - j) as u32),
                None => self.reference(&h.0),
            };
            self.msg.heads.push(r);
        }
    }

    fn reference(&mut self, h: &[u8; 32]) -> Ref {
        match self.known.get(h) {
            Some(&i) => Ref::Known(i),
            None if self.short => {
                self.shortened.insert(*h);
                Ref::Short(h[..SHORT].try_into().expect("a prefix"))
            }
            None => Ref::Full(*h),
        }
    }

    /// Adds one change; its hash when it went into columns.
    fn change(
        &mut self,
        bytes: &[u8],
        i: usize,
        at: &HashMap<[u8; 32], usize>,
    ) -> Option<[u8; 32]> {
        let parsed = split(bytes).and_then(|h| {
            let body = parse_rest(h.rest)?;
            let (rebuilt, hash) = build(&h);
            (rebuilt == bytes).then_some((h, body, hash))
        });
        let Some((h, body, hash)) = parsed else {
            let c = &mut self.msg.changes;
            c.kinds.push(0);
            c.raw.push(bytes.to_vec());
            return None;
        };
        // The rest must also rebuild from the parts we keep.
        let mut layout = Vec::with_capacity(body.columns.len());
        let mut keys = Vec::new();
        for (spec, data) in &body.columns {
            let decoded = if *spec == KEY_STR {
                parse_key_column(data)
            } else {
                None
            };
            layout.push(spec << 1 | u32::from(decoded.is_some()));
            keys.push(decoded);
        }
        if rebuild_rest(&body) != h.rest {
            let c = &mut self.msg.changes;
            c.kinds.push(0);
            c.raw.push(bytes.to_vec());
            return None;
        }
        let deps: Vec<Ref> = h
            .deps
            .iter()
            .map(|d| match at.get(d) {
                Some(&j) => Ref::Back((i - j) as u32),
                None => self.reference(d),
            })
            .collect();
        let c = &mut self.msg.changes;
        c.kinds.push(1);
        c.ndeps.push(deps.len() as u32);
        c.deps.extend(deps);
        let a = intern(&mut self.actors, &mut c.actors, &h.actor.to_vec());
        c.actor.push(a);
        let (s, o, t) = (h.seq as i64, h.start_op as i64, h.time);
        c.seq.push(s.wrapping_sub(self.last.0));
        c.start_op.push(o.wrapping_sub(self.last.1));
        c.time.push(t.wrapping_sub(self.last.2));
        self.last = (s, o, t);
        let m = intern(&mut self.messages, &mut c.messages, &h.message.to_vec());
        c.message.push(m);
        c.nothers.push(body.others.len() as u32);
        for o in &body.others {
            let a = intern(&mut self.actors, &mut c.actors, &o.to_vec());
            c.others.push(a);
        }
        let l = intern(&mut self.layouts, &mut c.layouts, &layout);
        c.layout.push(l);
        for ((spec, data), decoded) in body.columns.iter().zip(keys) {
            match decoded {
                Some((ctl, strs)) => {
                    c.key_ctl.push(ctl.len() as i64);
                    c.key_ctl.extend(ctl);
                    for s in strs {
                        c.keys.push(s, self.dict);
                    }
                }
                None => {
                    let col = self.columns.entry(*spec).or_insert_with(|| Column {
                        spec: *spec,
                        ..Default::default()
                    });
                    col.lens.push(data.len() as u32);
                    col.data.extend_from_slice(data);
                }
            }
        }
        c.extra.push(body.extra.to_vec());
        Some(hash)
    }
}

fn rebuild_rest(b: &Body<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    put_uleb(&mut out, b.others.len() as u64);
    for o in &b.others {
        put_uleb(&mut out, o.len() as u64);
        out.extend_from_slice(o);
    }
    put_uleb(&mut out, b.columns.len() as u64);
    for (spec, data) in &b.columns {
        put_uleb(&mut out, u64::from(*spec));
        put_uleb(&mut out, data.len() as u64);
    }
    for (_, data) in &b.columns {
        out.extend_from_slice(data);
    }
    out.extend_from_slice(b.extra);
    out
}

/// A cursor over one column of a [`Changes`].
struct Cur<'a, T> {
    v: &'a [T],
    i: usize,
}

impl<'a, T> Cur<'a, T> {
    fn new(v: &'a [T]) -> Self {
        Cur { v, i: 0 }
    }
    fn next(&mut self) -> Result<&'a T, WireError> {
        let x = self
            .v
            .get(self.i)
            .ok_or_else(|| malformed("столбец сообщения закончился раньше времени"))?;
        self.i += 1;
        Ok(x)
    }
}

/// Each field of a message: (name, postcard bytes, zstd bytes alone).
pub(super) fn breakdown(msg: &Message) -> Vec<(&'static str, usize, usize)> {
    fn one<T: Serialize>(name: &'static str, v: &T) -> (&'static str, usize, usize) {
        let b = postcard::to_allocvec(v).expect("serializes");
        let z = zstd::bulk::compress(&b, super::LEVEL)
            .expect("compresses")
            .len();
        (name, b.len(), z)
    }
    let c = &msg.changes;
    let mut out = vec![
        one("doc_keys", &msg.doc_keys),
        one("nheads", &msg.nheads),
        one("heads", &msg.heads),
        one("nchanges", &msg.nchanges),
        one("kinds", &c.kinds),
        one("raw", &c.raw),
        one("ndeps", &c.ndeps),
        one("deps", &c.deps),
        one("actors", &c.actors),
        one("actor", &c.actor),
        one("seq", &c.seq),
        one("start_op", &c.start_op),
        one("time", &c.time),
        one("messages", &c.messages),
        one("message", &c.message),
        one("nothers", &c.nothers),
        one("others", &c.others),
        one("layouts", &c.layouts),
        one("layout", &c.layout),
        one("key_ctl", &c.key_ctl),
        one("keys", &c.keys),
        one("extra", &c.extra),
    ];
    for col in &c.columns {
        let (_, b, z) = one("", col);
        out.push((column_name(col.spec), b, z));
    }
    out
}

fn column_name(spec: u32) -> &'static str {
    match spec {
        0x01 => "col obj actor",
        0x02 => "col obj ctr",
        0x11 => "col key actor",
        0x13 => "col key ctr",
        0x15 => "col key str",
        0x21 => "col id actor",
        0x23 => "col id ctr",
        0x34 => "col insert",
        0x42 => "col action",
        0x56 => "col value meta",
        0x57 => "col value",
        0x60 => "col pred group",
        0x61 => "col pred actor",
        0x63 => "col pred ctr",
        0x70 => "col succ group",
        0x80 => "col expand",
        0x90 => "col mark name",
        _ => "col other",
    }
}

/// Takes a [`Message`] apart again, document by document.
/// `dict`: the dictionary the body names (already checked to be the receiver's); `lookup`
/// finds short hashes, which must then pass `check` (from the body's header).
pub(super) fn decode(
    msg: &Message,
    dict: Option<&Dictionary>,
    known: &[Hash],
    mut lookup: Option<&mut (dyn super::Holdings + '_)>,
    check: Option<[u8; 8]>,
    budget: &mut Budget,
) -> Result<Vec<Unpacked>, WireError> {
    let mut found = std::collections::BTreeSet::new();
    let mut short = |doc: &str, prefix: &[u8; SHORT]| -> Result<[u8; 32], WireError> {
        let h = lookup
            .as_deref_mut()
            .and_then(|l| l.lookup(doc, prefix))
            .filter(|h| h.0.starts_with(prefix))
            .ok_or(WireError::UnknownHash)?;
        found.insert(h.0);
        Ok(h.0)
    };
    let c = &msg.changes;
    let mut doc_keys = StringReader::new(&msg.doc_keys, dict);
    let mut keys = StringReader::new(&c.keys, dict);
    let (mut nheads, mut heads, mut nchanges) = (
        Cur::new(&msg.nheads),
        Cur::new(&msg.heads),
        Cur::new(&msg.nchanges),
    );
    let (mut kinds, mut raw, mut ndeps, mut deps) = (
        Cur::new(&c.kinds),
        Cur::new(&c.raw),
        Cur::new(&c.ndeps),
        Cur::new(&c.deps),
    );
    let (mut actor, mut seq, mut start_op, mut time, mut message) = (
        Cur::new(&c.actor),
        Cur::new(&c.seq),
        Cur::new(&c.start_op),
        Cur::new(&c.time),
        Cur::new(&c.message),
    );
    let (mut nothers, mut others, mut layout, mut key_ctl, mut extra) = (
        Cur::new(&c.nothers),
        Cur::new(&c.others),
        Cur::new(&c.layout),
        Cur::new(&c.key_ctl),
        Cur::new(&c.extra),
    );
    let mut columns: HashMap<u32, (Cur<'_, u32>, usize, &Column)> = c
        .columns
        .iter()
        .map(|col| (col.spec, (Cur::new(&col.lens), 0, col)))
        .collect();
    let known_hash = |k: u32| {
        known
            .get(k as usize)
            .map(|h| h.0)
            .ok_or_else(|| malformed("ссылка на неизвестное изменение"))
    };
    let table = |t: &[Vec<u8>], i: u32| -> Result<Vec<u8>, WireError> {
        t.get(i as usize)
            .cloned()
            .ok_or_else(|| malformed("ссылка на неизвестную запись таблицы"))
    };
    let mut last = (0i64, 0i64, 0i64);
    let mut out = Vec::with_capacity(msg.nchanges.len());
    while nchanges.i < msg.nchanges.len() {
        let key = doc_keys.next(budget)?;
        let key = String::from_utf8(key).map_err(|_| malformed("ключ документа не UTF-8"))?;
        budget.spend(key.len())?;
        let n = *nchanges.next()? as usize;
        let mut hashes: Vec<Option<[u8; 32]>> = Vec::with_capacity(n.min(1 << 16));
        let mut changes = Vec::with_capacity(n.min(1 << 16));
        let back = |hashes: &[Option<[u8; 32]>], from: usize, k: u32| {
            from.checked_sub(k as usize)
                .filter(|_| k > 0)
                .and_then(|j| hashes.get(j).copied().flatten())
                .ok_or_else(|| malformed("ссылка на неизвестное изменение"))
        };
        for i in 0..n {
            if *kinds.next()? == 0 {
                let bytes = raw.next()?;
                budget.spend(bytes.len())?;
                hashes.push(None);
                changes.push(bytes.clone());
                continue;
            }
            let nd = *ndeps.next()? as usize;
            let mut ds = Vec::with_capacity(nd.min(64));
            for _ in 0..nd {
                budget.spend(32)?;
                ds.push(match deps.next()? {
                    Ref::Back(k) => back(&hashes, i, *k)?,
                    Ref::Known(k) => known_hash(*k)?,
                    Ref::Full(h) => *h,
                    Ref::Short(p) => short(&key, p)?,
                });
            }
            let act = table(&c.actors, *actor.next()?)?;
            last = (
                last.0.wrapping_add(*seq.next()?),
                last.1.wrapping_add(*start_op.next()?),
                last.2.wrapping_add(*time.next()?),
            );
            let msg_text = table(&c.messages, *message.next()?)?;
            budget.spend(act.len() + msg_text.len() + 64)?;
            let mut rest = Vec::new();
            let no = *nothers.next()? as usize;
            put_uleb(&mut rest, no as u64);
            for _ in 0..no {
                let o = table(&c.actors, *others.next()?)?;
                budget.spend(o.len() + 10)?;
                put_uleb(&mut rest, o.len() as u64);
                rest.extend_from_slice(&o);
            }
            let lay = c
                .layouts
                .get(*layout.next()? as usize)
                .ok_or_else(|| malformed("ссылка на неизвестную раскладку"))?;
            let mut datas: Vec<(u32, Vec<u8>)> = Vec::with_capacity(lay.len());
            for &l in lay {
                let spec = l >> 1;
                budget.spend(20)?;
                let data = if l & 1 == 1 {
                    let nctl = usize::try_from(*key_ctl.next()?)
                        .map_err(|_| malformed("неверный столбец ключей"))?;
                    let mut d = Vec::new();
                    let mut k = 0;
                    while k < nctl {
                        let ctl = *key_ctl.next()?;
                        k += 1;
                        budget.spend(10)?;
                        put_sleb(&mut d, ctl);
                        let count = if ctl == 0 {
                            let nulls = *key_ctl.next()?;
                            k += 1;
                            put_uleb(&mut d, nulls as u64);
                            0
                        } else if ctl > 0 {
                            1
                        } else {
                            ctl.unsigned_abs()
                        };
                        for _ in 0..count {
                            let s = keys.next(budget)?;
                            budget.spend(s.len() + 10)?;
                            put_uleb(&mut d, s.len() as u64);
                            d.extend_from_slice(&s);
                        }
                    }
                    d
                } else {
                    let (lens, pos, col) = columns
                        .get_mut(&spec)
                        .ok_or_else(|| malformed("нет столбца операций"))?;
                    let len = *lens.next()? as usize;
                    let d = take(&col.data, pos, len)
                        .ok_or_else(|| malformed("столбец операций закончился"))?;
                    budget.spend(len)?;
                    d.to_vec()
                };
                datas.push((spec, data));
            }
            put_uleb(&mut rest, datas.len() as u64);
            for (spec, d) in &datas {
                put_uleb(&mut rest, u64::from(*spec));
                put_uleb(&mut rest, d.len() as u64);
            }
            for (_, d) in &datas {
                rest.extend_from_slice(d);
            }
            let ex = extra.next()?;
            budget.spend(ex.len())?;
            rest.extend_from_slice(ex);
            let (bytes, hash) = build(&Header {
                deps: ds,
                actor: &act,
                seq: last.0 as u64,
                start_op: last.1 as u64,
                time: last.2,
                message: &msg_text,
                rest: &rest,
            });
            hashes.push(Some(hash));
            changes.push(bytes);
        }
        let nh = *nheads.next()? as usize;
        let mut hs = Vec::with_capacity(nh.min(64));
        for _ in 0..nh {
            budget.spend(32)?;
            hs.push(Hash(match heads.next()? {
                Ref::Back(k) => back(&hashes, n, *k)?,
                Ref::Known(k) => known_hash(*k)?,
                Ref::Full(h) => *h,
                Ref::Short(p) => short(&key, p)?,
            }));
        }
        out.push((key, hs, changes));
    }
    match check {
        None if found.is_empty() => Ok(out),
        None => Err(malformed("сокращённые ссылки без проверочной суммы")),
        Some(c) if c == short_check(&found) => Ok(out),
        Some(_) => Err(WireError::UnknownHash),
    }
}
