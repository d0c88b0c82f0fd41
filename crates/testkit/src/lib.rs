//! # What the tests share
//!
//! Like automerge's `automerge-test`: the fixtures every crate's tests would otherwise build
//! again. A dev-dependency only.
//!
//! * [`small_school`] — the demo school of one class, 7Б, until the end of September 2025
//!   (seed 3): big enough for every rule of the gate (subgroups, a class teacher, several
//!   teachers), small enough to make in a fraction of a second. [`small_school_copy`] makes it
//!   once per test process and copies it.
//! * [`TestServer`] — the real `zhurnal serve` stack (axum on its own tokio runtime) over a
//!   school file, on 127.0.0.1 at a port of its own choosing, stopped when dropped.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use zhurnal_server::{http, SchoolServer};

/// The demo's 7Б until 30 September 2025 (seed 3), created at `path`.
pub fn small_school(path: &Path) {
    let options = zhurnal_service::DemoOptions {
        classes: vec![(7, "Б".into())],
        until: chrono::NaiveDate::from_ymd_opt(2025, 9, 30),
        ..Default::default()
    };
    zhurnal_service::create_demo(path, 3, &options).expect("the small demo school");
}

/// [`small_school`] at `dest`, copied from one made once per process.
pub fn small_school_copy(dest: &Path) {
    static T: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, template) = T.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("template.db");
        small_school(&path);
        (dir, path)
    });
    std::fs::copy(template, dest).expect("a copy of the small school");
}

/// A school server on 127.0.0.1:0 over a school file, on a runtime of its own; stopped (and
/// its thread joined) by [`TestServer::stop`] or when dropped. The file stays where it is.
pub struct TestServer {
    pub addr: SocketAddr,
    pub server: Arc<SchoolServer>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Serves `db`; `budget`: the most bytes of changes per sync answer (the server's default
    /// when `None`).
    pub fn start(db: &Path, budget: Option<usize>) -> Self {
        let mut server = SchoolServer::open(db).expect("the server opens its file");
        if let Some(b) = budget {
            server.budget = b;
        }
        Self::serve(Arc::new(server))
    }

    /// Serves a server already opened (and set up) by the test.
    pub fn serve(server: Arc<SchoolServer>) -> Self {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (tx, rx) = std::sync::mpsc::channel();
        let s = server.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a port on 127.0.0.1");
                tx.send(listener.local_addr().expect("its address"))
                    .expect("the test waits");
                http::serve(s, listener, async {
                    let _ = stopped.await;
                })
                .await
                .expect("the server runs");
            });
        });
        let addr = rx.recv().expect("the server's address");
        Self {
            addr,
            server,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server: the requests under way finish, the port is free.
    pub fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            t.join().expect("the server's thread ends cleanly");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server answers on its port while it runs, and the port is closed after `stop`.
    #[test]
    fn a_test_server_answers_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("school.db");
        small_school_copy(&db);
        let mut s = TestServer::start(&db, None);
        assert!(s.server.school_name().unwrap().contains("Берёзовская"));
        let addr = s.addr;
        assert!(std::net::TcpStream::connect(addr).is_ok());
        s.stop();
        assert!(std::net::TcpStream::connect(addr).is_err());
    }
}
