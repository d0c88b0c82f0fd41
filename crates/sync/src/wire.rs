//! How the messages of [`protocol`](crate::protocol) become bytes on the wire.
//!
//! A body is one version byte ([`WIRE_VERSION`], now 3), a flags byte (bit 0: the 8-byte
//! [`Dictionary::id`] the body was coded with follows; bit 1: the 8-byte check of its short
//! hashes follows; bit 2: the 8-byte digest of the folded documents follows), those, and a
//! zstd frame holding
//! the message in postcard's compact binary encoding after a reversible transform of its
//! automerge changes ([`columns`]): the message is stored column by column — every change's
//! dependencies, then actors, sequence numbers, times, …, then each op column of every change
//! — with dependencies and heads as back-references to changes in the message (the receiver
//! recomputes the hashes), ids found in the [`Dictionary`] as numbers, a response's heads as
//! references to the heads of the request it answers, and in a request to the server the
//! other hashes (the server's heads the client last saw, which its new changes depend on) by
//! their first 4 bytes: the server looks them up in its documents ([`Holdings`]) and checks
//! what it found against the body's check. A request to the server may also *fold* the
//! documents it offers nothing of: instead of their keys and heads it carries one digest of
//! them, which the server compares with the same digest of its own readable documents not
//! listed — equal, and it knows the device holds each of them at the server's heads; not
//! equal (someone else wrote one of them since), it compares the digest with the heads they had
//! at the request's ledger mark (the one the device's last complete answer carried,
//! [`Holdings::heads_at`]); equal to neither, and the device lists them. A change that does
//! not rebuild to exactly its own bytes travels as it is; automerge identifies a change by the
//! hash of its bytes, so every change comes out byte-identical.
//!
//! Format 2 (format 3 without short hashes) and format 1 (no flags byte, changes packed one by
//! one by [`pack`]) are still decoded: bundles written by older versions are read.
//! Decoding never trusts the body: a body or a decoded message larger than [`MAX_BODY`] is
//! refused as [`WireError::TooLarge`] without inflating more than `MAX_BODY + 1` bytes (no zip
//! bombs), a body that does not decode is [`WireError::Malformed`], another version byte is
//! [`WireError::UnknownVersion`], and a body coded with a dictionary the receiver does not
//! hold is [`WireError::UnknownDictionary`] (the sender resends it without,
//! [`ErrorCode::UnknownDictionary`]), one whose short hashes the receiver cannot find is
//! [`WireError::UnknownHash`], one whose folded documents differ from the receiver's is
//! [`WireError::Unfolded`] (for both the sender resends the body spelt out further,
//! [`ErrorCode::UnknownReference`]). Each maps to a stable [`ErrorCode`] for the HTTP answer.

mod columns;
mod pack;

pub use crate::dictionary::Dictionary;

use crate::protocol::{DocOffer, DocUpdate, ErrorCode, Hash, Rejection, SyncRequest, SyncResponse};
use columns::{Budget, Encoder, Message};
use pack::{PackedDoc, Tables};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::Read;

/// The media type of a sync body.
pub const CONTENT_TYPE: &str = "application/vnd.zhurnal.sync";

/// The largest body accepted, before and after decompression (32 MiB).
pub const MAX_BODY: usize = 32 * 1024 * 1024;

/// The first byte of every body; bumped when the encoding changes.
pub const WIRE_VERSION: u8 = 3;

/// Earlier formats, still decoded.
const WIRE_VERSION_1: u8 = 1;
const WIRE_VERSION_2: u8 = 2;

/// Flags: a dictionary id follows; a check of short hashes follows; a digest of folded
/// documents follows; a ledger mark follows (LEB128, 1 to 10 bytes).
const FLAG_DICT: u8 = 1;
const FLAG_SHORT: u8 = 2;
const FLAG_FOLD: u8 = 4;
const FLAG_MARK: u8 = 8;

/// zstd level: small messages dominate, and level 19 costs little at their size.
const LEVEL: i32 = 19;

/// Why a body was refused. Nothing is applied from a body that does not decode.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("сообщение слишком большое: больше {limit} байт")]
    TooLarge { limit: usize },
    #[error("сообщение повреждено или не является сообщением синхронизации: {0}")]
    Malformed(String),
    #[error("формат сообщения версии {0} не поддерживается (поддерживается версия {WIRE_VERSION}); обновите программу")]
    UnknownVersion(u8),
    #[error("сообщение сжато по словарю, которого у получателя нет (списки классов различаются); отправьте его без словаря")]
    UnknownDictionary,
    #[error("сообщение ссылается на изменения, которых получатель не нашёл у себя; отправьте его полностью")]
    UnknownHash,
    #[error(
        "документы, которые не перечислены в сообщении, у получателя изменились; перечислите их"
    )]
    Unfolded,
}

/// What a body may refer to instead of spelling it out, because the receiver holds it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Shorthand<'a> {
    /// Ids by their number in this dictionary (both sides build it from the documents the user
    /// reads: [`Dictionary::of_reader`]).
    pub dict: Option<&'a Dictionary>,
    /// Hashes outside the message by their first 4 bytes, for a receiver that holds those
    /// changes and looks them up ([`Holdings`]): a request to the server.
    pub short_hashes: bool,
    /// Documents offered without changes go as one digest of their keys and heads, for a
    /// receiver that knows what the sender holds ([`Holdings::heads`]): a request to the
    /// server, whose documents are sorted by key (otherwise nothing is folded).
    pub fold_unchanged: bool,
}

/// What the server holds, as a request in short refers to it.
pub trait Holdings {
    /// The hash of the change of the document keyed `doc` whose hash begins with `prefix`;
    /// `None` if there is none. A wrong guess is caught by the body's check.
    fn lookup(&mut self, doc: &str, prefix: &[u8]) -> Option<Hash>;
    /// Every document the sender may hold (the user may read), by key, with its heads.
    fn heads(&mut self) -> Vec<(String, Vec<Hash>)>;
    /// The same as they were at ledger mark `mark` ([`SyncResponse::mark`]): documents that
    /// had no change of their own yet left out. `None` when the receiver keeps no ledger or
    /// cannot tell. A wrong answer is caught by the fold's digest.
    fn heads_at(&mut self, mark: u64) -> Option<Vec<(String, Vec<Hash>)>> {
        let _ = mark;
        None
    }
}

/// The digest of folded documents: the first 8 bytes of the SHA-256 of their keys and sorted
/// heads, in the order of their keys.
fn fold_digest<'a>(docs: impl IntoIterator<Item = (&'a str, &'a [Hash])>) -> [u8; 8] {
    use sha2::Digest;
    let mut docs: Vec<(&str, &[Hash])> = docs.into_iter().collect();
    docs.sort_by_key(|d| d.0);
    let mut h = sha2::Sha256::new();
    for (key, heads) in docs {
        let mut heads = heads.to_vec();
        heads.sort();
        h.update((key.len() as u64).to_le_bytes());
        h.update(key.as_bytes());
        h.update((heads.len() as u64).to_le_bytes());
        for x in heads {
            h.update(x.0);
        }
    }
    h.finalize()[..8].try_into().expect("8 bytes")
}

impl WireError {
    /// The stable code this refusal crosses the wire with.
    pub fn code(&self) -> ErrorCode {
        match self {
            WireError::TooLarge { .. } => ErrorCode::TooLarge,
            WireError::Malformed(_) => ErrorCode::BadRequest,
            WireError::UnknownDictionary => ErrorCode::UnknownDictionary,
            WireError::UnknownHash | WireError::Unfolded => ErrorCode::UnknownReference,
            WireError::UnknownVersion(_) => ErrorCode::UnsupportedVersion,
        }
    }
}

impl From<WireError> for Rejection {
    fn from(e: WireError) -> Self {
        Rejection {
            code: e.code(),
            doc: None,
            message: e.to_string(),
        }
    }
}

/// Format 1 messages.
#[derive(Serialize, Deserialize)]
struct PackedRequest {
    version: u16,
    tables: Tables,
    docs: Vec<PackedDoc>,
}

#[derive(Serialize, Deserialize)]
struct PackedResponse {
    tables: Tables,
    docs: Vec<PackedDoc>,
    more: bool,
    remaining: u32,
}

/// A request as a body standing alone (a bundle on a USB stick).
pub fn encode_request(req: &SyncRequest) -> Vec<u8> {
    encode_request_with(req, Shorthand::default())
}

/// A request as a body, referring to what the receiver holds as `shorthand` allows.
pub fn encode_request_with(req: &SyncRequest, shorthand: Shorthand<'_>) -> Vec<u8> {
    let fold = shorthand.fold_unchanged
        && req.docs.windows(2).all(|w| w[0].doc < w[1].doc)
        && req.docs.iter().any(|d| d.changes.is_empty());
    let mut enc = Encoder::new(shorthand.dict, &[], shorthand.short_hashes);
    for d in req.docs.iter().filter(|d| !fold || !d.changes.is_empty()) {
        enc.doc(&d.doc, &d.heads, &d.changes);
    }
    let (mut msg, check) = enc.finish();
    msg.version = req.version;
    let folded = fold.then(|| {
        fold_digest(
            req.docs
                .iter()
                .filter(|d| d.changes.is_empty())
                .map(|d| (d.doc.as_str(), d.heads.as_slice())),
        )
    });
    encode(&msg, shorthand.dict, check, folded, req.mark)
}

/// A body standing alone as a request.
pub fn decode_request(body: &[u8]) -> Result<SyncRequest, WireError> {
    decode_request_with(body, None, None)
}

/// A body as a request; `dict` is the receiver's dictionary (a body coded without one decodes
/// too, a body coded with another is [`WireError::UnknownDictionary`]) and `holdings` finds
/// short hashes (one it cannot find, or a body with short hashes and no `holdings`, is
/// [`WireError::UnknownHash`]) and the folded documents (which must match,
/// [`WireError::Unfolded`]).
pub fn decode_request_with(
    body: &[u8],
    dict: Option<&Dictionary>,
    mut holdings: Option<&mut dyn Holdings>,
) -> Result<SyncRequest, WireError> {
    match open(body, dict)? {
        Opened::V1(plain) => {
            let (packed, mut budget): (PackedRequest, usize) = parse(&plain)?;
            let docs = packed
                .docs
                .into_iter()
                .map(|d| {
                    let (doc, heads, changes) = pack::unpack_doc(d, &packed.tables, &mut budget)?;
                    Ok(DocOffer {
                        doc,
                        heads,
                        changes,
                    })
                })
                .collect::<Result<_, WireError>>()?;
            Ok(SyncRequest {
                version: packed.version,
                docs,
                mark: None,
            })
        }
        Opened::V2(plain, head) => {
            let (msg, budget): (Message, usize) = parse(&plain)?;
            let mut budget = Budget(budget);
            let lookup = holdings.as_deref_mut();
            let mut docs: Vec<DocOffer> =
                columns::decode(&msg, head.dict, &[], lookup, head.check, &mut budget)?
                    .into_iter()
                    .map(|(doc, heads, changes)| DocOffer {
                        doc,
                        heads,
                        changes,
                    })
                    .collect();
            if let Some(digest) = head.fold {
                // The sender folds only a request sorted by key, which is how it is restored.
                if !docs.windows(2).all(|w| w[0].doc < w[1].doc) {
                    return Err(WireError::Malformed(
                        "документы свёрнутого запроса не по порядку".into(),
                    ));
                }
                let listed: std::collections::BTreeSet<&str> =
                    docs.iter().map(|d| d.doc.as_str()).collect();
                let holdings = holdings.ok_or(WireError::Unfolded)?;
                let unlisted = |all: Vec<(String, Vec<Hash>)>| -> Vec<(String, Vec<Hash>)> {
                    all.into_iter()
                        .filter(|(k, _)| !listed.contains(k.as_str()))
                        .collect()
                };
                let matches = |docs: &[(String, Vec<Hash>)]| {
                    fold_digest(docs.iter().map(|(k, h)| (k.as_str(), h.as_slice()))) == digest
                };
                // As the server holds them now (nobody wrote them since), or, when others
                // did, as it held them at the mark of the device's last answer.
                let mut others = unlisted(holdings.heads());
                if !matches(&others) {
                    others = head
                        .mark
                        .and_then(|m| holdings.heads_at(m))
                        .map(unlisted)
                        .filter(|o| matches(o))
                        .ok_or(WireError::Unfolded)?;
                }
                for (doc, mut heads) in others {
                    budget.spend(doc.len() + 32 * heads.len())?;
                    heads.sort();
                    docs.push(DocOffer {
                        doc,
                        heads,
                        changes: Vec::new(),
                    });
                }
                docs.sort_by(|a, b| a.doc.cmp(&b.doc));
            }
            Ok(SyncRequest {
                version: msg.version,
                docs,
                mark: head.mark,
            })
        }
    }
}

/// Which dictionary a body names (`None`: none, or a body of format 1). A server answers with
/// the dictionary only when the request used it.
pub fn body_dictionary(body: &[u8]) -> Option<[u8; 8]> {
    match body {
        [WIRE_VERSION_2 | WIRE_VERSION, flags, id @ ..] if flags & FLAG_DICT != 0 => {
            id.get(..8)?.try_into().ok()
        }
        _ => None,
    }
}

/// A response as a body, standing alone.
pub fn encode_response(resp: &SyncResponse) -> Vec<u8> {
    encode_response_inner(resp, &[], None)
}

/// A response as a body, naming the heads of the request it answers by their place there (the
/// client holds its request) and ids by the dictionary. Decode with [`decode_response_to`].
pub fn encode_response_to(
    resp: &SyncResponse,
    req: &SyncRequest,
    dict: Option<&Dictionary>,
) -> Vec<u8> {
    encode_response_inner(resp, &known(req), dict)
}

fn known(req: &SyncRequest) -> Vec<Hash> {
    req.docs
        .iter()
        .flat_map(|d| d.heads.iter().copied())
        .collect()
}

fn encode_response_inner(
    resp: &SyncResponse,
    known: &[Hash],
    dict: Option<&Dictionary>,
) -> Vec<u8> {
    let mut enc = Encoder::new(dict, known, false);
    for d in &resp.docs {
        enc.doc(&d.doc, &d.heads, &d.changes);
    }
    let (mut msg, check) = enc.finish();
    msg.more = resp.more;
    msg.remaining = resp.remaining;
    encode(&msg, dict, check, None, resp.mark)
}

/// A body made by [`encode_response`] as a response.
pub fn decode_response(body: &[u8]) -> Result<SyncResponse, WireError> {
    decode_response_inner(body, &[], None)
}

/// A body made by [`encode_response_to`] (or [`encode_response`]) as a response, given the
/// request it answers.
pub fn decode_response_to(
    body: &[u8],
    req: &SyncRequest,
    dict: Option<&Dictionary>,
) -> Result<SyncResponse, WireError> {
    decode_response_inner(body, &known(req), dict)
}

fn decode_response_inner(
    body: &[u8],
    known: &[Hash],
    dict: Option<&Dictionary>,
) -> Result<SyncResponse, WireError> {
    match open(body, dict)? {
        Opened::V1(plain) => {
            let (packed, mut budget): (PackedResponse, usize) = parse(&plain)?;
            let docs = packed
                .docs
                .into_iter()
                .map(|d| {
                    let (doc, heads, changes) = pack::unpack_doc(d, &packed.tables, &mut budget)?;
                    Ok(DocUpdate {
                        doc,
                        heads,
                        changes,
                    })
                })
                .collect::<Result<_, WireError>>()?;
            Ok(SyncResponse {
                docs,
                more: packed.more,
                remaining: packed.remaining,
                mark: None,
            })
        }
        Opened::V2(plain, head) => {
            if head.fold.is_some() {
                return Err(WireError::Malformed("свёрнутые документы в ответе".into()));
            }
            let (msg, budget): (Message, usize) = parse(&plain)?;
            let docs = columns::decode(
                &msg,
                head.dict,
                known,
                None,
                head.check,
                &mut Budget(budget),
            )?
            .into_iter()
            .map(|(doc, heads, changes)| DocUpdate {
                doc,
                heads,
                changes,
            })
            .collect();
            Ok(SyncResponse {
                docs,
                more: msg.more,
                remaining: msg.remaining,
                mark: head.mark,
            })
        }
    }
}

/// Where the bytes of a format 2 or 3 body go: each field of the message on its own, as postcard
/// bytes and compressed alone (the body compresses them together, so the parts add up to more
/// than the whole). For the wire benchmark; `None` for a body that does not open with `dict`.
#[doc(hidden)]
pub fn breakdown(
    body: &[u8],
    dict: Option<&Dictionary>,
) -> Option<Vec<(&'static str, usize, usize)>> {
    match open(body, dict).ok()? {
        Opened::V2(plain, _) => {
            let (msg, _): (Message, usize) = parse(&plain).ok()?;
            Some(columns::breakdown(&msg))
        }
        Opened::V1(_) => None,
    }
}

fn encode(
    msg: &Message,
    dict: Option<&Dictionary>,
    check: Option<[u8; 8]>,
    fold: Option<[u8; 8]>,
    mark: Option<u64>,
) -> Vec<u8> {
    let plain = postcard::to_allocvec(msg).expect("the messages serialize to postcard");
    let mut flags = 0;
    if dict.is_some() {
        flags |= FLAG_DICT;
    }
    if check.is_some() {
        flags |= FLAG_SHORT;
    }
    if fold.is_some() {
        flags |= FLAG_FOLD;
    }
    if mark.is_some() {
        flags |= FLAG_MARK;
    }
    let mut out = vec![WIRE_VERSION, flags];
    if let Some(d) = dict {
        out.extend_from_slice(&d.id());
    }
    for x in [check, fold].into_iter().flatten() {
        out.extend_from_slice(&x);
    }
    if let Some(m) = mark {
        pack::put_uleb(&mut out, m);
    }
    let compressed =
        zstd::bulk::compress(&plain, LEVEL).expect("zstd compresses an in-memory buffer");
    out.extend_from_slice(&compressed);
    out
}

/// An unsigned LEB128 number taken off the front of `rest`.
fn leb128(rest: &mut &[u8]) -> Result<u64, WireError> {
    let mut pos = 0;
    let v = pack::uleb(rest, &mut pos)
        .ok_or_else(|| WireError::Malformed("метка журнала сервера повреждена".into()))?;
    *rest = &rest[pos..];
    Ok(v)
}

enum Opened<'a> {
    V1(Vec<u8>),
    /// Formats 2 and 3: the message and what its header says.
    V2(Vec<u8>, BodyHead<'a>),
}

/// What the header of a format 2 or 3 body says besides its version.
struct BodyHead<'a> {
    /// The receiver's dictionary, checked to be the one the body names.
    dict: Option<&'a Dictionary>,
    /// The check of the short hashes.
    check: Option<[u8; 8]>,
    /// The digest of the folded documents.
    fold: Option<[u8; 8]>,
    /// The ledger mark.
    mark: Option<u64>,
}

/// Checks the version, dictionary and flags and inflates the frame.
fn open<'a>(body: &[u8], dict: Option<&'a Dictionary>) -> Result<Opened<'a>, WireError> {
    if body.len() > MAX_BODY {
        return Err(WireError::TooLarge { limit: MAX_BODY });
    }
    let (&version, rest) = body
        .split_first()
        .ok_or_else(|| WireError::Malformed("пустое сообщение".into()))?;
    match version {
        WIRE_VERSION_1 => Ok(Opened::V1(inflate(rest)?)),
        WIRE_VERSION_2 | WIRE_VERSION => {
            let (&flags, mut rest) = rest
                .split_first()
                .ok_or_else(|| WireError::Malformed("нет байта признаков".into()))?;
            let known = if version == WIRE_VERSION_2 {
                FLAG_DICT
            } else {
                FLAG_DICT | FLAG_SHORT | FLAG_FOLD | FLAG_MARK
            };
            if flags & !known != 0 {
                return Err(WireError::Malformed(format!(
                    "неизвестный байт признаков {flags}"
                )));
            }
            let mut eight = |what: &str| -> Result<[u8; 8], WireError> {
                let (v, tail) = rest
                    .split_first_chunk::<8>()
                    .ok_or_else(|| WireError::Malformed(format!("нет {what}")))?;
                rest = tail;
                Ok(*v)
            };
            let used = match flags & FLAG_DICT {
                0 => None,
                _ => {
                    let id = eight("номера словаря")?;
                    Some(
                        dict.filter(|d| d.id() == id)
                            .ok_or(WireError::UnknownDictionary)?,
                    )
                }
            };
            let check = match flags & FLAG_SHORT {
                0 => None,
                _ => Some(eight("проверочной суммы ссылок")?),
            };
            let fold = match flags & FLAG_FOLD {
                0 => None,
                _ => Some(eight("суммы свёрнутых документов")?),
            };
            let mark = match flags & FLAG_MARK {
                0 => None,
                _ => Some(leb128(&mut rest)?),
            };
            let head = BodyHead {
                dict: used,
                check,
                fold,
                mark,
            };
            Ok(Opened::V2(inflate(rest)?, head))
        }
        v => Err(WireError::UnknownVersion(v)),
    }
}

/// The message, and how many bytes its unpacking may still add within `MAX_BODY`.
fn parse<T: DeserializeOwned>(plain: &[u8]) -> Result<(T, usize), WireError> {
    let (msg, tail) = postcard::take_from_bytes::<T>(plain)
        .map_err(|e| WireError::Malformed(format!("не читается ({e})")))?;
    if !tail.is_empty() {
        return Err(WireError::Malformed(format!(
            "{} лишних байт в конце",
            tail.len()
        )));
    }
    Ok((msg, MAX_BODY - plain.len()))
}

/// Decompresses at most `MAX_BODY` bytes; one byte more is a refusal, not an allocation.
fn inflate(data: &[u8]) -> Result<Vec<u8>, WireError> {
    let decoder = zstd::stream::read::Decoder::with_buffer(data)
        .map_err(|e| WireError::Malformed(format!("не распаковывается ({e})")))?;
    let mut out = Vec::new();
    decoder
        .single_frame()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| WireError::Malformed(format!("не распаковывается ({e})")))?;
    if out.len() > MAX_BODY {
        return Err(WireError::TooLarge { limit: MAX_BODY });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
