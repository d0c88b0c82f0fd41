//! Newtype identifiers. Every entity that two devices might create independently is named by
//! a fresh random UUID chosen by its creator, so concurrent creations never collide.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random identifier.
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
            /// The identifier with exactly these 16 bytes (as stored in a binary field).
            pub fn from_raw(bytes: [u8; 16]) -> Self {
                Self(Uuid::from_bytes(bytes))
            }
            /// The 16 bytes of the identifier.
            pub fn as_bytes(&self) -> &[u8; 16] {
                self.0.as_bytes()
            }
            /// A version-4 identifier made from 16 random bytes (used by the deterministic demo
            /// generator, which draws them from a seeded generator).
            pub fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A student, stable for his whole school life (a transfer keeps it).
    StudentId
);
id_type!(
    /// One lesson in one class journal.
    LessonId
);
id_type!(
    /// A class of one school year ("7Б" of 2025/26).
    ClassId
);
id_type!(
    /// A subject of the curriculum.
    SubjectId
);
id_type!(
    /// A member of staff (teacher, class teacher, deputy, admin).
    StaffId
);
id_type!(
    /// One entry of student movement (arrival, departure, transfer).
    MovementId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = StudentId::from_bytes([7; 16]);
        let text = id.to_string();
        assert_eq!(text.parse::<StudentId>().unwrap(), id);
        assert!("not-a-uuid".parse::<StudentId>().is_err());
    }
}
