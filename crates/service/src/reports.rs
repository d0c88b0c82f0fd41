//! Paper documents from the journal: the data of a class gathered from the store and handed
//! to `zhurnal-reports`.
//!
//! Every document is made by one function, [`Zhurnal::report`], from a [`ReportRequest`] (what
//! the app sends and what the command line builds from its arguments), reporting progress to a
//! callback; the older `report_*` functions are thin calls of the same path.
//!
//! ```no_run
//! use zhurnal_service::{ReportKind, ReportRequest};
//! let mut z = zhurnal_service::Zhurnal::open(std::path::Path::new("school.sqlite3"))?;
//! let request = ReportRequest {
//!     two_sided: true,
//!     ..ReportRequest::new(ReportKind::YearJournal, "7Б")
//! };
//! let done = z.report(&request, &mut |done, total| eprintln!("{done}/{total}"))?;
//! std::fs::write("zhurnal-7b.pdf", &done.pdf)?;
//! println!("{} pages", done.pages);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::{Result, ServiceError, Zhurnal};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zhurnal_domain::numerals::Printing;
use zhurnal_domain::{PeriodCode, PeriodScheme};
use zhurnal_journal::{journal, DocId};
use zhurnal_reports::class_results::{self, ClassReportInput};
use zhurnal_reports::{
    class_teacher, journal_copy, parents, render_template_markup_metered, ProgressMeter,
};
use zhurnal_reports::{ClassJournal, SubjectJournal, Templates};

pub use zhurnal_reports::Rendered;

/// Which paper document; the names are those of the command line (`year-journal`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// Бумажная копия журнала за четверть или полугодие (`period`).
    PeriodCopy,
    /// Журнал на конец года, с листом заверения (`two_sided`).
    YearJournal,
    /// Итоги успеваемости за период (`period`).
    ClassResults,
    /// Сводная ведомость учёта успеваемости.
    MarksSummary,
    /// Сводная ведомость учёта посещаемости за период или год (`period`).
    Attendance,
    /// Посещаемость за месяц по дням (`month`).
    AttendanceMonth,
    /// Движение учащихся.
    Movement,
    /// Мониторинг на дату (`date`, по умолчанию сегодня).
    Monitoring,
    /// Выписка для родителей (`student`, `period`).
    Extract,
    /// Информационное письмо родителям класса.
    Letter,
}

/// What to print. Fields a kind does not use are ignored; a field it needs and lacks is a
/// clear error (in Russian).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportRequest {
    pub kind: ReportKind,
    /// The class's name, «7Б».
    pub class: String,
    #[serde(default)]
    pub period: Option<PeriodCode>,
    /// The student's name as on the class list («Антонов Георгий»), for the extract.
    #[serde(default)]
    pub student: Option<String>,
    /// Year and month (1–12) of the day-by-day attendance.
    #[serde(default)]
    pub month: Option<(i32, u32)>,
    /// The day the monitoring looks back from; today if not given.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Printing on both sides of the sheet (the year journal's certification counts sheets).
    #[serde(default)]
    pub two_sided: bool,
    /// A school's templates folder over the built-in templates.
    #[serde(default)]
    pub templates: Option<PathBuf>,
}

impl ReportRequest {
    /// A request of `kind` for a class, with nothing else set.
    pub fn new(kind: ReportKind, class: &str) -> Self {
        Self {
            kind,
            class: class.to_string(),
            period: None,
            student: None,
            month: None,
            date: None,
            two_sided: false,
            templates: None,
        }
    }

    fn period(&self) -> Result<PeriodCode> {
        self.period.ok_or_else(|| {
            ServiceError::Invalid("укажите период: Q1–Q4, H1, H2 или year".to_string())
        })
    }
}

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

    /// Makes a paper document: the one path of the command line and the app.
    ///
    /// `progress(done, total)` is called as the work goes on (units are sections of the
    /// document laid out, see [`ProgressMeter`]): `done` only grows, never passes `total`, and
    /// the last call has `done == total`. The callback runs on the caller's thread.
    pub fn report(
        &mut self,
        request: &ReportRequest,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Rendered> {
        let templates = templates(request.templates.as_deref())?;
        self.report_with(request, &templates, progress)
    }

    /// [`Zhurnal::report`] with templates already loaded (`request.templates` is not read).
    pub fn report_with(
        &mut self,
        request: &ReportRequest,
        templates: &Templates,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Rendered> {
        let mut meter = ProgressMeter::new(progress);
        let class = request.class.as_str();
        let meter = &mut meter;
        let done = match request.kind {
            ReportKind::ClassResults => {
                let input = self.class_report_input(class, request.period()?)?;
                let markup = class_results::markup_class_results(&input, templates)?;
                render_template_markup_metered(class_results::TEMPLATE, markup, meter)?
            }
            ReportKind::PeriodCopy => {
                let period = request.period()?;
                if period == PeriodCode::Year {
                    return Err(ServiceError::Invalid(
                        "копия делается за четверть или полугодие; за год — журнал на конец года (year-journal)".into(),
                    ));
                }
                self.check_period(class, period)?;
                let journal = self.class_journal(class)?;
                journal_copy::render_period_copy_metered(&journal, period, templates, meter)?
            }
            ReportKind::YearJournal => {
                let printing = if request.two_sided {
                    Printing::TwoSided
                } else {
                    Printing::OneSided
                };
                let journal = self.class_journal(class)?;
                journal_copy::render_year_journal_metered(&journal, printing, templates, meter)?
            }
            ReportKind::MarksSummary => {
                let j = self.class_journal(class)?;
                let markup = class_teacher::markup_marks_summary(&j, templates)?;
                render_template_markup_metered(class_teacher::MARKS_TEMPLATE, markup, meter)?
            }
            ReportKind::Attendance => {
                let period = request.period()?;
                self.check_period(class, period)?;
                let j = self.class_journal(class)?;
                let markup = class_teacher::markup_attendance_summary(&j, period, templates)?;
                render_template_markup_metered(class_teacher::ATTENDANCE_TEMPLATE, markup, meter)?
            }
            ReportKind::AttendanceMonth => {
                let (year, month) = request.month.ok_or_else(|| {
                    ServiceError::Invalid("укажите месяц: ГГГГ-ММ, например 2025-10".to_string())
                })?;
                if !(1..=12).contains(&month) {
                    return Err(ServiceError::Invalid(format!(
                        "месяца {month} нет: ожидается ГГГГ-ММ"
                    )));
                }
                let j = self.class_journal(class)?;
                let markup = class_teacher::markup_attendance_month(&j, year, month, templates)?;
                render_template_markup_metered(class_teacher::MONTH_TEMPLATE, markup, meter)?
            }
            ReportKind::Movement => {
                let j = self.class_journal(class)?;
                let markup = class_teacher::markup_movement(&j, templates)?;
                render_template_markup_metered(class_teacher::MOVEMENT_TEMPLATE, markup, meter)?
            }
            ReportKind::Monitoring => {
                let today = request
                    .date
                    .unwrap_or_else(|| chrono::Local::now().date_naive());
                let j = self.class_journal(class)?;
                let markup = class_teacher::markup_monitoring(&j, today, templates)?;
                render_template_markup_metered(class_teacher::MONITORING_TEMPLATE, markup, meter)?
            }
            ReportKind::Extract => {
                let period = request.period()?;
                self.check_period(class, period)?;
                let name = request.student.as_deref().ok_or_else(|| {
                    ServiceError::Invalid("укажите ученика: «Фамилия Имя»".to_string())
                })?;
                let c = self.class(class)?;
                let student = self.student(&c, name)?;
                let journal = self.class_journal(class)?;
                let markup = parents::markup_extract(&journal, student.id, period, templates)?;
                render_template_markup_metered(parents::EXTRACT_TEMPLATE, markup, meter)?
            }
            ReportKind::Letter => {
                let journal = self.class_journal(class)?;
                let markup = parents::markup_letter(&journal, templates)?;
                render_template_markup_metered(parents::LETTER_TEMPLATE, markup, meter)?
            }
        };
        Ok(done)
    }

    /// [`Zhurnal::report_with`] without progress, the PDF only.
    fn report_pdf(&mut self, request: ReportRequest, templates: &Templates) -> Result<Vec<u8>> {
        self.report_with(&request, templates, &mut |_, _| {})
            .map(|r| r.pdf)
    }

    /// «Итоги успеваемости класса за период» as PDF.
    pub fn report_class_results(
        &mut self,
        class_name: &str,
        period: PeriodCode,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let request = ReportRequest {
            period: Some(period),
            ..ReportRequest::new(ReportKind::ClassResults, class_name)
        };
        self.report_pdf(request, templates)
    }

    /// A parent's extract (выписка) for one student and period, as PDF.
    pub fn report_extract(
        &mut self,
        class_name: &str,
        student: &str,
        period: PeriodCode,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let request = ReportRequest {
            period: Some(period),
            student: Some(student.to_string()),
            ..ReportRequest::new(ReportKind::Extract, class_name)
        };
        self.report_pdf(request, templates)
    }

    /// The quarterly or half-year paper copy of the class journal, as PDF.
    pub fn report_period_copy(
        &mut self,
        class_name: &str,
        period: PeriodCode,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let request = ReportRequest {
            period: Some(period),
            ..ReportRequest::new(ReportKind::PeriodCopy, class_name)
        };
        self.report_pdf(request, templates)
    }

    /// The year-end journal, numbered, with the certification sheet counting sheets for the
    /// chosen printing, as PDF.
    pub fn report_year_journal(
        &mut self,
        class_name: &str,
        printing: Printing,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let request = ReportRequest {
            two_sided: printing == Printing::TwoSided,
            ..ReportRequest::new(ReportKind::YearJournal, class_name)
        };
        self.report_pdf(request, templates)
    }

    /// Сводная ведомость учёта успеваемости: students × subjects × periods and the year.
    pub fn report_marks_summary(
        &mut self,
        class_name: &str,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        self.report_pdf(
            ReportRequest::new(ReportKind::MarksSummary, class_name),
            templates,
        )
    }

    /// Сводная ведомость учёта посещаемости for a period or the year.
    pub fn report_attendance(
        &mut self,
        class_name: &str,
        period: PeriodCode,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let request = ReportRequest {
            period: Some(period),
            ..ReportRequest::new(ReportKind::Attendance, class_name)
        };
        self.report_pdf(request, templates)
    }

    /// Attendance of one month, day by day.
    pub fn report_attendance_month(
        &mut self,
        class_name: &str,
        year: i32,
        month: u32,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let request = ReportRequest {
            month: Some((year, month)),
            ..ReportRequest::new(ReportKind::AttendanceMonth, class_name)
        };
        self.report_pdf(request, templates)
    }

    /// Сводная ведомость учёта движения учащихся.
    pub fn report_movement(&mut self, class_name: &str, templates: &Templates) -> Result<Vec<u8>> {
        self.report_pdf(
            ReportRequest::new(ReportKind::Movement, class_name),
            templates,
        )
    }

    /// Monitoring findings as of `today`.
    pub fn report_monitoring(
        &mut self,
        class_name: &str,
        today: NaiveDate,
        templates: &Templates,
    ) -> Result<Vec<u8>> {
        let request = ReportRequest {
            date: Some(today),
            ..ReportRequest::new(ReportKind::Monitoring, class_name)
        };
        self.report_pdf(request, templates)
    }

    /// The information letter to the parents of the class (a page per student), as PDF.
    pub fn report_letter(&mut self, class_name: &str, templates: &Templates) -> Result<Vec<u8>> {
        self.report_pdf(
            ReportRequest::new(ReportKind::Letter, class_name),
            templates,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhurnal_demo::DemoOptions;

    fn demo_7b(dir: &tempfile::TempDir) -> Zhurnal {
        let path = dir.path().join("s.sqlite3");
        let options = DemoOptions {
            classes: vec![(7, "Б".into())],
            ..DemoOptions::default()
        };
        crate::create_demo(&path, 1, &options).unwrap();
        Zhurnal::open(&path).unwrap()
    }

    /// The app's entry point: progress only grows and ends at its total, and the PDF opens
    /// with the pages it says.
    #[test]
    fn the_entry_point_reports_progress_to_the_end_and_the_pdf_opens() {
        let dir = tempfile::tempdir().unwrap();
        let mut z = demo_7b(&dir);
        let student = z.class_journal("7Б").unwrap().students[0].name.full();
        for request in [
            ReportRequest {
                period: Some(PeriodCode::Q2),
                ..ReportRequest::new(ReportKind::PeriodCopy, "7Б")
            },
            ReportRequest {
                student: Some(student.clone()),
                period: Some(PeriodCode::Q1),
                ..ReportRequest::new(ReportKind::Extract, "7Б")
            },
            ReportRequest::new(ReportKind::Letter, "7Б"),
        ] {
            let mut calls: Vec<(usize, usize)> = Vec::new();
            let done = z
                .report(&request, &mut |d, t| calls.push((d, t)))
                .unwrap_or_else(|e| panic!("{request:?}: {e}"));
            let (last_done, total) = *calls.last().unwrap();
            assert!(
                total > 0 && last_done == total,
                "{:?}: {calls:?}",
                request.kind
            );
            assert!(calls
                .windows(2)
                .all(|w| w[1].0 >= w[0].0 && w[1].1 >= w[0].1));
            assert!(calls.iter().all(|(d, t)| d <= t));
            let file = dir.path().join("r.pdf");
            std::fs::write(&file, &done.pdf).unwrap();
            let info = std::process::Command::new("pdfinfo")
                .arg(&file)
                .output()
                .expect("pdfinfo (poppler-utils, installed by scripts/setup.sh)");
            assert!(
                info.status.success(),
                "{:?}: the PDF does not open",
                request.kind
            );
            let info = String::from_utf8_lossy(&info.stdout);
            let pages = info
                .lines()
                .find_map(|l| l.strip_prefix("Pages:"))
                .map(|p| p.trim().parse::<usize>().unwrap())
                .unwrap();
            assert_eq!(pages, done.pages, "{:?}", request.kind);
        }
    }

    #[test]
    fn a_request_lacking_what_its_kind_needs_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let mut z = demo_7b(&dir);
        let mut never = |_, _| panic!("no progress for a refused request");
        let err = |z: &mut Zhurnal, r: ReportRequest, never: &mut dyn FnMut(usize, usize)| {
            z.report(&r, never).unwrap_err().to_string()
        };
        let e = err(
            &mut z,
            ReportRequest {
                period: Some(PeriodCode::Q1),
                ..ReportRequest::new(ReportKind::Extract, "7Б")
            },
            &mut never,
        );
        assert!(e.contains("укажите ученика"), "{e}");
        let e = err(
            &mut z,
            ReportRequest::new(ReportKind::ClassResults, "7Б"),
            &mut never,
        );
        assert!(e.contains("укажите период"), "{e}");
        let e = err(
            &mut z,
            ReportRequest {
                month: Some((2025, 13)),
                ..ReportRequest::new(ReportKind::AttendanceMonth, "7Б")
            },
            &mut never,
        );
        assert!(e.contains("месяца 13 нет"), "{e}");
        let e = err(
            &mut z,
            ReportRequest::new(ReportKind::Letter, "9Я"),
            &mut never,
        );
        assert!(e.contains("7Б"), "lists the classes: {e}");
    }

    /// The app sends the request as JSON (docs/app-commands.md, `make_report`).
    #[test]
    fn a_request_reads_from_the_apps_json() {
        let r: ReportRequest = serde_json::from_str(
            r#"{"kind": "year-journal", "class": "7Б", "two_sided": true, "period": "Q1"}"#,
        )
        .unwrap();
        assert_eq!(
            r,
            ReportRequest {
                two_sided: true,
                period: Some(PeriodCode::Q1),
                ..ReportRequest::new(ReportKind::YearJournal, "7Б")
            }
        );
        let r: ReportRequest = serde_json::from_str(
            r#"{"kind": "attendance-month", "class": "7Б", "month": [2025, 10]}"#,
        )
        .unwrap();
        assert_eq!(r.month, Some((2025, 10)));
    }

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
