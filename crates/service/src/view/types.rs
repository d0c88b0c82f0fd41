//! The contract's types: what a command takes and gives back, plain and serialisable, ids as
//! strings and dates as ISO text; TypeScript gets them from `ui/src/bindings/`.

use super::*;

/// A marking period, or the whole year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub enum Period {
    Q1,
    Q2,
    Q3,
    Q4,
    H1,
    H2,
    Year,
}

impl Period {
    pub fn code(self) -> PeriodCode {
        match self {
            Self::Q1 => PeriodCode::Q1,
            Self::Q2 => PeriodCode::Q2,
            Self::Q3 => PeriodCode::Q3,
            Self::Q4 => PeriodCode::Q4,
            Self::H1 => PeriodCode::H1,
            Self::H2 => PeriodCode::H2,
            Self::Year => PeriodCode::Year,
        }
    }

    pub fn of(code: PeriodCode) -> Self {
        match code {
            PeriodCode::Q1 => Self::Q1,
            PeriodCode::Q2 => Self::Q2,
            PeriodCode::Q3 => Self::Q3,
            PeriodCode::Q4 => Self::Q4,
            PeriodCode::H1 => Self::H1,
            PeriodCode::H2 => Self::H2,
            PeriodCode::Year => Self::Year,
        }
    }
}

/// What the profile may do with a journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Write,
    Read,
}

/// Who works at this computer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct Profile {
    pub id: String,
    pub name: String,
    /// `admin`, `deputy`, `subject_teacher`, `class_teacher`.
    pub roles: Vec<String>,
    /// A local PIN guards this profile on this computer.
    pub pin: bool,
}

/// A member of staff, to choose a local profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct StaffView {
    pub id: String,
    pub name: String,
    pub roles: Vec<String>,
    /// What he does, in Russian («учитель: Алгебра, Геометрия; классный руководитель 7Б»).
    pub description: String,
    /// Choosing him takes his local PIN.
    pub pin: bool,
}

/// Changes of one document that the server has not acknowledged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct PendingDoc {
    pub doc: String,
    pub label: String,
    pub changes: u32,
}

/// Where sync stands; always visible in the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct SyncStatus {
    /// The device is enrolled with a school server.
    pub configured: bool,
    /// The last sync reached the server (false before the first one and after a failure).
    pub online: bool,
    /// A sync is under way (set by the shell).
    pub syncing: bool,
    /// The server's address, when enrolled.
    pub server: Option<String>,
    /// Who the device is enrolled as («Иванова Мария Петровна»).
    pub user: Option<String>,
    /// RFC 3339 time of the last successful sync, if any.
    pub last_sync: Option<String>,
    /// Why the last sync failed (Russian), cleared by a successful one.
    pub last_error: Option<String>,
    pub pending: Vec<PendingDoc>,
    pub conflicts: u32,
    /// One line for the status bar, in Russian.
    pub message: String,
}

impl SyncStatus {
    /// No server is set: the journal lives on this computer only.
    pub fn not_configured(conflicts: u32) -> Self {
        Self {
            configured: false,
            online: false,
            syncing: false,
            server: None,
            user: None,
            last_sync: None,
            last_error: None,
            pending: Vec::new(),
            conflicts,
            message: "Сервер не настроен: журнал хранится на этом компьютере".into(),
        }
    }
}

/// «1 изменение», «3 изменения», «7 изменений».
pub(super) fn changes_ru(n: u64) -> String {
    let word = match (n % 10, n % 100) {
        (1, r) if r != 11 => "изменение",
        (2..=4, r) if !(12..=14).contains(&r) => "изменения",
        _ => "изменений",
    };
    format!("{n} {word}")
}

/// What the app holds at start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct AppState {
    pub db_path: String,
    pub has_school: bool,
    /// The school's name, when there is one.
    pub school: Option<String>,
    /// «2025/26».
    pub year: Option<String>,
    pub profile: Option<Profile>,
    /// The profile has a local PIN not entered yet: the app asks for it before anything else.
    pub locked: bool,
    pub sync: SyncStatus,
}

/// A journal the profile writes or reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct JournalRef {
    pub class_id: String,
    pub class_name: String,
    pub subject_id: String,
    pub subject_name: String,
    pub subgroup: Option<u8>,
    pub access: Access,
    /// The periods the class is marked by (`Q1`…`Q4` or `H1`, `H2`), then `Year`.
    pub periods: Vec<Period>,
    /// The period that contains today (or the last one, after the year).
    pub current_period: Period,
}

/// A student row of the grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct StudentRow {
    pub id: String,
    /// «Фамилия Имя».
    pub name: String,
    /// Number in the list, from 1.
    pub number: u32,
    /// On the roll for the whole period (false: arrived or left during it).
    pub on_roll: bool,
    /// ISO date of arrival during the year, if any.
    pub arrived: Option<String>,
    /// ISO date of leaving, if any.
    pub left: Option<String>,
}

/// A lesson: a column of the grid, and a line of the lesson panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct LessonView {
    pub id: String,
    /// ISO date, `2025-09-03`.
    pub date: String,
    pub number: u8,
    pub subgroup: Option<u8>,
    pub topic: String,
    pub homework: String,
    /// The teacher's «Фамилия И. О.».
    pub teacher: Option<String>,
    /// The work type of the lesson's marks (`кр`, `дз`), when they have one.
    pub work_type: Option<String>,
    /// Attendance was taken («Все присутствуют», or someone marked absent or late).
    pub attendance_taken: bool,
    /// How many students have an attendance code (Н, Б, У, О) in it.
    pub absent: u32,
}

/// A non-empty cell of the grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct CellView {
    pub lesson: String,
    pub student: String,
    /// The cell as shown and typed: `5 4`, `Н`, `О 5`, `н/а`.
    pub text: String,
    /// The marks alone: `5 4`.
    pub marks: String,
    /// The attendance code alone: `Н`, `Б`, `У`, `О`.
    pub attendance: Option<String>,
}

/// A student's period column: the mark given, and the figures the domain suggests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct FinalView {
    pub student: String,
    pub period_mark: Option<String>,
    /// Weighted average of the period's marks, two decimals.
    pub average: Option<f64>,
    /// Number of numeric marks the average is of.
    pub count: u32,
    /// The mark the school's rounding suggests (`н/а` with too few marks).
    pub suggested: Option<String>,
}

/// A named thing: a class or a subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// One class × subject × subgroup × period, like a page of the paper journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct GridView {
    /// The class's name («7Б»).
    pub class: String,
    /// The subject's name.
    pub subject: String,
    pub class_id: String,
    pub subject_id: String,
    pub subgroup: Option<u8>,
    pub period: Period,
    /// «1 четверть».
    pub period_title: String,
    /// First and last day of the period (ISO).
    pub period_start: String,
    pub period_end: String,
    pub access: Access,
    pub students: Vec<StudentRow>,
    pub lessons: Vec<LessonView>,
    pub cells: Vec<CellView>,
    pub finals: Vec<FinalView>,
}

/// What an edit stored: the cell (none for a period mark) and the student's new figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct CellResult {
    pub cell: Option<CellView>,
    pub r#final: FinalView,
    /// The period the figures are of.
    pub period: Period,
}

/// The lesson panel's fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct LessonEdit {
    pub topic: String,
    pub homework: String,
    /// ISO date.
    pub date: String,
}

/// A movement entry (движение учащихся).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct MovementView {
    pub id: String,
    /// `arrival`, `departure`, `transfer`.
    pub kind: String,
    /// «прибыл», «выбыл», «переведён».
    pub title: String,
    pub date: String,
    pub order: String,
    /// Where from (arrival) or where to (departure, transfer).
    pub place: String,
}

/// A new movement entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct MovementEdit {
    /// `arrival`, `departure`, `transfer`.
    pub kind: String,
    pub date: String,
    pub order: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// A student of the class list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct RosterStudent {
    pub id: String,
    /// Full ФИО.
    pub name: String,
    pub number: u32,
    pub birth_date: Option<String>,
    /// On the roll today (or on the last day of the school year, after it).
    pub on_roll: bool,
    /// Subject name → subgroup number.
    pub subgroups: BTreeMap<String, u8>,
    pub movements: Vec<MovementView>,
}

/// One entry of the movement table: cancelled ones too, with what was corrected in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct MovementEntry {
    pub student_id: String,
    /// The student's ФИО.
    pub student: String,
    pub movement: MovementView,
    /// «отменена 03.12.2026, Князева М. Д.» when the entry was cancelled as a mistake.
    pub cancelled: Option<String>,
    /// What the entry said before each correction, oldest first: «было: выбыл 15.05.2020,
    /// приказ № 12 (исправила Князева М. Д. 03.12.2026)».
    pub corrections: Vec<String>,
}

/// The class list with movement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct RosterView {
    pub class_id: String,
    pub class_name: String,
    pub access: Access,
    pub students: Vec<RosterStudent>,
    /// Every movement entry of the year by date, cancelled ones too.
    pub log: Vec<MovementEntry>,
}

/// What loading a class list did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ImportResult {
    pub added: u32,
    pub updated: u32,
}

/// A parent in a student's personal file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ParentView {
    pub name: String,
    pub relation: String,
    pub workplace: String,
    pub phone: String,
}

/// A student's personal file (152-ФЗ: the class teacher and the admin only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct PersonalRow {
    pub student: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub parents: Vec<ParentView>,
    pub consent: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct PersonalView {
    pub class_id: String,
    pub students: Vec<PersonalRow>,
}

/// A monitoring finding, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct Finding {
    /// `no_marks`, `no_topic`, `no_attendance`, `absence_to_confirm`.
    pub kind: String,
    pub subject: String,
    pub student: Option<String>,
    pub date: Option<String>,
    pub text: String,
}

/// A paper document to make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ReportRequest {
    /// Which document, by the command line's names (`year-journal`).
    pub kind: crate::reports::ReportKind,
    pub class_id: String,
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub period: Option<Period>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub student_id: Option<String>,
    /// `2025-10`, for `attendance-month`.
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub month: Option<String>,
    /// For the year-end journal's sheet count.
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub two_sided: Option<bool>,
}

/// A document made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ReportResult {
    pub path: String,
    pub pages: u32,
    pub bytes: u32,
    /// Where «Сохранить» proposes to put a copy: the documents folder, never the file itself.
    pub suggested: String,
}

/// Progress of a document being made (event `report-progress`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ReportProgress {
    pub done: u32,
    pub total: u32,
}

/// One of the values of a conflicted cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ConflictValue {
    pub text: String,
    /// Who wrote it («Фамилия И. О.»).
    pub author: String,
    /// Shown until somebody chooses.
    pub shown: bool,
}

/// A cell written concurrently with different values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct ConflictView {
    pub doc: String,
    pub lesson: String,
    pub student: String,
    /// «7Б, Алгебра, 03.09.2025, Антонов Георгий: отметки».
    pub label: String,
    pub values: Vec<ConflictValue>,
}

/// What a USB bundle carried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct BundleResult {
    pub documents: u32,
    pub changes: u32,
    /// On export: the device's public key (64 hex digits), which the receiving side needs to
    /// check the file.
    pub public_key: Option<String>,
}

/// How a sync is going (event `sync-progress`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(TS))]
pub struct SyncProgress {
    /// Round trips done.
    pub rounds: u32,
    /// Changes received so far.
    pub received: u32,
    /// Documents the server still has to send.
    pub remaining: u32,
    /// Failed tries so far (each followed by a wait).
    pub retries: u32,
}
