//! Formulas of the class teacher's reports, as DOMAIN.md gives them.
//!
//! * The suggested period mark: the weighted average of the current marks, rounded by the
//!   school's thresholds; fewer marks than the school's minimum suggests н/а.
//! * Class results: students sorted into отличники (only 5), хорошисты (4 and 5), with a
//!   single 3, троечники, неуспевающие (any 2 or 1) and н/а; then
//!   успеваемость % = (n5 + n4 + n3)·100 / N, качество % = (n5 + n4)·100 / N,
//!   СОУ % = (n5·100 + n4·64 + n3·36 + n2·16 + nна·7) / N,
//!   where N counts students (exempt students and those who left before the end of the period
//!   are not counted; н/а students are). [`Tally::base`] says which base a figure uses.
//! * Monitoring: students with no marks over the last N lessons, lessons with no topic, lessons
//!   whose attendance nobody took.

use crate::entry::{Mark, MarkValue};
use crate::ids::{LessonId, StudentId};
use crate::model::{Lesson, Student};
use crate::settings::SchoolSettings;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The weighted average of the numeric marks and how many there were; `None` without any.
/// A mark's weight is its own, else its work type's, else 1.
pub fn weighted_average<'a>(
    marks: impl IntoIterator<Item = &'a Mark>,
    settings: &SchoolSettings,
) -> Option<(f64, u32)> {
    let (mut sum, mut weights, mut count) = (0u32, 0u32, 0u32);
    for m in marks {
        if let MarkValue::Grade(g) = m.value {
            let w = m
                .weight
                .unwrap_or_else(|| settings.weight_of(m.work.as_deref()))
                as u32;
            sum += g as u32 * w;
            weights += w;
            count += 1;
        }
    }
    (weights > 0).then(|| (sum as f64 / weights as f64, count))
}

/// A suggestion for a period mark. The teacher decides; this is only shown beside the column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Weighted average of the numeric marks, if there are any.
    pub average: Option<f64>,
    /// Number of numeric marks.
    pub count: u32,
    /// The suggested mark: a grade, н/а when there are too few marks, осв when the student is
    /// exempt and has no marks.
    pub mark: MarkValue,
}

pub fn suggest_period_mark<'a>(
    marks: impl IntoIterator<Item = &'a Mark>,
    settings: &SchoolSettings,
) -> Suggestion {
    let marks: Vec<&Mark> = marks.into_iter().collect();
    let exempt = marks.iter().any(|m| m.value == MarkValue::Exempt);
    match weighted_average(marks.iter().copied(), settings) {
        Some((avg, count)) if count >= settings.min_marks => Suggestion {
            average: Some(avg),
            count,
            mark: MarkValue::Grade(settings.rounding.round(avg)),
        },
        Some((avg, count)) => Suggestion {
            average: Some(avg),
            count,
            mark: if exempt {
                MarkValue::Exempt
            } else {
                MarkValue::NotAttested
            },
        },
        None => Suggestion {
            average: None,
            count: 0,
            mark: if exempt {
                MarkValue::Exempt
            } else {
                MarkValue::NotAttested
            },
        },
    }
}

/// Where a student stands at the end of a period, from his period marks in all subjects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Отличник: only 5.
    Excellent,
    /// Хорошист: 4 and 5.
    Good,
    /// With a single 3, the rest 4 and 5.
    OneThree,
    /// Троечник: more than one 3, no 2.
    Satisfactory,
    /// Неуспевающий: any 2 (or 1, or незач).
    Failing,
    /// Не аттестован in at least one subject (and no 2).
    NotAttested,
}

/// The category of a student from his period marks; `None` when no mark counts (all exempt or
/// pass marks only) — such a student is left out of N.
pub fn categorize(marks: &[MarkValue]) -> Option<Category> {
    let grades: Vec<u8> = marks.iter().filter_map(|m| m.grade()).collect();
    let failing = grades.iter().any(|&g| g <= 2) || marks.contains(&MarkValue::Fail);
    if failing {
        return Some(Category::Failing);
    }
    if marks.contains(&MarkValue::NotAttested) {
        return Some(Category::NotAttested);
    }
    if grades.is_empty() {
        return None;
    }
    let threes = grades.iter().filter(|&&g| g == 3).count();
    Some(match threes {
        0 if grades.iter().all(|&g| g == 5) => Category::Excellent,
        0 => Category::Good,
        1 => Category::OneThree,
        _ => Category::Satisfactory,
    })
}

/// What N counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    /// N = students counted (a student is counted once).
    Students,
    /// N = marks given (some schools compute quality over marks).
    Marks,
}

impl Base {
    pub fn title_ru(self) -> &'static str {
        match self {
            Self::Students => "от числа учащихся",
            Self::Marks => "от числа отметок",
        }
    }
}

/// Counts behind the three percentages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub n5: u32,
    pub n4: u32,
    pub n3: u32,
    pub n2: u32,
    pub n_na: u32,
    /// N — the base of every percentage.
    pub n: u32,
    /// Sum and count of numeric marks, for the average mark.
    pub grade_sum: u32,
    pub grade_count: u32,
}

impl Tally {
    /// A tally over individual marks: one subject's period marks of a class (base: students,
    /// one mark each), or all marks of a class (base: marks). Exempt and pass marks are not
    /// counted; н/а is; незач counts as a 2.
    pub fn of_marks<'a>(marks: impl IntoIterator<Item = &'a MarkValue>) -> Self {
        let mut t = Tally::default();
        for m in marks {
            match m {
                MarkValue::Grade(5) => t.n5 += 1,
                MarkValue::Grade(4) => t.n4 += 1,
                MarkValue::Grade(3) => t.n3 += 1,
                MarkValue::Grade(_) | MarkValue::Fail => t.n2 += 1,
                MarkValue::NotAttested => t.n_na += 1,
                MarkValue::Pass | MarkValue::Exempt => continue,
            }
            if let MarkValue::Grade(g) = m {
                t.grade_sum += *g as u32;
                t.grade_count += 1;
            }
            t.n += 1;
        }
        t
    }

    /// A tally over student categories (base: students): отличники count as n5, хорошисты
    /// as n4, students with one or more 3 as n3, неуспевающие as n2.
    pub fn of_categories(categories: &[Category]) -> Self {
        let mut t = Tally::default();
        for c in categories {
            match c {
                Category::Excellent => t.n5 += 1,
                Category::Good => t.n4 += 1,
                Category::OneThree | Category::Satisfactory => t.n3 += 1,
                Category::Failing => t.n2 += 1,
                Category::NotAttested => t.n_na += 1,
            }
            t.n += 1;
        }
        t
    }

    fn pct(&self, x: u32) -> Option<f64> {
        (self.n > 0).then(|| x as f64 * 100.0 / self.n as f64)
    }

    /// Успеваемость, %.
    pub fn progress(&self) -> Option<f64> {
        self.pct(self.n5 + self.n4 + self.n3)
    }

    /// Качество знаний, %.
    pub fn quality(&self) -> Option<f64> {
        self.pct(self.n5 + self.n4)
    }

    /// Степень обученности (СОУ), %.
    pub fn sou(&self) -> Option<f64> {
        (self.n > 0).then(|| {
            (self.n5 * 100 + self.n4 * 64 + self.n3 * 36 + self.n2 * 16 + self.n_na * 7) as f64
                / self.n as f64
        })
    }

    /// Average of the numeric marks.
    pub fn average(&self) -> Option<f64> {
        (self.grade_count > 0).then(|| self.grade_sum as f64 / self.grade_count as f64)
    }
}

/// A student without marks over the last lessons of a subject (накопляемость).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoMarksFinding {
    pub student: StudentId,
    /// Lessons of the subject he attended the class for, counted back from the last one.
    pub lessons: u32,
    /// Date of his last numeric or other mark in this subject, if any.
    pub last_mark: Option<NaiveDate>,
}

/// Students who had no mark in any of the last `n` lessons of a subject that they were on the
/// roll for (and, for a split class, in their own subgroup). A student who has been on the
/// roll for fewer than `n` lessons is not reported yet.
pub fn students_without_marks(
    lessons: &[Lesson],
    students: &[Student],
    subject_split: Option<crate::ids::SubjectId>,
    n: u32,
    today: NaiveDate,
) -> Vec<NoMarksFinding> {
    let mut sorted: Vec<&Lesson> = lessons.iter().filter(|l| l.date <= today).collect();
    sorted.sort_by_key(|l| (l.date, l.number));
    let mut out = Vec::new();
    for s in students {
        if !s.on_roll(today) {
            continue;
        }
        let group = subject_split.and_then(|subj| s.subgroups.get(&subj).copied());
        let own: Vec<&&Lesson> = sorted
            .iter()
            .filter(|l| s.on_roll(l.date))
            .filter(|l| l.subgroup.is_none() || group.is_none() || l.subgroup == group)
            .collect();
        let last_mark = own
            .iter()
            .rev()
            .find(|l| l.marks.get(&s.id).is_some_and(|m| !m.is_empty()))
            .map(|l| l.date);
        let tail = own.iter().rev().take(n as usize);
        let without = tail
            .clone()
            .take_while(|l| l.marks.get(&s.id).is_none_or(|m| m.is_empty()))
            .count() as u32;
        if own.len() as u32 >= n && without >= n {
            out.push(NoMarksFinding {
                student: s.id,
                lessons: without,
                last_mark,
            });
        }
    }
    out
}

/// Lessons up to `today` with an empty topic.
pub fn lessons_without_topic(lessons: &[Lesson], today: NaiveDate) -> Vec<LessonId> {
    let mut v: Vec<&Lesson> = lessons
        .iter()
        .filter(|l| l.date <= today && l.topic.trim().is_empty())
        .collect();
    v.sort_by_key(|l| (l.date, l.number));
    v.into_iter().map(|l| l.id).collect()
}

/// Lessons up to `today` where attendance was never taken.
pub fn lessons_without_attendance(lessons: &[Lesson], today: NaiveDate) -> Vec<LessonId> {
    let mut v: Vec<&Lesson> = lessons
        .iter()
        .filter(|l| l.date <= today && !l.attendance_taken && l.attendance.is_empty())
        .collect();
    v.sort_by_key(|l| (l.date, l.number));
    v.into_iter().map(|l| l.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Marks;
    use crate::model::PersonName;
    use crate::settings::Rounding;
    use std::collections::BTreeMap;

    fn marks(stored: &str) -> Vec<Mark> {
        Marks::from_stored(stored).unwrap().0
    }

    #[test]
    fn weighted_average_uses_work_type_and_explicit_weights() {
        let s = SchoolSettings::default();
        // (5·1 + 3·2 + 4·3) / (1 + 2 + 3) = 23 / 6 = 3.8333…
        let (avg, n) = weighted_average(&marks("5 3:кр 4*3 н/а"), &s).unwrap();
        assert!((avg - 23.0 / 6.0).abs() < 1e-12);
        assert_eq!(n, 3);
        assert_eq!(weighted_average(&marks("зач осв"), &s), None);
    }

    #[test]
    fn suggested_mark_rounds_by_school_rule_and_needs_enough_marks() {
        let mut s = SchoolSettings::default();
        // 5 5 4 4 → 4.5 → 5 with x.5, 4 with x.6.
        assert_eq!(
            suggest_period_mark(&marks("5 5 4 4"), &s).mark,
            MarkValue::Grade(5)
        );
        s.rounding = Rounding::uniform(0.6);
        assert_eq!(
            suggest_period_mark(&marks("5 5 4 4"), &s).mark,
            MarkValue::Grade(4)
        );
        // Two marks, minimum three → н/а, but the average is still shown.
        let two = suggest_period_mark(&marks("5 5"), &s);
        assert_eq!(two.mark, MarkValue::NotAttested);
        assert_eq!(two.average, Some(5.0));
        assert_eq!(two.count, 2);
        s.min_marks = 2;
        assert_eq!(
            suggest_period_mark(&marks("5 5"), &s).mark,
            MarkValue::Grade(5)
        );
        assert_eq!(
            suggest_period_mark(&marks("осв"), &s).mark,
            MarkValue::Exempt
        );
        assert_eq!(
            suggest_period_mark(&marks(""), &s).mark,
            MarkValue::NotAttested
        );
        // 2 2 3 → 2.33 → 2.
        assert_eq!(
            suggest_period_mark(&marks("2 2 3"), &s).mark,
            MarkValue::Grade(2)
        );
    }

    #[test]
    fn categories_follow_the_class_results_report() {
        use MarkValue::*;
        assert_eq!(
            categorize(&[Grade(5), Grade(5), Pass]),
            Some(Category::Excellent)
        );
        assert_eq!(categorize(&[Grade(5), Grade(4)]), Some(Category::Good));
        assert_eq!(
            categorize(&[Grade(5), Grade(3), Grade(4)]),
            Some(Category::OneThree)
        );
        assert_eq!(
            categorize(&[Grade(3), Grade(3), Grade(4)]),
            Some(Category::Satisfactory)
        );
        assert_eq!(
            categorize(&[Grade(5), Grade(2), NotAttested]),
            Some(Category::Failing)
        );
        assert_eq!(
            categorize(&[Grade(5), NotAttested]),
            Some(Category::NotAttested)
        );
        assert_eq!(categorize(&[Exempt, Pass]), None);
    }

    #[test]
    fn class_percentages_match_hand_computation() {
        // 25 students: 3 отличника, 8 хорошистов, 2 с одной «3», 8 троечников,
        // 2 неуспевающих, 2 н/а.
        let mut cats = vec![Category::Excellent; 3];
        cats.extend([Category::Good; 8]);
        cats.extend([Category::OneThree; 2]);
        cats.extend([Category::Satisfactory; 8]);
        cats.extend([Category::Failing; 2]);
        cats.extend([Category::NotAttested; 2]);
        let t = Tally::of_categories(&cats);
        assert_eq!((t.n5, t.n4, t.n3, t.n2, t.n_na, t.n), (3, 8, 10, 2, 2, 25));
        // успеваемость = 21·100/25 = 84; качество = 11·100/25 = 44;
        // СОУ = (300 + 512 + 360 + 32 + 14) / 25 = 1218 / 25 = 48.72.
        assert_eq!(t.progress(), Some(84.0));
        assert_eq!(t.quality(), Some(44.0));
        assert!((t.sou().unwrap() - 48.72).abs() < 1e-9);
        assert_eq!(Tally::of_categories(&[]).progress(), None);
    }

    #[test]
    fn subject_tally_counts_marks_and_skips_exempt() {
        use MarkValue::*;
        let m = [
            Grade(5),
            Grade(4),
            Grade(4),
            Grade(3),
            Grade(2),
            NotAttested,
            Exempt,
            Pass,
        ];
        let t = Tally::of_marks(&m);
        assert_eq!((t.n5, t.n4, t.n3, t.n2, t.n_na, t.n), (1, 2, 1, 1, 1, 6));
        // СОУ = (100 + 128 + 36 + 16 + 7) / 6 = 287 / 6.
        assert!((t.sou().unwrap() - 287.0 / 6.0).abs() < 1e-9);
        assert!((t.progress().unwrap() - 400.0 / 6.0).abs() < 1e-9);
        // Average over numeric marks only: 18 / 5.
        assert_eq!(t.average(), Some(3.6));
    }

    fn lesson(day: u32, marks_of: &[(StudentId, &str)], topic: &str) -> Lesson {
        Lesson {
            id: LessonId::from_bytes([day as u8; 16]),
            date: NaiveDate::from_ymd_opt(2025, 9, day).unwrap(),
            number: 1,
            subgroup: None,
            topic: topic.into(),
            homework: String::new(),
            teacher: None,
            attendance_taken: day.is_multiple_of(2),
            marks: marks_of
                .iter()
                .map(|(s, m)| (*s, Marks::from_stored(m).unwrap()))
                .collect(),
            attendance: BTreeMap::new(),
        }
    }

    fn student(b: u8) -> Student {
        Student {
            id: StudentId::from_bytes([b; 16]),
            name: PersonName {
                last: format!("Ученик{b}"),
                first: "И".into(),
                middle: String::new(),
            },
            birth_date: None,
            movements: vec![],
            subgroups: BTreeMap::new(),
        }
    }

    #[test]
    fn monitoring_finds_students_without_marks_and_lessons_without_topic() {
        let (a, b) = (student(1), student(2));
        let lessons = vec![
            lesson(1, &[(a.id, "5"), (b.id, "4")], "Тема 1"),
            lesson(2, &[(b.id, "3")], ""),
            lesson(3, &[], "Тема 3"),
            lesson(4, &[], "Тема 4"),
        ];
        let today = NaiveDate::from_ymd_opt(2025, 9, 30).unwrap();
        let found = students_without_marks(&lessons, &[a.clone(), b.clone()], None, 3, today);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].student, a.id);
        assert_eq!(found[0].lessons, 3);
        assert_eq!(found[0].last_mark, NaiveDate::from_ymd_opt(2025, 9, 1));
        // With a window of 4 lessons, nobody: a had a mark in the 4th from the end.
        assert!(students_without_marks(&lessons, &[a, b], None, 4, today).is_empty());
        assert_eq!(lessons_without_topic(&lessons, today), vec![lessons[1].id]);
        assert_eq!(
            lessons_without_attendance(&lessons, today),
            vec![lessons[0].id, lessons[2].id]
        );
    }
}
