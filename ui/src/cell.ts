// The grammar of what a teacher types into one journal cell, mirrored from the Rust side
// (`zhurnal_domain::entry::CellInput::parse`) so the grid can answer on the keystroke. The Rust
// parser stays the authority: the shell parses again and its answer is what is stored.

/** One mark's value: a grade or one of the special entries. */
export type MarkValue = "1" | "2" | "3" | "4" | "5" | "н/а" | "зач" | "незач" | "осв";

/** Attendance codes of seed 002 §5.2.2: absent, ill, excused, late. */
export type AttendanceCode = "Н" | "Б" | "У" | "О";

export interface CellInput {
  marks: MarkValue[];
  attendance: AttendanceCode | null;
}

export type EntryError =
  | { kind: "unknown"; word: string }
  | { kind: "two_attendance_codes" }
  | { kind: "mark_while_absent"; code: AttendanceCode }
  | { kind: "too_many"; max: number };

export type Parsed = { ok: true; value: CellInput } | { ok: false; error: EntryError; message: string };

/** At most this many marks in one cell (`Marks::MAX`). */
export const MAX_MARKS = 4;

// Longer words first, exactly as in the Rust list: `незач` must win over `зач`.
const WORDS: ReadonlyArray<[string, MarkValue]> = [
  ["незачёт", "незач"],
  ["незачет", "незач"],
  ["незач", "незач"],
  ["зачёт", "зач"],
  ["зачет", "зач"],
  ["зач", "зач"],
  ["осв", "осв"],
  ["н/а", "н/а"],
];

const ATTENDANCE: Readonly<Record<string, AttendanceCode>> = { н: "Н", б: "Б", у: "У", о: "О" };

/** The Russian message the Rust `EntryError` displays, word for word. */
export function entryMessage(e: EntryError): string {
  switch (e.kind) {
    case "unknown":
      return `«${e.word}» — не отметка и не код посещаемости. Допустимо: 1–5, н/а, зач, незач, осв, Н, Б, У, О`;
    case "two_attendance_codes":
      return "в одной клетке может быть только один код посещаемости";
    case "mark_while_absent":
      return `ученик отсутствовал (${e.code}): отметку за этот урок поставить нельзя`;
    case "too_many":
      return `в одной клетке не больше ${e.max} отметок`;
  }
}

function fail(error: EntryError): Parsed {
  return { ok: false, error, message: entryMessage(error) };
}

const isSpace = (c: string) => /\s/u.test(c);

/**
 * Parses a teacher's keystrokes. Accepted, case-insensitive, in any order: grades 1–5 (several
 * digits in a row are several marks: `54`), `н/а`, `зач`, `незач`, `осв`, and one attendance
 * code Н, Б, У, О; separators are spaces, `/`, `,` and `;`. An empty input clears the cell. A
 * mark beside Н, Б or У is refused; a late student (О) may have one.
 */
export function parseCell(input: string): Parsed {
  const chars = Array.from(input.trim().toLowerCase());
  const marks: MarkValue[] = [];
  let attendance: AttendanceCode | null = null;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    if (isSpace(c) || c === "/" || c === "," || c === ";") {
      i += 1;
      continue;
    }
    const rest = chars.slice(i).join("");
    const word = WORDS.find(([w]) => rest.startsWith(w));
    if (word) {
      marks.push(word[1]);
      i += Array.from(word[0]).length;
      continue;
    }
    if (c >= "0" && c <= "9") {
      if (c < "1" || c > "5") return fail({ kind: "unknown", word: c });
      marks.push(c as MarkValue);
      i += 1;
      continue;
    }
    const code = ATTENDANCE[c];
    if (code) {
      if (attendance !== null) return fail({ kind: "two_attendance_codes" });
      attendance = code;
      i += 1;
      continue;
    }
    let w = "";
    for (let j = i; j < chars.length && !isSpace(chars[j]!); j++) w += chars[j];
    return fail({ kind: "unknown", word: w });
  }
  if (marks.length > MAX_MARKS) return fail({ kind: "too_many", max: MAX_MARKS });
  if (attendance !== null && attendance !== "О" && marks.length > 0) {
    return fail({ kind: "mark_while_absent", code: attendance });
  }
  return { ok: true, value: { marks, attendance } };
}

/** How a cell is shown in the grid and on paper: `Н`, `5`, `5 4`, `О 5`. */
export function displayCell(c: CellInput): string {
  return [...(c.attendance ? [c.attendance] : []), ...c.marks].join(" ");
}

const FINAL_VALUES: Readonly<Record<string, MarkValue>> = {
  "1": "1",
  "2": "2",
  "3": "3",
  "4": "4",
  "5": "5",
  "н/а": "н/а",
  на: "н/а",
  зач: "зач",
  зачёт: "зач",
  зачет: "зач",
  незач: "незач",
  незачёт: "незач",
  незачет: "незач",
  осв: "осв",
};

/**
 * A period or year mark, as the shell reads it (`MarkValue::from_str`): one value, `1`–`5`,
 * `н/а` (or `на`), `зач`, `незач`, `осв`; empty clears it.
 */
export function parseFinal(input: string): Parsed | { ok: false; error: null; message: string } {
  const t = input.trim().toLowerCase();
  if (t === "") return { ok: true, value: { marks: [], attendance: null } };
  const v = FINAL_VALUES[t];
  if (v) return { ok: true, value: { marks: [v], attendance: null } };
  return {
    ok: false,
    error: null,
    message: `«${input.trim()}» — не отметка за период: допустимо 1–5, н/а, зач, незач, осв (одна отметка)`,
  };
}

// Teachers often type with the Latin layout still on. Latin letters are never valid input, so
// a Latin letter is read as the Cyrillic letter on the same key (ЙЦУКЕН): `y` → `н`.
const QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm";
const JCUKEN = "йцукенгшщзхъфывапролджэячсмить";

/** The character a key should add to a cell: Latin letters become the Cyrillic on that key.
 * `,` is the key of «б»: at the start of an entry it is «б» (a mark list never starts with a
 * separator); after a mark it stays the separator of «5,4». */
export function layoutFix(ch: string, atStart = false): string {
  if (ch === "," && atStart) return "б";
  const lower = ch.toLowerCase();
  if (!/^[a-z]$/.test(lower)) return ch;
  const i = QWERTY.indexOf(lower);
  return i >= 0 ? JCUKEN[i]! : ch;
}
