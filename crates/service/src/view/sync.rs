//! The sync page: what is not yet on the server, and conflicts to settle.

use super::*;

impl App {
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
}
