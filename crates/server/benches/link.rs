//! A teacher's day synced over a slow link: run by scripts/netem-2g.sh inside a network
//! namespace where the link is shaped (100 kbit/s, 500 ms round trip, 10 % loss). The server
//! listens on `ZHURNAL_LINK_LISTEN` (port 0); the device reaches it at `ZHURNAL_LINK_CONNECT`
//! on the same port. The device (zhurnal-client over a real SQLite file, with its real retry
//! policy) makes first contact, writes a day (5 lessons, 30 marks each, one commit per mark),
//! then `ZHURNAL_LINK_SLOW_CMD` switches the shaping on and the day's sync is timed. Without
//! the variables it runs on plain loopback.

use std::time::Instant;
use zhurnal_client::Client;
use zhurnal_domain::{Lesson, Marks};
use zhurnal_journal::journal::{self, LessonPatch};
use zhurnal_journal::DocId;
use zhurnal_server::school::{NewAccount, Person};
use zhurnal_server::{http, SchoolServer};

fn main() {
    let listen = std::env::var("ZHURNAL_LINK_LISTEN").unwrap_or_else(|_| "127.0.0.1".into());
    let connect = std::env::var("ZHURNAL_LINK_CONNECT").unwrap_or_else(|_| listen.clone());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("server.db");
    zhurnal_testkit::small_school(&db);
    let server = SchoolServer::open(&db).expect("the server opens");
    let (teacher, journals) = {
        let mut st = server.storage();
        let school = st.school().expect("a school");
        let class = school.class_by_name("7Б").expect("7Б").clone();
        let algebra = school.subject_by_name("Алгебра").expect("algebra").id;
        let teacher = class.teaches(algebra).expect("taught").teacher;
        let journals: Vec<DocId> = class
            .subjects
            .iter()
            .filter(|cs| cs.teacher == teacher && cs.subgroup_teachers.is_empty())
            .map(|cs| DocId::journal(2025, class.id, cs.subject))
            .collect();
        (teacher, journals)
    };
    server
        .add_account(&NewAccount {
            login: "alice".into(),
            password: Some("секретный-пароль".into()),
            person: Person::Staff(teacher),
        })
        .expect("an account");
    let server = std::sync::Arc::new(server);
    let (tx, rx) = std::sync::mpsc::channel();
    let s = server.clone();
    let bind = format!("{listen}:0");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind(&bind).await.expect("binds");
            tx.send(listener.local_addr().expect("an address").port())
                .expect("sent");
            http::serve(s, listener, std::future::pending())
                .await
                .expect("serves");
        });
    });
    let url = format!("http://{connect}:{}", rx.recv().expect("bound"));

    let mut c = Client::open(dir.path().join("device.db")).expect("the device's store");
    c.login(&url, "alice", "секретный-пароль", "ноутбук")
        .expect("login");
    let t = Instant::now();
    let first = c.sync(None, &mut |_| {}).expect("first contact");
    println!(
        "first contact (unshaped): {} changes, {} KB down, {:.2} s",
        first.received,
        first.bytes_down / 1024,
        t.elapsed().as_secs_f64()
    );

    let date = chrono::NaiveDate::from_ymd_opt(2025, 10, 1).expect("a date");
    let mut marks = 0;
    for n in 0..5 {
        let id = journals[n % journals.len()];
        let store = c.store();
        let roster = zhurnal_journal::roster::students(
            store
                .doc(DocId::roster(id.year, id.class().expect("a journal")))
                .expect("the roster"),
        )
        .expect("the roster reads");
        let mut lesson = Lesson::new(date, n as u8 + 1);
        lesson.topic = format!("Тема урока {}", n + 1);
        lesson.teacher = Some(teacher);
        let lid = store
            .edit(id, teacher, |d, ed| journal::add_lesson(d, ed, &lesson))
            .expect("a lesson");
        for (i, s) in roster.iter().take(30).enumerate() {
            let mark =
                Marks::from_stored(["5", "4", "3", "5", "2", "4"][(i + n) % 6]).expect("a mark");
            store
                .edit(id, teacher, |d, ed| {
                    journal::save_lesson(
                        d,
                        ed,
                        lid,
                        LessonPatch {
                            marks: vec![(s.id, mark)],
                            ..Default::default()
                        },
                    )
                })
                .expect("a mark");
            marks += 1;
        }
    }

    if let Ok(cmd) = std::env::var("ZHURNAL_LINK_SLOW_CMD") {
        let ok = std::process::Command::new("sh")
            .args(["-c", &cmd])
            .status()
            .expect("the shaping command runs")
            .success();
        assert!(ok, "the shaping command failed: {cmd}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let t = Instant::now();
    let r = c.sync(None, &mut |_| {}).expect("the day's sync");
    println!(
        "a day's sync ({marks} marks, {} changes sent): {:.1} s, {} round trips, {} retries, \
         {:.1} KB up, {:.1} KB down",
        r.sent,
        t.elapsed().as_secs_f64(),
        r.rounds,
        r.retries,
        r.bytes_up as f64 / 1024.0,
        r.bytes_down as f64 / 1024.0
    );
    assert_eq!(
        r.sent,
        marks + 5,
        "every change of the day reached the server"
    );
}
