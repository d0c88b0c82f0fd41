//! The command line's one error: what a library said, in the user's words, and what to type
//! next. The libraries name no command (the app tells a teacher what to press instead); this
//! file adds the command to type, and a refusal's stable code for scripts.

use std::fmt;
use std::path::Path;
use zhurnal_client::ClientError;
use zhurnal_server::ServerError;
use zhurnal_service::ServiceError;

#[derive(Debug)]
pub enum CliError {
    /// The command line's own refusal: a missing argument, a value that does not parse.
    Said(String),
    /// A use case of the device's journal refused or failed.
    Service(Box<ServiceError>),
    /// The device's sync with the school server.
    Client(Box<ClientError>),
    /// The school server's own file.
    Server(Box<ServerError>),
    /// Another library's error, which needs no command after it.
    Library(Box<dyn std::error::Error + Send + Sync>),
    /// A file or a standard stream that could not be read or written.
    Io {
        what: String,
        source: std::io::Error,
    },
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    pub fn read(path: &Path, source: std::io::Error) -> Self {
        CliError::Io {
            what: format!("не удалось прочитать «{}»", path.display()),
            source,
        }
    }

    pub fn write(path: &Path, source: std::io::Error) -> Self {
        CliError::Io {
            what: format!("не удалось записать «{}»", path.display()),
            source,
        }
    }

    pub fn stdin(source: std::io::Error) -> Self {
        CliError::Io {
            what: "стандартный ввод не читается".into(),
            source,
        }
    }

    pub fn stdout(source: std::io::Error) -> Self {
        CliError::Io {
            what: "стандартный вывод не пишется".into(),
            source,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Said(text) => f.write_str(text),
            CliError::Service(e) => service(f, e),
            CliError::Client(e) => client(f, e),
            CliError::Server(e) => server(f, e),
            CliError::Library(e) => write!(f, "{e}"),
            CliError::Io { what, source } => write!(f, "{what}: {source}"),
        }
    }
}

impl std::error::Error for CliError {}

fn service(f: &mut fmt::Formatter<'_>, e: &ServiceError) -> fmt::Result {
    use ServiceError as E;
    match e {
        E::NoSchool(db) => write!(
            f,
            "{e}. Демонстрационная школа: zhurnal demo --db {db}; школа с сервера: \
             zhurnal login --db {db} --server АДРЕС --login ЛОГИН, затем zhurnal sync --db {db}"
        ),
        E::NoLesson { .. } => write!(f, "{e} — повторите команду с --add-lesson"),
        E::SeveralLessons { .. } => write!(f, "{e} — --lesson N"),
        _ => write!(f, "{e}"),
    }
}

fn client(f: &mut fmt::Formatter<'_>, e: &ClientError) -> fmt::Result {
    use ClientError as E;
    match e {
        E::NotEnrolled { db } => write!(
            f,
            "{e} — zhurnal login --db {db} --server АДРЕС --login ЛОГИН"
        ),
        E::NoLink { .. } => write!(f, "{e} (zhurnal bundle export)"),
        E::Unauthorized { .. } => write!(f, "{e} — zhurnal login"),
        E::Refused { code, .. } => write!(f, "{e} [{code}]"),
        E::Service(e) => service(f, e),
        _ => write!(f, "{e}"),
    }
}

fn server(f: &mut fmt::Formatter<'_>, e: &ServerError) -> fmt::Result {
    match e {
        ServerError::Storage(s) if s.0 == zhurnal_server::storage::NO_SCHOOL => write!(
            f,
            "{e} — zhurnal school init --db ФАЙЛ … (или zhurnal demo --db ФАЙЛ)"
        ),
        ServerError::Refused { code, .. } => write!(f, "{e} [{}]", code.as_str()),
        _ => write!(f, "{e}"),
    }
}

impl From<String> for CliError {
    fn from(text: String) -> Self {
        CliError::Said(text)
    }
}

impl From<&str> for CliError {
    fn from(text: &str) -> Self {
        CliError::Said(text.to_string())
    }
}

impl From<ServiceError> for CliError {
    fn from(e: ServiceError) -> Self {
        CliError::Service(Box::new(e))
    }
}

impl From<ClientError> for CliError {
    fn from(e: ClientError) -> Self {
        CliError::Client(Box::new(e))
    }
}

impl From<ServerError> for CliError {
    fn from(e: ServerError) -> Self {
        CliError::Server(Box::new(e))
    }
}

impl From<zhurnal_server::storage::StorageError> for CliError {
    fn from(e: zhurnal_server::storage::StorageError) -> Self {
        CliError::Server(Box::new(e.into()))
    }
}

/// Libraries whose errors already say all there is to say.
macro_rules! library {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError::Library(Box::new(e))
            }
        }
    )*};
}

library!(
    zhurnal_store::StoreError,
    zhurnal_reports::ReportError,
    zhurnal_sync::bundle::BundleError,
    zhurnal_domain::EntryError,
    serde_json::Error,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_shell_adds_its_command_to_the_library_words() {
        let e = CliError::from(ClientError::NotEnrolled {
            db: "учитель.db".into(),
        });
        let text = e.to_string();
        assert!(
            text.starts_with("это устройство ещё не подключено"),
            "{text}"
        );
        assert!(
            text.ends_with("zhurnal login --db учитель.db --server АДРЕС --login ЛОГИН"),
            "{text}"
        );
        let e = CliError::from(ServerError::Storage(zhurnal_server::storage::StorageError(
            zhurnal_server::storage::NO_SCHOOL.into(),
        )));
        assert!(e.to_string().contains("zhurnal school init"), "{e}");
        let e = CliError::from(zhurnal_server::error::refuse(
            zhurnal_sync::ErrorCode::ReadOnly,
            "только чтение",
        ));
        assert_eq!(e.to_string(), "только чтение [read_only]");
    }

    #[test]
    fn a_file_error_names_the_file() {
        let e = CliError::write(
            Path::new("/нет/отчёт.pdf"),
            std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        assert!(
            e.to_string()
                .starts_with("не удалось записать «/нет/отчёт.pdf»: "),
            "{e}"
        );
    }
}
