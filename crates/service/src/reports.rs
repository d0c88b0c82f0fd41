//! Paper documents from the journal: the data of a class gathered from the store and handed
//! to `zhurnal-reports`.

use crate::{Result, ServiceError, Zhurnal};
use std::path::Path;
use zhurnal_domain::{PeriodCode, PeriodScheme};
use zhurnal_journal::{journal, DocId};
use zhurnal_reports::class_results::{self, ClassReportInput};
use zhurnal_reports::{ClassJournal, SubjectJournal, Templates};

/// The school's templates: the built-in ones, with a school's folder over them if given.
pub fn templates(overrides: Option<&Path>) -> Result<Templates> {
    Ok(match overrides {
        Some(dir) => Templates::with_overrides(dir)?,
        None => Templates::builtin()?,
    })
}

impl Zhurnal {
    /// Checks that a period is one the class is marked by (quarters in grades 2–9, half-years
    /// in 10–11, or the year).
    pub fn check_period(&mut self, class_name: &str, period: PeriodCode) -> Result<()> {
        let class = self.class(class_name)?;
        let scheme = PeriodScheme::for_grade(class.grade);
        if period != PeriodCode::Year && !scheme.periods().contains(&period) {
            let allowed: Vec<String> = scheme.periods().iter().map(|p| p.to_string()).collect();
            return Err(ServiceError::Invalid(format!(
                "класс {} аттестуется {}: укажите период {} или year",
                class.name(),
                if scheme == PeriodScheme::Quarters {
                    "по четвертям"
                } else {
                    "по полугодиям"
                },
                allowed.join(", ")
            )));
        }
        Ok(())
    }

    /// The whole year of a class, as every class document takes it.
    pub fn class_journal(&mut self, class_name: &str) -> Result<ClassJournal> {
        let school = self.school()?;
        let class = self.class(class_name)?;
        let students = self.students(&class)?;
        let year = self.year();
        let name = |id| {
            school
                .staff_member(id)
                .map(|s| s.name.full())
                .unwrap_or_default()
        };
        let mut subjects = Vec::new();
        for s in &school.subjects {
            let Some(taught) = class.teaches(s.id) else {
                continue;
            };
            let doc = self.store().doc(DocId::journal(year, class.id, s.id))?;
            subjects.push(SubjectJournal {
                subject: s.clone(),
                teacher: name(taught.teacher),
                lessons: journal::lessons(doc)?,
                finals: journal::finals(doc)?,
            });
        }
        Ok(ClassJournal {
            school: school.name.clone(),
            director: school.director.full(),
            year: school.calendar.label(),
            calendar: school.calendar.clone(),
            settings: school.settings.clone(),
            class_teacher: class.class_teacher.map(name).unwrap_or_default(),
            class,
            students,
            subjects,
            staff: school.staff.iter().map(|s| (s.id, s.name.full())).collect(),
        })
    }

    /// The values the class results report is made from.
    pub fn class_report_input(
        &mut self,
        class_name: &str,
        period: PeriodCode,
    ) -> Result<ClassReportInput> {
        self.check_period(class_name, period)?;
        let school = self.school()?;
        let class = self.class(class_name)?;
        let students = self.students(&class)?;
        let year = self.year();
        let mut subjects = Vec::new();
        for s in &school.subjects {
            if class.teaches(s.id).is_none() {
                continue;
            }
            let doc = self.store().doc(DocId::journal(year, class.id, s.id))?;
            subjects.push((s.clone(), journal::finals(doc)?));
        }
        Ok(ClassReportInput {
            school: school.name.clone(),
            year: school.calendar.label(),
            class_name: class.name(),
            class_teacher: class
                .class_teacher
                .and_then(|t| school.staff_member(t))
                .map(|t| t.name.full())
                .unwrap_or_default(),
            students,
            subjects,
            period,
        })
    }

    /// «Итоги успеваемости класса за период» as PDF.
    pub fn report_class_results(
        &mut self,
        class_name: &str,
        period: PeriodCode,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let input = self.class_report_input(class_name, period)?;
        Ok(class_results::render_class_results(&input, templates)?)
    }
}

impl Zhurnal {
    /// A parent's extract (выписка) for one student and period, as PDF.
    pub fn report_extract(
        &mut self,
        class_name: &str,
        student: &str,
        period: PeriodCode,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        self.check_period(class_name, period)?;
        let class = self.class(class_name)?;
        let student = self.student(&class, student)?;
        let journal = self.class_journal(class_name)?;
        Ok(zhurnal_reports::parents::render_extract(
            &journal, student.id, period, templates,
        )?)
    }

    /// The quarterly or half-year paper copy of the class journal, as PDF.
    pub fn report_period_copy(
        &mut self,
        class_name: &str,
        period: PeriodCode,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        if period == PeriodCode::Year {
            return Err(ServiceError::Invalid(
                "копия делается за четверть или полугодие; за год — журнал на конец года (year-journal)".into(),
            ));
        }
        self.check_period(class_name, period)?;
        let journal = self.class_journal(class_name)?;
        Ok(zhurnal_reports::journal_copy::render_period_copy(
            &journal, period, templates,
        )?)
    }

    /// The year-end journal, numbered, with the certification sheet counting sheets for the
    /// chosen printing, as PDF.
    pub fn report_year_journal(
        &mut self,
        class_name: &str,
        printing: zhurnal_domain::numerals::Printing,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let journal = self.class_journal(class_name)?;
        Ok(zhurnal_reports::journal_copy::render_year_journal(
            &journal, printing, templates,
        )?)
    }

    /// Сводная ведомость учёта успеваемости: students × subjects × periods and the year.
    pub fn report_marks_summary(
        &mut self,
        class_name: &str,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let j = self.class_journal(class_name)?;
        Ok(zhurnal_reports::class_teacher::render_marks_summary(
            &j, templates,
        )?)
    }

    /// Сводная ведомость учёта посещаемости for a period or the year.
    pub fn report_attendance(
        &mut self,
        class_name: &str,
        period: PeriodCode,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        self.check_period(class_name, period)?;
        let j = self.class_journal(class_name)?;
        Ok(zhurnal_reports::class_teacher::render_attendance_summary(
            &j, period, templates,
        )?)
    }

    /// Attendance of one month, day by day.
    pub fn report_attendance_month(
        &mut self,
        class_name: &str,
        year: i32,
        month: u32,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        if !(1..=12).contains(&month) {
            return Err(ServiceError::Invalid(format!(
                "месяца {month} нет: ожидается ГГГГ-ММ"
            )));
        }
        let j = self.class_journal(class_name)?;
        Ok(zhurnal_reports::class_teacher::render_attendance_month(
            &j, year, month, templates,
        )?)
    }

    /// Сводная ведомость учёта движения учащихся.
    pub fn report_movement(&mut self, class_name: &str, templates: &Templates) -> Result<Vec<u8>> {
        let j = self.class_journal(class_name)?;
        Ok(zhurnal_reports::class_teacher::render_movement(
            &j, templates,
        )?)
    }

    /// Monitoring findings as of `today`.
    pub fn report_monitoring(
        &mut self,
        class_name: &str,
        today: chrono::NaiveDate,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let j = self.class_journal(class_name)?;
        Ok(zhurnal_reports::class_teacher::render_monitoring(
            &j, today, templates,
        )?)
    }

    /// The information letter to the parents of the class (a page per student), as PDF.
    pub fn report_letter(&mut self, class_name: &str, templates: &Templates) -> Result<Vec<u8>> {
        let journal = self.class_journal(class_name)?;
        Ok(zhurnal_reports::parents::render_letter(
            &journal, templates,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhurnal_demo::DemoOptions;

    /// What the generator made, read back through documents and SQLite, is what it made.
    #[test]
    fn the_class_journal_read_from_the_store_is_the_generated_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite3");
        let options = DemoOptions {
            classes: vec![(7, "Б".into())],
            ..DemoOptions::default()
        };
        crate::create_demo(&path, 3, &options).unwrap();
        let demo = zhurnal_demo::generate_with(3, &options);
        let mut z = Zhurnal::open(&path).unwrap();
        let j = z.class_journal("7Б").unwrap();
        let dc = &demo.classes[0];
        assert_eq!(j.students, dc.students);
        assert_eq!(j.subjects.len(), dc.journals.len());
        for sj in &j.subjects {
            let generated = dc
                .journals
                .iter()
                .find(|g| g.subject == sj.subject.id)
                .unwrap();
            let mut want = generated.lessons.clone();
            want.sort_by_key(|l| (l.date, l.number, l.subgroup, l.id));
            assert_eq!(sj.lessons, want, "{}", sj.subject.name);
            let mut finals = generated.finals.clone();
            finals.sort_by_key(|f| (f.kind, f.student));
            assert_eq!(sj.finals, finals, "{}", sj.subject.name);
        }
        assert_eq!(
            j.class_teacher,
            dc.class
                .class_teacher
                .and_then(|t| demo.staff_member(t))
                .unwrap()
                .name
                .full()
        );
    }
}
