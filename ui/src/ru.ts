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
  return same ? `сегодня в ${hm}` : `${ruDate(localToday(t))} в ${hm}`;
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

/** The local calendar date as ISO (`2026-03-11`): what "today" is for the teacher. Not
 * `toISOString()`, which is the UTC date — yesterday on a Russian morning. */
export function localToday(d = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The first calendar year of the school year `year` ("2025/2026" → 2025), or of the school year
 * `today` is in (September starts it). */
export function schoolYearStart(year: string | null | undefined, today = new Date()): number {
  const y = year ? parseInt(year, 10) : NaN;
  if (!Number.isNaN(y)) return y;
  return today.getMonth() >= 8 ? today.getFullYear() : today.getFullYear() - 1;
}

/**
 * A date as a Russian teacher types it — `03.09.2025`, `3.9.2025`, `03.09.25`, or only `03.09`
 * (then the year is the school year's: September–December its first year, January–August its
 * second) — or ISO (`2025-09-03`); `.`, `/` and `,` (the number pad's) separate. Returns ISO, or
 * null when it is not a real date. A prefix of a longer date may parse (`26.05.20` on the way to
 * `26.05.2026` is 26 May 2020): DateField never rewrites the text being typed.
 */
export function parseRuDate(text: string, year?: string | null, today = new Date()): string | null {
  const t = text.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})[./,](\d{1,2})(?:[./,](\d{2}|\d{4}))?[./,]?$/.exec(t);
    if (!match) return null;
    [d, m] = [Number(match[1]), Number(match[2])];
    if (match[3] === undefined) {
      const first = schoolYearStart(year, today);
      y = m >= 9 ? first : first + 1;
    } else {
      y = Number(match[3]);
      if (match[3].length === 2) y += 2000;
    }
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

const MONTH_NAMES = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"];

/** The months of a school year, September to May: `[{value: "2025-09", title: "сентябрь 2025"}, …]`. */
export function schoolMonths(year: string | null, today = new Date()): Array<{ value: string; title: string }> {
  const first = year ? parseInt(year, 10) : today.getMonth() >= 8 ? today.getFullYear() : today.getFullYear() - 1;
  const out = [];
  for (let i = 0; i < 9; i++) {
    const m = (8 + i) % 12;
    const y = first + (8 + i >= 12 ? 1 : 0);
    out.push({ value: `${y}-${String(m + 1).padStart(2, "0")}`, title: `${MONTH_NAMES[m]} ${y}` });
  }
  return out;
}

/** A message as a sentence: its first letter a capital (as `AppError::new` does in Rust). */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
