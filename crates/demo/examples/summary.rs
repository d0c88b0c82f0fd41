//! Prints what the demo school holds and how long it takes to generate:
//! `cargo run --release -p zhurnal-demo --example summary [seed]`.

use std::time::Instant;

fn main() {
    let seed = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let started = Instant::now();
    let school = zhurnal_demo::generate(seed);
    let took = started.elapsed();
    let t = school.totals();
    println!("{} (seed {seed}), {}", school.name, school.calendar.label());
    println!("director: {}", school.director);
    println!(
        "classes {}, students {}, staff {}, lessons {}, marks {}, attendance entries {}, finals {}",
        t.classes, t.students, t.staff, t.lessons, t.marks, t.attendance, t.finals
    );
    for c in &school.classes {
        let teacher = c
            .class
            .class_teacher
            .and_then(|id| school.staff_member(id))
            .map(|s| s.name.short())
            .unwrap_or_default();
        let lessons: usize = c.journals.iter().map(|j| j.lessons.len()).sum();
        println!(
            "  {:>3}: {} students, {} subjects, {} lessons, class teacher {}",
            c.class.name(),
            c.students.len(),
            c.class.subjects.len(),
            lessons,
            teacher
        );
    }
    println!("generated in {took:?}");
}
