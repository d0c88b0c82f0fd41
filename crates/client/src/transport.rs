//! Carrying bodies to the server and back. A [`Transport`] only moves bytes; what they mean is
//! the caller's. [`Http`] is the real one (ureq, blocking); tests put their own in its place.

use std::time::Duration;

/// An answer that arrived whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    /// `Retry-After` in seconds, if the server sent one.
    pub retry_after: Option<u64>,
}

/// The link failed: no connection, a connection cut, a body cut short, a timeout. Always worth
/// another try; nothing is known about whether the server applied the request (resending is
/// harmless by the protocol).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LinkError(pub String);

/// Moves one POST to the server and its answer.
pub trait Transport: Send {
    fn post(
        &self,
        url: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> Result<Answer, LinkError>;
}

/// The largest answer read (the server's cap on a sync body, with room for its framing).
pub const MAX_ANSWER: u64 = zhurnal_sync::MAX_BODY as u64 + 1024;

/// HTTP over ureq: blocking, TLS-capable, every status returned as an answer.
pub struct Http {
    agent: ureq::Agent,
}

impl Http {
    /// A client with timeouts fit for a slow link: 15 s to connect, 120 s for a whole exchange.
    pub fn new() -> Self {
        Self::with_timeouts(Duration::from_secs(15), Duration::from_secs(120))
    }

    pub fn with_timeouts(connect: Duration, total: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(connect))
            .timeout_global(Some(total))
            .user_agent(concat!("zhurnal/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self { agent }
    }
}

impl Default for Http {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport for Http {
    fn post(
        &self,
        url: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> Result<Answer, LinkError> {
        let mut req = self.agent.post(url).header("Content-Type", content_type);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let mut resp = req.send(body).map_err(link)?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(link)?;
        Ok(Answer {
            status,
            body,
            retry_after,
        })
    }
}

fn link(e: ureq::Error) -> LinkError {
    LinkError(match e {
        ureq::Error::Io(io) => io.to_string(),
        ureq::Error::Timeout(t) => format!("нет ответа вовремя ({t})"),
        ureq::Error::HostNotFound => "адрес сервера не найден".into(),
        ureq::Error::ConnectionFailed => "не удалось соединиться".into(),
        other => other.to_string(),
    })
}
