// The mock backend's school (ui/src/mock.ts): its people, classes and journals, generated from a
// seed, with the rules the period column follows and the helpers the backend shares.

import { parseCell } from "../cell";
import type { CellResult, ConflictView, MovementEdit, MovementView, Period, StaffView, Undone } from "../types";

export interface MockOptions {
  /** Whether the school exists already (false shows the first-start screen). */
  hasSchool?: boolean;
  /** Staff id of the profile chosen already. */
  profile?: string | null;
  /** Delay of every command, to see the pending state in development. */
  latencyMs?: number;
  /** Students of 7Б (the task's case is 32) and lessons of its Russian in Q1 (60). */
  students?: number;
  lessons?: number;
}

/** A movement entry with what the real store keeps beside it. */
export interface MMovement extends MovementView {
  cancelled: string | null;
  corrections: string[];
}

export interface MStudent {
  id: string;
  last: string;
  first: string;
  middle: string;
  birth: string;
  /** Every entry, cancelled ones too. */
  movements: MMovement[];
  subgroups: Record<string, number>;
  address: string;
  phone: string;
  parent: string;
  consent: boolean | null;
}
export interface MLesson {
  id: string;
  date: string;
  number: number;
  subgroup: number | null;
  topic: string;
  homework: string;
  teacher: string;
  work_type: string | null;
  att_taken: boolean;
}
export interface MJournal {
  classId: string;
  subjectId: string;
  subject: string;
  teachers: Record<number, string>; // subgroup (0 = whole class) → staff id
  split: boolean;
  lessons: MLesson[];
  cells: Map<string, string>; // `${lesson}/${student}` → text
  finals: Map<string, string>; // `${period}/${student}` → mark
}
export interface MClass {
  id: string;
  name: string;
  grade: number;
  teacher: string;
  students: MStudent[];
}

export const STAFF: StaffView[] = [
  { id: "staff-kuznetsova", name: "Кузнецова Анна Викторовна", roles: ["subject_teacher", "class_teacher"], description: "учитель: Русский язык, Литература; классный руководитель 7Б", pin: false },
  { id: "staff-smirnova", name: "Смирнова Ольга Петровна", roles: ["subject_teacher"], description: "учитель: Алгебра, Геометрия", pin: false },
  { id: "staff-volkova", name: "Волкова Марина Сергеевна", roles: ["subject_teacher"], description: "учитель: Английский язык (1 группа)", pin: false },
  { id: "staff-orlov", name: "Орлов Дмитрий Андреевич", roles: ["subject_teacher"], description: "учитель: Английский язык (2 группа)", pin: false },
  { id: "staff-sokolov", name: "Соколов Игорь Николаевич", roles: ["subject_teacher", "class_teacher"], description: "учитель: История; классный руководитель 10А", pin: false },
  { id: "staff-petrova", name: "Петрова Галина Ивановна", roles: ["admin", "deputy"], description: "администратор, заместитель директора по УВР", pin: false },
];
export const WEEKDAYS = ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"];

export const LAST = [
  "Антонов", "Белова", "Васильев", "Гаврилова", "Голубев", "Данилова", "Егоров", "Жукова", "Зайцев", "Иванова",
  "Калинин", "Козлова", "Лебедев", "Макарова", "Медведев", "Никитина", "Новиков", "Орлова", "Павлов", "Романова",
  "Семёнов", "Соловьёва", "Тарасов", "Фёдорова", "Филиппов", "Фролова", "Харитонов", "Цветкова", "Чернов", "Шарова",
  "Щукин", "Яковлева", "Абрамов", "Борисова", "Виноградов", "Громова",
];
export const FIRST_M = ["Георгий", "Иван", "Максим", "Артём", "Кирилл", "Матвей", "Тимофей", "Никита", "Лев", "Михаил"];
export const FIRST_F = ["Анна", "Мария", "София", "Варвара", "Алиса", "Полина", "Дарья", "Ксения", "Вера", "Ева"];
export const MIDDLE_M = ["Андреевич", "Сергеевич", "Петрович", "Ильич", "Олегович"];
export const MIDDLE_F = ["Андреевна", "Сергеевна", "Петровна", "Ильинична", "Олеговна"];
export const TOPICS = [
  "Повторение изученного в 6 классе",
  "Причастие как часть речи",
  "Причастный оборот. Запятые при причастном обороте",
  "Действительные и страдательные причастия",
  "Краткие и полные страдательные причастия",
  "Контрольный диктант по теме «Причастие»",
  "Анализ контрольного диктанта",
  "Деепричастие как часть речи",
  "Деепричастный оборот",
  "Правописание НЕ с деепричастиями",
];
export const PERIODS: Record<Period, [string, string]> = {
  Q1: ["2025-09-01", "2025-10-24"],
  Q2: ["2025-11-05", "2025-12-26"],
  Q3: ["2026-01-12", "2026-03-20"],
  Q4: ["2026-03-30", "2026-05-26"],
  H1: ["2025-09-01", "2025-12-26"],
  H2: ["2026-01-12", "2026-05-26"],
  Year: ["2025-09-01", "2026-05-26"],
};
/** The mock's "today": lessons after it have no marks yet. */
export const MOCK_TODAY = "2025-10-15";

/** The demo school's rules of the period column (`SchoolSettings::default()` on the Rust side;
 * ui/tests/mock-rust.test.ts checks both against the recorded answers). */
export const SETTINGS = {
  /** Fewer marks than this suggests н/а. */
  min_marks: 3,
  /** The least average that rounds to 3, 4 and 5. */
  rounding: [2.5, 3.5, 4.5] as [number, number, number],
  /** A mark's weight by its work type; any other, and none, weighs 1. */
  weights: { дз: 1, кр: 2, лр: 1, пр: 1 } as Record<string, number>,
};

/** One cell of a period column as the figures need it. */
export interface FigureCell {
  text: string;
  work_type: string | null;
}

/** A student's period figures from his cells, as `zhurnal_domain::stats::suggest_period_mark`
 * computes them: the average of the grades weighted by their work type (two decimals), how many
 * grades, and the mark the school's rounding suggests — н/а with fewer than `min_marks` grades,
 * осв for an exempt student with too few. */
export function periodFigures(
  cells: FigureCell[],
  settings = SETTINGS,
): { average: number | null; count: number; suggested: string } {
  let sum = 0;
  let weights = 0;
  let count = 0;
  let exempt = false;
  for (const cell of cells) {
    const p = parseCell(cell.text);
    if (!p.ok) continue;
    const w = (cell.work_type !== null ? settings.weights[cell.work_type] : undefined) ?? 1;
    for (const m of p.value.marks) {
      if (m === "осв") exempt = true;
      if (/^[1-5]$/.test(m)) {
        sum += Number(m) * w;
        weights += w;
        count += 1;
      }
    }
  }
  const mean = weights > 0 ? sum / weights : null;
  let suggested = exempt ? "осв" : "н/а";
  if (mean !== null && count >= settings.min_marks) {
    // As Rust: an epsilon keeps 4.6 from becoming 4.599999 and losing a mark.
    const a = mean + 1e-9;
    let grade = 2;
    settings.rounding.forEach((t, i) => {
      if (a >= t) grade = i + 3;
    });
    suggested = String(grade);
  }
  return { average: mean === null ? null : Math.round(mean * 100) / 100, count, suggested };
}

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function addDays(iso: string, n: number): string {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
export function weekday(iso: string): number {
  return new Date(iso + "T00:00:00Z").getUTCDay(); // 0 = Sunday
}
/** The undo's answer, worded as the Rust side words it. */
export function undone(result: CellResult, where: string, text: string): Undone {
  return { result, what: `Отменено: ${where} — ${text ? `снова «${text}»` : "снова пусто"}` };
}

export function ruDate(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

/** The mock's school: two classes, their journals with a quarter of marks, and one conflict. */
export function buildSchool(opts: MockOptions): { classes: MClass[]; journals: MJournal[]; conflicts: ConflictView[] } {
  const n = opts.students ?? 32;
  const nLessons = opts.lessons ?? 60;
  const r = rng(7);
  const mkStudents = (prefix: string, count: number, offset: number): MStudent[] => {
    const list: MStudent[] = [];
    for (let i = 0; i < count; i++) {
      const last = LAST[(i + offset) % LAST.length]!;
      const female = /а$|ая$/.test(last);
      const first = (female ? FIRST_F : FIRST_M)[(i * 7 + offset) % 10]!;
      const middle = (female ? MIDDLE_F : MIDDLE_M)[(i * 3 + offset) % 5]!;
      list.push({
        id: `${prefix}-st-${String(i + 1).padStart(2, "0")}`,
        last,
        first,
        middle,
        birth: `2012-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 27) + 1).padStart(2, "0")}`,
        movements: [],
        subgroups: {},
        address: `с. Берёзовка, ул. Школьная, д. ${i + 3}`,
        phone: `+7 912 ${String(100 + i * 13).padStart(3, "0")}-${String(10 + i).padStart(2, "0")}-${String(40 + i).padStart(2, "0")}`,
        parent: `${last.replace(/а$/, "")}${female ? "а" : "а"} ${FIRST_F[(i + 3) % 10]} ${MIDDLE_F[i % 5]}`,
        consent: i % 9 === 4 ? null : i % 13 === 7 ? false : true,
      });
    }
    list.sort((a, b) => (a.last + a.first).localeCompare(b.last + b.first, "ru"));
    return list;
  };
  const c7 = { id: "class-7b", name: "7Б", grade: 7, teacher: "staff-kuznetsova", students: mkStudents("7b", n, 0) };
  const c10 = { id: "class-10a", name: "10А", grade: 10, teacher: "staff-sokolov", students: mkStudents("10a", 24, 11) };
  c7.students.forEach((s, i) => (s.subgroups["Английский язык"] = i % 2 === 0 ? 1 : 2));
  const leaver = c7.students[n - 3];
  if (leaver) leaver.movements.push({ id: "mv-leaver", kind: "transfer", title: "переведён", date: "2025-10-06", order: "112-у", place: "7А", cancelled: null, corrections: [] });
  const arrival = c7.students[5];
  if (arrival) arrival.movements.push({ id: "mv-arrival", kind: "arrival", title: "прибыл", date: "2025-09-15", order: "98-у", place: "МБОУ СОШ № 2 г. Кирова", cancelled: null, corrections: [] });
  const classes = [c7, c10];

  const ability = new Map<string, number>();
  for (const c of classes) for (const s of c.students) ability.set(s.id, 2.6 + r() * 2.4);

  const mkJournal = (
    c: MClass,
    subject: string,
    teachers: Record<number, string>,
    days: number[],
    cap: number,
    split = false,
  ): MJournal => {
    const j: MJournal = {
      classId: c.id,
      subjectId: `subj-${subject}`,
      subject,
      teachers,
      split,
      lessons: [],
      cells: new Map(),
      finals: new Map(),
    };
    const groups = split ? [1, 2] : [0];
    for (const g of groups) {
      let count = 0;
      for (let d = PERIODS.Q1[0]; d <= PERIODS.Q2[1] && count < cap * 2; d = addDays(d, 1)) {
        const wd = weekday(d);
        if (wd === 0 || wd === 6 || (d > PERIODS.Q1[1] && d < PERIODS.Q2[0])) continue;
        const per = days[wd - 1] ?? 0;
        for (let k = 0; k < per && count < cap * 2; k++) {
          if (d <= PERIODS.Q1[1] && j.lessons.filter((l) => l.date <= PERIODS.Q1[1] && l.subgroup === (split ? g : null)).length >= cap) break;
          count++;
          const idx = j.lessons.length;
          const past = d <= MOCK_TODAY;
          j.lessons.push({
            id: `${c.id}-${subject}-${g}-l${idx}`,
            date: d,
            number: k + 2,
            subgroup: split ? g : null,
            topic: past && idx % 23 !== 17 ? TOPICS[idx % TOPICS.length]! : "",
            homework: past ? `§ ${Math.floor(idx / 2) + 1}, упр. ${100 + idx * 3}` : "",
            teacher: teachers[g] ?? teachers[0]!,
            work_type: idx % 10 === 5 ? "кр" : null,
            att_taken: past && idx % 29 !== 13,
          });
        }
      }
    }
    j.lessons.sort((a, b) => (a.date + a.number).localeCompare(b.date + b.number));
    for (const l of j.lessons) {
      if (l.date > MOCK_TODAY) continue;
      for (const s of c.students) {
        if (split && s.subgroups[subject] !== l.subgroup) continue;
        if (!onRoll(s, l.date)) continue;
        const x = r();
        let text = "";
        if (x < 0.035) text = "Н";
        else if (x < 0.06) text = "Б";
        else if (x < 0.07) text = "У";
        else if (x < 0.38 || l.work_type) {
          const a = ability.get(s.id)! + (r() - 0.5) * 1.6;
          text = String(Math.max(2, Math.min(5, Math.round(a))));
          if (x < 0.08) text = "О " + text;
        }
        if (text) j.cells.set(`${l.id}/${s.id}`, text);
      }
    }
    return j;
  };
  const q = [2, 2, 1, 2, 1]; // Russian: eight lessons a week
  const journals = [
    mkJournal(c7, "Русский язык", { 0: "staff-kuznetsova" }, q, nLessons),
    mkJournal(c7, "Литература", { 0: "staff-kuznetsova" }, [0, 1, 0, 1, 0], 99),
    mkJournal(c7, "Алгебра", { 0: "staff-smirnova" }, [1, 0, 1, 0, 1], 99),
    mkJournal(c7, "Геометрия", { 0: "staff-smirnova" }, [0, 1, 0, 1, 0], 99),
    mkJournal(c7, "Английский язык", { 1: "staff-volkova", 2: "staff-orlov" }, [1, 0, 1, 0, 1], 99, true),
    mkJournal(c7, "История", { 0: "staff-sokolov" }, [0, 0, 1, 0, 1], 99),
    mkJournal(c10, "Алгебра", { 0: "staff-smirnova" }, [1, 1, 0, 1, 0], 99),
    mkJournal(c10, "История", { 0: "staff-sokolov" }, [1, 0, 0, 1, 0], 99),
  ];
  const alg = journals[2]!;
  const l = alg.lessons[3]!;
  const s = c7.students[4]!;
  const conflicts: ConflictView[] = [
    {
      doc: `2025/journal/${c7.id}/${alg.subjectId}`,
      lesson: l.id,
      student: s.id,
      label: `${alg.subject}, ${c7.name} · ${ruDate(l.date)} · ${s.last} ${s.first}`,
      values: [
        { text: "4", author: "Смирнова Ольга Петровна", shown: true },
        { text: "5", author: "Петрова Галина Ивановна", shown: false },
      ],
    },
  ];
  alg.cells.set(`${l.id}/${s.id}`, "4");
  return { classes, journals, conflicts };
}

export function effective(s: MStudent): MMovement[] {
  return s.movements.filter((m) => !m.cancelled);
}

/** The spans `[from, until)` the student is on the list, as `Student::stays` in Rust. */
export function stays(s: MStudent): Array<[string | null, string | null]> {
  const events = [...effective(s)].sort((a, b) => a.date.localeCompare(b.date) || Number(a.kind === "arrival") - Number(b.kind === "arrival"));
  const out: Array<[string | null, string | null]> = [];
  let open: string | null | undefined = events[0]?.kind === "arrival" ? undefined : null;
  for (const m of events) {
    if (m.kind === "arrival") {
      if (open === undefined) open = m.date;
    } else if (open !== undefined) {
      out.push([open, m.date]);
      open = undefined;
    }
  }
  if (open !== undefined) out.push([open, null]);
  return out;
}

export function onRoll(s: MStudent, date: string): boolean {
  return stays(s).some(([a, l]) => (a === null || a <= date) && (l === null || date < l));
}

export function ruDateOf(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

export function movementView(m: MovementEdit): Omit<MovementView, "id"> {
  const title = m.kind === "arrival" ? "прибыл" : m.kind === "departure" ? "выбыл" : "переведён";
  return { kind: m.kind, title, date: m.date, order: m.order.trim(), place: (m.kind === "arrival" ? m.from : m.to).trim() };
}

/** A one-page PDF with a line of ASCII text: the mock's report, so the preview shows a page. */
export function tinyPdf(text: string): string {
  const safe = text.replace(/[^\x20-\x7e]/g, "?").replace(/[()\\]/g, "");
  const content = `BT /F1 18 Tf 60 760 Td (${safe}) Tj ET`;
  const objs = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}
