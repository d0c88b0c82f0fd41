//! # A demo school, the same every time
//!
//! `zhurnal-demo` makes up a whole Russian village school for one school year: «Берёзовская
//! средняя общеобразовательная школа» with its director, an admin, a deputy director (завуч)
//! and about twenty teachers; ten classes from 2А to 11А of 25–32 students each (7Б, with 32,
//! is the largest); the subjects of the Russian curriculum with their weekly hours; a weekly
//! timetable per class in which no teacher is in two rooms at once; and the full class
//! journal of the year: every lesson of every school day with its topic and homework, the
//! marks, the absences (illnesses of several days, valid reasons, truancy, late arrivals),
//! the period marks (четверти for grades 2–9, полугодия for 10–11) and the year marks.
//!
//! It is the fixture of every test and benchmark of Zhurnal, so it imitates what a real
//! journal holds, including its imperfections: a few students arrive, leave or are
//! transferred during the year (and have no entries while they are not on the roll); English
//! and Informatics are split into two subgroups with different teachers; one student is
//! exempt from Physical Education for a period; about 1.5 % of lessons have no topic and
//! about 1 % no attendance taken, so that monitoring finds something; period marks are the
//! school's suggestion except when the teacher rounds the other way near a threshold; a few
//! parents refused or have not yet given consent to electronic processing.
//!
//! ## Determinism
//!
//! Everything is drawn from one [`rand_chacha::ChaCha8Rng`] seeded with the caller's seed
//! (ChaCha's output is specified and does not change between platforms or versions of
//! `rand`), every identifier is made from its bytes (never `Uuid::new_v4`), and everything
//! is kept in vectors and `BTreeMap`s in a fixed order, so `generate(seed)` returns the same
//! school, to the last id, on every machine and every run. The traits of a student (ability,
//! how often he is ill) come from his id, so a transferred student is the same child in both
//! classes. A school cut short with [`DemoOptions::until`] is exactly the full year's school
//! as it stood on that day: the same lessons up to it, no later lessons, movements or
//! students, and only the finals of periods already over.
//!
//! ```
//! let school = zhurnal_demo::generate(1);
//! let class = school.class("7Б").unwrap();
//! assert_eq!(class.students.len(), 32);
//! assert_eq!(school, zhurnal_demo::generate(1));
//! ```

mod curriculum;
mod journal;
mod names;
mod people;
mod timetable;

use chrono::NaiveDate;
use curriculum::{Pool, Subj};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use zhurnal_domain::{
    Calendar, Class, ClassId, ClassSubject, FinalKind, FinalMark, Lesson, Movement, MovementId,
    MovementKind, PeriodCode, PeriodScheme, PersonName, PersonalData, Role, SchoolSettings, Staff,
    StaffId, Student, StudentId, Subject, SubjectId,
};

/// The random generator behind everything: ChaCha8, seeded from a `u64`.
pub(crate) type DemoRng = rand_chacha::ChaCha8Rng;

/// The name every demo school has.
pub const SCHOOL_NAME: &str = "МБОУ «Берёзовская средняя общеобразовательная школа»";

/// A generated school with its whole year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DemoSchool {
    pub name: String,
    pub director: PersonName,
    /// `Calendar::standard(start_year)`.
    pub calendar: Calendar,
    /// `SchoolSettings::default()`.
    pub settings: SchoolSettings,
    /// The admin (role `Admin` only), the deputy director (`Deputy` only), then the teachers
    /// (`SubjectTeacher`, and `ClassTeacher` for those who lead a class).
    pub staff: Vec<Staff>,
    /// The subjects taught in the generated classes, in curriculum order.
    pub subjects: Vec<Subject>,
    /// Classes ordered by grade, then letter.
    pub classes: Vec<DemoClass>,
}

/// A class with its list, personal files and journals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoClass {
    /// Grade, letter, class teacher, subjects with their teachers (and subgroup teachers for
    /// split subjects), weekly timetable.
    pub class: Class,
    /// Alphabetical by [`PersonName::sort_key`], including students who arrived or left
    /// during the year (see their `movements`).
    pub students: Vec<Student>,
    /// The personal file of every student, in the order of `students`.
    pub personal: Vec<(StudentId, PersonalData)>,
    /// One journal per subject of the class, in curriculum order.
    pub journals: Vec<DemoJournal>,
}

/// The journal of one subject in one class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoJournal {
    pub subject: SubjectId,
    /// Sorted by (date, number, subgroup).
    pub lessons: Vec<Lesson>,
    /// Period marks of every student on the roll at the period's end (Q1–Q4 for grades 2–9,
    /// H1, H2 for 10–11), period by period in class-list order, then the year marks.
    pub finals: Vec<FinalMark>,
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoOptions {
    /// The calendar year the school year starts in.
    pub start_year: i32,
    /// (grade, letter) of the classes, grades 2 to 11.
    pub classes: Vec<(u8, String)>,
    /// Generate the school as it stands at the end of this day: no lessons, movements or
    /// students after it, finals only of periods that ended on or before it. `None` is the
    /// whole year.
    pub until: Option<NaiveDate>,
}

impl Default for DemoOptions {
    /// The school year 2025/26 with ten classes: 2А, 3А, 4Б, 5А, 6А, 7Б, 8А, 9А, 10А, 11А.
    fn default() -> Self {
        let classes = [
            (2, "А"),
            (3, "А"),
            (4, "Б"),
            (5, "А"),
            (6, "А"),
            (7, "Б"),
            (8, "А"),
            (9, "А"),
            (10, "А"),
            (11, "А"),
        ];
        Self {
            start_year: 2025,
            classes: classes.iter().map(|(g, l)| (*g, l.to_string())).collect(),
            until: None,
        }
    }
}

impl DemoOptions {
    /// The default school, as it stands at the end of `date`.
    pub fn until(date: NaiveDate) -> Self {
        Self {
            until: Some(date),
            ..Self::default()
        }
    }
}

/// How much a school holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoTotals {
    pub classes: usize,
    /// Distinct students (a transferred student counts once).
    pub students: usize,
    pub staff: usize,
    pub lessons: usize,
    /// Marks in lesson cells.
    pub marks: usize,
    /// Attendance entries (Н, Б, У, О).
    pub attendance: usize,
    pub finals: usize,
}

impl DemoSchool {
    /// A class by its name ("7Б").
    pub fn class(&self, name: &str) -> Option<&DemoClass> {
        self.classes.iter().find(|c| c.class.name() == name)
    }

    pub fn subject(&self, id: SubjectId) -> Option<&Subject> {
        self.subjects.iter().find(|s| s.id == id)
    }

    /// A subject by its name ("Математика").
    pub fn subject_named(&self, name: &str) -> Option<&Subject> {
        self.subjects.iter().find(|s| s.name == name)
    }

    pub fn staff_member(&self, id: StaffId) -> Option<&Staff> {
        self.staff.iter().find(|s| s.id == id)
    }

    /// Staff having `role`.
    pub fn staff_with_role(&self, role: Role) -> impl Iterator<Item = &Staff> {
        self.staff.iter().filter(move |s| s.roles.contains(&role))
    }

    pub fn totals(&self) -> DemoTotals {
        let mut students = BTreeSet::new();
        let mut t = DemoTotals {
            classes: self.classes.len(),
            staff: self.staff.len(),
            ..DemoTotals::default()
        };
        for c in &self.classes {
            students.extend(c.students.iter().map(|s| s.id));
            for j in &c.journals {
                t.lessons += j.lessons.len();
                t.finals += j.finals.len();
                for l in &j.lessons {
                    t.marks += l.marks.values().map(|m| m.0.len()).sum::<usize>();
                    t.attendance += l.attendance.len();
                }
            }
        }
        t.students = students.len();
        t
    }
}

impl DemoClass {
    pub fn journal(&self, subject: SubjectId) -> Option<&DemoJournal> {
        self.journals.iter().find(|j| j.subject == subject)
    }

    pub fn student(&self, id: StudentId) -> Option<&Student> {
        self.students.iter().find(|s| s.id == id)
    }

    pub fn personal_of(&self, id: StudentId) -> Option<&PersonalData> {
        self.personal.iter().find(|(s, _)| *s == id).map(|(_, p)| p)
    }

    /// The period scheme of the class (quarters for 2–9, halves for 10–11).
    pub fn scheme(&self) -> PeriodScheme {
        PeriodScheme::for_grade(self.class.grade)
    }
}

/// The default school (2025/26, ten classes, the whole year) for `seed`.
pub fn generate(seed: u64) -> DemoSchool {
    generate_with(seed, &DemoOptions::default())
}

/// The class that stays as it is all year (no movements): 7Б, with 32 students.
fn is_largest(grade: u8, letter: &str) -> bool {
    grade == 7 && letter == "Б"
}

/// A class while it is being made.
struct Draft {
    class: Class,
    students: Vec<Student>,
    personal: Vec<(StudentId, PersonalData)>,
    /// Full names in the class, to keep them unique.
    names: BTreeSet<String>,
}

/// The school for `seed` and `options`.
///
/// # Panics
/// If a grade is outside 2–11 (grade 1 has no marks, grade 12 does not exist).
pub fn generate_with(seed: u64, options: &DemoOptions) -> DemoSchool {
    let mut rng = DemoRng::seed_from_u64(seed);
    let rng = &mut rng;
    let start_year = options.start_year;
    let calendar = Calendar::standard(start_year);
    let settings = SchoolSettings::default();
    let mut specs = options.classes.clone();
    specs.sort();
    specs.dedup();
    for (g, l) in &specs {
        assert!(
            (2..=11).contains(g),
            "demo class {g}{l}: grades are 2 to 11"
        );
    }

    // Subjects taught in at least one class.
    let subjects: Vec<Subject> = Subj::ALL
        .iter()
        .filter(|s| specs.iter().any(|(g, _)| s.hours(*g) > 0))
        .map(|s| Subject {
            id: SubjectId::from_bytes(rng.random()),
            name: s.name().to_string(),
            order: s.order(),
        })
        .collect();
    let catalog: BTreeMap<SubjectId, Subj> = subjects
        .iter()
        .map(|s| {
            let subj = *Subj::ALL
                .iter()
                .find(|x| x.name() == s.name)
                .expect("known");
            (s.id, subj)
        })
        .collect();
    let id_of: BTreeMap<Subj, SubjectId> = catalog.iter().map(|(id, s)| (*s, *id)).collect();

    // Staff.
    let mut staff_names = BTreeSet::new();
    let mut new_staff = |rng: &mut DemoRng, female_share: f64, roles: Vec<Role>| {
        let female = rng.random_bool(female_share);
        let name = people::unique(&mut staff_names, rng, |r| names::random_adult(r, female));
        Staff {
            id: StaffId::from_bytes(rng.random()),
            name,
            roles,
        }
    };
    let director = new_staff(rng, 0.6, vec![]).name;
    let mut staff = vec![
        new_staff(rng, 0.8, vec![Role::Admin]),
        new_staff(rng, 0.85, vec![Role::Deputy]),
    ];
    let primary: BTreeMap<usize, StaffId> = specs
        .iter()
        .enumerate()
        .filter(|(_, (g, _))| *g <= 4)
        .map(|(c, _)| {
            let t = new_staff(
                rng,
                Pool::Primary.female_share(),
                vec![Role::SubjectTeacher],
            );
            let id = t.id;
            staff.push(t);
            (c, id)
        })
        .collect();
    let mut pools: BTreeMap<Pool, Vec<StaffId>> = BTreeMap::new();
    for pool in Pool::ALL.into_iter().filter(|p| *p != Pool::Primary) {
        let mut hours = 0u32;
        let mut split = false;
        for (g, _) in &specs {
            for s in Subj::ALL {
                if s.hours(*g) > 0 && s.pool(*g) == pool {
                    hours += s.hours(*g) as u32 * if s.split() { 2 } else { 1 };
                    split |= s.split();
                }
            }
        }
        if hours == 0 {
            continue;
        }
        let n = (hours.div_ceil(24) as usize).max(if split { 2 } else { 1 });
        let ids = (0..n)
            .map(|_| {
                let t = new_staff(rng, pool.female_share(), vec![Role::SubjectTeacher]);
                let id = t.id;
                staff.push(t);
                id
            })
            .collect();
        pools.insert(pool, ids);
    }

    // Classes with their teachers.
    let mut pool_next: BTreeMap<Pool, usize> = BTreeMap::new();
    let mut class_teachers: BTreeSet<StaffId> = BTreeSet::new();
    let mut drafts: Vec<Draft> = Vec::new();
    for (c, (grade, letter)) in specs.iter().enumerate() {
        let grade = *grade;
        let mut pool_index: BTreeMap<Pool, usize> = BTreeMap::new();
        let mut class_subjects = Vec::new();
        for s in Subj::ALL.into_iter().filter(|s| s.hours(grade) > 0) {
            let pool = s.pool(grade);
            let (teacher, subgroup_teachers) = if pool == Pool::Primary {
                (primary[&c], Vec::new())
            } else {
                let list = &pools[&pool];
                let idx = *pool_index.entry(pool).or_insert_with(|| {
                    let n = pool_next.entry(pool).or_insert(0);
                    *n += 1;
                    *n - 1
                });
                if s.split() {
                    let (a, b) = (list[idx % list.len()], list[(idx + 1) % list.len()]);
                    (a, vec![a, b])
                } else {
                    (list[idx % list.len()], Vec::new())
                }
            };
            class_subjects.push(ClassSubject {
                subject: id_of[&s],
                teacher,
                subgroup_teachers,
            });
        }
        let class_teacher = if let Some(t) = primary.get(&c) {
            *t
        } else {
            let mut own: Vec<StaffId> = class_subjects
                .iter()
                .flat_map(|cs| std::iter::once(cs.teacher).chain(cs.subgroup_teachers.clone()))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            own.retain(|t| !class_teachers.contains(t));
            let others: Vec<StaffId> = pools
                .values()
                .flatten()
                .filter(|t| !class_teachers.contains(*t))
                .copied()
                .collect();
            own.choose(rng)
                .or_else(|| others.choose(rng))
                .copied()
                .unwrap_or(class_subjects[0].teacher)
        };
        class_teachers.insert(class_teacher);
        drafts.push(Draft {
            class: Class {
                id: ClassId::from_bytes(rng.random()),
                grade,
                letter: letter.clone(),
                class_teacher: Some(class_teacher),
                subjects: class_subjects,
                timetable: Vec::new(),
            },
            students: Vec::new(),
            personal: Vec::new(),
            names: BTreeSet::new(),
        });
    }
    for s in staff.iter_mut() {
        if class_teachers.contains(&s.id) {
            s.roles.push(Role::ClassTeacher);
        }
    }

    // Class lists.
    for d in drafts.iter_mut() {
        let n = if is_largest(d.class.grade, &d.class.letter) {
            32
        } else {
            rng.random_range(25..=29)
        };
        for _ in 0..n {
            let (s, p) = people::student(rng, d.class.grade, start_year, &mut d.names);
            d.personal.push((s.id, p));
            d.students.push(s);
        }
    }

    add_movements(rng, &calendar, start_year, &mut drafts);

    // Subgroups of split subjects: halves of the original list, newcomers to the smaller.
    for d in drafts.iter_mut() {
        let split: Vec<SubjectId> = d
            .class
            .subjects
            .iter()
            .filter(|cs| !cs.subgroup_teachers.is_empty())
            .map(|cs| cs.subject)
            .collect();
        for subject in split {
            let mut initial: Vec<usize> = (0..d.students.len())
                .filter(|&i| d.students[i].arrived().is_none())
                .collect();
            initial.shuffle(rng);
            let half = initial.len().div_ceil(2);
            let mut sizes = [0usize; 2];
            for (k, &i) in initial.iter().enumerate() {
                let g = if k < half { 1 } else { 2 };
                sizes[g as usize - 1] += 1;
                d.students[i].subgroups.insert(subject, g);
            }
            for s in d.students.iter_mut().filter(|s| s.arrived().is_some()) {
                let g = if sizes[0] <= sizes[1] { 1 } else { 2 };
                sizes[g as usize - 1] += 1;
                s.subgroups.insert(subject, g);
            }
        }
        // Alphabetical list; personal files in the same order.
        d.students.sort_by_key(|s| (s.name.sort_key(), s.id));
        let order: BTreeMap<StudentId, usize> = d
            .students
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, i))
            .collect();
        d.personal.sort_by_key(|(id, _)| order[id]);
    }

    // Consent: two refusals and one not yet asked, among students there all year.
    let mut settled: Vec<(usize, StudentId)> = drafts
        .iter()
        .enumerate()
        .flat_map(|(c, d)| {
            d.students
                .iter()
                .filter(|s| s.movements.is_empty())
                .map(move |s| (c, s.id))
        })
        .collect();
    settled.shuffle(rng);
    for (k, (c, id)) in settled.iter().take(3).enumerate() {
        if let Some((_, p)) = drafts[*c].personal.iter_mut().find(|(s, _)| s == id) {
            p.consent = if k < 2 { Some(false) } else { None };
        }
    }

    // One student exempt from Physical Education for the second period.
    let mut exempt: BTreeMap<usize, (StudentId, SubjectId, PeriodCode)> = BTreeMap::new();
    if let Some(&pe) = id_of.get(&Subj::PhysEd) {
        let mut candidates: Vec<usize> = (0..drafts.len())
            .filter(|&c| (5..=9).contains(&drafts[c].class.grade))
            .collect();
        if candidates.is_empty() {
            candidates = (0..drafts.len()).collect();
        }
        if let Some(&c) = candidates.choose(rng) {
            let d = &drafts[c];
            let stay: Vec<StudentId> = d
                .students
                .iter()
                .filter(|s| s.movements.is_empty())
                .map(|s| s.id)
                .collect();
            let periods = PeriodScheme::for_grade(d.class.grade).periods();
            if let Some(&s) = stay.choose(rng) {
                exempt.insert(c, (s, pe, periods[1 % periods.len()]));
            }
        }
    }

    // Timetables, keeping every teacher in one room at a time.
    let needs: Vec<Vec<timetable::Need>> = drafts
        .iter()
        .map(|d| {
            d.class
                .subjects
                .iter()
                .map(|cs| {
                    let mut teachers = vec![cs.teacher];
                    for t in &cs.subgroup_teachers {
                        if !teachers.contains(t) {
                            teachers.push(*t);
                        }
                    }
                    timetable::Need {
                        subject: cs.subject,
                        hours: catalog[&cs.subject].hours(d.class.grade),
                        teachers,
                        split: !cs.subgroup_teachers.is_empty(),
                    }
                })
                .collect()
        })
        .collect();
    for (d, slots) in drafts.iter_mut().zip(timetable::build_all(rng, &needs)) {
        d.class.timetable = slots;
    }

    // Journals: each class from its own generator, so classes do not disturb each other.
    let seeds: Vec<u64> = drafts.iter().map(|_| rng.random()).collect();
    let mut classes: Vec<DemoClass> = drafts
        .into_iter()
        .enumerate()
        .map(|(c, d)| {
            let mut class_rng = DemoRng::seed_from_u64(seeds[c]);
            let journals = journal::journals(
                &journal::ClassInput {
                    class: &d.class,
                    students: &d.students,
                    catalog: &catalog,
                    calendar: &calendar,
                    settings: &settings,
                    exempt: exempt.get(&c).copied(),
                },
                &mut class_rng,
            );
            DemoClass {
                class: d.class,
                students: d.students,
                personal: d.personal,
                journals,
            }
        })
        .collect();

    if let Some(until) = options.until {
        for c in classes.iter_mut() {
            cut(c, &calendar, until);
        }
    }

    DemoSchool {
        name: SCHOOL_NAME.to_string(),
        director,
        calendar,
        settings,
        staff,
        subjects,
        classes,
    }
}

/// The class as it stood at the end of `until`.
fn cut(c: &mut DemoClass, calendar: &Calendar, until: NaiveDate) {
    c.students
        .retain(|s| s.arrived().is_none_or(|a| a <= until));
    for s in c.students.iter_mut() {
        s.movements.retain(|m| m.date <= until);
    }
    let ids: BTreeSet<StudentId> = c.students.iter().map(|s| s.id).collect();
    c.personal.retain(|(id, _)| ids.contains(id));
    let year_end = calendar
        .bounds(PeriodCode::Year)
        .map_or(until, |(_, end)| end);
    for j in c.journals.iter_mut() {
        j.lessons.retain(|l| l.date <= until);
        j.finals.retain(|f| match f.kind {
            FinalKind::Period(p) => calendar.bounds(p).is_some_and(|(_, end)| end <= until),
            _ => year_end <= until,
        });
    }
}

/// A school day between `lo` and `hi`; with `settle`, not in the last five weeks of a period
/// (a newcomer needs time to get enough marks for a period mark).
fn pick_day(
    rng: &mut DemoRng,
    calendar: &Calendar,
    lo: NaiveDate,
    hi: NaiveDate,
    settle: bool,
) -> Option<NaiveDate> {
    let ends: Vec<NaiveDate> = calendar
        .quarters
        .iter()
        .chain(&calendar.halves)
        .map(|p| p.end)
        .collect();
    let days: Vec<NaiveDate> = lo
        .iter_days()
        .take_while(|d| *d <= hi)
        .filter(|d| calendar.is_school_day(*d, false))
        .filter(|d| !settle || ends.iter().all(|e| *d > *e || (*e - *d).num_days() >= 35))
        .collect();
    days.choose(rng).copied()
}

/// A movement order: its date and the movements (class, student, movement) it covers.
type Event = (NaiveDate, Vec<(usize, StudentId, MovementId)>);

/// Arrivals, departures and a transfer during the year, with their orders (приказы).
fn add_movements(rng: &mut DemoRng, calendar: &Calendar, start_year: i32, drafts: &mut [Draft]) {
    let y = start_year;
    let date = |yy: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(yy, m, d).expect("valid date");
    let mut candidates: Vec<usize> = (0..drafts.len())
        .filter(|&c| !is_largest(drafts[c].class.grade, &drafts[c].class.letter))
        .collect();
    if candidates.is_empty() {
        return;
    }
    candidates.sort();
    let mut events: Vec<Event> = Vec::new();
    let settled = |d: &Draft, rng: &mut DemoRng| -> Option<StudentId> {
        let ids: Vec<StudentId> = d
            .students
            .iter()
            .filter(|s| s.movements.is_empty())
            .map(|s| s.id)
            .collect();
        ids.choose(rng).copied()
    };

    let mut shuffled = candidates.clone();
    shuffled.shuffle(rng);
    for &c in shuffled.iter().take(3) {
        let Some(day) = pick_day(rng, calendar, date(y, 9, 22), date(y + 1, 3, 13), true) else {
            continue;
        };
        let d = &mut drafts[c];
        let (mut s, p) = people::student(rng, d.class.grade, start_year, &mut d.names);
        let m = Movement {
            id: MovementId::from_bytes(rng.random()),
            kind: MovementKind::Arrival,
            date: day,
            order_no: String::new(),
            place: curriculum::pick(rng, people::ARRIVED_FROM).to_string(),
        };
        events.push((day, vec![(c, s.id, m.id)]));
        s.movements.push(m);
        d.personal.push((s.id, p));
        d.students.push(s);
    }

    shuffled.shuffle(rng);
    for &c in shuffled.iter().take(2) {
        let Some(day) = pick_day(rng, calendar, date(y, 10, 6), date(y + 1, 4, 30), false) else {
            continue;
        };
        let Some(id) = settled(&drafts[c], rng) else {
            continue;
        };
        let m = Movement {
            id: MovementId::from_bytes(rng.random()),
            kind: MovementKind::Departure,
            date: day,
            order_no: String::new(),
            place: curriculum::pick(rng, people::DEPARTED_TO).to_string(),
        };
        events.push((day, vec![(c, id, m.id)]));
        let s = drafts[c].students.iter_mut().find(|s| s.id == id);
        s.expect("student").movements.push(m);
    }

    // A transfer to the parallel class: into a generated one if there is one.
    if let (Some(&c), Some(day)) = (
        candidates.choose(rng),
        pick_day(rng, calendar, date(y, 11, 10), date(y + 1, 2, 27), true),
    ) {
        let (grade, letter) = (drafts[c].class.grade, drafts[c].class.letter.clone());
        let target = candidates
            .iter()
            .copied()
            .find(|&t| drafts[t].class.grade == grade && drafts[t].class.letter != letter);
        let target_letter = match target {
            Some(t) => drafts[t].class.letter.clone(),
            None if letter == "А" => "Б".to_string(),
            None => "А".to_string(),
        };
        let names_there = target.map(|t| drafts[t].names.clone()).unwrap_or_default();
        let movable: Vec<StudentId> = drafts[c]
            .students
            .iter()
            .filter(|s| s.movements.is_empty() && !names_there.contains(&s.name.sort_key()))
            .map(|s| s.id)
            .collect();
        if let Some(&id) = movable.choose(rng) {
            let out = Movement {
                id: MovementId::from_bytes(rng.random()),
                kind: MovementKind::Transfer,
                date: day,
                order_no: String::new(),
                place: format!("{grade}{target_letter} класс"),
            };
            let mut event = vec![(c, id, out.id)];
            let source = &mut drafts[c];
            let s = source
                .students
                .iter_mut()
                .find(|s| s.id == id)
                .expect("student");
            s.movements.push(out);
            if let Some(t) = target {
                let mut copy = s.clone();
                let personal = source
                    .personal
                    .iter()
                    .find(|(p, _)| *p == id)
                    .map(|(_, p)| p.clone())
                    .unwrap_or_default();
                let arrival = Movement {
                    id: MovementId::from_bytes(rng.random()),
                    kind: MovementKind::Arrival,
                    date: day,
                    order_no: String::new(),
                    place: format!("{grade}{letter} класс этой школы"),
                };
                event.push((t, id, arrival.id));
                copy.movements = vec![arrival];
                copy.subgroups.clear();
                let d = &mut drafts[t];
                d.names.insert(copy.name.sort_key());
                d.personal.push((id, personal));
                d.students.push(copy);
            }
            events.push((day, event));
        }
    }

    // Orders are numbered through the year: "45-у".
    events.sort_by_key(|e| e.0);
    let mut number = rng.random_range(20..40);
    let mut previous = date(y, 9, 1);
    for (day, refs) in events {
        number += 1 + (day - previous).num_days().max(0) / 5 + rng.random_range(0..3);
        previous = day;
        for (c, sid, mid) in refs {
            let s = drafts[c].students.iter_mut().find(|s| s.id == sid);
            if let Some(m) = s.and_then(|s| s.movements.iter_mut().find(|m| m.id == mid)) {
                m.order_no = format!("{number}-у");
            }
        }
    }
}

#[cfg(test)]
mod tests;
