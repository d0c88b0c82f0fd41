//! The HTTP API of docs/sync-http.md on axum. Handlers only move bytes: each reads its
//! request, runs the matching [`SchoolServer`] operation on the blocking pool (argon2 and
//! SQLite block; the storage is one writer behind a mutex), and turns the result or the
//! [`ServerError`] into the contract's answer.
//!
//! Every request is logged through `tracing` when it is answered (the `zhurnal serve` shell
//! prints the lines): its method and route pattern (`/api/v1/children/{id}/marks`, never the
//! ids or logins in the path), the user and device ids once the token is known, the refusal's
//! code, the status and the time taken. No body, header, password, token or name is logged.

use crate::error::{bad_request, refuse, ServerError};
use crate::school::{LoginRequest, NewAccount, Person, SchoolServer};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use tracing::Instrument;
use uuid::Uuid;
use zhurnal_sync::http::PasswordChange;
use zhurnal_sync::ErrorCode;

/// The largest body accepted (32 MiB); larger ones get `413 too_large`.
pub const MAX_BODY: usize = 32 * 1024 * 1024;

type Shared = Arc<SchoolServer>;

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        tracing::Span::current().record("code", tracing::field::display(self.code()));
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            // The server's own failure (storage, a crashed handler): what the administrator
            // needs to look into. Refusals are the client's, their code is enough.
            tracing::error!(error = %self, "failed");
        }
        let mut resp = (status, axum::Json(self.body())).into_response();
        if let ServerError::Refused {
            retry_after: Some(s),
            ..
        } = &self
        {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*s));
        }
        resp
    }
}

/// The router of `/api/v1`.
pub fn router(server: Shared) -> Router {
    Router::new()
        .route("/api/v1/login", post(login))
        .route("/api/v1/me", get(me))
        .route("/api/v1/password", post(password))
        .route("/api/v1/sync", post(sync))
        .route("/api/v1/bundle", post(bundle))
        .route("/api/v1/children", get(children))
        .route("/api/v1/children/{id}/marks", get(child_marks))
        .route("/api/v1/admin/users", get(admin_users).post(admin_add_user))
        .route(
            "/api/v1/admin/users/{login}/revoke",
            post(admin_revoke_user),
        )
        .route("/api/v1/admin/devices", get(admin_devices))
        .route(
            "/api/v1/admin/devices/{id}/revoke",
            post(admin_revoke_device),
        )
        .route("/api/v1/admin/quarantine", get(admin_quarantine))
        .route("/api/v1/admin/audit", get(admin_audit))
        .route("/api/v1/admin/revert", post(admin_revert))
        .fallback(|| async {
            refuse(
                ErrorCode::BadRequest,
                "нет такого адреса в API сервера (/api/v1/…)",
            )
            .into_response()
        })
        .layer(middleware::from_fn(log_request))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(server)
}

/// Answers the request and logs it: one line per request, inside the request's span (which the
/// handler fills with the user, device and refusal code).
async fn log_request(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unknown)", MatchedPath::as_str)
        .to_owned();
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = %route,
        user = tracing::field::Empty,
        device = tracing::field::Empty,
        code = tracing::field::Empty,
    );
    let start = std::time::Instant::now();
    let resp = next.run(req).instrument(span.clone()).await;
    let status = resp.status().as_u16();
    let ms = (start.elapsed().as_secs_f64() * 1e4).round() / 10.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, ms, "answered");
        } else if status >= 400 {
            tracing::warn!(status, ms, "answered");
        } else {
            tracing::info!(status, ms, "answered");
        }
    });
    resp
}

/// Runs `f` on the blocking pool, inside the request's span (so that what `f` learns — who
/// asked — goes into the request's log line).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ServerError> + Send + 'static,
) -> Result<T, ServerError> {
    let span = tracing::Span::current();
    let dispatch = tracing::dispatcher::get_default(Clone::clone);
    let f = move || tracing::dispatcher::with_default(&dispatch, || span.in_scope(f));
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(ServerError::Storage(crate::storage::StorageError(format!(
            "обработчик запроса упал: {e}"
        ))))
    })
}

fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_string())
}

/// The body, at most [`MAX_BODY`] bytes: more is `413 too_large`.
async fn body(req: Request) -> Result<(HeaderMap, Option<SocketAddr>, Bytes), ServerError> {
    let addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(Body::new(body), MAX_BODY)
        .await
        .map_err(|_| {
            refuse(
                ErrorCode::TooLarge,
                format!(
                    "запрос слишком большой или оборван: больше {} МБ не принимается",
                    MAX_BODY >> 20
                ),
            )
        })?;
    Ok((parts.headers, addr, bytes))
}

fn json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ServerError> {
    serde_json::from_slice(bytes).map_err(|e| bad_request(format!("неверный JSON запроса: {e}")))
}

fn ok<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (status, axum::Json(value)).into_response()
}

fn answer<T: Serialize>(r: Result<T, ServerError>) -> Response {
    match r {
        Ok(v) => ok(StatusCode::OK, &v),
        Err(e) => e.into_response(),
    }
}

fn no_content(r: Result<(), ServerError>) -> Response {
    match r {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn login(State(s): State<Shared>, req: Request) -> Response {
    let (_, addr, bytes) = match body(req).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let client = addr.map(|a| a.ip().to_string()).unwrap_or_default();
    answer(
        blocking(move || {
            let req: LoginRequest = json(&bytes)?;
            s.login(&req, &client)
        })
        .await,
    )
}

async fn me(State(s): State<Shared>, headers: HeaderMap) -> Response {
    answer(blocking(move || s.me(token(&headers).as_deref())).await)
}

async fn password(State(s): State<Shared>, req: Request) -> Response {
    let (headers, _, bytes) = match body(req).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    no_content(
        blocking(move || {
            let p: PasswordChange = json(&bytes)?;
            s.change_password(token(&headers).as_deref(), &p.old, &p.new)
        })
        .await,
    )
}

async fn sync(State(s): State<Shared>, req: Request) -> Response {
    let (headers, _, bytes) = match body(req).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    match blocking(move || s.sync(token(&headers).as_deref(), &bytes)).await {
        Ok(out) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, zhurnal_sync::CONTENT_TYPE)],
            out,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn bundle(State(s): State<Shared>, req: Request) -> Response {
    let (headers, _, bytes) = match body(req).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    answer(blocking(move || s.bundle(token(&headers).as_deref(), &bytes)).await)
}

async fn children(State(s): State<Shared>, headers: HeaderMap) -> Response {
    answer(blocking(move || s.children(token(&headers).as_deref())).await)
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

async fn child_marks(
    State(s): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
    headers: HeaderMap,
) -> Response {
    answer(
        blocking(move || {
            let t = token(&headers);
            // Authenticate before saying anything about the id.
            s.authenticate(t.as_deref())?;
            let id: Uuid = id
                .parse()
                .map_err(|_| bad_request(format!("«{id}» — не идентификатор ученика")))?;
            s.child_marks(t.as_deref(), id, q.period.as_deref())
        })
        .await,
    )
}

async fn admin_users(State(s): State<Shared>, headers: HeaderMap) -> Response {
    answer(
        blocking(move || {
            s.admin(token(&headers).as_deref())?;
            s.users()
        })
        .await,
    )
}

#[derive(Deserialize)]
struct AddUser {
    login: String,
    password: Option<String>,
    staff: Option<Uuid>,
    student: Option<Uuid>,
    parent_of: Option<Uuid>,
}

async fn admin_add_user(State(s): State<Shared>, req: Request) -> Response {
    let (headers, _, bytes) = match body(req).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    match blocking(move || {
        s.admin(token(&headers).as_deref())?;
        let a: AddUser = json(&bytes)?;
        let person = match (a.staff, a.student, a.parent_of) {
            (Some(x), None, None) => Person::Staff(zhurnal_domain::StaffId(x)),
            (None, Some(x), None) => Person::Student(zhurnal_domain::StudentId(x)),
            (None, None, Some(x)) => Person::ParentOf(vec![zhurnal_domain::StudentId(x)]),
            _ => {
                return Err(bad_request(
                    "укажите ровно одно из: staff, student, parent_of",
                ))
            }
        };
        s.add_account(&NewAccount {
            login: a.login,
            password: a.password,
            person,
        })
    })
    .await
    {
        Ok((user, one_time)) => ok(
            StatusCode::CREATED,
            &serde_json::json!({"user": user, "one_time_password": one_time}),
        ),
        Err(e) => e.into_response(),
    }
}

async fn admin_revoke_user(
    State(s): State<Shared>,
    Path(login): Path<String>,
    headers: HeaderMap,
) -> Response {
    no_content(
        blocking(move || {
            s.admin(token(&headers).as_deref())?;
            s.revoke_user(&login)
        })
        .await,
    )
}

async fn admin_revoke_device(
    State(s): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    no_content(
        blocking(move || {
            s.admin(token(&headers).as_deref())?;
            let id: Uuid = id
                .parse()
                .map_err(|_| bad_request(format!("«{id}» — не идентификатор устройства")))?;
            s.revoke_device(id)
        })
        .await,
    )
}

async fn admin_devices(State(s): State<Shared>, headers: HeaderMap) -> Response {
    answer(
        blocking(move || {
            s.admin(token(&headers).as_deref())?;
            s.devices()
        })
        .await,
    )
}

async fn admin_quarantine(State(s): State<Shared>, headers: HeaderMap) -> Response {
    answer(
        blocking(move || {
            s.admin(token(&headers).as_deref())?;
            s.quarantine()
        })
        .await,
    )
}

#[derive(Deserialize)]
struct AuditQuery {
    doc: Option<String>,
    limit: Option<usize>,
}

async fn admin_audit(
    State(s): State<Shared>,
    Query(q): Query<AuditQuery>,
    headers: HeaderMap,
) -> Response {
    answer(
        blocking(move || {
            s.admin(token(&headers).as_deref())?;
            s.audit(q.doc.as_deref(), q.limit.unwrap_or(100))
        })
        .await,
    )
}

#[derive(Deserialize)]
struct RevertRequest {
    login: String,
    since: String,
}

async fn admin_revert(State(s): State<Shared>, req: Request) -> Response {
    let (headers, _, bytes) = match body(req).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    answer(
        blocking(move || {
            let admin = s.admin(token(&headers).as_deref())?;
            let r: RevertRequest = json(&bytes)?;
            let since = parse_since(&r.since)?;
            s.revert(zhurnal_domain::StaffId(admin.user.id), &r.login, since)
        })
        .await,
    )
}

/// An RFC 3339 moment as unix seconds.
pub fn parse_since(text: &str) -> Result<i64, ServerError> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|d| d.timestamp())
        .map_err(|_| {
            bad_request(format!(
                "«{text}» — не момент времени: ожидается RFC 3339, например 2025-10-01T09:00:00+03:00"
            ))
        })
}

/// Serves the API on `listener` until `shutdown` completes (then finishes the requests under
/// way).
pub async fn serve(
    server: Shared,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(server).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// `zhurnal serve`: binds `listen`, calls `bound` with the address (port 0 picks one), serves
/// until Ctrl-C or SIGTERM.
pub fn run(
    server: SchoolServer,
    listen: &str,
    bound: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        bound(listener.local_addr()?);
        serve(Arc::new(server), listener, shutdown_signal()).await
    })
}
