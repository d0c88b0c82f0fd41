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
mod tests {
    use super::*;
    use crate::protocol::{DocOffer, DocUpdate, Hash, PROTOCOL_VERSION};
    use proptest::prelude::*;

    fn sample_request() -> SyncRequest {
        SyncRequest {
            version: PROTOCOL_VERSION,
            mark: None,
            docs: vec![
                DocOffer {
                    doc: "2025/school".into(),
                    heads: vec![Hash([7; 32])],
                    changes: vec![],
                },
                DocOffer {
                    doc: "2025/journal/a/b".into(),
                    heads: vec![Hash([1; 32]), Hash([2; 32])],
                    changes: vec![vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3], vec![]],
                },
            ],
        }
    }

    #[test]
    fn a_request_and_a_response_round_trip() {
        let req = sample_request();
        let body = encode_request(&req);
        assert_eq!(body[0], WIRE_VERSION);
        assert_eq!(decode_request(&body).unwrap(), req);

        let resp = SyncResponse {
            docs: vec![DocUpdate {
                doc: "2025/roster/x".into(),
                heads: vec![Hash([9; 32])],
                changes: vec![vec![1, 2, 3, 4]],
            }],
            more: true,
            remaining: 17,
            mark: Some(1_000_000),
        };
        assert_eq!(decode_response(&encode_response(&resp)).unwrap(), resp);
    }

    #[test]
    fn a_ledger_mark_takes_a_byte_per_seven_bits_and_a_cut_one_is_refused() {
        let resp = |mark| SyncResponse {
            docs: vec![],
            more: false,
            remaining: 0,
            mark,
        };
        let none = encode_response(&resp(None)).len();
        for (mark, bytes) in [(0, 1), (127, 1), (128, 2), (1_000_000, 3), (u64::MAX, 10)] {
            let body = encode_response(&resp(Some(mark)));
            assert_eq!(body.len(), none + bytes, "mark {mark}");
            assert_eq!(decode_response(&body).unwrap().mark, Some(mark));
        }
        // The flags byte says a mark follows, and its last byte is missing or it overflows.
        let mut cut = encode_response(&resp(Some(1_000_000)));
        cut.truncate(2 + 2);
        assert!(matches!(
            decode_response(&cut),
            Err(WireError::Malformed(_))
        ));
        let mut over = vec![WIRE_VERSION, FLAG_MARK];
        over.extend([0xff; 9]);
        over.push(0x02);
        assert!(matches!(
            decode_response(&over),
            Err(WireError::Malformed(_))
        ));
    }

    #[test]
    fn an_unknown_version_byte_is_refused_as_such() {
        let mut body = encode_request(&sample_request());
        body[0] = 42;
        let err = decode_request(&body).unwrap_err();
        assert_eq!(err, WireError::UnknownVersion(42));
        assert_eq!(err.code(), ErrorCode::UnsupportedVersion);
        assert!(err.to_string().contains("обновите программу"), "{err}");
    }

    #[test]
    fn empty_garbage_and_trailing_bytes_are_malformed() {
        for body in [&[][..], &[WIRE_VERSION][..], &[WIRE_VERSION, 1, 2, 3][..]] {
            let err = decode_request(body).unwrap_err();
            assert!(matches!(err, WireError::Malformed(_)), "{err:?}");
            assert_eq!(err.code(), ErrorCode::BadRequest);
        }
        // A valid frame of a valid message followed by junk inside the frame.
        let body = encode_request(&sample_request());
        let mut plain = zstd::bulk::decompress(&body[2..], MAX_BODY).unwrap();
        plain.push(0);
        let mut body = vec![WIRE_VERSION, 0];
        body.extend(zstd::bulk::compress(&plain, 3).unwrap());
        assert!(matches!(
            decode_request(&body),
            Err(WireError::Malformed(m)) if m.contains("лишних")
        ));
    }

    #[test]
    fn a_zip_bomb_is_refused_without_inflating_it() {
        // 64 MiB of zeros compress to a few KiB.
        let zeros = vec![0u8; 2 * MAX_BODY];
        let mut body = vec![WIRE_VERSION, 0];
        body.extend(zstd::bulk::compress(&zeros, 3).unwrap());
        assert!(body.len() < 64 * 1024, "{}", body.len());
        let err = decode_request(&body).unwrap_err();
        assert_eq!(err, WireError::TooLarge { limit: MAX_BODY });
        assert_eq!(err.code(), ErrorCode::TooLarge);
    }

    #[test]
    fn an_oversized_body_is_refused_before_reading_it() {
        let body = vec![WIRE_VERSION; MAX_BODY + 1];
        assert_eq!(
            decode_response(&body).unwrap_err(),
            WireError::TooLarge { limit: MAX_BODY }
        );
    }

    /// A journal with a lesson and a mark per commit, as the app writes it.
    fn marked_journal(marks: usize) -> (zhurnal_journal::Doc, Vec<Hash>) {
        use zhurnal_journal::journal::{self, LessonPatch};
        let id = zhurnal_journal::DocId::journal(
            2025,
            zhurnal_domain::ClassId::from_raw([1; 16]),
            zhurnal_domain::SubjectId::from_raw([2; 16]),
        );
        let mut doc = zhurnal_journal::Doc::genesis(id);
        let bookmark: Vec<Hash> = doc.heads().into_iter().map(Hash::from).collect();
        let mut ed = zhurnal_journal::Editor {
            author: zhurnal_domain::StaffId::from_raw([3; 16]),
            actor: zhurnal_journal::automerge::ActorId::from([4u8; 16].as_slice()),
            time: 1_760_000_000,
        };
        let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
        let lesson =
            journal::add_lesson(&mut doc, &ed, &zhurnal_domain::Lesson::new(date, 1)).unwrap();
        for i in 0..marks {
            ed.time += 40;
            let patch = LessonPatch {
                marks: vec![(
                    zhurnal_domain::StudentId::from_raw([i as u8 + 10; 16]),
                    zhurnal_domain::Marks::from_stored(["5", "4", "3"][i % 3]).unwrap(),
                )],
                ..Default::default()
            };
            journal::save_lesson(&mut doc, &ed, lesson, patch).unwrap();
        }
        (doc, bookmark)
    }

    #[test]
    fn real_changes_come_back_byte_identical_and_smaller() {
        let (doc, bookmark) = marked_journal(30);
        let bookmark: Vec<_> = bookmark.into_iter().map(Into::into).collect();
        let offer = crate::client::offer(&doc, &bookmark);
        assert_eq!(offer.changes.len(), 31);
        let raw: usize = offer.changes.iter().map(Vec::len).sum();
        let req = SyncRequest {
            version: PROTOCOL_VERSION,
            mark: None,
            docs: vec![offer],
        };
        let packed = encode_request(&req);
        assert_eq!(
            decode_request(&packed).unwrap(),
            req,
            "byte-identical changes"
        );
        // Without the transform: the same message, only compressed.
        let plain = zstd::bulk::compress(&postcard::to_allocvec(&req).unwrap(), LEVEL).unwrap();
        assert!(
            packed.len() * 2 < plain.len(),
            "packed {} B, compressed only {} B, raw {raw} B",
            packed.len(),
            plain.len()
        );
        // The receiver's automerge takes the rebuilt changes.
        let mut copy = zhurnal_journal::Doc::genesis(doc.id());
        for c in &decode_request(&packed).unwrap().docs[0].changes {
            copy.apply_chunk(c).unwrap();
        }
        assert_eq!(copy.heads(), doc.heads());
    }

    #[test]
    fn a_large_change_is_offered_uncompressed_and_travels_in_columns() {
        use zhurnal_journal::journal;
        let (mut doc, bookmark) = marked_journal(0);
        let ed = zhurnal_journal::Editor {
            author: zhurnal_domain::StaffId::from_raw([3; 16]),
            actor: zhurnal_journal::automerge::ActorId::from([4u8; 16].as_slice()),
            time: 1_760_000_500,
        };
        let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 2).unwrap();
        let mut lesson = zhurnal_domain::Lesson::new(date, 2);
        lesson.topic = "Сложение и вычитание дробей с разными знаменателями".repeat(4);
        lesson.homework = "§ 12, № 340–352, повторить правила".into();
        journal::add_lesson(&mut doc, &ed, &lesson).unwrap();
        let bookmark: Vec<_> = bookmark.into_iter().map(Into::into).collect();
        let offer = crate::client::offer(&doc, &bookmark);
        // automerge DEFLATEs a change over 256 bytes when asked for `bytes()`; an offer takes
        // the change as stored, which the columns can take apart (chunk type 1, not 2).
        let big = offer
            .changes
            .iter()
            .find(|c| c.len() > 256)
            .expect("a big change");
        assert_eq!(big[8], 1, "an uncompressed change chunk");
        let req = SyncRequest {
            version: PROTOCOL_VERSION,
            mark: None,
            docs: vec![offer],
        };
        let body = encode_request(&req);
        assert_eq!(decode_request(&body).unwrap(), req);
        let raw_field = breakdown(&body, None)
            .unwrap()
            .into_iter()
            .find(|f| f.0 == "raw")
            .unwrap();
        assert!(raw_field.1 <= 1, "no change travels raw: {raw_field:?}");
    }

    #[test]
    fn a_change_with_a_bad_checksum_travels_raw_and_unchanged() {
        let (doc, bookmark) = marked_journal(2);
        let bookmark: Vec<_> = bookmark.into_iter().map(Into::into).collect();
        let mut offer = crate::client::offer(&doc, &bookmark);
        offer.changes[1][4] ^= 0xFF;
        let req = SyncRequest {
            version: PROTOCOL_VERSION,
            mark: None,
            docs: vec![offer],
        };
        assert_eq!(decode_request(&encode_request(&req)).unwrap(), req);
    }

    #[test]
    fn a_format_1_body_still_decodes() {
        let (doc, bookmark) = marked_journal(3);
        let bookmark: Vec<_> = bookmark.into_iter().map(Into::into).collect();
        let req = SyncRequest {
            version: PROTOCOL_VERSION,
            mark: None,
            docs: vec![crate::client::offer(&doc, &bookmark)],
        };
        let mut packer = pack::Packer::default();
        let docs = req
            .docs
            .iter()
            .map(|d| packer.pack_doc(&d.doc, &d.heads, &d.changes))
            .collect();
        let plain = postcard::to_allocvec(&PackedRequest {
            version: req.version,
            tables: packer.tables,
            docs,
        })
        .unwrap();
        let mut body = vec![WIRE_VERSION_1];
        body.extend(zstd::bulk::compress(&plain, 3).unwrap());
        assert_eq!(decode_request(&body).unwrap(), req);
    }

    #[test]
    fn a_dictionary_shrinks_the_body_and_another_one_is_refused() {
        let (doc, bookmark) = marked_journal(30);
        let bookmark: Vec<_> = bookmark.into_iter().map(Into::into).collect();
        let req = SyncRequest {
            version: PROTOCOL_VERSION,
            mark: None,
            docs: vec![crate::client::offer(&doc, &bookmark)],
        };
        let words = (0..40u8).map(|i| zhurnal_domain::StudentId::from_raw([i; 16]).to_string());
        let dict = Dictionary::new(words.clone());
        assert_eq!(dict.len(), 40);
        let with = encode_request_with(
            &req,
            Shorthand {
                dict: Some(&dict),
                ..Default::default()
            },
        );
        let without = encode_request(&req);
        assert!(
            with.len() + 100 < without.len(),
            "{} vs {}",
            with.len(),
            without.len()
        );
        assert_eq!(body_dictionary(&with), Some(dict.id()));
        assert_eq!(body_dictionary(&without), None);
        assert_eq!(decode_request_with(&with, Some(&dict), None).unwrap(), req);
        assert_eq!(
            decode_request_with(&without, Some(&dict), None).unwrap(),
            req
        );
        let other = Dictionary::new(words.skip(1));
        assert_ne!(other.id(), dict.id());
        for d in [None, Some(&other)] {
            let err = decode_request_with(&with, d, None).unwrap_err();
            assert_eq!(err, WireError::UnknownDictionary);
            assert_eq!(err.code(), ErrorCode::UnknownDictionary);
        }
        // The answer names the request's heads by their place.
        let resp = SyncResponse {
            docs: vec![DocUpdate {
                doc: req.docs[0].doc.clone(),
                heads: req.docs[0].heads.clone(),
                changes: vec![],
            }],
            more: false,
            remaining: 0,
            mark: None,
        };
        let short = encode_response_to(&resp, &req, Some(&dict));
        assert!(short.len() + 20 < encode_response(&resp).len());
        assert_eq!(decode_response_to(&short, &req, Some(&dict)).unwrap(), resp);
        assert!(decode_response(&short).is_err());
    }

    /// A receiver that holds these changes, and these documents at these heads.
    struct Holds(Vec<Hash>, Vec<(String, Vec<Hash>)>);

    impl Holdings for Holds {
        fn lookup(&mut self, _doc: &str, prefix: &[u8]) -> Option<Hash> {
            self.0.iter().copied().find(|h| h.0.starts_with(prefix))
        }
        fn heads(&mut self) -> Vec<(String, Vec<Hash>)> {
            self.1.clone()
        }
    }

    #[test]
    fn short_hashes_are_looked_up_and_checked() {
        let (doc, bookmark) = marked_journal(3);
        let cbookmark: Vec<_> = bookmark.iter().map(|&h| h.into()).collect();
        let other = Hash([0xAB; 32]);
        let req = SyncRequest {
            version: PROTOCOL_VERSION,
            mark: None,
            docs: vec![
                crate::client::offer(&doc, &cbookmark),
                DocOffer {
                    doc: "2025/school".into(),
                    heads: vec![other],
                    changes: vec![],
                },
            ],
        };
        let short = Shorthand {
            short_hashes: true,
            ..Default::default()
        };
        let body = encode_request_with(&req, short);
        let full = encode_request(&req);
        // Two hashes outside the message (the bookmark the first change depends on, and the
        // other document's head) go by 4 bytes instead of 32; the body carries an 8-byte check.
        assert!(
            body.len() + 20 < full.len(),
            "{} vs {}",
            body.len(),
            full.len()
        );

        let mut holds = Holds(vec![bookmark[0], other], vec![]);
        assert_eq!(
            decode_request_with(&body, None, Some(&mut holds)).unwrap(),
            req
        );

        // Not found, not looked up, or found wrongly: sent again in full.
        let forged = {
            let mut h = bookmark[0];
            h.0[31] ^= 1;
            h
        };
        for lookup in [
            Some(Holds(vec![other], vec![])),
            None,
            Some(Holds(vec![forged, other], vec![])),
        ] {
            let mut lookup = lookup;
            let err =
                decode_request_with(&body, None, lookup.as_mut().map(|l| l as &mut dyn Holdings))
                    .unwrap_err();
            assert_eq!(err, WireError::UnknownHash);
            assert_eq!(err.code(), ErrorCode::UnknownReference);
            assert!(err.to_string().contains("полностью"), "{err}");
        }
        // A body standing alone needs no lookup.
        assert_eq!(decode_request(&full).unwrap(), req);
        // Responses never shorten hashes: the client holds no lookup.
        let resp = SyncResponse {
            docs: vec![DocUpdate {
                doc: "2025/school".into(),
                heads: vec![other],
                changes: vec![],
            }],
            more: false,
            remaining: 0,
            mark: None,
        };
        assert_eq!(decode_response(&encode_response(&resp)).unwrap(), resp);
    }

    #[test]
    fn documents_offered_without_changes_fold_into_one_digest() {
        let (doc, bookmark) = marked_journal(3);
        let cbookmark: Vec<_> = bookmark.iter().map(|&h| h.into()).collect();
        let mut offers = vec![
            DocOffer {
                doc: "2025/school".into(),
                heads: vec![Hash([1; 32])],
                changes: vec![],
            },
            crate::client::offer(&doc, &cbookmark),
            DocOffer {
                doc: "2025/roster/x".into(),
                heads: vec![Hash([2; 32]), Hash([3; 32])],
                changes: vec![],
            },
        ];
        let req = crate::client::request(offers.clone());
        let fold = Shorthand {
            short_hashes: true,
            fold_unchanged: true,
            ..Default::default()
        };
        let listed = Shorthand {
            short_hashes: true,
            ..Default::default()
        };
        let body = encode_request_with(&req, fold);
        assert!(body.len() < encode_request_with(&req, listed).len());
        let server = |school: Hash, extra: bool| {
            let mut docs = vec![
                ("2025/school".to_string(), vec![school]),
                (
                    "2025/roster/x".to_string(),
                    vec![Hash([3; 32]), Hash([2; 32])],
                ),
                (req.docs[0].doc.clone(), vec![Hash([9; 32])]),
            ];
            if extra {
                docs.push(("2025/roster/y".to_string(), vec![Hash([4; 32])]));
            }
            let mut changes = bookmark.clone();
            changes.extend([Hash([1; 32]), Hash([2; 32]), Hash([3; 32])]);
            Holds(changes, docs)
        };
        let mut same = server(Hash([1; 32]), false);
        assert_eq!(
            decode_request_with(&body, None, Some(&mut same)).unwrap(),
            req
        );
        // Someone wrote the school document since; the server holds a document the device does
        // not; or the receiver cannot tell: the device lists its documents.
        let cases = [
            (Some(server(Hash([5; 32]), false)), WireError::Unfolded),
            (Some(server(Hash([1; 32]), true)), WireError::Unfolded),
            (None, WireError::UnknownHash),
        ];
        for (mut other, expected) in cases {
            let other = other.as_mut().map(|h| h as &mut dyn Holdings);
            let err = decode_request_with(&body, None, other).unwrap_err();
            assert_eq!(err, expected);
            assert_eq!(err.code(), ErrorCode::UnknownReference);
        }
        let listed_body = encode_request_with(&req, listed);
        let mut moved = server(Hash([5; 32]), true);
        assert_eq!(
            decode_request_with(&listed_body, None, Some(&mut moved)).unwrap(),
            req
        );
        // Not sorted by key: nothing is folded (the receiver could not restore the order).
        offers.swap(0, 2);
        let unsorted = SyncRequest {
            version: PROTOCOL_VERSION,
            mark: None,
            docs: offers,
        };
        let body = encode_request_with(&unsorted, fold);
        assert_eq!(body[1] & FLAG_FOLD, 0);
        // A fold flag on a body whose documents are not in order is refused.
        let mut forged = body.clone();
        forged[1] |= FLAG_FOLD;
        forged.splice(10..10, [0u8; 8]);
        let mut same = server(Hash([1; 32]), false);
        assert!(matches!(
            decode_request_with(&forged, None, Some(&mut same)),
            Err(WireError::Malformed(m)) if m.contains("не по порядку")
        ));
        let mut same = server(Hash([1; 32]), false);
        assert_eq!(
            decode_request_with(&body, None, Some(&mut same)).unwrap(),
            unsorted
        );
        // A response never folds.
        let mut resp = encode_response(&SyncResponse {
            docs: vec![],
            more: false,
            remaining: 0,
            mark: None,
        });
        resp[1] |= FLAG_FOLD;
        resp.splice(2..2, [0u8; 8]);
        assert!(matches!(
            decode_response(&resp),
            Err(WireError::Malformed(_))
        ));
    }

    #[test]
    fn a_format_2_body_still_decodes_and_its_flags_are_checked() {
        let req = sample_request();
        let mut body = encode_request(&req);
        assert_eq!(body[..2], [WIRE_VERSION, 0]);
        body[0] = WIRE_VERSION_2;
        assert_eq!(decode_request(&body).unwrap(), req);
        // Format 2 had no short hashes; unknown flags are refused in both formats.
        for (version, flags) in [
            (WIRE_VERSION_2, FLAG_SHORT),
            (WIRE_VERSION_2, FLAG_MARK),
            (WIRE_VERSION, 16),
            (WIRE_VERSION, 0x80),
        ] {
            body[0] = version;
            body[1] = flags;
            assert!(
                matches!(decode_request(&body), Err(WireError::Malformed(m)) if m.contains("признаков")),
                "{version} {flags}"
            );
        }
        // A short-hash flag whose check is cut off.
        assert!(matches!(
            decode_request(&[WIRE_VERSION, FLAG_SHORT, 1, 2, 3]),
            Err(WireError::Malformed(m)) if m.contains("проверочной")
        ));
    }

    /// Random automerge histories: several actors, merges (several dependencies), deletes,
    /// text, counters, lists.
    fn arb_history() -> impl Strategy<Value = Vec<Vec<u8>>> {
        prop::collection::vec((0..3usize, 0..7u8, any::<u16>(), ".{0,12}"), 1..25).prop_map(
            |steps| {
                use zhurnal_journal::automerge::{
                    transaction::Transactable, AutoCommit, ObjType, ScalarValue, ROOT,
                };
                let mut docs: Vec<AutoCommit> = (0..3u8)
                    .map(|a| {
                        AutoCommit::new().with_actor(zhurnal_journal::automerge::ActorId::from(
                            [a + 1; 16].as_slice(),
                        ))
                    })
                    .collect();
                for (who, op, n, s) in steps {
                    let key = format!("k{}", n % 5);
                    let d = &mut docs[who];
                    let _ = match op {
                        0 => d.put(ROOT, &key, s.as_str()).map(|_| ()),
                        1 => d.delete(ROOT, &key),
                        2 => d
                            .put(ROOT, "c", ScalarValue::counter(0))
                            .and_then(|_| d.increment(ROOT, "c", i64::from(n))),
                        3 => d.put_object(ROOT, &key, ObjType::Text).and_then(|t| {
                            d.splice_text(&t, 0, 0, &s)?;
                            d.splice_text(&t, 0, (s.chars().count() / 2) as isize, "ё")
                        }),
                        4 => d.put_object(ROOT, "l", ObjType::List).and_then(|l| {
                            d.insert(&l, 0, i64::from(n))?;
                            d.insert(&l, 1, f64::from(n) / 3.0)?;
                            d.delete(&l, 0)
                        }),
                        5 => {
                            let mut other = docs[(who + 1) % 3].clone();
                            docs[who].merge(&mut other).map(|_| ())
                        }
                        _ => d.put(ROOT, &key, i64::from(n) - 30_000).map(|_| ()),
                    };
                    docs[who].commit();
                }
                let mut all = docs[0].clone();
                for d in &mut docs[1..] {
                    all.merge(d).unwrap();
                }
                all.get_changes(&[])
                    .into_iter()
                    .map(|mut c| c.bytes().into_owned())
                    .collect()
            },
        )
    }

    fn arb_hash() -> impl Strategy<Value = Hash> {
        any::<[u8; 32]>().prop_map(Hash)
    }

    fn arb_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(any::<u8>(), 0..300)
    }

    prop_compose! {
        fn arb_offer()(doc in ".{0,40}", heads in prop::collection::vec(arb_hash(), 0..4),
                       changes in prop::collection::vec(arb_bytes(), 0..5)) -> DocOffer {
            DocOffer { doc, heads, changes }
        }
    }

    prop_compose! {
        fn arb_update()(doc in ".{0,40}", heads in prop::collection::vec(arb_hash(), 0..4),
                        changes in prop::collection::vec(arb_bytes(), 0..5)) -> DocUpdate {
            DocUpdate { doc, heads, changes }
        }
    }

    proptest! {
        #[test]
        fn arbitrary_requests_round_trip(version in any::<u16>(),
                                         docs in prop::collection::vec(arb_offer(), 0..6),
                                         mark in proptest::option::of(any::<u64>())) {
            let req = SyncRequest { version, docs, mark };
            prop_assert_eq!(decode_request(&encode_request(&req)).unwrap(), req);
        }

        #[test]
        fn arbitrary_responses_round_trip(docs in prop::collection::vec(arb_update(), 0..6),
                                          more in any::<bool>(), remaining in any::<u32>(),
                                          mark in proptest::option::of(any::<u64>())) {
            let resp = SyncResponse { docs, more, remaining, mark };
            prop_assert_eq!(decode_response(&encode_response(&resp)).unwrap(), resp);
        }

        #[test]
        fn arbitrary_automerge_changes_come_back_byte_identical(changes in arb_history()) {
            let heads = vec![Hash([3; 32])];
            let req = SyncRequest {
                version: PROTOCOL_VERSION,
                mark: None,
                docs: vec![DocOffer { doc: "2025/school".into(), heads, changes }],
            };
            let dict = Dictionary::new(["k1".to_string(), "c".to_string()]);
            prop_assert_eq!(&decode_request(&encode_request(&req)).unwrap(), &req);
            let short = Shorthand { dict: Some(&dict), short_hashes: true, fold_unchanged: true };
            let body = encode_request_with(&req, short);
            // A change that travels as it is (DEFLATEd ones, here) is not a target of
            // back-references: what depends on it names it in short, so the receiver must
            // hold it to read the body in short.
            let mut all: Vec<Hash> = req.docs[0]
                .changes
                .iter()
                .map(|c| zhurnal_journal::automerge::Change::from_bytes(c.clone()).unwrap().hash().into())
                .collect();
            all.push(Hash([3; 32]));
            // With no changes the document is folded: the receiver holds it at these heads.
            let mut lookup = Holds(all, vec![("2025/school".into(), vec![Hash([3; 32])])]);
            prop_assert_eq!(decode_request_with(&body, Some(&dict), Some(&mut lookup)).unwrap(), req);
        }

        #[test]
        fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = decode_request(&body);
            let _ = decode_response(&body);
            // Also behind a valid version byte and inside a valid zstd frame.
            let mut framed = vec![WIRE_VERSION, 0];
            framed.extend(zstd::bulk::compress(&body, 1).unwrap());
            let _ = decode_request(&framed);
            let _ = decode_response(&framed);
        }
    }
}
