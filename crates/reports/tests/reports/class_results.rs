use crate::fixtures::{class, class_7b};
use crate::poppler::{layout_text, page_count, page_text, squeeze, text};
use std::collections::BTreeMap;
use zhurnal_domain::{FinalKind, MarkValue, PeriodCode};
use zhurnal_reports::class_results::{
    markup_class_results, render_class_results, ClassReportInput,
};
use zhurnal_reports::Templates;

/// The report's figures, computed here from the rules of DOMAIN.md without the domain crate's
/// functions, to check the PDF against.
struct Expected {
    counted: u32,
    /// отличники, хорошисты, с одной «3», с «3», неуспевающие, н/а
    categories: [u32; 6],
    names: Vec<String>,
    class: [String; 4],
    /// Subject name and its row: «5», «4», «3», «2», н/а, N, успеваемость, качество, СОУ, средний.
    subjects: Vec<(String, Vec<String>)>,
}

fn num(x: f64, places: usize) -> String {
    format!("{x:.places$}").replace('.', ",")
}

fn pct(part: u32, n: u32) -> String {
    if n == 0 {
        "—".into()
    } else {
        num(part as f64 * 100.0 / n as f64, 1)
    }
}

fn sou(c: [u32; 5], n: u32) -> String {
    if n == 0 {
        return "—".into();
    }
    num(
        (c[0] * 100 + c[1] * 64 + c[2] * 36 + c[3] * 16 + c[4] * 7) as f64 / n as f64,
        1,
    )
}

fn expected(input: &ClassReportInput) -> Expected {
    let kind = match input.period {
        PeriodCode::Year => FinalKind::Year,
        p => FinalKind::Period(p),
    };
    let mut per_student: BTreeMap<_, Vec<MarkValue>> = BTreeMap::new();
    let mut subjects = Vec::new();
    let mut ordered: Vec<_> = input.subjects.iter().collect();
    ordered.sort_by_key(|(s, _)| s.order);
    for (subject, finals) in ordered {
        let marks: Vec<MarkValue> = finals
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| {
                per_student.entry(f.student).or_default().push(f.value);
                f.value
            })
            .collect();
        if marks.is_empty() {
            continue;
        }
        let count = |p: &dyn Fn(&MarkValue) -> bool| marks.iter().filter(|m| p(m)).count() as u32;
        let c = [
            count(&|m| *m == MarkValue::Grade(5)),
            count(&|m| *m == MarkValue::Grade(4)),
            count(&|m| *m == MarkValue::Grade(3)),
            count(&|m| matches!(m, MarkValue::Grade(1 | 2) | MarkValue::Fail)),
            count(&|m| *m == MarkValue::NotAttested),
        ];
        let n: u32 = c.iter().sum();
        let grades: Vec<u32> = marks
            .iter()
            .filter_map(|m| match m {
                MarkValue::Grade(g) => Some(*g as u32),
                _ => None,
            })
            .collect();
        let avg = if grades.is_empty() {
            "—".into()
        } else {
            num(grades.iter().sum::<u32>() as f64 / grades.len() as f64, 2)
        };
        let mut row: Vec<String> = c.iter().map(|x| x.to_string()).collect();
        row.push(n.to_string());
        row.push(pct(c[0] + c[1] + c[2], n));
        row.push(pct(c[0] + c[1], n));
        row.push(sou(c, n));
        row.push(avg);
        subjects.push((subject.name.clone(), row));
    }
    let mut categories = [0u32; 6];
    let mut names = Vec::new();
    let mut all_grades = Vec::new();
    for s in &input.students {
        let Some(marks) = per_student.get(&s.id) else {
            continue;
        };
        let grades: Vec<u32> = marks
            .iter()
            .filter_map(|m| match m {
                MarkValue::Grade(g) => Some(*g as u32),
                _ => None,
            })
            .collect();
        let category = if marks
            .iter()
            .any(|m| matches!(m, MarkValue::Grade(1 | 2) | MarkValue::Fail))
        {
            4
        } else if marks.contains(&MarkValue::NotAttested) {
            5
        } else if grades.is_empty() {
            continue;
        } else {
            match grades.iter().filter(|g| **g == 3).count() {
                0 if grades.iter().all(|g| *g == 5) => 0,
                0 => 1,
                1 => 2,
                _ => 3,
            }
        };
        categories[category] += 1;
        names.push(s.name.full());
        all_grades.extend(grades);
    }
    let n: u32 = categories.iter().sum();
    let c = categories;
    Expected {
        counted: n,
        categories,
        names,
        class: [
            pct(c[0] + c[1] + c[2] + c[3], n),
            pct(c[0] + c[1], n),
            sou([c[0], c[1], c[2] + c[3], c[4], c[5]], n),
            num(
                all_grades.iter().sum::<u32>() as f64 / all_grades.len() as f64,
                2,
            ),
        ],
        subjects,
    }
}

/// The last `n` words of the line that starts with `start` (white space squeezed).
fn row<'a>(text: &'a str, start: &str) -> Vec<&'a str> {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("no line starts with «{start}»:\n{text}"));
    line.split_whitespace().collect()
}

fn tail<'a>(words: &[&'a str], n: usize) -> Vec<&'a str> {
    words[words.len() - n..].to_vec()
}

fn check(input: &ClassReportInput) {
    let want = expected(input);
    assert!(want.counted > 20, "the demo class should have a full list");
    let pdf = render_class_results(input, &Templates::builtin().unwrap()).unwrap();
    let text_l = layout_text(&pdf);

    let titles = [
        "Отличники (только «5»)",
        "Хорошисты («4» и «5»)",
        "С одной «3»",
        "С двумя и более «3»",
        "Неуспевающие (есть «2»)",
        "Не аттестованы (н/а)",
    ];
    for (title, count) in titles.iter().zip(want.categories) {
        assert_eq!(
            tail(&row(&text_l, title), 2),
            vec![count.to_string(), pct(count, want.counted)],
            "{title}"
        );
    }
    assert_eq!(
        tail(&row(&text_l, "Всего учтено (N)"), 2)[0],
        want.counted.to_string()
    );
    for (label, value) in [
        "Успеваемость, %",
        "Качество знаний, %",
        "Степень обученности (СОУ), %",
        "Средний балл",
    ]
    .iter()
    .zip(&want.class)
    {
        assert_eq!(
            tail(&row(&text_l, label), 1),
            vec![value.as_str()],
            "{label}"
        );
    }
    assert!(text_l.contains(&format!("(N = {})", want.counted)));
    assert!(text_l.contains("от числа учащихся"));

    // Every subject's row, found by its first word and its ten figures at the end of a line.
    for (name, figures) in &want.subjects {
        let first = name.split_whitespace().next().unwrap();
        let found = text_l.lines().any(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            l.trim_start().starts_with(first) && w.len() > 10 && tail(&w, 10) == *figures
        });
        assert!(found, "no row «{name}» with {figures:?}:\n{text_l}");
    }

    // Every counted student is named in a list.
    let all = squeeze(&text(&pdf));
    for name in &want.names {
        assert!(all.contains(&squeeze(name)), "{name} is missing");
    }
    // Numbered pages.
    let pages = page_count(&pdf);
    for p in 1..=pages {
        assert!(page_text(&pdf, p).contains(&format!("Страница {p} из {pages}")));
    }
}

#[test]
fn the_figures_of_7b_for_the_first_quarter_match_an_independent_count() {
    check(&class_7b(1, PeriodCode::Q1));
}

#[test]
fn the_figures_of_the_year_and_of_a_half_year_class_match_too() {
    check(&class_7b(7, PeriodCode::Year));
    check(&class(3, 10, "А", PeriodCode::H1));
}

#[test]
fn the_markup_of_7b_for_the_first_quarter_is_as_reviewed() {
    let markup =
        markup_class_results(&class_7b(1, PeriodCode::Q1), &Templates::builtin().unwrap()).unwrap();
    insta::assert_snapshot!("class_results_7b_q1", markup);
}
