//! The rules that differ between schools. They live in the school document and are edited by
//! the admin; nothing here is a constant of the program.

use serde::{Deserialize, Serialize};

/// Where a weighted average turns into the next mark. `min_for[k]` is the smallest average
/// that is rounded to mark `k + 2` (so `[2.5, 3.5, 4.5]` rounds x.5 up "in the student's
/// favour" for 3, 4 and 5); below `min_for[0]` the mark is 2.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rounding {
    pub min_for: [f64; 3],
}

impl Rounding {
    /// The same fraction at every boundary: 0.5 (x.5 → up), 0.6, 0.65…
    pub fn uniform(fraction: f64) -> Self {
        Self {
            min_for: [2.0 + fraction, 3.0 + fraction, 4.0 + fraction],
        }
    }

    /// The mark an average rounds to (2 to 5).
    pub fn round(&self, average: f64) -> u8 {
        // Averages are computed from small integers; an epsilon keeps 4.6 from becoming
        // 4.599999 and losing a mark the student earned.
        let a = average + 1e-9;
        match self.min_for.iter().rposition(|&t| a >= t) {
            Some(i) => i as u8 + 3,
            None => 2,
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        let [a, b, c] = self.min_for;
        if !(2.0 < a && a < 3.0 + 1e-9 && 3.0 < b && b < 4.0 + 1e-9 && 4.0 < c && c < 5.0 + 1e-9) {
            return Err("пороги округления должны лежать в (2; 3], (3; 4] и (4; 5]".into());
        }
        Ok(())
    }
}

impl Default for Rounding {
    fn default() -> Self {
        Self::uniform(0.5)
    }
}

/// A school-defined kind of work with the weight of its marks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkType {
    /// Short code stored with the mark (`кр`).
    pub code: String,
    /// Full name (`контрольная работа`).
    pub name: String,
    /// Weight 1–9.
    pub weight: u8,
}

/// School-wide rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchoolSettings {
    pub rounding: Rounding,
    /// Fewer marks than this in a period suggests н/а.
    pub min_marks: u32,
    pub work_types: Vec<WorkType>,
    /// Lessons without a mark after which the class teacher is warned (накопляемость).
    pub monitoring_lessons: u32,
    /// Six-day school week.
    pub saturday: bool,
}

impl Default for SchoolSettings {
    fn default() -> Self {
        Self {
            rounding: Rounding::default(),
            min_marks: 3,
            work_types: vec![
                WorkType {
                    code: "кр".into(),
                    name: "контрольная работа".into(),
                    weight: 2,
                },
                WorkType {
                    code: "пр".into(),
                    name: "практическая работа".into(),
                    weight: 1,
                },
                WorkType {
                    code: "лр".into(),
                    name: "лабораторная работа".into(),
                    weight: 1,
                },
                WorkType {
                    code: "дз".into(),
                    name: "домашнее задание".into(),
                    weight: 1,
                },
            ],
            monitoring_lessons: 5,
            saturday: false,
        }
    }
}

impl SchoolSettings {
    /// The weight of a work type's marks; unknown or absent types weigh 1.
    pub fn weight_of(&self, work: Option<&str>) -> u8 {
        work.and_then(|w| self.work_types.iter().find(|t| t.code == w))
            .map_or(1, |t| t.weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_thresholds_follow_the_school_rule() {
        let half = Rounding::uniform(0.5);
        assert_eq!(half.round(4.5), 5);
        assert_eq!(half.round(4.49), 4);
        assert_eq!(half.round(3.5), 4);
        assert_eq!(half.round(2.5), 3);
        assert_eq!(half.round(2.49), 2);
        assert_eq!(half.round(1.0), 2);
        assert_eq!(half.round(5.0), 5);
        let strict = Rounding::uniform(0.6);
        assert_eq!(strict.round(4.5), 4);
        assert_eq!(strict.round(4.6), 5);
        // 14 / 3 = 4.666…; (4+5+5+4+5)/5 = 4.6 exactly in decimal but not in binary.
        assert_eq!(strict.round((4.0 + 5.0 + 5.0 + 4.0 + 5.0) / 5.0), 5);
        let mixed = Rounding {
            min_for: [2.5, 3.6, 4.65],
        };
        assert_eq!(mixed.round(3.55), 3);
        assert_eq!(mixed.round(4.6), 4);
        assert_eq!(mixed.round(4.65), 5);
        mixed.validate().unwrap();
        assert!(Rounding {
            min_for: [3.5, 3.6, 4.6]
        }
        .validate()
        .is_err());
    }

    #[test]
    fn work_type_weights_come_from_settings() {
        let s = SchoolSettings::default();
        assert_eq!(s.weight_of(Some("кр")), 2);
        assert_eq!(s.weight_of(Some("нет-такого")), 1);
        assert_eq!(s.weight_of(None), 1);
    }
}
