use thiserror::Error;
use zhurnal_journal::JournalError;
use zhurnal_store::StoreError;

/// One bad line of an imported class list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line (or spreadsheet row) number, the header being line 1.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "строка {}: {}", self.line, self.message)
    }
}

/// Errors of the use cases, in the user's words; each says what to do next, without naming a
/// command (the command line adds what to type: `said` in crates/cli).
#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(
        "в базе «{0}» нет школы: создайте демонстрационную школу или получите школу с сервера"
    )]
    NoSchool(String),
    #[error("класса «{name}» нет. Есть классы: {known}")]
    NoClass { name: String, known: String },
    #[error("в классе {class} нет предмета «{name}». Предметы класса: {known}")]
    NoSubject {
        class: String,
        name: String,
        known: String,
    },
    #[error("в классе {class} нет ученика «{name}»")]
    NoStudent { class: String, name: String },
    #[error("в классе {class} несколько учеников «{name}»: укажите полное ФИО")]
    AmbiguousStudent { class: String, name: String },
    #[error("нет сотрудника «{0}»")]
    NoStaff(String),
    #[error("{date}: в журнале «{subject}» нет урока{group}: сначала добавьте урок")]
    NoLesson {
        subject: String,
        date: String,
        group: String,
    },
    #[error("{date}: в журнале «{subject}» несколько уроков ({numbers}): укажите номер урока")]
    SeveralLessons {
        subject: String,
        date: String,
        numbers: String,
    },
    #[error("{student} на {date} не в списке класса ({reason}): отметку поставить нельзя")]
    NotOnRoll {
        student: String,
        date: String,
        reason: String,
    },
    #[error("{student} занимается в другой подгруппе: у него нет этого урока")]
    OtherSubgroup { student: String },
    #[error("список не загружен, ничего не изменено. Исправьте файл:\n{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Roster(Vec<RowError>),
    #[error("файл «{path}»: {message}")]
    File { path: String, message: String },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Entry(#[from] zhurnal_domain::EntryError),
    #[error(transparent)]
    Report(#[from] zhurnal_reports::ReportError),
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The use cases' words name no command: the app has buttons, not a command line (the CLI
    /// adds what to type).
    #[test]
    fn no_message_names_a_command() {
        let all = [
            ServiceError::NoSchool("школа.sqlite3".into()),
            ServiceError::NoLesson {
                subject: "Алгебра".into(),
                date: "07.09.2025".into(),
                group: String::new(),
            },
            ServiceError::SeveralLessons {
                subject: "Алгебра".into(),
                date: "07.09.2025".into(),
                numbers: "1, 2".into(),
            },
        ];
        for e in all {
            let text = e.to_string();
            assert!(!text.contains("zhurnal") && !text.contains("--"), "{text}");
        }
    }
}
