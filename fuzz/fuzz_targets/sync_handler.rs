//! The server's whole sync handler (`SchoolServer::sync`: authentication, decoding, the
//! permission gate, apply, answer) on a fresh store, as the enrolled teacher. Even first
//! bytes: the rest is the raw body. Odd: a request built from the bytes (real and made-up
//! documents and heads, the teacher's real changes with bytes flipped, raw bytes as changes),
//! wire-encoded in short (bit 1 of the first byte: short hashes and folded documents, which the
//! server looks up in its own) or standing alone. An answer must decode against its request; a
//! refusal must be a 4xx and change nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhurnal_fuzz::{assert_clear_refusal, fingerprint, fixture, request, Reader};
use zhurnal_sync::wire;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture().lock().unwrap_or_else(|p| p.into_inner());
    let (body, sent) = if mode & 1 == 0 {
        // A raw body the server read: the answer refers to the request, which a body in full
        // gives back here too (one in short needs the server's documents to read).
        let sent = wire::body_dictionary(rest)
            .is_none()
            .then(|| wire::decode_request(rest).ok())
            .flatten();
        (rest.to_vec(), sent)
    } else {
        // As a device sends it (short hashes, unchanged documents folded, which the server
        // looks up in its documents), or standing alone.
        let req = zhurnal_sync::client::request(request(&f, &mut Reader(rest)).docs);
        let form = wire::Shorthand {
            dict: None,
            short_hashes: mode & 2 != 0,
            fold_unchanged: mode & 2 != 0,
        };
        (wire::encode_request_with(&req, form), Some(req))
    };
    let before = fingerprint(&f.server);
    match f.server.sync(Some(&f.token), &body) {
        Ok(answer) => {
            if let Some(req) = sent {
                wire::decode_response_to(&answer, &req, None).expect("the server's answer decodes");
            }
        }
        Err(e) => {
            assert_clear_refusal(&e);
            assert_eq!(
                fingerprint(&f.server),
                before,
                "a refused request changed the store: {e}"
            );
        }
    }
});
