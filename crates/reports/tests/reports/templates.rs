use crate::fixtures::class_7b;
use crate::poppler::{page_count, page_text};
use zhurnal_domain::PeriodCode;
use zhurnal_reports::class_results::{markup_class_results, render_class_results};
use zhurnal_reports::{ReportError, Templates};

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn a_school_file_with_the_name_of_a_default_wins() {
    let dir = folder(&[
        (
            "class_results.tera",
            r#"<document title="Своя форма"><section>
                 <h1>Форма школы: {{ class_name }}, {{ period_title }}</h1>
                 <p>Отличников: {{ categories.0.count }}</p></section></document>"#,
        ),
        ("notes.txt", "not a template: ignored"),
    ]);
    let templates = Templates::with_overrides(dir.path()).unwrap();
    assert!(templates.is_overridden("class_results.tera"));
    assert!(!templates.is_overridden("macros.tera"));
    let input = class_7b(1, PeriodCode::Q1);
    let markup = markup_class_results(&input, &templates).unwrap();
    assert!(markup.contains("Форма школы: 7Б, 1 четверть"), "{markup}");
    let pdf = render_class_results(&input, &templates).unwrap();
    assert!(page_text(&pdf, 1).contains("Форма школы: 7Б, 1 четверть"));
    // The defaults are untouched.
    let builtin = markup_class_results(&input, &Templates::builtin().unwrap()).unwrap();
    assert!(!builtin.contains("Форма школы"));
}

#[test]
fn overriding_a_shared_piece_changes_every_document_that_uses_it() {
    let dir = folder(&[(
        "macros.tera",
        r#"{% macro page_footer() %}<footer><p align="center">Лист {page} — школьная форма</p></footer>{% endmacro page_footer %}
{% macro signature(label, name) %}<signature label="{{ label }}" caption="(подпись, печать)" name="{{ name }}"/>{% endmacro signature %}
{% macro date_line() %}<p>Дата: ________</p>{% endmacro date_line %}"#,
    )]);
    let templates = Templates::with_overrides(dir.path()).unwrap();
    let pdf = render_class_results(&class_7b(1, PeriodCode::Q1), &templates).unwrap();
    let pages = page_count(&pdf);
    for p in 1..=pages {
        assert!(page_text(&pdf, p).contains(&format!("Лист {p} — школьная форма")));
    }
    assert!(page_text(&pdf, pages).contains("(подпись, печать)"));
}

#[test]
fn values_cannot_break_the_markup() {
    let mut input = class_7b(1, PeriodCode::Q1);
    input.school = r#"Школа «Смирнов & сыновья» <b>№1</b> "и" 'ко'"#.to_string();
    let pdf = render_class_results(&input, &Templates::builtin().unwrap()).unwrap();
    assert!(page_text(&pdf, 1).contains(r#"Школа «Смирнов & сыновья» <b>№1</b> "и" 'ко'"#));
}

#[test]
fn a_missing_folder_or_a_broken_template_is_reported_with_its_name() {
    let e = Templates::with_overrides("/nonexistent/zhurnal/templates").unwrap_err();
    assert!(matches!(e, ReportError::Overrides { .. }), "{e:?}");
    assert!(
        e.to_string().contains("/nonexistent/zhurnal/templates"),
        "{e}"
    );

    let dir = folder(&[("class_results.tera", "<document>\n{% if %}\n</document>")]);
    let e = Templates::with_overrides(dir.path()).unwrap_err();
    assert!(e.to_string().contains("class_results.tera"), "{e}");

    // A template that renders but writes wrong markup: the error names it and the line.
    let dir = folder(&[(
        "class_results.tera",
        "<document><section>\n<p>{{ class_name }}</p>\n<tabel/>\n</section></document>",
    )]);
    let templates = Templates::with_overrides(dir.path()).unwrap();
    let e = render_class_results(&class_7b(1, PeriodCode::Q1), &templates).unwrap_err();
    match &e {
        ReportError::TemplateMarkup { template, source } => {
            assert_eq!(template, "class_results.tera");
            assert!(source.to_string().contains("строка 3"), "{source}");
        }
        other => panic!("{other:?}"),
    }

    // An unknown variable is named.
    let dir = folder(&[(
        "class_results.tera",
        "<document><section><p>{{ no_such_value }}</p></section></document>",
    )]);
    let templates = Templates::with_overrides(dir.path()).unwrap();
    let e = render_class_results(&class_7b(1, PeriodCode::Q1), &templates).unwrap_err();
    assert!(e.to_string().contains("no_such_value"), "{e}");
}
