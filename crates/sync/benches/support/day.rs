//! A teacher's day on the demo school, as the wire benchmark and the wire-target test see it:
//! the server holds the school as of the evening before; the teacher's laptop holds every
//! document she may read, synced that evening; during the day she gives five lessons and marks
//! thirty students in each, one commit per mark as the app makes them.

use std::collections::BTreeMap;
use zhurnal_domain::{Lesson, Marks, Role, StaffId};
use zhurnal_journal::automerge::{ActorId, ChangeHash};
use zhurnal_journal::journal::{self, LessonPatch};
use zhurnal_journal::school::School;
use zhurnal_journal::{Doc, DocId, Editor};
use zhurnal_sync::access::{access, Access};
use zhurnal_sync::gate::{DeviceId, Principal};

pub struct Day {
    pub school: School,
    /// The server's documents before the teacher syncs.
    pub server: BTreeMap<DocId, Doc>,
    /// The teacher's documents at the end of the day.
    pub client: BTreeMap<DocId, Doc>,
    /// The server's heads as of her last sync (the evening before).
    pub bookmarks: BTreeMap<DocId, Vec<ChangeHash>>,
    pub who: Principal,
    pub lessons: usize,
    pub marks: usize,
}

fn copy(doc: &Doc) -> Doc {
    Doc::load(doc.id(), &[&doc.save()]).expect("a saved document loads")
}

/// The demo school up to the end of September, and the next school day of its busiest
/// subject teacher: 5 lessons, 30 marks each (fewer where a class is smaller).
pub fn teachers_day() -> Day {
    let options = zhurnal_demo::DemoOptions {
        until: chrono::NaiveDate::from_ymd_opt(2025, 9, 30),
        ..Default::default()
    };
    let demo = zhurnal_demo::generate_with(1, &options);
    let docs = zhurnal_service::build_docs(&demo).expect("the demo school builds");
    let server: BTreeMap<DocId, Doc> = docs.into_iter().map(|d| (d.id(), d)).collect();
    let school = zhurnal_journal::school::school(&server[&DocId::school(2025)])
        .expect("the school document reads");

    // The subject teacher whose five biggest classes hold the most students.
    let size = |c: &zhurnal_domain::Class| {
        zhurnal_journal::roster::students(&server[&DocId::roster(2025, c.id)])
            .map(|s| s.len())
            .unwrap_or(0)
    };
    let mut best: Option<(usize, StaffId, Vec<DocId>)> = None;
    for staff in school
        .staff
        .iter()
        .filter(|s| s.roles.contains(&Role::SubjectTeacher))
    {
        let mut journals: Vec<(usize, DocId)> = school
            .classes
            .iter()
            .flat_map(|c| {
                c.subjects
                    .iter()
                    .filter(|s| s.teacher == staff.id && s.subgroup_teachers.is_empty())
                    .map(move |s| (c, s.subject))
            })
            .map(|(c, s)| (size(c).min(30), DocId::journal(2025, c.id, s)))
            .collect();
        journals.sort_by_key(|j| std::cmp::Reverse(j.0));
        journals.truncate(5);
        if journals.is_empty() {
            continue;
        }
        let day: Vec<DocId> = (0..5).map(|i| journals[i % journals.len()].1).collect();
        let marks: usize = (0..5).map(|i| journals[i % journals.len()].0).sum();
        if best.as_ref().is_none_or(|b| marks > b.0) {
            best = Some((marks, staff.id, day));
        }
    }
    let (_, teacher, day) = best.expect("the demo school has subject teachers");

    let mut client: BTreeMap<DocId, Doc> = server
        .iter()
        .filter(|(id, _)| access(&school, teacher, **id) != Access::None)
        .map(|(id, d)| (*id, copy(d)))
        .collect();
    let bookmarks = client.iter().map(|(id, d)| (*id, d.heads())).collect();

    let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 1).expect("a date");
    let start = date
        .and_hms_opt(8, 30, 0)
        .expect("a time")
        .and_utc()
        .timestamp();
    let mut editor = Editor {
        author: teacher,
        actor: ActorId::from([0x5A; 16].as_slice()),
        time: start,
    };
    let (mut lessons, mut marks) = (0, 0);
    for (n, id) in day.iter().enumerate() {
        let class = id.class().expect("a journal names its class");
        let roster = zhurnal_journal::roster::students(&client[&DocId::roster(2025, class)])
            .expect("the roster reads");
        let doc = client.get_mut(id).expect("she holds her journals");
        editor.time = start + n as i64 * 3300;
        let mut lesson = Lesson::new(date, n as u8 + 1);
        lesson.topic = format!("Тема урока {}", n + 1);
        lesson.homework = "§ 5, № 112–118".into();
        lesson.teacher = Some(teacher);
        let lid = journal::add_lesson(doc, &editor, &lesson).expect("a lesson adds");
        lessons += 1;
        for (i, s) in roster.iter().take(30).enumerate() {
            editor.time += 40;
            let mark = ["5", "4", "4", "3", "5", "2", "4"][(i * 7 + n * 3) % 7];
            let patch = LessonPatch {
                marks: vec![(s.id, Marks::from_stored(mark).expect("a mark"))],
                ..Default::default()
            };
            journal::save_lesson(doc, &editor, lid, patch).expect("a mark saves");
            marks += 1;
        }
    }
    Day {
        school,
        server,
        client,
        bookmarks,
        who: Principal {
            user: teacher,
            device: DeviceId(uuid::Uuid::from_bytes([0x5A; 16])),
        },
        lessons,
        marks,
    }
}
