//! The JSON bodies of docs/sync-http.md other than the sync itself, written once for the
//! server, which answers with them, and the device, which sends and reads them. (The sync body
//! is [`crate::wire`]'s.)

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /api/v1/login`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    #[serde(default)]
    pub device_name: String,
    /// 64 hex digits: the device's Ed25519 public key.
    pub device_key: String,
}

/// The answer to a login: the device's bearer token, its id, and who logged in.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub device: Uuid,
    pub user: UserInfo,
}

/// The `user` object of the contract (`/login`, `/me`, `/admin/users`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: Uuid,
    pub login: String,
    pub name: String,
    /// `staff`, `student` or `parent`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub roles: Vec<String>,
    /// A one-time password (from the administrator's slip) must be changed before a sync.
    #[serde(default)]
    pub must_change_password: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<bool>,
}

/// `POST /api/v1/password`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PasswordChange {
    pub old: String,
    pub new: String,
}

/// The JSON body of every refusal: the stable code ([`crate::ErrorCode`]'s name), the message
/// in Russian, and the document it concerns, if one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub doc: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the contract spells, read by the shared types (and an older server's user object
    /// without its optional fields).
    #[test]
    fn the_contract_s_bodies_read_as_written() {
        let r: LoginResponse = serde_json::from_str(
            r#"{"token":"t","device":"00000000-0000-0000-0000-000000000001",
                "user":{"id":"00000000-0000-0000-0000-000000000002","login":"semenova","name":"Семенова А. Н."}}"#,
        )
        .unwrap();
        assert_eq!(r.user.login, "semenova");
        assert!(r.user.roles.is_empty() && !r.user.must_change_password);
        let e: ErrorBody =
            serde_json::from_str(r#"{"code":"read_only","message":"только чтение"}"#).unwrap();
        assert_eq!(e.doc, None);
        let p = serde_json::to_value(PasswordChange {
            old: "a".into(),
            new: "b".into(),
        })
        .unwrap();
        assert_eq!(p, serde_json::json!({"old": "a", "new": "b"}));
    }
}
