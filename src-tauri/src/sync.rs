//! Sync in the background, without stalling the teacher's typing.
//!
//! A sync is [`zhurnal_client::Client::sync`] on its own connection to the school file. The
//! commands and the sync take turns on the file through one [`Gate`]: the sync holds it only
//! while it reads or writes the store (building a request, applying an answer), and lets it go
//! for every network wait and every backoff pause, so a mark typed during a slow round trip is
//! saved at once. When the sync has written changes, the app's own connection reads the file
//! again before the next command ([`Syncer::stale`]), so the window never shows an old copy.
//!
//! A thread syncs every [`INTERVAL`] when a server is configured, and [`DEBOUNCE`] after the
//! last local edit. An unreachable server is a status (`online: false` with the reason), never
//! an error dialog; everything entered stays on this computer.

// `zhurnal_client::ClientError` is large (it carries the server's refusal); it is returned
// once per sync, not in a hot loop, so it is not boxed here.
#![allow(clippy::result_large_err)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Runtime};
use zhurnal_client::{Answer, Backoff, Client, ClientError, Http, LinkError, Transport};
use zhurnal_service::view::{code, AppError, SyncProgress};

/// How often a configured device syncs on its own.
pub const INTERVAL: Duration = Duration::from_secs(5 * 60);
/// How long after the last edit a sync starts (a burst of marks is one sync).
pub const DEBOUNCE: Duration = Duration::from_secs(10);

/// A lock on the school file that can be let go and taken again from inside a sync (unlike a
/// `MutexGuard`, it is not tied to a scope).
#[derive(Default)]
pub struct Gate {
    busy: Mutex<bool>,
    free: Condvar,
}

impl Gate {
    pub fn acquire(&self) {
        let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        while *busy {
            busy = self.free.wait(busy).unwrap_or_else(|p| p.into_inner());
        }
        *busy = true;
    }

    pub fn release(&self) {
        *self.busy.lock().unwrap_or_else(|p| p.into_inner()) = false;
        self.free.notify_one();
    }

    /// Holds the gate until the guard is dropped.
    pub fn hold(&self) -> GateGuard<'_> {
        self.acquire();
        GateGuard(self)
    }
}

pub struct GateGuard<'a>(&'a Gate);

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// HTTP that lets the file go while it waits for the network.
struct Gated {
    inner: Http,
    gate: Arc<Gate>,
}

impl Transport for Gated {
    fn post(
        &self,
        url: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> Result<Answer, LinkError> {
        self.gate.release();
        let answer = self.inner.post(url, token, content_type, body);
        self.gate.acquire();
        answer
    }
}

enum Trigger {
    Edited,
    Now,
}

/// The sync side of the app: the gate, what the window must reload, and the thread's inbox.
pub struct Syncer {
    /// The school file open now (another is chosen in the list of schools).
    db: Mutex<PathBuf>,
    pub gate: Arc<Gate>,
    /// The sync wrote to the file: the app's connection reads it again before the next command.
    pub stale: Arc<AtomicBool>,
    /// A server is configured (the thread syncs only then).
    pub configured: AtomicBool,
    /// A sync is under way (shown in the status).
    pub syncing: AtomicBool,
    /// One sync at a time (the thread's and `sync_now`).
    running: Mutex<()>,
    inbox: Mutex<Option<Sender<Trigger>>>,
    backoff: Backoff,
}

impl Syncer {
    pub fn new(db: PathBuf) -> Self {
        Self {
            db: Mutex::new(db),
            gate: Arc::default(),
            stale: Arc::default(),
            configured: AtomicBool::new(false),
            syncing: AtomicBool::new(false),
            running: Mutex::new(()),
            inbox: Mutex::new(None),
            // Patient enough for a flaky school Wi-Fi, short enough that «Синхронизировать»
            // answers within a minute when the server is away.
            backoff: Backoff {
                attempts: 4,
                base: Duration::from_millis(500),
                cap: Duration::from_secs(8),
            },
        }
    }

    /// A client on its own connection to the school file. A `gated` client (the sync) lets
    /// the gate go during network waits and backoff pauses, so its caller must hold the gate
    /// whenever the client runs; an ungated one (login, bundles) never touches the gate.
    pub fn client(&self, gated: bool) -> Result<Client, ClientError> {
        let store = zhurnal_store::Store::open(self.db())?;
        let http = Http::with_timeouts(Duration::from_secs(10), Duration::from_secs(120));
        let mut client = if gated {
            let mut c = Client::with_transport(
                store,
                Box::new(Gated {
                    inner: http,
                    gate: self.gate.clone(),
                }),
            );
            let gate = self.gate.clone();
            c.set_sleep(Box::new(move |wait| {
                gate.release();
                std::thread::sleep(wait);
                gate.acquire();
            }));
            c
        } else {
            Client::with_transport(store, Box::new(http))
        };
        client.set_backoff(self.backoff);
        Ok(client)
    }

    /// The school file the sync works on.
    pub fn db(&self) -> PathBuf {
        self.db.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Moves the sync to another school file; `configured`: that file is enrolled. The caller
    /// holds [`Syncer::pause`] and the gate, so no sync is half-way through the old file.
    pub fn set_db(&self, db: PathBuf, configured: bool) {
        *self.db.lock().unwrap_or_else(|p| p.into_inner()) = db;
        self.configured.store(configured, Ordering::SeqCst);
        self.stale.store(false, Ordering::SeqCst);
    }

    /// Waits for a sync under way to end and keeps the next from starting while held.
    pub fn pause(&self) -> std::sync::MutexGuard<'_, ()> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A local edit was saved: sync soon.
    pub fn edited(&self) {
        if self.configured.load(Ordering::SeqCst) {
            self.send(Trigger::Edited);
        }
    }

    /// Sync now (after a login).
    pub fn wake(&self) {
        self.send(Trigger::Now);
    }

    fn send(&self, t: Trigger) {
        if let Some(tx) = self
            .inbox
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            let _ = tx.send(t);
        }
    }

    /// One whole sync with the enrolled server. The caller's thread blocks; the file is free
    /// for the commands during every network wait.
    pub fn run(
        &self,
        progress: &mut dyn FnMut(SyncProgress),
    ) -> Result<zhurnal_client::SyncReport, ClientError> {
        let _one = self.running.lock().unwrap_or_else(|p| p.into_inner());
        self.syncing.store(true, Ordering::SeqCst);
        let result = (|| {
            let mut client = self.client(true)?;
            let stale = self.stale.clone();
            let gate = self.gate.hold();
            let r = client.sync(None, &mut |p| {
                if p.received > 0 {
                    stale.store(true, Ordering::SeqCst);
                }
                progress(SyncProgress {
                    rounds: p.rounds as u32,
                    received: p.received as u32,
                    remaining: p.remaining,
                    retries: p.retries,
                });
            });
            drop(client);
            drop(gate);
            r
        })();
        self.syncing.store(false, Ordering::SeqCst);
        result
    }

    /// Starts the background thread: syncs every [`INTERVAL`] and [`DEBOUNCE`] after edits
    /// while a server is configured, and tells the window how it went (`sync-progress`,
    /// `sync-status` events; `status` reads the status through the commands' path).
    pub fn spawn<R: Runtime>(
        self: &Arc<Self>,
        handle: AppHandle<R>,
        status: impl Fn() -> Option<zhurnal_service::view::SyncStatus> + Send + 'static,
    ) {
        let (tx, rx) = mpsc::channel();
        *self.inbox.lock().unwrap_or_else(|p| p.into_inner()) = Some(tx);
        let me = self.clone();
        let spawned = std::thread::Builder::new()
            .name("zhurnal-sync".into())
            .spawn(move || {
                // The first sync soon after start, when the window is up.
                let mut periodic = Instant::now() + Duration::from_secs(5);
                let mut after_edit: Option<Instant> = None;
                loop {
                    let due = after_edit.map_or(periodic, |e| e.min(periodic));
                    match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                        Ok(Trigger::Edited) => {
                            after_edit = Some(Instant::now() + DEBOUNCE);
                            continue;
                        }
                        Ok(Trigger::Now) => {}
                        Err(RecvTimeoutError::Timeout) => {
                            if Instant::now() < due {
                                continue;
                            }
                        }
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                    after_edit = None;
                    periodic = Instant::now() + INTERVAL;
                    if !me.configured.load(Ordering::SeqCst) {
                        continue;
                    }
                    if let Some(mut s) = status() {
                        s.syncing = true;
                        let _ = handle.emit("sync-status", s);
                    }
                    // A failure is recorded in the file and shown by the status.
                    let _ = me.run(&mut |p| {
                        let _ = handle.emit("sync-progress", p);
                    });
                    if let Some(s) = status() {
                        let _ = handle.emit("sync-status", s);
                    }
                }
            });
        // Without the thread the app still works and syncs on «Синхронизировать».
        drop(spawned);
    }
}

/// A client's error as the contract's `{code, message}`: no link is `offline`, an address
/// that is not one is `invalid`, the store's own is `store`, the rest `sync`.
pub fn app_error(e: ClientError) -> AppError {
    let c = match &e {
        ClientError::NoLink { .. } | ClientError::ServerFault { .. } => code::OFFLINE,
        ClientError::BadUrl(_) => code::INVALID,
        ClientError::Store(_) => code::STORE,
        _ => code::SYNC,
    };
    // The client's own wording names the command line's commands; the window has buttons.
    let message = match &e {
        ClientError::NotEnrolled { .. } => "Этот компьютер ещё не подключён к серверу школы. \
            Войдите на странице «Синхронизация»: адрес сервера, логин и пароль даёт администратор."
            .to_string(),
        ClientError::NoLink { server, .. } => format!(
            "Нет связи с сервером {server}. Всё введённое сохранено на этом компьютере: \
             синхронизация пройдёт сама, когда связь появится, или перенесите изменения на флешке."
        ),
        ClientError::Unauthorized { message } => format!(
            "Сервер не узнал этот компьютер ({message}). Войдите заново на странице «Синхронизация»."
        ),
        _ => capitalised(&e.to_string()),
    };
    AppError::new(c, message)
}

/// A message as a sentence: its first letter a capital.
pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Whether a failed sync is only the link (then the status says so and it is no error).
pub fn is_offline(e: &ClientError) -> bool {
    matches!(
        e,
        ClientError::NoLink { .. } | ClientError::ServerFault { .. }
    )
}
