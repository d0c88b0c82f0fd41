// Russian words for numbers and dates, as people write them.

/** `plural(3, ["отметка", "отметки", "отметок"])` → "отметки". */
export function plural(n: number, forms: [string, string, string]): string {
  const a = Math.abs(n) % 100;
  const b = a % 10;
  if (a > 10 && a < 20) return forms[2];
  if (b > 1 && b < 5) return forms[1];
  if (b === 1) return forms[0];
  return forms[2];
}

export const count = (n: number, forms: [string, string, string]) => `${n} ${plural(n, forms)}`;

/** `2025-09-03` → `03.09.2025`. */
export function ruDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${d}.${m}.${y}`;
}

/** An RFC 3339 time as the teacher reads it: "сегодня в 10:42" or "03.09.2025 в 10:42". */
export function ruTime(iso: string, now = new Date()): string {
  const t = new Date(iso);
  const hm = `${String(t.getHours()).padStart(2, "0")}:${String(t.getMinutes()).padStart(2, "0")}`;
  const same = t.toDateString() === now.toDateString();
  return same ? `сегодня в ${hm}` : `${ruDate(t.toISOString())} в ${hm}`;
}

export const PERIOD_TITLES: Record<string, string> = {
  Q1: "1 четверть",
  Q2: "2 четверть",
  Q3: "3 четверть",
  Q4: "4 четверть",
  H1: "1 полугодие",
  H2: "2 полугодие",
  Year: "Год",
};

/** Grades 2–9 are marked by quarter, 10–11 by half-year (DOMAIN.md). */
export function periodsOf(className: string): Array<"Q1" | "Q2" | "Q3" | "Q4" | "H1" | "H2"> {
  const grade = parseInt(className, 10);
  return grade >= 10 ? ["H1", "H2"] : ["Q1", "Q2", "Q3", "Q4"];
}

export const ROLE_TITLES: Record<string, string> = {
  admin: "администратор",
  deputy: "завуч",
  subject_teacher: "учитель",
  class_teacher: "классный руководитель",
  student: "ученик",
  parent: "родитель",
};
