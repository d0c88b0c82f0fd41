//! The wire format's tests: round trips, compactness, and bodies that must be refused.

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
    let lesson = journal::add_lesson(&mut doc, &ed, &zhurnal_domain::Lesson::new(date, 1)).unwrap();
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
        let err = decode_request_with(&body, None, lookup.as_mut().map(|l| l as &mut dyn Holdings))
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
    prop::collection::vec((0..3usize, 0..7u8, any::<u16>(), ".{0,12}"), 1..25).prop_map(|steps| {
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
    })
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
