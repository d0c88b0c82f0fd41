//! Russian numbers in words and plural agreement, for the year-end certification of the paper
//! journal.
//!
//! At the end of the year the printed journal is stitched, every sheet is numbered, and the last
//! sheet carries «Прошито, пронумеровано и скреплено печатью 42 (сорок два) листа.» — the number
//! of sheets in digits, then in words, then the noun agreeing with the number. This module writes
//! that sentence ([`certification_sentence`]) and the pieces it is made of.
//!
//! # Plural agreement ([`plural`])
//!
//! A Russian noun after a cardinal number takes one of three forms, chosen by the last two
//! digits of the number:
//!
//! * **one** — the last digit is 1, except 11: 1, 21, 101, 1001 *лист*;
//! * **few** — the last digit is 2, 3 or 4, except 12, 13, 14: 2, 22, 104 *листа*;
//! * **many** — everything else, including 0 and 11–19: 0, 5, 11, 12, 20, 111, 1000 *листов*.
//!
//! # Numbers in words ([`in_words`])
//!
//! The number is split into groups of three digits (units, thousands, millions, billions, …).
//! Each non-zero group is written as hundreds, tens and units («сто», «двести», «триста»,
//! «четыреста», «пятьсот»…; «сорок», «девяносто»; the teens «одиннадцать»…«девятнадцать» are
//! single words), followed by the name of its scale, which itself agrees with the group by the
//! rule above: «одна тысяча», «две тысячи», «пять тысяч», «одиннадцать тысяч»; «один миллион»,
//! «два миллиона», «пять миллионов». Zero groups are skipped entirely («один миллион один»), and
//! zero on its own is «ноль».
//!
//! Only 1 and 2 change with grammatical gender: «один / одна / одно», «два / две». The
//! [`Gender`] argument applies to the last group, which counts the noun that follows the number
//! («один лист», «одна страница», «одно поле»). The groups before it count their scale word, so
//! they take its gender regardless: тысяча is feminine («двадцать одна тысяча», «две тысячи»),
//! миллион, миллиард, триллион, квадриллион and квинтиллион are masculine («два миллиона»). The
//! whole range of `u64` is covered, up to «восемнадцать квинтиллионов …».
//!
//! # Sheets and pages ([`sheets_for_pages`])
//!
//! The certification counts sheets (листы), not pages: printed on one side, a sheet holds one
//! page; printed on both sides (duplex), it holds two, so the count is half the pages, rounded up.

/// Grammatical gender of the noun counted by a number: it decides «один / одна / одно» and
/// «два / две».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gender {
    /// «один», «два» — лист, день, урок.
    Masculine,
    /// «одна», «две» — страница, тысяча, оценка.
    Feminine,
    /// «одно», «два» — поле, занятие.
    Neuter,
}

/// How the journal is printed: on one side of each sheet or on both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Printing {
    /// One page per sheet.
    OneSided,
    /// Two pages per sheet (duplex).
    TwoSided,
}

const UNITS: [&str; 10] = [
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];

const TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];

const TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];

const HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];

/// A scale word in its three forms (one, few, many) and its gender.
struct Scale {
    forms: [&'static str; 3],
    gender: Gender,
}

/// Scale words for 10^3, 10^6, …, 10^18 (the largest a `u64` reaches).
const SCALES: [Scale; 6] = [
    Scale {
        forms: ["тысяча", "тысячи", "тысяч"],
        gender: Gender::Feminine,
    },
    Scale {
        forms: ["миллион", "миллиона", "миллионов"],
        gender: Gender::Masculine,
    },
    Scale {
        forms: ["миллиард", "миллиарда", "миллиардов"],
        gender: Gender::Masculine,
    },
    Scale {
        forms: ["триллион", "триллиона", "триллионов"],
        gender: Gender::Masculine,
    },
    Scale {
        forms: ["квадриллион", "квадриллиона", "квадриллионов"],
        gender: Gender::Masculine,
    },
    Scale {
        forms: ["квинтиллион", "квинтиллиона", "квинтиллионов"],
        gender: Gender::Masculine,
    },
];

/// Pushes the words of `n` (1..=999) counting a noun of the given gender.
fn push_group(n: u64, gender: Gender, words: &mut Vec<&'static str>) {
    debug_assert!((1..=999).contains(&n));
    let hundreds = (n / 100) as usize;
    let tens = (n / 10 % 10) as usize;
    let units = (n % 10) as usize;
    if hundreds > 0 {
        words.push(HUNDREDS[hundreds]);
    }
    if tens == 1 {
        words.push(TEENS[units]);
        return;
    }
    if tens > 1 {
        words.push(TENS[tens]);
    }
    match (units, gender) {
        (0, _) => {}
        (1, Gender::Feminine) => words.push("одна"),
        (1, Gender::Neuter) => words.push("одно"),
        (2, Gender::Feminine) => words.push("две"),
        _ => words.push(UNITS[units]),
    }
}

/// The cardinal number `n` in Russian words, lowercase, the words separated by single spaces.
///
/// `gender` is that of the noun being counted; it only changes 1 and 2 in the last group
/// («двадцать один лист», «двадцать одна страница», «двадцать одно поле»). Thousands are always
/// feminine and the larger scales masculine.
///
/// ```
/// use zhurnal_domain::numerals::{in_words, Gender};
/// assert_eq!(in_words(42, Gender::Masculine), "сорок два");
/// assert_eq!(in_words(21_000, Gender::Masculine), "двадцать одна тысяча");
/// assert_eq!(in_words(2_000_000, Gender::Feminine), "два миллиона");
/// ```
pub fn in_words(n: u64, gender: Gender) -> String {
    if n == 0 {
        return "ноль".to_owned();
    }
    // Groups of three digits, least significant first.
    let mut groups = Vec::with_capacity(SCALES.len() + 1);
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut words = Vec::new();
    for (index, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            continue;
        }
        match index.checked_sub(1) {
            None => push_group(group, gender, &mut words),
            Some(scale) => {
                let scale = &SCALES[scale];
                push_group(group, scale.gender, &mut words);
                let [one, few, many] = scale.forms;
                words.push(plural(group, one, few, many));
            }
        }
    }
    words.join(" ")
}

/// Chooses the form of a noun that agrees with the number `n`: `one` for 1, 21, 101…
/// (but not 11, 111…), `few` for 2–4, 22–24… (but not 12–14, 112–114…), `many` otherwise.
///
/// ```
/// use zhurnal_domain::numerals::plural;
/// assert_eq!(plural(21, "лист", "листа", "листов"), "лист");
/// assert_eq!(plural(13, "лист", "листа", "листов"), "листов");
/// assert_eq!(plural(104, "лист", "листа", "листов"), "листа");
/// ```
pub fn plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let last = n % 10;
    let last_two = n % 100;
    if last == 1 && last_two != 11 {
        one
    } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
        few
    } else {
        many
    }
}

/// The number of sheets in digits, in words and with the agreeing noun:
/// «42 (сорок два) листа», «1 (один) лист», «11 (одиннадцать) листов».
pub fn sheets_phrase(n: u64) -> String {
    format!(
        "{n} ({}) {}",
        in_words(n, Gender::Masculine),
        plural(n, "лист", "листа", "листов")
    )
}

/// The certification written on the last sheet of the stitched year-end journal:
/// «Прошито, пронумеровано и скреплено печатью 42 (сорок два) листа.»
pub fn certification_sentence(sheets: u64) -> String {
    format!(
        "Прошито, пронумеровано и скреплено печатью {}.",
        sheets_phrase(sheets)
    )
}

/// The number of sheets needed to print `pages` pages: as many as pages when printed on one
/// side, half of them rounded up when printed on both.
pub fn sheets_for_pages(pages: u64, printing: Printing) -> u64 {
    match printing {
        Printing::OneSided => pages,
        Printing::TwoSided => pages.div_ceil(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Hand-checked: the number, its words (masculine), and the phrase for that many sheets.
    const TABLE: &[(u64, &str, &str)] = &[
        (0, "ноль", "0 (ноль) листов"),
        (1, "один", "1 (один) лист"),
        (2, "два", "2 (два) листа"),
        (5, "пять", "5 (пять) листов"),
        (11, "одиннадцать", "11 (одиннадцать) листов"),
        (12, "двенадцать", "12 (двенадцать) листов"),
        (13, "тринадцать", "13 (тринадцать) листов"),
        (14, "четырнадцать", "14 (четырнадцать) листов"),
        (15, "пятнадцать", "15 (пятнадцать) листов"),
        (19, "девятнадцать", "19 (девятнадцать) листов"),
        (20, "двадцать", "20 (двадцать) листов"),
        (21, "двадцать один", "21 (двадцать один) лист"),
        (22, "двадцать два", "22 (двадцать два) листа"),
        (40, "сорок", "40 (сорок) листов"),
        (42, "сорок два", "42 (сорок два) листа"),
        (90, "девяносто", "90 (девяносто) листов"),
        (99, "девяносто девять", "99 (девяносто девять) листов"),
        (100, "сто", "100 (сто) листов"),
        (101, "сто один", "101 (сто один) лист"),
        (110, "сто десять", "110 (сто десять) листов"),
        (111, "сто одиннадцать", "111 (сто одиннадцать) листов"),
        (112, "сто двенадцать", "112 (сто двенадцать) листов"),
        (115, "сто пятнадцать", "115 (сто пятнадцать) листов"),
        (120, "сто двадцать", "120 (сто двадцать) листов"),
        (121, "сто двадцать один", "121 (сто двадцать один) лист"),
        (122, "сто двадцать два", "122 (сто двадцать два) листа"),
        (125, "сто двадцать пять", "125 (сто двадцать пять) листов"),
        (200, "двести", "200 (двести) листов"),
        (300, "триста", "300 (триста) листов"),
        (400, "четыреста", "400 (четыреста) листов"),
        (500, "пятьсот", "500 (пятьсот) листов"),
        (
            999,
            "девятьсот девяносто девять",
            "999 (девятьсот девяносто девять) листов",
        ),
        (1000, "одна тысяча", "1000 (одна тысяча) листов"),
        (1001, "одна тысяча один", "1001 (одна тысяча один) лист"),
        (1002, "одна тысяча два", "1002 (одна тысяча два) листа"),
        (1005, "одна тысяча пять", "1005 (одна тысяча пять) листов"),
        (
            1011,
            "одна тысяча одиннадцать",
            "1011 (одна тысяча одиннадцать) листов",
        ),
        (
            1021,
            "одна тысяча двадцать один",
            "1021 (одна тысяча двадцать один) лист",
        ),
        (2000, "две тысячи", "2000 (две тысячи) листов"),
        (2001, "две тысячи один", "2001 (две тысячи один) лист"),
        (5000, "пять тысяч", "5000 (пять тысяч) листов"),
        (10_000, "десять тысяч", "10000 (десять тысяч) листов"),
        (
            11_000,
            "одиннадцать тысяч",
            "11000 (одиннадцать тысяч) листов",
        ),
        (
            12_000,
            "двенадцать тысяч",
            "12000 (двенадцать тысяч) листов",
        ),
        (
            21_000,
            "двадцать одна тысяча",
            "21000 (двадцать одна тысяча) листов",
        ),
        (100_000, "сто тысяч", "100000 (сто тысяч) листов"),
        (
            101_000,
            "сто одна тысяча",
            "101000 (сто одна тысяча) листов",
        ),
        (
            999_999,
            "девятьсот девяносто девять тысяч девятьсот девяносто девять",
            "999999 (девятьсот девяносто девять тысяч девятьсот девяносто девять) листов",
        ),
        (1_000_000, "один миллион", "1000000 (один миллион) листов"),
        (
            1_000_001,
            "один миллион один",
            "1000001 (один миллион один) лист",
        ),
        (2_000_000, "два миллиона", "2000000 (два миллиона) листов"),
        (
            2_500_000,
            "два миллиона пятьсот тысяч",
            "2500000 (два миллиона пятьсот тысяч) листов",
        ),
        (
            5_000_000,
            "пять миллионов",
            "5000000 (пять миллионов) листов",
        ),
        (
            1_000_000_000,
            "один миллиард",
            "1000000000 (один миллиард) листов",
        ),
        (
            2_000_000_000,
            "два миллиарда",
            "2000000000 (два миллиарда) листов",
        ),
        (
            5_000_000_000,
            "пять миллиардов",
            "5000000000 (пять миллиардов) листов",
        ),
        (
            21_002_000_000,
            "двадцать один миллиард два миллиона",
            "21002000000 (двадцать один миллиард два миллиона) листов",
        ),
        (
            999_999_999_999,
            "девятьсот девяносто девять миллиардов девятьсот девяносто девять миллионов \
             девятьсот девяносто девять тысяч девятьсот девяносто девять",
            "999999999999 (девятьсот девяносто девять миллиардов девятьсот девяносто девять \
             миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять) листов",
        ),
    ];

    #[test]
    fn hand_checked_words() {
        for &(n, words, _) in TABLE {
            assert_eq!(in_words(n, Gender::Masculine), words, "in_words({n})");
        }
    }

    #[test]
    fn hand_checked_sheets_phrases() {
        for &(n, _, phrase) in TABLE {
            assert_eq!(sheets_phrase(n), phrase, "sheets_phrase({n})");
        }
    }

    #[test]
    fn gender_changes_only_one_and_two_of_the_last_group() {
        let cases: &[(u64, Gender, &str)] = &[
            (1, Gender::Feminine, "одна"),
            (1, Gender::Neuter, "одно"),
            (2, Gender::Feminine, "две"),
            (2, Gender::Neuter, "два"),
            (3, Gender::Feminine, "три"),
            (21, Gender::Feminine, "двадцать одна"),
            (22, Gender::Feminine, "двадцать две"),
            (21, Gender::Neuter, "двадцать одно"),
            (11, Gender::Feminine, "одиннадцать"),
            (12, Gender::Feminine, "двенадцать"),
            (1000, Gender::Neuter, "одна тысяча"),
            (2002, Gender::Neuter, "две тысячи два"),
            (1_000_000, Gender::Feminine, "один миллион"),
            (1_000_001, Gender::Feminine, "один миллион одна"),
            (2_000_002, Gender::Feminine, "два миллиона две"),
            (2_000_000_000, Gender::Feminine, "два миллиарда"),
        ];
        for &(n, gender, words) in cases {
            assert_eq!(in_words(n, gender), words, "in_words({n}, {gender:?})");
        }
    }

    #[test]
    fn the_largest_u64() {
        assert_eq!(
            in_words(u64::MAX, Gender::Masculine),
            "восемнадцать квинтиллионов четыреста сорок шесть квадриллионов семьсот сорок \
             четыре триллиона семьдесят три миллиарда семьсот девять миллионов пятьсот \
             пятьдесят одна тысяча шестьсот пятнадцать"
        );
    }

    #[test]
    fn certification_sentences() {
        assert_eq!(
            certification_sentence(42),
            "Прошито, пронумеровано и скреплено печатью 42 (сорок два) листа."
        );
        assert_eq!(
            certification_sentence(1),
            "Прошито, пронумеровано и скреплено печатью 1 (один) лист."
        );
        assert_eq!(
            certification_sentence(115),
            "Прошито, пронумеровано и скреплено печатью 115 (сто пятнадцать) листов."
        );
    }

    #[test]
    fn plural_forms() {
        let f = |n| plural(n, "one", "few", "many");
        for n in [1, 21, 31, 101, 121, 1001, 1021, 1_000_001] {
            assert_eq!(f(n), "one", "{n}");
        }
        for n in [2, 3, 4, 22, 23, 24, 102, 104, 122, 1002, 2_000_000_002] {
            assert_eq!(f(n), "few", "{n}");
        }
        for n in [
            0, 5, 11, 12, 13, 14, 15, 19, 20, 99, 100, 110, 111, 112, 114, 115, 1000, 1011, 1012,
            1014,
        ] {
            assert_eq!(f(n), "many", "{n}");
        }
    }

    #[test]
    fn sheets_from_pages() {
        assert_eq!(sheets_for_pages(0, Printing::OneSided), 0);
        assert_eq!(sheets_for_pages(84, Printing::OneSided), 84);
        assert_eq!(sheets_for_pages(0, Printing::TwoSided), 0);
        assert_eq!(sheets_for_pages(1, Printing::TwoSided), 1);
        assert_eq!(sheets_for_pages(2, Printing::TwoSided), 1);
        assert_eq!(sheets_for_pages(83, Printing::TwoSided), 42);
        assert_eq!(sheets_for_pages(84, Printing::TwoSided), 42);
        assert_eq!(sheets_for_pages(85, Printing::TwoSided), 43);
        assert_eq!(
            sheets_for_pages(u64::MAX, Printing::TwoSided),
            u64::MAX / 2 + 1
        );
    }

    /// The plural rule written out from its definition, independently of [`plural`].
    fn reference_plural(n: u64) -> &'static str {
        let (last, last_two) = (n % 10, n % 100);
        if last == 1 && last_two != 11 {
            "one"
        } else if [2, 3, 4].contains(&last) && ![12, 13, 14].contains(&last_two) {
            "few"
        } else {
            "many"
        }
    }

    /// Reads the words back into a number, checking on the way that every scale word agrees
    /// with its group, and that a 1 or 2 takes the gender of what it counts: the scale word
    /// (feminine тысяча, masculine миллион…) or, in the last group, the noun (`gender`).
    fn read_back(words: &str, gender: Gender) -> u64 {
        if words == "ноль" {
            return 0;
        }
        fn position(list: &[&str; 10], word: &str) -> Option<usize> {
            list.iter().position(|w| *w == word)
        }
        // The genders a word allows, if it is one of the words that change with gender.
        fn genders(word: &str) -> Option<&'static [Gender]> {
            Some(match word {
                "один" => &[Gender::Masculine],
                "одна" => &[Gender::Feminine],
                "одно" => &[Gender::Neuter],
                "два" => &[Gender::Masculine, Gender::Neuter],
                "две" => &[Gender::Feminine],
                _ => return None,
            })
        }
        let value = |word: &str| -> Option<u64> {
            let value = match word {
                "одна" | "одно" => 1,
                "две" => 2,
                _ => {
                    if let Some(i) = position(&UNITS, word).filter(|&i| i > 0) {
                        i
                    } else if let Some(i) = position(&TEENS, word) {
                        10 + i
                    } else if let Some(i) = position(&TENS, word).filter(|&i| i > 1) {
                        10 * i
                    } else {
                        100 * position(&HUNDREDS, word).filter(|&i| i > 0)?
                    }
                }
            };
            Some(value as u64)
        };
        let mut total = 0u64;
        let mut group = 0u64;
        let mut group_genders: Option<&[Gender]> = None;
        for word in words.split(' ') {
            if let Some(v) = value(word) {
                group += v;
                if let Some(g) = genders(word) {
                    group_genders = Some(g);
                }
                continue;
            }
            let (power, scale) = SCALES
                .iter()
                .enumerate()
                .find(|(_, scale)| scale.forms.contains(&word))
                .unwrap_or_else(|| panic!("unknown word {word:?} in {words:?}"));
            assert!(group > 0, "scale word without a count in {words:?}");
            let [one, few, many] = scale.forms;
            assert_eq!(
                word,
                plural(group, one, few, many),
                "agreement in {words:?}"
            );
            // Written out here rather than taken from `SCALES`: тысяча is feminine, the rest not.
            let scale_gender = if power == 0 {
                Gender::Feminine
            } else {
                Gender::Masculine
            };
            if let Some(g) = group_genders {
                assert!(
                    g.contains(&scale_gender),
                    "gender before {word:?} in {words:?}"
                );
            }
            total += group * 1000u64.pow(power as u32 + 1);
            group = 0;
            group_genders = None;
        }
        if let Some(g) = group_genders {
            assert!(g.contains(&gender), "{gender:?} at the end of {words:?}");
        }
        total + group
    }

    fn any_gender() -> impl Strategy<Value = Gender> {
        prop_oneof![
            Just(Gender::Masculine),
            Just(Gender::Feminine),
            Just(Gender::Neuter)
        ]
    }

    proptest! {
        #[test]
        fn plural_agrees_with_the_reference(n in 0u64..100_000) {
            prop_assert_eq!(plural(n, "one", "few", "many"), reference_plural(n));
        }

        #[test]
        fn words_are_well_spaced_and_read_back(n in any::<u64>(), gender in any_gender()) {
            let words = in_words(n, gender);
            prop_assert!(!words.is_empty());
            prop_assert!(!words.contains("  "), "double space in {:?}", words);
            prop_assert!(!words.starts_with(' ') && !words.ends_with(' '), "{:?}", words);
            prop_assert!(
                words.chars().all(|c| c == ' ' || ('а'..='я').contains(&c) || c == 'ё'),
                "{:?}", words
            );
            prop_assert_eq!(read_back(&words, gender), n);
        }

        #[test]
        fn small_numbers_read_back(n in 0u64..2_000_000, gender in any_gender()) {
            prop_assert_eq!(read_back(&in_words(n, gender), gender), n);
        }

        #[test]
        fn teens_take_the_many_form(high in 0u64..u64::MAX / 1000 - 1, teen in 11u64..=19) {
            let n = high * 1000 + teen;
            prop_assert_eq!(plural(n, "one", "few", "many"), "many");
            let phrase = sheets_phrase(n);
            prop_assert!(phrase.ends_with(") листов"), "{:?}", phrase);
            let words = in_words(n, Gender::Masculine);
            prop_assert!(words.ends_with(TEENS[(teen - 10) as usize]), "{:?}", words);
            // the same rule for the thousands: «одиннадцать тысяч», «сто двенадцать тысяч»
            let thousands = (high % 1_000_000) * 1_000_000 + teen * 1000;
            let words = in_words(thousands, Gender::Masculine);
            prop_assert!(
                words.ends_with(&format!("{} тысяч", TEENS[(teen - 10) as usize])),
                "{:?}", words
            );
        }

        #[test]
        fn certification_wraps_the_phrase(n in any::<u64>()) {
            let sentence = certification_sentence(n);
            prop_assert_eq!(
                sentence,
                format!("Прошито, пронумеровано и скреплено печатью {}.", sheets_phrase(n))
            );
            let prefix = format!("{n} (");
            let phrase = sheets_phrase(n);
            prop_assert!(phrase.starts_with(&prefix), "{:?}", phrase);
        }

        #[test]
        fn two_sided_sheets_hold_all_pages(pages in 0u64..u64::MAX) {
            let sheets = sheets_for_pages(pages, Printing::TwoSided);
            prop_assert!(sheets * 2 >= pages && sheets * 2 <= pages + 1);
            prop_assert_eq!(sheets_for_pages(pages, Printing::OneSided), pages);
        }
    }
}
