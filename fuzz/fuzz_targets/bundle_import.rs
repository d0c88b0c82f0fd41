//! Bundle files: `bundle::open` + `verify`, and the server's import (signature with the
//! enrolment key, then the same gate as sync). Even first bytes: the rest is the file as it
//! is. Odd: the rest, read as a request like the sync target's, is sealed with the enrolled
//! device's real key, so the fuzzer gets past the signature into the gate. A refused bundle
//! must be a 4xx and change nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhurnal_fuzz::{assert_clear_refusal, fingerprint, fixture, request, Reader};
use zhurnal_sync::bundle;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture().lock().unwrap_or_else(|p| p.into_inner());
    let file = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let mut r = Reader(rest);
        let created = i64::from(r.u16());
        let b = bundle::Bundle {
            user: f.teacher,
            device: f.device,
            created,
            request: request(&f, &mut r),
        };
        bundle::seal(&b, &f.key)
    };
    if let Ok(sealed) = bundle::open(&file) {
        if let Ok(b) = sealed.verify(&f.key.public()) {
            assert_eq!(b.device, f.device);
        }
    }
    let before = fingerprint(&f.server);
    if let Err(e) = f.server.import_bundle(&file, "bundle") {
        assert_clear_refusal(&e);
        assert_eq!(
            fingerprint(&f.server),
            before,
            "a refused bundle changed the store: {e}"
        );
    }
});
