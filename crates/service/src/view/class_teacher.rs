//! The class teacher's pages: the class list and its movement, personal data, monitoring.

use super::*;

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
            if let Some(why) = student.off_roll(movement.date) {
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

impl App {
    pub(super) fn class_with(
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
}
