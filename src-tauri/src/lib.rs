//! # The desktop app's shell
//!
//! A thin Tauri 2 layer over `zhurnal-service`: each command takes its arguments, calls one
//! method of [`zhurnal_service::view::App`] off the main thread, and returns its result or its
//! `{code, message}` error (docs/app-commands.md). No journal logic lives here.
//!
//! The school is the SQLite file of [`view::default_db_path`] (`ZHURNAL_DB` overrides it), the
//! one `scripts/start.sh` uses; on first start the window offers the demo school. Everything
//! works with no network; when the device is enrolled with a school server, [`sync`] syncs in
//! the background. The builder is generic over the runtime so that the commands are tested
//! with `tauri::test::mock_builder()` and no display.

mod closing;
mod files;
mod link;
mod start;
pub mod sync;

pub use closing::Closing;
use start::remember_school;
pub use start::{compositing_env, db_from_args, remembered_school};

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tauri::{Emitter, Manager, Runtime, State};
use zhurnal_service::view::{
    self, AppError, AppResult, AppState, CellResult, Finding, GridView, ImportResult, JournalRef,
    LessonEdit, LessonView, MovementEdit, Period, PersonalView, RosterView, StaffView, SyncStatus,
    Undone, WeekView,
};

/// The open school, shared by the commands; one command works on it at a time.
pub struct Shared {
    app: Arc<Mutex<view::App>>,
    /// Where made documents are written (`pdf/` beside the school file).
    reports_dir: PathBuf,
    sync: Arc<sync::Syncer>,
}

impl Shared {
    pub fn new(app: view::App) -> Self {
        let reports_dir = app
            .db_path()
            .parent()
            .map(|d| d.join("pdf"))
            .unwrap_or_else(|| PathBuf::from("pdf"));
        let sync = Arc::new(sync::Syncer::new(app.db_path().to_path_buf()));
        let mut app = app;
        if let Ok(Some(_)) = app.enrolment() {
            sync.configured.store(true, Ordering::SeqCst);
        }
        Self {
            app: Arc::new(Mutex::new(app)),
            reports_dir,
            sync,
        }
    }

    /// The commands' path to the school: the file's gate, the app, and a fresh read of the
    /// file if the sync wrote to it since.
    fn run<T>(
        app: &Mutex<view::App>,
        syncer: &sync::Syncer,
        f: impl FnOnce(&mut view::App) -> AppResult<T>,
    ) -> AppResult<T> {
        let _gate = syncer.gate.hold();
        // A panic in an earlier command must not lock the teacher out of her journal: the
        // school on disk is consistent after every acknowledged edit.
        let mut guard = app.lock().unwrap_or_else(|p| p.into_inner());
        if syncer.stale.swap(false, Ordering::SeqCst) {
            if let Err(e) = guard.reload() {
                syncer.stale.store(true, Ordering::SeqCst);
                return Err(e);
            }
        }
        f(&mut guard)
    }

    /// Opens another school file (made empty when it does not exist) in place of the open
    /// one: no sync is half-way, no command runs meanwhile, and the next start opens it too.
    /// When it cannot be opened, nothing changes.
    fn switch(app: &Mutex<view::App>, syncer: &sync::Syncer, path: &Path) -> AppResult<AppState> {
        let _paused = syncer.pause();
        let _gate = syncer.gate.hold();
        let mut next = view::App::open(path)?;
        let configured = matches!(next.enrolment(), Ok(Some(_)));
        let state = next.state()?;
        *app.lock().unwrap_or_else(|p| p.into_inner()) = next;
        syncer.set_db(path.to_path_buf(), configured);
        remember_school(path);
        Ok(state)
    }

    /// The sync status with the shell's `syncing` flag.
    fn status(app: &Mutex<view::App>, syncer: &sync::Syncer) -> AppResult<SyncStatus> {
        let mut st = Self::run(app, syncer, |a| a.sync_status())?;
        st.syncing = syncer.syncing.load(Ordering::SeqCst);
        Ok(st)
    }
}

pub(crate) fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::new(
        view::code::STORE,
        format!("внутренняя ошибка программы: {e}"),
    )
}

/// Runs `f` on the school on a blocking thread, never on the window's main thread.
pub(crate) async fn with<T, F>(state: &Shared, f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut view::App) -> AppResult<T> + Send + 'static,
{
    let app = state.app.clone();
    let syncer = state.sync.clone();
    tauri::async_runtime::spawn_blocking(move || Shared::run(&app, &syncer, f))
        .await
        .map_err(internal)?
}

/// [`with`] for an edit: a configured device syncs soon after.
pub(crate) async fn edited<T, F>(state: &Shared, f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut view::App) -> AppResult<T> + Send + 'static,
{
    let out = with(state, f).await?;
    state.sync.edited();
    Ok(out)
}

/// The name this computer gives itself to the server («ноутбук кабинета 12»).
pub(crate) fn this_computer() -> String {
    ["HOSTNAME", "COMPUTERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .chain(
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string()),
        )
        .find(|h| !h.is_empty())
        .unwrap_or_else(|| "компьютер учителя".into())
}

#[tauri::command]
async fn app_state(state: State<'_, Shared>) -> AppResult<AppState> {
    with(&state, |a| a.state()).await
}

/// [`Shared::switch`] off the window's thread.
pub(crate) async fn switch(state: &Shared, path: PathBuf) -> AppResult<AppState> {
    let (app, syncer) = (state.app.clone(), state.sync.clone());
    tauri::async_runtime::spawn_blocking(move || Shared::switch(&app, &syncer, &path))
        .await
        .map_err(internal)?
}

/// The folder of the open school file: the other schools of this computer are beside it.
pub(crate) fn schools_dir(state: &Shared) -> PathBuf {
    state
        .sync
        .db()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The demo school: in the open file when it is empty; when the open file holds a server's
/// school, in a file of its own beside it (a real school is never mixed with it).
#[tauri::command]
async fn open_demo(state: State<'_, Shared>) -> AppResult<AppState> {
    let st = with(&state, |a| a.state()).await?;
    if st.has_school && st.sync.configured {
        switch(&state, view::demo_path(&schools_dir(&state))).await?;
    }
    with(&state, |a| {
        let st = a.state()?;
        if st.has_school {
            Ok(st)
        } else {
            a.open_demo()
        }
    })
    .await
}

/// The USB sticks mounted now (where a bundle is written or read).
#[tauri::command]
fn removable_drives() -> Vec<String> {
    view::removable_drives()
}

/// The school files of this computer (the open one first).
#[tauri::command]
async fn schools(state: State<'_, Shared>) -> AppResult<Vec<view::SchoolFile>> {
    let open = with(&state, |a| Ok(a.describe())).await?;
    let dir = schools_dir(&state);
    tauri::async_runtime::spawn_blocking(move || view::school_files(&dir, open))
        .await
        .map_err(internal)
}

/// Opens another school of this computer (one of [`schools`]).
#[tauri::command]
async fn open_school(state: State<'_, Shared>, path: String) -> AppResult<AppState> {
    let dir = std::fs::canonicalize(schools_dir(&state)).map_err(internal)?;
    let file = std::fs::canonicalize(&path)
        .ok()
        .filter(|f| {
            f.parent() == Some(dir.as_path()) && f.extension().is_some_and(|e| e == "sqlite3")
        })
        .ok_or_else(|| {
            AppError::new(
                view::code::NOT_FOUND,
                format!("«{path}» — не файл школы этого компьютера"),
            )
        })?;
    switch(&state, file).await
}

/// A new, empty school file beside the others (the way on from a file that does not open: it
/// is left as it is): the window then offers the school's server or the demo school.
#[tauri::command]
async fn new_school_file(state: State<'_, Shared>) -> AppResult<AppState> {
    let path = view::new_school_path(&schools_dir(&state), "new");
    switch(&state, path).await
}

#[tauri::command]
fn close_seen(closing: State<'_, Closing>) {
    closing.seen();
}

#[tauri::command]
fn close_window<R: Runtime>(
    window: tauri::Window<R>,
    closing: State<'_, Closing>,
) -> AppResult<()> {
    closing.allow();
    window.close().map_err(internal)
}

#[tauri::command]
async fn staff_list(state: State<'_, Shared>) -> AppResult<Vec<StaffView>> {
    with(&state, |a| a.staff_list()).await
}

#[tauri::command]
async fn set_profile(
    state: State<'_, Shared>,
    staff_id: String,
    pin: Option<String>,
) -> AppResult<AppState> {
    with(&state, move |a| a.set_profile(&staff_id, pin.as_deref())).await
}

#[tauri::command]
async fn unlock(state: State<'_, Shared>, pin: String) -> AppResult<AppState> {
    with(&state, move |a| a.unlock(&pin)).await
}

#[tauri::command]
async fn lock(state: State<'_, Shared>) -> AppResult<AppState> {
    with(&state, |a| a.lock()).await
}

#[tauri::command]
async fn set_pin(
    state: State<'_, Shared>,
    current: Option<String>,
    new: Option<String>,
) -> AppResult<AppState> {
    with(&state, move |a| {
        a.set_pin(current.as_deref(), new.as_deref())
    })
    .await
}

#[tauri::command]
async fn clear_pin(state: State<'_, Shared>, staff_id: String) -> AppResult<Vec<StaffView>> {
    with(&state, move |a| a.clear_pin(&staff_id)).await
}

#[tauri::command]
async fn week(state: State<'_, Shared>, date: Option<String>) -> AppResult<WeekView> {
    with(&state, move |a| a.week(date.as_deref())).await
}

#[tauri::command]
async fn open_lesson(
    state: State<'_, Shared>,
    class_id: String,
    subject_id: String,
    subgroup: Option<u8>,
    date: String,
    number: u8,
) -> AppResult<LessonView> {
    edited(&state, move |a| {
        a.open_lesson(&class_id, &subject_id, subgroup, &date, number)
    })
    .await
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
    edited(&state, move |a| {
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
    edited(&state, move |a| {
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
    edited(&state, move |a| {
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
    edited(&state, move |a| {
        a.save_lesson(&class_id, &subject_id, &lesson_id, &edit)
    })
    .await
}

#[tauri::command]
async fn all_present(
    state: State<'_, Shared>,
    class_id: String,
    subject_id: String,
    lesson_id: String,
) -> AppResult<LessonView> {
    edited(&state, move |a| {
        a.all_present(&class_id, &subject_id, &lesson_id)
    })
    .await
}

#[tauri::command]
async fn undo(
    state: State<'_, Shared>,
    class_id: String,
    subject_id: String,
) -> AppResult<Option<Undone>> {
    edited(&state, move |a| a.undo(&class_id, &subject_id)).await
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
    edited(&state, move |a| a.import_roster(&class_id, &path)).await
}

#[tauri::command]
async fn add_movement(
    state: State<'_, Shared>,
    class_id: String,
    student_id: String,
    movement: MovementEdit,
) -> AppResult<RosterView> {
    edited(&state, move |a| {
        a.add_movement(&class_id, &student_id, &movement)
    })
    .await
}

#[tauri::command]
async fn correct_movement(
    state: State<'_, Shared>,
    class_id: String,
    movement_id: String,
    movement: MovementEdit,
) -> AppResult<RosterView> {
    edited(&state, move |a| {
        a.correct_movement(&class_id, &movement_id, &movement)
    })
    .await
}

#[tauri::command]
async fn cancel_movement(
    state: State<'_, Shared>,
    class_id: String,
    movement_id: String,
) -> AppResult<RosterView> {
    edited(&state, move |a| a.cancel_movement(&class_id, &movement_id)).await
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

/// Present in the real app: a window with no remembered size starts maximised, so that a
/// 1366×768 laptop shows everything (not `maximized` in tauri.conf.json: a window created
/// maximised never shows without a window manager, as under Xvfb).
struct MaximiseFirst;

/// The app's commands and state on any runtime (the real one, or the mock in tests).
pub fn setup<R: Runtime>(builder: tauri::Builder<R>, app: view::App) -> tauri::Builder<R> {
    builder
        .manage(Shared::new(app))
        .manage(Closing::default())
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if !window.state::<Closing>().may_close(Instant::now()) {
                    api.prevent_close();
                    let _ = window.emit("close-requested", ());
                }
            }
        })
        .setup(|app| {
            let shared = app.state::<Shared>();
            // The preview shows made documents through the asset protocol, from their folder
            // only (the configured scope covers the default file's folder; `--db` moves it).
            let _ = std::fs::create_dir_all(&shared.reports_dir);
            let _ = app
                .asset_protocol_scope()
                .allow_directory(&shared.reports_dir, true);
            if app.try_state::<MaximiseFirst>().is_some() {
                let remembered = app
                    .path()
                    .app_config_dir()
                    .map(|d| d.join(tauri_plugin_window_state::DEFAULT_FILENAME).exists())
                    .unwrap_or(false);
                if let Some(w) = app.get_webview_window("main").filter(|_| !remembered) {
                    let _ = w.maximize();
                }
            }
            let (a, s) = (shared.app.clone(), shared.sync.clone());
            shared
                .sync
                .spawn(app.handle().clone(), move || Shared::status(&a, &s).ok());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            app_state,
            removable_drives,
            schools,
            open_school,
            new_school_file,
            close_seen,
            close_window,
            open_demo,
            staff_list,
            set_profile,
            unlock,
            lock,
            set_pin,
            clear_pin,
            my_journals,
            week,
            open_lesson,
            grid,
            set_cell,
            set_final,
            add_lesson,
            save_lesson,
            all_present,
            undo,
            roster,
            import_roster,
            add_movement,
            correct_movement,
            cancel_movement,
            personal,
            monitoring,
            files::make_report,
            files::save_report,
            files::print_report,
            files::open_report,
            link::sync_status,
            link::login,
            link::change_password,
            link::logout,
            link::sync_now,
            link::conflicts,
            link::resolve_conflict,
            link::bundle_export,
            link::bundle_import,
        ])
}

/// Starts the app on the school file.
pub fn run(context: tauri::Context<tauri::Wry>) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let user_set = std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some();
    if let Some((k, v)) = compositing_env(&args, user_set) {
        // Before any thread starts (the window system's included).
        std::env::set_var(k, v);
    }
    let db = db_from_args(args);
    let app = view::App::open_or_problem(&db);
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        // Size, place and «maximised» as the teacher left them.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .manage(MaximiseFirst);
    setup(builder, app)
        .run(context)
        .expect("the window system could not start the journal");
}

#[cfg(test)]
mod contract;
#[cfg(test)]
mod tests;
