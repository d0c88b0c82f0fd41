// The view types of the command contract (docs/app-commands.md), field for field as
// `zhurnal_service::view` declares them. The shell generates the same types from Rust into
// src/bindings/ (ts-rs); until they land these are written by hand, and the rest of the UI
// imports them only from here, so switching is one file.

export type Period = "Q1" | "Q2" | "Q3" | "Q4" | "H1" | "H2" | "Year";
export type Access = "write" | "read";
export type Role = "admin" | "deputy" | "subject_teacher" | "class_teacher" | "student" | "parent";

export type ErrorCode =
  | "not_found"
  | "invalid"
  | "read_only"
  | "no_access"
  | "conflict"
  | "offline"
  | "store"
  | "sync"
  | "report";

/** Every failed command answers with this; `message` is Russian and meant for the user. */
export interface AppError {
  code: ErrorCode | string;
  message: string;
}

export interface Profile {
  id: string;
  name: string;
  /** `admin`, `deputy`, `subject_teacher`, `class_teacher` (see `Role`). */
  roles: string[];
}

export interface PendingDoc {
  doc: string;
  label: string;
  changes: number;
}

export interface SyncStatus {
  configured: boolean;
  online: boolean;
  /** RFC 3339 time of the last successful sync, if any. */
  last_sync: string | null;
  pending: PendingDoc[];
  conflicts: number;
  /** One line for the status bar, in Russian. */
  message: string;
}

export interface AppState {
  db_path: string;
  has_school: boolean;
  /** The school's name, when there is one. */
  school: string | null;
  /** «2025/26». */
  year: string | null;
  profile: Profile | null;
  sync: SyncStatus;
}

export interface StaffView {
  id: string;
  name: string;
  roles: string[];
  /** What he does, in Russian («учитель: Алгебра, Геометрия; классный руководитель 7Б»). */
  description: string;
}

export interface JournalRef {
  class_id: string;
  class_name: string;
  subject_id: string;
  subject_name: string;
  subgroup: number | null;
  access: Access;
  /** The periods the class is marked by (`Q1`…`Q4` or `H1`, `H2`), then `Year`. */
  periods: Period[];
  /** The period that contains today (or the last one, after the year). */
  current_period: Period;
}

export interface StudentRow {
  id: string;
  name: string;
  number: number;
  /** On the roll for the whole period (false: arrived or left during it). */
  on_roll: boolean;
  arrived: string | null;
  left: string | null;
}

export interface LessonView {
  id: string;
  /** ISO date, `2025-09-03`. */
  date: string;
  number: number;
  subgroup: number | null;
  topic: string;
  homework: string;
  teacher: string | null;
  work_type: string | null;
}

export interface CellView {
  lesson: string;
  student: string;
  /** The cell as the teacher would type it: `5 4`, `Н`, `н/а`. */
  text: string;
  marks: string;
  attendance: string | null;
}

export interface FinalView {
  student: string;
  period_mark: string | null;
  /** Weighted average, two decimals. */
  average: number | null;
  /** Number of numeric marks the average is of. */
  count: number;
  suggested: string | null;
}

export interface GridView {
  class: string;
  subject: string;
  class_id: string;
  subject_id: string;
  subgroup: number | null;
  period: Period;
  /** «1 четверть». */
  period_title: string;
  period_start: string;
  period_end: string;
  access: Access;
  students: StudentRow[];
  lessons: LessonView[];
  cells: CellView[];
  finals: FinalView[];
}

/** What an edit stored: the cell (none for a period mark) and the student's new figures. */
export interface CellResult {
  cell: CellView | null;
  final: FinalView;
  /** The period the figures are of. */
  period: Period;
}

export interface LessonEdit {
  topic: string;
  homework: string;
  date: string;
}

export type MovementKind = "arrival" | "departure" | "transfer";

export interface MovementView {
  /** `arrival`, `departure`, `transfer`. */
  kind: MovementKind | string;
  /** «прибыл», «выбыл», «переведён». */
  title: string;
  date: string;
  order: string;
  /** Where from (arrival) or where to (departure, transfer). */
  place: string;
}

export interface MovementEdit {
  kind: MovementKind | string;
  date: string;
  order: string;
  from: string;
  to: string;
}

export interface RosterStudent {
  id: string;
  name: string;
  number: number;
  birth_date: string | null;
  on_roll: boolean;
  /** Subject name → subgroup number. */
  subgroups: Record<string, number>;
  movements: MovementView[];
}

export interface RosterView {
  class_id: string;
  class_name: string;
  access: Access;
  students: RosterStudent[];
}

export interface ImportResult {
  added: number;
  updated: number;
}

export interface ParentView {
  name: string;
  relation: string;
  workplace: string;
  phone: string;
}

export interface PersonalRow {
  student: string;
  name: string;
  address: string;
  phone: string;
  parents: ParentView[];
  consent: boolean | null;
}

export interface PersonalView {
  class_id: string;
  students: PersonalRow[];
}

export type FindingKind = "no_marks" | "no_topic" | "no_attendance" | "absence_to_confirm";

export interface Finding {
  kind: FindingKind | string;
  subject: string;
  student: string | null;
  date: string | null;
  /** What is wrong, in Russian, ready to show. */
  text: string;
}

export type ReportKind =
  | "period-copy"
  | "year-journal"
  | "class-results"
  | "marks-summary"
  | "attendance"
  | "attendance-month"
  | "movement"
  | "monitoring"
  | "extract"
  | "letter";

export interface ReportRequest {
  kind: ReportKind | string;
  class_id: string;
  period?: Period | null;
  student_id?: string | null;
  month?: string | null;
  two_sided?: boolean | null;
}

export interface ReportResult {
  path: string;
  pages: number;
  bytes: number;
}

export interface ReportProgress {
  done: number;
  total: number;
}

export interface ConflictValue {
  text: string;
  author: string;
  shown: boolean;
}

export interface ConflictView {
  doc: string;
  lesson: string;
  student: string;
  /** «7Б, Алгебра, 03.09.2025, Антонов Георгий: отметки». */
  label: string;
  values: ConflictValue[];
}

export interface BundleResult {
  documents: number;
  changes: number;
}
