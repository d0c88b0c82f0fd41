//! The school year: its periods (четверти for grades 2–9, полугодия for 10–11) and holidays.
//! The dates are school settings; [`Calendar::standard`] gives the common Russian pattern.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A marking period, or the whole year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PeriodCode {
    Q1,
    Q2,
    Q3,
    Q4,
    H1,
    H2,
    Year,
}

impl PeriodCode {
    pub const QUARTERS: [PeriodCode; 4] = [Self::Q1, Self::Q2, Self::Q3, Self::Q4];
    pub const HALVES: [PeriodCode; 2] = [Self::H1, Self::H2];

    /// The code used in documents and on the command line (`Q1`, `H2`, `year`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Q1 => "Q1",
            Self::Q2 => "Q2",
            Self::Q3 => "Q3",
            Self::Q4 => "Q4",
            Self::H1 => "H1",
            Self::H2 => "H2",
            Self::Year => "year",
        }
    }

    /// The Russian name, as printed on paper ("1 четверть", "2 полугодие", "год").
    pub fn title_ru(self) -> &'static str {
        match self {
            Self::Q1 => "1 четверть",
            Self::Q2 => "2 четверть",
            Self::Q3 => "3 четверть",
            Self::Q4 => "4 четверть",
            Self::H1 => "1 полугодие",
            Self::H2 => "2 полугодие",
            Self::Year => "год",
        }
    }
}

impl fmt::Display for PeriodCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PeriodCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_lowercase().as_str() {
            "q1" => Self::Q1,
            "q2" => Self::Q2,
            "q3" => Self::Q3,
            "q4" => Self::Q4,
            "h1" => Self::H1,
            "h2" => Self::H2,
            "year" | "год" => Self::Year,
            _ => {
                return Err(format!(
                    "неизвестный период «{}»: ожидается Q1–Q4, H1, H2 или year",
                    s.trim()
                ))
            }
        })
    }
}

/// Quarters or half-years: grades 2–9 are marked by quarter, 10–11 by half-year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodScheme {
    Quarters,
    Halves,
}

impl PeriodScheme {
    pub fn for_grade(grade: u8) -> Self {
        if grade >= 10 {
            Self::Halves
        } else {
            Self::Quarters
        }
    }

    pub fn periods(self) -> &'static [PeriodCode] {
        match self {
            Self::Quarters => &PeriodCode::QUARTERS,
            Self::Halves => &PeriodCode::HALVES,
        }
    }
}

/// One period with its first and last day (inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub code: PeriodCode,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// Holidays (каникулы) or single days off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The calendar of one school year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// The calendar year in which the school year starts (2025 for 2025/26).
    pub start_year: i32,
    /// Four quarters, in order.
    pub quarters: Vec<Period>,
    /// Two half-years, in order.
    pub halves: Vec<Period>,
    pub holidays: Vec<Holiday>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid calendar date")
}

impl Calendar {
    /// The usual pattern of a Russian school year starting on 1 September of `start_year`:
    /// autumn, winter, spring holidays, and a week off in February for grade 1 left out.
    pub fn standard(start_year: i32) -> Self {
        let y = start_year;
        let n = y + 1;
        let quarters = vec![
            Period {
                code: PeriodCode::Q1,
                start: d(y, 9, 1),
                end: d(y, 10, 26),
            },
            Period {
                code: PeriodCode::Q2,
                start: d(y, 11, 5),
                end: d(y, 12, 28),
            },
            Period {
                code: PeriodCode::Q3,
                start: d(n, 1, 9),
                end: d(n, 3, 22),
            },
            Period {
                code: PeriodCode::Q4,
                start: d(n, 3, 31),
                end: d(n, 5, 26),
            },
        ];
        let halves = vec![
            Period {
                code: PeriodCode::H1,
                start: d(y, 9, 1),
                end: d(y, 12, 28),
            },
            Period {
                code: PeriodCode::H2,
                start: d(n, 1, 9),
                end: d(n, 5, 26),
            },
        ];
        let holidays = vec![
            Holiday {
                name: "Осенние каникулы".into(),
                start: d(y, 10, 27),
                end: d(y, 11, 4),
            },
            Holiday {
                name: "Зимние каникулы".into(),
                start: d(y, 12, 29),
                end: d(n, 1, 8),
            },
            Holiday {
                name: "Праздничный день".into(),
                start: d(n, 2, 23),
                end: d(n, 2, 23),
            },
            Holiday {
                name: "Праздничный день".into(),
                start: d(n, 3, 8),
                end: d(n, 3, 8),
            },
            Holiday {
                name: "Весенние каникулы".into(),
                start: d(n, 3, 23),
                end: d(n, 3, 30),
            },
            Holiday {
                name: "Праздничные дни".into(),
                start: d(n, 5, 1),
                end: d(n, 5, 1),
            },
            Holiday {
                name: "Праздничные дни".into(),
                start: d(n, 5, 9),
                end: d(n, 5, 9),
            },
        ];
        Self {
            start_year,
            quarters,
            halves,
            holidays,
        }
    }

    /// "2025/2026".
    pub fn label(&self) -> String {
        format!("{}/{}", self.start_year, self.start_year + 1)
    }

    pub fn periods(&self, scheme: PeriodScheme) -> &[Period] {
        match scheme {
            PeriodScheme::Quarters => &self.quarters,
            PeriodScheme::Halves => &self.halves,
        }
    }

    /// The period (of the scheme) a date falls in; `None` in holidays and outside the year.
    pub fn period_of(&self, scheme: PeriodScheme, date: NaiveDate) -> Option<PeriodCode> {
        self.periods(scheme)
            .iter()
            .find(|p| p.contains(date))
            .map(|p| p.code)
    }

    /// First and last day of a period; for [`PeriodCode::Year`] the whole year.
    pub fn bounds(&self, code: PeriodCode) -> Option<(NaiveDate, NaiveDate)> {
        if code == PeriodCode::Year {
            let first = self.quarters.first()?.start.min(self.halves.first()?.start);
            let last = self.quarters.last()?.end.max(self.halves.last()?.end);
            return Some((first, last));
        }
        self.quarters
            .iter()
            .chain(&self.halves)
            .find(|p| p.code == code)
            .map(|p| (p.start, p.end))
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays
            .iter()
            .any(|h| h.start <= date && date <= h.end)
    }

    /// A school day: inside a period, not a holiday, Monday to Friday (a five-day week; a
    /// six-day school passes `saturday = true`).
    pub fn is_school_day(&self, date: NaiveDate, saturday: bool) -> bool {
        let weekday_ok = match date.weekday() {
            Weekday::Sun => false,
            Weekday::Sat => saturday,
            _ => true,
        };
        weekday_ok
            && !self.is_holiday(date)
            && self
                .quarters
                .iter()
                .chain(&self.halves)
                .any(|p| p.contains(date))
    }

    /// Checks that periods are ordered, do not overlap and start before they end.
    pub fn validate(&self) -> Result<(), String> {
        for (name, list) in [("четверти", &self.quarters), ("полугодия", &self.halves)]
        {
            for p in list {
                if p.start > p.end {
                    return Err(format!(
                        "{}: {} начинается позже, чем кончается",
                        name,
                        p.code.title_ru()
                    ));
                }
            }
            for w in list.windows(2) {
                if w[0].end >= w[1].start {
                    return Err(format!(
                        "{}: {} и {} пересекаются",
                        name,
                        w[0].code.title_ru(),
                        w[1].code.title_ru()
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_two_to_nine_use_quarters_and_ten_eleven_halves() {
        assert_eq!(PeriodScheme::for_grade(2), PeriodScheme::Quarters);
        assert_eq!(PeriodScheme::for_grade(9), PeriodScheme::Quarters);
        assert_eq!(PeriodScheme::for_grade(10), PeriodScheme::Halves);
        assert_eq!(PeriodScheme::for_grade(11), PeriodScheme::Halves);
    }

    #[test]
    fn standard_calendar_is_valid_and_holidays_are_not_school_days() {
        let c = Calendar::standard(2025);
        c.validate().unwrap();
        assert_eq!(c.label(), "2025/2026");
        // 1 Sep 2025 is a Monday.
        assert!(c.is_school_day(d(2025, 9, 1), false));
        assert!(!c.is_school_day(d(2025, 9, 6), false)); // Saturday
        assert!(c.is_school_day(d(2025, 9, 6), true));
        assert!(!c.is_school_day(d(2025, 10, 29), false)); // autumn holidays
        assert_eq!(
            c.period_of(PeriodScheme::Quarters, d(2025, 11, 5)),
            Some(PeriodCode::Q2)
        );
        assert_eq!(
            c.period_of(PeriodScheme::Halves, d(2025, 11, 5)),
            Some(PeriodCode::H1)
        );
        assert_eq!(c.period_of(PeriodScheme::Quarters, d(2025, 10, 30)), None);
        assert_eq!(
            c.bounds(PeriodCode::Year),
            Some((d(2025, 9, 1), d(2026, 5, 26)))
        );
    }

    #[test]
    fn overlapping_periods_are_rejected() {
        let mut c = Calendar::standard(2025);
        c.quarters[1].start = d(2025, 10, 20);
        assert!(c.validate().unwrap_err().contains("пересекаются"));
    }

    #[test]
    fn period_codes_parse_in_both_cases() {
        assert_eq!("q3".parse::<PeriodCode>().unwrap(), PeriodCode::Q3);
        assert_eq!("year".parse::<PeriodCode>().unwrap(), PeriodCode::Year);
        assert!("Q5".parse::<PeriodCode>().unwrap_err().contains("Q5"));
    }
}
