//! «Итоги успеваемости» of a demo-school class, for looking at the pages:
//! `cargo run -p zhurnal-reports --example class_results -- 7Б Q1 out.pdf [TEMPLATES_DIR]`
//! writes the PDF and, beside it, the markup the template wrote (`out.pdf.xml`).

use zhurnal_demo::{generate_with, DemoOptions};
use zhurnal_reports::class_results::{
    markup_class_results, render_class_results, ClassReportInput,
};
use zhurnal_reports::Templates;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(class_name), Some(period), Some(out)) = (args.get(1), args.get(2), args.get(3))
    else {
        eprintln!("usage: class_results CLASS PERIOD OUT.pdf [TEMPLATES_DIR]");
        std::process::exit(2);
    };
    let period = period.parse()?;
    let grade: u8 = class_name
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()?;
    let letter = class_name
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .to_string();
    let school = generate_with(
        1,
        &DemoOptions {
            classes: vec![(grade, letter)],
            ..Default::default()
        },
    );
    let c = &school.classes[0];
    let input = ClassReportInput {
        school: school.name.clone(),
        year: school.calendar.label(),
        class_name: c.class.name(),
        class_teacher: c
            .class
            .class_teacher
            .and_then(|id| school.staff_member(id))
            .map(|s| s.name.full())
            .unwrap_or_default(),
        students: c.students.clone(),
        subjects: c
            .journals
            .iter()
            .filter_map(|j| Some((school.subject(j.subject)?.clone(), j.finals.clone())))
            .collect(),
        period,
    };
    let templates = match args.get(4) {
        Some(dir) => Templates::with_overrides(dir)?,
        None => Templates::builtin()?,
    };
    std::fs::write(
        format!("{out}.xml"),
        markup_class_results(&input, &templates)?,
    )?;
    std::fs::write(out, render_class_results(&input, &templates)?)?;
    Ok(())
}
