//! What the school server does, independent of HTTP: log in and enrol a device, authenticate a
//! token, sync through the sans-IO core, keep refused requests in quarantine, the parents' view,
//! and the admin's operations (accounts, revocation, audit, revert, credential slips). The HTTP
//! layer ([`crate::http`]) and the command line call these functions; every one of them is
//! blocking (argon2, SQLite) and meant for `spawn_blocking`.

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
use zhurnal_sync::server::{check, respond, DeviceId, DocLookup, Plan, Principal};
use zhurnal_sync::{wire, ErrorCode};

/// How often (seconds) a sync that sends nothing notes the device's last sync.
const DEVICE_SEEN_EVERY: i64 = 60;

/// About 1 MiB of changes per sync answer (then `more`).
pub const RESPONSE_BUDGET: usize = 1 << 20;

/// The device id of the server itself (an admin's revert, a file import on the server).
pub const SERVER_DEVICE: Uuid = Uuid::nil();

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `POST /api/v1/login`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    #[serde(default)]
    pub device_name: String,
    /// 64 hex digits: the device's Ed25519 public key.
    pub device_key: String,
}

/// The `user` object of the contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: Uuid,
    pub login: String,
    pub name: String,
    pub kind: String,
    pub roles: Vec<String>,
    pub must_change_password: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<bool>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub device: Uuid,
    pub user: UserInfo,
}

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

    /// Enrols a device: checks the password (rate-limited per login and per client address)
    /// and issues a token, of which only the SHA-256 is kept.
    pub fn login(&self, req: &LoginRequest, client: &str) -> Result<LoginResponse> {
        let keys = vec![
            format!("login:{}", req.login.trim().to_lowercase()),
            format!("addr:{client}"),
        ];
        if let Some(wait) = lock(&self.limiter).blocked(&keys, Instant::now()) {
            return Err(ServerError::Refused {
                code: ErrorCode::RateLimited,
                message: format!(
                    "слишком много неудачных попыток входа; попробуйте через {} мин.",
                    wait.as_secs().div_ceil(60).max(1)
                ),
                doc: None,
                retry_after: Some(wait.as_secs().max(1)),
            });
        }
        let key = zhurnal_sync::bundle::public_from_hex(req.device_key.trim())
            .map_err(|e| bad_request(format!("ключ устройства (device_key): {e}")))?
            .to_vec();
        let user = self.storage().user_by_login(req.login.trim())?;
        let ok = match &user {
            Some(u) => accounts::verify_password(&req.password, &u.password_hash),
            None => {
                accounts::verify_password(&req.password, accounts::dummy_hash());
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            lock(&self.limiter).fail(&keys, Instant::now());
            return Err(refuse(
                ErrorCode::BadCredentials,
                "неверный логин или пароль",
            ));
        };
        if user.revoked_at.is_some() {
            return Err(refuse(
                ErrorCode::RevokedDevice,
                "учётная запись отключена администратором школы",
            ));
        }
        let token = accounts::new_token();
        let device = Device {
            id: Uuid::new_v4(),
            user: user.id,
            name: if req.device_name.trim().is_empty() {
                "устройство".into()
            } else {
                req.device_name.trim().to_string()
            },
            public_key: key,
            created_at: now(),
            last_seen: None,
            revoked_at: None,
        };
        let mut st = self.storage();
        st.add_device(&device, &accounts::token_hash(&token))?;
        record_who(user.id, device.id);
        let school = st.school()?;
        Ok(LoginResponse {
            token,
            device: device.id,
            user: Self::info(&school, &user, None),
        })
    }

    /// The user and device of a bearer token: `401 unauthorized` for a missing or unknown one.
    pub fn authenticate(&self, token: Option<&str>) -> Result<Session> {
        let unauthorized = || {
            refuse(
                ErrorCode::Unauthorized,
                "нужен вход: войдите в программу заново",
            )
        };
        let token = token.filter(|t| !t.is_empty()).ok_or_else(unauthorized)?;
        let mut st = self.storage();
        let device = st
            .device_by_token(&accounts::token_hash(token))?
            .ok_or_else(unauthorized)?;
        let user = st.user(device.user)?.ok_or_else(unauthorized)?;
        record_who(user.id, device.id);
        Ok(Session { user, device })
    }

    /// Refuses a revoked device or user (keeping `body` in quarantine) and, unless
    /// `password_ok`, an account that must change its one-time password first.
    fn active(
        &self,
        token: Option<&str>,
        quarantine: Option<&[u8]>,
        password_ok: bool,
    ) -> Result<Session> {
        let s = self.authenticate(token)?;
        if s.device.revoked_at.is_some() || s.user.revoked_at.is_some() {
            if let Some(body) = quarantine {
                self.storage().quarantine(
                    Some(s.user.id),
                    Some(s.device.id),
                    ErrorCode::RevokedDevice.as_str(),
                    body,
                    now(),
                )?;
            }
            return Err(refuse(
                ErrorCode::RevokedDevice,
                if s.user.revoked_at.is_some() {
                    "учётная запись отключена администратором школы; ваши записи сохранены, но не приняты"
                } else {
                    "это устройство отключено администратором школы; его записи сохранены, но не приняты"
                },
            ));
        }
        if s.user.must_change && !password_ok {
            return Err(refuse(
                ErrorCode::PasswordChangeRequired,
                "смените одноразовый пароль, прежде чем продолжить",
            ));
        }
        Ok(s)
    }

    /// `GET /api/v1/me`.
    pub fn me(&self, token: Option<&str>) -> Result<UserInfo> {
        let s = self.active(token, None, false)?;
        let school = self.storage().school()?;
        Ok(Self::info(&school, &s.user, Some(s.device.id)))
    }

    /// `POST /api/v1/password`.
    pub fn change_password(&self, token: Option<&str>, old: &str, new: &str) -> Result<()> {
        let s = self.active(token, None, true)?;
        if !accounts::verify_password(old, &s.user.password_hash) {
            return Err(refuse(ErrorCode::BadCredentials, "неверный текущий пароль"));
        }
        accounts::check_new_password(new).map_err(bad_request)?;
        if old == new {
            return Err(bad_request("новый пароль должен отличаться от прежнего"));
        }
        let hash = accounts::hash_password(new);
        self.storage()
            .set_password(s.user.id, &hash, false, false)?;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Sync

    /// `POST /api/v1/sync`: check, apply with bindings and audit in one transaction, answer.
    pub fn sync(&self, token: Option<&str>, body: &[u8]) -> Result<Vec<u8>> {
        let s = self.active(token, Some(body), false)?;
        if s.user.kind != UserKind::Staff {
            return Err(refuse(
                ErrorCode::NoAccess,
                "ученикам и родителям журнал не передаётся: смотрите отметки в дневнике",
            ));
        }
        let who = Principal {
            user: staff_id(s.user.id),
            device: DeviceId(s.device.id),
        };
        // A body in short names the roster dictionary it was coded with, the server's changes
        // by short hashes and the documents it folded: all are read against the documents as
        // they are now, before anything of the request is applied — what the device last
        // received. One lock and one reading of the school for the whole request.
        let mut st = self.storage();
        let school = st.school()?;
        let dict = wire::body_dictionary(body)
            .map(|_| wire::Dictionary::of_reader(&school, who.user, &mut **st));
        let mut lookup = DocLookup::new(&school, who.user, &mut **st);
        let req = wire::decode_request_with(body, dict.as_ref(), Some(&mut lookup))?;
        let (resp, audit) = self.gate(&mut **st, &school, &req, &who, "sync")?;
        // `device list` shows when a device last synced, also when it only received; a write
        // at most once a minute per device.
        let at = now();
        if audit.is_empty()
            && s.device
                .last_seen
                .is_none_or(|t| at - t >= DEVICE_SEEN_EVERY)
        {
            st.device_seen(s.device.id, at)?;
        }
        Ok(wire::encode_response_to(&resp, &req, dict.as_ref()))
    }

    /// Checks and applies a request of `who` and answers it — the gate every change passes.
    pub fn apply(
        &self,
        req: &zhurnal_sync::SyncRequest,
        who: &Principal,
        via: &str,
    ) -> Result<zhurnal_sync::SyncResponse> {
        Ok(self.apply_audited(req, who, via)?.0)
    }

    /// [`SchoolServer::apply`], also returning the audit records of the accepted changes.
    pub fn apply_audited(
        &self,
        req: &zhurnal_sync::SyncRequest,
        who: &Principal,
        via: &str,
    ) -> Result<(zhurnal_sync::SyncResponse, Vec<crate::storage::AuditRecord>)> {
        let mut st = self.storage();
        let school = st.school()?;
        self.gate(&mut **st, &school, req, who, via)
    }

    /// [`SchoolServer::apply_audited`] on the locked storage and its school as read.
    fn gate(
        &self,
        st: &mut dyn Storage,
        school: &School,
        req: &zhurnal_sync::SyncRequest,
        who: &Principal,
        via: &str,
    ) -> Result<(zhurnal_sync::SyncResponse, Vec<crate::storage::AuditRecord>)> {
        let book = st.actor_book()?;
        // The sync core's check carries its own guards (unknown dependencies, automerge
        // panics): the server, a device's bundle import and the tests all get them.
        let plan = check(req, who, school, &book, st)?;
        let mut audit = Vec::new();
        if !plan.apply.is_empty() {
            audit = st.accept(
                &plan,
                Origin {
                    user: uuid(who.user.as_bytes()),
                    device: who.device.0,
                    via,
                    at: now(),
                },
            )?;
        }
        Ok((respond(req, who, school, st, self.budget), audit))
    }
}

impl SchoolServer {
    /// Imports a USB bundle: the signature is verified with the enrolment key of the device
    /// that made it, then its request passes the same gate as that device's sync. A bundle of
    /// a revoked device or user is kept in quarantine.
    pub fn import_bundle(&self, file: &[u8], via: &str) -> Result<BundleSummary> {
        use zhurnal_sync::bundle;
        let bundle_error = |e: bundle::BundleError| refuse(e.code(), e.to_string());
        let sealed = bundle::open(file).map_err(bundle_error)?;
        let (device, user) = {
            let mut st = self.storage();
            let device = st.device(sealed.device().0)?.ok_or_else(|| {
                refuse(
                    ErrorCode::ForeignActor,
                    "пакет сделан устройством, которое не входило на этот сервер",
                )
            })?;
            let user = st.user(device.user)?.ok_or_else(|| {
                refuse(
                    ErrorCode::ForeignActor,
                    "владельца устройства нет на сервере",
                )
            })?;
            (device, user)
        };
        let key: [u8; 32] = device.public_key.as_slice().try_into().map_err(|_| {
            refuse(
                ErrorCode::ForeignActor,
                "у устройства нет ключа для подписи пакетов",
            )
        })?;
        let b = sealed.verify(&key).map_err(bundle_error)?;
        if uuid(b.user.as_bytes()) != user.id || user.kind != UserKind::Staff {
            return Err(refuse(
                ErrorCode::ForeignActor,
                "пакет подписан устройством другого пользователя",
            ));
        }
        if device.revoked_at.is_some() || user.revoked_at.is_some() {
            self.storage().quarantine(
                Some(user.id),
                Some(device.id),
                ErrorCode::RevokedDevice.as_str(),
                file,
                now(),
            )?;
            return Err(refuse(
                ErrorCode::RevokedDevice,
                "устройство или учётная запись отключены администратором; пакет сохранён, но не принят",
            ));
        }
        let who = Principal {
            user: b.user,
            device: DeviceId(device.id),
        };
        let (_, audit) = self.apply_audited(&b.request, &who, via)?;
        let documents: BTreeSet<&str> = audit.iter().map(|a| a.doc.as_str()).collect();
        Ok(BundleSummary {
            documents: documents.len(),
            changes: audit.len(),
        })
    }

    /// `POST /api/v1/bundle`: only a staff member with the admin or deputy role carries
    /// bundles in.
    pub fn bundle(&self, token: Option<&str>, file: &[u8]) -> Result<BundleSummary> {
        let s = self.active(token, None, false)?;
        let school = self.storage().school()?;
        let allowed = s.user.kind == UserKind::Staff
            && school
                .staff_member(staff_id(s.user.id))
                .is_some_and(|m| m.roles.contains(&Role::Admin) || m.roles.contains(&Role::Deputy));
        if !allowed {
            return Err(refuse(
                ErrorCode::NoAccess,
                "пакеты с флешки принимают администратор или заместитель директора",
            ));
        }
        self.import_bundle(file, "bundle")
    }

    // -----------------------------------------------------------------------------------------
    // What parents and students see

    fn student_name(
        st: &mut dyn Storage,
        year: i32,
        class: ClassId,
        id: StudentId,
    ) -> Option<String> {
        let doc = st.doc(DocId::roster(year, class))?;
        roster::students(doc)
            .ok()?
            .into_iter()
            .find(|s| s.id == id)
            .map(|s| s.name.full())
    }

    /// `GET /api/v1/children`.
    pub fn children(&self, token: Option<&str>) -> Result<Vec<Child>> {
        let s = self.active(token, None, false)?;
        let mut st = self.storage();
        let school = st.school()?;
        let year = Self::year(&mut **st).unwrap_or_default();
        let mut out = Vec::new();
        for (student, class) in &s.user.students {
            let class_id = ClassId(*class);
            let name = Self::student_name(&mut **st, year, class_id, StudentId(*student))
                .unwrap_or_default();
            out.push(Child {
                id: *student,
                name,
                class: school.class(class_id).map(|c| c.name()).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// `GET /api/v1/children/{id}/marks?period=Q1`: one child's marks by subject, absences and
    /// period marks. Another child: `403 no_access`.
    pub fn child_marks(
        &self,
        token: Option<&str>,
        child: Uuid,
        period: Option<&str>,
    ) -> Result<ChildView> {
        let s = self.active(token, None, false)?;
        let Some(&(_, class)) = s.user.students.iter().find(|(st, _)| *st == child) else {
            return Err(refuse(
                ErrorCode::NoAccess,
                "это не ваш ребёнок: сведения о других учениках недоступны",
            ));
        };
        let mut st = self.storage();
        let school = st.school()?;
        let year = Self::year(&mut **st).unwrap_or_default();
        let class_id = ClassId(class);
        let cls = school
            .class(class_id)
            .ok_or_else(|| bad_request("класс ученика не найден в школе"))?;
        let scheme = PeriodScheme::for_grade(cls.grade);
        let code: PeriodCode = match period {
            None | Some("") => PeriodCode::Year,
            Some(p) => p.parse().map_err(bad_request)?,
        };
        if code != PeriodCode::Year && !scheme.periods().contains(&code) {
            let list: Vec<&str> = scheme.periods().iter().map(|p| p.as_str()).collect();
            return Err(bad_request(format!(
                "в {} классе нет периода {code}: есть {} и year",
                cls.grade,
                list.join(", ")
            )));
        }
        let (from, to) = school
            .calendar
            .bounds(code)
            .ok_or_else(|| bad_request(format!("в календаре школы нет периода {code}")))?;
        let student = StudentId(child);
        let name = Self::student_name(&mut **st, year, class_id, student).unwrap_or_default();
        let mut subjects = Vec::new();
        let mut class_subjects: Vec<_> = cls.subjects.iter().collect();
        class_subjects.sort_by_key(|cs| {
            school
                .subject(cs.subject)
                .map(|s| (s.order, s.name.clone()))
        });
        for cs in class_subjects {
            let Some(subject) = school.subject(cs.subject) else {
                continue;
            };
            let mut view = SubjectView {
                subject: subject.name.clone(),
                marks: Vec::new(),
                absences: Vec::new(),
                period_mark: None,
            };
            if let Some(doc) = st.doc(DocId::journal(year, class_id, cs.subject)) {
                for lesson in journal::lessons(doc).map_err(|e| bad_request(e.to_string()))? {
                    if lesson.date < from || lesson.date > to {
                        continue;
                    }
                    if let Some(m) = lesson.marks.get(&student) {
                        view.marks.push(Dated {
                            date: lesson.date,
                            value: m.to_string(),
                        });
                    }
                    if let Some(a) = lesson.attendance.get(&student) {
                        view.absences.push(Dated {
                            date: lesson.date,
                            value: a.to_string(),
                        });
                    }
                }
                let want = match code {
                    PeriodCode::Year => zhurnal_domain::FinalKind::Year,
                    p => zhurnal_domain::FinalKind::Period(p),
                };
                view.period_mark = journal::finals(doc)
                    .map_err(|e| bad_request(e.to_string()))?
                    .into_iter()
                    .find(|f| f.student == student && f.kind == want)
                    .map(|f| f.value.to_string());
            }
            subjects.push(view);
        }
        Ok(ChildView {
            student: Child {
                id: child,
                name,
                class: cls.name(),
            },
            period: code.as_str().to_string(),
            period_title: code.title_ru().to_string(),
            from,
            to,
            subjects,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Administration

    /// Refuses everyone but a staff member with the admin role.
    pub fn admin(&self, token: Option<&str>) -> Result<Session> {
        let s = self.active(token, None, false)?;
        let school = self.storage().school()?;
        let is_admin = s.user.kind == UserKind::Staff
            && school
                .staff_member(staff_id(s.user.id))
                .is_some_and(|m| m.roles.contains(&Role::Admin));
        if !is_admin {
            return Err(refuse(
                ErrorCode::NoAccess,
                "это может только администратор школы",
            ));
        }
        Ok(s)
    }

    /// Finds a student in the class lists: `(name, class)`.
    fn find_student(
        st: &mut dyn Storage,
        school: &School,
        id: StudentId,
    ) -> Option<(String, ClassId)> {
        let year = Self::year(st)?;
        school
            .classes
            .iter()
            .find_map(|c| Self::student_name(st, year, c.id, id).map(|n| (n, c.id)))
    }

    /// Creates an account. Returns it and the one-time password made for it, if any.
    pub fn add_account(&self, acc: &NewAccount) -> Result<(UserInfo, Option<String>)> {
        check_login(&acc.login)?;
        if let Some(p) = &acc.password {
            accounts::check_new_password(p).map_err(bad_request)?;
        }
        let (id, kind, name, students) = {
            let mut st = self.storage();
            let school = st.school()?;
            match &acc.person {
                Person::Staff(s) => {
                    let m = school
                        .staff_member(*s)
                        .ok_or_else(|| bad_request("такого сотрудника нет в школе"))?;
                    (uuid(s.as_bytes()), UserKind::Staff, m.name.full(), vec![])
                }
                Person::Student(s) => {
                    let (name, class) = Self::find_student(&mut **st, &school, *s)
                        .ok_or_else(|| bad_request("такого ученика нет ни в одном классе"))?;
                    (s.0, UserKind::Student, name, vec![(s.0, class.0)])
                }
                Person::ParentOf(children) => {
                    if children.is_empty() {
                        return Err(bad_request("укажите ребёнка родителя"));
                    }
                    let mut links = Vec::new();
                    let mut name = String::new();
                    for c in children {
                        let (child, class) = Self::find_student(&mut **st, &school, *c)
                            .ok_or_else(|| bad_request("такого ученика нет ни в одном классе"))?;
                        if name.is_empty() {
                            name = Self::parent_name(&mut **st, class, *c)
                                .unwrap_or_else(|| format!("родитель ученика {child}"));
                        }
                        links.push((c.0, class.0));
                    }
                    (Uuid::new_v4(), UserKind::Parent, name, links)
                }
            }
        };
        let (password, one_time) = match &acc.password {
            Some(p) => (p.clone(), None),
            None => {
                let p = accounts::one_time_password();
                (p.clone(), Some(p))
            }
        };
        let user = User {
            id,
            login: acc.login.clone(),
            kind,
            name,
            password_hash: accounts::hash_password(&password),
            must_change: one_time.is_some(),
            created_at: now(),
            revoked_at: None,
            students,
        };
        let mut st = self.storage();
        if !st.add_user(&user)? {
            return Err(bad_request(format!(
                "логин «{}» уже занят, или у этого человека уже есть учётная запись",
                acc.login
            )));
        }
        let school = st.school()?;
        Ok((Self::info(&school, &user, None), one_time))
    }

    fn parent_name(st: &mut dyn Storage, class: ClassId, child: StudentId) -> Option<String> {
        let year = Self::year(st)?;
        let doc = st.doc(DocId::personal(year, class))?;
        let data = personal::personal(doc).ok()?;
        data.get(&child)?
            .parents
            .first()
            .map(|p| p.name.full())
            .filter(|n| !n.is_empty())
    }

    /// Every account, with whether it is revoked.
    pub fn users(&self) -> Result<Vec<UserInfo>> {
        let mut st = self.storage();
        let school = st.school()?;
        Ok(st
            .users()?
            .iter()
            .map(|u| UserInfo {
                revoked: Some(u.revoked_at.is_some()),
                ..Self::info(&school, u, None)
            })
            .collect())
    }

    /// Revokes an account: its devices' requests are refused and quarantined from now on.
    pub fn revoke_user(&self, login: &str) -> Result<()> {
        let mut st = self.storage();
        let user = st
            .user_by_login(login)?
            .ok_or_else(|| bad_request(format!("пользователя «{login}» нет")))?;
        st.revoke_user(user.id, now())?;
        Ok(())
    }

    /// Revokes one device.
    pub fn revoke_device(&self, id: Uuid) -> Result<()> {
        if !self.storage().revoke_device(id, now())? {
            return Err(bad_request(format!("устройства {id} нет")));
        }
        Ok(())
    }

    /// Every device with its user's login.
    pub fn devices(&self) -> Result<Vec<DeviceInfo>> {
        let mut st = self.storage();
        let logins: BTreeMap<Uuid, String> =
            st.users()?.into_iter().map(|u| (u.id, u.login)).collect();
        Ok(st
            .devices()?
            .into_iter()
            .map(|d| DeviceInfo {
                id: d.id,
                login: logins.get(&d.user).cloned().unwrap_or_default(),
                name: d.name,
                created_at: rfc3339(d.created_at),
                last_seen: d.last_seen.map(rfc3339),
                revoked: d.revoked_at.is_some(),
            })
            .collect())
    }

    /// The quarantine, oldest first (bodies as sizes).
    pub fn quarantine(&self) -> Result<Vec<QuarantineInfo>> {
        let mut st = self.storage();
        let logins: BTreeMap<Uuid, String> =
            st.users()?.into_iter().map(|u| (u.id, u.login)).collect();
        Ok(st
            .quarantined()?
            .into_iter()
            .map(|q| QuarantineInfo {
                seq: q.seq,
                login: q.user.and_then(|u| logins.get(&u).cloned()),
                device: q.device,
                received_at: rfc3339(q.received_at),
                reason: q.reason,
                bytes: q.body.len(),
            })
            .collect())
    }

    /// The audit ledger, newest first.
    pub fn audit(&self, doc: Option<&str>, limit: usize) -> Result<Vec<AuditInfo>> {
        let mut st = self.storage();
        let logins: BTreeMap<Uuid, String> =
            st.users()?.into_iter().map(|u| (u.id, u.login)).collect();
        Ok(st
            .audit(doc, None, None, limit)?
            .into_iter()
            .map(|a| AuditInfo {
                seq: a.seq,
                doc: a.doc,
                hash: hex::encode(a.hash),
                actor: hex::encode(&a.actor),
                user: a.user,
                login: logins.get(&a.user).cloned(),
                device: a.device,
                received_at: rfc3339(a.received_at),
                via: a.via,
            })
            .collect())
    }

    /// The first admin of the school: the author of a revert made from the command line.
    pub fn first_admin(&self) -> Result<StaffId> {
        let school = self.storage().school()?;
        school
            .staff
            .iter()
            .find(|s| s.roles.contains(&Role::Admin))
            .map(|s| s.id)
            .ok_or_else(|| bad_request("в школе нет администратора"))
    }

    /// Puts back every cell `login` wrote (changes the server received from him at or after
    /// `since`) with one compensating change per document, written by `admin`, in one
    /// transaction with its audit rows. History is kept.
    pub fn revert(&self, admin: StaffId, login: &str, since: i64) -> Result<RevertSummary> {
        let mut st = self.storage();
        let user = st
            .user_by_login(login)?
            .ok_or_else(|| bad_request(format!("пользователя «{login}» нет")))?;
        let mut bad: BTreeMap<String, BTreeSet<ChangeHash>> = BTreeMap::new();
        for a in st.audit(None, Some(user.id), Some(since), usize::MAX)? {
            bad.entry(a.doc).or_default().insert(ChangeHash(a.hash));
        }
        let actor = ActorId::random();
        let time = now();
        let mut plan = Plan::default();
        let mut summary = RevertSummary::default();
        for (doc, hashes) in bad {
            let Ok(id) = doc.parse::<DocId>() else {
                continue;
            };
            let Some(d) = st.doc(id) else { continue };
            let fix = revert::compensate(
                d,
                &hashes,
                admin.as_bytes(),
                actor.clone(),
                time,
                &format!("отмена записей {login} после {}", rfc3339(since)),
            )
            .map_err(|e| ServerError::Storage(crate::storage::StorageError(e.to_string())))?;
            if let Some(fix) = fix {
                summary.documents += 1;
                summary.cells += fix.cells;
                plan.apply.push((id, vec![fix.change]));
            }
        }
        if plan.apply.is_empty() {
            return Ok(summary);
        }
        plan.bind.push((actor, admin, DeviceId(SERVER_DEVICE)));
        st.accept(
            &plan,
            Origin {
                user: uuid(admin.as_bytes()),
                device: SERVER_DEVICE,
                via: "revert",
                at: time,
            },
        )?;
        Ok(summary)
    }

    /// Creates or resets an account with a one-time password for every student of a class on
    /// the roll and one parent of each; returns the credentials for the slips.
    pub fn slips(
        &self,
        class_name: &str,
    ) -> Result<(String, Vec<zhurnal_domain::login::Credential>)> {
        let (school, year) = {
            let mut st = self.storage();
            (st.school()?, Self::year(&mut **st).unwrap_or_default())
        };
        let class = school.class_by_name(class_name).ok_or_else(|| {
            let names: Vec<String> = school.classes.iter().map(|c| c.name()).collect();
            bad_request(format!(
                "класса «{class_name}» нет. Есть классы: {}",
                names.join(", ")
            ))
        })?;
        let students = {
            let mut st = self.storage();
            let doc = st
                .doc(DocId::roster(year, class.id))
                .ok_or_else(|| bad_request(format!("у класса {} нет списка", class.name())))?;
            roster::students(doc).map_err(|e| bad_request(e.to_string()))?
        };
        let users = self.storage().users()?;
        let mut taken: BTreeSet<String> = users.iter().map(|u| u.login.clone()).collect();
        let mut out = Vec::new();
        for s in students.iter().filter(|s| s.left().is_none()) {
            // The student.
            let existing = users.iter().find(|u| u.id == s.id.0);
            let (login, password) = match existing {
                Some(u) => (u.login.clone(), self.reset(u.id)?),
                None => {
                    let login = zhurnal_domain::login::login_for(&s.name, &taken);
                    let (_, p) = self.add_account(&NewAccount {
                        login: login.clone(),
                        password: None,
                        person: Person::Student(s.id),
                    })?;
                    (login, p.unwrap_or_default())
                }
            };
            taken.insert(login.clone());
            out.push(zhurnal_domain::login::Credential {
                name: s.name.full(),
                role: "ученик".into(),
                login,
                password,
            });
            // A parent.
            let existing = users.iter().find(|u| {
                u.kind == UserKind::Parent && u.students.iter().any(|(c, _)| *c == s.id.0)
            });
            let (login, name, password) = match existing {
                Some(u) => (u.login.clone(), u.name.clone(), self.reset(u.id)?),
                None => {
                    let parent = {
                        let mut st = self.storage();
                        Self::parent_name(&mut **st, class.id, s.id)
                    };
                    let base = match &parent {
                        Some(p) => zhurnal_domain::PersonName {
                            last: p.split_whitespace().next().unwrap_or_default().into(),
                            first: p.split_whitespace().nth(1).unwrap_or_default().into(),
                            middle: String::new(),
                        },
                        None => s.name.clone(),
                    };
                    let mut login = zhurnal_domain::login::login_for(&base, &taken);
                    if parent.is_none() {
                        login = format!("{login}.rod");
                    }
                    let (info, p) = self.add_account(&NewAccount {
                        login: login.clone(),
                        password: None,
                        person: Person::ParentOf(vec![s.id]),
                    })?;
                    (login, info.name, p.unwrap_or_default())
                }
            };
            taken.insert(login.clone());
            out.push(zhurnal_domain::login::Credential {
                name,
                role: format!("родитель ученика {}", s.name.full()),
                login,
                password,
            });
        }
        Ok((class.name(), out))
    }

    /// A new one-time password for an account (lifting a revocation).
    fn reset(&self, id: Uuid) -> Result<String> {
        let p = accounts::one_time_password();
        self.storage()
            .set_password(id, &accounts::hash_password(&p), true, true)?;
        Ok(p)
    }

    /// A staff member named `name` («Фамилия Имя Отчество» or «Фамилия Имя»).
    pub fn staff_named(&self, name: &str) -> Result<StaffId> {
        let school = self.storage().school()?;
        school
            .staff
            .iter()
            .find(|s| s.name.matches(name))
            .map(|s| s.id)
            .ok_or_else(|| bad_request(format!("сотрудника «{name}» нет в школе")))
    }

    /// A student of a class named `name`.
    pub fn student_named(&self, class: &str, name: &str) -> Result<StudentId> {
        let mut st = self.storage();
        let school = st.school()?;
        let year = Self::year(&mut **st).unwrap_or_default();
        let cls = school.class_by_name(class).ok_or_else(|| {
            let names: Vec<String> = school.classes.iter().map(|c| c.name()).collect();
            bad_request(format!(
                "класса «{class}» нет. Есть классы: {}",
                names.join(", ")
            ))
        })?;
        let doc = st
            .doc(DocId::roster(year, cls.id))
            .ok_or_else(|| bad_request(format!("у класса {class} нет списка")))?;
        roster::students(doc)
            .map_err(|e| bad_request(e.to_string()))?
            .into_iter()
            .find(|s| s.name.matches(name))
            .map(|s| s.id)
            .ok_or_else(|| bad_request(format!("в {class} нет ученика «{name}»")))
    }

    /// The school's name (for documents).
    pub fn school_name(&self) -> Result<String> {
        Ok(self.storage().school()?.name)
    }
}

/// A device as the admin sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub id: Uuid,
    pub login: String,
    pub name: String,
    pub created_at: String,
    pub last_seen: Option<String>,
    pub revoked: bool,
}

/// A quarantined request as the admin sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineInfo {
    pub seq: i64,
    pub login: Option<String>,
    pub device: Option<Uuid>,
    pub received_at: String,
    pub reason: String,
    pub bytes: usize,
}

/// An audit row as the admin sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditInfo {
    pub seq: i64,
    pub doc: String,
    pub hash: String,
    pub actor: String,
    pub user: Uuid,
    pub login: Option<String>,
    pub device: Uuid,
    pub received_at: String,
    pub via: String,
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

/// Names the user and the device (their ids, never a login, name or token) in the request's
/// log line, once the request is known to come from them.
fn record_who(user: Uuid, device: Uuid) {
    let span = tracing::Span::current();
    span.record("user", tracing::field::display(user));
    span.record("device", tracing::field::display(device));
}
