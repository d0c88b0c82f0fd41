//! What every paper document of a class is made from: plain domain values, gathered by the
//! service from the store (or, in tests, from the demo generator). One type for all documents,
//! so that a quarterly copy, a summary sheet and a parent's extract read the same journal.

use std::collections::BTreeMap;
use zhurnal_domain::model::FinalMark;
use zhurnal_domain::{
    Calendar, Class, Lesson, PeriodScheme, SchoolSettings, StaffId, Student, Subject,
};

/// The journal of one subject of the class for the year.
#[derive(Clone, Debug, PartialEq)]
pub struct SubjectJournal {
    pub subject: Subject,
    /// Full name of the subject's teacher (for split subjects, the first subgroup's).
    pub teacher: String,
    /// Lessons by date, number in the day and subgroup (deleted ones left out).
    pub lessons: Vec<Lesson>,
    /// Period, year, exam and final marks.
    pub finals: Vec<FinalMark>,
}

/// The whole journal of one class for one school year.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassJournal {
    /// «МБОУ «Берёзовская средняя общеобразовательная школа»».
    pub school: String,
    /// Full name of the director (for the certification sheet).
    pub director: String,
    /// «2025/2026».
    pub year: String,
    pub calendar: Calendar,
    pub settings: SchoolSettings,
    pub class: Class,
    /// Full name of the class teacher.
    pub class_teacher: String,
    /// Everyone on the class list this year, in class-list order (with their movement).
    pub students: Vec<Student>,
    /// Subjects in curriculum order.
    pub subjects: Vec<SubjectJournal>,
    /// Full names of staff, for the teacher of each lesson.
    pub staff: BTreeMap<StaffId, String>,
}

impl ClassJournal {
    /// Quarters for grades 2–9, half-years for 10–11.
    pub fn scheme(&self) -> PeriodScheme {
        PeriodScheme::for_grade(self.class.grade)
    }

    /// A staff member's full name, or an empty string.
    pub fn staff_name(&self, id: Option<StaffId>) -> &str {
        id.and_then(|id| self.staff.get(&id))
            .map_or("", String::as_str)
    }
}
