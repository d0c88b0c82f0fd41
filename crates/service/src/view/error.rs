//! A failed command: its stable code and its message in the user's words.

use super::*;

/// The stable codes of a failed command (`AppError.code`), as the window tells them apart. On
/// the wire each is its snake_case name (`"not_found"`); TypeScript gets the same union from
/// `ui/src/bindings/AppCode.ts`, so a code cannot drift between the two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum AppCode {
    NotFound,
    Invalid,
    ReadOnly,
    NoAccess,
    /// No local profile chosen yet.
    NoProfile,
    /// The file holds no school.
    NoSchool,
    Conflict,
    Store,
    Sync,
    /// The server could not be reached (a status, not a failure: nothing is lost).
    Offline,
    Report,
    /// The file to write exists: the user is asked before it is replaced.
    Exists,
    /// The profile at work has a local PIN that was not entered (see [`App::unlock`]).
    Locked,
}

/// The codes by the names the use cases write them with (`code::NOT_FOUND`).
pub mod code {
    use super::AppCode;
    pub const NOT_FOUND: AppCode = AppCode::NotFound;
    pub const INVALID: AppCode = AppCode::Invalid;
    pub const READ_ONLY: AppCode = AppCode::ReadOnly;
    pub const NO_ACCESS: AppCode = AppCode::NoAccess;
    pub const NO_PROFILE: AppCode = AppCode::NoProfile;
    pub const NO_SCHOOL: AppCode = AppCode::NoSchool;
    pub const CONFLICT: AppCode = AppCode::Conflict;
    pub const STORE: AppCode = AppCode::Store;
    pub const SYNC: AppCode = AppCode::Sync;
    pub const OFFLINE: AppCode = AppCode::Offline;
    pub const REPORT: AppCode = AppCode::Report;
    pub const EXISTS: AppCode = AppCode::Exists;
    pub const LOCKED: AppCode = AppCode::Locked;
}

/// A failed command: `code` is stable (see [`code`]), `message` is Russian, for the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(test, derive(TS))]
#[error("{message}")]
pub struct AppError {
    pub code: AppCode,
    pub message: String,
}

impl AppError {
    /// An error with its message as a sentence (a capital first letter), whichever layer
    /// worded it.
    pub fn new(code: AppCode, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut chars = message.chars();
        let message = match chars.next() {
            Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
            _ => message,
        };
        Self { code, message }
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        use zhurnal_journal::JournalError as J;
        let c = match &e {
            ServiceError::NoSchool(_) => code::NO_SCHOOL,
            ServiceError::NoClass { .. }
            | ServiceError::NoSubject { .. }
            | ServiceError::NoStudent { .. }
            | ServiceError::NoStaff(_)
            | ServiceError::NoLesson { .. } => code::NOT_FOUND,
            ServiceError::Store(_) => code::STORE,
            ServiceError::Report(_) => code::REPORT,
            ServiceError::Journal(J::NoSuchLesson(_) | J::NoSuchStudent(_)) => code::NOT_FOUND,
            ServiceError::Journal(J::Corrupt(..) | J::Automerge(_)) => code::STORE,
            _ => code::INVALID,
        };
        Self::new(c, e.to_string())
    }
}

impl From<zhurnal_journal::JournalError> for AppError {
    fn from(e: zhurnal_journal::JournalError) -> Self {
        ServiceError::from(e).into()
    }
}

impl From<zhurnal_store::StoreError> for AppError {
    fn from(e: zhurnal_store::StoreError) -> Self {
        ServiceError::from(e).into()
    }
}

pub type AppResult<T> = Result<T, AppError>;

pub(super) fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(code::INVALID, message)
}

pub(super) fn not_found(message: impl Into<String>) -> AppError {
    AppError::new(code::NOT_FOUND, message)
}
