//! # The desktop app's shell
//!
//! A thin Tauri 2 layer over `zhurnal-service`: each command takes its arguments, calls one
//! method of [`zhurnal_service::view::App`] off the main thread, and returns its result or its
//! `{code, message}` error (docs/app-commands.md). No journal logic lives here.
//!
//! The school is the SQLite file of [`view::default_db_path`] (`ZHURNAL_DB` overrides it), the
//! one `scripts/start.sh` uses; on first start the window offers the demo school. Everything
//! works with no network. The builder is generic over the runtime so that the commands are
//! tested with `tauri::test::mock_builder()` and no display.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Emitter, Runtime, State};
use zhurnal_service::view::{
    self, AppError, AppResult, AppState, BundleResult, CellResult, ConflictView, Finding, GridView,
    ImportResult, JournalRef, LessonEdit, LessonView, MovementEdit, Period, PersonalView,
    ReportRequest, ReportResult, RosterView, StaffView, SyncStatus,
};

/// The open school, shared by the commands; one command works on it at a time.
pub struct Shared {
    app: Arc<Mutex<view::App>>,
    /// Where made documents are written (`pdf/` beside the school file).
    reports_dir: PathBuf,
}

impl Shared {
    pub fn new(app: view::App) -> Self {
        let reports_dir = app
            .db_path()
            .parent()
            .map(|d| d.join("pdf"))
            .unwrap_or_else(|| PathBuf::from("pdf"));
        Self {
            app: Arc::new(Mutex::new(app)),
            reports_dir,
        }
    }
}

/// Runs `f` on the school on a blocking thread, never on the window's main thread.
async fn with<T, F>(state: &Shared, f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut view::App) -> AppResult<T> + Send + 'static,
{
    let app = state.app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        // A panic in an earlier command must not lock the teacher out of her journal: the
        // school on disk is consistent after every acknowledged edit.
        let mut guard = app.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    })
    .await
    .map_err(|e| {
        AppError::new(
            view::code::STORE,
            format!("внутренняя ошибка программы: {e}"),
        )
    })?
}

fn not_yet<T>() -> AppResult<T> {
    Err(AppError::new(
        view::code::SYNC,
        "синхронизация со школьным сервером в этой версии ещё не подключена: журнал хранится на этом компьютере",
    ))
}

#[tauri::command]
async fn app_state(state: State<'_, Shared>) -> AppResult<AppState> {
    with(&state, |a| a.state()).await
}

#[tauri::command]
async fn open_demo(state: State<'_, Shared>) -> AppResult<AppState> {
    with(&state, |a| a.open_demo()).await
}

#[tauri::command]
async fn staff_list(state: State<'_, Shared>) -> AppResult<Vec<StaffView>> {
    with(&state, |a| a.staff_list()).await
}

#[tauri::command]
async fn set_profile(state: State<'_, Shared>, staff_id: String) -> AppResult<AppState> {
    with(&state, move |a| a.set_profile(&staff_id)).await
}

#[tauri::command]
async fn my_journals(state: State<'_, Shared>) -> AppResult<Vec<JournalRef>> {
    with(&state, |a| a.my_journals()).await
}

#[tauri::command]
async fn grid(
    state: State<'_, Shared>,
    class_id: String,
    subject_id: String,
    subgroup: Option<u8>,
    period: Period,
) -> AppResult<GridView> {
    with(&state, move |a| {
        a.grid(&class_id, &subject_id, subgroup, period)
    })
    .await
}

#[tauri::command]
async fn set_cell(
    state: State<'_, Shared>,
    class_id: String,
    subject_id: String,
    lesson_id: String,
    student_id: String,
    input: String,
) -> AppResult<CellResult> {
    with(&state, move |a| {
        a.set_cell(&class_id, &subject_id, &lesson_id, &student_id, &input)
    })
    .await
}

#[tauri::command]
async fn set_final(
    state: State<'_, Shared>,
    class_id: String,
    subject_id: String,
    student_id: String,
    period: Period,
    input: String,
) -> AppResult<CellResult> {
    with(&state, move |a| {
        a.set_final(&class_id, &subject_id, &student_id, period, &input)
    })
    .await
}

#[tauri::command]
async fn add_lesson(
    state: State<'_, Shared>,
    class_id: String,
    subject_id: String,
    subgroup: Option<u8>,
    date: String,
) -> AppResult<LessonView> {
    with(&state, move |a| {
        a.add_lesson(&class_id, &subject_id, subgroup, &date)
    })
    .await
}

#[tauri::command]
async fn save_lesson(
    state: State<'_, Shared>,
    class_id: String,
    subject_id: String,
    lesson_id: String,
    edit: LessonEdit,
) -> AppResult<LessonView> {
    with(&state, move |a| {
        a.save_lesson(&class_id, &subject_id, &lesson_id, &edit)
    })
    .await
}

#[tauri::command]
async fn undo(state: State<'_, Shared>) -> AppResult<Option<CellResult>> {
    with(&state, |a| a.undo()).await
}

#[tauri::command]
async fn roster(state: State<'_, Shared>, class_id: String) -> AppResult<RosterView> {
    with(&state, move |a| a.roster(&class_id)).await
}

#[tauri::command]
async fn import_roster(
    state: State<'_, Shared>,
    class_id: String,
    path: String,
) -> AppResult<ImportResult> {
    with(&state, move |a| a.import_roster(&class_id, &path)).await
}

#[tauri::command]
async fn add_movement(
    state: State<'_, Shared>,
    class_id: String,
    student_id: String,
    movement: MovementEdit,
) -> AppResult<RosterView> {
    with(&state, move |a| {
        a.add_movement(&class_id, &student_id, &movement)
    })
    .await
}

#[tauri::command]
async fn personal(state: State<'_, Shared>, class_id: String) -> AppResult<PersonalView> {
    with(&state, move |a| a.personal(&class_id)).await
}

#[tauri::command]
async fn monitoring(
    state: State<'_, Shared>,
    class_id: String,
    lessons_without_marks: u32,
) -> AppResult<Vec<Finding>> {
    with(&state, move |a| {
        a.monitoring(&class_id, lessons_without_marks)
    })
    .await
}

#[tauri::command]
async fn make_report<R: Runtime>(
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
async fn save_report(path: String, dest: String) -> AppResult<()> {
    tauri::async_runtime::spawn_blocking(move || view::save_report(&path, &dest))
        .await
        .map_err(|e| AppError::new(view::code::REPORT, e.to_string()))?
}

/// Sends a document to the default printer with `lp` (CUPS), as Debian and Astra Linux have it.
#[tauri::command]
async fn print_report(path: String) -> AppResult<()> {
    let out = tauri::async_runtime::spawn_blocking(move || {
        std::process::Command::new("lp").arg("--").arg(&path).output()
    })
    .await
    .map_err(|e| AppError::new(view::code::REPORT, e.to_string()))?
    .map_err(|_| {
        AppError::new(
            view::code::REPORT,
            "печать недоступна: не найдена команда lp (CUPS). Сохраните документ и распечатайте его из программы просмотра PDF",
        )
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(AppError::new(
            view::code::REPORT,
            format!(
                "принтер не принял документ: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ))
    }
}

#[tauri::command]
async fn sync_status(state: State<'_, Shared>) -> AppResult<SyncStatus> {
    with(&state, |a| a.sync_status()).await
}

#[tauri::command]
async fn login(server: String, login: String, password: String) -> AppResult<AppState> {
    let _ = (server, login, password);
    not_yet()
}

#[tauri::command]
async fn logout(state: State<'_, Shared>) -> AppResult<AppState> {
    with(&state, |a| a.state()).await
}

#[tauri::command]
async fn sync_now() -> AppResult<SyncStatus> {
    not_yet()
}

#[tauri::command]
async fn conflicts(state: State<'_, Shared>) -> AppResult<Vec<ConflictView>> {
    with(&state, |a| a.conflicts()).await
}

#[tauri::command]
async fn resolve_conflict(
    state: State<'_, Shared>,
    doc: String,
    lesson: String,
    student: String,
    chosen_text: String,
) -> AppResult<()> {
    with(&state, move |a| {
        a.resolve_conflict(&doc, &lesson, &student, &chosen_text)
    })
    .await
}

#[tauri::command]
async fn bundle_export(path: String) -> AppResult<BundleResult> {
    let _ = path;
    not_yet()
}

#[tauri::command]
async fn bundle_import(path: String) -> AppResult<BundleResult> {
    let _ = path;
    not_yet()
}

/// The app's commands and state on any runtime (the real one, or the mock in tests).
pub fn setup<R: Runtime>(builder: tauri::Builder<R>, app: view::App) -> tauri::Builder<R> {
    builder
        .manage(Shared::new(app))
        .invoke_handler(tauri::generate_handler![
            app_state,
            open_demo,
            staff_list,
            set_profile,
            my_journals,
            grid,
            set_cell,
            set_final,
            add_lesson,
            save_lesson,
            undo,
            roster,
            import_roster,
            add_movement,
            personal,
            monitoring,
            make_report,
            save_report,
            print_report,
            sync_status,
            login,
            logout,
            sync_now,
            conflicts,
            resolve_conflict,
            bundle_export,
            bundle_import,
        ])
}

/// The school file: `--db PATH` on the command line (used by the end-to-end tests, and handy
/// for a second school), else the embedded default.
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
    view::default_db_path()
}

/// Starts the app on the school file.
pub fn run(context: tauri::Context<tauri::Wry>) {
    let db = db_from_args(std::env::args().skip(1));
    let app = view::App::open_or_problem(&db);
    setup(tauri::Builder::default(), app)
        .run(context)
        .expect("the window system could not start the journal");
}

#[cfg(test)]
mod tests;
