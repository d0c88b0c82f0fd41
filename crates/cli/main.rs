//! `zhurnal` — the command-line shell of the class journal. Only glue: every use case lives in
//! `zhurnal-service`; this file parses arguments, calls it and prints the result.

mod device;
mod error;
mod server;

use error::{CliError, Result};

use clap::{Parser, Subcommand};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use zhurnal_domain::{Attendance, CellInput};
use zhurnal_service::{CellEdit, Zhurnal};

// mimalloc: a year journal makes and drops millions of small strings and boxes, and glibc's
// malloc and free took a third of its time (perf); scripts/bench-reports.sh measures both.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "zhurnal",
    version,
    about = "Журнал: электронный классный журнал, работающий без интернета"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Создать демонстрационную школу в новом файле базы.
    Demo {
        #[arg(long)]
        db: PathBuf,
        /// Зерно генератора: одно и то же зерно даёт одну и ту же школу.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Только эти классы, например «7Б,10А» (по умолчанию — десять классов со 2 по 11).
        #[arg(long)]
        classes: Option<String>,
    },
    /// Вывести журнал класса (или одного предмета) в формате JSON.
    Dump {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        class: String,
        #[arg(long)]
        subject: Option<String>,
        /// Формат вывода (сейчас только json).
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// Поставить отметку (или код посещаемости) одному ученику за урок.
    Mark {
        #[command(flatten)]
        cell: CellArgs,
        /// Отметки клетки: 5, «5 4», н/а, зач… (заменяют прежние); пустая строка стирает.
        #[arg(long)]
        value: Option<String>,
        /// Читать правки построчно из файла (или «-» — со стандартного ввода):
        /// класс<TAB>предмет<TAB>ГГГГ-ММ-ДД<TAB>ФИО<TAB>значение. После каждой сохранённой
        /// правки печатается «ok N», где N — номер строки.
        #[arg(long, conflicts_with = "value")]
        batch: Option<PathBuf>,
    },
    /// Отметить посещаемость: Н, Б, У, О или «-», чтобы стереть.
    Attend {
        #[command(flatten)]
        cell: CellArgs,
        #[arg(long)]
        code: String,
    },
    /// Загрузить список класса из CSV или XLSX (столбцы «Фамилия», «Имя», «Отчество»,
    /// «Дата рождения»). Если хоть одна строка с ошибкой — не загружается ничего.
    ImportRoster {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        class: String,
        file: PathBuf,
    },
    /// Сделать бумажный документ в PDF.
    Report {
        /// Вид документа.
        #[arg(value_enum)]
        kind: ReportKind,
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        class: String,
        /// Период: Q1–Q4 (2–9 классы), H1, H2 (10–11 классы) или year.
        #[arg(long)]
        period: Option<String>,
        /// ФИО ученика (для выписки).
        #[arg(long)]
        student: Option<String>,
        /// Печать с двух сторон листа (для счёта листов в заверении годового журнала).
        #[arg(long)]
        two_sided: bool,
        /// Месяц для посещаемости по дням, ГГГГ-ММ.
        #[arg(long)]
        month: Option<String>,
        /// На какую дату мониторинг, ГГГГ-ММ-ДД (по умолчанию сегодня).
        #[arg(long)]
        date: Option<String>,
        /// Куда записать PDF.
        #[arg(long)]
        out: PathBuf,
        /// Папка с шаблонами школы: они заменяют встроенные с тем же именем.
        #[arg(long)]
        templates: Option<PathBuf>,
        /// pdf или html (тот же документ в HTML и CSS для печати браузером).
        #[arg(long, default_value = "pdf")]
        format: String,
    },
    /// Показать, сколько чего в базе и сколько места это занимает.
    Stats {
        #[arg(long)]
        db: PathBuf,
    },
    #[command(flatten)]
    Server(server::ServerCommand),
    #[command(flatten)]
    Client(device::ClientCommand),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportKind {
    /// Итоги успеваемости класса за период.
    ClassResults,
    /// Бумажная копия журнала класса за четверть или полугодие.
    PeriodCopy,
    /// Журнал на конец года: все страницы пронумерованы, лист заверения.
    YearJournal,
    /// Сводная ведомость учёта успеваемости.
    MarksSummary,
    /// Сводная ведомость учёта посещаемости за период (--period) или год.
    Attendance,
    /// Посещаемость за месяц по дням (--month ГГГГ-ММ).
    AttendanceMonth,
    /// Сводная ведомость учёта движения учащихся.
    Movement,
    /// Мониторинг: ученики без отметок, уроки без темы и без отметки посещаемости (--date).
    Monitoring,
    /// Выписка из журнала для родителей одного ученика за период.
    Extract,
    /// Информационное письмо родителям класса (по странице на ученика).
    Letter,
}

#[derive(clap::Args)]
struct CellArgs {
    #[arg(long)]
    db: PathBuf,
    #[arg(long)]
    class: Option<String>,
    #[arg(long)]
    subject: Option<String>,
    /// Дата урока, ГГГГ-ММ-ДД.
    #[arg(long)]
    date: Option<String>,
    /// ФИО ученика (или «Фамилия Имя»).
    #[arg(long)]
    student: Option<String>,
    /// Номер урока в дне, если уроков по предмету в этот день несколько.
    #[arg(long)]
    lesson: Option<u8>,
    /// От чьего имени правка (ФИО сотрудника); по умолчанию — учитель предмета.
    #[arg(long = "as")]
    as_staff: Option<String>,
    /// Добавить урок, если в этот день его нет.
    #[arg(long)]
    add_lesson: bool,
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(text.trim(), "%d.%m.%Y"))
        .map_err(|_| CliError::Said(format!("«{text}» — не дата: ожидается ГГГГ-ММ-ДД")))
}

/// Applies one cell edit; `value` is either marks (`mark`) or an attendance code (`attend`).
fn apply(
    z: &mut Zhurnal,
    args: &CellArgs,
    class: &str,
    subject: &str,
    date: &str,
    student: &str,
    value: Value<'_>,
) -> Result<String> {
    let date = parse_date(date)?;
    let (marks, attendance) = match value {
        Value::Marks(text) => {
            let input = CellInput::parse(text)?;
            (Some(input.marks), input.attendance.map(Some))
        }
        Value::Code(code) => {
            let code = code.trim();
            let a = if code == "-" || code.is_empty() {
                None
            } else {
                Some(code.parse::<Attendance>()?)
            };
            (None, Some(a))
        }
    };
    let edit = CellEdit {
        class,
        subject,
        date,
        lesson: args.lesson,
        student,
        marks,
        attendance,
        as_staff: args.as_staff.as_deref(),
        add_lesson: args.add_lesson,
    };
    let out = z.set_cell(&edit)?;
    let shown = if out.shown.is_empty() {
        "пусто".to_string()
    } else {
        out.shown
    };
    Ok(format!(
        "{} {}, урок {}{}: {} — {}",
        date.format("%d.%m.%Y"),
        subject,
        out.lesson_number,
        if out.created_lesson {
            " (добавлен)"
        } else {
            ""
        },
        student,
        shown
    ))
}

#[derive(Clone, Copy)]
enum Value<'a> {
    Marks(&'a str),
    Code(&'a str),
}

fn run_batch(z: &mut Zhurnal, args: &CellArgs, source: &Path) -> Result<()> {
    let reader: Box<dyn BufRead> = if source == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(source).map_err(|e| CliError::read(source, e))?,
        ))
    };
    let stdout = std::io::stdout();
    let mut failed = 0;
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| CliError::read(source, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let result = if f.len() != 5 {
            Err(CliError::from(
                "ожидается 5 полей через табуляцию: класс, предмет, дата, ФИО, значение",
            ))
        } else {
            apply(z, args, f[0], f[1], f[2], f[3], Value::Marks(f[4]))
        };
        match result {
            Ok(_) => {
                // Printed only after the edit is durable: a script may rely on every "ok".
                let mut out = stdout.lock();
                writeln!(out, "ok {}", i + 1)
                    .and_then(|_| out.flush())
                    .map_err(CliError::stdout)?;
            }
            Err(e) => {
                failed += 1;
                eprintln!("строка {}: {e}", i + 1);
            }
        }
    }
    if failed > 0 {
        return Err(format!("не выполнено правок: {failed}").into());
    }
    Ok(())
}

fn open(db: &Path) -> Result<Zhurnal> {
    if !db.exists() {
        return Err(format!(
            "файла «{}» нет. Создайте демонстрационную школу: zhurnal demo --db {}",
            db.display(),
            db.display()
        )
        .into());
    }
    Ok(Zhurnal::open(db)?)
}

fn kib(bytes: i64) -> String {
    format!("{:.1} КБ", bytes as f64 / 1024.0)
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Server(command) => return server::run(command),
        Command::Client(command) => return device::run(command),
        Command::Demo { db, seed, classes } => {
            let started = std::time::Instant::now();
            let mut options = zhurnal_service::DemoOptions::default();
            if let Some(list) = classes {
                options.classes = zhurnal_service::parse_classes(&list)?;
            }
            let s = zhurnal_service::create_demo(&db, seed, &options)?;
            println!("Создана демонстрационная школа: {}", s.school);
            println!(
                "Классов: {}, учеников: {}, уроков: {}, отметок: {}, документов: {}",
                s.classes, s.students, s.lessons, s.marks, s.documents
            );
            println!(
                "Файл: {} ({:.1} с)",
                db.display(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Dump {
            db,
            class,
            subject,
            format,
        } => {
            if format != "json" {
                return Err(
                    format!("формат «{format}» не поддерживается: есть только json").into(),
                );
            }
            let mut z = open(&db)?;
            let dump = z.dump(&class, subject.as_deref())?;
            let text = serde_json::to_string_pretty(&dump)?;
            println!("{text}");
        }
        Command::Mark {
            mut cell,
            value,
            batch,
        } => {
            let mut z = open(&cell.db)?;
            device_author(&mut z, &mut cell)?;
            if let Some(source) = batch {
                return run_batch(&mut z, &cell, &source);
            }
            let value = value.ok_or("укажите --value (или --batch)")?;
            println!("{}", apply_one(&mut z, &cell, Value::Marks(&value))?);
        }
        Command::Attend { mut cell, code } => {
            let mut z = open(&cell.db)?;
            device_author(&mut z, &mut cell)?;
            println!("{}", apply_one(&mut z, &cell, Value::Code(&code))?);
        }
        Command::ImportRoster { db, class, file } => {
            let mut z = open(&db)?;
            let n = z.import_roster(&class, &file)?;
            println!("В класс {class} добавлено учеников: {n}");
        }
        Command::Report {
            kind,
            db,
            class,
            period,
            student,
            two_sided,
            month,
            date,
            out,
            templates,
            format,
        } => {
            use zhurnal_service::{ReportKind as K, ReportRequest};
            let html = match format.as_str() {
                "pdf" => false,
                "html" => true,
                other => return Err(format!("формат «{other}» не знаком: pdf или html").into()),
            };
            let month = month
                .as_deref()
                .map(|text| {
                    text.split_once('-')
                        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
                        .ok_or_else(|| {
                            CliError::Said(format!("«{text}» — не месяц: ожидается ГГГГ-ММ"))
                        })
                })
                .transpose()?;
            let request = ReportRequest {
                kind: match kind {
                    ReportKind::ClassResults => K::ClassResults,
                    ReportKind::PeriodCopy => K::PeriodCopy,
                    ReportKind::YearJournal => K::YearJournal,
                    ReportKind::MarksSummary => K::MarksSummary,
                    ReportKind::Attendance => K::Attendance,
                    ReportKind::AttendanceMonth => K::AttendanceMonth,
                    ReportKind::Movement => K::Movement,
                    ReportKind::Monitoring => K::Monitoring,
                    ReportKind::Extract => K::Extract,
                    ReportKind::Letter => K::Letter,
                },
                class,
                period: period
                    .as_deref()
                    .map(str::parse::<zhurnal_domain::PeriodCode>)
                    .transpose()?,
                student,
                month,
                date: date.as_deref().map(parse_date).transpose()?,
                two_sided,
                templates,
            };
            let mut z = open(&db)?;
            let done = z.report(&request, &mut |_, _| {})?;
            let pages = done.pages;
            let pdf = if html {
                done.html()?.into_bytes()
            } else {
                done.pdf
            };
            std::fs::write(&out, &pdf).map_err(|e| CliError::write(&out, e))?;
            println!(
                "Документ записан: {} ({:.1} КБ, страниц: {pages})",
                out.display(),
                pdf.len() as f64 / 1024.0
            );
        }
        Command::Stats { db } => {
            let mut z = open(&db)?;
            let s = z.store().stats()?;
            println!(
                "Файл базы: {} (журнал WAL: {})",
                kib(s.file_bytes as i64),
                kib(s.wal_bytes as i64)
            );
            println!("Классов: {}, учеников: {}, уроков: {}, отметок: {}, пропусков и опозданий: {}, итоговых отметок: {}",
                s.classes, s.students, s.lessons, s.marks, s.absences, s.finals);
            println!(
                "{:<10} {:>10} {:>10} {:>12} {:>12}",
                "документы", "штук", "правок", "снимки", "правки"
            );
            for (kind, docs, chunks, snap, chunk_bytes) in &s.by_kind {
                println!(
                    "{kind:<10} {docs:>10} {chunks:>10} {:>12} {:>12}",
                    kib(*snap),
                    kib(*chunk_bytes)
                );
            }
        }
    }
    Ok(())
}

/// On a device enrolled with a school server every edit is written by the logged-in user (the
/// server refuses changes by anybody else): `--as` defaults to him, and another name is refused.
fn device_author(z: &mut Zhurnal, cell: &mut CellArgs) -> Result<()> {
    let Some(profile) = z.store().profile()? else {
        return Ok(());
    };
    let not_staff = || {
        format!(
            "это устройство подключено как {} ({}), а не сотрудник школы: ставить отметки нельзя",
            profile.user_name, profile.login
        )
    };
    let me: zhurnal_domain::StaffId = profile.user_id.parse().map_err(|_| not_staff())?;
    let school = z.school()?;
    let name = school
        .staff_member(me)
        .map(|m| m.name.full())
        .ok_or_else(not_staff)?;
    if let Some(asked) = &cell.as_staff {
        if z.staff(asked)? != me {
            return Err(format!(
                "это устройство подключено как {name}: правки от имени «{asked}» сервер не примет. \
                 Войдите под своей учётной записью на своём устройстве"
            )
            .into());
        }
    }
    if z.staff(&name)? != me {
        return Err(format!(
            "в школе несколько сотрудников с именем «{name}»: правку не записать от вашего имени"
        )
        .into());
    }
    cell.as_staff = Some(name);
    Ok(())
}

/// One cell edit named entirely by the command's arguments.
fn apply_one(z: &mut Zhurnal, cell: &CellArgs, value: Value<'_>) -> Result<String> {
    match (&cell.class, &cell.subject, &cell.date, &cell.student) {
        (Some(c), Some(s), Some(d), Some(st)) => apply(z, cell, c, s, d, st, value),
        _ => Err("укажите --class, --subject, --date и --student".into()),
    }
}

/// Transparent huge pages off for this process. mimalloc asks the kernel for huge pages, and
/// the kernel then zeroes (and first finds, compacting if it must) 2 MB at a time: after
/// another program has used and freed much memory (Chromium, a build), a year journal spent
/// 0.4 s of its 0.9 s in the kernel doing that, and 0.05 s with them off (GNU time, alternating
/// with Chromium, `MIMALLOC_ALLOW_THP=0` being the same switch); peak memory 134 → 103 MB.
#[cfg(target_os = "linux")]
fn no_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; if it fails, nothing changes.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// `zhurnal dump … | head`: when the reader of standard output goes away, stop quietly as other
/// command-line tools do (the default action of SIGPIPE), instead of panicking in `println!`.
/// Not for `serve`, which writes to sockets (std and tokio send with MSG_NOSIGNAL anyway).
#[cfg(target_os = "linux")]
fn quiet_broken_pipe() {
    // SAFETY: restores the default disposition of one signal; no handler runs our code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    no_transparent_huge_pages();
    let cli = Cli::parse();
    #[cfg(target_os = "linux")]
    if !matches!(
        cli.command,
        Command::Server(server::ServerCommand::Serve { .. })
    ) {
        quiet_broken_pipe();
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ошибка: {e}");
            ExitCode::FAILURE
        }
    }
}
