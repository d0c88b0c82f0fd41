//! The quarterly / half-year paper copy of a class journal and the stitched, numbered, certified
//! year-end journal.
//!
//! Both are made by one template (`journal_copy.tera`) from [`JournalCopy`]: a title page with
//! the class teacher's certification, contents with the page of every subject's first page,
//! for each subject spreads in the classic layout (left page: students × lesson dates with
//! marks, attendance and the period mark after the period's last lesson; right page: date,
//! topic, homework, teacher), a summary sheet of period (and year) marks and, for the year,
//! the certification sheet «Прошито, пронумеровано и скреплено печатью N (…) листов.».
//!
//! Page numbers are known only after layout: the document is laid out, the contents and the
//! sheet count are filled in from where the pages fell, and it is laid out again until nothing
//! moves (usually twice).

use crate::layout::{PageCount, Pagination};
use crate::{ClassJournal, ProgressMeter, Rendered, ReportError, SubjectJournal, Templates};
use serde::Serialize;
use std::collections::BTreeMap;
use zhurnal_domain::numerals::{certification_sentence, sheets_for_pages, Printing};
use zhurnal_domain::{CellInput, FinalKind, Lesson, MovementKind, PeriodCode, Student, StudentId};

/// The template of both documents.
pub const TEMPLATE: &str = "journal_copy.tera";

/// Lessons on one spread (left and right page).
pub const LESSONS_PER_SPREAD: usize = 14;

/// What the template receives.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JournalCopy {
    /// `period` or `year`.
    pub kind: String,
    pub school: String,
    pub year: String,
    pub class_name: String,
    pub class_teacher: String,
    /// «М. П. Иванова».
    pub class_teacher_initials: String,
    pub director_initials: String,
    /// «1 четверть»; for the year «2025/2026 учебный год».
    pub title: String,
    /// The periods the document covers.
    pub periods: Vec<PeriodTitle>,
    /// Contents: subjects in curriculum order with their first page («» before layout).
    pub contents: Vec<ContentsLine>,
    /// Page of the summary sheet.
    pub summary_page: String,
    /// Page of the certification sheet (year).
    pub certification_page: String,
    pub subjects: Vec<SubjectPages>,
    pub summary: Summary,
    /// The certification sentence of the year journal.
    pub certification: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeriodTitle {
    /// `Q1`.
    pub code: String,
    /// «1 четверть».
    pub title: String,
    /// «1 ч.», «1 п/г».
    pub short: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContentsLine {
    pub name: String,
    pub page: String,
}

/// One subject: its spreads, in period order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubjectPages {
    /// Section id of its first page, `s3`.
    pub id: String,
    pub name: String,
    pub teacher: String,
    pub spreads: Vec<Spread>,
}

/// A left page and the right page facing it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spread {
    /// «1 ч.», the title of the period mark column.
    pub period_short: String,
    /// The subject's section id on its first spread, else empty.
    pub id: String,
    pub period_title: String,
    /// «подгруппа 1», or empty.
    pub subgroup: String,
    /// «стр. 2 из 3» of this subject in this period and subgroup, or empty.
    pub part: String,
    /// Lesson dates, «12.11».
    pub dates: Vec<String>,
    /// Whether the period mark column ends this spread.
    pub period_mark: bool,
    pub rows: Vec<StudentRow>,
    pub lessons: Vec<LessonRow>,
    /// Empty columns that keep the grid the same width on every spread.
    pub blank: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StudentRow {
    pub n: usize,
    pub name: String,
    /// «выб. 12.11», «приб. 12.11», or empty.
    pub note: String,
    pub cells: Vec<String>,
    pub period_mark: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LessonRow {
    pub date: String,
    pub topic: String,
    pub homework: String,
    pub teacher: String,
}

/// Students × subjects × (periods and year).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Column titles under each subject: «1 ч.» … «Год».
    pub columns: Vec<String>,
    /// Subjects split into tables that fit a landscape page.
    pub tables: Vec<SummaryTable>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryTable {
    pub first: bool,
    pub subjects: Vec<String>,
    pub rows: Vec<SummaryRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryRow {
    pub n: usize,
    pub name: String,
    /// Per subject, per column.
    pub marks: Vec<String>,
}

/// The figures of the copy of one period (`Q1`…`Q4` or `H1`, `H2`), without page numbers.
pub fn period_copy(journal: &ClassJournal, period: PeriodCode) -> JournalCopy {
    build(journal, &[period], false)
}

/// The figures of the year journal, without page numbers and sheet count.
pub fn year_journal(journal: &ClassJournal) -> JournalCopy {
    let periods: Vec<PeriodCode> = journal.scheme().periods().to_vec();
    build(journal, &periods, true)
}

/// The copy of one period as layout markup (contents without page numbers).
pub fn markup_period_copy(
    journal: &ClassJournal,
    period: PeriodCode,
    templates: &Templates,
) -> Result<String, ReportError> {
    render_template(&period_copy(journal, period), templates)
}

/// The copy of one period (`Q1`…`Q4` for grades 2–9, `H1`, `H2` for 10–11) as a PDF file.
pub fn render_period_copy(
    journal: &ClassJournal,
    period: PeriodCode,
    templates: &Templates,
) -> Result<Vec<u8>, ReportError> {
    paginate(period_copy(journal, period), None, templates, None).map(|r| r.pdf)
}

/// [`render_period_copy`] reporting progress, with the page count and the final markup.
pub fn render_period_copy_metered(
    journal: &ClassJournal,
    period: PeriodCode,
    templates: &Templates,
    meter: &mut ProgressMeter,
) -> Result<Rendered, ReportError> {
    paginate(period_copy(journal, period), None, templates, Some(meter))
}

/// The year journal as layout markup (contents without page numbers, certification for 0
/// sheets: the real figures need layout, see [`render_year_journal`]).
pub fn markup_year_journal(
    journal: &ClassJournal,
    templates: &Templates,
) -> Result<String, ReportError> {
    render_template(&year_journal(journal), templates)
}

/// The stitched year journal as a PDF file, every page numbered, with the certification sheet
/// counting the sheets of the whole document for `printing`.
pub fn render_year_journal(
    journal: &ClassJournal,
    printing: Printing,
    templates: &Templates,
) -> Result<Vec<u8>, ReportError> {
    paginate(year_journal(journal), Some(printing), templates, None).map(|r| r.pdf)
}

/// [`render_year_journal`] reporting progress, with the page count and the final markup.
pub fn render_year_journal_metered(
    journal: &ClassJournal,
    printing: Printing,
    templates: &Templates,
    meter: &mut ProgressMeter,
) -> Result<Rendered, ReportError> {
    paginate(
        year_journal(journal),
        Some(printing),
        templates,
        Some(meter),
    )
}

/// Lays the document out until its contents and sheet count agree with where the pages fell.
/// The first layout is rough (one pass, page count unknown) and only finds where the pages
/// fall; the second, with the contents filled in, tries that page count first and is usually
/// the last: its pages are where the contents say. The meter is told to expect two layouts of
/// one pass each; a third layout grows its total.
fn paginate(
    mut copy: JournalCopy,
    printing: Option<Printing>,
    templates: &Templates,
    mut meter: Option<&mut ProgressMeter>,
) -> Result<Rendered, ReportError> {
    let mut last: Option<Pagination> = None;
    let mut expected = 0;
    for layouts in 1..=5 {
        let markup = render_template(&copy, templates)?;
        let doc = crate::markup::parse(&markup).map_err(|source| ReportError::TemplateMarkup {
            template: TEMPLATE.to_string(),
            source: Box::new(source),
        })?;
        // The first layout only finds where pages fall (its file would be thrown away).
        let layout_only = layouts == 1;
        let count = match &last {
            None => PageCount::Rough,
            Some(p) => PageCount::Guess(p.pages),
        };
        let laid_out = match meter.as_deref_mut() {
            Some(meter) => {
                let per_layout = doc.sections.len();
                let want = if layouts == 1 { 2 } else { layouts };
                meter.expect(per_layout * (want - expected));
                expected = want;
                crate::layout_metered(&doc, meter, layout_only, count)
            }
            None => crate::layout::render_pdf_ticking(&doc, None, layout_only, count),
        };
        let (bytes, pages) = laid_out.map_err(|source| ReportError::TemplateLayout {
            template: TEMPLATE.to_string(),
            source,
        })?;
        if last.as_ref() == Some(&pages) {
            if let Some(meter) = meter {
                meter.finish();
            }
            return Ok(Rendered {
                pdf: bytes,
                pages: pages.pages,
                markup,
            });
        }
        fill(&mut copy, &pages, printing);
        last = Some(pages);
    }
    Err(ReportError::Template {
        name: TEMPLATE.to_string(),
        message: "номера страниц не устанавливаются: вёрстка меняется от прохода к проходу"
            .to_string(),
    })
}

/// Writes the page numbers (and the sheet count) of a layout into the figures.
fn fill(copy: &mut JournalCopy, pages: &Pagination, printing: Option<Printing>) {
    let page = |id: &str| {
        pages
            .first_pages
            .get(id)
            .map_or_else(String::new, |p| p.to_string())
    };
    for (line, subject) in copy.contents.iter_mut().zip(&copy.subjects) {
        line.page = page(&subject.id);
    }
    copy.summary_page = page("summary");
    copy.certification_page = page("certification");
    if let Some(printing) = printing {
        copy.certification = certification_sentence(sheets_for_pages(pages.pages as u64, printing));
    }
}

fn render_template(copy: &JournalCopy, templates: &Templates) -> Result<String, ReportError> {
    let context = tera::Context::from_serialize(copy).map_err(|e| ReportError::Template {
        name: TEMPLATE.to_string(),
        message: e.to_string(),
    })?;
    templates.render(TEMPLATE, &context)
}

fn build(journal: &ClassJournal, periods: &[PeriodCode], year: bool) -> JournalCopy {
    let scheme_periods = journal.calendar.periods(journal.scheme());
    let ranges: Vec<_> = periods
        .iter()
        .filter_map(|code| scheme_periods.iter().find(|p| p.code == *code))
        .collect();
    let mut subjects: Vec<&SubjectJournal> = journal.subjects.iter().collect();
    subjects.sort_by(|a, b| {
        (a.subject.order, &a.subject.name).cmp(&(b.subject.order, &b.subject.name))
    });
    let pages: Vec<SubjectPages> = subjects
        .iter()
        .enumerate()
        .map(|(i, sj)| {
            let id = format!("s{i}");
            let mut spreads: Vec<Spread> = ranges
                .iter()
                .flat_map(|p| spreads(journal, sj, p.code, |d| p.contains(d)))
                .collect();
            if let Some(first) = spreads.first_mut() {
                first.id = id.clone();
            }
            SubjectPages {
                id,
                name: sj.subject.name.clone(),
                teacher: sj.teacher.clone(),
                spreads,
            }
        })
        .collect();
    let period_titles: Vec<PeriodTitle> = periods
        .iter()
        .map(|p| PeriodTitle {
            code: p.as_str().to_string(),
            title: p.title_ru().to_string(),
            short: short_period(*p),
        })
        .collect();
    let mut kinds: Vec<FinalKind> = periods.iter().map(|p| FinalKind::Period(*p)).collect();
    let mut columns: Vec<String> = period_titles.iter().map(|p| p.short.clone()).collect();
    if year {
        kinds.push(FinalKind::Year);
        columns.push("Год".to_string());
    }
    // A landscape page holds about twenty mark columns beside the names.
    let per_table = (20 / kinds.len()).clamp(1, 16);
    let tables = subjects
        .chunks(per_table)
        .enumerate()
        .map(|(t, chunk)| SummaryTable {
            first: t == 0,
            subjects: chunk.iter().map(|s| s.subject.name.clone()).collect(),
            rows: journal
                .students
                .iter()
                .enumerate()
                .map(|(i, st)| SummaryRow {
                    n: i + 1,
                    name: st.name.short(),
                    marks: chunk
                        .iter()
                        .flat_map(|s| kinds.iter().map(|k| final_mark(s, st.id, *k)))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    JournalCopy {
        kind: if year { "year" } else { "period" }.to_string(),
        school: journal.school.clone(),
        year: journal.year.clone(),
        class_name: journal.class.name(),
        class_teacher: journal.class_teacher.clone(),
        class_teacher_initials: crate::class_results::initials_first(&journal.class_teacher),
        director_initials: crate::class_results::initials_first(&journal.director),
        title: if year {
            format!("{} учебный год", journal.year)
        } else {
            period_titles
                .first()
                .map_or_else(String::new, |p| p.title.clone())
        },
        periods: period_titles,
        contents: pages
            .iter()
            .map(|s| ContentsLine {
                name: s.name.clone(),
                page: String::new(),
            })
            .collect(),
        summary_page: String::new(),
        certification_page: String::new(),
        subjects: pages,
        summary: Summary { columns, tables },
        certification: if year {
            certification_sentence(0)
        } else {
            String::new()
        },
    }
}

fn short_period(p: PeriodCode) -> String {
    match p {
        PeriodCode::Q1 => "1 ч.",
        PeriodCode::Q2 => "2 ч.",
        PeriodCode::Q3 => "3 ч.",
        PeriodCode::Q4 => "4 ч.",
        PeriodCode::H1 => "1 п/г",
        PeriodCode::H2 => "2 п/г",
        PeriodCode::Year => "Год",
    }
    .to_string()
}

fn final_mark(s: &SubjectJournal, student: StudentId, kind: FinalKind) -> String {
    s.finals
        .iter()
        .find(|f| f.student == student && f.kind == kind)
        .map_or_else(String::new, |f| f.value.to_string())
}

/// The spreads of one subject in one period: one run per subgroup (lessons of the whole class
/// first), [`LESSONS_PER_SPREAD`] lessons each.
fn spreads(
    journal: &ClassJournal,
    sj: &SubjectJournal,
    period: PeriodCode,
    in_period: impl Fn(chrono::NaiveDate) -> bool,
) -> Vec<Spread> {
    let mut by_group: BTreeMap<Option<u8>, Vec<&Lesson>> = BTreeMap::new();
    for l in sj.lessons.iter().filter(|l| in_period(l.date)) {
        by_group.entry(l.subgroup).or_default().push(l);
    }
    if by_group.is_empty() {
        by_group.insert(None, Vec::new());
    }
    let mark_of = |student: StudentId| {
        sj.finals
            .iter()
            .find(|f| f.student == student && f.kind == FinalKind::Period(period))
            .map_or_else(String::new, |f| f.value.to_string())
    };
    let mut out = Vec::new();
    for (group, mut lessons) in by_group {
        lessons.sort_by_key(|l| (l.date, l.number));
        let students: Vec<(usize, &Student)> = journal
            .students
            .iter()
            .filter(|s| group.is_none() || s.subgroups.get(&sj.subject.id).copied() == group)
            .enumerate()
            .map(|(i, s)| (i + 1, s))
            .collect();
        let chunks: Vec<&[&Lesson]> = if lessons.is_empty() {
            vec![&[]]
        } else {
            lessons.chunks(LESSONS_PER_SPREAD).collect()
        };
        let count = chunks.len();
        for (k, chunk) in chunks.into_iter().enumerate() {
            let last = k + 1 == count;
            out.push(Spread {
                id: String::new(),
                period_title: period.title_ru().to_string(),
                period_short: short_period(period),
                subgroup: group.map_or_else(String::new, |g| format!("подгруппа {g}")),
                part: if count > 1 {
                    format!("часть {} из {count}", k + 1)
                } else {
                    String::new()
                },
                dates: chunk
                    .iter()
                    .map(|l| l.date.format("%d.%m").to_string())
                    .collect(),
                period_mark: last,
                rows: students
                    .iter()
                    .map(|(n, s)| StudentRow {
                        n: *n,
                        name: s.name.short(),
                        note: movement_note(s),
                        cells: chunk.iter().map(|l| cell(l, s)).collect(),
                        period_mark: if last { mark_of(s.id) } else { String::new() },
                    })
                    .collect(),
                lessons: chunk
                    .iter()
                    .map(|l| LessonRow {
                        date: l.date.format("%d.%m").to_string(),
                        topic: l.topic.clone(),
                        homework: l.homework.clone(),
                        teacher: short_name(journal.staff_name(l.teacher)),
                    })
                    .collect(),
                blank: LESSONS_PER_SPREAD - chunk.len(),
            });
        }
    }
    out
}

/// What the cell of a student in a lesson shows: «Н», «5 4», «О 5»; empty when he was not on
/// the class list that day.
pub fn cell(lesson: &Lesson, student: &Student) -> String {
    if !student.on_roll(lesson.date) {
        return String::new();
    }
    CellInput {
        marks: lesson.marks.get(&student.id).cloned().unwrap_or_default(),
        attendance: lesson.attendance.get(&student.id).copied(),
    }
    .display()
}

/// «выб. 12.11», «приб. 03.02».
fn movement_note(s: &Student) -> String {
    s.movements
        .iter()
        .map(|m| {
            let what = match m.kind {
                MovementKind::Arrival => "приб.",
                MovementKind::Departure | MovementKind::Transfer => "выб.",
            };
            format!("{what} {}", m.date.format("%d.%m"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// «Иванова Мария Петровна» → «Иванова М. П.».
pub fn short_name(full: &str) -> String {
    let parts: Vec<&str> = full.split_whitespace().collect();
    match parts.as_slice() {
        [] => String::new(),
        [last, rest @ ..] => {
            let mut s = last.to_string();
            for p in rest {
                if let Some(c) = p.chars().next() {
                    s.push(' ');
                    s.push(c);
                    s.push('.');
                }
            }
            s
        }
    }
}
