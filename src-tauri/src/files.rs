//! The made-document commands (make, save, print, open) and their helpers: the made documents
//! the window sends back, and the programs that print and show them.

use crate::{internal, with, Shared};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Runtime, State};
use zhurnal_service::view::{self, AppError, AppResult, ReportRequest, ReportResult};

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

#[tauri::command]
pub(crate) async fn make_report<R: Runtime>(
    handle: AppHandle<R>,
    state: State<'_, Shared>,
    request: ReportRequest,
) -> AppResult<ReportResult> {
    let dir = state.reports_dir.clone();
    with(&state, move |a| {
        a.make_report(&request, &dir, &mut |p| {
            // Progress is advisory: a window that went away must not fail the document.
            let _ = handle.emit("report-progress", p);
        })
    })
    .await
}

#[tauri::command]
pub(crate) async fn save_report(
    state: State<'_, Shared>,
    path: String,
    dest: String,
    overwrite: Option<bool>,
) -> AppResult<()> {
    let file = made_report(&state.reports_dir, &path)?;
    tauri::async_runtime::spawn_blocking(move || {
        view::save_report(
            &file.display().to_string(),
            &dest,
            overwrite.unwrap_or(false),
        )
    })
    .await
    .map_err(internal)?
}

/// Sends a document to the default printer, with no network needed: on Linux with `lp`
/// (CUPS, as Debian and Astra Linux have it), on Windows through the PDF viewer's «print»
/// verb. Without either, the error says to open the document and print from the viewer.
/// `pages` («3», «1-4, 7»; empty for all) chooses the pages, through `lp -P`.
#[tauri::command]
pub(crate) async fn print_report(
    state: State<'_, Shared>,
    path: String,
    pages: Option<String>,
) -> AppResult<()> {
    let file = made_report(&state.reports_dir, &path)?;
    tauri::async_runtime::spawn_blocking(move || {
        let total = view::pdf_pages(&std::fs::read(&file).map_err(internal)?);
        let pages = view::page_list(pages.as_deref().unwrap_or(""), total)?;
        if cfg!(windows) {
            if pages.is_some() {
                return Err(AppError::new(
                    view::code::INVALID,
                    "Отдельные страницы здесь печатаются из программы просмотра: нажмите «Открыть в программе просмотра»",
                ));
            }
            let script = format!(
                "Start-Process -FilePath '{}' -Verb Print",
                file.display().to_string().replace('\'', "''")
            );
            run_program(
                "powershell",
                &["-NoProfile".as_ref(), "-Command".as_ref(), script.as_ref()],
                "Печать отсюда недоступна: нет программы для PDF. Нажмите «Открыть в программе просмотра» и напечатайте документ оттуда",
            )
        } else {
            let mut args: Vec<&std::ffi::OsStr> = Vec::new();
            if let Some(p) = &pages {
                args.extend([std::ffi::OsStr::new("-P"), std::ffi::OsStr::new(p)]);
            }
            args.extend([std::ffi::OsStr::new("--"), file.as_os_str()]);
            run_program(
                "lp",
                &args,
                "Печать отсюда недоступна: на этом компьютере не настроен принтер. Нажмите «Открыть в программе просмотра» и напечатайте документ оттуда",
            )
        }
    })
    .await
    .map_err(internal)?
}

/// Opens a document in the system's PDF viewer (`xdg-open`, Windows' `explorer`, macOS'
/// `open`): the way to print when there is no CUPS, and to look at it full-size.
#[tauri::command]
pub(crate) async fn open_report(state: State<'_, Shared>, path: String) -> AppResult<()> {
    let file = made_report(&state.reports_dir, &path)?;
    tauri::async_runtime::spawn_blocking(move || {
        let program = if cfg!(windows) {
            "explorer"
        } else if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        let no_viewer = || {
            AppError::new(
                view::code::REPORT,
                format!(
                    "На этом компьютере не нашлась программа для просмотра PDF. Документ сохранён: {}",
                    file.display()
                ),
            )
        };
        let mut child = std::process::Command::new(program)
            .arg(&file)
            .spawn()
            .map_err(|_| no_viewer())?;
        // xdg-open answers at once when it finds no viewer (exit 3 or 4); a viewer it started
        // keeps running. Wait a little for that answer, then let a thread reap it (no zombie).
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(3) {
            match child.try_wait() {
                // Windows' explorer answers 1 even when it opened the file.
                Ok(Some(st)) if st.success() || cfg!(windows) => return Ok(()),
                Ok(Some(_)) | Err(_) => return Err(no_viewer()),
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        std::thread::spawn(move || {
            let _ = child.wait();
        });
        Ok(())
    })
    .await
    .map_err(internal)?
}
