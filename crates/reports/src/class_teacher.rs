//! The class teacher's summary documents (seed 002 §5.2.8) and the monitoring list.
//!
//! Each document is made from a [`ClassJournal`] in the usual steps: a figures function
//! computes plain data, `markup_*` renders its template (`report-templates/ct_*.tera`),
//! `render_*` prints the PDF.
//!
//! | document | figures | template |
//! |---|---|---|
//! | Сводная ведомость учёта успеваемости | [`marks_summary`] | `ct_marks.tera` |
//! | Сводная ведомость учёта посещаемости | [`attendance_summary`] | `ct_attendance.tera` |
//! | Посещаемость за месяц | [`attendance_month`] | `ct_month.tera` |
//! | Сводная ведомость учёта движения учащихся | [`movement`] | `ct_movement.tera` |
//! | Результаты мониторинга журнала | [`monitoring`] | `ct_monitoring.tera` |
//!
//! Attendance rules: a lesson is missed with the codes Н, Б and У; О (late) is counted apart
//! and is not a missed lesson. A missed day is a school day on which the student missed every
//! lesson he had: all lessons of the date in every subject, of a split subject only his own
//! subgroup's, while he was on the class list.

use crate::class_results::initials_first;
use crate::{ClassJournal, ReportError, Templates};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;
use zhurnal_domain::stats::{
    lessons_without_attendance, lessons_without_topic, students_without_marks,
};
use zhurnal_domain::{Attendance, FinalKind, Lesson, PeriodCode, Student};

pub const MARKS_TEMPLATE: &str = "ct_marks.tera";
pub const ATTENDANCE_TEMPLATE: &str = "ct_attendance.tera";
pub const MONTH_TEMPLATE: &str = "ct_month.tera";
pub const MOVEMENT_TEMPLATE: &str = "ct_movement.tera";
pub const MONITORING_TEMPLATE: &str = "ct_monitoring.tera";

/// Columns of marks (or of attendance figures) in one table of a landscape page: wider
/// summaries continue in another table on the next page.
const COLUMNS_PER_TABLE: usize = 30;

/// What every document prints in its title and signature.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Head {
    pub school: String,
    /// «2025/2026».
    pub year: String,
    /// «7Б».
    pub class_name: String,
    pub class_teacher: String,
    /// «М. П. Иванова», for the signature.
    pub class_teacher_initials: String,
}

fn head(j: &ClassJournal) -> Head {
    Head {
        school: j.school.clone(),
        year: j.year.clone(),
        class_name: j.class.name(),
        class_teacher: j.class_teacher.clone(),
        class_teacher_initials: initials_first(&j.class_teacher),
    }
}

fn render_markup<T: Serialize>(
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

fn date_ru(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

const MONTHS: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

/// «сентябрь», for month 1–12.
pub fn month_name(month: u32) -> &'static str {
    MONTHS[(month as usize + 11) % 12]
}

/// A short column title for a subject: each long word cut after its fourth letter and the
/// consonants that follow it (at most six letters) with a full stop: «Математика» → «Матем.»,
/// «Физическая культура» → «Физич. культ.». Short words stay whole.
pub fn abbreviate(name: &str) -> String {
    name.split_whitespace()
        .map(|word| {
            // «(английский)»: cut the letters, keep the brackets.
            let letters = word.trim_start_matches('(').trim_end_matches([')', ',']);
            let (before, rest) = word.split_at(word.find(letters).unwrap_or(0));
            let after = &rest[letters.len()..];
            format!("{before}{}{after}", cut(letters))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn cut(w: &str) -> String {
    const VOWELS: &str = "аеёиоуыэюяАЕЁИОУЫЭЮЯ";
    let chars: Vec<char> = w.chars().collect();
    if chars.len() <= 6 {
        return w.to_string();
    }
    let mut end = 4;
    while end < 6 && !VOWELS.contains(chars[end]) {
        end += 1;
    }
    if end >= chars.len() - 1 {
        return w.to_string();
    }
    let mut s: String = chars[..end].iter().collect();
    s.push('.');
    s
}

// ---------------------------------------------------------------------------------------
// 1. Сводная ведомость учёта успеваемости

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MarksSummary {
    pub head: Head,
    /// Column titles of one subject's group: «1», «2», «3», «4», «год» (or «1», «2», «год»).
    pub columns: Vec<String>,
    /// «четверти» or «полугодия».
    pub periods_title: String,
    /// Subjects in curriculum order, with their short titles (the legend gives full names).
    pub subjects: Vec<SubjectTitle>,
    /// Subjects split into tables that fit the page width: indexes into `subjects`.
    pub tables: Vec<MarksTable>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubjectTitle {
    pub name: String,
    pub short: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MarksTable {
    pub subjects: Vec<SubjectTitle>,
    /// One row per student of the class list.
    pub rows: Vec<MarksRow>,
    /// `widths` of the table.
    pub widths: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MarksRow {
    pub no: usize,
    pub name: String,
    /// For each subject of the table, the marks of each column («» where there is none).
    pub marks: Vec<Vec<String>>,
}

/// The figures of the summary sheet of marks: every student × every subject × the periods of
/// the class's scheme and the year.
pub fn marks_summary(j: &ClassJournal) -> MarksSummary {
    let periods = j.scheme().periods();
    let mut kinds: Vec<FinalKind> = periods.iter().map(|p| FinalKind::Period(*p)).collect();
    kinds.push(FinalKind::Year);
    let mut columns: Vec<String> = (1..=periods.len()).map(|i| i.to_string()).collect();
    columns.push("год".to_string());
    let subjects: Vec<SubjectTitle> = j
        .subjects
        .iter()
        .map(|s| SubjectTitle {
            name: s.subject.name.clone(),
            short: abbreviate(&s.subject.name),
        })
        .collect();
    let per_table = (COLUMNS_PER_TABLE / kinds.len()).max(1);
    let tables = j
        .subjects
        .chunks(per_table)
        .zip(subjects.chunks(per_table))
        .map(|(chunk, titles)| {
            let rows = j
                .students
                .iter()
                .enumerate()
                .map(|(i, s)| MarksRow {
                    no: i + 1,
                    name: s.name.full(),
                    marks: chunk
                        .iter()
                        .map(|sj| {
                            kinds
                                .iter()
                                .map(|k| {
                                    sj.finals
                                        .iter()
                                        .find(|f| f.kind == *k && f.student == s.id)
                                        .map(|f| f.value.to_string())
                                        .unwrap_or_default()
                                })
                                .collect()
                        })
                        .collect(),
                })
                .collect();
            let mark_cols = chunk.len() * kinds.len();
            MarksTable {
                subjects: titles.to_vec(),
                rows,
                widths: format!("8mm 55mm{}", " 1*".repeat(mark_cols)),
            }
        })
        .collect();
    MarksSummary {
        head: head(j),
        columns,
        periods_title: match j.scheme().periods().len() {
            2 => "полугодия".to_string(),
            _ => "четверти".to_string(),
        },
        subjects,
        tables,
    }
}

pub fn markup_marks_summary(
    j: &ClassJournal,
    templates: &Templates,
) -> Result<String, ReportError> {
    render_markup(templates, MARKS_TEMPLATE, &marks_summary(j))
}

pub fn render_marks_summary(
    j: &ClassJournal,
    templates: &Templates,
) -> Result<Vec<u8>, ReportError> {
    let markup = markup_marks_summary(j, templates)?;
    crate::render_template_markup(MARKS_TEMPLATE, &markup)
}

// ---------------------------------------------------------------------------------------
// Attendance, shared by documents 2 and 3

/// What one student had and missed on one date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Absences {
    /// Lessons missed (Н, Б, У).
    pub missed: u32,
    /// Days missed (every lesson of the day).
    pub days: u32,
    pub ill: u32,
    pub excused: u32,
    pub absent: u32,
    /// Late (О): not missed.
    pub late: u32,
}

impl Absences {
    fn add(&mut self, o: &Absences) {
        self.missed += o.missed;
        self.days += o.days;
        self.ill += o.ill;
        self.excused += o.excused;
        self.absent += o.absent;
        self.late += o.late;
    }

    fn cells(&self) -> Vec<String> {
        [
            self.missed,
            self.days,
            self.ill,
            self.excused,
            self.absent,
            self.late,
        ]
        .iter()
        .map(|n| count_cell(*n))
        .collect()
    }
}

/// «–» for none, so that an empty cell means nothing was recorded.
fn count_cell(n: u32) -> String {
    if n == 0 {
        "–".to_string()
    } else {
        n.to_string()
    }
}

/// Whether `lesson` of subject `sj` is one the student had: he was on the list that day and,
/// for a subgroup lesson, it is his subgroup's (or he has none in that subject).
fn own_lesson(s: &Student, subject: zhurnal_domain::SubjectId, lesson: &Lesson) -> bool {
    s.on_roll(lesson.date)
        && (lesson.subgroup.is_none()
            || s.subgroups
                .get(&subject)
                .is_none_or(|g| Some(*g) == lesson.subgroup))
}

/// Per student (class-list index) and date: what he had that day.
fn daily(j: &ClassJournal) -> Vec<BTreeMap<NaiveDate, Absences>> {
    // (lessons had, lessons of them missed) per date, and the codes.
    let mut days: Vec<BTreeMap<NaiveDate, (u32, u32, Absences)>> =
        vec![BTreeMap::new(); j.students.len()];
    for sj in &j.subjects {
        for lesson in &sj.lessons {
            for (i, s) in j.students.iter().enumerate() {
                let own = own_lesson(s, sj.subject.id, lesson);
                let code = lesson.attendance.get(&s.id).copied();
                if !own && code.is_none() {
                    continue;
                }
                let e = days[i].entry(lesson.date).or_default();
                if own {
                    e.0 += 1;
                    if code.is_some_and(Attendance::is_missed) {
                        e.1 += 1;
                    }
                }
                match code {
                    Some(Attendance::Absent) => e.2.absent += 1,
                    Some(Attendance::Ill) => e.2.ill += 1,
                    Some(Attendance::Excused) => e.2.excused += 1,
                    Some(Attendance::Late) => e.2.late += 1,
                    None => {}
                }
                if code.is_some_and(Attendance::is_missed) {
                    e.2.missed += 1;
                }
            }
        }
    }
    days.into_iter()
        .map(|m| {
            m.into_iter()
                .map(|(d, (had, missed, mut a))| {
                    a.days = u32::from(had > 0 && missed == had);
                    (d, a)
                })
                .collect()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// 2. Сводная ведомость учёта посещаемости

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttendanceSummary {
    pub head: Head,
    /// `Q1`…, `year`.
    pub period: String,
    /// «1 четверть», «год».
    pub period_title: String,
    pub start: String,
    pub end: String,
    /// Tables that fit the page: groups of months; the last group of the last table is
    /// «Итого».
    pub tables: Vec<AttendanceTable>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttendanceTable {
    /// Month names, and «Итого» for the totals group.
    pub groups: Vec<String>,
    pub rows: Vec<AttendanceRow>,
    /// The class's totals, one group per column group.
    pub totals: Vec<Vec<String>>,
    pub widths: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttendanceRow {
    pub no: usize,
    pub name: String,
    /// For each group: уроков, дней, Б, У, Н, О (as text, «–» for 0).
    pub cells: Vec<Vec<String>>,
    /// The same figures as numbers, for programs.
    #[serde(skip)]
    pub figures: Vec<Absences>,
}

/// The figures of the summary sheet of attendance for `period` (a quarter, a half or the
/// year), by month. `None` if the calendar has no such period.
pub fn attendance_summary(j: &ClassJournal, period: PeriodCode) -> Option<AttendanceSummary> {
    let (start, end) = j.calendar.bounds(period)?;
    let mut months: Vec<(i32, u32)> = Vec::new();
    let mut d = start.with_day(1)?;
    while d <= end {
        months.push((d.year(), d.month()));
        d = d.checked_add_months(chrono::Months::new(1))?;
    }
    let daily = daily(j);
    // Per student: per month and total.
    let per_student: Vec<Vec<Absences>> = daily
        .iter()
        .map(|days| {
            let mut v = vec![Absences::default(); months.len() + 1];
            for (date, a) in days.range(start..=end) {
                let m = months
                    .iter()
                    .position(|(y, mo)| date.year() == *y && date.month() == *mo)
                    .expect("every date of the period is in a month of it");
                v[m].add(a);
                v[months.len()].add(a);
            }
            v
        })
        .collect();
    let mut groups: Vec<String> = months
        .iter()
        .map(|(_, m)| month_name(*m).to_string())
        .collect();
    groups.push("Итого".to_string());
    let per_table = (COLUMNS_PER_TABLE / 6).max(1);
    let tables = groups
        .chunks(per_table)
        .enumerate()
        .map(|(t, names)| {
            let from = t * per_table;
            let range = from..from + names.len();
            let rows: Vec<AttendanceRow> = j
                .students
                .iter()
                .zip(&per_student)
                .enumerate()
                .map(|(i, (s, v))| AttendanceRow {
                    no: i + 1,
                    name: s.name.full(),
                    cells: v[range.clone()].iter().map(Absences::cells).collect(),
                    figures: v[range.clone()].to_vec(),
                })
                .collect();
            let totals = range
                .clone()
                .map(|g| {
                    let mut a = Absences::default();
                    per_student.iter().for_each(|v| a.add(&v[g]));
                    a.cells()
                })
                .collect();
            AttendanceTable {
                groups: names.to_vec(),
                rows,
                totals,
                widths: format!("8mm 55mm{}", " 1*".repeat(names.len() * 6)),
            }
        })
        .collect();
    Some(AttendanceSummary {
        head: head(j),
        period: period.as_str().to_string(),
        period_title: period.title_ru().to_string(),
        start: date_ru(start),
        end: date_ru(end),
        tables,
    })
}

fn no_period(period: PeriodCode) -> ReportError {
    ReportError::Template {
        name: ATTENDANCE_TEMPLATE.to_string(),
        message: format!("в календаре школы нет периода «{}»", period.title_ru()),
    }
}

pub fn markup_attendance_summary(
    j: &ClassJournal,
    period: PeriodCode,
    templates: &Templates,
) -> Result<String, ReportError> {
    let figures = attendance_summary(j, period).ok_or_else(|| no_period(period))?;
    render_markup(templates, ATTENDANCE_TEMPLATE, &figures)
}

pub fn render_attendance_summary(
    j: &ClassJournal,
    period: PeriodCode,
    templates: &Templates,
) -> Result<Vec<u8>, ReportError> {
    let markup = markup_attendance_summary(j, period, templates)?;
    crate::render_template_markup(ATTENDANCE_TEMPLATE, &markup)
}

// ---------------------------------------------------------------------------------------
// 3. Посещаемость за месяц

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttendanceMonth {
    pub head: Head,
    /// «сентябрь 2025».
    pub month_title: String,
    /// School days of the month: day of month and weekday («пн»).
    pub days: Vec<DayTitle>,
    pub rows: Vec<MonthRow>,
    /// Lessons missed by the class on each day.
    pub day_totals: Vec<String>,
    /// The class's totals: уроков, дней, Б, У, Н, О.
    pub totals: Vec<String>,
    pub widths: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayTitle {
    pub day: u32,
    pub weekday: String,
    #[serde(skip)]
    pub date: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthRow {
    pub no: usize,
    pub name: String,
    /// One cell per school day: «2Б», «6Б», «1Н», «О», or empty.
    pub cells: Vec<String>,
    /// уроков, дней, Б, У, Н, О.
    pub totals: Vec<String>,
}

/// The text of a day's cell: the lessons missed with the code most of them had (on a tie Б,
/// then У, then Н), or «О» when he was only late; empty when he missed nothing.
pub fn day_cell(a: &Absences) -> String {
    if a.missed > 0 {
        let code = [(a.ill, "Б"), (a.excused, "У"), (a.absent, "Н")]
            .into_iter()
            .fold((0, ""), |best, c| if c.0 > best.0 { c } else { best })
            .1;
        format!("{}{code}", a.missed)
    } else if a.late > 0 {
        "О".to_string()
    } else {
        String::new()
    }
}

/// The figures of the attendance grid of one month (1–12) of `year`: students × school days.
pub fn attendance_month(j: &ClassJournal, year: i32, month: u32) -> Option<AttendanceMonth> {
    const WEEKDAYS: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let days: Vec<DayTitle> = first
        .iter_days()
        .take_while(|d| d.month() == month)
        .filter(|d| j.calendar.is_school_day(*d, j.settings.saturday))
        .map(|d| DayTitle {
            day: d.day(),
            weekday: WEEKDAYS[d.weekday().num_days_from_monday() as usize].to_string(),
            date: d,
        })
        .collect();
    let daily = daily(j);
    let mut class = Absences::default();
    let mut per_day = vec![0u32; days.len()];
    let rows = j
        .students
        .iter()
        .zip(&daily)
        .enumerate()
        .map(|(i, (s, m))| {
            let mut total = Absences::default();
            for (_, a) in m.range(first..first.checked_add_months(chrono::Months::new(1))?) {
                total.add(a);
            }
            class.add(&total);
            let cells = days
                .iter()
                .enumerate()
                .map(|(k, d)| {
                    let a = m.get(&d.date).copied().unwrap_or_default();
                    per_day[k] += a.missed;
                    day_cell(&a)
                })
                .collect();
            Some(MonthRow {
                no: i + 1,
                name: s.name.full(),
                cells,
                totals: total.cells(),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(AttendanceMonth {
        head: head(j),
        month_title: format!("{} {year}", month_name(month)),
        widths: format!(
            "7mm 48mm{} 8mm 8mm 7mm 7mm 7mm 7mm",
            " 1*".repeat(days.len())
        ),
        day_totals: per_day.into_iter().map(count_cell).collect(),
        totals: class.cells(),
        days,
        rows,
    })
}

pub fn markup_attendance_month(
    j: &ClassJournal,
    year: i32,
    month: u32,
    templates: &Templates,
) -> Result<String, ReportError> {
    let figures = attendance_month(j, year, month).ok_or_else(|| ReportError::Template {
        name: MONTH_TEMPLATE.to_string(),
        message: format!("нет такого месяца: {month}.{year}"),
    })?;
    render_markup(templates, MONTH_TEMPLATE, &figures)
}

pub fn render_attendance_month(
    j: &ClassJournal,
    year: i32,
    month: u32,
    templates: &Templates,
) -> Result<Vec<u8>, ReportError> {
    let markup = markup_attendance_month(j, year, month, templates)?;
    crate::render_template_markup(MONTH_TEMPLATE, &markup)
}

// ---------------------------------------------------------------------------------------
// 4. Сводная ведомость учёта движения учащихся

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MovementSummary {
    pub head: Head,
    /// Every movement of the year, by date.
    pub entries: Vec<MovementEntry>,
    /// Each period of the scheme and the year.
    pub periods: Vec<PeriodCount>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MovementEntry {
    pub no: usize,
    pub name: String,
    /// «прибытие», «выбытие», «перевод».
    pub kind: String,
    pub date: String,
    pub order_no: String,
    /// Where from (arrival) or where to.
    pub place: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeriodCount {
    pub title: String,
    pub start: String,
    pub end: String,
    /// On the list on the first day.
    pub at_start: usize,
    pub arrived: usize,
    pub left: usize,
    /// On the list on the last day.
    pub at_end: usize,
}

/// «прибытие», «выбытие», «перевод»: nouns, as the domain's «прибыл» would need the
/// student's gender.
pub fn kind_noun(kind: zhurnal_domain::MovementKind) -> &'static str {
    match kind {
        zhurnal_domain::MovementKind::Arrival => "прибытие",
        zhurnal_domain::MovementKind::Departure => "выбытие",
        zhurnal_domain::MovementKind::Transfer => "перевод",
    }
}

/// The figures of the movement summary.
pub fn movement(j: &ClassJournal) -> MovementSummary {
    let mut all: Vec<(NaiveDate, String, &zhurnal_domain::Movement)> = j
        .students
        .iter()
        .flat_map(|s| s.movements.iter().map(move |m| (m.date, s.name.full(), m)))
        .collect();
    all.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let entries = all
        .iter()
        .enumerate()
        .map(|(i, (_, name, m))| MovementEntry {
            no: i + 1,
            name: name.clone(),
            kind: kind_noun(m.kind).to_string(),
            date: date_ru(m.date),
            order_no: m.order_no.clone(),
            place: m.place.clone(),
        })
        .collect();
    let mut codes: Vec<PeriodCode> = j.scheme().periods().to_vec();
    codes.push(PeriodCode::Year);
    let periods = codes
        .into_iter()
        .filter_map(|p| {
            let (start, end) = j.calendar.bounds(p)?;
            let on = |d| j.students.iter().filter(|s| s.on_roll(d)).count();
            let moved = |arrival: bool| {
                all.iter()
                    .filter(|(d, _, m)| {
                        start <= *d
                            && *d <= end
                            && (m.kind == zhurnal_domain::MovementKind::Arrival) == arrival
                    })
                    .count()
            };
            Some(PeriodCount {
                title: p.title_ru().to_string(),
                start: date_ru(start),
                end: date_ru(end),
                at_start: on(start),
                arrived: moved(true),
                left: moved(false),
                at_end: on(end),
            })
        })
        .collect();
    MovementSummary {
        head: head(j),
        entries,
        periods,
    }
}

pub fn markup_movement(j: &ClassJournal, templates: &Templates) -> Result<String, ReportError> {
    render_markup(templates, MOVEMENT_TEMPLATE, &movement(j))
}

pub fn render_movement(j: &ClassJournal, templates: &Templates) -> Result<Vec<u8>, ReportError> {
    let markup = markup_movement(j, templates)?;
    crate::render_template_markup(MOVEMENT_TEMPLATE, &markup)
}

// ---------------------------------------------------------------------------------------
// 5. Мониторинг

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Monitoring {
    pub head: Head,
    pub today: String,
    /// N: lessons without a mark after which a student is listed.
    pub lessons: u32,
    /// Subjects with findings, in curriculum order.
    pub subjects: Vec<SubjectFindings>,
    /// Subjects without findings.
    pub clean: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubjectFindings {
    pub name: String,
    pub teacher: String,
    pub without_marks: Vec<NoMarksRow>,
    pub without_topic: Vec<LessonRow>,
    pub without_attendance: Vec<LessonRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NoMarksRow {
    pub name: String,
    pub lessons: u32,
    /// «—» without any mark.
    pub last_mark: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LessonRow {
    pub date: String,
    pub number: u8,
    /// «гр. 1» for a subgroup lesson.
    pub subgroup: String,
    pub teacher: String,
}

/// The monitoring findings up to `today` (inclusive), by subject, from
/// [`zhurnal_domain::stats`].
pub fn monitoring(j: &ClassJournal, today: NaiveDate) -> Monitoring {
    let n = j.settings.monitoring_lessons;
    let mut subjects = Vec::new();
    let mut clean = Vec::new();
    for sj in &j.subjects {
        let split = sj
            .lessons
            .iter()
            .any(|l| l.subgroup.is_some())
            .then_some(sj.subject.id);
        let name_of = |id| {
            j.students
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.name.full())
                .unwrap_or_default()
        };
        let without_marks: Vec<NoMarksRow> =
            students_without_marks(&sj.lessons, &j.students, split, n, today)
                .into_iter()
                .map(|f| NoMarksRow {
                    name: name_of(f.student),
                    lessons: f.lessons,
                    last_mark: f.last_mark.map_or_else(|| "—".to_string(), date_ru),
                })
                .collect();
        let lesson_rows = |ids: Vec<zhurnal_domain::LessonId>| -> Vec<LessonRow> {
            ids.iter()
                .filter_map(|id| sj.lessons.iter().find(|l| l.id == *id))
                .map(|l| {
                    let teacher = j.staff_name(l.teacher);
                    LessonRow {
                        date: date_ru(l.date),
                        number: l.number,
                        subgroup: l.subgroup.map(|g| format!("гр. {g}")).unwrap_or_default(),
                        teacher: if teacher.is_empty() {
                            sj.teacher.clone()
                        } else {
                            teacher.to_string()
                        },
                    }
                })
                .collect()
        };
        let without_topic = lesson_rows(lessons_without_topic(&sj.lessons, today));
        let without_attendance = lesson_rows(lessons_without_attendance(&sj.lessons, today));
        if without_marks.is_empty() && without_topic.is_empty() && without_attendance.is_empty() {
            clean.push(sj.subject.name.clone());
        } else {
            subjects.push(SubjectFindings {
                name: sj.subject.name.clone(),
                teacher: sj.teacher.clone(),
                without_marks,
                without_topic,
                without_attendance,
            });
        }
    }
    Monitoring {
        head: head(j),
        today: date_ru(today),
        lessons: n,
        subjects,
        clean,
    }
}

pub fn markup_monitoring(
    j: &ClassJournal,
    today: NaiveDate,
    templates: &Templates,
) -> Result<String, ReportError> {
    render_markup(templates, MONITORING_TEMPLATE, &monitoring(j, today))
}

pub fn render_monitoring(
    j: &ClassJournal,
    today: NaiveDate,
    templates: &Templates,
) -> Result<Vec<u8>, ReportError> {
    let markup = markup_monitoring(j, today, templates)?;
    crate::render_template_markup(MONITORING_TEMPLATE, &markup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_subject_names_are_cut_before_a_vowel() {
        assert_eq!(abbreviate("Математика"), "Матем.");
        assert_eq!(abbreviate("Физическая культура"), "Физич. культ.");
        assert_eq!(abbreviate("Английский язык"), "Англ. язык");
        assert_eq!(abbreviate("Алгебра"), "Алгебра");
        assert_eq!(abbreviate("Труд (технология)"), "Труд (техн.)");
        assert_eq!(abbreviate("Физика"), "Физика");
    }

    #[test]
    fn a_day_cell_names_the_main_code() {
        let a = Absences {
            missed: 3,
            ill: 1,
            absent: 2,
            ..Default::default()
        };
        assert_eq!(day_cell(&a), "3Н");
        let late = Absences {
            late: 1,
            ..Default::default()
        };
        assert_eq!(day_cell(&late), "О");
        assert_eq!(day_cell(&Absences::default()), "");
    }
}
