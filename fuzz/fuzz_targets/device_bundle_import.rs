//! A device importing a bundle from a USB stick (`Client::import_bundle`): the bytes are the
//! other device's file, checked with its public key and then with the sync core's guarded
//! gate, as the server checks them. First byte even: the rest is the file as it is. Odd: the
//! rest, read as a request like the sync target's, is sealed with the teacher's real device
//! key, so the fuzzer gets past the signature into the gate and the store. Bit 1 of the first
//! byte: the bundle is checked with another key, and must be refused. Any refusal changes
//! nothing on the device; nothing panics out of the import.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhurnal_client::ClientError;
use zhurnal_fuzz::{bundle_file, device_fingerprint, fixture};
use zhurnal_sync::bundle::DeviceKey;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut f = fixture().lock().unwrap_or_else(|p| p.into_inner());
    let file = bundle_file(&f, mode, rest);
    let wrong_key = mode & 2 != 0;
    let public = if wrong_key {
        DeviceKey::generate().public_hex()
    } else {
        f.key.public_hex()
    };
    let before = device_fingerprint(f.receiver.store());
    match f.receiver.import_bundle(&file, &public) {
        Ok(report) => {
            assert!(!wrong_key, "a bundle passed with another device's key");
            if report.changes == 0 {
                assert_eq!(device_fingerprint(f.receiver.store()), before);
            }
        }
        Err(e) => {
            assert!(
                matches!(e, ClientError::Bundle(_) | ClientError::BundleRefused(_)),
                "a bad bundle is a refusal, not a fault: {e:?}"
            );
            assert!(!e.to_string().is_empty());
            assert_eq!(
                device_fingerprint(f.receiver.store()),
                before,
                "a refused bundle changed the device: {e}"
            );
        }
    }
});
