//! Decoding of sync bodies, both directions. The first byte chooses: the rest as a whole body,
//! or the rest wrapped in a valid zstd frame behind the version and flags bytes (so the fuzzer reaches
//! postcard and the change unpacking past the decompressor). Whatever decodes encodes and
//! decodes again to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhurnal_sync::wire;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let body = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        // The version byte and no flags, as a body standing alone.
        let mut b = vec![wire::WIRE_VERSION, 0];
        b.extend(zstd::bulk::compress(rest, 1).expect("zstd compresses"));
        b
    };
    if mode & 2 == 0 {
        if let Ok(req) = wire::decode_request(&body) {
            let again = wire::decode_request(&wire::encode_request(&req)).expect("round trip");
            assert_eq!(again, req);
        }
    } else if let Ok(resp) = wire::decode_response(&body) {
        let again = wire::decode_response(&wire::encode_response(&resp)).expect("round trip");
        assert_eq!(again, resp);
    }
});
