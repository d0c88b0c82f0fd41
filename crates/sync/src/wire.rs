//! How the messages of [`protocol`](crate::protocol) become bytes on the wire.
//!
//! A body is one version byte ([`WIRE_VERSION`]) followed by a zstd frame holding the message
//! in postcard's compact binary encoding, after a reversible transform of its automerge changes
//! ([`pack`]): a change's dependency that is the hash of an earlier change of the same document
//! in the message becomes a back-reference (the receiver recomputes the hash), the checksum is
//! dropped (it is the hash's first bytes), the actor and commit message become indexes into
//! tables, and sequence number, first op and time become differences from the previous change.
//! A change that does not rebuild to exactly its own bytes travels as it is. Decoding never
//! trusts the body: a body or a decoded
//! message larger than [`MAX_BODY`] is refused as [`WireError::TooLarge`] without inflating
//! more than `MAX_BODY + 1` bytes (no zip bombs), a body that does not decode is
//! [`WireError::Malformed`], and another version byte is [`WireError::UnknownVersion`]. Each
//! maps to a stable [`ErrorCode`] for the HTTP answer.
//!
//! The automerge changes inside a message come out byte-identical: automerge identifies a
//! change by the hash of its bytes.

mod pack;

use crate::protocol::{DocOffer, DocUpdate, ErrorCode, Rejection, SyncRequest, SyncResponse};
use pack::{PackedDoc, Packer, Tables};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::Read;

/// The media type of a sync body.
pub const CONTENT_TYPE: &str = "application/vnd.zhurnal.sync";

/// The largest body accepted, before and after decompression (32 MiB).
pub const MAX_BODY: usize = 32 * 1024 * 1024;

/// The first byte of every body; bumped when the encoding changes.
pub const WIRE_VERSION: u8 = 1;

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
}

impl WireError {
    /// The stable code this refusal crosses the wire with.
    pub fn code(&self) -> ErrorCode {
        match self {
            WireError::TooLarge { .. } => ErrorCode::TooLarge,
            WireError::Malformed(_) => ErrorCode::BadRequest,
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

/// A request as a body.
pub fn encode_request(req: &SyncRequest) -> Vec<u8> {
    let mut packer = Packer::default();
    let docs = req
        .docs
        .iter()
        .map(|d| packer.pack_doc(&d.doc, &d.heads, &d.changes))
        .collect();
    encode(&PackedRequest {
        version: req.version,
        tables: packer.tables,
        docs,
    })
}

/// A body as a request.
pub fn decode_request(body: &[u8]) -> Result<SyncRequest, WireError> {
    let (packed, mut budget): (PackedRequest, usize) = decode(body)?;
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
    })
}

/// A response as a body.
pub fn encode_response(resp: &SyncResponse) -> Vec<u8> {
    let mut packer = Packer::default();
    let docs = resp
        .docs
        .iter()
        .map(|d| packer.pack_doc(&d.doc, &d.heads, &d.changes))
        .collect();
    encode(&PackedResponse {
        tables: packer.tables,
        docs,
        more: resp.more,
        remaining: resp.remaining,
    })
}

/// A body as a response.
pub fn decode_response(body: &[u8]) -> Result<SyncResponse, WireError> {
    let (packed, mut budget): (PackedResponse, usize) = decode(body)?;
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
    })
}

fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    let plain = postcard::to_allocvec(msg).expect("the messages serialize to postcard");
    let mut out = vec![WIRE_VERSION];
    let compressed =
        zstd::bulk::compress(&plain, LEVEL).expect("zstd compresses an in-memory buffer");
    out.extend_from_slice(&compressed);
    out
}

/// The message, and how many bytes its unpacking may still add within `MAX_BODY`.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<(T, usize), WireError> {
    if body.len() > MAX_BODY {
        return Err(WireError::TooLarge { limit: MAX_BODY });
    }
    let (&version, rest) = body
        .split_first()
        .ok_or_else(|| WireError::Malformed("пустое сообщение".into()))?;
    if version != WIRE_VERSION {
        return Err(WireError::UnknownVersion(version));
    }
    let plain = inflate(rest)?;
    let (msg, tail) = postcard::take_from_bytes::<T>(&plain)
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
        };
        assert_eq!(decode_response(&encode_response(&resp)).unwrap(), resp);
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
        let mut plain = zstd::bulk::decompress(&body[1..], MAX_BODY).unwrap();
        plain.push(0);
        let mut body = vec![WIRE_VERSION];
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
        let mut body = vec![WIRE_VERSION];
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
        // Every change but the first was packed with its dependency as a back-reference.
        let (p, _): (PackedRequest, usize) = decode(&packed).unwrap();
        let backs = p.docs[0]
            .changes
            .iter()
            .filter(|c| {
                matches!(c, pack::PackedChange::Split { deps, .. }
                    if deps == &[pack::HashRef::Back(1)])
            })
            .count();
        assert_eq!(backs, 30);
        assert_eq!(p.docs[0].heads, vec![pack::HashRef::Back(1)]);
        // The receiver's automerge takes the rebuilt changes.
        let mut copy = zhurnal_journal::Doc::genesis(doc.id());
        for c in &decode_request(&packed).unwrap().docs[0].changes {
            copy.apply_chunk(c).unwrap();
        }
        assert_eq!(copy.heads(), doc.heads());
    }

    #[test]
    fn a_change_with_a_bad_checksum_travels_raw_and_unchanged() {
        let (doc, bookmark) = marked_journal(2);
        let bookmark: Vec<_> = bookmark.into_iter().map(Into::into).collect();
        let mut offer = crate::client::offer(&doc, &bookmark);
        offer.changes[1][4] ^= 0xFF;
        let req = SyncRequest {
            version: PROTOCOL_VERSION,
            docs: vec![offer],
        };
        assert_eq!(decode_request(&encode_request(&req)).unwrap(), req);
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
                                         docs in prop::collection::vec(arb_offer(), 0..6)) {
            let req = SyncRequest { version, docs };
            prop_assert_eq!(decode_request(&encode_request(&req)).unwrap(), req);
        }

        #[test]
        fn arbitrary_responses_round_trip(docs in prop::collection::vec(arb_update(), 0..6),
                                          more in any::<bool>(), remaining in any::<u32>()) {
            let resp = SyncResponse { docs, more, remaining };
            prop_assert_eq!(decode_response(&encode_response(&resp)).unwrap(), resp);
        }

        #[test]
        fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = decode_request(&body);
            let _ = decode_response(&body);
            // Also behind a valid version byte and inside a valid zstd frame.
            let mut framed = vec![WIRE_VERSION];
            framed.extend(zstd::bulk::compress(&body, 1).unwrap());
            let _ = decode_request(&framed);
            let _ = decode_response(&framed);
        }
    }
}
