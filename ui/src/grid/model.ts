// The keyboard model of the journal grid, with no DOM: where the cursor is, what is being typed,
// and what a key means. The view (grid.ts) turns DOM events into `key()` calls and applies the
// outcome; tests drive this model directly.
//
// It moves like a spreadsheet: arrows, Tab/Shift-Tab, Enter/Shift-Enter, Home/End,
// PageUp/PageDown. Typing starts an entry in the cell; Enter, Tab or an arrow stores it and
// moves on, Escape cancels it, Delete clears a cell, F2 edits what is there, Ctrl+Z undoes.
// Invalid input is refused with the parser's Russian message and the entry stays as typed:
// nothing the teacher entered is lost, nothing is stored.

import { layoutFix, parseCell, parseFinal, displayCell } from "../cell";
import { sentence } from "../ru";

export interface KeyInput {
  key: string;
  shift?: boolean;
  ctrl?: boolean;
  alt?: boolean;
  meta?: boolean;
}

export type Outcome =
  | { type: "ignored" }
  | { type: "moved" }
  | { type: "draft" }
  | { type: "commit"; row: number; col: number; input: string; display: string }
  | { type: "invalid"; message: string }
  | { type: "undo" }
  | { type: "readonly"; message: string };

export const READ_ONLY_MESSAGE = "Этот журнал открыт только для просмотра: отметки ставит учитель предмета";

const PARTIAL_WORDS = ["незачёт", "незачет", "зачёт", "зачет", "осв", "н/а"];

/** Whether `draft` may still become valid input by typing more (`н/`, `за`, `нез`). */
export function maybeValid(draft: string): boolean {
  if (parseCell(draft).ok) return true;
  const lower = draft.toLowerCase();
  for (const w of PARTIAL_WORDS)
    for (let k = 1; k < w.length; k++) {
      const part = w.slice(0, k);
      if (lower.endsWith(part) && parseCell(lower.slice(0, lower.length - k)).ok) return true;
    }
  return false;
}

export class GridModel {
  row = 0;
  col = 0;
  editing = false;
  draft = "";
  hint: string | null = null;

  /**
   * @param rows students
   * @param lessons lesson columns; the column after them (index `lessons`) is the period mark
   * @param readOnly no entry at all (the class teacher viewing another teacher's subject)
   * @param textAt the stored text of a cell (for F2 and to skip storing an unchanged value)
   * @param blocked why a cell takes no entry (a student not yet arrived or already gone), if so
   */
  constructor(
    public rows: number,
    public lessons: number,
    public readOnly: boolean,
    private textAt: (row: number, col: number) => string,
    private blocked: (row: number, col: number) => string | null = () => null,
  ) {}

  get cols(): number {
    return this.lessons + 1;
  }

  isFinal(col: number): boolean {
    return col === this.lessons;
  }

  /** Puts the cursor on a cell (a click); an entry in progress is stored first, as on Enter. */
  select(row: number, col: number): Outcome {
    if (this.editing) {
      const c = this.commit(() => this.place(row, col));
      return c;
    }
    this.place(row, col);
    return { type: "moved" };
  }

  /** Stores the entry in progress where it is (the grid lost the keyboard: a click elsewhere). */
  commitHere(): Outcome {
    return this.editing ? this.commit(() => {}) : { type: "ignored" };
  }

  private place(row: number, col: number): void {
    this.row = Math.max(0, Math.min(this.rows - 1, row));
    this.col = Math.max(0, Math.min(this.cols - 1, col));
  }

  private move(dr: number, dc: number): void {
    this.place(this.row + dr, this.col + dc);
  }

  private validate(col: number, text: string): { ok: true; display: string } | { ok: false; message: string } {
    const p = this.isFinal(col) ? parseFinal(text) : parseCell(text);
    // The parser words its refusals as the Rust one does (mid-sentence); the hint line is a sentence.
    return p.ok ? { ok: true, display: displayCell(p.value) } : { ok: false, message: sentence(p.message) };
  }

  /** Stores the entry in progress, then runs `after` (a move); refuses invalid input. */
  private commit(after: () => void): Outcome {
    const row = this.row;
    const col = this.col;
    const input = this.draft;
    const v = this.validate(col, input);
    if (!v.ok) {
      this.hint = v.message;
      return { type: "invalid", message: v.message };
    }
    this.editing = false;
    this.draft = "";
    this.hint = null;
    after();
    if (v.display === this.textAt(row, col)) return { type: "moved" };
    return { type: "commit", row, col, input: input.trim(), display: v.display };
  }

  private navigation(k: KeyInput): (() => void) | null {
    switch (k.key) {
      case "ArrowUp":
        return () => this.move(k.ctrl ? -this.rows : -1, 0);
      case "ArrowDown":
        return () => this.move(k.ctrl ? this.rows : 1, 0);
      case "ArrowLeft":
        return () => this.move(0, k.ctrl ? -this.cols : -1);
      case "ArrowRight":
        return () => this.move(0, k.ctrl ? this.cols : 1);
      case "Tab":
        return () => this.move(0, k.shift ? -1 : 1);
      case "Enter":
        return () => this.move(k.shift ? -1 : 1, 0);
      case "Home":
        return () => (k.ctrl ? this.place(0, 0) : this.place(this.row, 0));
      case "End":
        return () => (k.ctrl ? this.place(this.rows - 1, this.cols - 1) : this.place(this.row, this.cols - 1));
      case "PageDown":
        return () => this.move(10, 0);
      case "PageUp":
        return () => this.move(-10, 0);
      default:
        return null;
    }
  }

  key(k: KeyInput): Outcome {
    const printable = k.key.length === 1 && !k.ctrl && !k.meta && !k.alt;
    const undoKey = (k.ctrl || k.meta) && (k.key === "z" || k.key === "Z" || k.key === "я" || k.key === "Я");
    const nav = this.navigation(k);

    if (this.editing) {
      if (nav) return this.commit(nav);
      if (k.key === "Escape" || undoKey) {
        this.editing = false;
        this.draft = "";
        this.hint = null;
        return { type: "draft" };
      }
      if (k.key === "Backspace") {
        this.draft = this.draft.slice(0, -1);
        this.hint = null;
        return { type: "draft" };
      }
      if (k.key === "Delete") {
        this.draft = "";
        this.hint = null;
        return { type: "draft" };
      }
      if (printable) {
        this.draft += layoutFix(k.key, this.draft.trim() === "");
        this.hint = null;
        return { type: "draft" };
      }
      return { type: "ignored" };
    }

    if (nav) {
      this.hint = null;
      nav();
      return { type: "moved" };
    }
    const entry = printable || undoKey || k.key === "Delete" || k.key === "Backspace" || k.key === "F2";
    if (entry && this.readOnly) {
      this.hint = READ_ONLY_MESSAGE;
      return { type: "readonly", message: READ_ONLY_MESSAGE };
    }
    if (undoKey) return { type: "undo" };
    const why = entry ? this.blocked(this.row, this.col) : null;
    if (why) {
      this.hint = why;
      return { type: "readonly", message: why };
    }
    if (k.key === "Delete") {
      this.draft = "";
      return this.commit(() => {});
    }
    if (k.key === "Backspace") {
      this.editing = true;
      this.draft = "";
      return { type: "draft" };
    }
    if (k.key === "F2") {
      this.editing = true;
      this.draft = this.textAt(this.row, this.col);
      return { type: "draft" };
    }
    if (printable && k.key !== " ") {
      this.editing = true;
      this.draft = layoutFix(k.key, true);
      this.hint = null;
      return { type: "draft" };
    }
    return { type: "ignored" };
  }
}
