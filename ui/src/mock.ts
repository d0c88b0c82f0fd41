// An in-memory school that answers the command contract like the shell would: the backend of
// the Vitest suites and of `npm run dev` in a plain browser (before, and beside, the real app).
// It keeps the contract's rules that the UI must show: read-only journals, the cell grammar
// (through the same parser), students off the roll, personal data for two roles only, pending
// changes until a sync, conflicts with their authors.

import { err, ok, type Api, type Result } from "./api";
import { parseCell, parseFinal, displayCell } from "./cell";
import { PERIOD_TITLES } from "./ru";
import type {
  Access,
  AppCode,
  AppState,
  CellResult,
  CellView,
  ConflictView,
  Finding,
  FinalView,
  GridView,
  JournalRef,
  LessonView,
  Period,
  PersonalRow,
  MovementEdit,
  Profile,
  ReportProgress,
  ReportRequest,
  RosterStudent,
  StaffView,
  SyncProgress,
  SchoolFile,
  SyncStatus,
  Undone,
  WeekDay,
  WeekView,
} from "./types";

import {
  STAFF,
  WEEKDAYS,
  PERIODS,
  MOCK_TODAY,
  periodFigures,
  addDays,
  weekday,
  undone,
  ruDate,
  buildSchool,
  effective,
  stays,
  onRoll,
  ruDateOf,
  movementView,
  tinyPdf,
  type MockOptions,
  type MStudent,
  type MLesson,
  type MJournal,
  type MClass,
  type FigureCell,
} from "./mock/school";
export * from "./mock/school";

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class MockBackend implements Api {
  readonly kind = "mock" as const;
  private hasSchool: boolean;
  private profile: Profile | null = null;
  private classes: MClass[] = [];
  private journals: MJournal[] = [];
  /** The session's edits, newest last: the journal each was in, and how to put back what it replaced. */
  private undoStack: Array<{ journal: string; undo: () => Undone }> = [];
  private seq = 0;
  private sync: SyncStatus = {
    configured: false,
    online: false,
    syncing: false,
    server: null,
    user: null,
    last_sync: null,
    last_error: null,
    pending: [],
    conflicts: 0,
    message: "Сервер не настроен: журнал хранится на этом компьютере",
  };
  private conflictList: ConflictView[] = [];
  private reportListeners = new Set<(p: ReportProgress) => void>();
  private syncListeners = new Set<(s: SyncStatus) => void>();
  private blobs = new Map<string, string>();
  private failures: Array<{ code: AppCode; message: string }> = [];
  readonly latencyMs: number;
  /** Every set_cell the backend received, in order (tests check the queue kept it). */
  readonly received: Array<{ lesson: string; student: string; input: string }> = [];

  constructor(private opts: MockOptions = {}) {
    this.hasSchool = opts.hasSchool ?? false;
    this.latencyMs = opts.latencyMs ?? 0;
    if (this.hasSchool) this.build();
    if (opts.profile) this.profile = this.staff(opts.profile) ?? null;
  }

  /** The next command fails with this error (tests of failure display). */
  failNext(code: AppCode, message: string): void {
    this.failures.push({ code, message });
  }

  /** The next `set_cell` fails with this error, whatever other commands run meanwhile. */
  failNextCell(code: AppCode, message: string): void {
    this.cellFailures.push({ code, message });
  }
  private cellFailures: Array<{ code: AppCode; message: string }> = [];

  private async answer<T>(f: () => Result<T> | Promise<Result<T>>): Promise<Result<T>> {
    if (this.latencyMs > 0) await delay(this.latencyMs);
    else await Promise.resolve();
    const failure = this.failures.shift();
    if (failure) return err(failure.code, failure.message);
    return f();
  }

  private staff(id: string): Profile | undefined {
    const s = STAFF.find((x) => x.id === id);
    return s ? { ...s } : undefined;
  }

  private build(): void {
    const school = buildSchool(this.opts);
    this.classes = school.classes;
    this.journals = school.journals;
    this.conflictList = school.conflicts;
    this.sync.conflicts = this.conflictList.length;
  }

  // ---- start and profile -------------------------------------------------------------------

  /** The school files of this computer, as the shell keeps them: the open one, and the demo's
   * when a server's school was put beside it. */
  private schoolFiles: Array<{ path: string; server: string | null; hasSchool: boolean }> = [];
  private openFile = "/home/uchitel/.local/share/zhurnal/zhurnal.sqlite3";
  /** The staff member the last login enrolled. */
  private enrolled: string | null = null;

  private state(): AppState {
    return {
      db_path: this.openFile,
      has_school: this.hasSchool,
      school: this.hasSchool ? "Берёзовская СОШ" : null,
      year: this.hasSchool ? "2025/26" : null,
      profile: this.profile ? { ...this.profile, pin: this.pins.has(this.profile.id) } : null,
      locked: this.isLocked(),
      sync: this.syncCopy(),
    };
  }
  private syncCopy(): SyncStatus {
    return { ...this.sync, pending: this.sync.pending.map((p) => ({ ...p })) };
  }

  appState() {
    return this.answer(() => ok(this.state()));
  }
  openDemo() {
    return this.answer(() => {
      if (this.hasSchool) return err<AppState>("invalid", "Школа уже открыта: демонстрационную школу можно создать только в пустом файле");
      this.hasSchool = true;
      this.build();
      return ok(this.state());
    });
  }
  staffList() {
    return this.answer(() =>
      this.hasSchool ? ok(STAFF.map((s) => ({ ...s, pin: this.pins.has(s.id) }))) : err<StaffView[]>("not_found", "Школа ещё не открыта"),
    );
  }
  setProfile(staffId: string, pin?: string) {
    return this.answer(() => {
      const p = this.staff(staffId);
      if (!p) return err<AppState>("not_found", "Нет такого сотрудника в списке школы");
      const has = this.pins.get(staffId);
      if (has !== undefined && !pin) return err<AppState>("locked", "Введите PIN-код этого сотрудника");
      if (has !== undefined && pin !== has) return err<AppState>("locked", "Неверный PIN-код");
      if (has !== undefined) this.unlocked = staffId;
      this.profile = p;
      this.undoStack = [];
      return ok(this.state());
    });
  }

  // ---- the local PIN (zhurnal_service::view::pin) --------------------------------------------

  /** Staff id → PIN, as the store keeps its hash; whose PIN was entered in this session. */
  private pins = new Map<string, string>();
  private unlocked: string | null = null;
  private isLocked(): boolean {
    return !!this.profile && this.pins.has(this.profile.id) && this.unlocked !== this.profile.id;
  }
  unlock(pin: string) {
    return this.answer(() => {
      if (!this.profile) return err<AppState>("no_profile", "Выберите, кто работает за этим компьютером");
      if (this.pins.get(this.profile.id) !== pin.trim()) return err<AppState>("locked", "Неверный PIN-код");
      this.unlocked = this.profile.id;
      return ok(this.state());
    });
  }
  lock() {
    return this.answer(() => {
      if (!this.profile) return err<AppState>("no_profile", "Выберите, кто работает за этим компьютером");
      if (!this.pins.has(this.profile.id)) return err<AppState>("invalid", "Заблокировать можно, когда задан PIN-код: задайте его сначала");
      this.unlocked = null;
      this.undoStack = [];
      return ok(this.state());
    });
  }
  setPin(current: string | null, next: string | null) {
    return this.answer(() => {
      if (!this.profile) return err<AppState>("no_profile", "Выберите, кто работает за этим компьютером");
      const id = this.profile.id;
      if (this.pins.has(id) && this.pins.get(id) !== (current ?? "").trim()) return err<AppState>("locked", "Неверный PIN-код");
      const n = (next ?? "").trim();
      if (n && !/^\d{4,8}$/.test(n)) return err<AppState>("invalid", "PIN-код — от 4 до 8 цифр");
      if (n) this.pins.set(id, n);
      else this.pins.delete(id);
      this.unlocked = id;
      return ok(this.state());
    });
  }

  clearPin(staffId: string) {
    return this.answer(async (): Promise<Result<StaffView[]>> => {
      if (!this.profile?.roles.includes("admin")) return err("no_access", "Снять чужой PIN-код может только администратор");
      this.pins.delete(staffId);
      return this.staffList();
    });
  }

  // ---- the week (zhurnal_service::view::week): the grid's lessons, the mock has no timetable --

  week(date: string | null) {
    return this.answer(async (): Promise<Result<WeekView>> => {
      const all = await this.myJournals();
      if (!all.ok) return all;
      const day = date ?? MOCK_TODAY;
      const monday = addDays(day, -((weekday(day) + 6) % 7));
      const [first, last] = PERIODS.Year;
      const days: WeekDay[] = [0, 1, 2, 3, 4].map((i) => {
        const d = addDays(monday, i);
        return { date: d, weekday: WEEKDAYS[weekday(d)]!, day_off: d < first || d > last ? "Вне учебного года" : null, lessons: [] };
      });
      for (const ref of all.value.filter((j) => j.access === "write")) {
        const j = this.journal(ref.class_id, ref.subject_id)!;
        for (const l of j.lessons) {
          const day = days.find((d) => d.date === l.date);
          if (!day || (ref.subgroup !== null && l.subgroup !== null && l.subgroup !== ref.subgroup)) continue;
          const marks = [...j.cells.entries()].filter(([k, v]) => k.startsWith(`${l.id}/`) && /[1-5]/.test(v)).length;
          day.lessons.push({ date: l.date, number: l.number, journal: ref, period: this.periodOf(l.date, this.cls(ref.class_id)!.grade), lesson: l.id, topic: l.topic, planned: false, attendance_taken: l.att_taken, marks });
        }
      }
      for (const d of days) d.lessons.sort((a, b) => a.number - b.number);
      return ok({
        today: MOCK_TODAY,
        monday,
        previous: addDays(monday, -1) >= first ? addDays(monday, -7) : null,
        next: addDays(monday, 7) <= last ? addDays(monday, 7) : null,
        days,
      });
    });
  }
  openLesson(classId: string, subjectId: string, subgroup: number | null, date: string, number: number) {
    return this.answer(async (): Promise<Result<LessonView>> => {
      const j = this.journal(classId, subjectId);
      const have = j?.lessons.find((l) => l.date === date && l.number === number && l.subgroup === subgroup);
      if (have) return ok(this.lessonView(have));
      return this.addLesson(classId, subjectId, subgroup, date);
    });
  }

  // ---- journals ----------------------------------------------------------------------------

  private access(j: MJournal, subgroup: number | null): Access | null {
    const me = this.profile?.id;
    if (!me) return null;
    const writes = subgroup === null ? Object.values(j.teachers).includes(me) : j.teachers[subgroup] === me;
    if (writes) return "write";
    const c = this.cls(j.classId)!;
    if (c.teacher === me || this.profile!.roles.includes("admin") || this.profile!.roles.includes("deputy")) return "read";
    return null;
  }
  private cls(id: string): MClass | undefined {
    return this.classes.find((c) => c.id === id);
  }
  private journal(classId: string, subjectId: string): MJournal | undefined {
    return this.journals.find((j) => j.classId === classId && j.subjectId === subjectId);
  }

  myJournals() {
    return this.answer(() => {
      if (!this.profile) return err<JournalRef[]>("no_access", "Сначала выберите, кто работает за этим компьютером");
      const out: JournalRef[] = [];
      for (const j of this.journals) {
        const c = this.cls(j.classId)!;
        const groups = j.split ? [1, 2] : [null];
        for (const g of groups) {
          const access = this.access(j, g);
          if (!access) continue;
          const periods: Period[] = c.grade >= 10 ? ["H1", "H2", "Year"] : ["Q1", "Q2", "Q3", "Q4", "Year"];
          out.push({
            class_id: c.id,
            class_name: c.name,
            subject_id: j.subjectId,
            subject_name: j.subject,
            subgroup: g,
            access,
            periods,
            current_period: this.periodOf(MOCK_TODAY, c.grade),
          });
        }
      }
      out.sort((a, b) => (a.access === b.access ? 0 : a.access === "write" ? -1 : 1));
      return ok(out);
    });
  }

  private studentName(s: MStudent): string {
    return `${s.last} ${s.first}`;
  }

  /** «Иванов П. М.», as the Rust side names a student in a sentence. */
  private studentShort(s: MStudent): string {
    return [s.last, ...[s.first, s.middle].filter(Boolean).map((p) => `${p[0]}.`)].join(" ");
  }

  private finalView(j: MJournal, c: MClass, studentId: string, period: Period): FinalView {
    const [from, to] = PERIODS[period];
    const cells: FigureCell[] = [];
    for (const l of j.lessons) {
      if (l.date < from || l.date > to) continue;
      const text = j.cells.get(`${l.id}/${studentId}`);
      if (text) cells.push({ text, work_type: l.work_type });
    }
    void c;
    return { student: studentId, period_mark: j.finals.get(`${period}/${studentId}`) ?? null, ...periodFigures(cells) };
  }

  grid(classId: string, subjectId: string, subgroup: number | null, period: Period) {
    return this.answer((): Result<GridView> => {
      const j = this.journal(classId, subjectId);
      const c = this.cls(classId);
      if (!j || !c) return err("not_found", "Нет такого журнала");
      const access = this.access(j, subgroup);
      if (!access) return err("no_access", `Журнал «${j.subject}» ${c.name} вам недоступен`);
      const [from, to] = PERIODS[period];
      const lessons = j.lessons.filter((l) => l.date >= from && l.date <= to && (subgroup === null || l.subgroup === subgroup));
      const students = c.students.filter((s) => !j.split || subgroup === null || s.subgroups[j.subject] === subgroup);
      const cells: CellView[] = [];
      for (const l of lessons)
        for (const s of students) {
          const text = j.cells.get(`${l.id}/${s.id}`);
          if (text) cells.push(this.cellView(l.id, s.id, text));
        }
      return ok({
        class: c.name,
        subject: j.subject,
        class_id: c.id,
        subject_id: j.subjectId,
        subgroup,
        period,
        period_title: PERIOD_TITLES[period],
        period_start: from,
        period_end: to,
        access,
        students: students.map((s, i) => ({
          id: s.id,
          name: this.studentName(s),
          number: i + 1,
          on_roll: onRoll(s, from) && onRoll(s, to < MOCK_TODAY ? to : MOCK_TODAY),
          arrived: stays(s).pop()?.[0] ?? null,
          left: stays(s).pop()?.[1] ?? null,
        })),
        lessons: lessons.map((l) => this.lessonView(l)),
        cells,
        finals: students.map((s) => this.finalView(j, c, s.id, period)),
      });
    });
  }

  private cellView(lesson: string, student: string, text: string): CellView {
    const p = parseCell(text);
    return {
      lesson,
      student,
      text,
      marks: p.ok ? p.value.marks.join(" ") : "",
      attendance: p.ok ? p.value.attendance : null,
    };
  }
  private lessonView(l: MLesson): LessonView {
    const t = STAFF.find((s) => s.id === l.teacher);
    const j = this.journals.find((x) => x.lessons.includes(l));
    const absent = j ? [...j.cells].filter(([k, v]) => k.startsWith(`${l.id}/`) && /[НБУО]/.test(v)).length : 0;
    return {
      id: l.id,
      date: l.date,
      number: l.number,
      subgroup: l.subgroup,
      topic: l.topic,
      homework: l.homework,
      teacher: t?.name ?? null,
      work_type: l.work_type,
      attendance_taken: l.att_taken || absent > 0,
      absent,
    };
  }
  private periodOf(date: string, grade: number): Period {
    const order: Period[] = grade >= 10 ? ["H1", "H2"] : ["Q1", "Q2", "Q3", "Q4"];
    return order.find((p) => date >= PERIODS[p][0] && date <= PERIODS[p][1]) ?? order[0]!;
  }
  private touch(j: MJournal, c: MClass): void {
    const doc = `2025/journal/${c.id}/${j.subjectId}`;
    const p = this.sync.pending.find((x) => x.doc === doc);
    if (p) p.changes += 1;
    else this.sync.pending.push({ doc, label: `${j.subject}, ${c.name}`, changes: 1 });
    const s = this.syncCopy();
    for (const cb of this.syncListeners) cb(s);
  }

  setCell(classId: string, subjectId: string, lessonId: string, studentId: string, input: string) {
    return this.answer((): Result<CellResult> => {
      this.received.push({ lesson: lessonId, student: studentId, input });
      const failure = this.cellFailures.shift();
      if (failure) return err(failure.code, failure.message);
      const j = this.journal(classId, subjectId);
      const c = this.cls(classId);
      if (!j || !c) return err("not_found", "Нет такого журнала");
      const l = j.lessons.find((x) => x.id === lessonId);
      const s = c.students.find((x) => x.id === studentId);
      if (!l || !s) return err("not_found", "Нет такого урока или ученика");
      if (this.access(j, l.subgroup) !== "write")
        return err("read_only", `Журнал «${j.subject}» ${c.name} открыт только для просмотра: отметки ставит учитель предмета`);
      if (!onRoll(s, l.date)) return err("invalid", `${this.studentName(s)} не в списке класса ${ruDate(l.date)}: отметку поставить нельзя`);
      const p = parseCell(input);
      if (!p.ok) return err("invalid", p.message);
      const key = `${l.id}/${s.id}`;
      const before = j.cells.get(key) ?? "";
      const text = displayCell(p.value);
      const apply = (t: string): CellResult => {
        if (t) j.cells.set(key, t);
        else j.cells.delete(key);
        l.att_taken = true;
        this.touch(j, c);
        const period = this.periodOf(l.date, c.grade);
        return { cell: this.cellView(l.id, s.id, t), final: this.finalView(j, c, s.id, period), period };
      };
      const where = `${this.studentShort(s)}, урок ${ruDate(l.date)}`;
      this.undoStack.push({ journal: `${classId}/${subjectId}`, undo: () => undone(apply(before), where, before) });
      return ok(apply(text));
    });
  }

  setFinal(classId: string, subjectId: string, studentId: string, period: Period, input: string) {
    return this.answer((): Result<CellResult> => {
      const j = this.journal(classId, subjectId);
      const c = this.cls(classId);
      if (!j || !c) return err("not_found", "Нет такого журнала");
      const s = c.students.find((x) => x.id === studentId);
      if (!s) return err("not_found", "Нет такого ученика");
      const group = j.split ? (s.subgroups[j.subject] ?? null) : null;
      if (this.access(j, group) !== "write")
        return err("read_only", `Журнал «${j.subject}» ${c.name} открыт только для просмотра`);
      const p = parseFinal(input);
      if (!p.ok) return err("invalid", p.message);
      const key = `${period}/${s.id}`;
      const before = j.finals.get(key) ?? "";
      const apply = (t: string): CellResult => {
        if (t) j.finals.set(key, t);
        else j.finals.delete(key);
        this.touch(j, c);
        return { cell: null, final: this.finalView(j, c, s.id, period), period };
      };
      const where = `${this.studentShort(s)}, отметка «${PERIOD_TITLES[period]}»`;
      this.undoStack.push({ journal: `${classId}/${subjectId}`, undo: () => undone(apply(before), where, before) });
      return ok(apply(p.value.marks[0] ?? ""));
    });
  }

  addLesson(classId: string, subjectId: string, subgroup: number | null, date: string) {
    return this.answer((): Result<LessonView> => {
      const j = this.journal(classId, subjectId);
      const c = this.cls(classId);
      if (!j || !c) return err("not_found", "Нет такого журнала");
      if (this.access(j, subgroup) !== "write") return err("read_only", "Добавлять уроки может только учитель предмета");
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return err("invalid", "Укажите дату урока");
      const same = j.lessons.filter((l) => l.date === date && l.subgroup === subgroup).length;
      const l: MLesson = {
        id: `${c.id}-${j.subject}-new-${j.lessons.length}`,
        date,
        number: same + 1,
        subgroup,
        topic: "",
        homework: "",
        teacher: this.profile!.id,
        work_type: null,
        att_taken: false,
      };
      j.lessons.push(l);
      j.lessons.sort((a, b) => (a.date + a.number).localeCompare(b.date + b.number));
      this.touch(j, c);
      return ok(this.lessonView(l));
    });
  }

  saveLesson(classId: string, subjectId: string, lessonId: string, edit: { topic: string; homework: string; date: string }) {
    return this.answer((): Result<LessonView> => {
      const j = this.journal(classId, subjectId);
      const c = this.cls(classId);
      const l = j?.lessons.find((x) => x.id === lessonId);
      if (!j || !c || !l) return err("not_found", "Нет такого урока");
      if (this.access(j, l.subgroup) !== "write") return err("read_only", "Тему и задание записывает учитель предмета");
      if (!/^\d{4}-\d{2}-\d{2}$/.test(edit.date)) return err("invalid", "Укажите дату урока");
      Object.assign(l, { topic: edit.topic, homework: edit.homework, date: edit.date });
      this.touch(j, c);
      return ok(this.lessonView(l));
    });
  }

  allPresent(classId: string, subjectId: string, lessonId: string) {
    return this.answer((): Result<LessonView> => {
      const j = this.journal(classId, subjectId);
      const c = this.cls(classId);
      const l = j?.lessons.find((x) => x.id === lessonId);
      if (!j || !c || !l) return err("not_found", "Нет такого урока");
      if (this.access(j, l.subgroup) !== "write") return err("read_only", "Посещаемость отмечает учитель предмета");
      l.att_taken = true;
      this.touch(j, c);
      return ok(this.lessonView(l));
    });
  }
  undo(classId: string, subjectId: string) {
    return this.answer((): Result<Undone | null> => {
      const j = this.journal(classId, subjectId);
      if (!j) return err("not_found", "Нет такого журнала");
      const at = this.undoStack.map((e) => e.journal).lastIndexOf(`${classId}/${subjectId}`);
      if (at < 0) return ok(null);
      const [e] = this.undoStack.splice(at, 1);
      return ok(e!.undo());
    });
  }

  // ---- class teacher -----------------------------------------------------------------------

  private leads(c: MClass): boolean {
    return !!this.profile && (c.teacher === this.profile.id || this.profile.roles.includes("admin"));
  }

  roster(classId: string) {
    return this.answer(() => {
      const c = this.cls(classId);
      if (!c) return err<never>("not_found", "Нет такого класса");
      return ok(this.rosterView(c));
    });
  }
  private rosterView(c: MClass) {
    const students: RosterStudent[] = c.students.map((s, i) => ({
      id: s.id,
      name: `${s.last} ${s.first} ${s.middle}`,
      number: i + 1,
      birth_date: s.birth,
      on_roll: onRoll(s, MOCK_TODAY),
      subgroups: { ...s.subgroups },
      movements: effective(s).map(({ cancelled: _c, corrections: _r, ...m }) => m),
    }));
    const log = c.students
      .flatMap((s) =>
        s.movements.map(({ cancelled, corrections, ...movement }) => ({
          student_id: s.id,
          student: `${s.last} ${s.first} ${s.middle}`,
          movement,
          cancelled,
          corrections: [...corrections],
        })),
      )
      .sort((a, b) => a.movement.date.localeCompare(b.movement.date));
    return { class_id: c.id, class_name: c.name, access: (this.leads(c) ? "write" : "read") as Access, students, log };
  }
  importRoster(classId: string, path: string) {
    return this.answer(() => {
      const c = this.cls(classId);
      if (!c) return err<never>("not_found", "Нет такого класса");
      if (!this.leads(c)) return err<never>("no_access", "Список класса ведёт классный руководитель");
      if (!/\.(csv|xlsx)$/i.test(path)) return err<never>("invalid", "Нужен файл CSV или XLSX со списком класса");
      return ok({ added: 0, updated: c.students.length });
    });
  }
  /** The checks of the real `check_movement`: the school year, and the student's stays. */
  private movementProblem(s: MStudent, m: MovementEdit, without?: string): string | null {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(m.date)) return "Укажите дату";
    if (!m.order.trim()) return "Укажите номер приказа";
    if (m.date < "2025-09-01" || m.date > "2026-08-31")
      return `Дата ${ruDateOf(m.date)} не в этом учебном году: записи о движении — с 01.09.2025 по 31.08.2026`;
    const other = { ...s, movements: s.movements.filter((x) => x.id !== without) };
    const on = onRoll(other, m.date);
    if (m.kind !== "arrival" && !on) return `${s.last} на ${ruDateOf(m.date)} не в списке класса: выбыть в этот день нельзя`;
    if (m.kind === "arrival" && stays(other).some(([a, l]) => a !== null && a <= m.date && (l === null || m.date < l)))
      return `${s.last} уже в списке класса`;
    return null;
  }
  addMovement(classId: string, studentId: string, m: MovementEdit) {
    return this.answer(() => {
      const c = this.cls(classId);
      const s = c?.students.find((x) => x.id === studentId);
      if (!c || !s) return err<never>("not_found", "Нет такого ученика");
      if (!this.leads(c)) return err<never>("read_only", "Движение учащихся ведёт классный руководитель");
      const problem = this.movementProblem(s, m);
      if (problem) return err<never>("invalid", problem);
      s.movements.push({ id: `mv-${++this.seq}`, ...movementView(m), cancelled: null, corrections: [] });
      return ok(this.rosterView(c));
    });
  }
  correctMovement(classId: string, movementId: string, m: MovementEdit) {
    return this.answer(() => {
      const c = this.cls(classId);
      if (!c) return err<never>("not_found", "Нет такого класса");
      if (!this.leads(c)) return err<never>("read_only", "Движение учащихся ведёт классный руководитель");
      const s = c.students.find((x) => x.movements.some((y) => y.id === movementId && !y.cancelled));
      const e = s?.movements.find((y) => y.id === movementId);
      if (!s || !e) return err<never>("not_found", "Такой записи о движении нет: её отменили или она из другого класса");
      const problem = this.movementProblem(s, m, movementId);
      if (problem) return err<never>("invalid", problem);
      e.corrections.push(`было: ${e.title} ${ruDateOf(e.date)}, приказ № ${e.order} (исправил(а) Кузнецова А. В. 11.03.2026)`);
      Object.assign(e, movementView(m));
      return ok(this.rosterView(c));
    });
  }
  cancelMovement(classId: string, movementId: string) {
    return this.answer(() => {
      const c = this.cls(classId);
      if (!c) return err<never>("not_found", "Нет такого класса");
      if (!this.leads(c)) return err<never>("read_only", "Движение учащихся ведёт классный руководитель");
      const e = c.students.flatMap((x) => x.movements).find((y) => y.id === movementId);
      if (!e) return err<never>("not_found", "Такой записи о движении нет");
      e.cancelled ??= "отменена 11.03.2026, Кузнецова А. В.";
      return ok(this.rosterView(c));
    });
  }
  personal(classId: string) {
    return this.answer(() => {
      const c = this.cls(classId);
      if (!c) return err<never>("not_found", "Нет такого класса");
      if (!this.leads(c)) return err<never>("no_access", "Личные данные учеников видят только классный руководитель и администратор");
      const students: PersonalRow[] = c.students.map((s) => ({
        student: s.id,
        name: `${s.last} ${s.first} ${s.middle}`,
        address: s.address,
        phone: s.phone,
        parents: [{ name: s.parent, relation: "мать", workplace: "ООО «Берёзка»", phone: s.phone }],
        consent: s.consent,
      }));
      return ok({ class_id: c.id, students });
    });
  }
  monitoring(classId: string, n: number) {
    return this.answer(() => {
      const c = this.cls(classId);
      if (!c) return err<never>("not_found", "Нет такого класса");
      const out: Finding[] = [];
      const weekStart = addDays(MOCK_TODAY, -((weekday(MOCK_TODAY) + 6) % 7));
      for (const j of this.journals.filter((x) => x.classId === classId)) {
        const past = j.lessons.filter((l) => l.date <= MOCK_TODAY);
        for (const s of c.students) {
          if (!onRoll(s, MOCK_TODAY)) continue;
          const own = past.filter((l) => (!j.split || l.subgroup === s.subgroups[j.subject]) && onRoll(s, l.date));
          const tail = own.slice(-n);
          if (tail.length >= n && tail.every((l) => !/[1-5]|зач|осв|н\/а/.test(j.cells.get(`${l.id}/${s.id}`) ?? "")))
            out.push({ kind: "no_marks", subject: j.subject, student: `${s.last} ${s.first}`, date: null, text: `нет отметок за последние ${n} уроков` });
          for (const l of past.filter((x) => x.date >= weekStart))
            if ((j.cells.get(`${l.id}/${s.id}`) ?? "").startsWith("Н"))
              out.push({ kind: "absence_to_confirm", subject: j.subject, student: `${s.last} ${s.first}`, date: l.date, text: "пропуск «Н»: уточнить причину" });
        }
        for (const l of past) {
          if (!l.topic.trim()) out.push({ kind: "no_topic", subject: j.subject, student: null, date: l.date, text: "не записана тема урока" });
          if (!l.att_taken) out.push({ kind: "no_attendance", subject: j.subject, student: null, date: l.date, text: "не отмечена посещаемость" });
        }
      }
      return ok(out);
    });
  }

  // ---- reports -----------------------------------------------------------------------------

  async makeReport(req: ReportRequest) {
    const c = this.cls(req.class_id);
    if (!c) return err<never>("not_found", "Нет такого класса");
    const total = req.kind === "year-journal" ? 12 : 5;
    for (let done = 1; done <= total; done++) {
      await delay(this.latencyMs > 0 ? 60 : 0);
      for (const cb of this.reportListeners) cb({ done, total });
    }
    return this.answer(() => {
      const name = `${req.kind}-${c.name}${req.period ? "-" + req.period : ""}${req.month ? "-" + req.month : ""}.pdf`;
      const path = `/home/uchitel/.local/share/zhurnal/pdf/${name}`;
      const pages = req.kind === "year-journal" ? (req.two_sided ? 96 : 96) : 14;
      const pdf = tinyPdf(`Zhurnal (mock): ${req.kind} ${req.period ?? ""} ${req.two_sided ? "two-sided" : ""}`);
      if (typeof URL !== "undefined" && "createObjectURL" in URL)
        this.blobs.set(path, URL.createObjectURL(new Blob([pdf], { type: "application/pdf" })));
      this.files.add(path);
      return ok({ path, pages, bytes: pdf.length * 900, suggested: `/home/uchitel/Документы/${name}` });
    });
  }
  /** The mock's file system: what exists, for «Сохранить» (the real rules of `save_report`). */
  readonly files = new Set<string>();
  saveReport(path: string, dest: string, overwrite = false) {
    return this.answer((): Result<null> => {
      const d = dest.trim();
      if (!d) return err("invalid", "Укажите, куда сохранить документ");
      if (d === path) return err("invalid", `Документ уже лежит в «${d}»: выберите другую папку или другое имя`);
      if (this.files.has(d) && !overwrite) return err("exists", `Файл «${d}» уже есть. Заменить его этим документом?`);
      this.files.add(d);
      this.saved.push(d);
      return ok(null);
    });
  }
  /** Every place a document was saved to. */
  readonly saved: string[] = [];
  /** Every print: the document and its pages. */
  readonly printed: Array<{ path: string; pages: string }> = [];
  printReport(path: string, pages?: string) {
    return this.answer(() => {
      const p = (pages ?? "").trim();
      if (p && !/^\d+(\s*[-–]\s*\d+)?(\s*,\s*\d+(\s*[-–]\s*\d+)?)*$/.test(p))
        return err<null>("invalid", `Страницы для печати — номера через запятую или диапазоны через дефис: «3», «1-4, 7», а не «${p}»`);
      this.printed.push({ path, pages: p });
      return ok(null);
    });
  }
  openReport(_path: string) {
    return this.answer(() => ok(null));
  }

  // ---- sync --------------------------------------------------------------------------------

  syncStatus() {
    return this.answer(() => ok(this.syncCopy()));
  }
  login(server: string, login: string, password: string) {
    return this.answer(() => {
      if (!/^https?:\/\/\S+$/.test(server.trim())) return err<AppState>("invalid", "Адрес сервера начинается с http:// или https://");
      if (!login.trim() || !password) return err<AppState>("invalid", "Введите логин и пароль, выданные администратором");
      if (password === "wrong") return err<AppState>("sync", "Неверный логин или пароль");
      if (this.hasSchool && !this.sync.configured) {
        // The demo stays in its file; the server's school comes into a new one (as the shell).
        this.schoolFiles.push({ path: this.openFile, server: null, hasSchool: true });
        this.openFile = "/home/uchitel/.local/share/zhurnal/school-server.sqlite3";
        this.hasSchool = false;
        this.profile = null;
      }
      this.sync.configured = true;
      this.sync.online = true;
      this.sync.server = server.trim().replace(/\/+$/, "");
      // The account is a staff member: `kuznetsova` is «Кузнецова Анна Викторовна».
      const who = STAFF.find((x) => x.id === `staff-${login.trim()}`) ?? STAFF[1]!;
      this.enrolled = who.id;
      this.sync.user = who.name;
      return ok(this.state());
    });
  }
  changePassword(old: string, next: string) {
    return this.answer(() => {
      if (!this.sync.configured) return err<null>("sync", "Это устройство ещё не подключено к серверу школы");
      if (old === "wrong") return err<null>("sync", "сервер отказал: неверный текущий пароль");
      if ([...next].length < 8) return err<null>("sync", "сервер отказал: пароль должен быть не короче 8 символов");
      return ok(null);
    });
  }
  logout() {
    return this.answer(() => {
      this.sync.configured = false;
      this.sync.online = false;
      this.sync.server = null;
      this.sync.user = null;
      return ok(this.state());
    });
  }
  /** The sticks the mock has «inserted» (tests set it). */
  drives: string[] = ["/media/uchitel/KINGSTON"];
  removableDrives() {
    return this.answer(() => ok([...this.drives]));
  }
  schools() {
    return this.answer((): Result<SchoolFile[]> => {
      const open: SchoolFile = {
        path: this.openFile,
        title: this.hasSchool ? "Берёзовская СОШ, 2025/26" : this.sync.configured ? "Школа с сервера (ещё не получена)" : "Пустой файл",
        server: this.sync.configured ? this.sync.server : null,
        has_school: this.hasSchool,
        current: true,
      };
      const others = this.schoolFiles.map((f) => ({ path: f.path, title: f.hasSchool ? "Берёзовская СОШ, 2025/26" : "Пустой файл", server: f.server, has_school: f.hasSchool, current: false }));
      return ok([open, ...others]);
    });
  }
  newSchoolFile() {
    return this.answer((): Result<AppState> => {
      // The file that did not open stays where it is, unlisted (it holds no school we can read).
      let n = 1;
      const name = () => `/home/uchitel/.local/share/zhurnal/school-new${n > 1 ? `-${n}` : ""}.sqlite3`;
      while (this.schoolFiles.some((f) => f.path === name()) || this.openFile === name()) n++;
      this.openFile = name();
      this.hasSchool = false;
      this.profile = null;
      this.sync.configured = false;
      this.sync.server = null;
      return ok(this.state());
    });
  }
  openSchool(path: string) {
    return this.answer((): Result<AppState> => {
      const i = this.schoolFiles.findIndex((f) => f.path === path);
      if (path === this.openFile) return ok(this.state());
      if (i < 0) return err("not_found", `«${path}» — не файл школы этого компьютера`);
      const next = this.schoolFiles.splice(i, 1)[0]!;
      this.schoolFiles.push({ path: this.openFile, server: this.sync.configured ? this.sync.server : null, hasSchool: this.hasSchool });
      this.openFile = next.path;
      this.hasSchool = next.hasSchool;
      this.sync.configured = next.server !== null;
      this.sync.server = next.server;
      if (this.hasSchool) this.build();
      return ok(this.state());
    });
  }
  syncNow() {
    return this.answer(() => {
      if (!this.sync.configured) return err<SyncStatus>("offline", "Сервер школы не настроен: войдите или перенесите изменения на флешке");
      if (!this.hasSchool) {
        // The first sync brings the school; the enrolled user is at work.
        this.hasSchool = true;
        this.build();
        const who = STAFF.find((x) => x.id === this.enrolled) ?? STAFF[1]!;
        this.profile = { id: who.id, name: who.name, roles: [...who.roles], pin: false };
      }
      this.sync.pending = [];
      this.sync.last_sync = new Date().toISOString();
      const s = this.syncCopy();
      for (const cb of this.syncListeners) cb(s);
      return ok(s);
    });
  }
  conflicts() {
    return this.answer(() => ok(this.conflictList.map((c) => ({ ...c, values: c.values.map((v) => ({ ...v })) }))));
  }
  resolveConflict(doc: string, lesson: string, student: string, chosen: string) {
    return this.answer(() => {
      const i = this.conflictList.findIndex((c) => c.doc === doc && c.lesson === lesson && c.student === student);
      if (i < 0) return err<null>("not_found", "Этот конфликт уже решён");
      const j = this.journals.find((x) => doc.endsWith(`/${x.classId}/${x.subjectId}`));
      if (j) j.cells.set(`${lesson}/${student}`, chosen);
      this.conflictList.splice(i, 1);
      this.sync.conflicts = this.conflictList.length;
      return ok(null);
    });
  }
  bundleExport(path: string) {
    return this.answer(() => {
      if (!path.trim()) return err<never>("invalid", "Укажите файл на флешке");
      if (!this.sync.configured) return err<never>("sync", "это устройство ещё не подключено к серверу школы: войдите, чтобы подписывать пакеты");
      return ok({
        documents: this.sync.pending.length,
        changes: this.sync.pending.reduce((a, p) => a + p.changes, 0),
        public_key: "5a".repeat(32),
      });
    });
  }
  bundleImport(path: string, publicKey: string) {
    return this.answer(() => {
      if (!path.trim()) return err<never>("invalid", "Укажите файл с флешки");
      if (!/^[0-9a-f]{64}$/i.test(publicKey.trim())) return err<never>("sync", "пакет не принят: ключ устройства — 64 шестнадцатеричные цифры");
      return ok({ documents: 2, changes: 17, public_key: null });
    });
  }

  async onReportProgress(cb: (p: ReportProgress) => void) {
    this.reportListeners.add(cb);
    return () => void this.reportListeners.delete(cb);
  }
  async onSyncStatus(cb: (s: SyncStatus) => void) {
    this.syncListeners.add(cb);
    return () => void this.syncListeners.delete(cb);
  }
  async onSyncProgress(_cb: (p: SyncProgress) => void) {
    return () => {};
  }
  private closeListeners = new Set<() => void>();
  /** Whether the window closed (tests), and how often it heard the request. */
  closed = false;
  closeAcks = 0;
  async onCloseRequested(cb: () => void) {
    this.closeListeners.add(cb);
    return () => void this.closeListeners.delete(cb);
  }
  /** The window's close button, as the shell reports it (tests). */
  requestClose(): void {
    for (const cb of this.closeListeners) cb();
  }
  async closeSeen() {
    this.closeAcks++;
    return ok(null);
  }
  async closeWindow() {
    this.closed = true;
    return ok(null);
  }
  fileUrl(path: string): string {
    return this.blobs.get(path) ?? "about:blank";
  }
  async pickFile(_mode: "open" | "save", _filters: unknown, defaultPath?: string) {
    return defaultPath ?? null;
  }
}
