//! How the messages of [`protocol`](crate::protocol) become bytes on the wire.
//!
//! A body is one version byte ([`WIRE_VERSION`]) followed by a zstd frame holding the message
//! in postcard's compact binary encoding. Decoding never trusts the body: a body or a decoded
//! message larger than [`MAX_BODY`] is refused as [`WireError::TooLarge`] without inflating
//! more than `MAX_BODY + 1` bytes (no zip bombs), a body that does not decode is
//! [`WireError::Malformed`], and another version byte is [`WireError::UnknownVersion`]. Each
//! maps to a stable [`ErrorCode`] for the HTTP answer.
//!
//! The automerge changes inside a message come out byte-identical: automerge identifies a
//! change by the hash of its bytes.

use crate::protocol::{ErrorCode, Rejection, SyncRequest, SyncResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;
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

/// A request as a body.
pub fn encode_request(req: &SyncRequest) -> Vec<u8> {
    encode(req)
}

/// A body as a request.
pub fn decode_request(body: &[u8]) -> Result<SyncRequest, WireError> {
    decode(body)
}

/// A response as a body.
pub fn encode_response(resp: &SyncResponse) -> Vec<u8> {
    encode(resp)
}

/// A body as a response.
pub fn decode_response(body: &[u8]) -> Result<SyncResponse, WireError> {
    decode(body)
}

fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    let plain = postcard::to_allocvec(msg).expect("the messages serialize to postcard");
    let mut out = vec![WIRE_VERSION];
    let compressed =
        zstd::bulk::compress(&plain, LEVEL).expect("zstd compresses an in-memory buffer");
    out.extend_from_slice(&compressed);
    out
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, WireError> {
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
    Ok(msg)
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
        let mut plain = postcard::to_allocvec(&sample_request()).unwrap();
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
