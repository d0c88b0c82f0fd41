//! The logins of the accounts the school hands out: a Latin login from a Russian name, and the
//! credentials as a slip prints them. Here, not in the paper documents, because the server makes
//! the accounts and the slips only print them.

use crate::PersonName;
use serde::Serialize;
use std::collections::BTreeSet;

/// The access credentials of one person, as printed on a slip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Credential {
    /// «Иванова Анна Петровна».
    pub name: String,
    /// «ученик» or «родитель ученика Иванова Анна Петровна».
    pub role: String,
    pub login: String,
    /// The one-time password, changed at the first login.
    pub password: String,
}

/// A Latin login from a Russian name: «Иванова Анна» → `ivanova.anna`, surname and first name
/// transliterated by the table of Russian passports (ICAO Doc 9303: ё → e, й → i, х → kh,
/// ц → ts, щ → shch, ъ → ie, ь dropped, ю → iu, я → ia) and joined by a dot. A login already
/// in `taken` gets the first free number: `ivanova.anna2`, `ivanova.anna3`…
pub fn login_for(name: &PersonName, taken: &BTreeSet<String>) -> String {
    let parts: Vec<String> = [&name.last, &name.first]
        .iter()
        .map(|p| transliterate(p))
        .filter(|p| !p.is_empty())
        .collect();
    let base = if parts.is_empty() {
        "user".to_string()
    } else {
        parts.join(".")
    };
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|l| !taken.contains(l))
        .expect("some number is free")
}

/// Lower-case Latin letters, digits and hyphens from a Russian word (ICAO Doc 9303); spaces
/// and other signs are dropped.
pub fn transliterate(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars().flat_map(char::to_lowercase) {
        let t = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' => "ie",
            'ы' => "y",
            'ь' => "",
            'ю' => "iu",
            'я' => "ia",
            '-' if !out.is_empty() && !out.ends_with('-') => "-",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => continue,
        };
        out.push_str(t);
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(last: &str, first: &str) -> PersonName {
        PersonName {
            last: last.into(),
            first: first.into(),
            middle: "Петровна".into(),
        }
    }

    #[test]
    fn logins_follow_the_passport_table() {
        let none = BTreeSet::new();
        assert_eq!(login_for(&name("Иванова", "Анна"), &none), "ivanova.anna");
        assert_eq!(login_for(&name("Ёлкин", "Юрий"), &none), "elkin.iurii");
        assert_eq!(login_for(&name("Щукин", "Яков"), &none), "shchukin.iakov");
        assert_eq!(
            login_for(&name("Хрущёв", "Цезарь"), &none),
            "khrushchev.tsezar"
        );
        assert_eq!(
            login_for(&name("Объедков", "Эмиль"), &none),
            "obieedkov.emil"
        );
        assert_eq!(
            login_for(&name("Рыбальченко", "Ульяна"), &none),
            "rybalchenko.uliana"
        );
        assert_eq!(
            login_for(&name("Римская-Корсакова", "Анна"), &none),
            "rimskaia-korsakova.anna"
        );
        assert_eq!(login_for(&name("", ""), &none), "user");
    }

    #[test]
    fn a_taken_login_gets_the_first_free_number() {
        let taken: BTreeSet<String> = ["ivanova.anna", "ivanova.anna2"]
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(login_for(&name("Иванова", "Анна"), &taken), "ivanova.anna3");
    }
}
