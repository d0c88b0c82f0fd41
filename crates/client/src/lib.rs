//! # The device's side of sync
//!
//! A teacher's laptop keeps the school's journals in its own SQLite file and, when a link
//! appears, meets the school server over HTTP (docs/sync-http.md):
//!
//! * [`Client::login`] enrols the device once: it makes the device's Ed25519 key
//!   ([`zhurnal_sync::bundle::DeviceKey`]), sends the public half with the teacher's login and
//!   password, and keeps the token and the key in the device's profile (`zhurnal-store`).
//!   From then on the device's changes are written by that user.
//! * [`Client::sync`] repeats `POST /api/v1/sync` while the server says `more`. Each round's
//!   request is built afresh from the store and its bookmarks, so a round whose answer was lost
//!   or cut just happens again: the server ignores changes it holds, and a document's changes
//!   and its bookmark land in one transaction. Link failures and `5xx` are retried with
//!   exponential backoff and full jitter ([`retry`]); a `4xx` refusal is final and reported in
//!   the server's words.
//! * [`Client::status`] says per document what is not yet on the server and what conflicts
//!   wait for a choice, with the last sync and the last error.
//! * [`Client::export_bundle`] and [`Client::import_bundle`]: the same request on a USB stick,
//!   signed with the device key, for a school without a link.
//!
//! The HTTP itself is a [`transport::Transport`]; the real one is ureq (blocking, no async
//! runtime), so the desktop app runs a sync on a background thread.

// The errors carry the service's and the store's errors whole, so that a teacher reads their
// messages unchanged; a sync happens once a minute at most, so their size costs nothing.
#![allow(clippy::result_large_err)]

pub mod retry;
pub mod transport;

use rand::SeedableRng;
use std::path::Path;
use std::time::Duration;
use thiserror::Error;
use zhurnal_domain::StaffId;
use zhurnal_journal::{Doc, DocId};
use zhurnal_service::sync as local;
use zhurnal_service::{ServiceError, SyncStatus};
use zhurnal_store::{Profile, Store, StoreError};
use zhurnal_sync::bundle::{self, BundleError, DeviceKey};
use zhurnal_sync::gate::{ActorBook, DeviceId, DocSource, Principal};
use zhurnal_sync::http::{ErrorBody, LoginRequest, LoginResponse, PasswordChange};
use zhurnal_sync::ladder::Ladder;
use zhurnal_sync::wire;
use zhurnal_sync::{ErrorCode, Rejection};

pub use retry::Backoff;
pub use transport::{Answer, Http, LinkError, Transport};

/// Errors of the device's sync, in the teacher's words; each says what to do next, without
/// naming a command: the command line adds what to type, the app what to press.
#[derive(Debug, Error)]
pub enum ClientError {
    #[error("это устройство ещё не подключено к серверу школы: войдите на сервер школы с логином и паролем от администратора")]
    NotEnrolled { db: String },
    #[error("«{0}» — не адрес сервера: ожидается http://… или https://…")]
    BadUrl(String),
    #[error("нет связи с сервером {server} ({detail}). Всё введённое сохранено на этом устройстве: синхронизируйте, когда появится связь, или перенесите изменения на флешке")]
    NoLink { server: String, detail: String },
    #[error("сервер {server} сейчас не может ответить (ошибка {status}). Всё введённое сохранено на этом устройстве; попробуйте позже")]
    ServerFault { server: String, status: u16 },
    #[error("неверный логин или пароль")]
    BadCredentials,
    #[error("сервер не узнал это устройство ({message}): войдите на сервер заново")]
    Unauthorized { message: String },
    #[error("сервер отказал: {message}{}", doc.as_deref().map(|d| format!(" (документ {d})")).unwrap_or_default())]
    Refused {
        /// The stable code (`read_only`, `no_access`, …).
        code: String,
        message: String,
        doc: Option<String>,
    },
    #[error("сервер ответил непонятно: {0}")]
    Protocol(String),
    #[error("пакет не принят: {0}")]
    Bundle(#[from] BundleError),
    #[error("пакет не принят, ничего не изменено: {0}")]
    BundleRefused(Rejection),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T, E = ClientError> = std::result::Result<T, E>;

/// Who this device is, as the server said at enrolment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    pub server: String,
    pub user_name: String,
    pub login: String,
    pub roles: Vec<String>,
    pub device: String,
    pub must_change_password: bool,
}

/// How a sync is going (for a progress bar).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Round trips done.
    pub rounds: usize,
    /// Documents the server still has to send.
    pub remaining: u32,
    /// Changes received so far.
    pub received: usize,
    /// Failed tries so far (each followed by a wait).
    pub retries: u32,
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub server: String,
    /// Changes that were not on the server before and are now.
    pub sent: usize,
    /// Changes received, and in how many documents.
    pub received: usize,
    pub documents: usize,
    pub rounds: usize,
    pub retries: u32,
    /// Bytes of request and answer bodies, all rounds.
    pub bytes_up: usize,
    pub bytes_down: usize,
    /// Requests the server could not read in short, sent again spelt out further.
    pub resent: u32,
    /// What still needs attention after the sync (conflicts, mostly).
    pub status: SyncStatus,
}

/// The device's state for a status line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceStatus {
    /// `None` when the device is not enrolled.
    pub server: Option<String>,
    pub user_name: Option<String>,
    /// Unix seconds.
    pub last_sync_at: Option<i64>,
    pub last_error: Option<String>,
    pub sync: SyncStatus,
}

/// What importing a bundle did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub documents: usize,
    pub changes: usize,
}

/// What an exported bundle holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    pub file: Vec<u8>,
    pub documents: usize,
    pub changes: usize,
    /// The device's public key (64 hex digits): what another device needs to check the file.
    pub public_key: String,
}

/// A device's store and its link to the server.
pub struct Client {
    store: Store,
    transport: Box<dyn Transport>,
    backoff: Backoff,
    rng: rand::rngs::StdRng,
    sleep: Box<dyn FnMut(Duration) + Send>,
}

/// A server URL as the device keeps it: scheme and host, no trailing slash.
pub fn normalize_server(url: &str) -> Result<String> {
    let u = url.trim().trim_end_matches('/');
    let rest = u
        .strip_prefix("http://")
        .or_else(|| u.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(u.to_string()),
        _ => Err(ClientError::BadUrl(url.to_string())),
    }
}

impl Client {
    /// Opens (or creates) the device's store, with the real HTTP transport.
    pub fn open(db: impl AsRef<Path>) -> Result<Self> {
        Ok(Self::with_transport(
            Store::open(db)?,
            Box::new(Http::new()),
        ))
    }

    pub fn with_transport(store: Store, transport: Box<dyn Transport>) -> Self {
        Self {
            store,
            transport,
            backoff: Backoff::default(),
            rng: rand::rngs::StdRng::from_os_rng(),
            sleep: Box::new(std::thread::sleep),
        }
    }

    /// Replaces the retry policy (tests and scripts use short waits).
    pub fn set_backoff(&mut self, backoff: Backoff) {
        self.backoff = backoff;
    }

    /// Replaces how the client waits between tries (tests record the waits instead).
    pub fn set_sleep(&mut self, sleep: Box<dyn FnMut(Duration) + Send>) {
        self.sleep = sleep;
    }

    pub fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn profile(&self) -> Result<Option<Profile>> {
        Ok(self.store.profile()?)
    }

    fn enrolled(&self) -> Result<Profile> {
        self.store
            .profile()?
            .ok_or_else(|| ClientError::NotEnrolled {
                db: self.store.path().display().to_string(),
            })
    }

    /// Enrols this device with the server as `login`: a new device key, the token kept in the
    /// profile. A device already enrolled is enrolled anew (a new key and token).
    pub fn login(
        &mut self,
        server: &str,
        login: &str,
        password: &str,
        device_name: &str,
    ) -> Result<Enrolment> {
        let server = normalize_server(server)?;
        let key = DeviceKey::generate();
        let body = serde_json::to_string(&LoginRequest {
            login: login.to_string(),
            password: password.to_string(),
            device_name: device_name.to_string(),
            device_key: key.public_hex(),
        })
        .expect("a login request serialises");
        let mut retries = 0;
        let answer = self.post(
            &server,
            "/api/v1/login",
            None,
            "application/json",
            body.as_bytes(),
            &mut retries,
        )?;
        let a: LoginResponse = serde_json::from_slice(&answer.body)
            .map_err(|e| ClientError::Protocol(format!("ответ на вход: {e}")))?;
        let profile = Profile {
            server: server.clone(),
            login: a.user.login.clone(),
            user_id: a.user.id.to_string(),
            user_name: a.user.name.clone(),
            roles: a.user.roles.clone(),
            device_id: a.device.to_string(),
            device_name: device_name.to_string(),
            token: a.token,
            device_key: key.to_bytes(),
            enrolled_at: chrono::Utc::now().timestamp(),
            last_sync_at: None,
            last_error: None,
            last_error_at: None,
        };
        self.store.set_profile(&profile)?;
        Ok(Enrolment {
            server,
            user_name: a.user.name,
            login: a.user.login,
            roles: a.user.roles,
            device: a.device.to_string(),
            must_change_password: a.user.must_change_password,
        })
    }

    /// Changes the enrolled user's password on the server (`POST /api/v1/password`): how a
    /// teacher whose account was made with a one-time password (printed on a slip) may sync at
    /// all. Nothing is kept on the device; the token stays valid.
    pub fn change_password(&mut self, old: &str, new: &str) -> Result<()> {
        let profile = self.enrolled()?;
        let body = serde_json::to_string(&PasswordChange {
            old: old.to_string(),
            new: new.to_string(),
        })
        .expect("a password change serialises");
        let mut retries = 0;
        match self.post(
            &profile.server,
            "/api/v1/password",
            Some(&profile.token),
            "application/json",
            body.as_bytes(),
            &mut retries,
        ) {
            Ok(_) => Ok(()),
            Err(ClientError::BadCredentials) => Err(ClientError::Refused {
                code: ErrorCode::BadCredentials.as_str().into(),
                message: "неверный текущий пароль".into(),
                doc: None,
            }),
            Err(e) => Err(e),
        }
    }

    /// Syncs with the enrolled server (or `server`, if given) until it has nothing more to
    /// send. A failure is recorded in the profile for the status line, and nothing the user
    /// entered is touched by it.
    pub fn sync(
        &mut self,
        server: Option<&str>,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<SyncReport> {
        let profile = self.enrolled()?;
        let server = match server {
            Some(s) => normalize_server(s)?,
            None => profile.server.clone(),
        };
        let user = profile.user_id.parse::<StaffId>().map_err(|_| {
            ClientError::Protocol("в профиле устройства неверный id пользователя".into())
        })?;
        let result = self.sync_rounds(&server, &profile.token, user, progress);
        let now = chrono::Utc::now().timestamp();
        match &result {
            Ok(_) => self.store.record_sync_ok(now)?,
            Err(e) => self.store.record_sync_error(now, &e.to_string())?,
        }
        result
    }

    /// The roster dictionary of this device's copies of what `user` reads: the server builds
    /// the same from its own copies ([`wire::Dictionary::of_reader`]). `None` before the first
    /// sync brought a school.
    fn dictionary(&mut self, user: StaffId) -> Result<Option<wire::Dictionary>> {
        let Some(school) = local::latest_school(&mut self.store)? else {
            return Ok(None);
        };
        Ok(Some(wire::Dictionary::of_reader(
            &school,
            user,
            &mut StoreDocs(&mut self.store),
        )))
    }

    /// Rounds until the server has nothing more. Each request goes as short as the server reads
    /// it, spelt out further after each refusal of its spelling ([`Ladder`]).
    fn sync_rounds(
        &mut self,
        server: &str,
        token: &str,
        user: StaffId,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<SyncReport> {
        let before: usize = local::pending(&mut self.store, server)?
            .iter()
            .map(|(_, n)| n)
            .sum();
        let mut report = SyncReport {
            server: server.to_string(),
            ..Default::default()
        };
        let mut p = Progress::default();
        let mut ladder = Ladder::new();
        loop {
            let req = local::request(&mut self.store, server)?;
            let dict = if ladder.wants_dictionary() {
                self.dictionary(user)?
            } else {
                None
            };
            let mut body = wire::encode_request_with(&req, ladder.shorthand(dict.as_ref()));
            // A body that arrives cut or garbled is a failed round like a dropped connection.
            let mut failed = 0;
            let resp = loop {
                let answer = self.post_answer(
                    server,
                    "/api/v1/sync",
                    Some(token),
                    wire::CONTENT_TYPE,
                    &body,
                    &mut p.retries,
                )?;
                // A refusal's words count too.
                report.bytes_down += answer.body.len();
                let answer = match success(answer) {
                    // Sent again without the dictionary, or spelt out a step further.
                    Err(ClientError::Refused { code, .. })
                        if ErrorCode::parse(&code).is_some_and(|c| ladder.refused(c)) =>
                    {
                        report.bytes_up += body.len();
                        report.resent += 1;
                        body = wire::encode_request_with(&req, ladder.shorthand(dict.as_ref()));
                        continue;
                    }
                    a => a?,
                };
                report.bytes_up += body.len();
                match wire::decode_response_to(
                    &answer.body,
                    &req,
                    ladder.shorthand(dict.as_ref()).dict,
                ) {
                    Ok(r) => break r,
                    Err(e) => {
                        failed += 1;
                        if failed >= self.backoff.attempts {
                            return Err(ClientError::Protocol(e.to_string()));
                        }
                        p.retries += 1;
                        let wait = self.backoff.wait(failed, &mut self.rng);
                        (self.sleep)(wait);
                    }
                }
            };
            let got = local::apply(&mut self.store, server, &resp)?;
            p.rounds += 1;
            p.received += got.changes;
            p.remaining = resp.remaining;
            report.received += got.changes;
            report.documents += got.documents;
            progress(&p);
            if !resp.more {
                break;
            }
            ladder.more();
            if p.rounds > 100_000 {
                return Err(ClientError::Protocol(
                    "сервер не заканчивает передачу".into(),
                ));
            }
        }
        let status = local::status(&mut self.store, server)?;
        report.sent = before.saturating_sub(status.pending);
        report.rounds = p.rounds;
        report.retries = p.retries;
        report.status = status;
        Ok(report)
    }

    /// One POST with retries: link failures and `5xx` are tried again after a jittered wait;
    /// any other status that is not `2xx` is final.
    fn post(
        &mut self,
        server: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
        retries: &mut u32,
    ) -> Result<Answer> {
        success(self.post_answer(server, path, token, content_type, body, retries)?)
    }

    /// [`Client::post`] giving a refusal (`4xx`) as the answer it is, for its size.
    fn post_answer(
        &mut self,
        server: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
        retries: &mut u32,
    ) -> Result<Answer> {
        let url = format!("{server}{path}");
        let mut failed = 0;
        loop {
            let outcome = self.transport.post(&url, token, content_type, body);
            let retryable = match outcome {
                Ok(a) if a.status < 500 => return Ok(a),
                Ok(a) => ClientError::ServerFault {
                    server: server.to_string(),
                    status: a.status,
                },
                Err(LinkError(detail)) => ClientError::NoLink {
                    server: server.to_string(),
                    detail,
                },
            };
            failed += 1;
            if failed >= self.backoff.attempts {
                return Err(retryable);
            }
            *retries += 1;
            let wait = self.backoff.wait(failed, &mut self.rng);
            (self.sleep)(wait);
        }
    }

    /// The device's state: enrolment, last sync, and per document what waits.
    pub fn status(&mut self) -> Result<DeviceStatus> {
        let profile = self.store.profile()?;
        let peer = profile.as_ref().map(|p| p.server.clone());
        let sync = match &peer {
            Some(p) => local::status(&mut self.store, p)?,
            // Never enrolled: everything on the device is unsent; the bookmark of no peer is
            // empty, so a placeholder peer counts exactly that.
            None => local::status(&mut self.store, "")?,
        };
        Ok(DeviceStatus {
            server: peer,
            user_name: profile.as_ref().map(|p| p.user_name.clone()),
            last_sync_at: profile.as_ref().and_then(|p| p.last_sync_at),
            last_error: profile.and_then(|p| p.last_error),
            sync,
        })
    }

    /// A bundle of everything the server has not acknowledged, signed with the device key.
    pub fn export_bundle(&mut self) -> Result<Exported> {
        let profile = self.enrolled()?;
        let request = local::unacknowledged(&mut self.store, &profile.server)?;
        let user = profile.user_id.parse::<StaffId>().map_err(|_| {
            ClientError::Protocol("в профиле устройства неверный id пользователя".into())
        })?;
        let device = profile.device_id.parse::<uuid::Uuid>().map_err(|_| {
            ClientError::Protocol("в профиле устройства неверный id устройства".into())
        })?;
        let key = DeviceKey::from_bytes(&profile.device_key);
        let documents = request.docs.len();
        let changes = request.docs.iter().map(|d| d.changes.len()).sum();
        let b = bundle::Bundle {
            user,
            device: DeviceId(device),
            created: chrono::Utc::now().timestamp(),
            request,
        };
        Ok(Exported {
            file: bundle::seal(&b, &key),
            documents,
            changes,
            public_key: key.public_hex(),
        })
    }

    /// Applies another device's bundle, checked with that device's public key (64 hex digits,
    /// printed by its `zhurnal bundle export`) and passed through the same permission gate as
    /// the server's ([`zhurnal_sync::gate::check`], with the bundle's user and device). A
    /// bundle that fails any check changes nothing.
    pub fn import_bundle(&mut self, file: &[u8], public_key: &str) -> Result<ImportReport> {
        let public = bundle::public_from_hex(public_key)?;
        let b = bundle::open(file)?.verify(&public)?;
        let year = self
            .store
            .doc_ids()?
            .into_iter()
            .filter(|d| d.kind == zhurnal_journal::DocKind::School)
            .map(|d| d.year)
            .max()
            .ok_or_else(|| {
                ClientError::BundleRefused(Rejection {
                    code: zhurnal_sync::ErrorCode::NoAccess,
                    doc: None,
                    message: "на этом устройстве нет школы: сначала синхронизируйтесь с сервером"
                        .into(),
                })
            })?;
        let school = zhurnal_journal::school::school(self.store.doc(DocId::school(year))?)
            .map_err(ServiceError::from)?;
        let who = Principal {
            user: b.user,
            device: b.device,
        };
        let plan = zhurnal_sync::gate::check(
            &b.request,
            &who,
            &school,
            &ActorBook::default(),
            &mut StoreDocs(&mut self.store),
        )
        .map_err(ClientError::BundleRefused)?;
        let mut report = ImportReport::default();
        for (id, changes) in &plan.apply {
            let parts: Vec<&[u8]> = changes.iter().map(Vec::as_slice).collect();
            let n = self.store.receive(*id, &parts, None)?;
            if n > 0 {
                report.documents += 1;
                report.changes += n;
            }
        }
        Ok(report)
    }
}

/// The store as the sync core's document source.
struct StoreDocs<'a>(&'a mut Store);

impl DocSource for StoreDocs<'_> {
    fn ids(&self) -> Vec<DocId> {
        self.0.doc_ids().unwrap_or_default()
    }
    fn doc(&mut self, id: DocId) -> Option<&Doc> {
        if !self.0.contains(id).ok()? {
            return None;
        }
        self.0.doc(id).ok()
    }
}

/// A `2xx` answer as it is; any other as the server's refusal.
fn success(a: Answer) -> Result<Answer> {
    if (200..300).contains(&a.status) {
        Ok(a)
    } else {
        Err(refusal(&a))
    }
}

/// A final (`4xx`) answer as the teacher reads it.
fn refusal(a: &Answer) -> ClientError {
    let Ok(e) = serde_json::from_slice::<ErrorBody>(&a.body) else {
        return ClientError::Refused {
            code: format!("http_{}", a.status),
            message: format!(
                "ответ {} без пояснения: {}",
                a.status,
                String::from_utf8_lossy(&a.body)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ),
            doc: None,
        };
    };
    match e.code.as_str() {
        "bad_credentials" => ClientError::BadCredentials,
        "unauthorized" => ClientError::Unauthorized { message: e.message },
        _ => ClientError::Refused {
            code: e.code,
            message: e.message,
            doc: e.doc,
        },
    }
}

#[cfg(test)]
mod tests;
