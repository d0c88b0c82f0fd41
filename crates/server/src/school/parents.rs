//! The parents' and students' view: the children of an account and their marks.

use super::*;

impl SchoolServer {
    pub(super) fn student_name(
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
}
