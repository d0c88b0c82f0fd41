use super::*;
use crate::DemoOptions;

/// A school of one class, 7Б, the demo's largest, in a temporary file.
pub(super) fn school() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("school.sqlite3");
    let options = DemoOptions {
        classes: vec![(7, "Б".into())],
        ..DemoOptions::default()
    };
    create_demo(&path, 1, &options).unwrap();
    (dir, path)
}

pub(super) struct Ids {
    pub(super) class: String,
    pub(super) algebra: String,
    pub(super) algebra_teacher: String,
    pub(super) class_teacher: String,
    pub(super) other_subject: String,
}

pub(super) fn ids(app: &mut App) -> Ids {
    let school = app.school().unwrap();
    let class = school.class_by_name("7Б").unwrap().clone();
    let algebra = school.subject_by_name("Алгебра").unwrap().id;
    let teacher = class.teaches(algebra).unwrap().teacher;
    let ct = class.class_teacher.unwrap();
    // A subject of the class that its class teacher does not teach.
    let other = class
        .subjects
        .iter()
        .find(|cs| cs.teacher != ct && !cs.subgroup_teachers.contains(&ct))
        .unwrap()
        .subject;
    Ids {
        class: class.id.to_string(),
        algebra: algebra.to_string(),
        algebra_teacher: teacher.to_string(),
        class_teacher: ct.to_string(),
        other_subject: other.to_string(),
    }
}

#[test]
fn an_empty_file_has_no_school_and_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(dir.path().join("new").join("z.sqlite3")).unwrap();
    let state = app.state().unwrap();
    assert!(!state.has_school);
    assert!(!state.sync.configured);
    let e = app.my_journals().unwrap_err();
    assert_eq!(e.code, code::NO_PROFILE);
    let e = app.staff_list().unwrap_err();
    assert_eq!(e.code, code::NO_SCHOOL);
    assert!(
        e.message.contains("демонстрационную школу"),
        "{}",
        e.message
    );
}

#[test]
fn a_file_that_is_not_a_school_is_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite3");
    std::fs::write(&path, b"these are my notes, not a database").unwrap();
    let mut app = App::open_or_problem(&path);
    let e = app.state().unwrap_err();
    assert_eq!(e.code, code::STORE, "{e:?}");
    assert_eq!(app.open_demo().unwrap_err(), e);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"these are my notes, not a database"
    );
}

fn enrolment(user: &str) -> zhurnal_store::Profile {
    zhurnal_store::Profile {
        server: "http://127.0.0.1:9".into(),
        login: "teacher".into(),
        user_id: user.into(),
        user_name: "Учитель".into(),
        roles: vec!["subject_teacher".into()],
        device_id: uuid::Uuid::nil().to_string(),
        device_name: "ноутбук".into(),
        token: "t".into(),
        device_key: [1; 32],
        enrolled_at: 0,
        last_sync_at: None,
        last_error: None,
        last_error_at: None,
    }
}

#[test]
fn the_profile_lives_in_the_store_and_an_old_profile_file_moves_there_once() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    drop(app);
    let old = old_profile_path(&path);
    std::fs::write(&old, format!("{}\n", ids.algebra_teacher)).unwrap();
    let mut app = App::open(&path).unwrap();
    assert!(!old.exists(), "the old file is deleted once moved");
    assert_eq!(
        app.state().unwrap().profile.unwrap().id,
        ids.algebra_teacher
    );
    app.set_profile(&ids.class_teacher, None).unwrap();
    drop(app);
    let mut app = App::open(&path).unwrap();
    assert_eq!(app.state().unwrap().profile.unwrap().id, ids.class_teacher);
    assert!(!old.exists());
}

#[test]
fn an_enrolled_device_works_as_its_user_only_and_logging_out_keeps_him() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.class_teacher, None).unwrap();
    app.z()
        .unwrap()
        .store()
        .set_profile(&enrolment(&ids.algebra_teacher))
        .unwrap();
    let state = app.enrolled().unwrap();
    assert_eq!(state.profile.unwrap().id, ids.algebra_teacher);
    assert!(state.sync.configured);
    assert!(!state.sync.online, "never synced yet");
    assert_eq!(state.sync.server.as_deref(), Some("http://127.0.0.1:9"));
    assert!(
        !state.sync.pending.is_empty(),
        "the demo's changes are not on that server"
    );
    let e = app.set_profile(&ids.class_teacher, None).unwrap_err();
    assert_eq!(e.code, code::INVALID);
    assert!(e.message.contains("выйдите"), "{}", e.message);
    // A school made here is never mixed into a server's school.
    assert!(!app.enrols_here("http://127.0.0.1:9").unwrap());

    app.z()
        .unwrap()
        .store()
        .record_sync_error(5, "нет связи")
        .unwrap();
    let st = app.sync_status().unwrap();
    assert!(!st.online);
    assert_eq!(st.last_error.as_deref(), Some("нет связи"));
    assert!(st.message.starts_with("Нет связи"), "{}", st.message);

    let state = app.logout().unwrap();
    assert!(!state.sync.configured);
    assert_eq!(state.profile.unwrap().id, ids.algebra_teacher);
    app.set_profile(&ids.class_teacher, None).unwrap();
}

#[test]
fn changes_are_counted_in_russian() {
    let words: Vec<String> = [1, 2, 5, 11, 12, 21, 22, 25, 101, 111]
        .iter()
        .map(|n| changes_ru(*n))
        .collect();
    assert_eq!(
        words,
        [
            "1 изменение",
            "2 изменения",
            "5 изменений",
            "11 изменений",
            "12 изменений",
            "21 изменение",
            "22 изменения",
            "25 изменений",
            "101 изменение",
            "111 изменений"
        ]
    );
}

#[test]
fn journals_follow_the_schools_access_rules() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    assert_eq!(app.my_journals().unwrap_err().code, code::NO_PROFILE);

    app.set_profile(&ids.algebra_teacher, None).unwrap();
    let mine = app.my_journals().unwrap();
    let algebra = mine
        .iter()
        .find(|j| j.subject_id == ids.algebra && j.class_name == "7Б")
        .expect("the algebra teacher writes algebra in 7Б");
    assert_eq!(algebra.access, Access::Write);
    assert_eq!(
        algebra.periods,
        [Period::Q1, Period::Q2, Period::Q3, Period::Q4, Period::Year]
    );

    app.set_profile(&ids.class_teacher, None).unwrap();
    let led = app.my_journals().unwrap();
    let other = led
        .iter()
        .find(|j| j.subject_id == ids.other_subject)
        .expect("the class teacher reads every subject of his class");
    assert_eq!(other.access, Access::Read);
    let subjects: std::collections::BTreeSet<&str> =
        led.iter().map(|j| j.subject_id.as_str()).collect();
    let school = app.school().unwrap();
    assert_eq!(subjects.len(), school.classes[0].subjects.len());
}

#[test]
fn a_cell_is_durable_and_the_average_and_suggestion_follow() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    let grid = app
        .grid(&ids.class, &ids.algebra, None, Period::Q1)
        .unwrap();
    assert_eq!(grid.access, Access::Write);
    assert_eq!(grid.class, "7Б");
    assert!(grid.lessons.len() > 10, "{} lessons", grid.lessons.len());
    assert!(grid
        .lessons
        .iter()
        .all(|l| l.date.as_str() >= "2025-09-01" && l.date.as_str() <= "2025-10-26"));
    let student = grid.students.iter().find(|s| s.on_roll).unwrap().id.clone();

    // Clear the student's whole quarter, then give him 5, 4 and 4: (5+4+4)/3 = 4.33.
    for l in &grid.lessons {
        app.set_cell(&ids.class, &ids.algebra, &l.id, &student, "")
            .unwrap();
    }
    let empty = app
        .grid(&ids.class, &ids.algebra, None, Period::Q1)
        .unwrap();
    let f = empty.finals.iter().find(|f| f.student == student).unwrap();
    assert_eq!(
        (f.average, f.count, f.suggested.as_deref()),
        (None, 0, Some("н/а"))
    );

    let l = &grid.lessons;
    app.set_cell(&ids.class, &ids.algebra, &l[0].id, &student, "5")
        .unwrap();
    app.set_cell(&ids.class, &ids.algebra, &l[1].id, &student, "4")
        .unwrap();
    let r = app
        .set_cell(&ids.class, &ids.algebra, &l[2].id, &student, "о 4")
        .unwrap();
    let cell = r.cell.unwrap();
    assert_eq!(cell.text, "О 4");
    assert_eq!(cell.attendance.as_deref(), Some("О"));
    assert_eq!(r.period, Period::Q1);
    assert_eq!(r.r#final.average, Some(4.33));
    assert_eq!(r.r#final.count, 3);
    assert_eq!(r.r#final.suggested.as_deref(), Some("4"));
    let r = app
        .set_cell(&ids.class, &ids.algebra, &l[3].id, &student, "н")
        .unwrap();
    assert_eq!(r.cell.unwrap().text, "Н");

    // Reopened, the school shows the same cells, and the profile is remembered.
    drop(app);
    let mut app = App::open(&path).unwrap();
    assert_eq!(
        app.state().unwrap().profile.unwrap().id,
        ids.algebra_teacher
    );
    let grid = app
        .grid(&ids.class, &ids.algebra, None, Period::Q1)
        .unwrap();
    let text = |lesson: &str| {
        grid.cells
            .iter()
            .find(|c| c.lesson == lesson && c.student == student)
            .map(|c| c.text.clone())
    };
    assert_eq!(text(&l[0].id).as_deref(), Some("5"));
    assert_eq!(text(&l[2].id).as_deref(), Some("О 4"));
    assert_eq!(text(&l[3].id).as_deref(), Some("Н"));
    assert_eq!(text(&l[4].id), None);
    let f = grid.finals.iter().find(|f| f.student == student).unwrap();
    assert_eq!(f.average, Some(4.33));
}

#[test]
fn bad_input_and_a_mark_beside_an_absence_change_nothing() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    let grid = app
        .grid(&ids.class, &ids.algebra, None, Period::Q2)
        .unwrap();
    let student = grid.students.iter().find(|s| s.on_roll).unwrap().id.clone();
    let lesson = grid.lessons[0].id.clone();
    app.set_cell(&ids.class, &ids.algebra, &lesson, &student, "5")
        .unwrap();
    for bad in ["6", "н 5", "абв"] {
        let e = app
            .set_cell(&ids.class, &ids.algebra, &lesson, &student, bad)
            .unwrap_err();
        assert_eq!(e.code, code::INVALID, "{bad}: {e:?}");
    }
    let grid = app
        .grid(&ids.class, &ids.algebra, None, Period::Q2)
        .unwrap();
    let cell = grid
        .cells
        .iter()
        .find(|c| c.lesson == lesson && c.student == student)
        .unwrap();
    assert_eq!(cell.text, "5");
}

#[test]
fn a_class_teacher_reads_another_subject_and_cannot_write_it() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.class_teacher, None).unwrap();
    let before = app
        .grid(&ids.class, &ids.other_subject, None, Period::Q1)
        .unwrap();
    assert_eq!(before.access, Access::Read);
    let lesson = &before.lessons[0].id;
    let student = &before.students[0].id;
    let e = app
        .set_cell(&ids.class, &ids.other_subject, lesson, student, "2")
        .unwrap_err();
    assert_eq!(e.code, code::READ_ONLY);
    let e = app
        .add_lesson(&ids.class, &ids.other_subject, None, "2025-09-10")
        .unwrap_err();
    assert_eq!(e.code, code::READ_ONLY);
    let after = app
        .grid(&ids.class, &ids.other_subject, None, Period::Q1)
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn undo_puts_back_what_was_there_and_says_so() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    assert_eq!(app.undo(&ids.class, &ids.algebra).unwrap(), None);
    let grid = app
        .grid(&ids.class, &ids.algebra, None, Period::Q3)
        .unwrap();
    let row = grid.students.iter().find(|s| s.on_roll).unwrap();
    let student = row.id.clone();
    let lesson = grid.lessons[5].id.clone();
    let date = {
        let d = NaiveDate::parse_from_str(&grid.lessons[5].date, "%Y-%m-%d").unwrap();
        d.format("%d.%m.%Y").to_string()
    };
    let shown = |g: &GridView| {
        g.cells
            .iter()
            .find(|c| c.lesson == lesson && c.student == student)
            .map(|c| c.text.clone())
    };
    let original = shown(&grid);
    app.set_cell(&ids.class, &ids.algebra, &lesson, &student, "2")
        .unwrap();
    app.set_cell(&ids.class, &ids.algebra, &lesson, &student, "3")
        .unwrap();
    let r = app.undo(&ids.class, &ids.algebra).unwrap().unwrap();
    assert_eq!(r.result.cell.unwrap().text, "2");
    assert!(
        r.what.starts_with("Отменено: ") && r.what.contains(&format!("урок {date}")),
        "{}",
        r.what
    );
    assert!(r.what.ends_with("снова «2»"), "{}", r.what);
    app.undo(&ids.class, &ids.algebra).unwrap().unwrap();
    let grid = app
        .grid(&ids.class, &ids.algebra, None, Period::Q3)
        .unwrap();
    assert_eq!(shown(&grid), original);
}

#[test]
fn usb_sticks_are_found_where_linux_mounts_them() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media").join("uchitel");
    let run = dir.path().join("run").join("media").join("uchitel");
    assert!(drives_under(&[media.clone(), run.clone()]).is_empty());
    std::fs::create_dir_all(media.join("KINGSTON")).unwrap();
    std::fs::create_dir_all(run.join("USB DISK")).unwrap();
    std::fs::write(media.join("not-a-drive.txt"), b"").unwrap();
    let found = drives_under(&[media.clone(), run.clone()]);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().any(|d| d.ends_with("KINGSTON")));
    assert!(found.iter().any(|d| d.ends_with("USB DISK")));
}

#[test]
fn every_message_is_a_sentence() {
    let e = AppError::new(code::READ_ONLY, "журнал 10А, «Алгебра» вам не доступен");
    assert_eq!(e.message, "Журнал 10А, «Алгебра» вам не доступен");
    let e = AppError::new(code::INVALID, "«7» — не отметка");
    assert_eq!(e.message, "«7» — не отметка");
}

#[test]
fn a_server_school_gets_a_file_of_its_own_beside_the_demo() {
    let (dir, path) = school();
    let d = dir.path();
    let mut app = App::open(&path).unwrap();
    assert!(!app.enrols_here("https://school12.example.ru").unwrap());
    let fresh = new_school_path(d, "https://School12.example.ru:8443/");
    assert_eq!(
        fresh.file_name().unwrap(),
        "school-school12.example.ru-8443.sqlite3"
    );
    std::fs::write(&fresh, b"").unwrap();
    let next = new_school_path(d, "https://school12.example.ru:8443");
    assert_eq!(
        next.file_name().unwrap(),
        "school-school12.example.ru-8443-2.sqlite3"
    );
    std::fs::remove_file(&fresh).unwrap();
    // An empty file may be enrolled; the list shows both, the open one first.
    let empty = d.join("school-x.sqlite3");
    let mut other = App::open(&empty).unwrap();
    assert!(other.enrols_here("https://x").unwrap());
    drop(other);
    let list = school_files(d, app.describe());
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(list[0].current && list[0].has_school, "{list:?}");
    assert!(list[0].title.contains("Берёзовская"), "{list:?}");
    assert!(!list[1].current && !list[1].has_school, "{list:?}");
    assert_eq!(list[1].title, "Пустой файл");
    assert_eq!(demo_path(d), d.join("demo.sqlite3"));
}

#[test]
fn undo_in_one_journal_never_touches_another() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    let other = app
        .my_journals()
        .unwrap()
        .into_iter()
        .find(|j| {
            j.access == Access::Write && (j.class_id != ids.class || j.subject_id != ids.algebra)
        })
        .expect("the algebra teacher has a second journal");
    let cell_of = |app: &mut App, class: &str, subject: &str, group: Option<u8>| {
        let g = app.grid(class, subject, group, Period::Q3).unwrap();
        let s = g.students.iter().find(|s| s.on_roll).unwrap().id.clone();
        (g.lessons[2].id.clone(), s)
    };
    let (l1, s1) = cell_of(&mut app, &ids.class, &ids.algebra, None);
    let (l2, s2) = cell_of(&mut app, &other.class_id, &other.subject_id, other.subgroup);
    app.set_cell(&ids.class, &ids.algebra, &l1, &s1, "5")
        .unwrap();
    app.set_cell(&other.class_id, &other.subject_id, &l2, &s2, "4")
        .unwrap();
    // On the first journal's screen, Ctrl+Z undoes the edit made there, not the later one
    // of the other journal.
    let r = app.undo(&ids.class, &ids.algebra).unwrap().unwrap();
    assert_eq!(r.result.cell.as_ref().unwrap().lesson, l1);
    assert_eq!(app.undo(&ids.class, &ids.algebra).unwrap(), None);
    let g = app
        .grid(
            &other.class_id,
            &other.subject_id,
            other.subgroup,
            Period::Q3,
        )
        .unwrap();
    let kept = g.cells.iter().find(|c| c.lesson == l2 && c.student == s2);
    assert_eq!(kept.map(|c| c.text.as_str()), Some("4"));
    // That edit is still there to undo in its own journal.
    let r = app
        .undo(&other.class_id, &other.subject_id)
        .unwrap()
        .unwrap();
    assert_eq!(r.result.cell.unwrap().lesson, l2);
    // A journal the profile only reads has nothing to undo: it says why.
    app.set_profile(&ids.class_teacher, None).unwrap();
    let e = app.undo(&ids.class, &ids.other_subject).unwrap_err();
    assert_eq!(e.code, code::READ_ONLY);
}

#[test]
fn lessons_are_added_and_saved_offline_and_finals_set() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    let before = app
        .grid(&ids.class, &ids.algebra, None, Period::Q4)
        .unwrap();
    // 30.05.2026 is a Saturday after the 4th quarter: outside it, inside the year? No —
    // the year ends with the quarter, so it is refused.
    let e = app
        .add_lesson(&ids.class, &ids.algebra, None, "2026-06-15")
        .unwrap_err();
    assert_eq!(e.code, code::INVALID);
    let added = app
        .add_lesson(&ids.class, &ids.algebra, None, "2026-04-04")
        .unwrap();
    let saved = app
        .save_lesson(
            &ids.class,
            &ids.algebra,
            &added.id,
            &LessonEdit {
                topic: "Контрольная работа".into(),
                homework: "№ 12".into(),
                date: "2026-04-04".into(),
            },
        )
        .unwrap();
    assert_eq!(saved.topic, "Контрольная работа");
    let after = app
        .grid(&ids.class, &ids.algebra, None, Period::Q4)
        .unwrap();
    assert_eq!(after.lessons.len(), before.lessons.len() + 1);
    assert!(after
        .lessons
        .iter()
        .any(|l| l.id == added.id && l.homework == "№ 12"));

    let student = after.students[0].id.clone();
    let r = app
        .set_final(&ids.class, &ids.algebra, &student, Period::Q4, "5")
        .unwrap();
    assert_eq!(r.r#final.period_mark.as_deref(), Some("5"));
    let e = app
        .set_final(&ids.class, &ids.algebra, &student, Period::H1, "5")
        .unwrap_err();
    assert_eq!(e.code, code::INVALID, "7Б is marked by quarters");
}

#[test]
fn all_present_takes_the_attendance_and_the_monitoring_stops_asking() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    let lesson = app
        .add_lesson(&ids.class, &ids.algebra, None, "2026-05-06")
        .unwrap();
    assert!(!lesson.attendance_taken);
    let flagged = |app: &mut App| {
        app.set_profile(&ids.class_teacher, None).unwrap();
        let found = app
            .monitoring(&ids.class, 5)
            .unwrap()
            .into_iter()
            .any(|f| f.kind == "no_attendance" && f.date.as_deref() == Some("2026-05-06"));
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        found
    };
    assert!(flagged(&mut app), "a lesson with no attendance is listed");
    let l = app
        .all_present(&ids.class, &ids.algebra, &lesson.id)
        .unwrap();
    assert!(l.attendance_taken);
    assert_eq!(l.absent, 0);
    assert!(!flagged(&mut app), "taken: no longer listed");
    // Only the subject's teacher takes it.
    app.set_profile(&ids.class_teacher, None).unwrap();
    let e = app
        .all_present(&ids.class, &ids.algebra, &lesson.id)
        .unwrap_err();
    assert_eq!(e.code, code::READ_ONLY);
}

#[test]
fn personal_data_only_for_the_class_teacher_and_a_report_is_made() {
    let (dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    assert_eq!(app.personal(&ids.class).unwrap_err().code, code::NO_ACCESS);
    app.set_profile(&ids.class_teacher, None).unwrap();
    let p = app.personal(&ids.class).unwrap();
    assert!(p.students.len() > 20);
    let roster = app.roster(&ids.class).unwrap();
    assert_eq!(roster.access, Access::Write);
    assert_eq!(roster.students.len(), p.students.len());
    let findings = app.monitoring(&ids.class, 5).unwrap();
    assert!(findings.iter().all(|f| [
        "no_marks",
        "no_topic",
        "no_attendance",
        "absence_to_confirm"
    ]
    .contains(&f.kind.as_str())));

    let mut seen = Vec::new();
    let req = ReportRequest {
        kind: crate::ReportKind::ClassResults,
        class_id: ids.class.clone(),
        period: Some(Period::Q1),
        student_id: None,
        month: None,
        two_sided: None,
    };
    let r = app
        .make_report(&req, &dir.path().join("pdf"), &mut |p| seen.push(p))
        .unwrap();
    // The reports engine's own progress: sections laid out, growing to the total.
    assert!(seen.len() >= 2, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done), "{seen:?}");
    assert!(seen.iter().all(|p| p.done <= p.total), "{seen:?}");
    let last = seen.last().unwrap();
    assert!(last.total > 0 && last.done == last.total, "{seen:?}");
    let bytes = std::fs::read(&r.path).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    assert_eq!(r.bytes as usize, bytes.len());
    assert!(r.pages >= 1);
    let bad = ReportRequest {
        period: None,
        ..req
    };
    let e = app
        .make_report(&bad, &dir.path().join("pdf"), &mut |_| {})
        .unwrap_err();
    assert_eq!(e.code, code::INVALID);
}

#[test]
fn a_wrong_departure_is_refused_or_corrected_or_cancelled_and_no_mark_is_lost() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.class_teacher, None).unwrap();
    // A student with marks in algebra in the second quarter, on the list all year.
    let grid = app
        .grid(&ids.class, &ids.algebra, None, Period::Q2)
        .unwrap();
    let student = grid
        .students
        .iter()
        .find(|s| {
            s.on_roll
                && s.arrived.is_none()
                && grid
                    .cells
                    .iter()
                    .any(|c| c.student == s.id && !c.marks.is_empty())
        })
        .map(|s| s.id.clone())
        .unwrap();
    let marks = |app: &mut App| -> Vec<String> {
        let g = app
            .grid(&ids.class, &ids.algebra, None, Period::Q2)
            .unwrap();
        let shown = g.students.iter().any(|s| s.id == student);
        g.cells
            .iter()
            .filter(|c| shown && c.student == student && !c.text.is_empty())
            .map(|c| format!("{}:{}", c.lesson, c.text))
            .collect()
    };
    let before = marks(&mut app);
    assert!(!before.is_empty());
    let log_len = app.roster(&ids.class).unwrap().log.len();
    let edit = |date: &str| MovementEdit {
        kind: "departure".into(),
        date: date.into(),
        order: "12-у".into(),
        from: String::new(),
        to: "г. Пермь".into(),
    };

    // The date a slip of the keyboard made: not in the school year, refused, nothing written.
    let e = app
        .add_movement(&ids.class, &student, &edit("2020-05-15"))
        .unwrap_err();
    assert_eq!(e.code, code::INVALID);
    assert!(
        e.message.contains("не в этом учебном году"),
        "{}",
        e.message
    );
    assert_eq!(app.roster(&ids.class).unwrap().log.len(), log_len);
    assert_eq!(marks(&mut app), before);

    // A real but wrong date: he vanishes from the second quarter's journal...
    let r = app
        .add_movement(&ids.class, &student, &edit("2025-10-01"))
        .unwrap();
    let entry = r
        .log
        .iter()
        .find(|e| e.student_id == student)
        .unwrap()
        .clone();
    assert!(marks(&mut app).is_empty());
    // ...and leaving twice is refused: he is not on the list then.
    let e = app
        .add_movement(&ids.class, &student, &edit("2025-11-01"))
        .unwrap_err();
    assert!(e.message.contains("не в списке класса"), "{}", e.message);

    // Corrected to the right date, what it said before kept.
    let r = app
        .correct_movement(&ids.class, &entry.movement.id, &edit("2026-05-20"))
        .unwrap();
    let e2 = r
        .log
        .iter()
        .find(|e| e.movement.id == entry.movement.id)
        .unwrap();
    assert_eq!(e2.movement.date, "2026-05-20");
    assert_eq!(e2.corrections.len(), 1);
    assert!(
        e2.corrections[0].starts_with("было: выбыл 01.10.2025, приказ № 12-у"),
        "{:?}",
        e2.corrections
    );
    // Cancelled as a mistake: every mark he had is back in the journal, the entry kept.
    let r = app.cancel_movement(&ids.class, &entry.movement.id).unwrap();
    let e3 = r
        .log
        .iter()
        .find(|e| e.movement.id == entry.movement.id)
        .unwrap();
    assert!(
        e3.cancelled
            .as_deref()
            .unwrap_or("")
            .starts_with("отменена "),
        "{e3:?}"
    );
    assert!(r
        .students
        .iter()
        .find(|s| s.id == student)
        .unwrap()
        .movements
        .is_empty());
    assert_eq!(marks(&mut app), before);
    // A cancelled entry cannot be corrected.
    let e = app
        .correct_movement(&ids.class, &entry.movement.id, &edit("2026-05-21"))
        .unwrap_err();
    assert_eq!(e.code, code::NOT_FOUND);

    // Back by a new arrival after a real departure: on the list again from that day.
    app.add_movement(&ids.class, &student, &edit("2025-11-10"))
        .unwrap();
    let back = MovementEdit {
        kind: "arrival".into(),
        date: "2026-01-12".into(),
        order: "3-у".into(),
        from: "МБОУ СОШ № 2".into(),
        to: String::new(),
    };
    let r = app.add_movement(&ids.class, &student, &back).unwrap();
    assert_eq!(
        r.students
            .iter()
            .find(|s| s.id == student)
            .unwrap()
            .movements
            .len(),
        2
    );
    let q3 = app
        .grid(&ids.class, &ids.algebra, None, Period::Q3)
        .unwrap();
    assert!(q3.students.iter().any(|s| s.id == student));
    let e = app.add_movement(&ids.class, &student, &back).unwrap_err();
    assert!(e.message.contains("уже в списке класса"), "{}", e.message);

    // Only the class teacher writes the class's movement.
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    let e = app
        .cancel_movement(&ids.class, &entry.movement.id)
        .unwrap_err();
    assert_eq!(e.code, code::READ_ONLY);
}

#[test]
fn saving_a_document_never_writes_onto_itself_and_asks_before_replacing_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("made.pdf");
    std::fs::write(&made, b"%PDF-1.7 the document").unwrap();
    let s = |p: &Path| p.display().to_string();
    // Onto itself, by its own name and through `..`: refused, and the file is whole.
    for same in [made.clone(), dir.path().join("x/../made.pdf")] {
        std::fs::create_dir_all(dir.path().join("x")).unwrap();
        let e = save_report(&s(&made), &s(&same), true).unwrap_err();
        assert_eq!(e.code, code::INVALID, "{e:?}");
        assert!(e.message.contains("уже лежит"), "{}", e.message);
        assert_eq!(std::fs::read(&made).unwrap(), b"%PDF-1.7 the document");
    }
    // A new place: copied.
    let copy = dir.path().join("copy.pdf");
    save_report(&s(&made), &s(&copy), false).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), b"%PDF-1.7 the document");
    // An existing file: asked first, unchanged until the user agrees.
    std::fs::write(&copy, b"someone else's file").unwrap();
    let e = save_report(&s(&made), &s(&copy), false).unwrap_err();
    assert_eq!(e.code, code::EXISTS);
    assert!(e.message.contains("Заменить"), "{}", e.message);
    assert_eq!(std::fs::read(&copy).unwrap(), b"someone else's file");
    save_report(&s(&made), &s(&copy), true).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), b"%PDF-1.7 the document");
    // A folder, a missing folder, nothing: clear refusals, no temporary file left.
    assert_eq!(
        save_report(&s(&made), &s(dir.path()), true)
            .unwrap_err()
            .code,
        code::INVALID
    );
    let e = save_report(&s(&made), &s(&dir.path().join("нет/copy.pdf")), true).unwrap_err();
    assert!(e.message.contains("Папки"), "{}", e.message);
    assert_eq!(
        save_report(&s(&made), "  ", true).unwrap_err().code,
        code::INVALID
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_copy_is_proposed_in_the_documents_folder() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::create_dir_all(h.join(".config")).unwrap();
    std::fs::create_dir_all(h.join("Мои документы")).unwrap();
    std::fs::write(
        h.join(".config/user-dirs.dirs"),
        "# written by xdg-user-dirs-update\nXDG_DOCUMENTS_DIR=\"$HOME/Мои документы\"\n",
    )
    .unwrap();
    assert_eq!(documents_dir_of(h, None, None), h.join("Мои документы"));
    // The variable first; a folder that does not exist is passed over.
    std::fs::create_dir_all(h.join("Docs")).unwrap();
    assert_eq!(
        documents_dir_of(h, Some("$HOME/Docs".into()), None),
        h.join("Docs")
    );
    assert_eq!(
        documents_dir_of(h, Some("$HOME/нет".into()), None),
        h.join("Мои документы")
    );
    // Without the file, ~/Документы if there is one, else home itself.
    std::fs::remove_file(h.join(".config/user-dirs.dirs")).unwrap();
    assert_eq!(documents_dir_of(h, None, None), h.to_path_buf());
    std::fs::create_dir_all(h.join("Документы")).unwrap();
    assert_eq!(documents_dir_of(h, None, None), h.join("Документы"));
    // The proposal keeps the document's own name, and is never the made file itself.
    let made = Path::new("/var/lib/x/zhurnal/pdf/7Б-копия-4-четверть.pdf");
    let proposed = suggested_save_path(made);
    assert_eq!(proposed.file_name(), made.file_name());
    assert_ne!(proposed, made);
}

#[test]
fn a_page_range_is_checked_against_the_document() {
    assert_eq!(page_list("", 10).unwrap(), None);
    assert_eq!(page_list(" 3 ", 10).unwrap().as_deref(), Some("3"));
    assert_eq!(page_list("1-4, 7", 10).unwrap().as_deref(), Some("1-4,7"));
    assert_eq!(page_list("2–5;9", 10).unwrap().as_deref(), Some("2-5,9"));
    assert_eq!(page_list("6 - 6", 10).unwrap().as_deref(), Some("6"));
    for bad in ["0", "11", "4-2", "1,,2", "а", "3-", "-3", "1-99"] {
        let e = page_list(bad, 10).unwrap_err();
        assert_eq!(e.code, code::INVALID, "{bad}");
    }
    assert_eq!(
        page_list("12", 11).unwrap_err().message,
        "В документе 11 страниц: страницы 12 в нём нет"
    );
    assert!(page_list("5", 1)
        .unwrap_err()
        .message
        .starts_with("В документе 1 страница"));
}

#[test]
fn pdf_pages_counts_page_objects_only() {
    let pdf = b"1 0 obj << /Type /Pages /Count 2 >> 2 0 obj << /Type /Page >> 3 0 obj <</Type/Page/Parent 1 0 R>>";
    assert_eq!(pdf_pages(pdf), 2);
}

#[test]
fn the_default_file_is_the_one_the_start_script_uses() {
    // Only the pure part: ZHURNAL_DB wins; otherwise a zhurnal/zhurnal.sqlite3 path.
    let p = default_db_path();
    if std::env::var_os("ZHURNAL_DB").is_none() {
        assert!(p.ends_with("zhurnal/zhurnal.sqlite3"), "{}", p.display());
    }
}

/// The TypeScript the front end imports is generated from these types. Run with
/// `ZHURNAL_BLESS_BINDINGS=1` to rewrite `ui/src/bindings/` after changing a type.
#[test]
fn typescript_bindings_match_the_committed_ones() {
    use ts_rs::{Config, TS};
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
    let fresh = tempfile::tempdir().unwrap();
    let cfg = Config::new().with_out_dir(fresh.path());
    AppError::export_all(&cfg).unwrap();
    AppCode::export_all(&cfg).unwrap();
    AppState::export_all(&cfg).unwrap();
    StaffView::export_all(&cfg).unwrap();
    JournalRef::export_all(&cfg).unwrap();
    GridView::export_all(&cfg).unwrap();
    CellResult::export_all(&cfg).unwrap();
    Undone::export_all(&cfg).unwrap();
    SchoolFile::export_all(&cfg).unwrap();
    LessonEdit::export_all(&cfg).unwrap();
    MovementEdit::export_all(&cfg).unwrap();
    RosterView::export_all(&cfg).unwrap();
    ImportResult::export_all(&cfg).unwrap();
    PersonalView::export_all(&cfg).unwrap();
    Finding::export_all(&cfg).unwrap();
    ReportRequest::export_all(&cfg).unwrap();
    crate::reports::ReportKind::export_all(&cfg).unwrap();
    ReportResult::export_all(&cfg).unwrap();
    ReportProgress::export_all(&cfg).unwrap();
    ConflictView::export_all(&cfg).unwrap();
    BundleResult::export_all(&cfg).unwrap();
    SyncProgress::export_all(&cfg).unwrap();
    WeekView::export_all(&cfg).unwrap();
    let read = |dir: &Path| -> BTreeMap<String, String> {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read_to_string(e.path()).unwrap(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let want = read(fresh.path());
    if std::env::var_os("ZHURNAL_BLESS_BINDINGS").is_some() {
        std::fs::create_dir_all(&committed).unwrap();
        for old in read(&committed).keys() {
            if !want.contains_key(old) {
                std::fs::remove_file(committed.join(old)).unwrap();
            }
        }
        for (name, text) in &want {
            std::fs::write(committed.join(name), text).unwrap();
        }
        return;
    }
    let have = read(&committed);
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&have),
        names(&want),
        "ui/src/bindings/ is out of date: run ZHURNAL_BLESS_BINDINGS=1 cargo test -p zhurnal-service --lib bindings"
    );
    for (name, text) in &want {
        assert_eq!(
            &have[name], text,
            "ui/src/bindings/{name} differs from the Rust type: run ZHURNAL_BLESS_BINDINGS=1 cargo test -p zhurnal-service --lib bindings"
        );
    }
}

/// The app and the command line write a mark through one path (`Zhurnal::write_cell`): a
/// student who left is refused by both, in the same words, and nothing is written; taking a
/// cell back to empty is still allowed.
#[test]
fn the_app_and_the_command_line_refuse_a_mark_after_a_departure_alike() {
    let (_dir, path) = school();
    let mut app = App::open(&path).unwrap();
    let ids = ids(&mut app);
    app.set_profile(&ids.class_teacher, None).unwrap();
    let student = app
        .grid(&ids.class, &ids.algebra, None, Period::Q2)
        .unwrap()
        .students
        .into_iter()
        .find(|s| s.on_roll && s.arrived.is_none())
        .unwrap()
        .id;
    let departure = MovementEdit {
        kind: "departure".into(),
        date: "2025-11-10".into(),
        order: "31-у".into(),
        from: String::new(),
        to: "г. Пермь".into(),
    };
    app.add_movement(&ids.class, &student, &departure).unwrap();
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    let grid = app
        .grid(&ids.class, &ids.algebra, None, Period::Q2)
        .unwrap();
    let lesson = grid
        .lessons
        .iter()
        .find(|l| l.date.as_str() >= "2025-11-10")
        .unwrap()
        .clone();
    let heads = |path: &Path| {
        let mut z = Zhurnal::open(path).unwrap();
        let class = z.class("7Б").unwrap();
        let subject = z.subject_of(&class, "Алгебра").unwrap();
        let doc = DocId::journal(z.year(), class.id, subject.id);
        z.store().doc(doc).unwrap().heads()
    };
    let before = heads(&path);

    let e = app
        .set_cell(&ids.class, &ids.algebra, &lesson.id, &student, "5")
        .unwrap_err();
    assert_eq!(e.code, code::INVALID);
    assert!(
        e.message
            .contains("не в списке класса (выбыл(а) 10.11.2025)"),
        "{}",
        e.message
    );
    drop(app);

    let mut z = Zhurnal::open(&path).unwrap();
    let class = z.class("7Б").unwrap();
    let sid: StudentId = student.parse().unwrap();
    let name = z
        .students(&class)
        .unwrap()
        .into_iter()
        .find(|s| s.id == sid)
        .unwrap()
        .name
        .full();
    let cli = z
        .set_cell(&crate::CellEdit {
            class: "7Б",
            subject: "Алгебра",
            date: NaiveDate::parse_from_str(&lesson.date, "%Y-%m-%d").unwrap(),
            lesson: Some(lesson.number),
            student: &name,
            marks: Some(Marks::from_stored("5").unwrap()),
            attendance: None,
            as_staff: None,
            add_lesson: false,
        })
        .unwrap_err();
    assert_eq!(AppError::from(cli).message, e.message);
    drop(z);
    assert_eq!(heads(&path), before, "a refused mark changed the journal");

    // Emptying the cell is allowed (a mark put by mistake is taken back after he left).
    let mut app = App::open(&path).unwrap();
    app.set_profile(&ids.algebra_teacher, None).unwrap();
    app.set_cell(&ids.class, &ids.algebra, &lesson.id, &student, "")
        .unwrap();
}
