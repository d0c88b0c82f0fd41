//! Shared fixtures: the binary, a small demo school built once per run and copied per test.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub fn zhurnal() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zhurnal"))
}

/// Runs `zhurnal` with arguments; returns (success, stdout, stderr).
pub fn run(args: &[&str]) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = zhurnal().args(args).output().expect("zhurnal runs");
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

pub fn ok(args: &[&str]) -> String {
    let (success, out, err) = run(args);
    assert!(success, "zhurnal {args:?} failed:\n{err}");
    out
}

/// A demo school with classes 7Б and 10А, made once; each test gets its own copy.
pub fn demo_copy(dir: &Path) -> PathBuf {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_keep, template) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.sqlite3");
        ok(&[
            "demo",
            "--db",
            path.to_str().unwrap(),
            "--seed",
            "7",
            "--classes",
            "7Б,10А",
        ]);
        (dir, path)
    });
    let path = dir.join("school.sqlite3");
    std::fs::copy(template, &path).unwrap();
    path
}

pub fn dump(db: &Path, class: &str) -> Value {
    serde_json::from_str(&ok(&[
        "dump",
        "--db",
        db.to_str().unwrap(),
        "--class",
        class,
        "--format",
        "json",
    ]))
    .unwrap()
}

/// The subject of a dump by name.
pub fn subject<'a>(dump: &'a Value, name: &str) -> &'a Value {
    dump["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap()
}

/// Id of a student by full name.
pub fn student_id(dump: &Value, name: &str) -> String {
    dump["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}
