//! A device's commands: `login`, `password`, `sync`, `status`, `bundle export|import`. Only glue over
//! `zhurnal-client` (and, for a bundle carried to the server's file, `zhurnal-server`).

use crate::error::{CliError, Result};
use clap::Subcommand;
use std::io::Read;
use std::path::{Path, PathBuf};
use zhurnal_client::{Backoff, Client};

#[derive(Subcommand)]
pub enum ClientCommand {
    /// Подключить это устройство к серверу школы (один раз): логин и пароль учителя.
    /// Файл базы устройства может быть новым или пустым — первая синхронизация загрузит
    /// документы, которые пользователю можно читать.
    Login {
        /// База устройства.
        #[arg(long)]
        db: PathBuf,
        /// Адрес сервера, например http://192.168.1.10:8080.
        #[arg(long)]
        server: String,
        #[arg(long)]
        login: String,
        /// Пароль (лучше --password-stdin: пароль в командной строке виден другим программам).
        #[arg(long, conflicts_with = "password_stdin")]
        password: Option<String>,
        /// Прочитать пароль со стандартного ввода (первая строка).
        #[arg(long)]
        password_stdin: bool,
        /// Название устройства для администратора («Ноутбук кабинета 12»).
        #[arg(long, default_value = "")]
        device_name: String,
    },
    /// Сменить пароль пользователя этого устройства на сервере (одноразовый пароль с листка
    /// нужно сменить, прежде чем синхронизироваться). Текущий и новый пароль читаются со
    /// стандартного ввода: две строки.
    Password {
        #[arg(long)]
        db: PathBuf,
    },
    /// Синхронизировать устройство с сервером школы. Ход — в stderr, итог — одной строкой в
    /// stdout; при ошибке код выхода не 0 и сообщение в stderr.
    Sync {
        #[arg(long)]
        db: PathBuf,
        /// Другой адрес того же сервера (по умолчанию — адрес, заданный при входе).
        #[arg(long)]
        server: Option<String>,
        /// Сколько раз пробовать при обрыве связи или ошибке сервера (5xx).
        #[arg(long, default_value_t = 8)]
        attempts: u32,
    },
    /// Что на устройстве ещё не отправлено на сервер, когда была последняя синхронизация,
    /// сколько конфликтов ждут выбора.
    Status {
        #[arg(long)]
        db: PathBuf,
    },
    /// Пакеты синхронизации на флешке: export, import.
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
}

#[derive(Subcommand)]
pub enum BundleCommand {
    /// Записать в файл всё, что сервер ещё не подтвердил (подписано ключом устройства).
    Export {
        /// База устройства (подключённого к серверу: zhurnal login).
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Принять пакет с флешки через ту же проверку прав, что и синхронизация.
    ///
    /// Что за база, определяется по её содержимому: если в ней есть учётные записи сервера —
    /// это база сервера (подпись проверяется ключом, который устройство дало при входе;
    /// запускайте при остановленном `zhurnal serve` — работающий сервер принимает пакеты через
    /// POST /api/v1/bundle); если устройство подключено к серверу (zhurnal login) — это база
    /// устройства (подпись проверяется ключом, записанным в пакете). Иначе пакет не принимается.
    Import {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        file: PathBuf,
    },
}

fn need(db: &Path) -> Result<()> {
    if db.exists() {
        Ok(())
    } else {
        Err(format!("файла «{}» нет", db.display()).into())
    }
}

fn client(db: &Path) -> Result<Client> {
    need(db)?;
    Ok(Client::open(db)?)
}

/// Bytes as a person reads them: a day's sync is a few hundred bytes.
fn size(bytes: usize) -> String {
    if bytes < 10 * 1024 {
        format!("{bytes} Б")
    } else {
        format!("{} КБ", bytes.div_ceil(1024))
    }
}

fn when(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| {
            d.with_timezone(&chrono::Local)
                .format("%d.%m.%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| t.to_string())
}

/// What the file at `db` is, told by what it holds.
enum Kind {
    Server,
    Device,
}

fn kind(db: &Path) -> Result<Kind> {
    need(db)?;
    let store = zhurnal_store::Store::open(db)?;
    if !store.srv_users()?.is_empty() {
        return Ok(Kind::Server);
    }
    if store.profile()?.is_some() {
        return Ok(Kind::Device);
    }
    Err(format!(
        "«{}» — ни база сервера (в ней нет учётных записей), ни база подключённого устройства \
         (не было zhurnal login): пакет принять некуда",
        db.display()
    )
    .into())
}

pub fn run(command: ClientCommand) -> Result<()> {
    match command {
        ClientCommand::Login {
            db,
            server,
            login,
            password,
            password_stdin,
            device_name,
        } => {
            let password = match (password, password_stdin) {
                (Some(p), _) => p,
                (None, true) => {
                    let mut s = String::new();
                    std::io::stdin()
                        .read_to_string(&mut s)
                        .map_err(CliError::stdin)?;
                    s.lines().next().unwrap_or_default().to_string()
                }
                (None, false) => return Err("укажите пароль: --password-stdin".into()),
            };
            let name = if device_name.trim().is_empty() {
                format!("zhurnal на {}", db.display())
            } else {
                device_name
            };
            let mut c = Client::open(&db)?;
            let e = c.login(&server, &login, &password, &name)?;
            println!(
                "Устройство подключено к {}: {} ({}), устройство {}.",
                e.server,
                e.user_name,
                e.roles.join(", "),
                e.device
            );
            if e.must_change_password {
                println!(
                    "Пароль одноразовый: смените его, прежде чем синхронизироваться \
                     (zhurnal password --db {}: две строки на стандартный ввод — текущий и новый).",
                    db.display()
                );
            }
            println!("Дальше: zhurnal sync --db {}", db.display());
        }
        ClientCommand::Password { db } => {
            let mut c = client(&db)?;
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .map_err(CliError::stdin)?;
            let mut lines = input.lines();
            let (Some(old), Some(new)) = (lines.next(), lines.next()) else {
                return Err(
                    "подайте на стандартный ввод две строки: текущий пароль и новый".into(),
                );
            };
            c.change_password(old, new)?;
            println!("Пароль сменён. Дальше: zhurnal sync --db {}", db.display());
        }
        ClientCommand::Sync {
            db,
            server,
            attempts,
        } => {
            let mut c = client(&db)?;
            c.set_backoff(Backoff {
                attempts: attempts.max(1),
                ..Backoff::default()
            });
            let r = c.sync(server.as_deref(), &mut |p| {
                eprintln!(
                    "синхронизация: обмен {}, получено изменений {}, документов впереди {}{}",
                    p.rounds,
                    p.received,
                    p.remaining,
                    if p.retries > 0 {
                        format!(", повторов {}", p.retries)
                    } else {
                        String::new()
                    }
                );
            })?;
            for d in &r.status.docs {
                eprintln!("  {}", d.describe());
            }
            println!(
                "Синхронизировано с {}: отправлено изменений {}, получено {} в документах: {}; \
                 не отправлено {}, конфликтов {} ({} туда, {} обратно)",
                r.server,
                r.sent,
                r.received,
                r.documents,
                r.status.pending,
                r.status.conflicts,
                size(r.bytes_up),
                size(r.bytes_down)
            );
        }
        ClientCommand::Status { db } => {
            let mut c = client(&db)?;
            let s = c.status()?;
            match (&s.server, &s.user_name) {
                (Some(server), Some(user)) => println!("Сервер: {server}, пользователь: {user}"),
                _ => println!("Устройство не подключено к серверу (zhurnal login)."),
            }
            println!(
                "Последняя синхронизация: {}",
                s.last_sync_at.map(when).unwrap_or_else(|| "не было".into())
            );
            if let Some(e) = &s.last_error {
                println!("Последняя ошибка: {e}");
            }
            for d in &s.sync.docs {
                println!("{}", d.describe());
            }
            println!(
                "Не отправлено изменений: {}, конфликтов: {}",
                s.sync.pending, s.sync.conflicts
            );
        }
        ClientCommand::Bundle { command } => bundle(command)?,
    }
    Ok(())
}

fn bundle(command: BundleCommand) -> Result<()> {
    match command {
        BundleCommand::Export { db, out } => {
            let mut c = client(&db)?;
            let e = c.export_bundle()?;
            std::fs::write(&out, &e.file).map_err(|e| CliError::write(&out, e))?;
            println!(
                "Пакет записан: {} (документов {}, изменений {}, {:.1} КБ); ключ устройства {}",
                out.display(),
                e.documents,
                e.changes,
                e.file.len() as f64 / 1024.0,
                e.public_key
            );
        }
        BundleCommand::Import { db, file } => {
            let bytes = std::fs::read(&file).map_err(|e| CliError::read(&file, e))?;
            match kind(&db)? {
                Kind::Server => {
                    let s = zhurnal_server::SchoolServer::open(&db)?;
                    let r = s.import_bundle(&bytes, "usb")?;
                    println!(
                        "Пакет принят сервером: документов {}, изменений {}",
                        r.documents, r.changes
                    );
                }
                Kind::Device => {
                    let sealed = zhurnal_sync::bundle::open(&bytes)?;
                    let key = sealed.public_key().ok_or(
                        "в пакете нет ключа устройства (сделан старой версией программы): \
                         примите его на сервере",
                    )?;
                    let mut c = client(&db)?;
                    let r = c.import_bundle(&bytes, &hex::encode(key))?;
                    println!(
                        "Пакет принят устройством: документов {}, изменений {}",
                        r.documents, r.changes
                    );
                }
            }
        }
    }
    Ok(())
}
