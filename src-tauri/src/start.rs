//! Which school file the app opens, and how the window system is set up before it starts.

use std::path::{Path, PathBuf};
use zhurnal_service::view;

/// The name of the file, beside the school files, that says which of them was open last.
const CURRENT: &str = "current-school";

/// Notes `path` as the school to open at the next start (in its own folder).
pub(crate) fn remember_school(path: &Path) {
    if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
        // Advisory: without it the next start opens the default file, nothing is lost.
        let _ = std::fs::write(dir.join(CURRENT), name.to_string_lossy().as_bytes());
    }
}

/// The school file to open in `default`'s folder: the one open last, else `default`.
pub fn remembered_school(default: &Path) -> PathBuf {
    let Some(dir) = default.parent() else {
        return default.to_path_buf();
    };
    std::fs::read_to_string(dir.join(CURRENT))
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty() && !name.contains(['/', '\\']))
        .map(|name| dir.join(name))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| default.to_path_buf())
}

/// The school file: `--db PATH` on the command line (used by the end-to-end tests, and handy
/// for a second school), else the school open last in the default folder, else the default.
pub fn db_from_args(args: impl IntoIterator<Item = String>) -> PathBuf {
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        if a == "--db" {
            if let Some(p) = args.next() {
                return PathBuf::from(p);
            }
        } else if let Some(p) = a.strip_prefix("--db=") {
            return PathBuf::from(p);
        }
    }
    let default = view::default_db_path();
    if std::env::var_os("ZHURNAL_DB").is_some_and(|v| !v.is_empty()) {
        return default;
    }
    remembered_school(&default)
}

/// WebKitGTK's compositing: off unless asked for (`--compositing=on`, or the user's own
/// `WEBKIT_DISABLE_COMPOSITING_MODE`). Chosen by `scripts/bench-app.sh` under Xvfb on 2 cores
/// with software GL (the case of school laptops on llvmpipe and of virtual machines): with
/// compositing as WebKit starts it by default (its DMA-BUF renderer) the window did not answer
/// there at all; with it off a key shows in the grid at p50 13.6 ms, p99 23.9 ms. Hardware that
/// composites well loses nothing measurable (p50 12.7, p99 28.3 ms with the DMA-BUF renderer
/// off and compositing on).
pub fn compositing_env(args: &[String], user_set: bool) -> Option<(&'static str, &'static str)> {
    let on = args.iter().any(|a| a == "--compositing=on");
    if !cfg!(target_os = "linux") || user_set || on {
        // WebKit's own default (compositing on), or what the user set.
        return None;
    }
    Some(("WEBKIT_DISABLE_COMPOSITING_MODE", "1"))
}
