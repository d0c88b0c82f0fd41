//! Bundle files: `bundle::open` + `verify`, and the server's import (signature with the
//! enrolment key, then the same gate as sync). Even first bytes: the rest is the file as it
//! is. Odd: the rest, read as a request like the sync target's, is sealed with the enrolled
//! device's real key, so the fuzzer gets past the signature into the gate. A refused bundle
//! must be a 4xx and change nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhurnal_fuzz::{assert_clear_refusal, bundle_file, fingerprint, fixture};
use zhurnal_sync::bundle;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture().lock().unwrap_or_else(|p| p.into_inner());
    let file = bundle_file(&f, mode, rest);
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
