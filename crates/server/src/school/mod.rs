//! What the school server does, independent of HTTP: log in and enrol a device, authenticate a
//! token, sync through the sans-IO core, keep refused requests in quarantine, the parents' view,
//! and the admin's operations (accounts, revocation, audit, revert, credential slips). The HTTP
//! layer ([`crate::http`]) and the command line call these functions; every one of them is
//! blocking (argon2, SQLite) and meant for `spawn_blocking`.
//!
//! One file per job: `session` (login, tokens), `gate` (sync), `bundle`, `parents`, `admin`;
//! the request and answer types and the school's creation here.

use crate::accounts::{self, RateLimiter};
use crate::error::{bad_request, refuse, Result, ServerError};
use crate::revert;
use crate::storage::{Device, Origin, SqliteStorage, Storage, User, UserKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;
use uuid::Uuid;
use zhurnal_domain::{ClassId, PeriodCode, PeriodScheme, Role, StaffId, StudentId};
use zhurnal_journal::automerge::{ActorId, ChangeHash};
use zhurnal_journal::school::School;
use zhurnal_journal::{journal, personal, roster, DocId, DocKind};
use zhurnal_sync::gate::{check, respond, DeviceId, DocLookup, Plan, Principal};
use zhurnal_sync::{wire, ErrorCode};

mod admin;
mod bundle;
mod gate;
mod parents;
mod session;

pub use admin::{AuditInfo, DeviceInfo, QuarantineInfo};

/// How often (seconds) a sync that sends nothing notes the device's last sync.
const DEVICE_SEEN_EVERY: i64 = 60;

/// About 1 MiB of changes per sync answer (then `more`).
pub const RESPONSE_BUDGET: usize = 1 << 20;

/// The device id of the server itself (an admin's revert, a file import on the server).
pub const SERVER_DEVICE: Uuid = Uuid::nil();

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub use zhurnal_sync::http::{LoginRequest, LoginResponse, UserInfo};

/// A user and device established by a token.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: User,
    pub device: Device,
}

/// Who a new account is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Person {
    Staff(StaffId),
    Student(StudentId),
    ParentOf(Vec<StudentId>),
}

/// A new account. Without a password a one-time one is made (and must be changed first).
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub login: String,
    pub password: Option<String>,
    pub person: Person,
}

/// A child as a parent or student sees him.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub id: Uuid,
    pub name: String,
    pub class: String,
}

/// One dated value: a mark or an attendance code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dated {
    pub date: chrono::NaiveDate,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectView {
    pub subject: String,
    pub marks: Vec<Dated>,
    pub absences: Vec<Dated>,
    pub period_mark: Option<String>,
}

/// `GET /api/v1/children/{id}/marks`: computed by the server, never a CRDT document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildView {
    pub student: Child,
    pub period: String,
    pub period_title: String,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub subjects: Vec<SubjectView>,
}

/// What a bundle brought.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleSummary {
    pub documents: usize,
    pub changes: usize,
}

/// What a revert wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevertSummary {
    pub documents: usize,
    pub cells: usize,
}

/// The school server over a storage.
pub struct SchoolServer {
    storage: Mutex<Box<dyn Storage>>,
    limiter: Mutex<RateLimiter>,
    /// Bytes of changes per sync answer.
    pub budget: usize,
}

fn lock<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn staff_id(u: Uuid) -> StaffId {
    StaffId::from_raw(*u.as_bytes())
}

fn uuid(bytes: &[u8; 16]) -> Uuid {
    Uuid::from_bytes(*bytes)
}

fn check_login(login: &str) -> Result<()> {
    let ok = !login.is_empty()
        && login.len() <= 64
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(bad_request(format!(
            "логин «{login}» не годится: только строчные латинские буквы, цифры и . _ - (до 64 знаков)"
        )))
    }
}

impl SchoolServer {
    pub fn new(storage: Box<dyn Storage>) -> Self {
        Self {
            storage: Mutex::new(storage),
            limiter: Mutex::new(RateLimiter::default()),
            budget: RESPONSE_BUDGET,
        }
    }

    /// The server over a Zhurnal store file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Ok(Self::new(Box::new(SqliteStorage::open(path)?)))
    }

    /// The storage, for the operations of this crate and for tests.
    pub fn storage(&self) -> MutexGuard<'_, Box<dyn Storage>> {
        lock(&self.storage)
    }

    fn year(st: &mut dyn Storage) -> Option<i32> {
        st.ids()
            .into_iter()
            .filter(|d| d.kind == DocKind::School)
            .map(|d| d.year)
            .max()
    }

    fn info(school: &School, user: &User, device: Option<Uuid>) -> UserInfo {
        let roles = match user.kind {
            UserKind::Staff => school
                .staff_member(staff_id(user.id))
                .map(|s| s.roles.iter().map(|r| r.as_str().to_string()).collect())
                .unwrap_or_default(),
            UserKind::Student => vec![Role::Student.as_str().to_string()],
            UserKind::Parent => vec![Role::Parent.as_str().to_string()],
        };
        UserInfo {
            id: user.id,
            login: user.login.clone(),
            name: user.name.clone(),
            kind: user.kind.as_str().to_string(),
            roles,
            must_change_password: user.must_change,
            device,
            revoked: None,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Login and authentication
}

pub fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Creates a real (non-demo) school in a new server database: the school document with its
/// name, the standard calendar of the current school year and one admin. Refuses a database
/// that already has a school.
pub fn init_school(path: &Path, name: &str, admin: &str) -> Result<StaffId> {
    use zhurnal_domain::{Calendar, PersonName, SchoolSettings, Staff};
    let parts: Vec<&str> = admin.split_whitespace().collect();
    if parts.len() < 2 {
        return Err(bad_request(format!(
            "«{admin}»: укажите ФИО администратора (хотя бы фамилию и имя)"
        )));
    }
    let person = PersonName {
        last: parts[0].into(),
        first: parts[1].into(),
        middle: parts[2..].join(" "),
    };
    let mut store = zhurnal_store::Store::open(path).map_err(crate::storage::StorageError::from)?;
    let has_school = store
        .doc_ids()
        .map_err(crate::storage::StorageError::from)?
        .iter()
        .any(|d| d.kind == DocKind::School);
    if has_school {
        return Err(bad_request(format!(
            "в «{}» уже есть школа",
            path.display()
        )));
    }
    let today = chrono::Local::now().date_naive();
    let year = if chrono::Datelike::month(&today) >= 8 {
        chrono::Datelike::year(&today)
    } else {
        chrono::Datelike::year(&today) - 1
    };
    let id = DocId::school(year);
    let staff = Staff {
        id: StaffId::new_random(),
        name: person,
        roles: vec![Role::Admin],
    };
    let edit =
        |store: &mut zhurnal_store::Store| -> std::result::Result<(), zhurnal_store::StoreError> {
            store.create(id)?;
            store.edit(id, staff.id, |doc, ed| {
                zhurnal_journal::school::set_info(
                    doc,
                    ed,
                    name,
                    &PersonName::default(),
                    &Calendar::standard(year),
                    &SchoolSettings::default(),
                )?;
                zhurnal_journal::school::put_staff(doc, ed, std::slice::from_ref(&staff))
            })
        };
    edit(&mut store).map_err(|e| bad_request(e.to_string()))?;
    Ok(staff.id)
}
