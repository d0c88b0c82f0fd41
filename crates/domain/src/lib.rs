//! # The class journal, as a teacher and a clerk know it
//!
//! This crate is the pure heart of Zhurnal: the words of `DOMAIN.md` as Rust types and the
//! formulas of the reports as functions. It performs no I/O and knows nothing of automerge,
//! SQLite or Tauri; every other crate speaks in its types.
//!
//! * [`ids`] — newtype identifiers (UUIDs) of students, lessons, classes, subjects, staff.
//! * [`calendar`] — the school year, its quarters (grades 2–9) or half-years (10–11), holidays.
//! * [`entry`] — what goes into a journal cell: marks (`5`, `н/а`, `зач`…, with optional work
//!   type and weight) and attendance codes (`Н`, `Б`, `У`, `О`), and the parser of a teacher's
//!   keystrokes into them.
//! * [`model`] — school, classes, subjects, staff, students and their movement, lessons.
//! * [`settings`] — the rules that differ between schools (rounding thresholds, minimum number
//!   of marks, weights of work types).
//! * [`stats`] — the suggested period mark, class results (успеваемость, качество, СОУ) and the
//!   monitoring checks a class teacher runs.

pub mod calendar;
pub mod entry;
pub mod ids;
pub mod login;
pub mod model;
pub mod numerals;
pub mod settings;
pub mod stats;

pub use calendar::{Calendar, Holiday, Period, PeriodCode, PeriodScheme};
pub use entry::{Attendance, CellInput, EntryError, Mark, MarkValue, Marks};
pub use ids::{ClassId, LessonId, MovementId, StaffId, StudentId, SubjectId};
pub use model::{
    Class, ClassSubject, FinalKind, FinalMark, Lesson, Movement, MovementKind, OffRoll, Parent,
    PersonName, PersonalData, Role, Staff, Student, Subject, TimetableSlot,
};
pub use settings::{Rounding, SchoolSettings, WorkType};
