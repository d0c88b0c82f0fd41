//! The journal of one class for a year: the lessons of every subject from the timetable, what
//! was taught and set, who was absent, the marks, and the period and year marks.

use crate::curriculum::Subj;
use crate::{DemoJournal, DemoRng};
use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use zhurnal_domain::stats::{suggest_period_mark, Suggestion};
use zhurnal_domain::{
    Attendance, Calendar, Class, FinalKind, FinalMark, Lesson, LessonId, Mark, MarkValue, Marks,
    Period, PeriodCode, PeriodScheme, SchoolSettings, Student, StudentId, SubjectId,
};

/// Everything the journal of a class is made from.
pub(crate) struct ClassInput<'a> {
    pub class: &'a Class,
    /// The class list, alphabetical.
    pub students: &'a [Student],
    pub catalog: &'a BTreeMap<SubjectId, Subj>,
    pub calendar: &'a Calendar,
    pub settings: &'a SchoolSettings,
    /// A student exempt (осв) from a subject for one period.
    pub exempt: Option<(StudentId, SubjectId, PeriodCode)>,
}

/// Share of lessons whose topic the teacher forgot to fill in.
const EMPTY_TOPIC: f64 = 0.015;
/// Share of lessons where nobody took attendance.
const NO_ATTENDANCE: f64 = 0.012;

/// A random generator that depends only on a student (and a salt): the same student is as
/// able and as often ill in whatever class he is in, whatever the order of generation.
fn seeded(id: StudentId, salt: u64) -> DemoRng {
    let b = id.0.as_bytes();
    let lo = u64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
    let hi = u64::from_le_bytes(b[8..].try_into().expect("8 bytes"));
    DemoRng::seed_from_u64(lo ^ hi.rotate_left(17) ^ salt)
}

/// Lasting traits of a student.
#[derive(Clone, Copy, Debug)]
struct Profile {
    /// The mark he deserves on average, 2.75 to 4.95.
    ability: f64,
    /// How often he falls ill, relative to the average.
    sickly: f64,
    /// How often he is late.
    late: f64,
    /// How often he skips a lesson.
    truant: f64,
}

impl Profile {
    fn of(id: StudentId) -> Self {
        let mut r = seeded(id, 0x0005_eed0_ab11_1717);
        let u: f64 = r.random();
        let ability = if u < 0.15 {
            r.random_range(4.55..4.95) // отличник
        } else if u < 0.55 {
            r.random_range(3.9..4.55) // хорошист
        } else if u < 0.88 {
            r.random_range(3.25..3.9)
        } else {
            r.random_range(2.75..3.25) // слабый
        };
        Profile {
            ability,
            sickly: r.random_range(0.4..1.8),
            late: r.random_range(0.2..2.0),
            truant: if ability < 3.4 {
                r.random_range(1.0..3.0)
            } else {
                r.random_range(0.2..1.0)
            },
        }
    }

    /// His ability in one subject (everyone is better at something).
    fn in_subject(&self, id: StudentId, subject: SubjectId, subj: Subj) -> f64 {
        let salt = u64::from_le_bytes(subject.0.as_bytes()[..8].try_into().expect("8 bytes"));
        let offset = seeded(id, salt).random_range(-0.35..0.35);
        (self.ability + offset + subj.mark_bonus()).clamp(2.5, 4.97)
    }
}

/// A grade drawn around `ability`: `spread` widens the bell (control works are less kind).
fn draw_grade(rng: &mut DemoRng, ability: f64, spread: f64) -> u8 {
    let noise = (rng.random::<f64>() + rng.random::<f64>() + rng.random::<f64>() - 1.5) * spread;
    (ability + noise).round().clamp(2.0, 5.0) as u8
}

/// What happened to a student on one school day.
#[derive(Clone, Copy, Debug, Default)]
struct DayPlan {
    /// Absent with this code from lesson number `.1` on (1 = the whole day).
    absent: Option<(Attendance, u8)>,
    /// Late for the first lesson.
    late: bool,
}

/// Chance that a healthy child falls ill on a school day of the month.
fn illness_rate(month: u32) -> f64 {
    match month {
        9 => 0.004,
        10 => 0.008,
        11 | 12 => 0.010,
        1 => 0.011,
        2 => 0.013,
        3 => 0.009,
        4 => 0.006,
        _ => 0.004,
    }
}

/// The days of a student: illnesses of several days (Б), family reasons and competitions (У),
/// a day of truancy (Н), late mornings (О).
fn plan_days(rng: &mut DemoRng, days: &[NaiveDate], p: &Profile, grade: u8) -> Vec<DayPlan> {
    let mut out = vec![DayPlan::default(); days.len()];
    let (mut ill_left, mut excused_left) = (0u32, 0u32);
    for (plan, d) in out.iter_mut().zip(days) {
        if ill_left > 0 {
            plan.absent = Some((Attendance::Ill, 1));
            ill_left -= 1;
        } else if excused_left > 0 {
            plan.absent = Some((Attendance::Excused, 1));
            excused_left -= 1;
        } else if rng.random_bool(illness_rate(d.month()) * p.sickly) {
            // Three to eight school days, most often four to six.
            ill_left = 2 + rng.random_range(0..4) + rng.random_range(0..3);
            plan.absent = Some((Attendance::Ill, 1));
        } else if rng.random_bool(0.003) {
            excused_left = rng.random_range(0..=1);
            plan.absent = Some((Attendance::Excused, 1));
        } else if rng.random_bool(0.002) {
            // Left for a competition or the doctor after a few lessons.
            plan.absent = Some((Attendance::Excused, rng.random_range(3..=5)));
        } else if rng.random_bool(0.0015) {
            // Sent home by the nurse.
            plan.absent = Some((Attendance::Ill, rng.random_range(2..=4)));
        } else if grade >= 5 && rng.random_bool(0.001 * p.truant) {
            plan.absent = Some((Attendance::Absent, 1));
        } else {
            plan.late = rng.random_bool(0.008 * p.late);
        }
    }
    out
}

/// Chance of skipping one lesson without a reason.
fn skip_rate(grade: u8) -> f64 {
    match grade {
        0..=4 => 0.0,
        5..=6 => 0.002,
        7..=9 => 0.005,
        _ => 0.008,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ordinary,
    Control,
    Practice,
}

/// Which topic the `ordinal`-th ordinary lesson of the year is on, when `planned` lessons go
/// through `topics` topics, and how many lessons of that topic came before it. After the
/// plan, the review goes through the list again, one lesson a topic.
fn topic_at(ordinal: usize, planned: usize, topics: usize) -> (usize, usize) {
    if ordinal >= planned {
        return ((ordinal - planned) % topics, 0);
    }
    if planned <= topics {
        return (ordinal, 0);
    }
    let t = ordinal * topics / planned;
    let first = (t * planned).div_ceil(topics);
    (t, ordinal - first)
}

/// The teacher's period mark: the suggestion, but near a threshold he sometimes rounds the
/// other way (more often up, in the student's favour).
fn teacher_choice(rng: &mut DemoRng, s: &Suggestion, settings: &SchoolSettings) -> MarkValue {
    let (MarkValue::Grade(g), Some(avg)) = (s.mark, s.average) else {
        return s.mark;
    };
    let t = settings.rounding.min_for;
    if (2..5).contains(&g) && t[(g - 2) as usize] - avg < 0.1 && rng.random_bool(0.35) {
        return MarkValue::Grade(g + 1);
    }
    if (3..=5).contains(&g) && avg - t[(g - 3) as usize] < 0.06 && rng.random_bool(0.2) {
        return MarkValue::Grade(g - 1);
    }
    s.mark
}

/// The journals of a class, one per subject in curriculum order.
pub(crate) fn journals(input: &ClassInput, rng: &mut DemoRng) -> Vec<DemoJournal> {
    let class = input.class;
    let grade = class.grade;
    let scheme = PeriodScheme::for_grade(grade);
    let periods: Vec<Period> = input.calendar.periods(scheme).to_vec();
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else {
        return Vec::new();
    };
    let days: Vec<NaiveDate> = first
        .start
        .iter_days()
        .take_while(|d| *d <= last.end)
        .filter(|d| input.calendar.is_school_day(*d, false))
        .filter(|d| periods.iter().any(|p| p.contains(*d)))
        .collect();
    let day_period: Vec<usize> = days
        .iter()
        .map(|d| {
            periods
                .iter()
                .position(|p| p.contains(*d))
                .expect("in a period")
        })
        .collect();
    let mut day_len = [0u8; 8];
    for s in &class.timetable {
        let w = s.weekday as usize;
        day_len[w] = day_len[w].max(s.number);
    }
    let profiles: Vec<Profile> = input.students.iter().map(|s| Profile::of(s.id)).collect();
    let plans: Vec<Vec<DayPlan>> = profiles
        .iter()
        .map(|p| plan_days(rng, &days, p, grade))
        .collect();
    let ctx = Ctx {
        input,
        periods: &periods,
        days: &days,
        day_period: &day_period,
        day_len,
        profiles: &profiles,
        plans: &plans,
    };
    class
        .subjects
        .iter()
        .map(|cs| {
            let subj = input.catalog[&cs.subject];
            let groups: Vec<(Option<u8>, zhurnal_domain::StaffId)> =
                if cs.subgroup_teachers.is_empty() {
                    vec![(None, cs.teacher)]
                } else {
                    cs.subgroup_teachers
                        .iter()
                        .enumerate()
                        .map(|(i, t)| (Some(i as u8 + 1), *t))
                        .collect()
                };
            let mut acc = vec![vec![Vec::<Mark>::new(); input.students.len()]; periods.len()];
            let mut lessons = Vec::new();
            for (group, teacher) in groups {
                ctx.sequence(
                    rng,
                    cs.subject,
                    subj,
                    group,
                    teacher,
                    &mut lessons,
                    &mut acc,
                );
            }
            lessons.sort_by_key(|l: &Lesson| (l.date, l.number, l.subgroup));
            let finals = ctx.finals(rng, &acc);
            DemoJournal {
                subject: cs.subject,
                lessons,
                finals,
            }
        })
        .collect()
}

struct Ctx<'a> {
    input: &'a ClassInput<'a>,
    periods: &'a [Period],
    days: &'a [NaiveDate],
    day_period: &'a [usize],
    /// Lessons on each weekday (index 1 = Monday).
    day_len: [u8; 8],
    profiles: &'a [Profile],
    plans: &'a [Vec<DayPlan>],
}

impl Ctx<'_> {
    /// The lessons of one subject for one subgroup (or the whole class), appended to
    /// `lessons`; every mark is also added to `acc[period][student]`.
    #[allow(clippy::too_many_arguments)]
    fn sequence(
        &self,
        rng: &mut DemoRng,
        subject: SubjectId,
        subj: Subj,
        group: Option<u8>,
        teacher: zhurnal_domain::StaffId,
        lessons: &mut Vec<Lesson>,
        acc: &mut [Vec<Vec<Mark>>],
    ) {
        let input = self.input;
        let grade = input.class.grade;
        let settings = input.settings;
        let slots: Vec<(u8, u8)> = input
            .class
            .timetable
            .iter()
            .filter(|s| s.subject == subject && s.subgroup == group)
            .map(|s| (s.weekday, s.number))
            .collect();
        let mut occ: Vec<(usize, u8)> = Vec::new();
        for (di, d) in self.days.iter().enumerate() {
            let wd = d.weekday().number_from_monday() as u8;
            for &(w, n) in &slots {
                if w == wd {
                    occ.push((di, n));
                }
            }
        }
        occ.sort_unstable();
        // Lessons left in the period, this one included: the teacher plans the marks he
        // still has to give.
        let mut remaining = vec![0u32; occ.len()];
        let mut count = 0;
        for k in (0..occ.len()).rev() {
            if k + 1 < occ.len() && self.day_period[occ[k].0] != self.day_period[occ[k + 1].0] {
                count = 0;
            }
            count += 1;
            remaining[k] = count;
        }
        let members: Vec<usize> = input
            .students
            .iter()
            .enumerate()
            .filter(|(_, s)| group.is_none() || s.subgroups.get(&subject).copied() == group)
            .map(|(i, _)| i)
            .collect();
        let ability: Vec<f64> = input
            .students
            .iter()
            .zip(self.profiles)
            .map(|(s, p)| p.in_subject(s.id, subject, subj))
            .collect();

        let topics = subj.topics(grade);
        let control = subj.control_every();
        let practice = subj.practice();
        let specials = control.map_or(0, |e| occ.len() / e as usize)
            + practice.map_or(0, |p| occ.len() / p.2 as usize);
        // The topic list is spread over the year's ordinary lessons, leaving the last few
        // for the year-end review (итоговое повторение).
        let ordinary = occ.len().saturating_sub(specials).max(1);
        let planned = (ordinary - ordinary / 20).max(1);
        let mut ordinal = 0usize;
        let (mut cw_no, mut pr_no) = (0u32, 0u32);
        let mut cw_in = control.map_or(0, |e| e + rng.random_range(0..3));
        let mut pr_in = practice.map_or(0, |p| p.2 / 2 + 1 + rng.random_range(0..p.2 / 2 + 1));
        let mut grades_in_period = vec![vec![0u32; input.students.len()]; self.periods.len()];
        let mut exempt_noted = false;
        let target = settings.min_marks + 1;

        for (k, &(di, number)) in occ.iter().enumerate() {
            let date = self.days[di];
            let pi = self.day_period[di];
            let mut kind = Kind::Ordinary;
            if let Some(e) = control {
                cw_in -= 1;
                if cw_in == 0 {
                    kind = Kind::Control;
                    cw_in = e - 2 + rng.random_range(0..5);
                }
            }
            if let (Kind::Ordinary, Some((_, _, every))) = (kind, practice) {
                pr_in = pr_in.saturating_sub(1);
                if pr_in == 0 {
                    kind = Kind::Practice;
                    pr_in = every - 1 + rng.random_range(0..3);
                }
            }
            let (topic_no, _) = topic_at(ordinal.min(planned - 1), planned, topics.len());
            let current = topics[topic_no];
            let (mut topic, mut homework) = match kind {
                Kind::Control => {
                    cw_no += 1;
                    let hw = if rng.random_bool(0.6) {
                        String::new()
                    } else {
                        subj.homework(grade, topic_no, k, rng)
                    };
                    (format!("Контрольная работа № {cw_no}"), hw)
                }
                Kind::Practice => {
                    pr_no += 1;
                    let title = practice.map_or("Практическая работа", |p| p.0);
                    (
                        format!("{title} № {pr_no}. {current}"),
                        subj.homework(grade, topic_no, k, rng),
                    )
                }
                Kind::Ordinary => {
                    let (t, within) = topic_at(ordinal, planned, topics.len());
                    ordinal += 1;
                    let current = topics[t];
                    let text = if ordinal > planned {
                        format!("Повторение. {current}")
                    } else {
                        match within {
                            0 => current.to_string(),
                            1 => format!("{current}. {}", subj.practice_word()),
                            2 => format!("{current}. Обобщение"),
                            3 => format!("{current}. Систематизация знаний"),
                            4 => format!("{current}. Самостоятельная работа"),
                            _ => format!("{current}. Практикум"),
                        }
                    };
                    (text, subj.homework(grade, t, k, rng))
                }
            };
            if kind == Kind::Ordinary && rng.random_bool(EMPTY_TOPIC) {
                topic.clear();
                if rng.random_bool(0.7) {
                    homework.clear();
                }
            }
            let attendance_taken = !rng.random_bool(NO_ATTENDANCE);
            let rate: f64 = rng.random_range(0.10..0.28);
            let last_of_day = number >= self.day_len[date.weekday().number_from_monday() as usize];
            let mut marks = BTreeMap::new();
            let mut attendance = BTreeMap::new();
            for &si in &members {
                let student = &input.students[si];
                if !student.on_roll(date) {
                    continue;
                }
                let plan = self.plans[si][di];
                let mut code = plan
                    .absent
                    .and_then(|(a, from)| (number >= from).then_some(a));
                if code.is_none() {
                    let skip = skip_rate(grade)
                        * self.profiles[si].truant
                        * if last_of_day { 2.0 } else { 1.0 };
                    if skip > 0.0 && rng.random_bool(skip.min(1.0)) {
                        code = Some(Attendance::Absent);
                    } else if plan.late && number == 1 {
                        code = Some(Attendance::Late);
                    }
                }
                if let Some(a) = code {
                    if attendance_taken {
                        attendance.insert(student.id, a);
                    }
                    if a.is_missed() {
                        continue;
                    }
                }
                if input.exempt == Some((student.id, subject, self.periods[pi].code)) {
                    if !exempt_noted {
                        exempt_noted = true;
                        let m = Mark::plain(MarkValue::Exempt);
                        acc[pi][si].push(m.clone());
                        marks.insert(student.id, Marks(vec![m]));
                    }
                    continue;
                }
                let have = grades_in_period[pi][si];
                let mut p = rate;
                if have < target {
                    p = p.max((1.3 * (target - have) as f64 / remaining[k] as f64).min(1.0));
                }
                let a = ability[si];
                let cell: Vec<Mark> = match kind {
                    Kind::Control => vec![Mark {
                        value: MarkValue::Grade(draw_grade(rng, a - 0.15, 1.3)),
                        work: Some("кр".into()),
                        weight: None,
                    }],
                    Kind::Practice if rng.random_bool(0.9) => vec![Mark {
                        value: MarkValue::Grade(draw_grade(rng, a + 0.1, 1.0)),
                        work: practice.map(|p| p.1.to_string()),
                        weight: None,
                    }],
                    _ if rng.random_bool(p) => {
                        let mut v = vec![Mark::grade(draw_grade(rng, a, 1.1))];
                        if rng.random_bool(0.05) {
                            v.push(Mark::grade(draw_grade(rng, a, 1.1)));
                        }
                        v
                    }
                    _ => Vec::new(),
                };
                if !cell.is_empty() {
                    grades_in_period[pi][si] += cell.len() as u32;
                    acc[pi][si].extend(cell.iter().cloned());
                    marks.insert(student.id, Marks(cell));
                }
            }
            lessons.push(Lesson {
                id: LessonId::from_bytes(rng.random()),
                date,
                number,
                subgroup: group,
                topic,
                homework,
                teacher: Some(teacher),
                attendance_taken,
                marks,
                attendance,
            });
        }
    }

    /// Period marks for every student on the roll at the period's end, then year marks for
    /// every student on the roll at the year's end.
    fn finals(&self, rng: &mut DemoRng, acc: &[Vec<Vec<Mark>>]) -> Vec<FinalMark> {
        let input = self.input;
        let settings = input.settings;
        let mut out = Vec::new();
        let mut by_student: Vec<Vec<MarkValue>> = vec![Vec::new(); input.students.len()];
        for (pi, period) in self.periods.iter().enumerate() {
            for (si, s) in input.students.iter().enumerate() {
                if !s.on_roll(period.end) {
                    continue;
                }
                let suggestion = suggest_period_mark(&acc[pi][si], settings);
                let value = teacher_choice(rng, &suggestion, settings);
                by_student[si].push(value);
                out.push(FinalMark {
                    kind: FinalKind::Period(period.code),
                    student: s.id,
                    value,
                });
            }
        }
        let year_end = self.periods.last().expect("periods").end;
        for (si, s) in input.students.iter().enumerate() {
            if !s.on_roll(year_end) {
                continue;
            }
            let values = &by_student[si];
            let grades: Vec<u8> = values.iter().filter_map(|v| v.grade()).collect();
            let value = if !grades.is_empty() {
                let avg = grades.iter().map(|&g| g as f64).sum::<f64>() / grades.len() as f64;
                MarkValue::Grade(settings.rounding.round(avg))
            } else if values.contains(&MarkValue::Exempt) {
                MarkValue::Exempt
            } else {
                MarkValue::NotAttested
            };
            out.push(FinalMark {
                kind: FinalKind::Year,
                student: s.id,
                value,
            });
        }
        out
    }
}
