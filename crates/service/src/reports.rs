//! Paper documents from the journal: the data of a class gathered from the store and handed
//! to `zhurnal-reports`.

use crate::{Result, ServiceError, Zhurnal};
use std::path::Path;
use zhurnal_domain::{PeriodCode, PeriodScheme};
use zhurnal_journal::{journal, DocId};
use zhurnal_reports::class_results::{self, ClassReportInput};
use zhurnal_reports::Templates;

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
