//! Signed bundles: a sync request carried on a USB stick.
//!
//! A device that cannot reach the server writes everything the server has not acknowledged
//! into a file (`zhurnal bundle export`); a clerk carries it to the office, where the server
//! (or another device) imports it through the same permission gate as a sync request. Between
//! the two the file passes through hands and machines nobody vouches for, so it is signed with
//! the device's Ed25519 key ([`DeviceKey`]), whose public half the server learnt at enrolment.
//!
//! The file:
//!
//! | bytes | what |
//! |---|---|
//! | 8 | magic `ZHJBUNDL` |
//! | 1 | format version ([`BUNDLE_VERSION`]) |
//! | 16 | user (the staff member) |
//! | 16 | device |
//! | 8 | created, Unix seconds, little-endian |
//! | 32 | the device's Ed25519 public key (format 2 only) |
//! | 4 | length `n` of the request, little-endian |
//! | n | the request, [`wire::encode_request`](crate::wire::encode_request) |
//! | 64 | Ed25519 signature of every byte above |
//!
//! [`open`] reads the header without trusting anything (it only says which device claims to
//! have made the file, so the importer can look its key up); [`Sealed::verify`] checks the
//! signature with that key before a byte of the request is decoded.
//!
//! Format 2 (written since issue 4) adds the signing device's public key, inside the signed
//! bytes, so that another device — which never saw the enrolment — can check that the file is
//! whole ([`Sealed::public_key`]). That proves integrity, not identity: the server still
//! verifies with the key it learnt at enrolment, and [`Sealed::verify`] refuses a file whose
//! embedded key is not the one it is verified with. Format 1 files are still read.

use crate::gate::DeviceId;
use crate::protocol::{ErrorCode, Rejection, SyncRequest};
use crate::wire::{self, WireError};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use std::fmt;
use zhurnal_domain::StaffId;

/// The first bytes of every bundle file.
pub const MAGIC: [u8; 8] = *b"ZHJBUNDL";

/// The bundle format version written; bumped when the layout above changes.
pub const BUNDLE_VERSION: u8 = 2;

/// The header of format 1 (no public key).
const HEADER_V1: usize = 8 + 1 + 16 + 16 + 8 + 4;
/// The header of format 2 (with the public key).
const HEADER: usize = HEADER_V1 + 32;
const SIGNATURE: usize = 64;

/// Why a bundle was refused. Nothing of a refused bundle is applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("это не файл пакета синхронизации Журнала")]
    NotABundle,
    #[error("пакет сделан более новой версией программы (формат {0}); обновите программу")]
    UnknownVersion(u8),
    #[error("файл пакета обрезан или дописан (ожидалось {expected} байт, в файле {actual}); запишите пакет заново")]
    Truncated { expected: usize, actual: usize },
    #[error("пакет слишком большой: больше {limit} байт")]
    TooLarge { limit: usize },
    #[error("подпись пакета не сходится: файл изменён или сделан не тем устройством, которое в нём указано; пакет не принят")]
    BadSignature,
    #[error("ключ устройства повреждён: {0}")]
    BadKey(String),
    #[error("пакет подписан верно, но его содержимое не читается: {0}")]
    Wire(WireError),
}

impl BundleError {
    /// The stable code this refusal crosses the wire with.
    pub fn code(&self) -> ErrorCode {
        match self {
            BundleError::UnknownVersion(_) => ErrorCode::UnsupportedVersion,
            BundleError::TooLarge { .. } => ErrorCode::TooLarge,
            BundleError::BadSignature => ErrorCode::ForeignActor,
            BundleError::Wire(w) => w.code(),
            BundleError::NotABundle | BundleError::Truncated { .. } | BundleError::BadKey(_) => {
                ErrorCode::BadRequest
            }
        }
    }
}

impl From<BundleError> for Rejection {
    fn from(e: BundleError) -> Self {
        Rejection {
            code: e.code(),
            doc: None,
            message: e.to_string(),
        }
    }
}

/// A device's signing key (Ed25519). The secret half never leaves the device's store; the
/// public half ([`DeviceKey::public`]) is sent once, at enrolment.
#[derive(Clone)]
pub struct DeviceKey(SigningKey);

impl DeviceKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Self {
        DeviceKey(SigningKey::from_bytes(&rand::random::<[u8; 32]>()))
    }

    pub fn from_bytes(secret: &[u8; 32]) -> Self {
        DeviceKey(SigningKey::from_bytes(secret))
    }

    /// The secret key, to keep in the device's store.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public key, for the server.
    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// The secret key as 64 hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    pub fn from_hex(secret: &str) -> Result<Self, BundleError> {
        Ok(Self::from_bytes(&key_from_hex(secret)?))
    }

    /// The public key as 64 hex digits (the `device_key` of the login request).
    pub fn public_hex(&self) -> String {
        hex::encode(self.public())
    }

    fn sign(&self, bytes: &[u8]) -> [u8; 64] {
        self.0.sign(bytes).to_bytes()
    }
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret.
        write!(f, "DeviceKey(public {})", self.public_hex())
    }
}

/// A public key from 64 hex digits, checked to be a valid Ed25519 point.
pub fn public_from_hex(public: &str) -> Result<[u8; 32], BundleError> {
    let key = key_from_hex(public)?;
    VerifyingKey::from_bytes(&key)
        .map_err(|_| BundleError::BadKey("это не открытый ключ Ed25519".into()))?;
    Ok(key)
}

fn key_from_hex(s: &str) -> Result<[u8; 32], BundleError> {
    let bytes = hex::decode(s.trim())
        .map_err(|_| BundleError::BadKey("ожидалось 64 шестнадцатеричные цифры".into()))?;
    bytes
        .try_into()
        .map_err(|_| BundleError::BadKey("ожидалось 64 шестнадцатеричные цифры".into()))
}

/// What a bundle carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    /// Who made it: the author of its changes.
    pub user: StaffId,
    /// The device that made and signed it.
    pub device: DeviceId,
    /// When it was made (Unix seconds).
    pub created: i64,
    pub request: SyncRequest,
}

/// The bundle as a file, signed with the device's key.
pub fn seal(bundle: &Bundle, key: &DeviceKey) -> Vec<u8> {
    let body = wire::encode_request(&bundle.request);
    let mut out = Vec::with_capacity(HEADER + body.len() + SIGNATURE);
    out.extend_from_slice(&MAGIC);
    out.push(BUNDLE_VERSION);
    out.extend_from_slice(bundle.user.as_bytes());
    out.extend_from_slice(bundle.device.0.as_bytes());
    out.extend_from_slice(&bundle.created.to_le_bytes());
    out.extend_from_slice(&key.public());
    let len = u32::try_from(body.len()).expect("a request body is far below 4 GiB");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&body);
    let signature = key.sign(&out);
    out.extend_from_slice(&signature);
    out
}

/// A bundle file read but not yet trusted: only [`Sealed::verify`] gives its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    user: StaffId,
    device: DeviceId,
    created: i64,
    public_key: Option<[u8; 32]>,
    /// Where the request begins in `signed`.
    body_at: usize,
    signed: Vec<u8>,
    signature: [u8; 64],
}

/// Reads a bundle's header and checks its shape; trusts nothing in it.
pub fn open(file: &[u8]) -> Result<Sealed, BundleError> {
    if file.len() < MAGIC.len() || file[..MAGIC.len()] != MAGIC {
        return Err(BundleError::NotABundle);
    }
    if file.len() > HEADER + wire::MAX_BODY + SIGNATURE {
        return Err(BundleError::TooLarge {
            limit: wire::MAX_BODY,
        });
    }
    let version = *file.get(8).ok_or(BundleError::Truncated {
        expected: HEADER + SIGNATURE,
        actual: file.len(),
    })?;
    let header = match version {
        1 => HEADER_V1,
        2 => HEADER,
        v => return Err(BundleError::UnknownVersion(v)),
    };
    if file.len() < header {
        return Err(BundleError::Truncated {
            expected: header + SIGNATURE,
            actual: file.len(),
        });
    }
    let field = |at: usize| -> [u8; 16] { file[at..at + 16].try_into().expect("16 bytes") };
    let user = StaffId::from_raw(field(9));
    let device = DeviceId(uuid::Uuid::from_bytes(field(25)));
    let created = i64::from_le_bytes(file[41..49].try_into().expect("8 bytes"));
    let public_key: Option<[u8; 32]> =
        (version >= 2).then(|| file[49..81].try_into().expect("32 bytes"));
    let len = u32::from_le_bytes(file[header - 4..header].try_into().expect("4 bytes")) as usize;
    if len > wire::MAX_BODY {
        return Err(BundleError::TooLarge {
            limit: wire::MAX_BODY,
        });
    }
    let expected = header + len + SIGNATURE;
    if file.len() != expected {
        return Err(BundleError::Truncated {
            expected,
            actual: file.len(),
        });
    }
    let (signed, signature) = file.split_at(header + len);
    Ok(Sealed {
        user,
        device,
        created,
        public_key,
        body_at: header,
        signed: signed.to_vec(),
        signature: signature.try_into().expect("64 bytes"),
    })
}

impl Sealed {
    /// The device that claims to have made the bundle: whose key to verify it with.
    pub fn device(&self) -> DeviceId {
        self.device
    }

    /// The user the bundle claims to come from (trusted only after [`Sealed::verify`]).
    pub fn user(&self) -> StaffId {
        self.user
    }

    /// The public key the file says it was signed with (format 2; `None` for format 1).
    /// Trust it only as far as [`Sealed::verify`] with it goes: it proves the file is whole,
    /// not who made it.
    pub fn public_key(&self) -> Option<[u8; 32]> {
        self.public_key
    }

    /// Checks the signature with the device's public key, then decodes the request. A file
    /// that names another key than `public` is refused as badly signed.
    pub fn verify(&self, public: &[u8; 32]) -> Result<Bundle, BundleError> {
        let key = VerifyingKey::from_bytes(public)
            .map_err(|_| BundleError::BadKey("это не открытый ключ Ed25519".into()))?;
        if self.public_key.is_some_and(|k| &k != public) {
            return Err(BundleError::BadSignature);
        }
        key.verify_strict(&self.signed, &Signature::from_bytes(&self.signature))
            .map_err(|_| BundleError::BadSignature)?;
        let request =
            wire::decode_request(&self.signed[self.body_at..]).map_err(BundleError::Wire)?;
        Ok(Bundle {
            user: self.user,
            device: self.device,
            created: self.created,
            request,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{DocOffer, Hash, PROTOCOL_VERSION};
    use proptest::prelude::*;

    fn bundle() -> Bundle {
        Bundle {
            user: StaffId::from_raw([3; 16]),
            device: DeviceId(uuid::Uuid::from_bytes([4; 16])),
            created: 1_760_000_000,
            request: SyncRequest {
                version: PROTOCOL_VERSION,
                mark: None,
                docs: vec![DocOffer {
                    doc: "2025/journal/a/b".into(),
                    heads: vec![Hash([5; 32])],
                    changes: vec![vec![1, 2, 3, 4, 5, 6, 7, 8, 9]],
                }],
            },
        }
    }

    #[test]
    fn a_sealed_bundle_opens_and_verifies_with_its_device_key() {
        let key = DeviceKey::generate();
        let file = seal(&bundle(), &key);
        assert_eq!(&file[..8], b"ZHJBUNDL");
        let sealed = open(&file).unwrap();
        assert_eq!(sealed.device(), bundle().device);
        assert_eq!(sealed.user(), bundle().user);
        assert_eq!(sealed.verify(&key.public()).unwrap(), bundle());
    }

    #[test]
    fn every_changed_byte_is_refused() {
        let key = DeviceKey::generate();
        let file = seal(&bundle(), &key);
        for i in 0..file.len() {
            let mut bad = file.clone();
            bad[i] ^= 0x01;
            let res = open(&bad).and_then(|s| s.verify(&key.public()));
            let err = res.expect_err(&format!("byte {i} changed and accepted"));
            assert!(!err.to_string().is_empty());
        }
        // A change in the signed part past the header is a signature failure, in Russian.
        let mut bad = file.clone();
        bad[HEADER + 2] ^= 0x80;
        let err = open(&bad).unwrap().verify(&key.public()).unwrap_err();
        assert_eq!(err, BundleError::BadSignature);
        assert!(
            err.to_string().contains("подпись пакета не сходится"),
            "{err}"
        );
        assert_eq!(err.code(), ErrorCode::ForeignActor);
    }

    #[test]
    fn another_devices_key_is_refused() {
        let (mine, other) = (DeviceKey::generate(), DeviceKey::generate());
        let file = seal(&bundle(), &mine);
        assert_eq!(
            open(&file).unwrap().verify(&other.public()).unwrap_err(),
            BundleError::BadSignature
        );
    }

    #[test]
    fn a_truncated_or_extended_file_is_refused() {
        let key = DeviceKey::generate();
        let file = seal(&bundle(), &key);
        for cut in [9, HEADER - 1, HEADER, file.len() - 1] {
            let err = open(&file[..cut]).unwrap_err();
            assert!(
                matches!(err, BundleError::Truncated { .. }),
                "{cut}: {err:?}"
            );
            assert!(err.to_string().contains("обрезан"), "{err}");
        }
        let mut longer = file.clone();
        longer.push(0);
        assert!(matches!(open(&longer), Err(BundleError::Truncated { .. })));
        assert_eq!(open(&file[..5]).unwrap_err(), BundleError::NotABundle);
        assert_eq!(
            open(b"PK\x03\x04 a zip file").unwrap_err(),
            BundleError::NotABundle
        );
    }

    #[test]
    fn a_newer_format_is_refused_as_such() {
        let key = DeviceKey::generate();
        let mut file = seal(&bundle(), &key);
        file[8] = 3;
        let err = open(&file).unwrap_err();
        assert_eq!(err, BundleError::UnknownVersion(3));
        assert!(err.to_string().contains("обновите программу"));
    }

    #[test]
    fn a_signed_but_undecodable_request_is_refused() {
        let key = DeviceKey::generate();
        let mut file = MAGIC.to_vec();
        file.push(BUNDLE_VERSION);
        file.extend_from_slice(&[0; 40]);
        file.extend_from_slice(&key.public());
        file.extend_from_slice(&3u32.to_le_bytes());
        file.extend_from_slice(&[wire::WIRE_VERSION, 0xFF, 0xFF]);
        let sig = key.sign(&file);
        file.extend_from_slice(&sig);
        let err = open(&file).unwrap().verify(&key.public()).unwrap_err();
        assert!(
            matches!(err, BundleError::Wire(WireError::Malformed(_))),
            "{err:?}"
        );
    }

    #[test]
    fn format_2_carries_the_signing_key_inside_the_signed_bytes() {
        let key = DeviceKey::generate();
        let file = seal(&bundle(), &key);
        assert_eq!(file[8], 2);
        let sealed = open(&file).unwrap();
        assert_eq!(sealed.public_key(), Some(key.public()));
        assert_eq!(sealed.verify(&key.public()).unwrap(), bundle());
        // Another key written over the embedded one: the signature no longer holds, whichever
        // key the importer takes.
        let other = DeviceKey::generate();
        let mut swapped = file.clone();
        swapped[49..81].copy_from_slice(&other.public());
        let s = open(&swapped).unwrap();
        assert_eq!(s.public_key(), Some(other.public()));
        assert_eq!(
            s.verify(&other.public()).unwrap_err(),
            BundleError::BadSignature
        );
        assert_eq!(
            s.verify(&key.public()).unwrap_err(),
            BundleError::BadSignature
        );
        // A file re-signed by another device that still names the first key: refused too.
        let mut resigned = file[..file.len() - SIGNATURE].to_vec();
        let sig = other.sign(&resigned);
        resigned.extend_from_slice(&sig);
        assert_eq!(
            open(&resigned)
                .unwrap()
                .verify(&other.public())
                .unwrap_err(),
            BundleError::BadSignature
        );
    }

    #[test]
    fn format_1_files_are_still_read() {
        let key = DeviceKey::generate();
        let b = bundle();
        let body = wire::encode_request(&b.request);
        let mut file = MAGIC.to_vec();
        file.push(1);
        file.extend_from_slice(b.user.as_bytes());
        file.extend_from_slice(b.device.0.as_bytes());
        file.extend_from_slice(&b.created.to_le_bytes());
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        file.extend_from_slice(&body);
        let sig = key.sign(&file);
        file.extend_from_slice(&sig);
        let sealed = open(&file).unwrap();
        assert_eq!(sealed.public_key(), None);
        assert_eq!(sealed.verify(&key.public()).unwrap(), b);
        assert_eq!(
            open(&file[..HEADER_V1 + 3]).unwrap_err(),
            BundleError::Truncated {
                expected: file.len(),
                actual: HEADER_V1 + 3
            }
        );
    }

    #[test]
    fn keys_round_trip_through_bytes_and_hex() {
        let key = DeviceKey::generate();
        assert_eq!(
            DeviceKey::from_bytes(&key.to_bytes()).public(),
            key.public()
        );
        assert_eq!(
            DeviceKey::from_hex(&key.to_hex()).unwrap().public(),
            key.public()
        );
        assert_eq!(public_from_hex(&key.public_hex()).unwrap(), key.public());
        assert!(matches!(
            public_from_hex("abc"),
            Err(BundleError::BadKey(_))
        ));
        assert!(
            !format!("{key:?}").contains(&key.to_hex()),
            "Debug hides the secret"
        );
        assert_ne!(DeviceKey::generate().public(), key.public());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_open_or_verify(tail in prop::collection::vec(any::<u8>(), 0..400),
                                                      header in any::<bool>()) {
            let key = DeviceKey::from_bytes(&[7; 32]);
            let mut file = Vec::new();
            if header {
                file.extend_from_slice(&MAGIC);
                file.push(BUNDLE_VERSION);
            }
            file.extend_from_slice(&tail);
            if let Ok(sealed) = open(&file) {
                let _ = sealed.verify(&key.public());
                let _ = sealed.verify(&[0xFF; 32]);
            }
        }
    }
}
