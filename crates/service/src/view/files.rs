//! The school files on this computer, USB sticks, and where the app keeps its file.

use super::*;

/// A school file on this computer, in the window's list of schools.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct SchoolFile {
    pub path: String,
    /// «Берёзовская СОШ, 2025/26», or what the file is when it holds no school yet.
    pub title: String,
    /// The server it syncs with; `None`: made on this computer (the demo school), or empty.
    pub server: Option<String>,
    pub has_school: bool,
    /// The file open now.
    pub current: bool,
}

/// The school files in `dir` (`*.sqlite3`), each described by opening it; the file open now
/// (`open`, described by the caller) is not opened twice. Sorted by title.
pub fn school_files(dir: &Path, open: SchoolFile) -> Vec<SchoolFile> {
    let mut out = vec![SchoolFile {
        current: true,
        ..open.clone()
    }];
    let same = |p: &Path| std::fs::canonicalize(p).ok() == std::fs::canonicalize(&open.path).ok();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "sqlite3") && p.is_file() && !same(&p) {
                out.push(App::open_or_problem(&p).describe());
            }
        }
    }
    out.sort_by(|a, b| {
        b.current
            .cmp(&a.current)
            .then_with(|| a.title.cmp(&b.title))
    });
    out
}

/// A new file in `dir` for the school of `server`: `school-<host>.sqlite3` (`-2`, `-3` … when
/// taken), never an existing file.
pub fn new_school_path(dir: &Path, server: &str) -> PathBuf {
    let host: String = server
        .split("://")
        .last()
        .unwrap_or(server)
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let host = host.trim_matches('-');
    let host = if host.is_empty() { "server" } else { host };
    (1..)
        .map(|n| {
            let name = if n == 1 {
                format!("school-{host}.sqlite3")
            } else {
                format!("school-{host}-{n}.sqlite3")
            };
            dir.join(name)
        })
        .find(|p| !p.exists())
        .expect("some name is free")
}

/// The removable drives mounted now, where a USB stick shows up: the folders under
/// `/media/$USER` and `/run/media/$USER` (udisks, as Debian, Ubuntu and Astra Linux mount
/// them), and on Windows the drive letters other than C:. Newest first.
pub fn removable_drives() -> Vec<String> {
    if cfg!(windows) {
        return ('D'..='Z')
            .map(|l| format!("{l}:\\"))
            .filter(|d| Path::new(d).exists())
            .collect();
    }
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    if user.is_empty() {
        return Vec::new();
    }
    drives_under(&[
        PathBuf::from("/media").join(&user),
        PathBuf::from("/run/media").join(&user),
    ])
}

/// The folders directly under `roots` (mount points of sticks), newest first.
pub fn drives_under(roots: &[PathBuf]) -> Vec<String> {
    let mut found: Vec<(std::time::SystemTime, String)> = roots
        .iter()
        .filter_map(|r| std::fs::read_dir(r).ok())
        .flat_map(|d| d.flatten())
        .filter(|e| e.path().is_dir())
        .map(|e| {
            let t = e
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (t, e.path().display().to_string())
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.into_iter().map(|(_, p)| p).collect()
}

/// Where the demo school goes when the open file holds another school.
pub fn demo_path(dir: &Path) -> PathBuf {
    dir.join("demo.sqlite3")
}

/// The school file the app opens when nothing else is said: `$ZHURNAL_DB`, else
/// `$XDG_DATA_HOME/zhurnal/zhurnal.sqlite3`, else `~/.local/share/zhurnal/zhurnal.sqlite3`
/// (on Windows `%APPDATA%\zhurnal\zhurnal.sqlite3`) — the file `scripts/start.sh` uses.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("ZHURNAL_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("zhurnal").join("zhurnal.sqlite3")
}
