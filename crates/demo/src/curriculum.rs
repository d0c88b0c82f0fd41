//! The curriculum of a Russian school (ФГОС НОО / ООО / СОО, five-day week): which subjects a
//! grade has, how many hours a week, which are split into subgroups, who teaches them, and what
//! a teacher writes in the "что пройдено на уроке" and "домашнее задание" columns.

mod topics;

use topics::*;

use crate::DemoRng;
use rand::seq::IndexedRandom;
use rand::Rng;

/// A subject of the curriculum, in curriculum order (the order of the journal's contents).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Subj {
    Russian,
    LitReading,
    Literature,
    English,
    Math,
    Algebra,
    Geometry,
    Probability,
    Informatics,
    World,
    History,
    Social,
    Geography,
    Physics,
    Chemistry,
    Biology,
    Music,
    Art,
    Labour,
    PhysEd,
    Safety,
}

/// A group of teachers sharing a speciality; a class takes its teacher from the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Pool {
    /// Учитель начальных классов: one per primary class, who is also its class teacher.
    Primary,
    English,
    Russian,
    Math,
    PhysInf,
    History,
    Geography,
    BioChem,
    Music,
    Labour,
    PhysEd,
}

impl Pool {
    pub(crate) const ALL: [Pool; 11] = [
        Pool::Primary,
        Pool::English,
        Pool::Russian,
        Pool::Math,
        Pool::PhysInf,
        Pool::History,
        Pool::Geography,
        Pool::BioChem,
        Pool::Music,
        Pool::Labour,
        Pool::PhysEd,
    ];

    /// The share of women among teachers of this speciality in a village school.
    pub(crate) fn female_share(self) -> f64 {
        match self {
            Pool::Primary | Pool::English | Pool::Russian => 0.95,
            Pool::Math | Pool::BioChem | Pool::Music | Pool::Geography => 0.85,
            Pool::History => 0.7,
            Pool::PhysInf => 0.5,
            Pool::Labour => 0.4,
            Pool::PhysEd => 0.25,
        }
    }
}

impl Subj {
    pub(crate) const ALL: [Subj; 21] = [
        Subj::Russian,
        Subj::LitReading,
        Subj::Literature,
        Subj::English,
        Subj::Math,
        Subj::Algebra,
        Subj::Geometry,
        Subj::Probability,
        Subj::Informatics,
        Subj::World,
        Subj::History,
        Subj::Social,
        Subj::Geography,
        Subj::Physics,
        Subj::Chemistry,
        Subj::Biology,
        Subj::Music,
        Subj::Art,
        Subj::Labour,
        Subj::PhysEd,
        Subj::Safety,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Subj::Russian => "Русский язык",
            Subj::LitReading => "Литературное чтение",
            Subj::Literature => "Литература",
            Subj::English => "Иностранный язык (английский)",
            Subj::Math => "Математика",
            Subj::Algebra => "Алгебра",
            Subj::Geometry => "Геометрия",
            Subj::Probability => "Вероятность и статистика",
            Subj::Informatics => "Информатика",
            Subj::World => "Окружающий мир",
            Subj::History => "История",
            Subj::Social => "Обществознание",
            Subj::Geography => "География",
            Subj::Physics => "Физика",
            Subj::Chemistry => "Химия",
            Subj::Biology => "Биология",
            Subj::Music => "Музыка",
            Subj::Art => "Изобразительное искусство",
            Subj::Labour => "Труд (технология)",
            Subj::PhysEd => "Физическая культура",
            Subj::Safety => "Основы безопасности и защиты Родины",
        }
    }

    /// Position in the curriculum, 1-based.
    pub(crate) fn order(self) -> u32 {
        self as u32 + 1
    }

    /// Hours a week in `grade`; 0 when the grade does not study the subject.
    pub(crate) fn hours(self, grade: u8) -> u8 {
        use Subj::*;
        match (self, grade) {
            (Russian, 2..=5) => 5,
            (Russian, 6) => 6,
            (Russian, 7) => 4,
            (Russian, 8..=9) => 3,
            (Russian, 10..=11) => 2,
            (LitReading, 2..=4) => 4,
            (Literature, 5..=6 | 9..=11) => 3,
            (Literature, 7..=8) => 2,
            (English, 2..=4) => 2,
            (English, 5..=11) => 3,
            (Math, 2..=4) => 4,
            (Math, 5..=6) => 5,
            (Algebra, 7..=11) => 3,
            (Geometry, 7..=11) => 2,
            (Probability, 7..=11) => 1,
            (Informatics, 7..=11) => 1,
            (World, 2..=4) => 2,
            (History, 5..=11) => 2,
            (Social, 6..=9) => 1,
            (Social, 10..=11) => 2,
            (Geography, 5..=6 | 10..=11) => 1,
            (Geography, 7..=9) => 2,
            (Physics, 7..=8 | 10..=11) => 2,
            (Physics, 9) => 3,
            (Chemistry, 8..=9) => 2,
            (Chemistry, 10..=11) => 1,
            (Biology, 5..=7 | 10..=11) => 1,
            (Biology, 8..=9) => 2,
            (Music, 2..=8) => 1,
            (Art, 2..=7) => 1,
            (Labour, 2..=4 | 8..=9) => 1,
            (Labour, 5..=7) => 2,
            (PhysEd, 2..=4) => 3,
            (PhysEd, 5..=11) => 2,
            (Safety, 8..=11) => 1,
            _ => 0,
        }
    }

    /// Split into two subgroups with different teachers (classes of 25 and more).
    pub(crate) fn split(self) -> bool {
        matches!(self, Subj::English | Subj::Informatics)
    }

    /// Which speciality teaches the subject in `grade`.
    pub(crate) fn pool(self, grade: u8) -> Pool {
        use Subj::*;
        match self {
            Russian | LitReading | Math | World | Art | Labour if grade <= 4 => Pool::Primary,
            English => Pool::English,
            Russian | LitReading | Literature => Pool::Russian,
            Math | Algebra | Geometry | Probability => Pool::Math,
            Physics | Informatics => Pool::PhysInf,
            History | Social => Pool::History,
            Geography => Pool::Geography,
            World | Biology | Chemistry => Pool::BioChem,
            Music | Art => Pool::Music,
            Labour => Pool::Labour,
            PhysEd | Safety => Pool::PhysEd,
        }
    }

    /// Every how many lessons a control work is written, for subjects that have them.
    pub(crate) fn control_every(self) -> Option<u32> {
        use Subj::*;
        match self {
            Russian => Some(14),
            Math | Algebra | English => Some(12),
            Geometry | Physics | Chemistry => Some(10),
            Probability | Informatics | Social | Geography | World => Some(12),
            History | Biology => Some(14),
            Literature => Some(16),
            LitReading | Music | Art | Labour | PhysEd | Safety => None,
        }
    }

    /// Practical or laboratory works: (title, work-type code, every how many lessons).
    pub(crate) fn practice(self) -> Option<(&'static str, &'static str, u32)> {
        use Subj::*;
        match self {
            Physics => Some(("Лабораторная работа", "лр", 7)),
            Biology => Some(("Лабораторная работа", "лр", 6)),
            Chemistry => Some(("Практическая работа", "пр", 8)),
            Geography => Some(("Практическая работа", "пр", 7)),
            Informatics => Some(("Практическая работа", "пр", 4)),
            Labour => Some(("Практическая работа", "пр", 6)),
            World => Some(("Практическая работа", "пр", 10)),
            _ => None,
        }
    }

    /// How much easier than average the marks in this subject come.
    pub(crate) fn mark_bonus(self) -> f64 {
        use Subj::*;
        match self {
            PhysEd | Music => 0.6,
            Art | Labour => 0.5,
            Safety => 0.3,
            World | LitReading => 0.2,
            Algebra | Geometry | Physics | Chemistry => -0.1,
            _ => 0.0,
        }
    }

    /// The word added to a topic taught over several lessons: "… Решение задач".
    pub(crate) fn practice_word(self) -> &'static str {
        use Subj::*;
        match self {
            Math | Algebra | Geometry | Probability | Physics | Chemistry => "Решение задач",
            Russian | English => "Упражнения",
            PhysEd => "Совершенствование техники",
            _ => "Закрепление",
        }
    }

    /// The topics of the subject in `grade`, in the order a year goes through them.
    pub(crate) fn topics(self, grade: u8) -> &'static [&'static str] {
        use Subj::*;
        match self {
            Russian if grade <= 4 => RUSSIAN_PRIMARY,
            Russian if grade <= 9 => RUSSIAN_BASIC,
            Russian => RUSSIAN_SENIOR,
            LitReading => LIT_READING,
            Literature if grade <= 9 => LITERATURE_BASIC,
            Literature => LITERATURE_SENIOR,
            English if grade <= 4 => ENGLISH_PRIMARY,
            English => ENGLISH,
            Math if grade <= 4 => MATH_PRIMARY,
            Math => MATH_BASIC,
            Algebra if grade <= 9 => ALGEBRA_BASIC,
            Algebra => ALGEBRA_SENIOR,
            Geometry if grade <= 9 => GEOMETRY_BASIC,
            Geometry => GEOMETRY_SENIOR,
            Probability => PROBABILITY,
            Informatics => INFORMATICS,
            World => WORLD,
            History if grade <= 9 => HISTORY_BASIC,
            History => HISTORY_SENIOR,
            Social => SOCIAL,
            Geography if grade <= 9 => GEOGRAPHY_BASIC,
            Geography => GEOGRAPHY_SENIOR,
            Physics if grade <= 9 => PHYSICS_BASIC,
            Physics => PHYSICS_SENIOR,
            Chemistry if grade <= 9 => CHEMISTRY_BASIC,
            Chemistry => CHEMISTRY_SENIOR,
            Biology if grade <= 9 => BIOLOGY_BASIC,
            Biology => BIOLOGY_SENIOR,
            Music => MUSIC,
            Art => ART,
            Labour => LABOUR,
            PhysEd => PHYS_ED,
            Safety => SAFETY,
        }
    }

    /// The homework of a lesson: `topic_no` is the 0-based topic (the textbook paragraph),
    /// `lesson_no` the 0-based lesson of the year (pages and exercises grow with it).
    pub(crate) fn homework(
        self,
        grade: u8,
        topic_no: usize,
        lesson_no: usize,
        rng: &mut DemoRng,
    ) -> String {
        use Subj::*;
        let p = topic_no + 1;
        let page = 3 + (lesson_no * 3 / 2) % 150 + rng.random_range(0..2);
        let ex = 2 + lesson_no * 3 / 2 + rng.random_range(0..3);
        let no = 10 + lesson_no * 4 + rng.random_range(0..4);
        let questions = rng.random_range(3..=6);
        let pick = rng.random_range(0..4u8);
        let empty_share = match self {
            PhysEd => 1.0,
            Music => 0.85,
            Art | Labour => 0.8,
            Safety => 0.4,
            _ => 0.08,
        };
        if rng.random_bool(empty_share) {
            return String::new();
        }
        match self {
            Russian if grade <= 4 => match pick {
                0 => format!("с. {page}, упр. {ex}, словарные слова"),
                _ => format!("с. {page}, упр. {ex}"),
            },
            Russian => match pick {
                0 => format!("§ {p}, выучить правило, упр. {ex}"),
                1 => format!("§ {p}, упр. {ex}, {}", ex + 2),
                _ => format!("§ {p}, упр. {ex}"),
            },
            LitReading => match pick {
                0 => "выучить стихотворение наизусть".to_string(),
                1 => format!("с. {page}, ответить на вопросы"),
                _ => format!("с. {page}–{}, выразительное чтение", page + 4),
            },
            Literature => match pick {
                0 => format!("прочитать с. {page}–{}", page + 14),
                1 => format!("с. {page}, вопросы 1–{questions}"),
                2 => "выучить наизусть отрывок".to_string(),
                _ => "подготовить пересказ".to_string(),
            },
            English => match pick {
                0 => format!("рабочая тетрадь, с. {page}"),
                1 => format!("с. {page}, выучить слова"),
                _ => format!("с. {page}, упр. {}", 1 + ex % 9),
            },
            Math if grade <= 4 => format!("с. {page}, № {}, {}", 1 + ex % 8, 2 + ex % 8),
            Math => match pick {
                0 => format!("п. {p}, № {no}, {}", no + 2),
                _ => format!("№ {no}, {}, {}", no + 2, no + 5),
            },
            Algebra => format!("§ {p}, № {no}, {}", no + 3),
            Geometry => match pick {
                0 => format!("п. {p}, задачи {}, {}", no / 2, no / 2 + 1),
                _ => format!("п. {p}, № {}", no / 2),
            },
            Probability => format!("§ {p}, задачи {}, {}", 1 + no % 7, 2 + no % 7),
            Informatics => format!("§ {p}, вопросы 1–{questions}"),
            World => match pick {
                0 => format!("рабочая тетрадь, с. {page}"),
                _ => format!("с. {page}–{}, ответить на вопросы", page + 3),
            },
            History | Social | Biology => match pick {
                0 => format!("§ {p}, пересказ"),
                _ => format!("§ {p}, вопросы 1–{questions}"),
            },
            Geography => match pick {
                0 => format!("§ {p}, контурная карта"),
                _ => format!("§ {p}, вопросы 1–{questions}"),
            },
            Physics => match pick {
                0 => format!("§ {p}, вопросы"),
                _ => format!("§ {p}, упр. {}", 1 + p / 2),
            },
            Chemistry => match pick {
                0 => format!("§ {p}, задача {}", 1 + no % 5),
                _ => format!("§ {p}, упр. {}", 1 + no % 8),
            },
            Music => "выучить слова песни".to_string(),
            Art => "принести альбом и краски".to_string(),
            Labour => "принести материалы к уроку".to_string(),
            Safety => format!("§ {p}"),
            PhysEd => String::new(),
        }
    }
}

/// A random element of a non-empty list.
pub(crate) fn pick<'a>(rng: &mut DemoRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).expect("non-empty list")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_load_fits_a_five_day_week() {
        for grade in 2..=11u8 {
            let total: u32 = Subj::ALL.iter().map(|s| s.hours(grade) as u32).sum();
            let (lo, hi) = if grade <= 4 { (20, 23) } else { (25, 33) };
            assert!((lo..=hi).contains(&total), "grade {grade}: {total} hours");
            for s in Subj::ALL {
                if s.hours(grade) > 0 {
                    assert!(!s.topics(grade).is_empty(), "{s:?} {grade}");
                }
            }
        }
    }
}
