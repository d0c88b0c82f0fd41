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
//!
//! One file per page: `profile` (the start and who works here), `grid` (the journal, its edits
//! and undo), `class_teacher` (class list, movement, personal data, monitoring), `week` (today
//! and the week), `sync`, `reports`, `pin`; the contract's types in `types` and `error`, the
//! school files on this computer in `files`.

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

mod class_teacher;
mod error;
mod files;
mod grid;
mod pin;
mod profile;
mod reports;
mod sync;
mod types;
mod week;

pub use error::*;
pub use files::*;
pub use grid::*;
pub use reports::*;
pub use types::*;
pub use week::{WeekDay, WeekLesson, WeekView};

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
}

#[cfg(test)]
mod recorded;
#[cfg(test)]
mod tests;
