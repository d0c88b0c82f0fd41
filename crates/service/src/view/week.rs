//! The teacher's week: the lessons of the timetable and of the journals, day by day, for the
//! journal list's «Сегодня» and its week view, and the one step from a timetable slot to its
//! lesson in the journal («урок сегодня»).
//!
//! A day's lessons are the journal's lessons of that day (whatever their number) and the
//! timetable's slots of the teacher's subjects that have no lesson in the journal yet, on school
//! days only (no holidays, no Sundays, Saturdays where the school works them).

use super::*;

/// One lesson of the teacher's day: in the journal already, or only in the timetable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct WeekLesson {
    /// ISO date.
    pub date: String,
    /// Lesson number in the day.
    pub number: u8,
    /// The journal it is written in.
    pub journal: JournalRef,
    /// The period of the journal its date is in (the year, outside every period).
    pub period: Period,
    /// The lesson's id in the journal; `None` while it is only in the timetable.
    pub lesson: Option<String>,
    pub topic: String,
    /// The timetable has this lesson (false: added by hand outside the timetable).
    pub planned: bool,
    pub attendance_taken: bool,
    /// Marks given at the lesson.
    pub marks: u32,
}

/// One day of the week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct WeekDay {
    /// ISO date.
    pub date: String,
    /// «понедельник».
    pub weekday: String,
    /// The holidays it falls in («Осенние каникулы»), or why there are no lessons.
    pub day_off: Option<String>,
    pub lessons: Vec<WeekLesson>,
}

/// The teacher's week, Monday to Friday (to Saturday in a six-day school).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct WeekView {
    /// The day the app treats as today (kept inside the school year), ISO.
    pub today: String,
    /// The Monday of the week shown, ISO.
    pub monday: String,
    /// Mondays of the weeks before and after, while they are in the school year.
    pub previous: Option<String>,
    pub next: Option<String>,
    pub days: Vec<WeekDay>,
}

const WEEKDAYS: [&str; 7] = [
    "понедельник",
    "вторник",
    "среда",
    "четверг",
    "пятница",
    "суббота",
    "воскресенье",
];

/// The journals the profile itself teaches (its subjects and its subgroups), not the ones it
/// may only read or, as an administrator, may write without teaching.
fn taught(class: &Class, who: StaffId) -> Vec<(&zhurnal_domain::ClassSubject, Option<u8>)> {
    let mut out = Vec::new();
    for cs in &class.subjects {
        if cs.subgroup_teachers.is_empty() {
            if cs.teacher == who {
                out.push((cs, None));
            }
        } else {
            for (i, t) in cs.subgroup_teachers.iter().enumerate() {
                if *t == who {
                    out.push((cs, Some(i as u8 + 1)));
                }
            }
        }
    }
    out
}

impl App {
    /// The week of `date` (ISO; today when `None`) with the profile's lessons, day by day.
    pub fn week(&mut self, date: Option<&str>) -> AppResult<WeekView> {
        let who = self.who()?;
        let school = self.school()?;
        let today = school_today(&school);
        let day = match date {
            Some(d) => parse_date(d)?,
            None => today,
        };
        let monday = day - chrono::Duration::days(day.weekday().num_days_from_monday() as i64);
        let days_shown = if school.settings.saturday { 6 } else { 5 };
        let last = monday + chrono::Duration::days(days_shown - 1);
        let (year_start, year_end) = school
            .calendar
            .bounds(PeriodCode::Year)
            .unwrap_or((monday, last));
        let journals = self.my_journals()?;
        let year = self.z()?.year();
        let mut days: Vec<WeekDay> = (0..days_shown)
            .map(|i| {
                let d = monday + chrono::Duration::days(i);
                let day_off = if d < year_start || d > year_end {
                    Some("Вне учебного года".to_string())
                } else {
                    school
                        .calendar
                        .holidays
                        .iter()
                        .find(|h| h.start <= d && d <= h.end)
                        .map(|h| h.name.clone())
                        .or_else(|| {
                            (!school.calendar.is_school_day(d, school.settings.saturday))
                                .then(|| "Нет уроков".to_string())
                        })
                };
                WeekDay {
                    date: iso(d),
                    weekday: WEEKDAYS[d.weekday().num_days_from_monday() as usize].into(),
                    day_off,
                    lessons: Vec::new(),
                }
            })
            .collect();
        for class in &school.classes {
            for (cs, group) in taught(class, who) {
                let Some(journal) = journals.iter().find(|j| {
                    j.access == Access::Write
                        && j.class_id == class.id.to_string()
                        && j.subject_id == cs.subject.to_string()
                        && j.subgroup == group
                }) else {
                    continue;
                };
                let doc = DocId::journal(year, class.id, cs.subject);
                let rows = self.z()?.store().lessons_between(doc, monday, last)?;
                let scheme = PeriodScheme::for_grade(class.grade);
                for (i, wd) in days.iter_mut().enumerate() {
                    let d = monday + chrono::Duration::days(i as i64);
                    let period = Period::of(
                        school
                            .calendar
                            .period_of(scheme, d)
                            .unwrap_or(PeriodCode::Year),
                    );
                    let slots: Vec<u8> = if wd.day_off.is_some() {
                        Vec::new()
                    } else {
                        class
                            .timetable
                            .iter()
                            .filter(|s| {
                                s.weekday as u32 == d.weekday().number_from_monday()
                                    && s.subject == cs.subject
                                    && (s.subgroup.is_none() || s.subgroup == group)
                            })
                            .map(|s| s.number)
                            .collect()
                    };
                    let written: Vec<_> = rows
                        .iter()
                        .filter(|r| r.date == d)
                        .filter(|r| group.is_none() || r.subgroup.is_none() || r.subgroup == group)
                        .collect();
                    for r in &written {
                        wd.lessons.push(WeekLesson {
                            date: iso(d),
                            number: r.number,
                            journal: journal.clone(),
                            period,
                            lesson: Some(r.lesson.to_string()),
                            topic: r.topic.clone(),
                            planned: slots.contains(&r.number),
                            attendance_taken: r.attendance_taken,
                            marks: r.marks,
                        });
                    }
                    for n in slots {
                        if !written.iter().any(|r| r.number == n) {
                            wd.lessons.push(WeekLesson {
                                date: iso(d),
                                number: n,
                                journal: journal.clone(),
                                period,
                                lesson: None,
                                topic: String::new(),
                                planned: true,
                                attendance_taken: false,
                                marks: 0,
                            });
                        }
                    }
                }
            }
        }
        for d in &mut days {
            d.lessons.sort_by(|a, b| {
                (
                    a.number,
                    &a.journal.class_name,
                    &a.journal.subject_name,
                    a.journal.subgroup,
                )
                    .cmp(&(
                        b.number,
                        &b.journal.class_name,
                        &b.journal.subject_name,
                        b.journal.subgroup,
                    ))
            });
        }
        let week = chrono::Duration::days(7);
        Ok(WeekView {
            today: iso(today),
            monday: iso(monday),
            previous: (monday - chrono::Duration::days(1) >= year_start)
                .then(|| iso(monday - week)),
            next: (monday + week <= year_end).then(|| iso(monday + week)),
            days,
        })
    }

    /// The lesson of a timetable slot: the journal's lesson of that date and number (and
    /// subgroup), added with them if it is not there yet. Asked twice, it gives the same lesson.
    pub fn open_lesson(
        &mut self,
        class_id: &str,
        subject_id: &str,
        subgroup: Option<u8>,
        date: &str,
        number: u8,
    ) -> AppResult<LessonView> {
        let ctx = self.writable(class_id, subject_id)?;
        let day = parse_date(date)?;
        if !(1..=12).contains(&number) {
            return Err(invalid(format!("урока № {number} в расписании не бывает")));
        }
        let existing = self
            .z()?
            .store()
            .lessons_on(ctx.doc, day)?
            .into_iter()
            .find(|(_, n, g)| *n == number && *g == subgroup);
        if let Some((id, _, _)) = existing {
            return self.lesson_now(&ctx, id);
        }
        self.add_lesson_numbered(ctx, subgroup, day, Some(number))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ids, school};
    use super::*;

    #[test]
    fn a_week_has_the_timetable_and_the_journal_and_a_slot_opens_its_lesson_once() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        // The demo's last school day (the app keeps «today» inside the school year).
        let week = app.week(None).unwrap();
        assert_eq!(week.today, "2026-05-26");
        assert_eq!(week.monday, "2026-05-25");
        assert!(week.next.is_none(), "no week after the year's last one");
        assert_eq!(week.previous.as_deref(), Some("2026-05-18"));
        assert_eq!(week.days.len(), 5);
        let last_day = week.days.iter().find(|d| d.date == week.today).unwrap();
        assert!(last_day.day_off.is_none());
        // Only the journals she teaches; the demo writes the timetable's lessons.
        let lessons: Vec<&WeekLesson> = week.days.iter().flat_map(|d| &d.lessons).collect();
        assert!(!lessons.is_empty());
        for l in &lessons {
            assert_eq!(l.journal.access, Access::Write, "{l:?}");
            assert!(l.planned && l.lesson.is_some(), "{l:?}");
        }
        assert!(lessons.iter().any(|l| l.journal.subject_id == ids.algebra));
        assert!(lessons.iter().all(|l| l.period == Period::Q4));

        // A week of the autumn holidays: days off, nothing planned.
        let holidays = app.week(Some("2025-10-29")).unwrap();
        assert_eq!(holidays.monday, "2025-10-27");
        assert!(holidays
            .days
            .iter()
            .all(|d| d.day_off.as_deref() == Some("Осенние каникулы") && d.lessons.is_empty()));
        assert!(holidays.previous.is_some() && holidays.next.is_some());

        // After the year (the real today of a past demo): no lessons, said so.
        let after = app.week(Some("2026-06-03")).unwrap();
        assert!(after
            .days
            .iter()
            .all(|d| d.day_off.as_deref() == Some("Вне учебного года") && d.lessons.is_empty()));

        // A slot whose lesson was moved to another day shows as planned, with no lesson; opening
        // it writes one lesson with the slot's number, and opening it again finds that one.
        let slot = (*lessons
            .iter()
            .find(|l| l.journal.subject_id == ids.algebra)
            .unwrap())
        .clone();
        let j = slot.journal.clone();
        let moved_to = if slot.date == "2026-05-25" {
            "2026-05-26"
        } else {
            "2026-05-25"
        };
        app.save_lesson(
            &j.class_id,
            &j.subject_id,
            slot.lesson.as_deref().unwrap(),
            &LessonEdit {
                date: moved_to.into(),
                topic: "Перенесён".into(),
                homework: String::new(),
            },
        )
        .unwrap();
        let find = |w: &WeekView| -> Vec<WeekLesson> {
            w.days
                .iter()
                .filter(|d| d.date == slot.date)
                .flat_map(|d| d.lessons.clone())
                .filter(|l| l.journal == j && l.number == slot.number)
                .collect()
        };
        let again = app.week(Some(&slot.date)).unwrap();
        let planned = find(&again);
        assert_eq!(planned.len(), 1);
        assert_eq!(planned[0].lesson, None, "{planned:?}");
        assert!(planned[0].planned);
        let moved = again.days.iter().find(|d| d.date == moved_to).unwrap();
        assert!(
            moved.lessons.iter().any(|l| l.topic == "Перенесён"),
            "{moved:?}"
        );

        let opened = app
            .open_lesson(
                &j.class_id,
                &j.subject_id,
                j.subgroup,
                &slot.date,
                slot.number,
            )
            .unwrap();
        assert_eq!(
            (opened.date.as_str(), opened.number),
            (slot.date.as_str(), slot.number)
        );
        let twice = app
            .open_lesson(
                &j.class_id,
                &j.subject_id,
                j.subgroup,
                &slot.date,
                slot.number,
            )
            .unwrap();
        assert_eq!(twice.id, opened.id, "the same slot opens the same lesson");
        let now = find(&app.week(Some(&slot.date)).unwrap());
        assert_eq!(now.len(), 1);
        assert_eq!(now[0].lesson.as_deref(), Some(opened.id.as_str()));

        // Bad input changes nothing; a journal she does not teach cannot be opened from here.
        let e = app
            .open_lesson(&j.class_id, &j.subject_id, j.subgroup, &slot.date, 0)
            .unwrap_err();
        assert_eq!(e.code, code::INVALID);
        let e = app
            .open_lesson(&ids.class, &ids.other_subject, None, &slot.date, 1)
            .unwrap_err();
        assert!(
            e.code == code::READ_ONLY || e.code == code::NO_ACCESS,
            "{e:?}"
        );
        assert_eq!(find(&app.week(Some(&slot.date)).unwrap()).len(), 1);
    }
}
