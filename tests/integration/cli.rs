//! The command line as a clerk's script uses it.

use crate::support::{demo_copy, dump, ok, run, student_id, subject};
use serde_json::Value;

/// A student without movements who was present at the given lesson (so a mark is allowed),
/// and a date of "Русский язык" with exactly one lesson.
fn free_cell(d: &Value) -> (String, String, String) {
    let rus = subject(d, "Русский язык");
    let lessons = rus["lessons"].as_array().unwrap();
    for l in lessons {
        let date = l["date"].as_str().unwrap();
        if lessons.iter().filter(|x| x["date"] == date).count() != 1 {
            continue;
        }
        for s in d["students"].as_array().unwrap() {
            let id = s["id"].as_str().unwrap();
            if s["movements"].as_array().unwrap().is_empty() && l["attendance"].get(id).is_none() {
                return (
                    date.to_string(),
                    s["name"].as_str().unwrap().to_string(),
                    id.to_string(),
                );
            }
        }
    }
    panic!("no free cell in the demo");
}

/// `zhurnal CMD --db DB --class 7Б --subject "Русский язык" --date DATE --student NAME FLAG VALUE`.
fn cell_args<'a>(
    cmd: &'a str,
    db: &'a str,
    date: &'a str,
    name: &'a str,
    flag: &'a str,
    value: &'a str,
) -> Vec<&'a str> {
    vec![
        cmd,
        "--db",
        db,
        "--class",
        "7Б",
        "--subject",
        "Русский язык",
        "--date",
        date,
        "--student",
        name,
        flag,
        value,
    ]
}

fn cell(d: &Value, date: &str, id: &str) -> (Option<String>, Option<String>) {
    let l = subject(d, "Русский язык")["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["date"] == date)
        .unwrap()
        .clone();
    (
        l["marks"].get(id).map(|v| v.as_str().unwrap().to_string()),
        l["attendance"]
            .get(id)
            .map(|v| v.as_str().unwrap().to_string()),
    )
}

#[test]
fn the_demo_school_is_a_realistic_class_journal() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let d = dump(&db, "7Б");
    assert_eq!(d["format"], "zhurnal-dump/1");
    assert_eq!(d["class"]["name"], "7Б");
    assert_eq!(
        d["class"]["periods"],
        serde_json::json!(["Q1", "Q2", "Q3", "Q4"])
    );
    let students = d["students"].as_array().unwrap();
    assert_eq!(students.len(), 32);
    let rus = subject(&d, "Русский язык");
    assert!(
        rus["lessons"].as_array().unwrap().len() > 100,
        "a full year of Russian"
    );
    let q1 = rus["finals"]["Q1"].as_object().unwrap().len();
    assert!(
        (28..=32).contains(&q1),
        "Q1 marks for those on the roll at the end of Q1: {q1}"
    );
    let ten = dump(&db, "10А");
    assert_eq!(ten["class"]["periods"], serde_json::json!(["H1", "H2"]));
    assert!(subject(&ten, "Русский язык")["finals"].get("H1").is_some());
    let stats = ok(&["stats", "--db", db.to_str().unwrap()]);
    assert!(stats.contains("Классов: 2"), "{stats}");
}

#[test]
fn the_same_seed_gives_the_same_journal() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.sqlite3");
    let b = dir.path().join("b.sqlite3");
    for p in [&a, &b] {
        ok(&[
            "demo",
            "--db",
            p.to_str().unwrap(),
            "--seed",
            "3",
            "--classes",
            "5А",
        ]);
    }
    assert_eq!(dump(&a, "5А"), dump(&b, "5А"));
    let c = dir.path().join("c.sqlite3");
    ok(&[
        "demo",
        "--db",
        c.to_str().unwrap(),
        "--seed",
        "4",
        "--classes",
        "5А",
    ]);
    assert_ne!(dump(&a, "5А"), dump(&c, "5А"));
}

#[test]
fn a_mark_from_the_shell_is_in_the_journal_after_the_process_ends() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let db_s = db.to_str().unwrap();
    let before = dump(&db, "7Б");
    let (date, name, id) = free_cell(&before);
    let out = ok(&[
        "mark",
        "--db",
        db_s,
        "--class",
        "7б",
        "--subject",
        "русский язык",
        "--date",
        &date,
        "--student",
        &name,
        "--value",
        "5 4",
    ]);
    assert!(out.contains("5 4"), "{out}");
    let after = dump(&db, "7Б");
    assert_eq!(cell(&after, &date, &id).0.as_deref(), Some("5 4"));
    // The attendance twin, then a mark for an absent student is refused and changes nothing.
    ok(&cell_args("attend", db_s, &date, &name, "--code", "О"));
    assert_eq!(
        cell(&dump(&db, "7Б"), &date, &id),
        (Some("5 4".into()), Some("О".into()))
    );
    let (success, _, err) = run(&cell_args("attend", db_s, &date, &name, "--code", "Б"));
    assert!(!success);
    assert!(err.contains("отсутствовал"), "{err}");
    ok(&cell_args("mark", db_s, &date, &name, "--value", ""));
    ok(&cell_args("attend", db_s, &date, &name, "--code", "Б"));
    assert_eq!(cell(&dump(&db, "7Б"), &date, &id), (None, Some("Б".into())));
    // Everything else is as it was.
    let mut a = before.clone();
    let mut b = dump(&db, "7Б");
    for d in [&mut a, &mut b] {
        for l in d["subjects"][0]["lessons"].as_array_mut().unwrap() {
            if l["date"] == date.as_str() {
                l["marks"].as_object_mut().unwrap().remove(&id);
                l["attendance"].as_object_mut().unwrap().remove(&id);
            }
        }
    }
    assert_eq!(a, b);
}

#[test]
fn bad_input_gets_a_clear_message_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let db_s = db.to_str().unwrap();
    let before = dump(&db, "7Б");
    let (date, name, _) = free_cell(&before);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--class",
                "7Я",
                "--subject",
                "Русский язык",
                "--date",
                &date,
                "--student",
                &name,
                "--value",
                "5",
            ],
            "Есть классы: 7Б, 10А",
        ),
        (
            vec![
                "--class",
                "7Б",
                "--subject",
                "Химия",
                "--date",
                &date,
                "--student",
                &name,
                "--value",
                "5",
            ],
            "нет предмета «Химия»",
        ),
        (
            vec![
                "--class",
                "7Б",
                "--subject",
                "Русский язык",
                "--date",
                &date,
                "--student",
                "Нет Такого",
                "--value",
                "5",
            ],
            "нет ученика",
        ),
        (
            vec![
                "--class",
                "7Б",
                "--subject",
                "Русский язык",
                "--date",
                &date,
                "--student",
                &name,
                "--value",
                "6",
            ],
            "«6» — не отметка",
        ),
        (
            vec![
                "--class",
                "7Б",
                "--subject",
                "Русский язык",
                "--date",
                "2025-13-01",
                "--student",
                &name,
                "--value",
                "5",
            ],
            "не дата",
        ),
        (
            vec![
                "--class",
                "7Б",
                "--subject",
                "Русский язык",
                "--date",
                "2025-09-07",
                "--student",
                &name,
                "--value",
                "5",
            ],
            // The library's words, then the command line's: what to type.
            "нет урока: сначала добавьте урок — повторите команду с --add-lesson",
        ),
    ];
    for (args, expected) in cases {
        let mut full = vec!["mark", "--db", db_s];
        full.extend(args);
        let (success, _, err) = run(&full);
        assert!(!success, "{full:?} should fail");
        assert!(
            err.contains(expected),
            "{full:?}: expected «{expected}» in:\n{err}"
        );
    }
    assert_eq!(dump(&db, "7Б"), before);
}

#[test]
fn a_file_that_is_not_a_journal_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.sqlite3");
    std::fs::write(&notes, "это не база").unwrap();
    let (success, _, err) = run(&["stats", "--db", notes.to_str().unwrap()]);
    assert!(!success);
    assert!(err.contains("не является базой Журнала"), "{err}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "это не база");
    let (success, _, err) = run(&[
        "stats",
        "--db",
        dir.path().join("missing.sqlite3").to_str().unwrap(),
    ]);
    assert!(!success);
    assert!(err.contains("zhurnal demo"), "{err}");
}

#[test]
fn a_class_list_is_imported_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let db_s = db.to_str().unwrap();
    let before = dump(&db, "10А");
    let existing = before["students"][0]["name"].as_str().unwrap().to_string();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("Фамилия;Имя;Отчество;Дата рождения\nНовикова;Дарья;Игоревна;12.03.2009\n;Олег;;01.01.2009\n{};\nСмирнов;Кирилл;;31.02.2009\n", existing.replace(' ', ";")),
    )
    .unwrap();
    let (success, _, err) = run(&[
        "import-roster",
        "--db",
        db_s,
        "--class",
        "10А",
        bad.to_str().unwrap(),
    ]);
    assert!(!success);
    assert!(
        err.contains("строка 3:") && err.contains("фамилия"),
        "{err}"
    );
    assert!(
        err.contains("строка 5:") && err.contains("31.02.2009"),
        "{err}"
    );
    assert!(err.contains("ничего не изменено"), "{err}");
    assert_eq!(dump(&db, "10А"), before);

    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "ФИО,Дата рождения\nНовикова Дарья Игоревна,12.03.2009\nЯковлев Тимур,2009-07-01\n",
    )
    .unwrap();
    let out = ok(&[
        "import-roster",
        "--db",
        db_s,
        "--class",
        "10А",
        good.to_str().unwrap(),
    ]);
    assert!(out.contains("добавлено учеников: 2"), "{out}");
    let after = dump(&db, "10А");
    assert_eq!(
        after["students"].as_array().unwrap().len(),
        before["students"].as_array().unwrap().len() + 2
    );
    assert!(!student_id(&after, "Новикова Дарья Игоревна").is_empty());
    // The same file again: every row is already there.
    let (success, _, err) = run(&[
        "import-roster",
        "--db",
        db_s,
        "--class",
        "10А",
        good.to_str().unwrap(),
    ]);
    assert!(
        !success && err.contains("уже есть в списке класса"),
        "{err}"
    );
}

/// `zhurnal dump … | head`: the reader goes away early; the command stops quietly, as other
/// command-line tools do, instead of panicking with "failed printing to stdout".
#[cfg(target_os = "linux")]
#[test]
fn output_into_a_closed_pipe_stops_quietly() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let db = demo_copy(dir.path());
    let mut child = crate::support::zhurnal()
        .args([
            "dump",
            "--db",
            db.to_str().unwrap(),
            "--class",
            "7Б",
            "--format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end is dropped here, long before the journal's megabyte is written.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
