//! Documents for parents: the extract (выписка) for one student and period, the information
//! letter, and the access-credential slips.
//!
//! * [`render_extract`] — «Выписка из классного журнала» for parents without internet
//!   (seed 004 §2): by subject, in curriculum order, the current marks of the period with their
//!   dates, the weighted average, the period mark, the lessons missed (Б, У, Н) and the late
//!   arrivals (О); the class teacher signs, the parent signs that he has read it.
//! * [`render_letter`] — «Информационное письмо для родителей» (seed 001): one page per student
//!   on the class list, for the class teacher to hand out: what the electronic diary shows, how
//!   to get access, that paper extracts can be asked for.
//! * [`render_slips`] — cut-out slips with the login and one-time password of every student and
//!   parent (seed 004: the class teacher hands out the credentials), ten to an A4 page.
//!   [`login_for`] makes a Latin login from a Russian name (the passport table, ICAO Doc 9303).

use crate::class_results::{decimal, initials_first};
use crate::{ClassJournal, ReportError, Templates};
use serde::Serialize;
use zhurnal_domain::stats::weighted_average;
use zhurnal_domain::{Attendance, FinalKind, Mark, PeriodCode, PeriodScheme, StudentId};

/// The template of the extract.
pub const EXTRACT_TEMPLATE: &str = "parents_extract.tera";
/// The template of the information letter.
pub const LETTER_TEMPLATE: &str = "parents_letter.tera";
/// The template of the credential slips.
pub const SLIPS_TEMPLATE: &str = "parents_slips.tera";

// ---------------------------------------------------------------------------------------------
// The extract

/// The figures of one student's extract, as the template receives them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Extract {
    pub school: String,
    pub year: String,
    pub class_name: String,
    pub class_teacher: String,
    /// «М. П. Иванова», for the signature.
    pub class_teacher_initials: String,
    /// The student's full name.
    pub student: String,
    /// `Q1`…`H2`, `year`.
    pub period: String,
    /// «1 четверть», «год».
    pub period_title: String,
    /// «01.09.2025».
    pub from: String,
    pub to: String,
    /// Every subject of the class, in curriculum order.
    pub subjects: Vec<ExtractRow>,
    /// Absences over all subjects.
    pub total: Absences,
    /// For the year: short titles of the periods whose marks are shown before the year mark
    /// («1 ч.»…«4 ч.», «1 пол.», «2 пол.»); empty for a period.
    pub period_columns: Vec<String>,
    /// Work types whose marks weigh more or less than 1, for the note under the table:
    /// «кр — контрольная работа (вес 2)».
    pub weights: Vec<String>,
}

/// One subject of the extract.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExtractRow {
    pub subject: String,
    /// The current marks in date order.
    pub marks: Vec<DatedMark>,
    /// The weighted average with a decimal comma («4,33»), «—» without numeric marks.
    pub average: String,
    /// The period (or year) mark, empty when not set.
    pub period_mark: String,
    /// For the year: the mark of each period of [`Extract::period_columns`], empty when not set.
    pub period_marks: Vec<String>,
    pub absences: Absences,
}

/// A current mark with its date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatedMark {
    /// «5», «н/а», «зач».
    pub value: String,
    /// «03.09».
    pub date: String,
    /// The work type code («кр»), empty for an ordinary mark.
    pub work: String,
}

/// Lessons missed and late arrivals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Absences {
    /// Lessons missed: Б + У + Н.
    pub missed: u32,
    /// Б — ill.
    pub ill: u32,
    /// У — valid reason.
    pub excused: u32,
    /// Н — without a valid reason.
    pub absent: u32,
    /// О — late (not a missed lesson).
    pub late: u32,
}

impl Absences {
    fn add(&mut self, a: Attendance) {
        match a {
            Attendance::Ill => self.ill += 1,
            Attendance::Excused => self.excused += 1,
            Attendance::Absent => self.absent += 1,
            Attendance::Late => self.late += 1,
        }
        if a.is_missed() {
            self.missed += 1;
        }
    }

    fn sum(&mut self, o: &Absences) {
        self.missed += o.missed;
        self.ill += o.ill;
        self.excused += o.excused;
        self.absent += o.absent;
        self.late += o.late;
    }
}

/// The figures of the extract of `student` for `period` (a period code or the year).
pub fn extract(
    journal: &ClassJournal,
    student: StudentId,
    period: PeriodCode,
) -> Result<Extract, ReportError> {
    let class_name = journal.class.name();
    let Some(pupil) = journal.students.iter().find(|s| s.id == student) else {
        return Err(ReportError::Template {
            name: EXTRACT_TEMPLATE.to_string(),
            message: format!("ученика {student} нет в списке {class_name} класса"),
        });
    };
    let Some((from, to)) = journal.calendar.bounds(period) else {
        return Err(ReportError::Template {
            name: EXTRACT_TEMPLATE.to_string(),
            message: format!(
                "в календаре {} учебного года нет периода «{}»",
                journal.year,
                period.title_ru()
            ),
        });
    };
    let kind = match period {
        PeriodCode::Year => FinalKind::Year,
        p => FinalKind::Period(p),
    };
    let periods: &[PeriodCode] = if period == PeriodCode::Year {
        journal.scheme().periods()
    } else {
        &[]
    };
    let final_of = |finals: &[zhurnal_domain::FinalMark], kind: FinalKind| {
        finals
            .iter()
            .find(|f| f.kind == kind && f.student == student)
            .map(|f| f.value.to_string())
            .unwrap_or_default()
    };
    let mut total = Absences::default();
    let subjects = journal
        .subjects
        .iter()
        .map(|sj| {
            let mut lessons: Vec<_> = sj
                .lessons
                .iter()
                .filter(|l| from <= l.date && l.date <= to)
                .collect();
            lessons.sort_by_key(|l| (l.date, l.number));
            let mut marks: Vec<&Mark> = Vec::new();
            let mut dated = Vec::new();
            let mut absences = Absences::default();
            for l in lessons {
                if let Some(ms) = l.marks.get(&student) {
                    for m in &ms.0 {
                        marks.push(m);
                        dated.push(DatedMark {
                            value: m.value.to_string(),
                            date: l.date.format("%d.%m").to_string(),
                            work: m.work.clone().unwrap_or_default(),
                        });
                    }
                }
                if let Some(a) = l.attendance.get(&student) {
                    absences.add(*a);
                }
            }
            total.sum(&absences);
            let average = weighted_average(marks, &journal.settings)
                .map_or_else(|| "—".to_string(), |(avg, _)| decimal(avg, 2));
            let period_mark = final_of(&sj.finals, kind);
            let period_marks = periods
                .iter()
                .map(|p| final_of(&sj.finals, FinalKind::Period(*p)))
                .collect();
            ExtractRow {
                subject: sj.subject.name.clone(),
                marks: dated,
                average,
                period_mark,
                period_marks,
                absences,
            }
        })
        .collect();
    let weights = journal
        .settings
        .work_types
        .iter()
        .filter(|w| w.weight != 1)
        .map(|w| format!("{} — {} (вес {})", w.code, w.name, w.weight))
        .collect();
    Ok(Extract {
        school: journal.school.clone(),
        year: journal.year.clone(),
        class_name,
        class_teacher: journal.class_teacher.clone(),
        class_teacher_initials: initials_first(&journal.class_teacher),
        student: pupil.name.full(),
        period: period.as_str().to_string(),
        period_title: period.title_ru().to_string(),
        from: from.format("%d.%m.%Y").to_string(),
        to: to.format("%d.%m.%Y").to_string(),
        subjects,
        total,
        period_columns: periods
            .iter()
            .map(|p| match p {
                PeriodCode::H1 => "1 пол.".to_string(),
                PeriodCode::H2 => "2 пол.".to_string(),
                p => format!("{} ч.", &p.title_ru()[..1]),
            })
            .collect(),
        weights,
    })
}

/// The extract as layout markup (what the template wrote).
pub fn markup_extract(
    journal: &ClassJournal,
    student: StudentId,
    period: PeriodCode,
    templates: &Templates,
) -> Result<String, ReportError> {
    render(
        templates,
        EXTRACT_TEMPLATE,
        &extract(journal, student, period)?,
    )
}

/// The extract as a PDF file. A student who is not on the class's list is an error.
pub fn render_extract(
    journal: &ClassJournal,
    student: StudentId,
    period: PeriodCode,
    templates: &Templates,
) -> Result<Vec<u8>, ReportError> {
    let markup = markup_extract(journal, student, period, templates)?;
    crate::render_template_markup(EXTRACT_TEMPLATE, &markup)
}

// ---------------------------------------------------------------------------------------------
// The information letter

/// The figures of the information letter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Letter {
    pub school: String,
    pub year: String,
    pub class_name: String,
    pub class_teacher: String,
    pub class_teacher_initials: String,
    /// «четверть» or «полугодие», as the class is marked.
    pub period_word: String,
    /// «четверти» or «полугодия».
    pub period_word_genitive: String,
    /// Full names of the students the letter goes to: the class list without those who left.
    pub students: Vec<String>,
}

/// The figures of the letter: one page for every student who has not left the class.
pub fn letter(journal: &ClassJournal) -> Letter {
    let (word, genitive) = match journal.scheme() {
        PeriodScheme::Quarters => ("четверть", "четверти"),
        PeriodScheme::Halves => ("полугодие", "полугодия"),
    };
    Letter {
        school: journal.school.clone(),
        year: journal.year.clone(),
        class_name: journal.class.name(),
        class_teacher: journal.class_teacher.clone(),
        class_teacher_initials: initials_first(&journal.class_teacher),
        period_word: word.to_string(),
        period_word_genitive: genitive.to_string(),
        students: journal
            .students
            .iter()
            .filter(|s| s.left().is_none())
            .map(|s| s.name.full())
            .collect(),
    }
}

/// The letter as layout markup.
pub fn markup_letter(journal: &ClassJournal, templates: &Templates) -> Result<String, ReportError> {
    render(templates, LETTER_TEMPLATE, &letter(journal))
}

/// The letter as a PDF file: one page per student on the class list.
pub fn render_letter(
    journal: &ClassJournal,
    templates: &Templates,
) -> Result<Vec<u8>, ReportError> {
    let markup = markup_letter(journal, templates)?;
    crate::render_template_markup(LETTER_TEMPLATE, &markup)
}

// ---------------------------------------------------------------------------------------------
// The credential slips

// The credentials and their logins are the domain's (the server makes them without the PDF
// engine); the slips print them.
pub use zhurnal_domain::login::{login_for, transliterate, Credential};

/// The figures of the slips sheet.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Slips {
    pub school: String,
    pub class_name: String,
    /// Where to log in; empty prints a line to write it by hand.
    pub address: String,
    /// The slips, in pages of [`SLIPS_PER_PAGE`], each page in rows of two.
    pub pages: Vec<Vec<Vec<Credential>>>,
}

/// Slips on one A4 page: two columns of five.
pub const SLIPS_PER_PAGE: usize = 10;

/// The figures of the slips: the credentials in their order, ten to a page.
pub fn slips(school: &str, class: &str, address: &str, credentials: &[Credential]) -> Slips {
    Slips {
        school: school.to_string(),
        class_name: class.to_string(),
        address: address.to_string(),
        pages: credentials
            .chunks(SLIPS_PER_PAGE)
            .map(|page| page.chunks(2).map(<[Credential]>::to_vec).collect())
            .collect(),
    }
}

/// The slips as layout markup.
pub fn markup_slips(
    school: &str,
    class: &str,
    address: &str,
    credentials: &[Credential],
    templates: &Templates,
) -> Result<String, ReportError> {
    render(
        templates,
        SLIPS_TEMPLATE,
        &slips(school, class, address, credentials),
    )
}

/// The slips as a PDF file: A4 sheets of ten slips to cut along the lines. `address` is where
/// to log in (the school's server or site); empty leaves a line to write it by hand.
pub fn render_slips(
    school: &str,
    class: &str,
    address: &str,
    credentials: &[Credential],
    templates: &Templates,
) -> Result<Vec<u8>, ReportError> {
    let markup = markup_slips(school, class, address, credentials, templates)?;
    crate::render_template_markup(SLIPS_TEMPLATE, &markup)
}

fn render<T: Serialize>(
    templates: &Templates,
    name: &str,
    figures: &T,
) -> Result<String, ReportError> {
    let context = tera::Context::from_serialize(figures).map_err(|e| ReportError::Template {
        name: name.to_string(),
        message: e.to_string(),
    })?;
    templates.render(name, &context)
}
