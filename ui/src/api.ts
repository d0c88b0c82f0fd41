// Typed wrappers over the shell's commands (docs/app-commands.md). Every call resolves — it
// never throws: a failure is a value `{ ok: false, error: {code, message} }` that the screen
// shows as it is. Two backends implement `Api`: the Tauri shell (`tauriApi`) and the in-memory
// school of `mock.ts` (tests, and `npm run dev` in a plain browser).

import type {
  AppCode,
  AppError,
  AppState,
  BundleResult,
  CellResult,
  ConflictView,
  Finding,
  GridView,
  ImportResult,
  JournalRef,
  LessonEdit,
  LessonView,
  MovementEdit,
  Period,
  PersonalView,
  ReportProgress,
  SchoolFile,
  Undone,
  ReportRequest,
  ReportResult,
  RosterView,
  StaffView,
  SyncProgress,
  SyncStatus,
  WeekView,
} from "./types";

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(code: AppCode, message: string): Result<T> => ({ ok: false, error: { code, message } });

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface Api {
  readonly kind: "tauri" | "mock";
  appState(): Promise<Result<AppState>>;
  openDemo(): Promise<Result<AppState>>;
  /** The USB sticks mounted now (`/media/$USER/…`), newest first. */
  removableDrives(): Promise<Result<string[]>>;
  /** The school files of this computer, the open one first. */
  schools(): Promise<Result<SchoolFile[]>>;
  /** Opens another school of this computer (one of `schools()`). */
  openSchool(path: string): Promise<Result<AppState>>;
  /** Opens a new, empty school file beside the others (after a file that does not open). */
  newSchoolFile(): Promise<Result<AppState>>;
  staffList(): Promise<Result<StaffView[]>>;
  /** Chooses who works here; `pin` when that person set a local PIN. */
  setProfile(staffId: string, pin?: string): Promise<Result<AppState>>;
  /** Enters the local PIN of the person at work (`AppState.locked`). */
  unlock(pin: string): Promise<Result<AppState>>;
  /** Locks the person at work until the PIN is entered again. */
  lock(): Promise<Result<AppState>>;
  /** Sets, changes (`current` needed) or, with `next` empty, removes the local PIN. */
  setPin(current: string | null, next: string | null): Promise<Result<AppState>>;
  /** The administrator removes another person's forgotten PIN; the staff list after. */
  clearPin(staffId: string): Promise<Result<StaffView[]>>;

  myJournals(): Promise<Result<JournalRef[]>>;
  /** The teacher's lessons of the week of `date` (today's week when null), day by day. */
  week(date: string | null): Promise<Result<WeekView>>;
  /** A timetable slot's lesson: the journal's lesson of that date and number, added if missing. */
  openLesson(classId: string, subjectId: string, subgroup: number | null, date: string, number: number): Promise<Result<LessonView>>;
  grid(classId: string, subjectId: string, subgroup: number | null, period: Period): Promise<Result<GridView>>;
  setCell(classId: string, subjectId: string, lessonId: string, studentId: string, input: string): Promise<Result<CellResult>>;
  setFinal(classId: string, subjectId: string, studentId: string, period: Period, input: string): Promise<Result<CellResult>>;
  addLesson(classId: string, subjectId: string, subgroup: number | null, date: string): Promise<Result<LessonView>>;
  saveLesson(classId: string, subjectId: string, lessonId: string, edit: LessonEdit): Promise<Result<LessonView>>;
  /** Undoes the profile's last edit of this session in this journal, and says what it did. */
  undo(classId: string, subjectId: string): Promise<Result<Undone | null>>;
  /** «Все присутствуют»: the lesson's attendance taken, nobody added as absent. */
  allPresent(classId: string, subjectId: string, lessonId: string): Promise<Result<LessonView>>;

  roster(classId: string): Promise<Result<RosterView>>;
  importRoster(classId: string, path: string): Promise<Result<ImportResult>>;
  addMovement(classId: string, studentId: string, movement: MovementEdit): Promise<Result<RosterView>>;
  correctMovement(classId: string, movementId: string, movement: MovementEdit): Promise<Result<RosterView>>;
  cancelMovement(classId: string, movementId: string): Promise<Result<RosterView>>;
  personal(classId: string): Promise<Result<PersonalView>>;
  monitoring(classId: string, lessonsWithoutMarks: number): Promise<Result<Finding[]>>;

  makeReport(request: ReportRequest): Promise<Result<ReportResult>>;
  /** Copies a made document to `dest`: `exists` when a file is there and `overwrite` is not
   * set; never onto the document itself. */
  saveReport(path: string, dest: string, overwrite?: boolean): Promise<Result<null>>;
  /** Prints the document (`pages`: «3», «1-4, 7»; all when empty). */
  printReport(path: string, pages?: string): Promise<Result<null>>;
  /** Opens the document in the system's PDF viewer (to print without CUPS, or full-size). */
  openReport(path: string): Promise<Result<null>>;

  syncStatus(): Promise<Result<SyncStatus>>;
  login(server: string, login: string, password: string): Promise<Result<AppState>>;
  /** The enrolled user's password on the server (a one-time one must be changed first). */
  changePassword(old: string, next: string): Promise<Result<null>>;
  logout(): Promise<Result<AppState>>;
  syncNow(): Promise<Result<SyncStatus>>;
  conflicts(): Promise<Result<ConflictView[]>>;
  resolveConflict(doc: string, lesson: string, student: string, chosenText: string): Promise<Result<null>>;
  bundleExport(path: string): Promise<Result<BundleResult>>;
  /** `publicKey`: the exporting device's key (64 hex digits), shown when it wrote the file. */
  bundleImport(path: string, publicKey: string): Promise<Result<BundleResult>>;

  /** Events the shell emits. Each returns a function that stops listening. */
  onReportProgress(cb: (p: ReportProgress) => void): Promise<() => void>;
  onSyncStatus(cb: (s: SyncStatus) => void): Promise<() => void>;
  onSyncProgress(cb: (p: SyncProgress) => void): Promise<() => void>;
  /** The window's close button (or the system) asks to close: the window stores what is being
   * typed, then calls `closeWindow`, or asks the user. */
  onCloseRequested(cb: () => void): Promise<() => void>;
  /** Tells the shell the close request arrived (a window that never answers is closed anyway). */
  closeSeen(): Promise<Result<null>>;
  /** Closes the window now (after everything is stored, or when the user said so). */
  closeWindow(): Promise<Result<null>>;
  /** A URL the webview can show for a file the shell wrote (a PDF to preview). */
  fileUrl(path: string): string;
  /** The shell's file dialog; `null` when cancelled or when there is no dialog (type the path). */
  pickFile(mode: "open" | "save", filters: FileFilter[], defaultPath?: string): Promise<string | null>;
}

/** Every `AppCode` (the compiler checks the list is complete and has nothing else). */
const CODE_LIST = {
  not_found: 1,
  invalid: 1,
  read_only: 1,
  no_access: 1,
  no_profile: 1,
  no_school: 1,
  conflict: 1,
  store: 1,
  sync: 1,
  offline: 1,
  report: 1,
  exists: 1,
  locked: 1,
} satisfies Record<AppCode, 1>;
const CODES = new Set(Object.keys(CODE_LIST) as AppCode[]);

/** Turns whatever a rejected `invoke` carries into `{code, message}` (an unknown code is
 * `store`: the shell's own failure). */
export function toAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "message" in e) {
    const o = e as { code?: unknown; message?: unknown };
    return { code: typeof o.code === "string" && CODES.has(o.code as AppCode) ? (o.code as AppCode) : "store", message: String(o.message) };
  }
  if (typeof e === "string") return { code: "store", message: e };
  return { code: "store", message: "Неизвестная ошибка программы" };
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

// Tauri 2 matches a command's arguments by their camelCase names unless the command says
// `rename_all = "snake_case"`; the contract writes them in snake_case. Sending both spellings
// works with either choice on the Rust side (unknown keys are ignored).
export function args(a: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) {
    out[k] = v;
    out[camel(k)] = v;
  }
  return out;
}

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;

/** The real backend: the Tauri shell's commands. */
export async function tauriApi(): Promise<Api> {
  const core = await import("@tauri-apps/api/core");
  const event = await import("@tauri-apps/api/event");
  const invoke: Invoke = core.invoke;
  async function call<T>(cmd: string, a: Record<string, unknown> = {}): Promise<Result<T>> {
    try {
      return ok((await invoke(cmd, args(a))) as T);
    } catch (e) {
      return { ok: false, error: toAppError(e) };
    }
  }
  return {
    kind: "tauri",
    appState: () => call("app_state"),
    openDemo: () => call("open_demo"),
    removableDrives: () => call("removable_drives"),
    schools: () => call("schools"),
    openSchool: (path) => call("open_school", { path }),
    newSchoolFile: () => call("new_school_file"),
    staffList: () => call("staff_list"),
    setProfile: (staff_id, pin) => call("set_profile", { staff_id, pin: pin ?? null }),
    unlock: (pin) => call("unlock", { pin }),
    lock: () => call("lock"),
    setPin: (current, next) => call("set_pin", { current, new: next }),
    clearPin: (staff_id) => call("clear_pin", { staff_id }),
    myJournals: () => call("my_journals"),
    week: (date) => call("week", { date }),
    openLesson: (class_id, subject_id, subgroup, date, number) =>
      call("open_lesson", { class_id, subject_id, subgroup, date, number }),
    grid: (class_id, subject_id, subgroup, period) => call("grid", { class_id, subject_id, subgroup, period }),
    setCell: (class_id, subject_id, lesson_id, student_id, input) =>
      call("set_cell", { class_id, subject_id, lesson_id, student_id, input }),
    setFinal: (class_id, subject_id, student_id, period, input) =>
      call("set_final", { class_id, subject_id, student_id, period, input }),
    addLesson: (class_id, subject_id, subgroup, date) => call("add_lesson", { class_id, subject_id, subgroup, date }),
    saveLesson: (class_id, subject_id, lesson_id, edit) => call("save_lesson", { class_id, subject_id, lesson_id, edit }),
    undo: (class_id, subject_id) => call("undo", { class_id, subject_id }),
    allPresent: (class_id, subject_id, lesson_id) => call("all_present", { class_id, subject_id, lesson_id }),
    roster: (class_id) => call("roster", { class_id }),
    importRoster: (class_id, path) => call("import_roster", { class_id, path }),
    addMovement: (class_id, student_id, movement) => call("add_movement", { class_id, student_id, movement }),
    correctMovement: (class_id, movement_id, movement) => call("correct_movement", { class_id, movement_id, movement }),
    cancelMovement: (class_id, movement_id) => call("cancel_movement", { class_id, movement_id }),
    personal: (class_id) => call("personal", { class_id }),
    monitoring: (class_id, lessons_without_marks) => call("monitoring", { class_id, lessons_without_marks }),
    makeReport: (request) => call("make_report", { request }),
    saveReport: (path, dest, overwrite) => call("save_report", { path, dest, overwrite: overwrite ?? false }),
    printReport: (path, pages) => call("print_report", { path, pages: pages ?? null }),
    openReport: (path) => call("open_report", { path }),
    syncStatus: () => call("sync_status"),
    login: (server, login, password) => call("login", { server, login, password }),
    changePassword: (old, next) => call("change_password", { old, new: next }),
    logout: () => call("logout"),
    syncNow: () => call("sync_now"),
    conflicts: () => call("conflicts"),
    resolveConflict: (doc, lesson, student, chosen_text) => call("resolve_conflict", { doc, lesson, student, chosen_text }),
    bundleExport: (path) => call("bundle_export", { path }),
    bundleImport: (path, public_key) => call("bundle_import", { path, public_key }),
    onReportProgress: (cb) => event.listen<ReportProgress>("report-progress", (e) => cb(e.payload)),
    onSyncStatus: (cb) => event.listen<SyncStatus>("sync-status", (e) => cb(e.payload)),
    onSyncProgress: (cb) => event.listen<SyncProgress>("sync-progress", (e) => cb(e.payload)),
    onCloseRequested: (cb) => event.listen("close-requested", () => cb()),
    closeSeen: () => call("close_seen"),
    closeWindow: () => call("close_window"),
    fileUrl: (path) => core.convertFileSrc(path),
    async pickFile(mode, filters, defaultPath) {
      // The dialog plugin's own command; when the shell has no dialog the user types the path.
      try {
        const options = { filters, defaultPath, multiple: false, directory: false };
        const r = await invoke(`plugin:dialog|${mode}`, { options });
        return typeof r === "string" ? r : null;
      } catch {
        return null;
      }
    },
  };
}

/** Whether the page runs inside the Tauri shell. */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
