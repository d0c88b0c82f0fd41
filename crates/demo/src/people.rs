//! Students with their personal files (parents, address, phones) and the staff's names.

use crate::curriculum::pick;
use crate::names::{self, Generation, FATHERS, GRANDMOTHERS};
use crate::DemoRng;
use chrono::{Days, NaiveDate};
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use zhurnal_domain::{Parent, PersonName, PersonalData, Student, StudentId};

/// A person nobody else in `used` has the full name of; `make` is retried until one is new.
pub(crate) fn unique(
    used: &mut BTreeSet<String>,
    rng: &mut DemoRng,
    mut make: impl FnMut(&mut DemoRng) -> PersonName,
) -> PersonName {
    loop {
        let name = make(rng);
        if used.insert(name.sort_key()) {
            return name;
        }
    }
}

/// A new student of `grade` with a name unique in the class, and his personal file.
pub(crate) fn student(
    rng: &mut DemoRng,
    grade: u8,
    start_year: i32,
    used: &mut BTreeSet<String>,
) -> (Student, PersonalData) {
    let female = rng.random_bool(0.5);
    let mut family = ("", 0);
    let name = unique(used, rng, |rng| {
        family = (names::surname(rng), names::father(rng));
        names::person(rng, female, Generation::Child, family.0, family.1)
    });
    // A grade's cohort is born from November to October, seven years and the grade before
    // the year starts; a few children went to school a year late.
    let y = start_year - 7 - grade as i32 - rng.random_bool(0.07) as i32;
    let from = NaiveDate::from_ymd_opt(y, 11, 1).expect("valid date");
    let birth = from + Days::new(rng.random_range(0..365));
    let student = Student {
        id: StudentId::from_bytes(rng.random()),
        name,
        birth_date: Some(birth),
        movements: Vec::new(),
        subgroups: BTreeMap::new(),
    };
    let personal = personal(rng, family.0, family.1, grade);
    (student, personal)
}

const VILLAGES: &[(&str, u32)] = &[
    ("с. Берёзовка", 70),
    ("д. Малиновка", 10),
    ("д. Сосновка", 8),
    ("п. Заречный", 7),
    ("д. Кленовка", 5),
];

const STREETS: &[&str] = &[
    "ул. Школьная",
    "ул. Центральная",
    "ул. Советская",
    "ул. Молодёжная",
    "ул. Лесная",
    "ул. Набережная",
    "ул. Садовая",
    "ул. Полевая",
    "ул. Мира",
    "ул. Ленина",
    "ул. Новая",
    "ул. Заречная",
    "ул. Луговая",
    "пер. Речной",
];

const MOTHER_WORK: &[&str] = &[
    "МБДОУ «Детский сад „Солнышко“», воспитатель",
    "ФАП с. Берёзовка, фельдшер",
    "ГБУЗ «Кунгурская ЦРБ», медицинская сестра",
    "магазин «Магнит», продавец-кассир",
    "ИП Лебедева Т. Н., продавец",
    "отделение почтовой связи с. Берёзовка, оператор",
    "администрация Берёзовского сельского поселения, специалист",
    "ООО «Агрофирма „Берёзовская“», бухгалтер",
    "МБОУ «Берёзовская СОШ», повар",
    "ПАО Сбербанк, консультант",
    "в отпуске по уходу за ребёнком",
    "домохозяйка",
    "СПК «Рассвет», оператор машинного доения",
    "сельская библиотека, библиотекарь",
    "МФЦ г. Кунгура, специалист",
];

const FATHER_WORK: &[&str] = &[
    "ООО «Агрофирма „Берёзовская“», механизатор",
    "СПК «Рассвет», водитель",
    "ОАО «РЖД», монтёр пути",
    "ООО «Газпром трансгаз Чайковский», слесарь",
    "ООО «ЛУКОЙЛ-ПЕРМЬ», оператор (вахта)",
    "ИП, грузоперевозки",
    "пожарная часть № 84, пожарный",
    "Кунгурское лесничество, лесник",
    "ООО «Лесторг», водитель лесовоза",
    "ОМВД по Кунгурскому округу, участковый уполномоченный",
    "ПАО «Россети Урал», электромонтёр",
    "ООО «Стройдом», плотник",
    "нет постоянного места работы",
];

/// A mobile number as parents write it: "+7 912 345-67-89".
pub(crate) fn phone(rng: &mut DemoRng) -> String {
    const CODES: &[&str] = &[
        "902", "908", "912", "919", "922", "950", "951", "952", "963", "982", "992", "999",
    ];
    format!(
        "+7 {} {:03}-{:02}-{:02}",
        pick(rng, CODES),
        rng.random_range(100..1000),
        rng.random_range(0..100),
        rng.random_range(0..100)
    )
}

fn address(rng: &mut DemoRng) -> String {
    let total: u32 = VILLAGES.iter().map(|v| v.1).sum();
    let mut roll = rng.random_range(0..total);
    let mut village = VILLAGES[0].0;
    for (v, w) in VILLAGES {
        if roll < *w {
            village = v;
            break;
        }
        roll -= w;
    }
    let street = pick(rng, STREETS);
    let house = rng.random_range(1..=64);
    if rng.random_bool(0.3) {
        // Двухквартирный дом.
        let flat = rng.random_range(1..=2);
        format!("{village}, {street}, д. {house}, кв. {flat}")
    } else {
        format!("{village}, {street}, д. {house}")
    }
}

/// The personal file of a child of the family (`surname_m`, `FATHERS[father]`).
fn personal(rng: &mut DemoRng, surname_m: &str, father: usize, grade: u8) -> PersonalData {
    let mut parents = Vec::new();
    let roll = rng.random_range(0..100);
    let (with_mother, with_father, guardian) = match roll {
        0..=74 => (true, true, false),
        75..=94 => (true, false, false),
        95..=97 => (false, true, false),
        _ => (false, false, true),
    };
    if with_mother {
        // Most mothers share the child's surname; some kept their own.
        let s = if rng.random_bool(0.9) {
            surname_m
        } else {
            names::surname(rng)
        };
        let f = names::father(rng);
        parents.push(Parent {
            name: names::person(rng, true, Generation::Adult, s, f),
            relation: "мать".into(),
            workplace: pick(rng, MOTHER_WORK).into(),
            phone: phone(rng),
        });
    }
    if with_father {
        let grandfather = names::father(rng);
        let (_, son, _) = FATHERS[grandfather];
        parents.push(Parent {
            name: PersonName {
                last: surname_m.into(),
                first: FATHERS[father].0.into(),
                middle: son.into(),
            },
            relation: "отец".into(),
            workplace: pick(rng, FATHER_WORK).into(),
            phone: phone(rng),
        });
    }
    if guardian {
        let f = names::father(rng);
        let (_, _, daughter) = FATHERS[f];
        parents.push(Parent {
            name: PersonName {
                last: names::feminine(surname_m),
                first: pick(rng, GRANDMOTHERS).into(),
                middle: daughter.into(),
            },
            relation: "бабушка (опекун)".into(),
            workplace: "пенсионерка".into(),
            phone: phone(rng),
        });
    }
    let own_phone = rng.random_bool(if grade >= 5 { 0.85 } else { 0.3 });
    PersonalData {
        address: address(rng),
        phone: if own_phone { phone(rng) } else { String::new() },
        parents,
        consent: Some(true),
    }
}

/// Schools students come from.
pub(crate) const ARRIVED_FROM: &[&str] = &[
    "МБОУ «Сосновская основная общеобразовательная школа»",
    "МАОУ «СОШ № 3» г. Кунгура",
    "МАОУ «Лицей № 1» г. Перми",
    "МБОУ «Ключевская СОШ»",
    "ГБОУ «Школа № 1420» г. Москвы",
    "МАОУ «СОШ № 7» г. Чайковского",
];

/// Schools and towns students leave for.
pub(crate) const DEPARTED_TO: &[&str] = &[
    "МАОУ «СОШ № 12» г. Перми",
    "МБОУ «Гимназия № 2» г. Кунгура",
    "МАОУ «СОШ № 67» г. Екатеринбурга",
    "МБОУ «Зареченская СОШ»",
    "МАОУ «СОШ № 5» г. Тюмени",
];
