//! The server's errors: a stable code of the contract (`zhurnal_sync::ErrorCode`), a message
//! for the user in Russian, and the document it concerns. Over HTTP each is the JSON
//! `{"code", "message", "doc"}` with the status docs/sync-http.md gives.

use crate::storage::StorageError;
use zhurnal_sync::{ErrorCode, Rejection};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Refused: nothing was changed.
    #[error("{message}")]
    Refused {
        code: ErrorCode,
        message: String,
        doc: Option<String>,
        /// Seconds to wait (`rate_limited`).
        retry_after: Option<u64>,
    },
    /// The storage failed; nothing was changed.
    #[error("внутренняя ошибка сервера: {0}")]
    Storage(#[from] StorageError),
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;

/// A refusal with a code and a message.
pub fn refuse(code: ErrorCode, message: impl Into<String>) -> ServerError {
    ServerError::Refused {
        code,
        message: message.into(),
        doc: None,
        retry_after: None,
    }
}

/// A request that makes no sense (`400 bad_request`).
pub fn bad_request(message: impl Into<String>) -> ServerError {
    refuse(ErrorCode::BadRequest, message)
}

impl From<Rejection> for ServerError {
    fn from(r: Rejection) -> Self {
        ServerError::Refused {
            code: r.code,
            message: r.message,
            doc: r.doc,
            retry_after: None,
        }
    }
}

impl From<zhurnal_sync::WireError> for ServerError {
    fn from(e: zhurnal_sync::WireError) -> Self {
        refuse(e.code(), e.to_string())
    }
}

pub use zhurnal_sync::http::ErrorBody;

impl ServerError {
    /// The stable code; `internal` for a storage failure (500).
    pub fn code(&self) -> &'static str {
        match self {
            ServerError::Refused { code, .. } => code.as_str(),
            ServerError::Storage(_) => "internal",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            ServerError::Refused { code, .. } => code.http_status(),
            ServerError::Storage(_) => 500,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_string(),
            message: self.to_string(),
            doc: match self {
                ServerError::Refused { doc, .. } => doc.clone(),
                ServerError::Storage(_) => None,
            },
        }
    }
}
