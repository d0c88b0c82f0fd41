//! # What the desktop app shows and does
//!
//! The app-facing use cases of `docs/app-commands.md`, written here so that the Tauri shell
//! stays glue: each command parses its arguments, calls one method of [`App`] and returns its
//! result or its [`AppError`] (`{code, message}`, the message in Russian, the code stable).
//!
//! The types are the IPC contract: plain, serialisable, with ids as strings and dates as ISO
//! text. In test builds they derive `ts_rs::TS`, and the TypeScript the front end imports
//! (`ui/src/bindings/`) is generated from them; a test fails when the committed files differ.
//!
//! Every figure the grid shows is computed by the domain: the cell text by
//! [`CellInput::display`], the weighted average and the suggested mark by
//! [`stats::suggest_period_mark`] with the school's settings. Who may write or read a journal
//! is decided by the same rules the sync server applies ([`zhurnal_sync::access`]).

use crate::{create_demo, ServiceError, Zhurnal};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use zhurnal_domain::stats;
use zhurnal_domain::{
    Attendance, CellInput, Class, FinalKind, Lesson, LessonId, MarkValue, Marks, Movement,
    MovementId, MovementKind, PeriodCode, PeriodScheme, Role, StaffId, Student, StudentId, Subject,
};
use zhurnal_journal::journal::{self, CellRef, LessonPatch};
use zhurnal_journal::school::School;
use zhurnal_journal::{personal, roster, DocId};
use zhurnal_store::Store;
use zhurnal_sync::access::{access, Access as DocAccess};

#[cfg(test)]
use ts_rs::TS;

/// The stable codes of a failed command (`AppError.code`), as the window tells them apart. On
/// the wire each is its snake_case name (`"not_found"`); TypeScript gets the same union from
/// `ui/src/bindings/AppCode.ts`, so a code cannot drift between the two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum AppCode {
    NotFound,
    Invalid,
    ReadOnly,
    NoAccess,
    /// No local profile chosen yet.
    NoProfile,
    /// The file holds no school.
    NoSchool,
    Conflict,
    Store,
    Sync,
    /// The server could not be reached (a status, not a failure: nothing is lost).
    Offline,
    Report,
    /// The file to write exists: the user is asked before it is replaced.
    Exists,
    /// The profile at work has a local PIN that was not entered (see [`App::unlock`]).
    Locked,
}

/// The codes by the names the use cases write them with (`code::NOT_FOUND`).
pub mod code {
    use super::AppCode;
    pub const NOT_FOUND: AppCode = AppCode::NotFound;
    pub const INVALID: AppCode = AppCode::Invalid;
    pub const READ_ONLY: AppCode = AppCode::ReadOnly;
    pub const NO_ACCESS: AppCode = AppCode::NoAccess;
    pub const NO_PROFILE: AppCode = AppCode::NoProfile;
    pub const NO_SCHOOL: AppCode = AppCode::NoSchool;
    pub const CONFLICT: AppCode = AppCode::Conflict;
    pub const STORE: AppCode = AppCode::Store;
    pub const SYNC: AppCode = AppCode::Sync;
    pub const OFFLINE: AppCode = AppCode::Offline;
    pub const REPORT: AppCode = AppCode::Report;
    pub const EXISTS: AppCode = AppCode::Exists;
    pub const LOCKED: AppCode = AppCode::Locked;
}

/// A failed command: `code` is stable (see [`code`]), `message` is Russian, for the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(test, derive(TS))]
#[error("{message}")]
pub struct AppError {
    pub code: AppCode,
    pub message: String,
}

impl AppError {
    /// An error with its message as a sentence (a capital first letter), whichever layer
    /// worded it.
    pub fn new(code: AppCode, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut chars = message.chars();
        let message = match chars.next() {
            Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
            _ => message,
        };
        Self { code, message }
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        use zhurnal_journal::JournalError as J;
        let c = match &e {
            ServiceError::NoSchool(_) => code::NO_SCHOOL,
            ServiceError::NoClass { .. }
            | ServiceError::NoSubject { .. }
            | ServiceError::NoStudent { .. }
            | ServiceError::NoStaff(_)
            | ServiceError::NoLesson { .. } => code::NOT_FOUND,
            ServiceError::Store(_) => code::STORE,
            ServiceError::Report(_) => code::REPORT,
            ServiceError::Journal(J::NoSuchLesson(_) | J::NoSuchStudent(_)) => code::NOT_FOUND,
            ServiceError::Journal(J::Corrupt(..) | J::Automerge(_)) => code::STORE,
            _ => code::INVALID,
        };
        Self::new(c, e.to_string())
    }
}

impl From<zhurnal_journal::JournalError> for AppError {
    fn from(e: zhurnal_journal::JournalError) -> Self {
        ServiceError::from(e).into()
    }
}

impl From<zhurnal_store::StoreError> for AppError {
    fn from(e: zhurnal_store::StoreError) -> Self {
        ServiceError::from(e).into()
    }
}

pub type AppResult<T> = Result<T, AppError>;

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(code::INVALID, message)
}

fn not_found(message: impl Into<String>) -> AppError {
    AppError::new(code::NOT_FOUND, message)
}

// ---------------------------------------------------------------------------------------------
// The contract's types
// ---------------------------------------------------------------------------------------------

/// A marking period, or the whole year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub enum Period {
    Q1,
    Q2,
    Q3,
    Q4,
    H1,
    H2,
    Year,
}

impl Period {
    pub fn code(self) -> PeriodCode {
        match self {
            Self::Q1 => PeriodCode::Q1,
            Self::Q2 => PeriodCode::Q2,
            Self::Q3 => PeriodCode::Q3,
            Self::Q4 => PeriodCode::Q4,
            Self::H1 => PeriodCode::H1,
            Self::H2 => PeriodCode::H2,
            Self::Year => PeriodCode::Year,
        }
    }

    pub fn of(code: PeriodCode) -> Self {
        match code {
            PeriodCode::Q1 => Self::Q1,
            PeriodCode::Q2 => Self::Q2,
            PeriodCode::Q3 => Self::Q3,
            PeriodCode::Q4 => Self::Q4,
            PeriodCode::H1 => Self::H1,
            PeriodCode::H2 => Self::H2,
            PeriodCode::Year => Self::Year,
        }
    }
}

/// What the profile may do with a journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Write,
    Read,
}

/// Who works at this computer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct Profile {
    pub id: String,
    pub name: String,
    /// `admin`, `deputy`, `subject_teacher`, `class_teacher`.
    pub roles: Vec<String>,
    /// A local PIN guards this profile on this computer.
    pub pin: bool,
}

/// A member of staff, to choose a local profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct StaffView {
    pub id: String,
    pub name: String,
    pub roles: Vec<String>,
    /// What he does, in Russian («учитель: Алгебра, Геометрия; классный руководитель 7Б»).
    pub description: String,
    /// Choosing him takes his local PIN.
    pub pin: bool,
}

/// Changes of one document that the server has not acknowledged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct PendingDoc {
    pub doc: String,
    pub label: String,
    pub changes: u32,
}

/// Where sync stands; always visible in the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct SyncStatus {
    /// The device is enrolled with a school server.
    pub configured: bool,
    /// The last sync reached the server (false before the first one and after a failure).
    pub online: bool,
    /// A sync is under way (set by the shell).
    pub syncing: bool,
    /// The server's address, when enrolled.
    pub server: Option<String>,
    /// Who the device is enrolled as («Иванова Мария Петровна»).
    pub user: Option<String>,
    /// RFC 3339 time of the last successful sync, if any.
    pub last_sync: Option<String>,
    /// Why the last sync failed (Russian), cleared by a successful one.
    pub last_error: Option<String>,
    pub pending: Vec<PendingDoc>,
    pub conflicts: u32,
    /// One line for the status bar, in Russian.
    pub message: String,
}

impl SyncStatus {
    /// No server is set: the journal lives on this computer only.
    pub fn not_configured(conflicts: u32) -> Self {
        Self {
            configured: false,
            online: false,
            syncing: false,
            server: None,
            user: None,
            last_sync: None,
            last_error: None,
            pending: Vec::new(),
            conflicts,
            message: "Сервер не настроен: журнал хранится на этом компьютере".into(),
        }
    }
}

/// «1 изменение», «3 изменения», «7 изменений».
fn changes_ru(n: u64) -> String {
    let word = match (n % 10, n % 100) {
        (1, r) if r != 11 => "изменение",
        (2..=4, r) if !(12..=14).contains(&r) => "изменения",
        _ => "изменений",
    };
    format!("{n} {word}")
}

/// What the app holds at start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct AppState {
    pub db_path: String,
    pub has_school: bool,
    /// The school's name, when there is one.
    pub school: Option<String>,
    /// «2025/26».
    pub year: Option<String>,
    pub profile: Option<Profile>,
    /// The profile has a local PIN not entered yet: the app asks for it before anything else.
    pub locked: bool,
    pub sync: SyncStatus,
}

/// A journal the profile writes or reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct JournalRef {
    pub class_id: String,
    pub class_name: String,
    pub subject_id: String,
    pub subject_name: String,
    pub subgroup: Option<u8>,
    pub access: Access,
    /// The periods the class is marked by (`Q1`…`Q4` or `H1`, `H2`), then `Year`.
    pub periods: Vec<Period>,
    /// The period that contains today (or the last one, after the year).
    pub current_period: Period,
}

/// A student row of the grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct StudentRow {
    pub id: String,
    /// «Фамилия Имя».
    pub name: String,
    /// Number in the list, from 1.
    pub number: u32,
    /// On the roll for the whole period (false: arrived or left during it).
    pub on_roll: bool,
    /// ISO date of arrival during the year, if any.
    pub arrived: Option<String>,
    /// ISO date of leaving, if any.
    pub left: Option<String>,
}

/// A lesson: a column of the grid, and a line of the lesson panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct LessonView {
    pub id: String,
    /// ISO date, `2025-09-03`.
    pub date: String,
    pub number: u8,
    pub subgroup: Option<u8>,
    pub topic: String,
    pub homework: String,
    /// The teacher's «Фамилия И. О.».
    pub teacher: Option<String>,
    /// The work type of the lesson's marks (`кр`, `дз`), when they have one.
    pub work_type: Option<String>,
    /// Attendance was taken («Все присутствуют», or someone marked absent or late).
    pub attendance_taken: bool,
    /// How many students have an attendance code (Н, Б, У, О) in it.
    pub absent: u32,
}

/// A non-empty cell of the grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct CellView {
    pub lesson: String,
    pub student: String,
    /// The cell as shown and typed: `5 4`, `Н`, `О 5`, `н/а`.
    pub text: String,
    /// The marks alone: `5 4`.
    pub marks: String,
    /// The attendance code alone: `Н`, `Б`, `У`, `О`.
    pub attendance: Option<String>,
}

/// A student's period column: the mark given, and the figures the domain suggests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct FinalView {
    pub student: String,
    pub period_mark: Option<String>,
    /// Weighted average of the period's marks, two decimals.
    pub average: Option<f64>,
    /// Number of numeric marks the average is of.
    pub count: u32,
    /// The mark the school's rounding suggests (`н/а` with too few marks).
    pub suggested: Option<String>,
}

/// A named thing: a class or a subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// One class × subject × subgroup × period, like a page of the paper journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct GridView {
    /// The class's name («7Б»).
    pub class: String,
    /// The subject's name.
    pub subject: String,
    pub class_id: String,
    pub subject_id: String,
    pub subgroup: Option<u8>,
    pub period: Period,
    /// «1 четверть».
    pub period_title: String,
    /// First and last day of the period (ISO).
    pub period_start: String,
    pub period_end: String,
    pub access: Access,
    pub students: Vec<StudentRow>,
    pub lessons: Vec<LessonView>,
    pub cells: Vec<CellView>,
    pub finals: Vec<FinalView>,
}

/// What an edit stored: the cell (none for a period mark) and the student's new figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct CellResult {
    pub cell: Option<CellView>,
    pub r#final: FinalView,
    /// The period the figures are of.
    pub period: Period,
}

/// The lesson panel's fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct LessonEdit {
    pub topic: String,
    pub homework: String,
    /// ISO date.
    pub date: String,
}

/// A movement entry (движение учащихся).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct MovementView {
    pub id: String,
    /// `arrival`, `departure`, `transfer`.
    pub kind: String,
    /// «прибыл», «выбыл», «переведён».
    pub title: String,
    pub date: String,
    pub order: String,
    /// Where from (arrival) or where to (departure, transfer).
    pub place: String,
}

/// A new movement entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct MovementEdit {
    /// `arrival`, `departure`, `transfer`.
    pub kind: String,
    pub date: String,
    pub order: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// A student of the class list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct RosterStudent {
    pub id: String,
    /// Full ФИО.
    pub name: String,
    pub number: u32,
    pub birth_date: Option<String>,
    /// On the roll today (or on the last day of the school year, after it).
    pub on_roll: bool,
    /// Subject name → subgroup number.
    pub subgroups: BTreeMap<String, u8>,
    pub movements: Vec<MovementView>,
}

/// One entry of the movement table: cancelled ones too, with what was corrected in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct MovementEntry {
    pub student_id: String,
    /// The student's ФИО.
    pub student: String,
    pub movement: MovementView,
    /// «отменена 03.12.2026, Князева М. Д.» when the entry was cancelled as a mistake.
    pub cancelled: Option<String>,
    /// What the entry said before each correction, oldest first: «было: выбыл 15.05.2020,
    /// приказ № 12 (исправила Князева М. Д. 03.12.2026)».
    pub corrections: Vec<String>,
}

/// The class list with movement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct RosterView {
    pub class_id: String,
    pub class_name: String,
    pub access: Access,
    pub students: Vec<RosterStudent>,
    /// Every movement entry of the year by date, cancelled ones too.
    pub log: Vec<MovementEntry>,
}

/// What loading a class list did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ImportResult {
    pub added: u32,
    pub updated: u32,
}

/// A parent in a student's personal file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ParentView {
    pub name: String,
    pub relation: String,
    pub workplace: String,
    pub phone: String,
}

/// A student's personal file (152-ФЗ: the class teacher and the admin only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct PersonalRow {
    pub student: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub parents: Vec<ParentView>,
    pub consent: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct PersonalView {
    pub class_id: String,
    pub students: Vec<PersonalRow>,
}

/// A monitoring finding, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct Finding {
    /// `no_marks`, `no_topic`, `no_attendance`, `absence_to_confirm`.
    pub kind: String,
    pub subject: String,
    pub student: Option<String>,
    pub date: Option<String>,
    pub text: String,
}

/// A paper document to make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ReportRequest {
    /// As in the command line: `period-copy`, `year-journal`, `class-results`,
    /// `marks-summary`, `attendance`, `attendance-month`, `movement`, `monitoring`, `extract`,
    /// `letter`.
    pub kind: String,
    pub class_id: String,
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub period: Option<Period>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub student_id: Option<String>,
    /// `2025-10`, for `attendance-month`.
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub month: Option<String>,
    /// For the year-end journal's sheet count.
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub two_sided: Option<bool>,
}

/// A document made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ReportResult {
    pub path: String,
    pub pages: u32,
    pub bytes: u32,
    /// Where «Сохранить» proposes to put a copy: the documents folder, never the file itself.
    pub suggested: String,
}

/// Progress of a document being made (event `report-progress`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ReportProgress {
    pub done: u32,
    pub total: u32,
}

/// One of the values of a conflicted cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ConflictValue {
    pub text: String,
    /// Who wrote it («Фамилия И. О.»).
    pub author: String,
    /// Shown until somebody chooses.
    pub shown: bool,
}

/// A cell written concurrently with different values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ConflictView {
    pub doc: String,
    pub lesson: String,
    pub student: String,
    /// «7Б, Алгебра, 03.09.2025, Антонов Георгий: отметки».
    pub label: String,
    pub values: Vec<ConflictValue>,
}

/// What a USB bundle carried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct BundleResult {
    pub documents: u32,
    pub changes: u32,
    /// On export: the device's public key (64 hex digits), which the receiving side needs to
    /// check the file.
    pub public_key: Option<String>,
}

/// How a sync is going (event `sync-progress`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct SyncProgress {
    /// Round trips done.
    pub rounds: u32,
    /// Changes received so far.
    pub received: u32,
    /// Documents the server still has to send.
    pub remaining: u32,
    /// Failed tries so far (each followed by a wait).
    pub retries: u32,
}

// ---------------------------------------------------------------------------------------------
// The app
// ---------------------------------------------------------------------------------------------

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

/// An edit the profile made in this session, with what it replaced.
#[derive(Clone, Debug)]
enum UndoEntry {
    Cell {
        doc: DocId,
        lesson: LessonId,
        student: StudentId,
        marks: Marks,
        attendance: Option<Attendance>,
    },
    Final {
        doc: DocId,
        kind: FinalKind,
        student: StudentId,
        value: Option<MarkValue>,
    },
}

impl UndoEntry {
    fn doc(&self) -> DocId {
        match self {
            Self::Cell { doc, .. } | Self::Final { doc, .. } => *doc,
        }
    }
}

/// What an undo put back, and the sentence that says so («Отменено: Иванов П., урок 03.09.2025
/// — снова «4»»).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct Undone {
    pub result: CellResult,
    pub what: String,
}

fn undone_line(student: &str, place: &str, text: &str) -> String {
    if text.is_empty() {
        format!("Отменено: {student}, {place} — снова пусто")
    } else {
        format!("Отменено: {student}, {place} — снова «{text}»")
    }
}

/// The app's state: the school file, the school in it (if any), who works at this computer,
/// and the edits of this session that can be undone.
pub struct App {
    db_path: PathBuf,
    journal: Option<Zhurnal>,
    profile: Option<StaffId>,
    undo: Vec<UndoEntry>,
    /// Why the file could not be opened (shown by every command), if it could not.
    problem: Option<AppError>,
    pin: pin::PinState,
}

/// Where earlier versions kept the local profile: beside the school file. It now lives in the
/// store; a file found there is moved into the store once and deleted.
fn old_profile_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".profile");
    db.with_file_name(name)
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_date(text: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| invalid(format!("«{text}» — не дата: ожидается ГГГГ-ММ-ДД")))
}

fn parse_id<T: std::str::FromStr>(text: &str, what: &str) -> AppResult<T> {
    text.trim()
        .parse()
        .map_err(|_| invalid(format!("неверный идентификатор {what}: «{text}»")))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn role_names(roles: &[Role]) -> Vec<String> {
    roles.iter().map(|r| r.as_str().to_string()).collect()
}

/// The date the app treats as today: today, kept inside the school year (a demo of a past
/// year is looked at as on its last day).
fn school_today(school: &School) -> NaiveDate {
    let today = chrono::Local::now().date_naive();
    match school.calendar.bounds(PeriodCode::Year) {
        Some((start, end)) => today.clamp(start, end),
        None => today,
    }
}

fn periods_of(class: &Class) -> Vec<Period> {
    PeriodScheme::for_grade(class.grade)
        .periods()
        .iter()
        .map(|p| Period::of(*p))
        .chain([Period::Year])
        .collect()
}

fn cell_view(lesson: &Lesson, student: StudentId) -> Option<CellView> {
    let marks = lesson.marks.get(&student).cloned().unwrap_or_default();
    let attendance = lesson.attendance.get(&student).copied();
    if marks.is_empty() && attendance.is_none() {
        return None;
    }
    let marks_text = marks
        .0
        .iter()
        .map(|m| m.value.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    Some(CellView {
        lesson: lesson.id.to_string(),
        student: student.to_string(),
        text: CellInput { marks, attendance }.display(),
        marks: marks_text,
        attendance: attendance.map(|a| a.code().to_string()),
    })
}

/// A movement entry from the form, under `id`.
fn movement_of(m: &MovementEdit, id: MovementId) -> AppResult<Movement> {
    let kind = match m.kind.as_str() {
        "arrival" => MovementKind::Arrival,
        "departure" => MovementKind::Departure,
        "transfer" => MovementKind::Transfer,
        other => return Err(invalid(format!("Неизвестный вид движения «{other}»"))),
    };
    let order_no = m.order.trim().to_string();
    if order_no.is_empty() {
        return Err(invalid("Укажите номер приказа"));
    }
    Ok(Movement {
        id,
        kind,
        date: parse_date(&m.date)?,
        order_no,
        place: if kind == MovementKind::Arrival {
            m.from.trim().to_string()
        } else {
            m.to.trim().to_string()
        },
    })
}

/// Whether `movement` can be written for `student` (his other entries as they are): its date
/// in the school year (1 September to 31 August), a departure or transfer on a day he is on the
/// class list, an arrival on a day he is not on it since an earlier arrival.
fn check_movement(school: &School, student: &Student, movement: &Movement) -> AppResult<()> {
    let ru = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
    if let Some((start, _)) = school.calendar.bounds(PeriodCode::Year) {
        let last = start
            .with_year(start.year() + 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(start);
        if movement.date < start || movement.date > last {
            return Err(invalid(format!(
                "Дата {} не в этом учебном году: записи о движении — с {} по {}",
                ru(movement.date),
                ru(start),
                ru(last)
            )));
        }
    }
    let name = student.name.short();
    match movement.kind {
        MovementKind::Departure | MovementKind::Transfer => {
            if !student.on_roll(movement.date) {
                // The stay that ended before the date, else the first one, which began after it.
                let stays = student.stays();
                let why = match stays
                    .iter()
                    .filter_map(|s| s.1)
                    .filter(|&l| l <= movement.date)
                    .max()
                {
                    Some(l) => format!("выбыл(а) {}", ru(l)),
                    None => match stays.first().and_then(|s| s.0) {
                        Some(a) => format!("прибыл(а) только {}", ru(a)),
                        None => "нет в списке".into(),
                    },
                };
                return Err(invalid(format!(
                    "{name} на {} не в списке класса ({why}): выбыть в этот день нельзя",
                    ru(movement.date)
                )));
            }
        }
        MovementKind::Arrival => {
            if let Some(a) = student
                .stays()
                .iter()
                .find(|s| {
                    s.0.is_some_and(|a| a <= movement.date) && s.1.is_none_or(|l| movement.date < l)
                })
                .and_then(|s| s.0)
            {
                return Err(invalid(format!(
                    "{name} уже в списке класса: прибыл(а) {}",
                    ru(a)
                )));
            }
        }
    }
    Ok(())
}

fn movement_view(m: &Movement) -> MovementView {
    MovementView {
        id: m.id.to_string(),
        kind: match m.kind {
            MovementKind::Arrival => "arrival",
            MovementKind::Departure => "departure",
            MovementKind::Transfer => "transfer",
        }
        .into(),
        title: m.kind.title_ru().into(),
        date: iso(m.date),
        order: m.order_no.clone(),
        place: m.place.clone(),
    }
}

/// Everything about one journal that the grid and the edits need.
struct JournalCtx {
    school: School,
    class: Class,
    subject: Subject,
    doc: DocId,
    access: Access,
}

impl App {
    /// Opens the school file (creating an empty one if there is none). A file without a school
    /// opens too: the app then offers the demo school.
    pub fn open(db_path: impl Into<PathBuf>) -> AppResult<Self> {
        let db_path = db_path.into();
        if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                AppError::new(
                    code::STORE,
                    format!("не удалось создать папку «{}»: {e}", dir.display()),
                )
            })?;
        }
        let journal = match Zhurnal::open(&db_path) {
            Ok(z) => Some(z),
            Err(ServiceError::NoSchool(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let mut app = Self {
            db_path,
            journal,
            profile: None,
            undo: Vec::new(),
            problem: None,
            pin: Default::default(),
        };
        app.profile = app.load_profile();
        Ok(app)
    }

    /// [`App::open`] for a window that must start anyway: when the file cannot be opened (a
    /// damaged file, another program's database), every command answers with the reason, and
    /// the file is left exactly as it was.
    pub fn open_or_problem(db_path: impl Into<PathBuf>) -> Self {
        let db_path = db_path.into();
        match Self::open(db_path.clone()) {
            Ok(app) => app,
            Err(problem) => Self {
                db_path,
                journal: None,
                profile: None,
                undo: Vec::new(),
                problem: Some(problem),
                pin: Default::default(),
            },
        }
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Runs `f` on the store: the open school's, or (a file with no school yet, e.g. a device
    /// enrolled before its first sync) the bare store of the file.
    fn with_store<T, E: Into<AppError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> AppResult<T> {
        if let Some(p) = &self.problem {
            return Err(p.clone());
        }
        match self.journal.as_mut() {
            Some(z) => f(z.store()).map_err(Into::into),
            None => f(&mut Store::open(&self.db_path)?).map_err(Into::into),
        }
    }

    /// The device's enrolment with a school server, if any (`zhurnal-client` writes it).
    pub fn enrolment(&mut self) -> AppResult<Option<zhurnal_store::Profile>> {
        self.with_store(|s| s.profile())
    }

    /// Moves a profile file of an earlier version into the store, once, then deletes it.
    fn migrate_profile_file(&mut self) {
        let old = old_profile_path(&self.db_path);
        let Ok(text) = std::fs::read_to_string(&old) else {
            return;
        };
        let text = text.trim().to_string();
        let moved = self.with_store(|s| match s.local_profile()? {
            Some(_) => Ok::<_, zhurnal_store::StoreError>(()),
            None if text.parse::<StaffId>().is_ok() => s.set_local_profile(&text),
            None => Ok(()),
        });
        if moved.is_ok() {
            let _ = std::fs::remove_file(&old);
        }
    }

    /// Who works at this computer: the enrolled user when the device is enrolled, else the
    /// local profile — in either case only a member of the school's staff.
    fn load_profile(&mut self) -> Option<StaffId> {
        self.migrate_profile_file();
        let chosen = match self.enrolment().ok()? {
            Some(p) => p.user_id,
            None => self.with_store(|s| s.local_profile()).ok()??,
        };
        let id: StaffId = chosen.trim().parse().ok()?;
        let school = self.journal.as_mut()?.school().ok()?;
        school.staff_member(id).map(|s| s.id)
    }

    /// Reads the file again: after another connection (the sync) wrote to it, or after a first
    /// sync brought the school. The undo list of the session is kept.
    pub fn reload(&mut self) -> AppResult<()> {
        if let Some(p) = &self.problem {
            return Err(p.clone());
        }
        self.journal = None;
        self.journal = match Zhurnal::open(&self.db_path) {
            Ok(z) => Some(z),
            Err(ServiceError::NoSchool(_)) => None,
            Err(e) => return Err(e.into()),
        };
        self.profile = self.load_profile();
        Ok(())
    }

    /// Whether this file may be enrolled with `server` (its normalised address): `false` when
    /// it holds a school made on this computer (the demo school) that never synced with that
    /// server — the two schools would mix. The window then puts the server's school in a file
    /// of its own ([`new_school_path`]) and keeps this one.
    pub fn enrols_here(&mut self, server: &str) -> AppResult<bool> {
        let Some(z) = self.journal.as_mut() else {
            return Ok(true);
        };
        let school = DocId::school(z.year());
        Ok(!z.store().bookmark(server, school)?.is_empty())
    }

    /// This file as the list of schools on this computer shows it.
    pub fn describe(&mut self) -> SchoolFile {
        let path = self.db_path.display().to_string();
        match self.state() {
            Ok(st) => SchoolFile {
                path,
                title: match (&st.school, &st.year) {
                    (Some(s), Some(y)) => format!("{s}, {y}"),
                    (Some(s), None) => s.clone(),
                    _ if st.sync.configured => "Школа с сервера (ещё не получена)".into(),
                    _ => "Пустой файл".into(),
                },
                server: st.sync.server.clone().filter(|_| st.sync.configured),
                has_school: st.has_school,
                current: false,
            },
            Err(e) => SchoolFile {
                path,
                title: format!("Не открывается: {}", e.message),
                server: None,
                has_school: false,
                current: false,
            },
        }
    }

    /// After an enrolment (`zhurnal-client` wrote the profile): the enrolled user becomes the
    /// local profile too, so that logging out later leaves the same person at work.
    pub fn enrolled(&mut self) -> AppResult<AppState> {
        if let Some(p) = self.enrolment()? {
            self.with_store(|s| s.set_local_profile(&p.user_id))?;
        }
        self.reload()?;
        self.undo.clear();
        self.state()
    }

    /// Forgets the enrolment (token and device key); the journals stay on this computer and
    /// the same person goes on working with a local profile.
    pub fn logout(&mut self) -> AppResult<AppState> {
        self.with_store(|s| s.clear_profile())?;
        self.reload()?;
        self.state()
    }

    fn z(&mut self) -> AppResult<&mut Zhurnal> {
        if let Some(p) = &self.problem {
            return Err(p.clone());
        }
        self.journal.as_mut().ok_or_else(|| {
            AppError::new(
                code::NO_SCHOOL,
                "в файле нет школы: откройте демонстрационную школу или войдите на сервер школы",
            )
        })
    }

    /// The profile at work, once its PIN (if it has one) was entered.
    fn who(&mut self) -> AppResult<StaffId> {
        let id = self.profile.ok_or_else(|| {
            AppError::new(
                code::NO_PROFILE,
                "выберите, кто работает за этим компьютером",
            )
        })?;
        if self.is_locked() {
            return Err(AppError::new(
                code::LOCKED,
                "Введите PIN-код, чтобы продолжить",
            ));
        }
        Ok(id)
    }

    fn school(&mut self) -> AppResult<School> {
        Ok(self.z()?.school()?)
    }

    /// The state the app starts from.
    pub fn state(&mut self) -> AppResult<AppState> {
        if let Some(p) = &self.problem {
            return Err(p.clone());
        }
        let db_path = self.db_path.display().to_string();
        if self.journal.is_none() {
            // A device enrolled before its first sync has no school yet, but a server.
            let sync = self.sync_status()?;
            return Ok(AppState {
                db_path,
                has_school: false,
                school: None,
                year: None,
                profile: None,
                locked: false,
                sync,
            });
        }
        let locked = self.is_locked();
        let pin = match self.profile {
            Some(id) => self.pin_of(id)?.is_some(),
            None => false,
        };
        let z = self.journal.as_mut().expect("checked");
        let school = z.school()?;
        let profile = self
            .profile
            .and_then(|id| school.staff_member(id))
            .map(|s| Profile {
                id: s.id.to_string(),
                name: s.name.full(),
                roles: role_names(&s.roles),
                pin,
            });
        let sync = self.sync_status()?;
        Ok(AppState {
            db_path,
            has_school: true,
            school: Some(school.name.clone()),
            year: Some(school.calendar.label()),
            profile,
            locked,
            sync,
        })
    }

    /// Creates the demo school in the app's file — only when it holds no school.
    pub fn open_demo(&mut self) -> AppResult<AppState> {
        if let Some(p) = &self.problem {
            return Err(p.clone());
        }
        if self.journal.is_some() {
            return Err(invalid(
                "в файле уже есть школа; демонстрационная школа создаётся только в пустом файле",
            ));
        }
        create_demo(&self.db_path, 1, &crate::DemoOptions::default())?;
        self.journal = Some(Zhurnal::open(&self.db_path)?);
        self.undo.clear();
        self.state()
    }

    /// The school's staff, to choose a local profile.
    pub fn staff_list(&mut self) -> AppResult<Vec<StaffView>> {
        let school = self.school()?;
        let mut list: Vec<StaffView> = school
            .staff
            .iter()
            .filter(|s| {
                s.roles.iter().any(|r| {
                    matches!(
                        r,
                        Role::Admin | Role::Deputy | Role::ClassTeacher | Role::SubjectTeacher
                    )
                })
            })
            .map(|s| {
                let mut taught: Vec<String> = Vec::new();
                for class in &school.classes {
                    for cs in &class.subjects {
                        if cs.teacher == s.id || cs.subgroup_teachers.contains(&s.id) {
                            if let Some(subj) = school.subject(cs.subject) {
                                if !taught.contains(&subj.name) {
                                    taught.push(subj.name.clone());
                                }
                            }
                        }
                    }
                }
                let mut parts = Vec::new();
                if s.roles.contains(&Role::Admin) {
                    parts.push("администратор".to_string());
                }
                if s.roles.contains(&Role::Deputy) {
                    parts.push("заместитель директора".to_string());
                }
                if !taught.is_empty() {
                    parts.push(format!("учитель: {}", taught.join(", ")));
                }
                let led: Vec<String> = school
                    .classes
                    .iter()
                    .filter(|c| c.class_teacher == Some(s.id))
                    .map(|c| c.name())
                    .collect();
                if !led.is_empty() {
                    parts.push(format!("классный руководитель {}", led.join(", ")));
                }
                StaffView {
                    id: s.id.to_string(),
                    name: s.name.full(),
                    roles: role_names(&s.roles),
                    description: parts.join("; "),
                    pin: false,
                }
            })
            .collect();
        for s in &mut list {
            if let Ok(id) = s.id.parse() {
                s.pin = self.pin_of(id)?.is_some();
            }
        }
        Ok(list)
    }

    /// Chooses who works at this computer; remembered in the school file. A device enrolled
    /// with a server works as the enrolled user only (the server checks every change's author).
    /// A person with a local PIN is chosen with it.
    pub fn set_profile(&mut self, staff_id: &str, pin: Option<&str>) -> AppResult<AppState> {
        let id: StaffId = parse_id(staff_id, "сотрудника")?;
        let school = self.school()?;
        if school.staff_member(id).is_none() {
            return Err(not_found("такого сотрудника в школе нет"));
        }
        if let Some(p) = self.enrolment()? {
            if p.user_id != id.to_string() {
                return Err(invalid(format!(
                    "это устройство подключено к серверу школы как {}: чтобы работать под другим именем, выйдите из учётной записи",
                    p.user_name
                )));
            }
        }
        self.check_pin_for(id, pin)?;
        self.with_store(|s| s.set_local_profile(&id.to_string()))?;
        self.profile = Some(id);
        self.undo.clear();
        self.state()
    }

    /// The journals the profile writes (its subjects) and reads (every subject of the class it
    /// leads; everything, for the deputy), by class and curriculum order. A split subject is
    /// one journal per subgroup.
    pub fn my_journals(&mut self) -> AppResult<Vec<JournalRef>> {
        let who = self.who()?;
        let school = self.school()?;
        let today = school_today(&school);
        let year = self.z()?.year();
        let mut out = Vec::new();
        for class in &school.classes {
            let scheme = PeriodScheme::for_grade(class.grade);
            let current = school
                .calendar
                .period_of(scheme, today)
                .or_else(|| {
                    scheme.periods().iter().copied().rev().find(|p| {
                        school
                            .calendar
                            .bounds(*p)
                            .is_some_and(|(start, _)| start <= today)
                    })
                })
                .unwrap_or(scheme.periods()[0]);
            for subject in &school.subjects {
                let Some(cs) = class.teaches(subject.id) else {
                    continue;
                };
                let acc = match access(&school, who, DocId::journal(year, class.id, subject.id)) {
                    DocAccess::Write => Access::Write,
                    DocAccess::Read => Access::Read,
                    DocAccess::None => continue,
                };
                let groups: Vec<Option<u8>> = if cs.subgroup_teachers.is_empty() {
                    vec![None]
                } else {
                    let own: Vec<Option<u8>> = cs
                        .subgroup_teachers
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| **t == who)
                        .map(|(i, _)| Some(i as u8 + 1))
                        .collect();
                    if acc == Access::Write && !own.is_empty() && cs.teacher != who {
                        own
                    } else {
                        (1..=cs.subgroup_teachers.len() as u8).map(Some).collect()
                    }
                };
                for g in groups {
                    out.push(JournalRef {
                        class_id: class.id.to_string(),
                        class_name: class.name(),
                        subject_id: subject.id.to_string(),
                        subject_name: subject.name.clone(),
                        subgroup: g,
                        access: acc,
                        periods: periods_of(class),
                        current_period: Period::of(current),
                    });
                }
            }
        }
        Ok(out)
    }

    fn journal_ctx(&mut self, class_id: &str, subject_id: &str) -> AppResult<JournalCtx> {
        let who = self.who()?;
        let school = self.school()?;
        let cid = parse_id(class_id, "класса")?;
        let sid = parse_id(subject_id, "предмета")?;
        let class = school
            .class(cid)
            .cloned()
            .ok_or_else(|| not_found("такого класса в школе нет"))?;
        let subject = school
            .subject(sid)
            .cloned()
            .ok_or_else(|| not_found("такого предмета в школе нет"))?;
        if class.teaches(sid).is_none() {
            return Err(not_found(format!(
                "в классе {} нет предмета «{}»",
                class.name(),
                subject.name
            )));
        }
        let doc = DocId::journal(self.z()?.year(), cid, sid);
        let access = match access(&school, who, doc) {
            DocAccess::Write => Access::Write,
            DocAccess::Read => Access::Read,
            DocAccess::None => {
                return Err(AppError::new(
                    code::NO_ACCESS,
                    format!(
                        "журнал {}, «{}» вам не доступен",
                        class.name(),
                        subject.name
                    ),
                ))
            }
        };
        Ok(JournalCtx {
            school,
            class,
            subject,
            doc,
            access,
        })
    }

    fn writable(&mut self, class_id: &str, subject_id: &str) -> AppResult<JournalCtx> {
        let ctx = self.journal_ctx(class_id, subject_id)?;
        if ctx.access != Access::Write {
            return Err(AppError::new(
                code::READ_ONLY,
                format!(
                    "журнал {}, «{}» открыт только для чтения: отметки ставит учитель предмета",
                    ctx.class.name(),
                    ctx.subject.name
                ),
            ));
        }
        Ok(ctx)
    }

    fn period_bounds(&self, ctx: &JournalCtx, period: Period) -> AppResult<(NaiveDate, NaiveDate)> {
        let code = period.code();
        let scheme = PeriodScheme::for_grade(ctx.class.grade);
        if code != PeriodCode::Year && !scheme.periods().contains(&code) {
            return Err(invalid(format!(
                "класс {} аттестуется {}",
                ctx.class.name(),
                if scheme == PeriodScheme::Quarters {
                    "по четвертям"
                } else {
                    "по полугодиям"
                }
            )));
        }
        ctx.school
            .calendar
            .bounds(code)
            .ok_or_else(|| invalid("в календаре школы нет этого периода"))
    }

    /// The period of a lesson's date in the class's scheme (the year outside every period).
    fn period_of(ctx: &JournalCtx, date: NaiveDate) -> Period {
        let scheme = PeriodScheme::for_grade(ctx.class.grade);
        Period::of(
            ctx.school
                .calendar
                .period_of(scheme, date)
                .unwrap_or(PeriodCode::Year),
        )
    }

    fn students_of(&mut self, ctx: &JournalCtx, subgroup: Option<u8>) -> AppResult<Vec<Student>> {
        let students = self.z()?.students(&ctx.class)?;
        Ok(students
            .into_iter()
            .filter(|s| subgroup.is_none() || s.subgroups.get(&ctx.subject.id).copied() == subgroup)
            .collect())
    }

    fn lessons_of(
        &mut self,
        ctx: &JournalCtx,
        subgroup: Option<u8>,
        bounds: (NaiveDate, NaiveDate),
    ) -> AppResult<Vec<Lesson>> {
        let doc = self.z()?.store().doc(ctx.doc)?;
        let mut lessons: Vec<Lesson> = journal::lessons(doc)?
            .into_iter()
            .filter(|l| l.date >= bounds.0 && l.date <= bounds.1)
            .filter(|l| subgroup.is_none() || l.subgroup.is_none() || l.subgroup == subgroup)
            .collect();
        lessons.sort_by_key(|l| (l.date, l.number, l.subgroup));
        Ok(lessons)
    }

    fn final_view(
        ctx: &JournalCtx,
        student: &Student,
        lessons: &[Lesson],
        finals: &[zhurnal_domain::FinalMark],
        period: Period,
    ) -> FinalView {
        let group = student.subgroups.get(&ctx.subject.id).copied();
        let marks = lessons
            .iter()
            .filter(|l| l.subgroup.is_none() || group.is_none() || l.subgroup == group)
            .filter_map(|l| l.marks.get(&student.id))
            .flat_map(|m| m.0.iter());
        let s = stats::suggest_period_mark(marks, &ctx.school.settings);
        let kind = match period {
            Period::Year => FinalKind::Year,
            p => FinalKind::Period(p.code()),
        };
        let period_mark = finals
            .iter()
            .find(|f| f.kind == kind && f.student == student.id)
            .map(|f| f.value.to_string());
        FinalView {
            student: student.id.to_string(),
            period_mark,
            average: s.average.map(round2),
            count: s.count,
            suggested: Some(s.mark.to_string()),
        }
    }

    /// A lesson of the journal as it is in the file now, as the lesson panel shows it.
    fn lesson_now(&mut self, ctx: &JournalCtx, id: LessonId) -> AppResult<LessonView> {
        let l = journal::lesson(self.z()?.store().doc(ctx.doc)?, id)?
            .ok_or_else(|| not_found("урок не найден в журнале"))?;
        Ok(Self::lesson_view(&ctx.school, &l))
    }

    fn lesson_view(school: &School, l: &Lesson) -> LessonView {
        let work_type = l
            .marks
            .values()
            .flat_map(|m| m.0.iter())
            .find_map(|m| m.work.clone());
        LessonView {
            id: l.id.to_string(),
            date: iso(l.date),
            number: l.number,
            subgroup: l.subgroup,
            topic: l.topic.clone(),
            homework: l.homework.clone(),
            teacher: l
                .teacher
                .and_then(|t| school.staff_member(t))
                .map(|t| t.name.short()),
            work_type,
            attendance_taken: l.attendance_taken || !l.attendance.is_empty(),
            absent: l.attendance.len() as u32,
        }
    }

    /// One page of the journal: students × lessons of the period, every non-empty cell, and
    /// each student's period column with the weighted average and the suggested mark.
    pub fn grid(
        &mut self,
        class_id: &str,
        subject_id: &str,
        subgroup: Option<u8>,
        period: Period,
    ) -> AppResult<GridView> {
        let ctx = self.journal_ctx(class_id, subject_id)?;
        let bounds = self.period_bounds(&ctx, period)?;
        let students: Vec<Student> = self
            .students_of(&ctx, subgroup)?
            .into_iter()
            .filter(|s| s.on_roll_during(bounds.0, bounds.1))
            .collect();
        let lessons = self.lessons_of(&ctx, subgroup, bounds)?;
        let finals = journal::finals(self.z()?.store().doc(ctx.doc)?)?;
        let rows = students
            .iter()
            .enumerate()
            .map(|(i, s)| StudentRow {
                id: s.id.to_string(),
                name: format!("{} {}", s.name.last, s.name.first),
                number: i as u32 + 1,
                on_roll: s.on_roll(bounds.0) && s.on_roll(bounds.1),
                arrived: s.arrived().map(iso),
                left: s.left().map(iso),
            })
            .collect();
        let mut cells = Vec::new();
        for l in &lessons {
            for s in &students {
                if let Some(c) = cell_view(l, s.id) {
                    cells.push(c);
                }
            }
        }
        let finals = students
            .iter()
            .map(|s| Self::final_view(&ctx, s, &lessons, &finals, period))
            .collect();
        Ok(GridView {
            class: ctx.class.name(),
            subject: ctx.subject.name.clone(),
            class_id: ctx.class.id.to_string(),
            subject_id: ctx.subject.id.to_string(),
            subgroup,
            period,
            period_title: period.code().title_ru().to_string(),
            period_start: iso(bounds.0),
            period_end: iso(bounds.1),
            access: ctx.access,
            lessons: lessons
                .iter()
                .map(|l| Self::lesson_view(&ctx.school, l))
                .collect(),
            students: rows,
            cells,
            finals,
        })
    }

    fn student_in(&mut self, ctx: &JournalCtx, student_id: &str) -> AppResult<Student> {
        let sid: StudentId = parse_id(student_id, "ученика")?;
        self.z()?
            .students(&ctx.class)?
            .into_iter()
            .find(|s| s.id == sid)
            .ok_or_else(|| not_found(format!("в классе {} нет такого ученика", ctx.class.name())))
    }

    /// The student's figures for the period that contains `date`.
    fn figures(
        &mut self,
        ctx: &JournalCtx,
        student: &Student,
        period: Period,
    ) -> AppResult<FinalView> {
        let bounds = self.period_bounds(ctx, period)?;
        let group = student.subgroups.get(&ctx.subject.id).copied();
        let lessons = self.lessons_of(ctx, group, bounds)?;
        let finals = journal::finals(self.z()?.store().doc(ctx.doc)?)?;
        Ok(Self::final_view(ctx, student, &lessons, &finals, period))
    }

    /// Sets one cell from what the teacher typed (`5`, `4/`, `н`, `5 4`, empty to clear),
    /// replacing the cell, as one durable change by the profile. Returns the stored cell and
    /// the student's new average and suggestion for the lesson's period.
    pub fn set_cell(
        &mut self,
        class_id: &str,
        subject_id: &str,
        lesson_id: &str,
        student_id: &str,
        input: &str,
    ) -> AppResult<CellResult> {
        let ctx = self.writable(class_id, subject_id)?;
        let lid: LessonId = parse_id(lesson_id, "урока")?;
        let student = self.student_in(&ctx, student_id)?;
        let who = self.who()?;
        let lesson = journal::lesson(self.z()?.store().doc(ctx.doc)?, lid)?
            .ok_or_else(|| not_found("урок не найден в журнале"))?;
        if !student.on_roll(lesson.date) {
            return Err(invalid(format!(
                "{} не в списке класса {}",
                student.name.full(),
                lesson.date.format("%d.%m.%Y")
            )));
        }
        let group = student.subgroups.get(&ctx.subject.id).copied();
        if lesson.subgroup.is_some() && group.is_some() && lesson.subgroup != group {
            return Err(invalid(format!(
                "{} занимается в другой подгруппе",
                student.name.full()
            )));
        }
        let parsed = CellInput::parse(input).map_err(|e| invalid(e.to_string()))?;
        let before = UndoEntry::Cell {
            doc: ctx.doc,
            lesson: lid,
            student: student.id,
            marks: lesson.marks.get(&student.id).cloned().unwrap_or_default(),
            attendance: lesson.attendance.get(&student.id).copied(),
        };
        self.write_cell(&ctx, who, lid, student.id, parsed.marks, parsed.attendance)?;
        self.undo.push(before);
        self.cell_result(&ctx, lid, &student)
    }

    fn write_cell(
        &mut self,
        ctx: &JournalCtx,
        who: StaffId,
        lesson: LessonId,
        student: StudentId,
        marks: Marks,
        attendance: Option<Attendance>,
    ) -> AppResult<()> {
        let patch = LessonPatch {
            attendance_taken: attendance.is_some().then_some(true),
            marks: vec![(student, marks)],
            attendance: vec![(student, attendance)],
            ..Default::default()
        };
        self.z()?.store().edit(ctx.doc, who, |doc, ed| {
            journal::save_lesson(doc, ed, lesson, patch)
        })?;
        Ok(())
    }

    fn cell_result(
        &mut self,
        ctx: &JournalCtx,
        lesson: LessonId,
        student: &Student,
    ) -> AppResult<CellResult> {
        let after = journal::lesson(self.z()?.store().doc(ctx.doc)?, lesson)?
            .ok_or_else(|| not_found("урок не найден в журнале"))?;
        let period = Self::period_of(ctx, after.date);
        let cell = cell_view(&after, student.id).unwrap_or(CellView {
            lesson: lesson.to_string(),
            student: student.id.to_string(),
            text: String::new(),
            marks: String::new(),
            attendance: None,
        });
        Ok(CellResult {
            cell: Some(cell),
            r#final: self.figures(ctx, student, period)?,
            period,
        })
    }

    /// Sets (or, with empty input, clears) a student's period or year mark.
    pub fn set_final(
        &mut self,
        class_id: &str,
        subject_id: &str,
        student_id: &str,
        period: Period,
        input: &str,
    ) -> AppResult<CellResult> {
        let ctx = self.writable(class_id, subject_id)?;
        self.period_bounds(&ctx, period)?;
        let student = self.student_in(&ctx, student_id)?;
        let who = self.who()?;
        let value = match input.trim() {
            "" => None,
            t => Some(t.parse::<MarkValue>().map_err(|e| invalid(e.to_string()))?),
        };
        let kind = match period {
            Period::Year => FinalKind::Year,
            p => FinalKind::Period(p.code()),
        };
        let old = journal::finals(self.z()?.store().doc(ctx.doc)?)?
            .into_iter()
            .find(|f| f.kind == kind && f.student == student.id)
            .map(|f| f.value);
        let sid = student.id;
        self.z()?.store().edit(ctx.doc, who, |doc, ed| {
            journal::set_finals(doc, ed, &[(kind, sid, value)])
        })?;
        self.undo.push(UndoEntry::Final {
            doc: ctx.doc,
            kind,
            student: sid,
            value: old,
        });
        Ok(CellResult {
            cell: None,
            r#final: self.figures(&ctx, &student, period)?,
            period,
        })
    }

    /// Undoes the profile's last edit of this session in the journal on screen (`class_id`,
    /// `subject_id`), as a new change (history is kept), and says what it put back where. An
    /// edit of another journal is never undone from here: it waits until that journal is open.
    pub fn undo(&mut self, class_id: &str, subject_id: &str) -> AppResult<Option<Undone>> {
        let ctx = self.writable(class_id, subject_id)?;
        let Some(at) = self.undo.iter().rposition(|e| e.doc() == ctx.doc) else {
            return Ok(None);
        };
        let entry = self.undo.remove(at);
        let kept = entry.clone();
        let who = self.who()?;
        match entry {
            UndoEntry::Cell {
                lesson,
                student,
                marks,
                attendance,
                ..
            } => {
                let s = self.student_in(&ctx, &student.to_string())?;
                let date = journal::lesson(self.z()?.store().doc(ctx.doc)?, lesson)?
                    .map(|l| l.date.format("%d.%m.%Y").to_string())
                    .unwrap_or_default();
                if let Err(e) = self.write_cell(&ctx, who, lesson, student, marks, attendance) {
                    self.undo.insert(at, kept);
                    return Err(e);
                }
                let result = self.cell_result(&ctx, lesson, &s)?;
                let text = result
                    .cell
                    .as_ref()
                    .map(|c| c.text.clone())
                    .unwrap_or_default();
                Ok(Some(Undone {
                    what: undone_line(&s.name.short(), &format!("урок {date}"), &text),
                    result,
                }))
            }
            UndoEntry::Final {
                kind,
                student,
                value,
                ..
            } => {
                self.z()?.store().edit(ctx.doc, who, |doc, ed| {
                    journal::set_finals(doc, ed, &[(kind, student, value)])
                })?;
                let s = self.student_in(&ctx, &student.to_string())?;
                let period = match kind {
                    FinalKind::Period(p) => Period::of(p),
                    _ => Period::Year,
                };
                let figures = self.figures(&ctx, &s, period)?;
                let text = figures.period_mark.clone().unwrap_or_default();
                Ok(Some(Undone {
                    what: undone_line(
                        &s.name.short(),
                        &format!("отметка «{}»", period.code().title_ru()),
                        &text,
                    ),
                    result: CellResult {
                        cell: None,
                        r#final: figures,
                        period,
                    },
                }))
            }
        }
    }

    /// Adds a lesson on a date (the next number of that day), taught by the profile.
    pub fn add_lesson(
        &mut self,
        class_id: &str,
        subject_id: &str,
        subgroup: Option<u8>,
        date: &str,
    ) -> AppResult<LessonView> {
        let ctx = self.writable(class_id, subject_id)?;
        let date = parse_date(date)?;
        self.add_lesson_numbered(ctx, subgroup, date, None)
    }

    /// Adds a lesson on `date` with `number` (the next free number of the day when `None`).
    fn add_lesson_numbered(
        &mut self,
        ctx: JournalCtx,
        subgroup: Option<u8>,
        date: NaiveDate,
        number: Option<u8>,
    ) -> AppResult<LessonView> {
        let who = self.who()?;
        let (start, end) = self.period_bounds(&ctx, Period::Year)?;
        if date < start || date > end {
            return Err(invalid(format!(
                "{} — вне учебного года ({} — {})",
                date.format("%d.%m.%Y"),
                start.format("%d.%m.%Y"),
                end.format("%d.%m.%Y")
            )));
        }
        let groups = ctx
            .class
            .teaches(ctx.subject.id)
            .map_or(0, |cs| cs.subgroup_teachers.len());
        if let Some(g) = subgroup {
            if g == 0 || g as usize > groups {
                return Err(invalid(format!("у предмета нет {g}-й подгруппы")));
            }
        }
        let taken: Vec<u8> = self
            .z()?
            .store()
            .lessons_on(ctx.doc, date)?
            .into_iter()
            .filter(|(_, _, g)| *g == subgroup)
            .map(|(_, n, _)| n)
            .collect();
        let number = number.unwrap_or_else(|| taken.iter().max().map_or(1, |n| n + 1));
        let mut draft = Lesson::new(date, number);
        draft.subgroup = subgroup;
        draft.teacher = Some(who);
        let id = self
            .z()?
            .store()
            .edit(ctx.doc, who, |doc, ed| journal::add_lesson(doc, ed, &draft))?;
        self.lesson_now(&ctx, id)
    }

    /// Saves the lesson panel: date, topic, homework.
    pub fn save_lesson(
        &mut self,
        class_id: &str,
        subject_id: &str,
        lesson_id: &str,
        edit: &LessonEdit,
    ) -> AppResult<LessonView> {
        let ctx = self.writable(class_id, subject_id)?;
        let who = self.who()?;
        let lid: LessonId = parse_id(lesson_id, "урока")?;
        let date = parse_date(&edit.date)?;
        let (start, end) = self.period_bounds(&ctx, Period::Year)?;
        if date < start || date > end {
            return Err(invalid(format!(
                "{} — вне учебного года",
                date.format("%d.%m.%Y")
            )));
        }
        let patch = LessonPatch {
            date: Some(date),
            topic: Some(edit.topic.trim().to_string()),
            homework: Some(edit.homework.trim().to_string()),
            ..Default::default()
        };
        self.z()?.store().edit(ctx.doc, who, |doc, ed| {
            journal::save_lesson(doc, ed, lid, patch)
        })?;
        self.lesson_now(&ctx, lid)
    }

    /// «Все присутствуют»: the lesson's attendance is taken, with whoever is marked absent or
    /// late as marked (nobody, usually), so the monitoring no longer lists the lesson.
    pub fn all_present(
        &mut self,
        class_id: &str,
        subject_id: &str,
        lesson_id: &str,
    ) -> AppResult<LessonView> {
        let ctx = self.writable(class_id, subject_id)?;
        let who = self.who()?;
        let lid: LessonId = parse_id(lesson_id, "урока")?;
        self.lesson_now(&ctx, lid)?;
        let patch = LessonPatch {
            attendance_taken: Some(true),
            ..Default::default()
        };
        self.z()?.store().edit(ctx.doc, who, |doc, ed| {
            journal::save_lesson(doc, ed, lid, patch)
        })?;
        self.lesson_now(&ctx, lid)
    }

    fn class_with(
        &mut self,
        class_id: &str,
        doc: fn(i32, zhurnal_domain::ClassId) -> DocId,
    ) -> AppResult<(School, Class, DocId, DocAccess)> {
        let who = self.who()?;
        let school = self.school()?;
        let cid = parse_id(class_id, "класса")?;
        let class = school
            .class(cid)
            .cloned()
            .ok_or_else(|| not_found("такого класса в школе нет"))?;
        let id = doc(self.z()?.year(), cid);
        let acc = access(&school, who, id);
        Ok((school, class, id, acc))
    }

    /// The class list with subgroups and movement.
    pub fn roster(&mut self, class_id: &str) -> AppResult<RosterView> {
        let (school, class, _, acc) = self.class_with(class_id, DocId::roster)?;
        let access = match acc {
            DocAccess::Write => Access::Write,
            DocAccess::Read => Access::Read,
            DocAccess::None => {
                return Err(AppError::new(
                    code::NO_ACCESS,
                    format!("список класса {} вам не доступен", class.name()),
                ))
            }
        };
        let today = school_today(&school);
        let students = self.z()?.students(&class)?;
        let log = self.movement_log(&school, &class, &students)?;
        Ok(RosterView {
            class_id: class.id.to_string(),
            class_name: class.name(),
            access,
            log,
            students: students
                .iter()
                .enumerate()
                .map(|(i, s)| RosterStudent {
                    id: s.id.to_string(),
                    name: s.name.full(),
                    number: i as u32 + 1,
                    birth_date: s.birth_date.map(iso),
                    on_roll: s.on_roll(today),
                    subgroups: s
                        .subgroups
                        .iter()
                        .filter_map(|(subj, g)| school.subject(*subj).map(|x| (x.name.clone(), *g)))
                        .collect(),
                    movements: s.movements.iter().map(movement_view).collect(),
                })
                .collect(),
        })
    }

    /// Loads a class list from CSV or XLSX: every row is checked first; nothing is imported if
    /// any is wrong.
    pub fn import_roster(&mut self, class_id: &str, path: &str) -> AppResult<ImportResult> {
        let (_, class, _, acc) = self.class_with(class_id, DocId::roster)?;
        if acc != DocAccess::Write {
            return Err(AppError::new(
                code::READ_ONLY,
                format!("список класса {} ведёт классный руководитель", class.name()),
            ));
        }
        let added = self.z()?.import_roster(&class.name(), Path::new(path))?;
        Ok(ImportResult {
            added: added as u32,
            updated: 0,
        })
    }

    /// Records an arrival, departure or transfer with its order.
    /// Every movement entry of the class, cancelled ones too, as the movement table shows it.
    fn movement_log(
        &mut self,
        school: &School,
        class: &Class,
        students: &[Student],
    ) -> AppResult<Vec<MovementEntry>> {
        let doc = DocId::roster(self.z()?.year(), class.id);
        if !self.z()?.store().contains(doc)? {
            return Ok(Vec::new());
        }
        let records = roster::movement_log(self.z()?.store().doc(doc)?)?;
        let staff = |id: StaffId| {
            school
                .staff_member(id)
                .map(|s| s.name.short())
                .unwrap_or_else(|| "сотрудник не из списка школы".into())
        };
        let day = |at: i64| {
            chrono::DateTime::from_timestamp(at, 0)
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%d.%m.%Y")
                        .to_string()
                })
                .unwrap_or_default()
        };
        Ok(records
            .into_iter()
            .map(|r| MovementEntry {
                student_id: r.student.to_string(),
                student: students
                    .iter()
                    .find(|s| s.id == r.student)
                    .map(|s| s.name.full())
                    .unwrap_or_else(|| "ученик не из списка класса".into()),
                movement: movement_view(&r.movement),
                cancelled: r
                    .cancelled
                    .map(|c| format!("отменена {}, {}", day(c.at), staff(c.by))),
                corrections: r
                    .history
                    .iter()
                    .map(|h| {
                        format!(
                            "было: {} {}, приказ № {} (исправил(а) {} {})",
                            h.was.kind.title_ru(),
                            h.was.date.format("%d.%m.%Y"),
                            h.was.order_no,
                            staff(h.changed.by),
                            day(h.changed.at)
                        )
                    })
                    .collect(),
            })
            .collect())
    }

    /// The class list's document for a change of its movement, refused with the class
    /// teacher's words when the profile only reads it.
    fn movement_doc(&mut self, class_id: &str) -> AppResult<(School, Class, DocId)> {
        let (school, class, doc, acc) = self.class_with(class_id, DocId::roster)?;
        if acc != DocAccess::Write {
            return Err(AppError::new(
                code::READ_ONLY,
                format!(
                    "Движение учащихся {} ведёт классный руководитель",
                    class.name()
                ),
            ));
        }
        Ok((school, class, doc))
    }

    /// Records an arrival, departure or transfer, checked against the school year and the
    /// student's stays in the class.
    pub fn add_movement(
        &mut self,
        class_id: &str,
        student_id: &str,
        m: &MovementEdit,
    ) -> AppResult<RosterView> {
        let who = self.who()?;
        let (school, class, doc) = self.movement_doc(class_id)?;
        let sid: StudentId = parse_id(student_id, "ученика")?;
        let movement = movement_of(m, MovementId::new_random())?;
        let student = self
            .z()?
            .students(&class)?
            .into_iter()
            .find(|s| s.id == sid)
            .ok_or_else(|| not_found("такого ученика в списке класса нет"))?;
        check_movement(&school, &student, &movement)?;
        self.z()?.store().edit(doc, who, |d, ed| {
            roster::record_movement(d, ed, sid, movement)
        })?;
        self.roster(class_id)
    }

    /// Corrects a movement entry written wrongly (its kind, date, order or place); the entry
    /// keeps what it said before in its history.
    pub fn correct_movement(
        &mut self,
        class_id: &str,
        movement_id: &str,
        m: &MovementEdit,
    ) -> AppResult<RosterView> {
        let who = self.who()?;
        let (school, class, doc) = self.movement_doc(class_id)?;
        let mid: MovementId = parse_id(movement_id, "записи о движении")?;
        let movement = movement_of(m, mid)?;
        let mut student = self
            .z()?
            .students(&class)?
            .into_iter()
            .find(|s| s.movements.iter().any(|x| x.id == mid))
            .ok_or_else(|| {
                not_found("такой записи о движении нет: её отменили или она из другого класса")
            })?;
        // Checked as if the entry had never been written, then written as corrected.
        student.movements.retain(|x| x.id != mid);
        check_movement(&school, &student, &movement)?;
        self.z()?
            .store()
            .edit(doc, who, |d, ed| roster::correct_movement(d, ed, movement))?;
        self.roster(class_id)
    }

    /// Cancels a movement entry recorded by mistake: the student is on the class list as if it
    /// had never been written, with every mark he has; the entry stays in the table, struck out.
    pub fn cancel_movement(&mut self, class_id: &str, movement_id: &str) -> AppResult<RosterView> {
        let who = self.who()?;
        let (_, _, doc) = self.movement_doc(class_id)?;
        let mid: MovementId = parse_id(movement_id, "записи о движении")?;
        self.z()?
            .store()
            .edit(doc, who, |d, ed| roster::cancel_movement(d, ed, mid))?;
        self.roster(class_id)
    }

    /// Personal files of the class: only for its class teacher and the admin.
    pub fn personal(&mut self, class_id: &str) -> AppResult<PersonalView> {
        let (_, class, doc, acc) = self.class_with(class_id, DocId::personal)?;
        if acc == DocAccess::None {
            return Err(AppError::new(
                code::NO_ACCESS,
                "личные данные учеников видят только классный руководитель и администратор",
            ));
        }
        let students = self.z()?.students(&class)?;
        let data = if self.z()?.store().contains(doc)? {
            personal::personal(self.z()?.store().doc(doc)?)?
        } else {
            BTreeMap::new()
        };
        Ok(PersonalView {
            class_id: class.id.to_string(),
            students: students
                .iter()
                .map(|s| {
                    let p = data.get(&s.id).cloned().unwrap_or_default();
                    PersonalRow {
                        student: s.id.to_string(),
                        name: s.name.full(),
                        address: p.address,
                        phone: p.phone,
                        parents: p
                            .parents
                            .iter()
                            .map(|x| ParentView {
                                name: x.name.full(),
                                relation: x.relation.clone(),
                                workplace: x.workplace.clone(),
                                phone: x.phone.clone(),
                            })
                            .collect(),
                        consent: p.consent,
                    }
                })
                .collect(),
        })
    }

    /// The class teacher's checks: students without marks over the last `n` lessons of a
    /// subject, lessons without a topic or without attendance taken, and this week's absences
    /// without a reason (Н) to confirm with the subject teachers.
    pub fn monitoring(&mut self, class_id: &str, n: u32) -> AppResult<Vec<Finding>> {
        if n == 0 {
            return Err(invalid("число уроков должно быть больше нуля"));
        }
        let who = self.who()?;
        let (school, class, _, acc) = self.class_with(class_id, DocId::roster)?;
        if acc == DocAccess::None {
            return Err(AppError::new(
                code::NO_ACCESS,
                format!("класс {} вам не доступен", class.name()),
            ));
        }
        let today = school_today(&school);
        let week_start = today - chrono::Days::new(today.weekday().num_days_from_monday() as u64);
        let students = self.z()?.students(&class)?;
        let name_of = |id: StudentId| {
            students
                .iter()
                .find(|s| s.id == id)
                .map(|s| format!("{} {}", s.name.last, s.name.first))
                .unwrap_or_default()
        };
        let year = self.z()?.year();
        let mut out = Vec::new();
        for subject in &school.subjects {
            let Some(cs) = class.teaches(subject.id) else {
                continue;
            };
            let doc = DocId::journal(year, class.id, subject.id);
            if access(&school, who, doc) == DocAccess::None || !self.z()?.store().contains(doc)? {
                continue;
            }
            let lessons = journal::lessons(self.z()?.store().doc(doc)?)?;
            let split = (!cs.subgroup_teachers.is_empty()).then_some(subject.id);
            for f in stats::students_without_marks(&lessons, &students, split, n, today) {
                out.push(Finding {
                    kind: "no_marks".into(),
                    subject: subject.name.clone(),
                    student: Some(name_of(f.student)),
                    date: f.last_mark.map(iso),
                    text: format!(
                        "{}: нет отметок {} уроков подряд{}",
                        name_of(f.student),
                        f.lessons,
                        f.last_mark
                            .map(|d| format!(", последняя {}", d.format("%d.%m.%Y")))
                            .unwrap_or_else(|| ", отметок нет совсем".into())
                    ),
                });
            }
            let date_of = |id: LessonId| lessons.iter().find(|l| l.id == id).map(|l| l.date);
            for id in stats::lessons_without_topic(&lessons, today) {
                let d = date_of(id);
                out.push(Finding {
                    kind: "no_topic".into(),
                    subject: subject.name.clone(),
                    student: None,
                    date: d.map(iso),
                    text: format!(
                        "урок {} без темы",
                        d.map(|d| d.format("%d.%m.%Y").to_string())
                            .unwrap_or_default()
                    ),
                });
            }
            for id in stats::lessons_without_attendance(&lessons, today) {
                let d = date_of(id);
                out.push(Finding {
                    kind: "no_attendance".into(),
                    subject: subject.name.clone(),
                    student: None,
                    date: d.map(iso),
                    text: format!(
                        "урок {}: посещаемость не отмечена",
                        d.map(|d| d.format("%d.%m.%Y").to_string())
                            .unwrap_or_default()
                    ),
                });
            }
            for l in lessons
                .iter()
                .filter(|l| l.date >= week_start && l.date <= today)
            {
                for (s, a) in &l.attendance {
                    if *a == Attendance::Absent {
                        out.push(Finding {
                            kind: "absence_to_confirm".into(),
                            subject: subject.name.clone(),
                            student: Some(name_of(*s)),
                            date: Some(iso(l.date)),
                            text: format!(
                                "{}: «Н» {} — уточните причину",
                                name_of(*s),
                                l.date.format("%d.%m.%Y")
                            ),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    fn readable_journals(&mut self) -> AppResult<Vec<(DocId, String)>> {
        let who = self.who()?;
        let school = self.school()?;
        let year = self.z()?.year();
        let mut out = Vec::new();
        for class in &school.classes {
            for subject in &school.subjects {
                if class.teaches(subject.id).is_none() {
                    continue;
                }
                let doc = DocId::journal(year, class.id, subject.id);
                if access(&school, who, doc) != DocAccess::None
                    && self.z()?.store().contains(doc)?
                {
                    out.push((doc, format!("{}, {}", class.name(), subject.name)));
                }
            }
        }
        Ok(out)
    }

    /// Cells of the profile's journals written concurrently with different values, with who
    /// wrote each and which one is shown.
    pub fn conflicts(&mut self) -> AppResult<Vec<ConflictView>> {
        let school = self.school()?;
        let mut out = Vec::new();
        for (doc, label) in self.readable_journals()? {
            let d = self.z()?.store().doc(doc)?;
            let lessons = journal::lessons(d)?;
            for c in journal::conflicts(d)? {
                let (lesson, student, what) = match &c.cell {
                    CellRef::Marks { lesson, student } => (
                        lesson.to_string(),
                        student.to_string(),
                        "отметки".to_string(),
                    ),
                    CellRef::Attendance { lesson, student } => (
                        lesson.to_string(),
                        student.to_string(),
                        "посещаемость".to_string(),
                    ),
                    CellRef::LessonField { lesson, field } => {
                        (lesson.to_string(), String::new(), field.clone())
                    }
                    CellRef::Final { key, student } => (
                        String::new(),
                        student.to_string(),
                        format!("итоговая {key}"),
                    ),
                };
                let date = lessons
                    .iter()
                    .find(|l| l.id.to_string() == lesson)
                    .map(|l| format!(", {}", l.date.format("%d.%m.%Y")))
                    .unwrap_or_default();
                out.push(ConflictView {
                    doc: doc.to_string(),
                    lesson,
                    student,
                    label: format!("{label}{date}: {what}"),
                    values: c
                        .values
                        .iter()
                        .map(|v| ConflictValue {
                            text: v.value.clone(),
                            author: v
                                .author
                                .and_then(|a| school.staff_member(a))
                                .map(|s| s.name.short())
                                .unwrap_or_else(|| "неизвестно".into()),
                            shown: v.shown,
                        })
                        .collect(),
                });
            }
        }
        Ok(out)
    }

    /// Settles a conflict with the chosen value, as a new change by the profile.
    pub fn resolve_conflict(
        &mut self,
        doc: &str,
        lesson: &str,
        student: &str,
        chosen: &str,
    ) -> AppResult<()> {
        let id: DocId = doc
            .parse()
            .map_err(|e: zhurnal_journal::JournalError| invalid(e.to_string()))?;
        let (Some(class), Some(subject)) = (id.class(), id.subject()) else {
            return Err(invalid("это не журнал предмета"));
        };
        let ctx = self.writable(&class.to_string(), &subject.to_string())?;
        let who = self.who()?;
        let conflict = journal::conflicts(self.z()?.store().doc(ctx.doc)?)?
            .into_iter()
            .find(|c| match &c.cell {
                CellRef::Marks {
                    lesson: l,
                    student: s,
                }
                | CellRef::Attendance {
                    lesson: l,
                    student: s,
                } => l.to_string() == lesson && s.to_string() == student,
                CellRef::Final { student: s, .. } => lesson.is_empty() && s.to_string() == student,
                CellRef::LessonField { lesson: l, .. } => {
                    student.is_empty() && l.to_string() == lesson
                }
            })
            .ok_or_else(|| not_found("такого расхождения больше нет"))?;
        if !conflict.values.iter().any(|v| v.value == chosen) {
            return Err(invalid(format!(
                "«{chosen}» — не одно из значений расхождения"
            )));
        }
        self.z()?.store().edit(ctx.doc, who, |d, ed| {
            journal::resolve(d, ed, &conflict.cell, chosen)
        })?;
        Ok(())
    }

    /// Where sync stands, from the store: the enrolment, the last sync and its error, and per
    /// document the changes the server has not acknowledged. `syncing` is the shell's to set.
    pub fn sync_status(&mut self) -> AppResult<SyncStatus> {
        let Some(p) = self.enrolment()? else {
            // A locked profile's conflicts are its own business until its PIN is entered.
            let conflicts = if self.journal.is_some() && self.profile.is_some() && !self.is_locked()
            {
                self.conflicts()?.len() as u32
            } else {
                0
            };
            return Ok(SyncStatus::not_configured(conflicts));
        };
        let server = p.server.clone();
        let st = self.with_store(|s| crate::sync::status(s, &server))?;
        let pending: Vec<PendingDoc> = st
            .docs
            .iter()
            .filter(|d| d.pending > 0)
            .map(|d| PendingDoc {
                doc: d.doc.to_string(),
                label: d.title.clone(),
                changes: d.pending as u32,
            })
            .collect();
        let last_sync = p
            .last_sync_at
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|t| t.to_rfc3339());
        let online = p.last_error.is_none() && p.last_sync_at.is_some();
        let waiting = if st.pending > 0 {
            format!("{} ещё не на сервере", changes_ru(st.pending as u64))
        } else {
            "всё отправлено".to_string()
        };
        let message = if p.last_error.is_some() {
            format!("Нет связи с сервером: {waiting}, всё сохранено на этом компьютере")
        } else if p.last_sync_at.is_none() {
            format!("Подключено к {}: ещё не синхронизировано", p.server)
        } else {
            format!("Синхронизировано: {waiting}")
        };
        Ok(SyncStatus {
            configured: true,
            online,
            syncing: false,
            server: Some(p.server),
            user: Some(p.user_name),
            last_sync,
            last_error: p.last_error,
            pending,
            conflicts: st.conflicts as u32,
            message,
        })
    }

    /// Makes a paper document into `out_dir` through [`Zhurnal::report`], passing on its
    /// progress (`done` of `total` sections laid out; `done` only grows, the last call has
    /// `done == total`).
    pub fn make_report(
        &mut self,
        req: &ReportRequest,
        out_dir: &Path,
        progress: &mut dyn FnMut(ReportProgress),
    ) -> AppResult<ReportResult> {
        use crate::reports::{ReportKind, ReportRequest as Request};
        self.who()?;
        let (school, class, _, acc) = self.class_with(&req.class_id, DocId::roster)?;
        if acc == DocAccess::None {
            return Err(AppError::new(
                code::NO_ACCESS,
                format!("документы класса {} вам не доступны", class.name()),
            ));
        }
        let name = class.name();
        let kind = match req.kind.as_str() {
            "period-copy" => ReportKind::PeriodCopy,
            "year-journal" => ReportKind::YearJournal,
            "class-results" => ReportKind::ClassResults,
            "marks-summary" => ReportKind::MarksSummary,
            "attendance" => ReportKind::Attendance,
            "attendance-month" => ReportKind::AttendanceMonth,
            "movement" => ReportKind::Movement,
            "monitoring" => ReportKind::Monitoring,
            "extract" => ReportKind::Extract,
            "letter" => ReportKind::Letter,
            other => return Err(invalid(format!("неизвестный документ «{other}»"))),
        };
        let needs_period = matches!(
            kind,
            ReportKind::PeriodCopy
                | ReportKind::ClassResults
                | ReportKind::Attendance
                | ReportKind::Extract
        );
        let period = req.period.map(Period::code);
        if needs_period && period.is_none() {
            return Err(invalid("выберите период"));
        }
        let month = match (kind, req.month.as_deref()) {
            (ReportKind::AttendanceMonth, m) => {
                let m = m.unwrap_or_default();
                Some(
                    m.split_once('-')
                        .and_then(|(y, mm)| Some((y.parse::<i32>().ok()?, mm.parse::<u32>().ok()?)))
                        .filter(|(_, mm)| (1..=12).contains(mm))
                        .ok_or_else(|| invalid(format!("«{m}» — не месяц: ожидается ГГГГ-ММ")))?,
                )
            }
            _ => None,
        };
        let mut student = None;
        let mut stem_student = String::new();
        if kind == ReportKind::Extract {
            let sid: StudentId =
                parse_id(req.student_id.as_deref().unwrap_or_default(), "ученика")?;
            let z = self.z()?;
            let class_struct = z.class(&name)?;
            let s = z
                .students(&class_struct)?
                .into_iter()
                .find(|s| s.id == sid)
                .ok_or_else(|| not_found("такого ученика в классе нет"))?;
            stem_student = format!("-{}", s.name.last);
            student = Some(s.name.full());
        }
        let request = Request {
            period,
            student,
            month,
            date: Some(school_today(&school)),
            two_sided: req.two_sided.unwrap_or(false),
            ..Request::new(kind, &name)
        };
        let rendered = self.z()?.report(&request, &mut |done, total| {
            progress(ReportProgress {
                done: done as u32,
                total: total as u32,
            })
        })?;
        // Named in the clerk's words: «7Б-копия-4-четверть.pdf».
        let title = |p: PeriodCode| p.title_ru().replace(' ', "-");
        let stem = match (kind, period, month) {
            (ReportKind::PeriodCopy, Some(p), _) => format!("копия-{}", title(p)),
            (ReportKind::YearJournal, ..) => "журнал-за-год".into(),
            (ReportKind::ClassResults, Some(p), _) => format!("итоги-{}", title(p)),
            (ReportKind::MarksSummary, ..) => "сводная-ведомость-успеваемости".into(),
            (ReportKind::Attendance, Some(p), _) => format!("посещаемость-{}", title(p)),
            (ReportKind::AttendanceMonth, _, Some((y, m))) => format!("посещаемость-{y}-{m:02}"),
            (ReportKind::Movement, ..) => "движение-учащихся".into(),
            (ReportKind::Monitoring, ..) => "мониторинг".into(),
            (ReportKind::Extract, Some(p), _) => format!("выписка-{}{stem_student}", title(p)),
            (ReportKind::Letter, ..) => "письмо-родителям".into(),
            _ => req.kind.clone(),
        };
        std::fs::create_dir_all(out_dir).map_err(|e| {
            AppError::new(
                code::REPORT,
                format!("не удалось создать папку «{}»: {e}", out_dir.display()),
            )
        })?;
        let path = out_dir.join(format!("{name}-{stem}.pdf"));
        let tmp = path.with_extension("pdf.part");
        std::fs::write(&tmp, &rendered.pdf)
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                AppError::new(
                    code::REPORT,
                    format!("не удалось записать «{}»: {e}", path.display()),
                )
            })?;
        Ok(ReportResult {
            path: path.display().to_string(),
            pages: rendered.pages as u32,
            bytes: rendered.pdf.len() as u32,
            suggested: suggested_save_path(&path).display().to_string(),
        })
    }
}

/// Copies a document made by [`App::make_report`] to where the user chose: never onto the
/// document itself, and over another file only when `overwrite` says the user agreed (else
/// [`code::EXISTS`]).
pub fn save_report(path: &str, dest: &str, overwrite: bool) -> AppResult<()> {
    let dest = dest.trim();
    if dest.is_empty() {
        return Err(invalid("Укажите, куда сохранить документ"));
    }
    let source = Path::new(path);
    let target = Path::new(dest);
    let cannot = |e: std::io::Error| {
        AppError::new(code::REPORT, format!("Не удалось сохранить «{dest}»: {e}"))
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(invalid(format!(
            "Папки «{}» нет: выберите другую",
            dir.display()
        )));
    }
    if target.is_dir() {
        return Err(invalid(format!(
            "«{dest}» — это папка: допишите имя файла, например «{}»",
            target
                .join(source.file_name().unwrap_or_default())
                .display()
        )));
    }
    if target.exists() {
        // The same file under another name (a link, `..`): copying it onto itself would empty
        // it. The document is already there.
        let same = match (std::fs::canonicalize(source), std::fs::canonicalize(target)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(invalid(format!(
                "Документ уже лежит в «{dest}»: выберите другую папку или другое имя"
            )));
        }
        if !overwrite {
            return Err(AppError::new(
                code::EXISTS,
                format!("Файл «{dest}» уже есть. Заменить его этим документом?"),
            ));
        }
    }
    // Written beside the target and renamed over it: a failure halfway (a full stick, a pulled
    // cable) leaves the old file as it was, never a truncated one.
    let tmp = dir.join(format!(
        ".{}.zhurnal-{}.tmp",
        target.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::copy(source, &tmp)
        .and_then(|_| std::fs::File::open(&tmp).and_then(|f| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, target));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(cannot(e));
    }
    Ok(())
}

/// Where the app proposes to save a document: the user's documents folder (`XDG_DOCUMENTS_DIR`,
/// then `~/.config/user-dirs.dirs`, then `~/Документы`, `~/Documents`; on Windows the profile's
/// `Documents`), else the home folder, with the document's own file name.
pub fn suggested_save_path(made: &Path) -> PathBuf {
    let name = made.file_name().unwrap_or_default();
    documents_dir().join(name)
}

fn documents_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    documents_dir_of(
        &home,
        std::env::var("XDG_DOCUMENTS_DIR").ok(),
        std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from),
    )
}

/// [`documents_dir`] for a given home folder and environment.
fn documents_dir_of(
    home: &Path,
    xdg_documents: Option<String>,
    config: Option<PathBuf>,
) -> PathBuf {
    let expand = |v: &str| -> PathBuf {
        let v = v.trim().trim_matches('"');
        match v.strip_prefix("$HOME") {
            Some(rest) => home.join(rest.trim_start_matches('/')),
            None => PathBuf::from(v),
        }
    };
    let config = config.unwrap_or_else(|| home.join(".config"));
    let from_file = std::fs::read_to_string(config.join("user-dirs.dirs"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix("XDG_DOCUMENTS_DIR=").map(expand))
        });
    xdg_documents
        .map(|v| expand(&v))
        .into_iter()
        .chain(from_file)
        .chain([home.join("Документы"), home.join("Documents")])
        .find(|d| d.is_dir() && d != home)
        .unwrap_or_else(|| home.to_path_buf())
}

/// Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`).
pub fn pdf_pages(pdf: &[u8]) -> u32 {
    let mut n = 0;
    let mut i = 0;
    while i + 10 <= pdf.len() {
        if &pdf[i..i + 5] == b"/Type" {
            let mut j = i + 5;
            while j < pdf.len() && (pdf[j] == b' ' || pdf[j] == b'\n' || pdf[j] == b'\r') {
                j += 1;
            }
            if pdf[j..].starts_with(b"/Page") && !pdf[j..].starts_with(b"/Pages") {
                n += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    n
}

/// The pages to print as typed («3», «3-5», «1, 4–6»), checked against the document's
/// `pages`, as a CUPS page list (`1,4-6`); `None` (empty) is the whole document.
pub fn page_list(text: &str, pages: u32) -> AppResult<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || {
        invalid(format!(
            "Страницы для печати — номера от 1 до {pages} через запятую или диапазоны через дефис: «3», «1-4, 7», а не «{text}»"
        ))
    };
    let number = |t: &str| -> AppResult<u32> {
        let n: u32 = t.trim().parse().map_err(|_| bad())?;
        if n == 0 || n > pages {
            return Err(invalid(format!(
                "В документе {}: страницы {n} в нём нет",
                count_pages(pages)
            )));
        }
        Ok(n)
    };
    let mut parts = Vec::new();
    for part in text.split([',', ';']) {
        let part = part.trim();
        if part.is_empty() {
            return Err(bad());
        }
        let dash = part.find(['-', '–', '—']);
        match dash {
            None => parts.push(number(part)?.to_string()),
            Some(i) => {
                let dash_len = part[i..].chars().next().map_or(1, char::len_utf8);
                let (a, b) = (number(&part[..i])?, number(&part[i + dash_len..])?);
                if a > b {
                    return Err(bad());
                }
                parts.push(if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                });
            }
        }
    }
    Ok(Some(parts.join(",")))
}

fn count_pages(n: u32) -> String {
    let word = match (n % 10, n % 100) {
        (1, r) if r != 11 => "страница",
        (2..=4, r) if !(12..=14).contains(&r) => "страницы",
        _ => "страниц",
    };
    format!("{n} {word}")
}

mod pin;
mod week;
pub use week::{WeekDay, WeekLesson, WeekView};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DemoOptions;

    /// A school of one class, 7Б, the demo's largest, in a temporary file.
    pub(super) fn school() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("school.sqlite3");
        let options = DemoOptions {
            classes: vec![(7, "Б".into())],
            ..DemoOptions::default()
        };
        create_demo(&path, 1, &options).unwrap();
        (dir, path)
    }

    pub(super) struct Ids {
        pub(super) class: String,
        pub(super) algebra: String,
        pub(super) algebra_teacher: String,
        pub(super) class_teacher: String,
        pub(super) other_subject: String,
    }

    pub(super) fn ids(app: &mut App) -> Ids {
        let school = app.school().unwrap();
        let class = school.class_by_name("7Б").unwrap().clone();
        let algebra = school.subject_by_name("Алгебра").unwrap().id;
        let teacher = class.teaches(algebra).unwrap().teacher;
        let ct = class.class_teacher.unwrap();
        // A subject of the class that its class teacher does not teach.
        let other = class
            .subjects
            .iter()
            .find(|cs| cs.teacher != ct && !cs.subgroup_teachers.contains(&ct))
            .unwrap()
            .subject;
        Ids {
            class: class.id.to_string(),
            algebra: algebra.to_string(),
            algebra_teacher: teacher.to_string(),
            class_teacher: ct.to_string(),
            other_subject: other.to_string(),
        }
    }

    #[test]
    fn an_empty_file_has_no_school_and_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::open(dir.path().join("new").join("z.sqlite3")).unwrap();
        let state = app.state().unwrap();
        assert!(!state.has_school);
        assert!(!state.sync.configured);
        let e = app.my_journals().unwrap_err();
        assert_eq!(e.code, code::NO_PROFILE);
        let e = app.staff_list().unwrap_err();
        assert_eq!(e.code, code::NO_SCHOOL);
        assert!(
            e.message.contains("демонстрационную школу"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_file_that_is_not_a_school_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.sqlite3");
        std::fs::write(&path, b"these are my notes, not a database").unwrap();
        let mut app = App::open_or_problem(&path);
        let e = app.state().unwrap_err();
        assert_eq!(e.code, code::STORE, "{e:?}");
        assert_eq!(app.open_demo().unwrap_err(), e);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"these are my notes, not a database"
        );
    }

    fn enrolment(user: &str) -> zhurnal_store::Profile {
        zhurnal_store::Profile {
            server: "http://127.0.0.1:9".into(),
            login: "teacher".into(),
            user_id: user.into(),
            user_name: "Учитель".into(),
            roles: vec!["subject_teacher".into()],
            device_id: uuid::Uuid::nil().to_string(),
            device_name: "ноутбук".into(),
            token: "t".into(),
            device_key: [1; 32],
            enrolled_at: 0,
            last_sync_at: None,
            last_error: None,
            last_error_at: None,
        }
    }

    #[test]
    fn the_profile_lives_in_the_store_and_an_old_profile_file_moves_there_once() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        drop(app);
        let old = old_profile_path(&path);
        std::fs::write(&old, format!("{}\n", ids.algebra_teacher)).unwrap();
        let mut app = App::open(&path).unwrap();
        assert!(!old.exists(), "the old file is deleted once moved");
        assert_eq!(
            app.state().unwrap().profile.unwrap().id,
            ids.algebra_teacher
        );
        app.set_profile(&ids.class_teacher, None).unwrap();
        drop(app);
        let mut app = App::open(&path).unwrap();
        assert_eq!(app.state().unwrap().profile.unwrap().id, ids.class_teacher);
        assert!(!old.exists());
    }

    #[test]
    fn an_enrolled_device_works_as_its_user_only_and_logging_out_keeps_him() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.class_teacher, None).unwrap();
        app.z()
            .unwrap()
            .store()
            .set_profile(&enrolment(&ids.algebra_teacher))
            .unwrap();
        let state = app.enrolled().unwrap();
        assert_eq!(state.profile.unwrap().id, ids.algebra_teacher);
        assert!(state.sync.configured);
        assert!(!state.sync.online, "never synced yet");
        assert_eq!(state.sync.server.as_deref(), Some("http://127.0.0.1:9"));
        assert!(
            !state.sync.pending.is_empty(),
            "the demo's changes are not on that server"
        );
        let e = app.set_profile(&ids.class_teacher, None).unwrap_err();
        assert_eq!(e.code, code::INVALID);
        assert!(e.message.contains("выйдите"), "{}", e.message);
        // A school made here is never mixed into a server's school.
        assert!(!app.enrols_here("http://127.0.0.1:9").unwrap());

        app.z()
            .unwrap()
            .store()
            .record_sync_error(5, "нет связи")
            .unwrap();
        let st = app.sync_status().unwrap();
        assert!(!st.online);
        assert_eq!(st.last_error.as_deref(), Some("нет связи"));
        assert!(st.message.starts_with("Нет связи"), "{}", st.message);

        let state = app.logout().unwrap();
        assert!(!state.sync.configured);
        assert_eq!(state.profile.unwrap().id, ids.algebra_teacher);
        app.set_profile(&ids.class_teacher, None).unwrap();
    }

    #[test]
    fn changes_are_counted_in_russian() {
        let words: Vec<String> = [1, 2, 5, 11, 12, 21, 22, 25, 101, 111]
            .iter()
            .map(|n| changes_ru(*n))
            .collect();
        assert_eq!(
            words,
            [
                "1 изменение",
                "2 изменения",
                "5 изменений",
                "11 изменений",
                "12 изменений",
                "21 изменение",
                "22 изменения",
                "25 изменений",
                "101 изменение",
                "111 изменений"
            ]
        );
    }

    #[test]
    fn journals_follow_the_schools_access_rules() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        assert_eq!(app.my_journals().unwrap_err().code, code::NO_PROFILE);

        app.set_profile(&ids.algebra_teacher, None).unwrap();
        let mine = app.my_journals().unwrap();
        let algebra = mine
            .iter()
            .find(|j| j.subject_id == ids.algebra && j.class_name == "7Б")
            .expect("the algebra teacher writes algebra in 7Б");
        assert_eq!(algebra.access, Access::Write);
        assert_eq!(
            algebra.periods,
            [Period::Q1, Period::Q2, Period::Q3, Period::Q4, Period::Year]
        );

        app.set_profile(&ids.class_teacher, None).unwrap();
        let led = app.my_journals().unwrap();
        let other = led
            .iter()
            .find(|j| j.subject_id == ids.other_subject)
            .expect("the class teacher reads every subject of his class");
        assert_eq!(other.access, Access::Read);
        let subjects: std::collections::BTreeSet<&str> =
            led.iter().map(|j| j.subject_id.as_str()).collect();
        let school = app.school().unwrap();
        assert_eq!(subjects.len(), school.classes[0].subjects.len());
    }

    #[test]
    fn a_cell_is_durable_and_the_average_and_suggestion_follow() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        let grid = app
            .grid(&ids.class, &ids.algebra, None, Period::Q1)
            .unwrap();
        assert_eq!(grid.access, Access::Write);
        assert_eq!(grid.class, "7Б");
        assert!(grid.lessons.len() > 10, "{} lessons", grid.lessons.len());
        assert!(grid
            .lessons
            .iter()
            .all(|l| l.date.as_str() >= "2025-09-01" && l.date.as_str() <= "2025-10-26"));
        let student = grid.students.iter().find(|s| s.on_roll).unwrap().id.clone();

        // Clear the student's whole quarter, then give him 5, 4 and 4: (5+4+4)/3 = 4.33.
        for l in &grid.lessons {
            app.set_cell(&ids.class, &ids.algebra, &l.id, &student, "")
                .unwrap();
        }
        let empty = app
            .grid(&ids.class, &ids.algebra, None, Period::Q1)
            .unwrap();
        let f = empty.finals.iter().find(|f| f.student == student).unwrap();
        assert_eq!(
            (f.average, f.count, f.suggested.as_deref()),
            (None, 0, Some("н/а"))
        );

        let l = &grid.lessons;
        app.set_cell(&ids.class, &ids.algebra, &l[0].id, &student, "5")
            .unwrap();
        app.set_cell(&ids.class, &ids.algebra, &l[1].id, &student, "4")
            .unwrap();
        let r = app
            .set_cell(&ids.class, &ids.algebra, &l[2].id, &student, "о 4")
            .unwrap();
        let cell = r.cell.unwrap();
        assert_eq!(cell.text, "О 4");
        assert_eq!(cell.attendance.as_deref(), Some("О"));
        assert_eq!(r.period, Period::Q1);
        assert_eq!(r.r#final.average, Some(4.33));
        assert_eq!(r.r#final.count, 3);
        assert_eq!(r.r#final.suggested.as_deref(), Some("4"));
        let r = app
            .set_cell(&ids.class, &ids.algebra, &l[3].id, &student, "н")
            .unwrap();
        assert_eq!(r.cell.unwrap().text, "Н");

        // Reopened, the school shows the same cells, and the profile is remembered.
        drop(app);
        let mut app = App::open(&path).unwrap();
        assert_eq!(
            app.state().unwrap().profile.unwrap().id,
            ids.algebra_teacher
        );
        let grid = app
            .grid(&ids.class, &ids.algebra, None, Period::Q1)
            .unwrap();
        let text = |lesson: &str| {
            grid.cells
                .iter()
                .find(|c| c.lesson == lesson && c.student == student)
                .map(|c| c.text.clone())
        };
        assert_eq!(text(&l[0].id).as_deref(), Some("5"));
        assert_eq!(text(&l[2].id).as_deref(), Some("О 4"));
        assert_eq!(text(&l[3].id).as_deref(), Some("Н"));
        assert_eq!(text(&l[4].id), None);
        let f = grid.finals.iter().find(|f| f.student == student).unwrap();
        assert_eq!(f.average, Some(4.33));
    }

    #[test]
    fn bad_input_and_a_mark_beside_an_absence_change_nothing() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        let grid = app
            .grid(&ids.class, &ids.algebra, None, Period::Q2)
            .unwrap();
        let student = grid.students.iter().find(|s| s.on_roll).unwrap().id.clone();
        let lesson = grid.lessons[0].id.clone();
        app.set_cell(&ids.class, &ids.algebra, &lesson, &student, "5")
            .unwrap();
        for bad in ["6", "н 5", "абв"] {
            let e = app
                .set_cell(&ids.class, &ids.algebra, &lesson, &student, bad)
                .unwrap_err();
            assert_eq!(e.code, code::INVALID, "{bad}: {e:?}");
        }
        let grid = app
            .grid(&ids.class, &ids.algebra, None, Period::Q2)
            .unwrap();
        let cell = grid
            .cells
            .iter()
            .find(|c| c.lesson == lesson && c.student == student)
            .unwrap();
        assert_eq!(cell.text, "5");
    }

    #[test]
    fn a_class_teacher_reads_another_subject_and_cannot_write_it() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.class_teacher, None).unwrap();
        let before = app
            .grid(&ids.class, &ids.other_subject, None, Period::Q1)
            .unwrap();
        assert_eq!(before.access, Access::Read);
        let lesson = &before.lessons[0].id;
        let student = &before.students[0].id;
        let e = app
            .set_cell(&ids.class, &ids.other_subject, lesson, student, "2")
            .unwrap_err();
        assert_eq!(e.code, code::READ_ONLY);
        let e = app
            .add_lesson(&ids.class, &ids.other_subject, None, "2025-09-10")
            .unwrap_err();
        assert_eq!(e.code, code::READ_ONLY);
        let after = app
            .grid(&ids.class, &ids.other_subject, None, Period::Q1)
            .unwrap();
        assert_eq!(before, after);
    }

    #[test]
    fn undo_puts_back_what_was_there_and_says_so() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        assert_eq!(app.undo(&ids.class, &ids.algebra).unwrap(), None);
        let grid = app
            .grid(&ids.class, &ids.algebra, None, Period::Q3)
            .unwrap();
        let row = grid.students.iter().find(|s| s.on_roll).unwrap();
        let student = row.id.clone();
        let lesson = grid.lessons[5].id.clone();
        let date = {
            let d = NaiveDate::parse_from_str(&grid.lessons[5].date, "%Y-%m-%d").unwrap();
            d.format("%d.%m.%Y").to_string()
        };
        let shown = |g: &GridView| {
            g.cells
                .iter()
                .find(|c| c.lesson == lesson && c.student == student)
                .map(|c| c.text.clone())
        };
        let original = shown(&grid);
        app.set_cell(&ids.class, &ids.algebra, &lesson, &student, "2")
            .unwrap();
        app.set_cell(&ids.class, &ids.algebra, &lesson, &student, "3")
            .unwrap();
        let r = app.undo(&ids.class, &ids.algebra).unwrap().unwrap();
        assert_eq!(r.result.cell.unwrap().text, "2");
        assert!(
            r.what.starts_with("Отменено: ") && r.what.contains(&format!("урок {date}")),
            "{}",
            r.what
        );
        assert!(r.what.ends_with("снова «2»"), "{}", r.what);
        app.undo(&ids.class, &ids.algebra).unwrap().unwrap();
        let grid = app
            .grid(&ids.class, &ids.algebra, None, Period::Q3)
            .unwrap();
        assert_eq!(shown(&grid), original);
    }

    #[test]
    fn usb_sticks_are_found_where_linux_mounts_them() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("media").join("uchitel");
        let run = dir.path().join("run").join("media").join("uchitel");
        assert!(drives_under(&[media.clone(), run.clone()]).is_empty());
        std::fs::create_dir_all(media.join("KINGSTON")).unwrap();
        std::fs::create_dir_all(run.join("USB DISK")).unwrap();
        std::fs::write(media.join("not-a-drive.txt"), b"").unwrap();
        let found = drives_under(&[media.clone(), run.clone()]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().any(|d| d.ends_with("KINGSTON")));
        assert!(found.iter().any(|d| d.ends_with("USB DISK")));
    }

    #[test]
    fn every_message_is_a_sentence() {
        let e = AppError::new(code::READ_ONLY, "журнал 10А, «Алгебра» вам не доступен");
        assert_eq!(e.message, "Журнал 10А, «Алгебра» вам не доступен");
        let e = AppError::new(code::INVALID, "«7» — не отметка");
        assert_eq!(e.message, "«7» — не отметка");
    }

    #[test]
    fn a_server_school_gets_a_file_of_its_own_beside_the_demo() {
        let (dir, path) = school();
        let d = dir.path();
        let mut app = App::open(&path).unwrap();
        assert!(!app.enrols_here("https://school12.example.ru").unwrap());
        let fresh = new_school_path(d, "https://School12.example.ru:8443/");
        assert_eq!(
            fresh.file_name().unwrap(),
            "school-school12.example.ru-8443.sqlite3"
        );
        std::fs::write(&fresh, b"").unwrap();
        let next = new_school_path(d, "https://school12.example.ru:8443");
        assert_eq!(
            next.file_name().unwrap(),
            "school-school12.example.ru-8443-2.sqlite3"
        );
        std::fs::remove_file(&fresh).unwrap();
        // An empty file may be enrolled; the list shows both, the open one first.
        let empty = d.join("school-x.sqlite3");
        let mut other = App::open(&empty).unwrap();
        assert!(other.enrols_here("https://x").unwrap());
        drop(other);
        let list = school_files(d, app.describe());
        assert_eq!(list.len(), 2, "{list:?}");
        assert!(list[0].current && list[0].has_school, "{list:?}");
        assert!(list[0].title.contains("Берёзовская"), "{list:?}");
        assert!(!list[1].current && !list[1].has_school, "{list:?}");
        assert_eq!(list[1].title, "Пустой файл");
        assert_eq!(demo_path(d), d.join("demo.sqlite3"));
    }

    #[test]
    fn undo_in_one_journal_never_touches_another() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        let other = app
            .my_journals()
            .unwrap()
            .into_iter()
            .find(|j| {
                j.access == Access::Write
                    && (j.class_id != ids.class || j.subject_id != ids.algebra)
            })
            .expect("the algebra teacher has a second journal");
        let cell_of = |app: &mut App, class: &str, subject: &str, group: Option<u8>| {
            let g = app.grid(class, subject, group, Period::Q3).unwrap();
            let s = g.students.iter().find(|s| s.on_roll).unwrap().id.clone();
            (g.lessons[2].id.clone(), s)
        };
        let (l1, s1) = cell_of(&mut app, &ids.class, &ids.algebra, None);
        let (l2, s2) = cell_of(&mut app, &other.class_id, &other.subject_id, other.subgroup);
        app.set_cell(&ids.class, &ids.algebra, &l1, &s1, "5")
            .unwrap();
        app.set_cell(&other.class_id, &other.subject_id, &l2, &s2, "4")
            .unwrap();
        // On the first journal's screen, Ctrl+Z undoes the edit made there, not the later one
        // of the other journal.
        let r = app.undo(&ids.class, &ids.algebra).unwrap().unwrap();
        assert_eq!(r.result.cell.as_ref().unwrap().lesson, l1);
        assert_eq!(app.undo(&ids.class, &ids.algebra).unwrap(), None);
        let g = app
            .grid(
                &other.class_id,
                &other.subject_id,
                other.subgroup,
                Period::Q3,
            )
            .unwrap();
        let kept = g.cells.iter().find(|c| c.lesson == l2 && c.student == s2);
        assert_eq!(kept.map(|c| c.text.as_str()), Some("4"));
        // That edit is still there to undo in its own journal.
        let r = app
            .undo(&other.class_id, &other.subject_id)
            .unwrap()
            .unwrap();
        assert_eq!(r.result.cell.unwrap().lesson, l2);
        // A journal the profile only reads has nothing to undo: it says why.
        app.set_profile(&ids.class_teacher, None).unwrap();
        let e = app.undo(&ids.class, &ids.other_subject).unwrap_err();
        assert_eq!(e.code, code::READ_ONLY);
    }

    #[test]
    fn lessons_are_added_and_saved_offline_and_finals_set() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        let before = app
            .grid(&ids.class, &ids.algebra, None, Period::Q4)
            .unwrap();
        // 30.05.2026 is a Saturday after the 4th quarter: outside it, inside the year? No —
        // the year ends with the quarter, so it is refused.
        let e = app
            .add_lesson(&ids.class, &ids.algebra, None, "2026-06-15")
            .unwrap_err();
        assert_eq!(e.code, code::INVALID);
        let added = app
            .add_lesson(&ids.class, &ids.algebra, None, "2026-04-04")
            .unwrap();
        let saved = app
            .save_lesson(
                &ids.class,
                &ids.algebra,
                &added.id,
                &LessonEdit {
                    topic: "Контрольная работа".into(),
                    homework: "№ 12".into(),
                    date: "2026-04-04".into(),
                },
            )
            .unwrap();
        assert_eq!(saved.topic, "Контрольная работа");
        let after = app
            .grid(&ids.class, &ids.algebra, None, Period::Q4)
            .unwrap();
        assert_eq!(after.lessons.len(), before.lessons.len() + 1);
        assert!(after
            .lessons
            .iter()
            .any(|l| l.id == added.id && l.homework == "№ 12"));

        let student = after.students[0].id.clone();
        let r = app
            .set_final(&ids.class, &ids.algebra, &student, Period::Q4, "5")
            .unwrap();
        assert_eq!(r.r#final.period_mark.as_deref(), Some("5"));
        let e = app
            .set_final(&ids.class, &ids.algebra, &student, Period::H1, "5")
            .unwrap_err();
        assert_eq!(e.code, code::INVALID, "7Б is marked by quarters");
    }

    #[test]
    fn all_present_takes_the_attendance_and_the_monitoring_stops_asking() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        let lesson = app
            .add_lesson(&ids.class, &ids.algebra, None, "2026-05-06")
            .unwrap();
        assert!(!lesson.attendance_taken);
        let flagged = |app: &mut App| {
            app.set_profile(&ids.class_teacher, None).unwrap();
            let found = app
                .monitoring(&ids.class, 5)
                .unwrap()
                .into_iter()
                .any(|f| f.kind == "no_attendance" && f.date.as_deref() == Some("2026-05-06"));
            app.set_profile(&ids.algebra_teacher, None).unwrap();
            found
        };
        assert!(flagged(&mut app), "a lesson with no attendance is listed");
        let l = app
            .all_present(&ids.class, &ids.algebra, &lesson.id)
            .unwrap();
        assert!(l.attendance_taken);
        assert_eq!(l.absent, 0);
        assert!(!flagged(&mut app), "taken: no longer listed");
        // Only the subject's teacher takes it.
        app.set_profile(&ids.class_teacher, None).unwrap();
        let e = app
            .all_present(&ids.class, &ids.algebra, &lesson.id)
            .unwrap_err();
        assert_eq!(e.code, code::READ_ONLY);
    }

    #[test]
    fn personal_data_only_for_the_class_teacher_and_a_report_is_made() {
        let (dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        assert_eq!(app.personal(&ids.class).unwrap_err().code, code::NO_ACCESS);
        app.set_profile(&ids.class_teacher, None).unwrap();
        let p = app.personal(&ids.class).unwrap();
        assert!(p.students.len() > 20);
        let roster = app.roster(&ids.class).unwrap();
        assert_eq!(roster.access, Access::Write);
        assert_eq!(roster.students.len(), p.students.len());
        let findings = app.monitoring(&ids.class, 5).unwrap();
        assert!(findings.iter().all(|f| [
            "no_marks",
            "no_topic",
            "no_attendance",
            "absence_to_confirm"
        ]
        .contains(&f.kind.as_str())));

        let mut seen = Vec::new();
        let req = ReportRequest {
            kind: "class-results".into(),
            class_id: ids.class.clone(),
            period: Some(Period::Q1),
            student_id: None,
            month: None,
            two_sided: None,
        };
        let r = app
            .make_report(&req, &dir.path().join("pdf"), &mut |p| seen.push(p))
            .unwrap();
        // The reports engine's own progress: sections laid out, growing to the total.
        assert!(seen.len() >= 2, "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0].done <= w[1].done), "{seen:?}");
        assert!(seen.iter().all(|p| p.done <= p.total), "{seen:?}");
        let last = seen.last().unwrap();
        assert!(last.total > 0 && last.done == last.total, "{seen:?}");
        let bytes = std::fs::read(&r.path).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        assert_eq!(r.bytes as usize, bytes.len());
        assert!(r.pages >= 1);
        let bad = ReportRequest {
            period: None,
            ..req
        };
        let e = app
            .make_report(&bad, &dir.path().join("pdf"), &mut |_| {})
            .unwrap_err();
        assert_eq!(e.code, code::INVALID);
    }

    #[test]
    fn a_wrong_departure_is_refused_or_corrected_or_cancelled_and_no_mark_is_lost() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.class_teacher, None).unwrap();
        // A student with marks in algebra in the second quarter, on the list all year.
        let grid = app
            .grid(&ids.class, &ids.algebra, None, Period::Q2)
            .unwrap();
        let student = grid
            .students
            .iter()
            .find(|s| {
                s.on_roll
                    && s.arrived.is_none()
                    && grid
                        .cells
                        .iter()
                        .any(|c| c.student == s.id && !c.marks.is_empty())
            })
            .map(|s| s.id.clone())
            .unwrap();
        let marks = |app: &mut App| -> Vec<String> {
            let g = app
                .grid(&ids.class, &ids.algebra, None, Period::Q2)
                .unwrap();
            let shown = g.students.iter().any(|s| s.id == student);
            g.cells
                .iter()
                .filter(|c| shown && c.student == student && !c.text.is_empty())
                .map(|c| format!("{}:{}", c.lesson, c.text))
                .collect()
        };
        let before = marks(&mut app);
        assert!(!before.is_empty());
        let log_len = app.roster(&ids.class).unwrap().log.len();
        let edit = |date: &str| MovementEdit {
            kind: "departure".into(),
            date: date.into(),
            order: "12-у".into(),
            from: String::new(),
            to: "г. Пермь".into(),
        };

        // The date a slip of the keyboard made: not in the school year, refused, nothing written.
        let e = app
            .add_movement(&ids.class, &student, &edit("2020-05-15"))
            .unwrap_err();
        assert_eq!(e.code, code::INVALID);
        assert!(
            e.message.contains("не в этом учебном году"),
            "{}",
            e.message
        );
        assert_eq!(app.roster(&ids.class).unwrap().log.len(), log_len);
        assert_eq!(marks(&mut app), before);

        // A real but wrong date: he vanishes from the second quarter's journal...
        let r = app
            .add_movement(&ids.class, &student, &edit("2025-10-01"))
            .unwrap();
        let entry = r
            .log
            .iter()
            .find(|e| e.student_id == student)
            .unwrap()
            .clone();
        assert!(marks(&mut app).is_empty());
        // ...and leaving twice is refused: he is not on the list then.
        let e = app
            .add_movement(&ids.class, &student, &edit("2025-11-01"))
            .unwrap_err();
        assert!(e.message.contains("не в списке класса"), "{}", e.message);

        // Corrected to the right date, what it said before kept.
        let r = app
            .correct_movement(&ids.class, &entry.movement.id, &edit("2026-05-20"))
            .unwrap();
        let e2 = r
            .log
            .iter()
            .find(|e| e.movement.id == entry.movement.id)
            .unwrap();
        assert_eq!(e2.movement.date, "2026-05-20");
        assert_eq!(e2.corrections.len(), 1);
        assert!(
            e2.corrections[0].starts_with("было: выбыл 01.10.2025, приказ № 12-у"),
            "{:?}",
            e2.corrections
        );
        // Cancelled as a mistake: every mark he had is back in the journal, the entry kept.
        let r = app.cancel_movement(&ids.class, &entry.movement.id).unwrap();
        let e3 = r
            .log
            .iter()
            .find(|e| e.movement.id == entry.movement.id)
            .unwrap();
        assert!(
            e3.cancelled
                .as_deref()
                .unwrap_or("")
                .starts_with("отменена "),
            "{e3:?}"
        );
        assert!(r
            .students
            .iter()
            .find(|s| s.id == student)
            .unwrap()
            .movements
            .is_empty());
        assert_eq!(marks(&mut app), before);
        // A cancelled entry cannot be corrected.
        let e = app
            .correct_movement(&ids.class, &entry.movement.id, &edit("2026-05-21"))
            .unwrap_err();
        assert_eq!(e.code, code::NOT_FOUND);

        // Back by a new arrival after a real departure: on the list again from that day.
        app.add_movement(&ids.class, &student, &edit("2025-11-10"))
            .unwrap();
        let back = MovementEdit {
            kind: "arrival".into(),
            date: "2026-01-12".into(),
            order: "3-у".into(),
            from: "МБОУ СОШ № 2".into(),
            to: String::new(),
        };
        let r = app.add_movement(&ids.class, &student, &back).unwrap();
        assert_eq!(
            r.students
                .iter()
                .find(|s| s.id == student)
                .unwrap()
                .movements
                .len(),
            2
        );
        let q3 = app
            .grid(&ids.class, &ids.algebra, None, Period::Q3)
            .unwrap();
        assert!(q3.students.iter().any(|s| s.id == student));
        let e = app.add_movement(&ids.class, &student, &back).unwrap_err();
        assert!(e.message.contains("уже в списке класса"), "{}", e.message);

        // Only the class teacher writes the class's movement.
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        let e = app
            .cancel_movement(&ids.class, &entry.movement.id)
            .unwrap_err();
        assert_eq!(e.code, code::READ_ONLY);
    }

    #[test]
    fn saving_a_document_never_writes_onto_itself_and_asks_before_replacing_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let made = dir.path().join("made.pdf");
        std::fs::write(&made, b"%PDF-1.7 the document").unwrap();
        let s = |p: &Path| p.display().to_string();
        // Onto itself, by its own name and through `..`: refused, and the file is whole.
        for same in [made.clone(), dir.path().join("x/../made.pdf")] {
            std::fs::create_dir_all(dir.path().join("x")).unwrap();
            let e = save_report(&s(&made), &s(&same), true).unwrap_err();
            assert_eq!(e.code, code::INVALID, "{e:?}");
            assert!(e.message.contains("уже лежит"), "{}", e.message);
            assert_eq!(std::fs::read(&made).unwrap(), b"%PDF-1.7 the document");
        }
        // A new place: copied.
        let copy = dir.path().join("copy.pdf");
        save_report(&s(&made), &s(&copy), false).unwrap();
        assert_eq!(std::fs::read(&copy).unwrap(), b"%PDF-1.7 the document");
        // An existing file: asked first, unchanged until the user agrees.
        std::fs::write(&copy, b"someone else's file").unwrap();
        let e = save_report(&s(&made), &s(&copy), false).unwrap_err();
        assert_eq!(e.code, code::EXISTS);
        assert!(e.message.contains("Заменить"), "{}", e.message);
        assert_eq!(std::fs::read(&copy).unwrap(), b"someone else's file");
        save_report(&s(&made), &s(&copy), true).unwrap();
        assert_eq!(std::fs::read(&copy).unwrap(), b"%PDF-1.7 the document");
        // A folder, a missing folder, nothing: clear refusals, no temporary file left.
        assert_eq!(
            save_report(&s(&made), &s(dir.path()), true)
                .unwrap_err()
                .code,
            code::INVALID
        );
        let e = save_report(&s(&made), &s(&dir.path().join("нет/copy.pdf")), true).unwrap_err();
        assert!(e.message.contains("Папки"), "{}", e.message);
        assert_eq!(
            save_report(&s(&made), "  ", true).unwrap_err().code,
            code::INVALID
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_copy_is_proposed_in_the_documents_folder() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        std::fs::create_dir_all(h.join(".config")).unwrap();
        std::fs::create_dir_all(h.join("Мои документы")).unwrap();
        std::fs::write(
            h.join(".config/user-dirs.dirs"),
            "# written by xdg-user-dirs-update\nXDG_DOCUMENTS_DIR=\"$HOME/Мои документы\"\n",
        )
        .unwrap();
        assert_eq!(documents_dir_of(h, None, None), h.join("Мои документы"));
        // The variable first; a folder that does not exist is passed over.
        std::fs::create_dir_all(h.join("Docs")).unwrap();
        assert_eq!(
            documents_dir_of(h, Some("$HOME/Docs".into()), None),
            h.join("Docs")
        );
        assert_eq!(
            documents_dir_of(h, Some("$HOME/нет".into()), None),
            h.join("Мои документы")
        );
        // Without the file, ~/Документы if there is one, else home itself.
        std::fs::remove_file(h.join(".config/user-dirs.dirs")).unwrap();
        assert_eq!(documents_dir_of(h, None, None), h.to_path_buf());
        std::fs::create_dir_all(h.join("Документы")).unwrap();
        assert_eq!(documents_dir_of(h, None, None), h.join("Документы"));
        // The proposal keeps the document's own name, and is never the made file itself.
        let made = Path::new("/var/lib/x/zhurnal/pdf/7Б-копия-4-четверть.pdf");
        let proposed = suggested_save_path(made);
        assert_eq!(proposed.file_name(), made.file_name());
        assert_ne!(proposed, made);
    }

    #[test]
    fn a_page_range_is_checked_against_the_document() {
        assert_eq!(page_list("", 10).unwrap(), None);
        assert_eq!(page_list(" 3 ", 10).unwrap().as_deref(), Some("3"));
        assert_eq!(page_list("1-4, 7", 10).unwrap().as_deref(), Some("1-4,7"));
        assert_eq!(page_list("2–5;9", 10).unwrap().as_deref(), Some("2-5,9"));
        assert_eq!(page_list("6 - 6", 10).unwrap().as_deref(), Some("6"));
        for bad in ["0", "11", "4-2", "1,,2", "а", "3-", "-3", "1-99"] {
            let e = page_list(bad, 10).unwrap_err();
            assert_eq!(e.code, code::INVALID, "{bad}");
        }
        assert_eq!(
            page_list("12", 11).unwrap_err().message,
            "В документе 11 страниц: страницы 12 в нём нет"
        );
        assert!(page_list("5", 1)
            .unwrap_err()
            .message
            .starts_with("В документе 1 страница"));
    }

    #[test]
    fn pdf_pages_counts_page_objects_only() {
        let pdf = b"1 0 obj << /Type /Pages /Count 2 >> 2 0 obj << /Type /Page >> 3 0 obj <</Type/Page/Parent 1 0 R>>";
        assert_eq!(pdf_pages(pdf), 2);
    }

    #[test]
    fn the_default_file_is_the_one_the_start_script_uses() {
        // Only the pure part: ZHURNAL_DB wins; otherwise a zhurnal/zhurnal.sqlite3 path.
        let p = default_db_path();
        if std::env::var_os("ZHURNAL_DB").is_none() {
            assert!(p.ends_with("zhurnal/zhurnal.sqlite3"), "{}", p.display());
        }
    }

    /// The TypeScript the front end imports is generated from these types. Run with
    /// `ZHURNAL_BLESS_BINDINGS=1` to rewrite `ui/src/bindings/` after changing a type.
    #[test]
    fn typescript_bindings_match_the_committed_ones() {
        use ts_rs::{Config, TS};
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
        let fresh = tempfile::tempdir().unwrap();
        let cfg = Config::new().with_out_dir(fresh.path());
        AppError::export_all(&cfg).unwrap();
        AppCode::export_all(&cfg).unwrap();
        AppState::export_all(&cfg).unwrap();
        StaffView::export_all(&cfg).unwrap();
        JournalRef::export_all(&cfg).unwrap();
        GridView::export_all(&cfg).unwrap();
        CellResult::export_all(&cfg).unwrap();
        Undone::export_all(&cfg).unwrap();
        SchoolFile::export_all(&cfg).unwrap();
        LessonEdit::export_all(&cfg).unwrap();
        MovementEdit::export_all(&cfg).unwrap();
        RosterView::export_all(&cfg).unwrap();
        ImportResult::export_all(&cfg).unwrap();
        PersonalView::export_all(&cfg).unwrap();
        Finding::export_all(&cfg).unwrap();
        ReportRequest::export_all(&cfg).unwrap();
        ReportResult::export_all(&cfg).unwrap();
        ReportProgress::export_all(&cfg).unwrap();
        ConflictView::export_all(&cfg).unwrap();
        BundleResult::export_all(&cfg).unwrap();
        SyncProgress::export_all(&cfg).unwrap();
        WeekView::export_all(&cfg).unwrap();
        let read = |dir: &Path| -> BTreeMap<String, String> {
            std::fs::read_dir(dir)
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                        .map(|e| {
                            (
                                e.file_name().to_string_lossy().into_owned(),
                                std::fs::read_to_string(e.path()).unwrap(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let want = read(fresh.path());
        if std::env::var_os("ZHURNAL_BLESS_BINDINGS").is_some() {
            std::fs::create_dir_all(&committed).unwrap();
            for old in read(&committed).keys() {
                if !want.contains_key(old) {
                    std::fs::remove_file(committed.join(old)).unwrap();
                }
            }
            for (name, text) in &want {
                std::fs::write(committed.join(name), text).unwrap();
            }
            return;
        }
        let have = read(&committed);
        let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            names(&have),
            names(&want),
            "ui/src/bindings/ is out of date: run ZHURNAL_BLESS_BINDINGS=1 cargo test -p zhurnal-service --lib bindings"
        );
        for (name, text) in &want {
            assert_eq!(
                &have[name], text,
                "ui/src/bindings/{name} differs from the Rust type: run ZHURNAL_BLESS_BINDINGS=1 cargo test -p zhurnal-service --lib bindings"
            );
        }
    }
}
