//! The school server's commands: `serve`, `user …`, `device …`, `revert`, `school init`. Only
//! glue over `zhurnal-server`.

use crate::error::{CliError, Result};
use clap::Subcommand;
use std::io::Read;
use std::path::{Path, PathBuf};
use zhurnal_server::school::{self, NewAccount, Person, SchoolServer};

#[derive(Subcommand)]
pub enum ServerCommand {
    /// Запустить школьный сервер (печатает адрес; останавливается по Ctrl-C или SIGTERM).
    Serve {
        /// База сервера (например, созданная `zhurnal school init` или `zhurnal demo`).
        #[arg(long)]
        db: PathBuf,
        /// Адрес и порт; порт 0 — любой свободный.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Учётные записи сервера: add, list, revoke, slips.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Устройства, вошедшие на сервер: list, revoke.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Отменить всё, что пользователь записал после указанного момента (регламент: все
    /// операции после сообщения о взломе недействительны). История сохраняется.
    Revert {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        login: String,
        /// Момент в RFC 3339, например 2025-10-01T09:00:00+03:00.
        #[arg(long)]
        since: String,
        /// От чьего имени отмена (ФИО администратора); по умолчанию — первый администратор.
        #[arg(long = "as")]
        as_admin: Option<String>,
    },
    /// Школа на сервере: init.
    School {
        #[command(subcommand)]
        command: SchoolCommand,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Завести учётную запись сотрудника, ученика или родителя.
    Add {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        login: String,
        /// ФИО сотрудника.
        #[arg(long, conflicts_with_all = ["student", "parent_of"])]
        staff: Option<String>,
        /// ФИО ученика (с --class).
        #[arg(long, conflicts_with = "parent_of")]
        student: Option<String>,
        /// ФИО ребёнка родителя (с --class).
        #[arg(long)]
        parent_of: Option<String>,
        #[arg(long)]
        class: Option<String>,
        /// Файл с паролем (первая строка).
        #[arg(long, conflicts_with = "password_stdin")]
        password_file: Option<PathBuf>,
        /// Прочитать пароль со стандартного ввода. Без пароля создаётся одноразовый.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Показать учётные записи.
    List {
        #[arg(long)]
        db: PathBuf,
    },
    /// Отключить учётную запись: её запросы отклоняются и сохраняются в карантине.
    Revoke {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        login: String,
    },
    /// Листки с логинами и одноразовыми паролями учеников класса и их родителей (PDF);
    /// существующим записям пароль сбрасывается.
    Slips {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        class: String,
        #[arg(long)]
        out: PathBuf,
        /// Адрес сервера для листков (по умолчанию — строка, чтобы вписать от руки).
        #[arg(long, default_value = "")]
        address: String,
        #[arg(long)]
        templates: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Показать устройства.
    List {
        #[arg(long)]
        db: PathBuf,
    },
    /// Отключить устройство.
    Revoke {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        id: String,
    },
    /// Запросы отключённых устройств и учётных записей, сохранённые, но не принятые.
    Quarantine {
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum SchoolCommand {
    /// Создать настоящую школу в новой базе сервера: название и администратор.
    Init {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        name: String,
        /// ФИО администратора.
        #[arg(long)]
        admin: String,
        #[arg(long)]
        admin_login: String,
        #[arg(long, conflicts_with = "password_stdin")]
        password_file: Option<PathBuf>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Сотрудники школы: id, ФИО и роли (имена для `zhurnal user add --staff`).
    Staff {
        #[arg(long)]
        db: PathBuf,
    },
}

fn open(db: &Path) -> Result<SchoolServer> {
    if !db.exists() {
        return Err(format!(
            "файла «{}» нет. Создайте школу: zhurnal school init --db {} … (или zhurnal demo)",
            db.display(),
            db.display()
        )
        .into());
    }
    Ok(SchoolServer::open(db)?)
}

fn password(file: Option<&Path>, stdin: bool) -> Result<Option<String>> {
    let text = match (file, stdin) {
        (Some(f), _) => std::fs::read_to_string(f).map_err(|e| CliError::read(f, e))?,
        (None, true) => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(CliError::stdin)?;
            s
        }
        (None, false) => return Ok(None),
    };
    Ok(Some(text.lines().next().unwrap_or_default().to_string()))
}

fn when(t: &str) -> &str {
    t.get(..16).unwrap_or(t)
}

pub fn run(command: ServerCommand) -> Result<()> {
    match command {
        ServerCommand::Serve { db, listen } => {
            log_requests()?;
            let server = open(&db)?;
            let name = server.school_name()?;
            zhurnal_server::http::run(server, &listen, |addr| {
                println!("Сервер школы «{name}» слушает http://{addr}/api/v1");
            })
            .map_err(|e| format!("сервер остановлен: {e}"))?;
            println!("Сервер остановлен.");
        }
        ServerCommand::User { command } => user(command)?,
        ServerCommand::Device { command } => match command {
            DeviceCommand::List { db } => {
                let s = open(&db)?;
                for d in s.devices()? {
                    println!(
                        "{}  {:<20} {:<24} вход {}  последняя синхронизация {}{}",
                        d.id,
                        d.login,
                        d.name,
                        when(&d.created_at),
                        d.last_seen.as_deref().map(when).unwrap_or("—"),
                        if d.revoked {
                            "  ОТКЛЮЧЕНО"
                        } else {
                            ""
                        }
                    );
                }
            }
            DeviceCommand::Revoke { db, id } => {
                let s = open(&db)?;
                let id = id.parse().map_err(|_| {
                    CliError::Said(format!("«{id}» — не идентификатор устройства (UUID)"))
                })?;
                s.revoke_device(id)?;
                println!("Устройство {id} отключено: его запросы будут отклоняться и сохраняться в карантине.");
            }
            DeviceCommand::Quarantine { db } => {
                let s = open(&db)?;
                let q = s.quarantine()?;
                if q.is_empty() {
                    println!("Карантин пуст.");
                }
                for e in q {
                    println!(
                        "{}  {}  {:<20} устройство {}  {}  {} байт",
                        e.seq,
                        when(&e.received_at),
                        e.login.as_deref().unwrap_or("—"),
                        e.device
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "—".into()),
                        e.reason,
                        e.bytes
                    );
                }
            }
        },
        ServerCommand::Revert {
            db,
            login,
            since,
            as_admin,
        } => {
            let s = open(&db)?;
            let since = zhurnal_server::http::parse_since(&since)?;
            let admin = match as_admin {
                Some(name) => s.staff_named(&name),
                None => s.first_admin(),
            }?;
            let r = s.revert(admin, &login, since)?;
            if r.documents == 0 {
                println!(
                    "После этого момента от «{login}» на сервере нет записей: отменять нечего."
                );
            } else {
                println!(
                    "Отменено клеток: {} в документах: {}. История сохранена; устройства получат отмену при синхронизации.",
                    r.cells, r.documents
                );
            }
        }
        ServerCommand::School { command } => match command {
            SchoolCommand::Staff { db } => {
                let s = open(&db)?;
                let school = s.storage().school()?;
                for m in &school.staff {
                    let roles: Vec<&str> = m.roles.iter().map(|r| r.as_str()).collect();
                    println!("{}\t{}\t{}", m.id, m.name.full(), roles.join(","));
                }
            }
            SchoolCommand::Init {
                db,
                name,
                admin,
                admin_login,
                password_file,
                password_stdin,
            } => {
                let pw = password(password_file.as_deref(), password_stdin)?;
                let id = school::init_school(&db, &name, &admin)?;
                let s = open(&db)?;
                let (_, one_time) = s.add_account(&NewAccount {
                    login: admin_login.clone(),
                    password: pw,
                    person: Person::Staff(id),
                })?;
                println!(
                    "Создана школа «{name}» в {}; администратор {admin} ({admin_login}).",
                    db.display()
                );
                if let Some(p) = one_time {
                    println!("Одноразовый пароль администратора: {p} (сменить при первом входе)");
                }
            }
        },
    }
    Ok(())
}

fn user(command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            db,
            login,
            staff,
            student,
            parent_of,
            class,
            password_file,
            password_stdin,
        } => {
            let s = open(&db)?;
            let class = || class.as_deref().ok_or("укажите класс: --class 7Б");
            let person = match (staff, student, parent_of) {
                (Some(name), None, None) => Person::Staff(s.staff_named(&name)?),
                (None, Some(name), None) => Person::Student(
                    s.student_named(class()?, &name)?,
                ),
                (None, None, Some(name)) => Person::ParentOf(vec![s
                    .student_named(class()?, &name)
                    ?]),
                _ => return Err("укажите одно из: --staff \"ФИО\", --student \"ФИО\" --class 7Б, --parent-of \"ФИО\" --class 7Б".into()),
            };
            let pw = password(password_file.as_deref(), password_stdin)?;
            let (info, one_time) = s.add_account(&NewAccount {
                login,
                password: pw,
                person,
            })?;
            println!(
                "Учётная запись {} создана: {} ({}).",
                info.login,
                info.name,
                info.roles.join(", ")
            );
            if let Some(p) = one_time {
                println!("Одноразовый пароль: {p} (сменить при первом входе)");
            }
        }
        UserCommand::List { db } => {
            let s = open(&db)?;
            for u in s.users()? {
                println!(
                    "{:<24} {:<8} {:<40} {}{}{}",
                    u.login,
                    u.kind,
                    u.name,
                    u.roles.join(","),
                    if u.must_change_password {
                        "  одноразовый пароль"
                    } else {
                        ""
                    },
                    if u.revoked == Some(true) {
                        "  ОТКЛЮЧЕНА"
                    } else {
                        ""
                    }
                );
            }
        }
        UserCommand::Revoke { db, login } => {
            let s = open(&db)?;
            s.revoke_user(&login)?;
            println!("Учётная запись {login} отключена: её запросы будут отклоняться и сохраняться в карантине.");
        }
        UserCommand::Slips {
            db,
            class,
            out,
            address,
            templates,
        } => {
            let s = open(&db)?;
            let (class_name, creds) = s.slips(&class)?;
            let school = s.school_name()?;
            let templates = zhurnal_service::templates(templates.as_deref())?;
            let pdf = zhurnal_reports::parents::render_slips(
                &school,
                &class_name,
                &address,
                &creds,
                &templates,
            )?;
            std::fs::write(&out, &pdf).map_err(|e| CliError::write(&out, e))?;
            println!(
                "Листков: {} (ученики и родители {class_name}), записаны в {}. Пароли одноразовые: их сменят при первом входе.",
                creds.len(),
                out.display()
            );
        }
    }
    Ok(())
}

/// Prints the server's request log on standard error, one line a request (route, user and
/// device ids, outcome, time; see `zhurnal_server::http`). `ZHURNAL_LOG`: `off`, `error`,
/// `warn`, `info` (the default) or `debug`.
fn log_requests() -> Result<()> {
    use tracing_subscriber::filter::LevelFilter;
    let level = match std::env::var("ZHURNAL_LOG").unwrap_or_default().trim() {
        "" | "info" => LevelFilter::INFO,
        "off" => LevelFilter::OFF,
        "error" => LevelFilter::ERROR,
        "warn" => LevelFilter::WARN,
        "debug" => LevelFilter::DEBUG,
        other => {
            return Err(
                format!("ZHURNAL_LOG={other}: ожидается off, error, warn, info или debug").into(),
            )
        }
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false)
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .try_init()
        .map_err(|e| CliError::Said(format!("журнал запросов не запущен: {e}")))
}
