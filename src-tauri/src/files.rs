//! The made documents the window sends back, and the programs that print and show them.

use std::path::{Path, PathBuf};
use zhurnal_service::view::{self, AppError, AppResult};

/// A document path the window sends back must be one the app made (in its report folder).
pub(crate) fn made_report(dir: &Path, path: &str) -> AppResult<PathBuf> {
    let refused = || {
        AppError::new(
            view::code::REPORT,
            format!("«{path}» — не документ, сделанный программой"),
        )
    };
    let file = std::fs::canonicalize(path).map_err(|_| refused())?;
    let dir = std::fs::canonicalize(dir).map_err(|_| refused())?;
    if file.starts_with(&dir) && file.extension().is_some_and(|e| e == "pdf") {
        Ok(file)
    } else {
        Err(refused())
    }
}

/// Runs a program and says, in Russian, what went wrong if it did not work.
pub(crate) fn run_program(
    program: &str,
    args: &[&std::ffi::OsStr],
    missing: &str,
) -> AppResult<()> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .map_err(|_| AppError::new(view::code::REPORT, missing))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(AppError::new(
            view::code::REPORT,
            format!(
                "{program} не выполнил команду: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ))
    }
}
