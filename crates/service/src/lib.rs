//! # Use cases
//!
//! What a user does — open the school, find a class and a subject, put a mark, read the whole
//! journal of a class, load a class list — written once here and called by both shells: the
//! `zhurnal` command line and the desktop app. Names typed by a person (class "7Б", subject
//! "Алгебра", student "Иванова Анна") are resolved here, with errors that list what exists.

mod demo;
mod dump;
mod error;
mod reports;
mod roster_import;
pub mod sync;
pub mod view;

pub use demo::{build_docs, create_demo, parse_classes, DemoSummary};
pub use dump::{ClassDump, LessonDump, StudentDump, SubjectDump, DUMP_FORMAT};
pub use error::{Result, RowError, ServiceError};
pub use reports::{templates, Rendered, ReportKind, ReportRequest};
pub use roster_import::{parse_roster, ParsedStudent, RosterRow};
pub use sync::{DocStatus, SyncStatus, SyncSummary};
pub use zhurnal_demo::DemoOptions;

use chrono::NaiveDate;
use std::path::Path;
use zhurnal_domain::{
    Attendance, CellInput, Class, Lesson, LessonId, Marks, StaffId, Student, Subject, SubjectId,
};
use zhurnal_journal::journal::{self, LessonPatch};
use zhurnal_journal::school::School;
use zhurnal_journal::{roster, DocId, DocKind, JournalError};
use zhurnal_store::Store;

/// An open school: the store and the school year in it.
pub struct Zhurnal {
    store: Store,
    year: i32,
}

/// What a single-cell edit did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellOutcome {
    pub lesson: LessonId,
    pub lesson_number: u8,
    pub created_lesson: bool,
    /// The cell as shown after the edit ("Н", "5 4").
    pub shown: String,
}

/// One cell to write — a student's marks and/or attendance in a lesson of a journal — on typed
/// ids: what [`Zhurnal::write_cell`] takes from the app and the command line alike.
#[derive(Clone, Debug)]
pub struct CellWrite<'a> {
    pub doc: DocId,
    pub lesson: LessonId,
    pub student: &'a Student,
    /// New marks of the cell (replacing what was there), if given.
    pub marks: Option<Marks>,
    /// New attendance (`Some(None)` clears it), if given.
    pub attendance: Option<Option<Attendance>>,
    pub author: StaffId,
}

/// Whether `student` may have a cell in `lesson` of `subject`: on the class list that day, and
/// the lesson his subgroup's (or the whole class's). The rule the app, the command line and
/// the lesson a command line edit creates all pass.
pub fn check_cell(lesson: &Lesson, student: &Student, subject: SubjectId) -> Result<()> {
    if let Some(why) = student.off_roll(lesson.date) {
        return Err(ServiceError::NotOnRoll {
            student: student.name.full(),
            date: lesson.date.format("%d.%m.%Y").to_string(),
            reason: why.to_string(),
        });
    }
    if !lesson.is_for(student.subgroups.get(&subject).copied()) {
        return Err(ServiceError::OtherSubgroup {
            student: student.name.full(),
        });
    }
    Ok(())
}

/// A single-cell edit from the shell.
#[derive(Clone, Debug)]
pub struct CellEdit<'a> {
    pub class: &'a str,
    pub subject: &'a str,
    pub date: NaiveDate,
    /// Number of the lesson in the day, when there are several.
    pub lesson: Option<u8>,
    pub student: &'a str,
    /// New marks of the cell (replacing what was there), if given.
    pub marks: Option<Marks>,
    /// New attendance (`Some(None)` clears it), if given.
    pub attendance: Option<Option<Attendance>>,
    /// Who makes the edit; by default the teacher of the subject in this class.
    pub as_staff: Option<&'a str>,
    /// Create the lesson if there is none on that date.
    pub add_lesson: bool,
}

impl Zhurnal {
    /// Opens a store that holds a school (the latest school year in it).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let store = Store::open(path)?;
        let year = store
            .doc_ids()?
            .into_iter()
            .filter(|d| d.kind == DocKind::School)
            .map(|d| d.year)
            .max()
            .ok_or_else(|| ServiceError::NoSchool(path.display().to_string()))?;
        Ok(Self { store, year })
    }

    pub fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn school(&mut self) -> Result<School> {
        Ok(zhurnal_journal::school::school(
            self.store.doc(DocId::school(self.year))?,
        )?)
    }

    /// A class by its name ("7Б", "7 б").
    pub fn class(&mut self, name: &str) -> Result<Class> {
        let school = self.school()?;
        school
            .class_by_name(name)
            .cloned()
            .ok_or_else(|| ServiceError::NoClass {
                name: name.to_string(),
                known: school
                    .classes
                    .iter()
                    .map(|c| c.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// A subject taught in the class, by name (case-insensitive).
    pub fn subject_of(&mut self, class: &Class, name: &str) -> Result<Subject> {
        let school = self.school()?;
        let taught: Vec<&Subject> = class
            .subjects
            .iter()
            .filter_map(|cs| school.subject(cs.subject))
            .collect();
        let want = name.trim().to_lowercase();
        taught
            .iter()
            .find(|s| s.name.to_lowercase() == want)
            .map(|s| (*s).clone())
            .ok_or_else(|| ServiceError::NoSubject {
                class: class.name(),
                name: name.to_string(),
                known: taught
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The class list, alphabetical (everyone who was ever on it this year).
    pub fn students(&mut self, class: &Class) -> Result<Vec<Student>> {
        Ok(roster::students(
            self.store.doc(DocId::roster(self.year, class.id))?,
        )?)
    }

    /// A student by full name or "Фамилия Имя".
    pub fn student(&mut self, class: &Class, name: &str) -> Result<Student> {
        let found: Vec<Student> = self
            .students(class)?
            .into_iter()
            .filter(|s| s.name.matches(name))
            .collect();
        match found.len() {
            1 => Ok(found.into_iter().next().expect("one")),
            0 => Err(ServiceError::NoStudent {
                class: class.name(),
                name: name.to_string(),
            }),
            _ => Err(ServiceError::AmbiguousStudent {
                class: class.name(),
                name: name.to_string(),
            }),
        }
    }

    /// A member of staff by full name or "Фамилия Имя".
    pub fn staff(&mut self, name: &str) -> Result<StaffId> {
        let school = self.school()?;
        school
            .staff
            .iter()
            .find(|s| s.name.matches(name))
            .map(|s| s.id)
            .ok_or_else(|| ServiceError::NoStaff(name.to_string()))
    }

    /// The lessons of a class's subject.
    pub fn lessons(&mut self, class: &Class, subject: &Subject) -> Result<Vec<Lesson>> {
        Ok(journal::lessons(
            self.store
                .doc(DocId::journal(self.year, class.id, subject.id))?,
        )?)
    }

    /// Writes one cell of an existing lesson as one durable change, after [`check_cell`]: the
    /// one write path of a mark or an attendance code, for the app and the command line.
    /// Clearing a cell is always allowed (a mark put by mistake can be taken back after the
    /// student left). Returns the lesson as stored after the change.
    pub fn write_cell(&mut self, w: &CellWrite<'_>) -> Result<Lesson> {
        let subject = w.doc.subject().ok_or_else(|| {
            ServiceError::Invalid("отметки ставятся только в журнал предмета".into())
        })?;
        let lesson = journal::lesson(self.store.doc(w.doc)?, w.lesson)?
            .ok_or(JournalError::NoSuchLesson(w.lesson))?;
        let clears = w.marks.as_ref().is_none_or(Marks::is_empty)
            && w.attendance.is_none_or(|a| a.is_none());
        if !clears {
            check_cell(&lesson, w.student, subject)?;
        }
        let sid = w.student.id;
        let patch = LessonPatch {
            // A code entered means attendance was taken at this lesson.
            attendance_taken: matches!(w.attendance, Some(Some(_))).then_some(true),
            marks: w.marks.iter().map(|m| (sid, m.clone())).collect(),
            attendance: w.attendance.iter().map(|a| (sid, *a)).collect(),
            ..Default::default()
        };
        self.store.edit(w.doc, w.author, |doc, ed| {
            journal::save_lesson(doc, ed, w.lesson, patch)
        })?;
        Ok(journal::lesson(self.store.doc(w.doc)?, w.lesson)?.expect("just written"))
    }

    /// Sets one cell — a student's marks or attendance in one lesson, found by the names and
    /// the date the command line gives — as one durable change ([`Zhurnal::write_cell`]; with
    /// `add_lesson`, the lesson is created with the cell in it).
    pub fn set_cell(&mut self, edit: &CellEdit<'_>) -> Result<CellOutcome> {
        let class = self.class(edit.class)?;
        let subject = self.subject_of(&class, edit.subject)?;
        let student = self.student(&class, edit.student)?;
        let group = student.subgroups.get(&subject.id).copied();
        let taught = class.teaches(subject.id).expect("subject of the class");
        let teacher = taught.teacher_of(group);
        let author = match edit.as_staff {
            Some(name) => self.staff(name)?,
            None => teacher,
        };
        let doc_id = DocId::journal(self.year, class.id, subject.id);
        let candidates: Vec<(LessonId, u8, Option<u8>)> = self
            .store
            .lessons_on(doc_id, edit.date)?
            .into_iter()
            .filter(|(_, _, g)| Lesson::subgroup_is_for(*g, group))
            .filter(|(_, n, _)| edit.lesson.is_none_or(|want| *n == want))
            .collect();
        let date_text = edit.date.format("%d.%m.%Y").to_string();
        let (lesson, created) = match candidates.len() {
            1 => (candidates[0].0, false),
            0 if edit.add_lesson => (LessonId::new_random(), true),
            0 => {
                return Err(ServiceError::NoLesson {
                    subject: subject.name.clone(),
                    date: date_text,
                    group: group
                        .map(|g| format!(" у {g}-й подгруппы"))
                        .unwrap_or_default(),
                })
            }
            _ => {
                return Err(ServiceError::SeveralLessons {
                    subject: subject.name.clone(),
                    date: date_text,
                    numbers: candidates
                        .iter()
                        .map(|(_, n, _)| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        };
        let number = candidates.first().map_or(edit.lesson.unwrap_or(1), |c| c.1);
        let sid = student.id;
        let after = if created {
            // The new lesson with the cell in it, as one change; the same rule first.
            let mut draft = Lesson::with_id(lesson, edit.date, number);
            draft.teacher = Some(teacher);
            draft.subgroup = if taught.is_split() { group } else { None };
            if let Some(m) = &edit.marks {
                draft.marks.insert(sid, m.clone());
            }
            if let Some(Some(a)) = edit.attendance {
                draft.attendance.insert(sid, a);
                draft.attendance_taken = true;
            }
            check_cell(&draft, &student, subject.id)?;
            self.store.create(doc_id)?;
            self.store.edit(doc_id, author, |doc, ed| {
                journal::add_lesson(doc, ed, &draft).map(|_| ())
            })?;
            journal::lesson(self.store.doc(doc_id)?, lesson)?.expect("just written")
        } else {
            self.write_cell(&CellWrite {
                doc: doc_id,
                lesson,
                student: &student,
                marks: edit.marks.clone(),
                attendance: edit.attendance,
                author,
            })?
        };
        let shown = CellInput {
            marks: after.marks.get(&sid).cloned().unwrap_or_default(),
            attendance: after.attendance.get(&sid).copied(),
        }
        .display();
        Ok(CellOutcome {
            lesson,
            lesson_number: number,
            created_lesson: created,
            shown,
        })
    }

    /// Loads a class list from a CSV or XLSX file: every row is checked first, and if any is
    /// wrong nothing is imported. Returns how many students were added.
    pub fn import_roster(&mut self, class_name: &str, file: &Path) -> Result<usize> {
        let class = self.class(class_name)?;
        let existing = self.students(&class)?;
        let rows = roster_import::read_file(file)?;
        let new = roster_import::check_rows(&rows, &existing)?;
        let author = class.class_teacher.ok_or_else(|| {
            ServiceError::Invalid(format!(
                "у класса {} не назначен классный руководитель",
                class.name()
            ))
        })?;
        let n = new.len();
        self.store
            .edit(DocId::roster(self.year, class.id), author, |doc, ed| {
                roster::add_students(doc, ed, &new)
            })?;
        Ok(n)
    }

    /// The whole journal of a class (or of one subject) as plain data for JSON.
    pub fn dump(&mut self, class_name: &str, subject: Option<&str>) -> Result<ClassDump> {
        dump::dump(self, class_name, subject)
    }
}
