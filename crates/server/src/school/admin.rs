//! The administrator's operations: accounts, devices, quarantine, audit, revert, credential
//! slips, and finding people by name for the command line.

use super::*;

impl SchoolServer {
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
