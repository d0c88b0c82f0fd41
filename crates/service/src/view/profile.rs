//! The start: the app's state, the demo, who works at this computer, and their journals.

use super::*;

impl App {
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
                        if cs.taught_by(s.id) {
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
}
