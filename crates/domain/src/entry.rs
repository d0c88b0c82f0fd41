//! What a journal cell holds: zero or more marks and at most one attendance code.
//!
//! Two encodings live here:
//! * the **stored form** of a cell's marks, one compact string per cell (`"5 4:кр 3*2"`), which
//!   is what the CRDT keeps as a single scalar so that two concurrent writes to the same cell
//!   surface as a conflict instead of interleaving;
//! * the **typed form** a teacher enters in the grid (`5`, `54`, `5/4`, `н`, `Б`, `н/а`, `зач`,
//!   `о5` for a late student who answered), parsed by [`CellInput::parse`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Why an entry was refused. The messages are shown to the teacher as they are.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EntryError {
    #[error("«{0}» — не отметка и не код посещаемости. Допустимо: 1–5, н/а, зач, незач, осв, Н, Б, У, О")]
    Unknown(String),
    #[error("в одной клетке может быть только один код посещаемости")]
    TwoAttendanceCodes,
    #[error("ученик отсутствовал ({0}): отметку за этот урок поставить нельзя")]
    MarkWhileAbsent(Attendance),
    #[error("вес отметки «{0}» должен быть целым числом от 1 до 9")]
    BadWeight(String),
    #[error("вид работы «{0}» не может быть пустым или содержать пробел, «:» или «*»")]
    BadWorkType(String),
    #[error("в одной клетке не больше {max} отметок")]
    TooMany { max: usize },
}

/// The value of one mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MarkValue {
    /// 1 to 5.
    Grade(u8),
    /// н/а — not attested.
    NotAttested,
    /// зач — pass.
    Pass,
    /// незач — fail.
    Fail,
    /// осв — exempt.
    Exempt,
}

impl MarkValue {
    /// The numeric grade, if this is one.
    pub fn grade(self) -> Option<u8> {
        match self {
            Self::Grade(g) => Some(g),
            _ => None,
        }
    }
}

impl fmt::Display for MarkValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Grade(g) => write!(f, "{g}"),
            Self::NotAttested => f.write_str("н/а"),
            Self::Pass => f.write_str("зач"),
            Self::Fail => f.write_str("незач"),
            Self::Exempt => f.write_str("осв"),
        }
    }
}

impl FromStr for MarkValue {
    type Err = EntryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_lowercase();
        Ok(match t.as_str() {
            "1" => Self::Grade(1),
            "2" => Self::Grade(2),
            "3" => Self::Grade(3),
            "4" => Self::Grade(4),
            "5" => Self::Grade(5),
            "н/а" | "на" => Self::NotAttested,
            "зач" | "зачёт" | "зачет" => Self::Pass,
            "незач" | "незачёт" | "незачет" => Self::Fail,
            "осв" => Self::Exempt,
            _ => return Err(EntryError::Unknown(s.trim().to_string())),
        })
    }
}

impl Serialize for Mark {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Mark {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One mark with an optional work type (a school-defined code such as `кр`) and an optional
/// explicit weight (1–9) that overrides the work type's weight.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mark {
    pub value: MarkValue,
    pub work: Option<String>,
    pub weight: Option<u8>,
}

impl Mark {
    pub fn plain(value: MarkValue) -> Self {
        Self {
            value,
            work: None,
            weight: None,
        }
    }
    pub fn grade(g: u8) -> Self {
        Self::plain(MarkValue::Grade(g))
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value)?;
        if let Some(w) = &self.work {
            write!(f, ":{w}")?;
        }
        if let Some(w) = self.weight {
            write!(f, "*{w}")?;
        }
        Ok(())
    }
}

impl FromStr for Mark {
    type Err = EntryError;
    /// Parses the stored form of one mark: `VALUE[:WORK][*WEIGHT]`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (rest, weight) = match s.rsplit_once('*') {
            Some((rest, w)) => {
                let weight: u8 = w
                    .parse()
                    .map_err(|_| EntryError::BadWeight(w.to_string()))?;
                if !(1..=9).contains(&weight) {
                    return Err(EntryError::BadWeight(w.to_string()));
                }
                (rest, Some(weight))
            }
            None => (s, None),
        };
        let (value, work) = match rest.split_once(':') {
            Some((v, w)) => {
                if w.is_empty() || w.contains([' ', ':', '*']) {
                    return Err(EntryError::BadWorkType(w.to_string()));
                }
                (v, Some(w.to_string()))
            }
            None => (rest, None),
        };
        Ok(Self {
            value: value.parse()?,
            work,
            weight,
        })
    }
}

/// The marks of one cell, in the order they were given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Marks(pub Vec<Mark>);

impl Marks {
    /// At most this many marks in one cell (the paper page has room for about three).
    pub const MAX: usize = 4;

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The stored form: marks separated by single spaces.
    pub fn to_stored(&self) -> String {
        self.to_string()
    }

    /// Parses the stored form; the empty string is an empty cell.
    pub fn from_stored(s: &str) -> Result<Self, EntryError> {
        let marks = s
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<Vec<Mark>, _>>()?;
        if marks.len() > Self::MAX {
            return Err(EntryError::TooMany { max: Self::MAX });
        }
        Ok(Self(marks))
    }
}

impl fmt::Display for Marks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{m}")?;
        }
        Ok(())
    }
}

/// Attendance codes of seed 002 §5.2.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Attendance {
    /// Н — absent without a valid reason.
    #[serde(rename = "Н")]
    Absent,
    /// Б — ill.
    #[serde(rename = "Б")]
    Ill,
    /// У — absent for a valid reason.
    #[serde(rename = "У")]
    Excused,
    /// О — late.
    #[serde(rename = "О")]
    Late,
}

impl Attendance {
    pub const ALL: [Attendance; 4] = [Self::Absent, Self::Ill, Self::Excused, Self::Late];

    pub fn code(self) -> &'static str {
        match self {
            Self::Absent => "Н",
            Self::Ill => "Б",
            Self::Excused => "У",
            Self::Late => "О",
        }
    }

    /// Whether the student missed the lesson (a late student did not).
    pub fn is_missed(self) -> bool {
        !matches!(self, Self::Late)
    }
}

impl fmt::Display for Attendance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Attendance {
    type Err = EntryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "Н" | "н" => Ok(Self::Absent),
            "Б" | "б" => Ok(Self::Ill),
            "У" | "у" => Ok(Self::Excused),
            "О" | "о" => Ok(Self::Late),
            other => Err(EntryError::Unknown(other.to_string())),
        }
    }
}

/// What a teacher typed into one cell of the grid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellInput {
    pub marks: Marks,
    pub attendance: Option<Attendance>,
}

impl CellInput {
    /// Parses a teacher's keystrokes. Accepted, case-insensitive, in any order:
    /// grades `1`–`5` (several digits in a row are several marks: `54`), `н/а`, `зач`, `незач`,
    /// `осв`, and one attendance code `Н`, `Б`, `У`, `О`; separators are spaces, `/` and `,`.
    /// An empty input clears the cell. A mark beside Н, Б or У is refused: a student who was
    /// absent has no mark for that lesson (a late one, О, may have).
    pub fn parse(input: &str) -> Result<Self, EntryError> {
        let lower = input.trim().to_lowercase();
        let mut out = CellInput::default();
        let mut rest = lower.as_str();
        let words = [
            "незачёт",
            "незачет",
            "незач",
            "зачёт",
            "зачет",
            "зач",
            "осв",
            "н/а",
        ];
        while !rest.is_empty() {
            let c = rest.chars().next().expect("not empty");
            if c.is_whitespace() || c == '/' || c == ',' || c == ';' {
                rest = &rest[c.len_utf8()..];
                continue;
            }
            if let Some(w) = words.iter().find(|w| rest.starts_with(**w)) {
                out.marks.0.push(Mark::plain(w.parse()?));
                rest = &rest[w.len()..];
                continue;
            }
            if let Some(g) = c.to_digit(10) {
                if !(1..=5).contains(&g) {
                    return Err(EntryError::Unknown(c.to_string()));
                }
                out.marks.0.push(Mark::grade(g as u8));
                rest = &rest[1..];
                continue;
            }
            if let Ok(a) = c.to_string().parse::<Attendance>() {
                if out.attendance.is_some() {
                    return Err(EntryError::TwoAttendanceCodes);
                }
                out.attendance = Some(a);
                rest = &rest[c.len_utf8()..];
                continue;
            }
            let word: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
            return Err(EntryError::Unknown(word));
        }
        if out.marks.0.len() > Marks::MAX {
            return Err(EntryError::TooMany { max: Marks::MAX });
        }
        if let Some(a) = out.attendance {
            if a.is_missed() && !out.marks.is_empty() {
                return Err(EntryError::MarkWhileAbsent(a));
            }
        }
        Ok(out)
    }

    /// How the cell is shown in the grid and on paper: `Н`, `5`, `5 4`, `О 5`.
    pub fn display(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = self.attendance {
            parts.push(a.code().to_string());
        }
        parts.extend(self.marks.0.iter().map(|m| m.value.to_string()));
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The front end checks what a teacher types with its own copy of this grammar, against a
    /// table of this parser's answers (ui/tests/cell-rust-cases.json). This side of the check:
    /// a change of the grammar here fails until the table (and so the TS parser) follows.
    #[test]
    fn the_front_end_s_table_of_answers_is_still_this_parser_s() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../ui/tests/cell-rust-cases.json"
        );
        let text = std::fs::read_to_string(path).expect("ui/tests/cell-rust-cases.json");
        let rows: Vec<(String, Option<String>, Option<String>)> =
            serde_json::from_str(&text).expect("rows of [input, shown, error]");
        assert!(rows.len() > 1000, "the table has {} rows", rows.len());
        for (input, shown, error) in rows {
            let got = match CellInput::parse(&input) {
                Ok(c) => (Some(c.display()), None),
                Err(e) => (None, Some(e.to_string())),
            };
            assert_eq!(got, (shown, error), "input {input:?}");
        }
    }

    fn grades(list: &[u8]) -> Marks {
        Marks(list.iter().map(|&g| Mark::grade(g)).collect())
    }

    #[test]
    fn teacher_input_is_parsed_like_the_paper_journal() {
        assert_eq!(CellInput::parse("5").unwrap().marks, grades(&[5]));
        assert_eq!(CellInput::parse("54").unwrap().marks, grades(&[5, 4]));
        assert_eq!(CellInput::parse("5/4").unwrap().marks, grades(&[5, 4]));
        assert_eq!(CellInput::parse(" 3 , 2 ").unwrap().marks, grades(&[3, 2]));
        assert_eq!(
            CellInput::parse("н").unwrap().attendance,
            Some(Attendance::Absent)
        );
        assert_eq!(
            CellInput::parse("Б").unwrap().attendance,
            Some(Attendance::Ill)
        );
        assert_eq!(
            CellInput::parse("у").unwrap().attendance,
            Some(Attendance::Excused)
        );
        let late = CellInput::parse("о5").unwrap();
        assert_eq!(late.attendance, Some(Attendance::Late));
        assert_eq!(late.marks, grades(&[5]));
        assert_eq!(late.display(), "О 5");
        assert_eq!(
            CellInput::parse("н/а").unwrap().marks.0[0].value,
            MarkValue::NotAttested
        );
        assert_eq!(
            CellInput::parse("Н/А").unwrap().marks.0[0].value,
            MarkValue::NotAttested
        );
        assert_eq!(
            CellInput::parse("зач").unwrap().marks.0[0].value,
            MarkValue::Pass
        );
        assert_eq!(
            CellInput::parse("незач").unwrap().marks.0[0].value,
            MarkValue::Fail
        );
        assert_eq!(
            CellInput::parse("осв").unwrap().marks.0[0].value,
            MarkValue::Exempt
        );
        assert_eq!(CellInput::parse("").unwrap(), CellInput::default());
    }

    #[test]
    fn nonsense_is_refused_with_a_clear_message() {
        assert_eq!(CellInput::parse("6"), Err(EntryError::Unknown("6".into())));
        assert_eq!(CellInput::parse("0"), Err(EntryError::Unknown("0".into())));
        assert_eq!(CellInput::parse("нб"), Err(EntryError::TwoAttendanceCodes));
        assert_eq!(
            CellInput::parse("н5"),
            Err(EntryError::MarkWhileAbsent(Attendance::Absent))
        );
        assert_eq!(
            CellInput::parse("55555"),
            Err(EntryError::TooMany { max: 4 })
        );
        let msg = CellInput::parse("x").unwrap_err().to_string();
        assert!(msg.contains("«x»") && msg.contains("н/а"), "{msg}");
    }

    #[test]
    fn stored_form_keeps_work_type_and_weight() {
        let m: Marks = Marks::from_stored("5 4:кр 3*2 н/а:дз*1").unwrap();
        assert_eq!(m.0[1].work.as_deref(), Some("кр"));
        assert_eq!(m.0[2].weight, Some(2));
        assert_eq!(m.0[3].value, MarkValue::NotAttested);
        assert_eq!(m.to_stored(), "5 4:кр 3*2 н/а:дз*1");
        assert!(matches!(
            Marks::from_stored("5*0"),
            Err(EntryError::BadWeight(_))
        ));
        assert!(matches!(
            Marks::from_stored("5:"),
            Err(EntryError::BadWorkType(_))
        ));
        assert_eq!(Marks::from_stored("").unwrap(), Marks::default());
    }

    fn arb_mark() -> impl Strategy<Value = Mark> {
        let value = prop_oneof![
            (1u8..=5).prop_map(MarkValue::Grade),
            Just(MarkValue::NotAttested),
            Just(MarkValue::Pass),
            Just(MarkValue::Fail),
            Just(MarkValue::Exempt),
        ];
        let work = proptest::option::of(prop_oneof![
            Just("кр".to_string()),
            Just("дз".to_string()),
            "[a-zа-я]{1,5}"
        ]);
        (value, work, proptest::option::of(1u8..=9)).prop_map(|(value, work, weight)| Mark {
            value,
            work,
            weight,
        })
    }

    proptest! {
        #[test]
        fn stored_form_round_trips(marks in proptest::collection::vec(arb_mark(), 0..=Marks::MAX)) {
            let m = Marks(marks);
            prop_assert_eq!(Marks::from_stored(&m.to_stored()).unwrap(), m);
        }

        #[test]
        fn displayed_input_parses_back(g in proptest::collection::vec(1u8..=5, 0..=4), late in any::<bool>()) {
            let input = CellInput { marks: grades(&g), attendance: late.then_some(Attendance::Late) };
            prop_assert_eq!(CellInput::parse(&input.display()).unwrap(), input);
        }
    }
}
