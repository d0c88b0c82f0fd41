//! People, classes, subjects and lessons — the plain values that the CRDT documents hold and
//! that reports read. These are snapshots: editing goes through the journal crate.

use crate::calendar::PeriodCode;
use crate::entry::{Attendance, MarkValue, Marks};
use crate::ids::{ClassId, LessonId, MovementId, StaffId, StudentId, SubjectId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Фамилия, имя, отчество.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PersonName {
    pub last: String,
    pub first: String,
    #[serde(default)]
    pub middle: String,
}

impl PersonName {
    /// "Иванова Мария Петровна".
    pub fn full(&self) -> String {
        [&self.last, &self.first, &self.middle]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// "Иванова М. П." — as printed in narrow columns.
    pub fn short(&self) -> String {
        let mut s = self.last.clone();
        for part in [&self.first, &self.middle] {
            if let Some(c) = part.chars().next() {
                s.push(' ');
                s.push(c);
                s.push('.');
            }
        }
        s
    }

    /// Whether `text` names this person: the full name, or "Фамилия Имя", compared without
    /// regard to case or ё/е.
    pub fn matches(&self, text: &str) -> bool {
        let norm = |s: &str| {
            s.to_lowercase()
                .replace('ё', "е")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        let t = norm(text);
        t == norm(&self.full()) || t == norm(&format!("{} {}", self.last, self.first))
    }

    /// Sort key of a class list: alphabetical, ё as е.
    pub fn sort_key(&self) -> String {
        self.full().to_lowercase().replace('ё', "е")
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full())
    }
}

/// Roles of DOMAIN.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Deputy,
    SubjectTeacher,
    ClassTeacher,
    Student,
    Parent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Deputy => "deputy",
            Self::SubjectTeacher => "subject_teacher",
            Self::ClassTeacher => "class_teacher",
            Self::Student => "student",
            Self::Parent => "parent",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "admin" => Self::Admin,
            "deputy" => Self::Deputy,
            "subject_teacher" => Self::SubjectTeacher,
            "class_teacher" => Self::ClassTeacher,
            "student" => Self::Student,
            "parent" => Self::Parent,
            other => return Err(format!("неизвестная роль «{other}»")),
        })
    }
}

/// A member of staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: StaffId,
    pub name: PersonName,
    pub roles: Vec<Role>,
}

/// A subject of the curriculum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub id: SubjectId,
    pub name: String,
    /// Position in the curriculum: the order of the journal's table of contents.
    pub order: u32,
}

/// One weekly timetable slot of a class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimetableSlot {
    /// 1 = Monday … 6 = Saturday.
    pub weekday: u8,
    /// Lesson number in the day (1-based).
    pub number: u8,
    pub subject: SubjectId,
    /// Subgroup taught in this slot (e.g. English group 1), `None` for the whole class.
    pub subgroup: Option<u8>,
}

/// A subject as taught in one class: who teaches it and whether the class is split.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassSubject {
    pub subject: SubjectId,
    pub teacher: StaffId,
    /// Teachers of subgroups 1, 2… when the class is split; empty otherwise.
    #[serde(default)]
    pub subgroup_teachers: Vec<StaffId>,
}

/// A class of one school year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Class {
    pub id: ClassId,
    pub grade: u8,
    pub letter: String,
    pub class_teacher: Option<StaffId>,
    pub subjects: Vec<ClassSubject>,
    pub timetable: Vec<TimetableSlot>,
}

impl Class {
    /// "7Б".
    pub fn name(&self) -> String {
        format!("{}{}", self.grade, self.letter)
    }

    pub fn teaches(&self, subject: SubjectId) -> Option<&ClassSubject> {
        self.subjects.iter().find(|s| s.subject == subject)
    }
}

impl ClassSubject {
    /// Whether the class is split into subgroups for this subject.
    pub fn is_split(&self) -> bool {
        !self.subgroup_teachers.is_empty()
    }

    /// Who teaches subgroup `group` (1, 2…), or the whole class when it is not split, has no
    /// such subgroup, or `group` is `None`.
    pub fn teacher_of(&self, group: Option<u8>) -> StaffId {
        group
            .and_then(|g| self.subgroup_teachers.get(usize::from(g).checked_sub(1)?))
            .copied()
            .unwrap_or(self.teacher)
    }

    /// Whether `staff` teaches the subject here, to the whole class or to a subgroup.
    pub fn taught_by(&self, staff: StaffId) -> bool {
        self.teacher == staff || self.subgroup_teachers.contains(&staff)
    }
}

/// Kind of a movement entry (движение учащихся).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Прибыл — from another school or class.
    Arrival,
    /// Выбыл — left the school.
    Departure,
    /// Переведён в другой класс этой школы.
    Transfer,
}

impl MovementKind {
    pub fn title_ru(self) -> &'static str {
        match self {
            Self::Arrival => "прибыл",
            Self::Departure => "выбыл",
            Self::Transfer => "переведён",
        }
    }
}

/// One movement entry with its order (приказ).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub id: MovementId,
    pub kind: MovementKind,
    pub date: NaiveDate,
    /// Приказ №.
    pub order_no: String,
    /// Where from (arrival) or where to (departure, transfer).
    pub place: String,
}

/// A student of a class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Student {
    pub id: StudentId,
    pub name: PersonName,
    pub birth_date: Option<NaiveDate>,
    pub movements: Vec<Movement>,
    /// Subgroup number per split subject.
    pub subgroups: BTreeMap<SubjectId, u8>,
}

impl Student {
    /// The movements in the order they took effect: by date, and on one day a departure before
    /// an arrival (left one class in the morning, came back by order in the afternoon).
    fn events(&self) -> Vec<&Movement> {
        let mut e: Vec<&Movement> = self.movements.iter().collect();
        e.sort_by_key(|m| (m.date, m.kind == MovementKind::Arrival, m.id));
        e
    }

    /// The spans of days the student is on the class list, `[from, until)`: `None` from is the
    /// start of the year (he was in the class before any movement), `None` until is still on
    /// it. A departure or transfer ends a span (its day is the first day he is gone), an arrival
    /// starts one; a second arrival while on the list, or a departure while off it, changes
    /// nothing.
    pub fn stays(&self) -> Vec<(Option<NaiveDate>, Option<NaiveDate>)> {
        let events = self.events();
        let mut out = Vec::new();
        // Before any movement he is on the list unless the first movement is his arrival.
        let mut open: Option<Option<NaiveDate>> = match events.first().map(|m| m.kind) {
            Some(MovementKind::Arrival) => None,
            _ => Some(None),
        };
        for m in events {
            match (m.kind, open) {
                (MovementKind::Arrival, None) => open = Some(Some(m.date)),
                (MovementKind::Arrival, Some(_)) => {}
                (_, Some(from)) => {
                    out.push((from, Some(m.date)));
                    open = None;
                }
                (_, None) => {}
            }
        }
        if let Some(from) = open {
            out.push((from, None));
        }
        out
    }

    /// The day the student's last stay in the class began, if it began with an arrival during
    /// the year.
    pub fn arrived(&self) -> Option<NaiveDate> {
        self.stays().last().and_then(|s| s.0)
    }

    /// The day the student left the class (departure or transfer), if he is not on its list
    /// now.
    pub fn left(&self) -> Option<NaiveDate> {
        self.stays().last().and_then(|s| s.1)
    }

    /// Whether the student is on the class list on `date`.
    pub fn on_roll(&self, date: NaiveDate) -> bool {
        self.on_roll_during(date, date)
    }

    /// Why the student is not on the class list on `date` (`None`: he is on it).
    pub fn off_roll(&self, date: NaiveDate) -> Option<OffRoll> {
        if self.on_roll(date) {
            return None;
        }
        let stays = self.stays();
        let back = stays.iter().find_map(|s| s.0.filter(|&a| date < a));
        let left = stays
            .iter()
            .filter_map(|s| s.1.filter(|&l| l <= date))
            .max();
        Some(match (left, back) {
            (Some(left), Some(back)) => OffRoll::Between { left, back },
            (Some(left), None) => OffRoll::Left(left),
            (None, Some(back)) => OffRoll::ArrivesOn(back),
            (None, None) => OffRoll::Never,
        })
    }

    /// Whether the student is on the class list on any day from `first` to `last`, both
    /// included.
    pub fn on_roll_during(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.stays()
            .iter()
            .any(|&(from, until)| from.is_none_or(|f| f <= last) && until.is_none_or(|u| first < u))
    }
}

/// Why a student is not on the class list on a day ([`Student::off_roll`]); as text, the
/// reason in Russian («выбыл(а) 15.05.2026»).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffRoll {
    /// Left (departure or transfer) on this day or before, not back by then.
    Left(NaiveDate),
    /// Arrives only later.
    ArrivesOn(NaiveDate),
    /// Left, and comes back later.
    Between { left: NaiveDate, back: NaiveDate },
    /// On the list on no day of the year.
    Never,
}

impl fmt::Display for OffRoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ru = |d: &NaiveDate| d.format("%d.%m.%Y");
        match self {
            OffRoll::Left(l) => write!(f, "выбыл(а) {}", ru(l)),
            OffRoll::ArrivesOn(a) => write!(f, "прибыл(а) только {}", ru(a)),
            OffRoll::Between { left, back } => {
                write!(f, "выбыл(а) {}, вернулся(ась) {}", ru(left), ru(back))
            }
            OffRoll::Never => f.write_str("нет в списке"),
        }
    }
}

/// A lesson with what was recorded in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: LessonId,
    pub date: NaiveDate,
    /// Number in the day (1-based).
    pub number: u8,
    pub subgroup: Option<u8>,
    pub topic: String,
    pub homework: String,
    pub teacher: Option<StaffId>,
    /// Whether the teacher has taken attendance (an empty attendance list then means everyone
    /// was present; without it, it means nobody checked).
    pub attendance_taken: bool,
    pub marks: BTreeMap<StudentId, Marks>,
    pub attendance: BTreeMap<StudentId, Attendance>,
}

/// A parent or legal representative (законный представитель).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parent {
    pub name: PersonName,
    /// "мать", "отец", "опекун"…
    pub relation: String,
    pub workplace: String,
    pub phone: String,
}

/// The personal file of a student: personal data under 152-ФЗ, seen only by the class teacher
/// and the admin, kept in its own document for that reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalData {
    pub address: String,
    pub phone: String,
    pub parents: Vec<Parent>,
    /// The parents' consent to electronic processing: `Some(true)` given, `Some(false)`
    /// refused, `None` not yet asked.
    pub consent: Option<bool>,
}

impl Lesson {
    /// Whether a student of subgroup `group` (`None`: the class is not split for him) has this
    /// lesson: a lesson of the whole class is everyone's, a subgroup's lesson its own.
    pub fn is_for(&self, group: Option<u8>) -> bool {
        Self::subgroup_is_for(self.subgroup, group)
    }

    /// [`Lesson::is_for`] for a lesson known by its subgroup only (the store's projection).
    pub fn subgroup_is_for(lesson: Option<u8>, group: Option<u8>) -> bool {
        lesson.is_none() || group.is_none() || lesson == group
    }

    /// An empty lesson under a fresh random id (see [`LessonId::new_random`]).
    pub fn new(date: NaiveDate, number: u8) -> Self {
        Self::with_id(LessonId::new_random(), date, number)
    }

    /// An empty lesson with the given id.
    pub fn with_id(id: LessonId, date: NaiveDate, number: u8) -> Self {
        Self {
            id,
            date,
            number,
            subgroup: None,
            topic: String::new(),
            homework: String::new(),
            teacher: None,
            attendance_taken: false,
            marks: BTreeMap::new(),
            attendance: BTreeMap::new(),
        }
    }
}

/// Kinds of marks given outside lessons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "period")]
pub enum FinalKind {
    /// Четвертная or полугодовая.
    Period(PeriodCode),
    /// Годовая.
    Year,
    /// Экзаменационная.
    Exam,
    /// Итоговая.
    Final,
}

impl FinalKind {
    /// The key used inside documents: `Q1`, `H2`, `year`, `exam`, `final`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Period(p) => p.as_str(),
            Self::Year => "year",
            Self::Exam => "exam",
            Self::Final => "final",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "year" => Self::Year,
            "exam" => Self::Exam,
            "final" => Self::Final,
            other => match other.parse::<PeriodCode>() {
                Ok(PeriodCode::Year) | Err(_) => return None,
                Ok(p) => Self::Period(p),
            },
        })
    }

    pub fn title_ru(self) -> &'static str {
        match self {
            Self::Period(p) => p.title_ru(),
            Self::Year => "годовая",
            Self::Exam => "экзамен",
            Self::Final => "итоговая",
        }
    }
}

/// A final mark of a student (period, year, exam, final).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalMark {
    pub kind: FinalKind,
    pub student: StudentId,
    pub value: MarkValue,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name() -> PersonName {
        PersonName {
            last: "Ёлкина".into(),
            first: "Анна".into(),
            middle: "Сергеевна".into(),
        }
    }

    #[test]
    fn names_print_and_match_like_a_class_list() {
        let n = name();
        assert_eq!(n.full(), "Ёлкина Анна Сергеевна");
        assert_eq!(n.short(), "Ёлкина А. С.");
        assert!(n.matches("елкина  анна сергеевна"));
        assert!(n.matches("Ёлкина Анна"));
        assert!(!n.matches("Ёлкина"));
    }

    #[test]
    fn a_student_is_on_roll_between_arrival_and_departure() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        let mut s = Student {
            id: StudentId::from_bytes([1; 16]),
            name: name(),
            birth_date: None,
            movements: vec![],
            subgroups: BTreeMap::new(),
        };
        assert!(s.on_roll(d(9, 1)));
        s.movements.push(Movement {
            id: MovementId::from_bytes([2; 16]),
            kind: MovementKind::Arrival,
            date: d(9, 15),
            order_no: "12-у".into(),
            place: "МБОУ СОШ №2".into(),
        });
        s.movements.push(Movement {
            id: MovementId::from_bytes([3; 16]),
            kind: MovementKind::Departure,
            date: d(12, 1),
            order_no: "40-у".into(),
            place: "г. Пермь".into(),
        });
        assert!(!s.on_roll(d(9, 14)));
        assert!(s.on_roll(d(9, 15)));
        assert!(s.on_roll(d(11, 30)));
        assert!(!s.on_roll(d(12, 1)));
        assert_eq!((s.arrived(), s.left()), (Some(d(9, 15)), Some(d(12, 1))));
        assert!(s.on_roll_during(d(11, 1), d(12, 31)));
        assert!(!s.on_roll_during(d(12, 1), d(12, 31)));
    }

    #[test]
    fn a_student_who_left_and_came_back_is_on_roll_again() {
        let d = |m, day| NaiveDate::from_ymd_opt(if m >= 9 { 2025 } else { 2026 }, m, day).unwrap();
        let mv = |n: u8, kind, date| Movement {
            id: MovementId::from_bytes([n; 16]),
            kind,
            date,
            order_no: format!("{n}-у"),
            place: String::new(),
        };
        let mut s = Student {
            id: StudentId::from_bytes([1; 16]),
            name: name(),
            birth_date: None,
            movements: vec![mv(2, MovementKind::Departure, d(11, 10))],
            subgroups: BTreeMap::new(),
        };
        assert!(s.on_roll(d(9, 1)) && !s.on_roll(d(11, 10)));
        assert_eq!(s.left(), Some(d(11, 10)));
        // Back by a new order: on the list again from that day, and not in between.
        s.movements.push(mv(3, MovementKind::Arrival, d(1, 12)));
        assert_eq!(
            s.stays(),
            vec![(None, Some(d(11, 10))), (Some(d(1, 12)), None)]
        );
        assert!(s.on_roll(d(9, 1)) && !s.on_roll(d(12, 1)) && s.on_roll(d(1, 12)));
        assert_eq!((s.arrived(), s.left()), (Some(d(1, 12)), None));
        assert!(!s.on_roll_during(d(11, 10), d(1, 11)));
        assert!(s.on_roll_during(d(11, 10), d(1, 12)));
        // A student who arrives during the year and is never before on the list.
        let t = Student {
            movements: vec![mv(4, MovementKind::Arrival, d(10, 1))],
            ..s.clone()
        };
        assert!(!t.on_roll(d(9, 30)) && t.on_roll(d(10, 1)) && t.on_roll(d(5, 26)));
        // A departure and an arrival on one day: gone in the morning, back the same day.
        let u = Student {
            movements: vec![
                mv(6, MovementKind::Arrival, d(3, 2)),
                mv(5, MovementKind::Departure, d(3, 2)),
            ],
            ..s.clone()
        };
        assert!(u.on_roll(d(3, 1)) && u.on_roll(d(3, 2)));
    }

    #[test]
    fn off_the_roll_says_why_in_the_words_of_the_class_list() {
        let d = |m, day| NaiveDate::from_ymd_opt(if m >= 9 { 2025 } else { 2026 }, m, day).unwrap();
        let mv = |n: u8, kind, date| Movement {
            id: MovementId::from_bytes([n; 16]),
            kind,
            date,
            order_no: format!("{n}-у"),
            place: String::new(),
        };
        let s = Student {
            id: StudentId::from_bytes([1; 16]),
            name: name(),
            birth_date: None,
            movements: vec![
                mv(2, MovementKind::Departure, d(11, 10)),
                mv(3, MovementKind::Arrival, d(1, 12)),
            ],
            subgroups: BTreeMap::new(),
        };
        assert_eq!(s.off_roll(d(9, 1)), None);
        let between = s.off_roll(d(12, 1)).unwrap();
        assert_eq!(
            between,
            OffRoll::Between {
                left: d(11, 10),
                back: d(1, 12)
            }
        );
        assert_eq!(
            between.to_string(),
            "выбыл(а) 10.11.2025, вернулся(ась) 12.01.2026"
        );
        assert_eq!(s.off_roll(d(1, 12)), None);
        let gone = Student {
            movements: vec![mv(2, MovementKind::Departure, d(11, 10))],
            ..s.clone()
        };
        assert_eq!(
            gone.off_roll(d(11, 10)).unwrap().to_string(),
            "выбыл(а) 10.11.2025"
        );
        let late = Student {
            movements: vec![mv(4, MovementKind::Arrival, d(10, 1))],
            ..s.clone()
        };
        assert_eq!(
            late.off_roll(d(9, 30)).unwrap().to_string(),
            "прибыл(а) только 01.10.2025"
        );
    }

    #[test]
    fn a_split_subject_has_a_teacher_per_subgroup_and_lessons_per_subgroup() {
        let (t, g1, g2) = (
            StaffId::from_bytes([1; 16]),
            StaffId::from_bytes([2; 16]),
            StaffId::from_bytes([3; 16]),
        );
        let whole = ClassSubject {
            subject: SubjectId::from_bytes([9; 16]),
            teacher: t,
            subgroup_teachers: vec![],
        };
        assert!(!whole.is_split());
        assert_eq!(whole.teacher_of(Some(1)), t);
        let split = ClassSubject {
            subgroup_teachers: vec![g1, g2],
            ..whole.clone()
        };
        assert!(split.is_split());
        assert_eq!(
            (split.teacher_of(Some(1)), split.teacher_of(Some(2))),
            (g1, g2)
        );
        assert_eq!((split.teacher_of(None), split.teacher_of(Some(3))), (t, t));
        assert_eq!(split.teacher_of(Some(0)), t);
        assert!(split.taught_by(g2) && split.taught_by(t));
        assert!(!whole.taught_by(g2));

        let date = NaiveDate::from_ymd_opt(2025, 9, 3).unwrap();
        let mut l = Lesson::new(date, 1);
        assert!(l.is_for(None) && l.is_for(Some(2)));
        l.subgroup = Some(1);
        assert!(l.is_for(Some(1)) && l.is_for(None) && !l.is_for(Some(2)));
    }

    #[test]
    fn final_kinds_have_stable_keys() {
        for k in [
            FinalKind::Period(PeriodCode::Q1),
            FinalKind::Period(PeriodCode::H2),
            FinalKind::Year,
            FinalKind::Exam,
            FinalKind::Final,
        ] {
            assert_eq!(FinalKind::from_key(k.key()), Some(k));
        }
        assert_eq!(FinalKind::from_key("Q7"), None);
    }
}
