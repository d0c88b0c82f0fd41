//! The journal page: the grid, its cells and period marks, lessons, attendance, and undo.

use super::*;

/// An edit the profile made in this session, with what it replaced.
#[derive(Clone, Debug)]
pub(super) enum UndoEntry {
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
    pub(super) fn doc(&self) -> DocId {
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

impl App {
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

    pub(super) fn writable(&mut self, class_id: &str, subject_id: &str) -> AppResult<JournalCtx> {
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
    pub(super) fn period_of(ctx: &JournalCtx, date: NaiveDate) -> Period {
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
    pub(super) fn lesson_now(&mut self, ctx: &JournalCtx, id: LessonId) -> AppResult<LessonView> {
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
    pub(super) fn figures(
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
        let parsed = CellInput::parse(input).map_err(|e| invalid(e.to_string()))?;
        let before = UndoEntry::Cell {
            doc: ctx.doc,
            lesson: lid,
            student: student.id,
            marks: lesson.marks.get(&student.id).cloned().unwrap_or_default(),
            attendance: lesson.attendance.get(&student.id).copied(),
        };
        self.write_cell(&ctx, who, lid, &student, parsed.marks, parsed.attendance)?;
        self.undo.push(before);
        self.cell_result(&ctx, lid, &student)
    }

    /// The whole cell (marks and attendance) through the one write path of a cell,
    /// [`Zhurnal::write_cell`], which checks the roll and the subgroup.
    fn write_cell(
        &mut self,
        ctx: &JournalCtx,
        who: StaffId,
        lesson: LessonId,
        student: &Student,
        marks: Marks,
        attendance: Option<Attendance>,
    ) -> AppResult<()> {
        self.z()?.write_cell(&crate::CellWrite {
            doc: ctx.doc,
            lesson,
            student,
            marks: Some(marks),
            attendance: Some(attendance),
            author: who,
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
                if let Err(e) = self.write_cell(&ctx, who, lesson, &s, marks, attendance) {
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
    pub(super) fn add_lesson_numbered(
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
}
