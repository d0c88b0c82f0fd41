// The journal grid: students × lesson dates like the paper page, then the period mark, the
// weighted average and the suggested mark. Plain DOM on purpose: the table is built once, and a
// keystroke touches only the cells it changes (the cursor's two cells, or the one cell being
// typed into), so entry keeps up with a fast typist on 35 × 60 on an old laptop.

import type { Api } from "../api";
import type { CellResult, ConflictView, FinalView, GridView, JournalRef, Undone } from "../types";
import { EditQueue, failedEverywhere, pendingEverywhere, type FailedAnywhere, type QueueEvent } from "./queue";
import { GridModel, maybeValid, type KeyInput, type Outcome } from "./model";

export interface SaveStatus {
  /** Edits typed but not yet durable (in every grid of the window). */
  pending: number;
  /** Failed edits of every grid of the window, this one's and those left behind. */
  failed: FailedAnywhere[];
  /** What the grid has to say about the last key: a refusal or a read-only notice. */
  hint: string | null;
}

export interface GridOptions {
  api: Api;
  journal: JournalRef;
  view: GridView;
  /** The lesson under the cursor changed (null: the period-mark column). */
  onColumn?: (lesson: number | null) => void;
  onStatus?: (s: SaveStatus) => void;
  /** Ctrl+Enter: go to the lesson's topic (the right-hand page) from the keyboard. */
  onLessonKey?: () => void;
}

const MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"];
const PERIOD_SHORT: Record<string, string> = {
  Q1: "1 чет.",
  Q2: "2 чет.",
  Q3: "3 чет.",
  Q4: "4 чет.",
  H1: "1 пол.",
  H2: "2 пол.",
  Year: "Год",
};

export function formatAverage(a: number | null): string {
  return a === null ? "" : a.toFixed(2).replace(".", ",");
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class JournalGrid {
  readonly root: HTMLDivElement;
  readonly model: GridModel;
  readonly queue: EditQueue<CellResult | null>;
  private cells: HTMLTableCellElement[][] = [];
  private heads: HTMLTableCellElement[] = [];
  private avgCells: HTMLTableCellElement[] = [];
  private sugCells: HTMLTableCellElement[] = [];
  /** What each cell shows: the stored text, or what was typed while it is being saved. */
  private text: string[][];
  /** The focused element: a hidden text field, so that text arriving without a key event
   * (an input method, a WebDriver client typing Cyrillic, a paste) reaches the grid too. */
  private sink!: HTMLTextAreaElement;
  private rowOf = new Map<string, number>();
  private colOf = new Map<string, number>();
  private hint: string | null = null;
  /** What the last undo put back (its answer, read when the queue says it is stored). */
  private undone: Undone | null = null;

  constructor(private opts: GridOptions) {
    const { view } = opts;
    const nL = view.lessons.length;
    view.students.forEach((s, i) => this.rowOf.set(s.id, i));
    view.lessons.forEach((l, j) => this.colOf.set(l.id, j));
    this.text = view.students.map(() => new Array<string>(nL + 1).fill(""));
    for (const c of view.cells) {
      const r = this.rowOf.get(c.student);
      const j = this.colOf.get(c.lesson);
      if (r !== undefined && j !== undefined) this.text[r]![j] = c.text;
    }
    for (const f of view.finals) {
      const r = this.rowOf.get(f.student);
      if (r !== undefined) this.text[r]![nL] = f.period_mark ?? "";
    }
    this.model = new GridModel(
      view.students.length,
      nL,
      view.access !== "write",
      (r, c) => this.text[r]?.[c] ?? "",
      (r, c) => this.offRoll(r, c),
    );
    this.queue = new EditQueue((e) => this.onQueue(e));
    this.root = this.build();
    this.paintCursor(-1, -1);
  }

  /** Why student `r` has no cell in lesson `c`: he had not arrived yet, or had left. */
  private offRoll(r: number, c: number): string | null {
    const s = this.opts.view.students[r];
    const l = this.opts.view.lessons[c];
    if (!s || !l) return null;
    const ru = (d: string) => d.split("-").reverse().join(".");
    if (s.arrived && l.date < s.arrived) return `${s.name} прибыл(а) в класс ${ru(s.arrived)}: за урок ${ru(l.date)} отметку не ставят`;
    if (s.left && l.date >= s.left) return `${s.name} выбыл(а) ${ru(s.left)}: за урок ${ru(l.date)} отметку не ставят`;
    return null;
  }

  private build(): HTMLDivElement {
    const { view } = this.opts;
    const root = el("div", "grid-wrap" + (view.access === "write" ? "" : " read-only"));
    root.tabIndex = -1;
    const sink = el("textarea", "key-sink");
    sink.setAttribute("aria-label", view.access === "write" ? "Ввод отметки" : "Журнал только для просмотра");
    sink.autocomplete = "off";
    sink.spellcheck = false;
    sink.dataset.testid = "grid-input";
    this.sink = sink;
    root.append(sink);
    root.dataset.testid = "grid";
    root.setAttribute("role", "grid");
    root.setAttribute("aria-label", `${view.subject}, ${view.class}`);
    const table = el("table", "grid");
    const thead = el("thead");
    const months = el("tr", "months");
    const days = el("tr", "days");
    const h = (cls: string, text: string, title?: string) => {
      const th = el("th", cls, text);
      th.rowSpan = 2;
      if (title) th.title = title;
      months.append(th);
      return th;
    };
    h("num", "№");
    h("name", "Фамилия, имя");
    let month = -1;
    let span: HTMLTableCellElement | null = null;
    view.lessons.forEach((l, j) => {
      const m = Number(l.date.slice(5, 7)) - 1;
      if (m !== month || !span) {
        month = m;
        span = el("th", "month");
        span.append(el("span", undefined, MONTHS[m]));
        span.colSpan = 1;
        months.append(span);
      } else span.colSpan += 1;
      const th = el("th", "day" + (l.work_type ? " work" : ""), l.date.slice(8, 10));
      th.dataset.testid = `lesson-${j}`;
      th.dataset.c = String(j);
      th.title = `${l.date.split("-").reverse().join(".")}${l.topic ? " — " + l.topic : " — тема не записана"}`;
      days.append(th);
      this.heads.push(th);
    });
    const fin = h("final", PERIOD_SHORT[view.period] ?? view.period, "Отметка за период");
    fin.dataset.c = String(view.lessons.length);
    this.heads.push(fin);
    h("avg", "ср.", "Средний взвешенный балл");
    h("sug", "пред.", "Предлагаемая отметка по правилу школы");
    thead.append(months, days);

    const tbody = el("tbody");
    const finals = new Map(view.finals.map((f) => [f.student, f]));
    view.students.forEach((s, i) => {
      const tr = el("tr", s.on_roll ? "" : "off-roll");
      tr.append(el("td", "num", String(s.number)));
      const name = el("td", "name", s.name);
      if (!s.on_roll) name.title = "Выбыл из класса";
      tr.append(name);
      const row: HTMLTableCellElement[] = [];
      for (let j = 0; j <= view.lessons.length; j++) {
        const final = j === view.lessons.length;
        const td = el("td", final ? "final" : this.offRoll(i, j) ? "c off" : "c", this.text[i]![j]);
        td.dataset.testid = final ? `final-${i}` : `cell-${i}-${j}`;
        td.dataset.r = String(i);
        td.dataset.c = String(j);
        this.decorate(td, this.text[i]![j]!);
        tr.append(td);
        row.push(td);
      }
      this.cells.push(row);
      const f = finals.get(s.id);
      const avg = el("td", "avg", formatAverage(f?.average ?? null));
      avg.dataset.testid = `avg-${i}`;
      const sug = el("td", "sug", f?.suggested ?? "");
      sug.dataset.testid = `suggested-${i}`;
      tr.append(avg, sug);
      this.avgCells.push(avg);
      this.sugCells.push(sug);
      tbody.append(tr);
    });
    table.append(thead, tbody);
    root.append(table);

    root.addEventListener("keydown", (e) => this.onKey(e));
    root.addEventListener("focus", () => this.focus());
    sink.addEventListener("input", (e) => {
      if ((e as InputEvent).isComposing) return;
      this.takeText();
    });
    sink.addEventListener("compositionend", () => this.takeText());
    // A click elsewhere (another page, the lesson panel) stores what was being typed, as a
    // spreadsheet does; invalid input stays in the cell with its hint.
    sink.addEventListener("blur", () => {
      if (!this.model.editing) return;
      const prev = [this.model.row, this.model.col] as const;
      this.apply(this.model.commitHere(), prev);
    });
    root.addEventListener("mousedown", (e) => {
      const t = (e.target as HTMLElement).closest("td,th") as HTMLElement | null;
      if (!t || t.dataset.c === undefined) return;
      const prev = [this.model.row, this.model.col] as const;
      const r = t.dataset.r !== undefined ? Number(t.dataset.r) : this.model.row;
      this.apply(this.model.select(r, Number(t.dataset.c)), prev);
      this.focus();
      e.preventDefault();
    });
    return root;
  }

  /** Attendance codes are drawn apart from marks, as on paper. */
  private decorate(td: HTMLTableCellElement, text: string): void {
    td.classList.toggle("att", /^[НБУ]$/.test(text));
    td.classList.toggle("long", text.length > 3); // «5 4 3», «незач»: a smaller face, a narrow column
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && this.opts.onLessonKey) {
      e.preventDefault();
      this.opts.onLessonKey();
      return;
    }
    const k: KeyInput = { key: e.key, shift: e.shiftKey, ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey };
    const prev = [this.model.row, this.model.col] as const;
    const out = this.model.key(k);
    if (out.type === "ignored") return;
    e.preventDefault();
    this.apply(out, prev);
  }

  /** Stores the entry being typed, as leaving the cell does. Returns the entry when it cannot
   * be stored (not a mark or a code), named for the user; it stays in the cell, red. */
  flush(): string[] {
    if (!this.model.editing) return [];
    const prev = [this.model.row, this.model.col] as const;
    this.apply(this.model.commitHere(), prev);
    if (!this.model.editing) return [];
    // The hint names the entry already («7» — не отметка…).
    return [`${this.label(this.model.row, this.model.col)}: ${this.model.hint ?? `«${this.model.draft}» не сохранено`}`];
  }

  /** «Иванов Пётр, 03.09» or «Иванов Пётр, отметка за период»: an entry named for the user. */
  private label(r: number, c: number): string {
    const { view } = this.opts;
    const student = view.students[r]!;
    const lesson = view.lessons[c];
    return lesson ? `${student.name}, ${lesson.date.split("-").reverse().slice(0, 2).join(".")}` : `${student.name}, отметка за период`;
  }

  /** Puts the cursor on a cell, as a click does. */
  select(r: number, c: number): void {
    const prev = [this.model.row, this.model.col] as const;
    this.apply(this.model.select(r, c), prev);
  }

  /** Gives the keyboard to the grid. */
  focus(): void {
    this.sink.focus({ preventScroll: true });
  }

  /** Text that arrived as text (not as key events): each character is a key to the model. */
  private takeText(): void {
    const text = this.sink.value;
    this.sink.value = "";
    for (const ch of Array.from(text)) if (ch !== "\n" && ch !== "\r") this.press({ key: ch });
  }

  /** Feeds a key as if typed (tests, and the shell's end-to-end checks through the DOM). */
  press(k: KeyInput): Outcome {
    const prev = [this.model.row, this.model.col] as const;
    const out = this.model.key(k);
    this.apply(out, prev);
    return out;
  }

  private apply(out: Outcome, prev: readonly [number, number]): void {
    switch (out.type) {
      case "commit":
        this.store(out.row, out.col, out.input, out.display);
        break;
      case "undo": {
        const { api, journal } = this.opts;
        this.queue.push("undo", "отмена", async () => {
          const r = await api.undo(journal.class_id, journal.subject_id);
          if (!r.ok) return r;
          this.undone = r.value;
          return { ok: true, value: r.value?.result ?? null };
        });
        break;
      }
      default:
        break;
    }
    this.hint = this.model.hint;
    this.paintCursor(prev[0], prev[1]);
    this.emit();
  }

  private paintCursor(pr: number, pc: number): void {
    const { row, col, editing, draft } = this.model;
    if (pr !== row || pc !== col) {
      const old = this.cells[pr]?.[pc];
      if (old) {
        old.classList.remove("cur", "editing", "bad");
        old.textContent = this.text[pr]![pc]!;
      }
      this.heads[pc]?.classList.remove("cur-col");
      this.heads[col]?.classList.add("cur-col");
      this.opts.onColumn?.(col < this.opts.view.lessons.length ? col : null);
    }
    const td = this.cells[row]?.[col];
    if (!td) return;
    td.classList.add("cur");
    td.classList.toggle("editing", editing);
    td.classList.toggle("bad", editing && !maybeValid(draft));
    td.textContent = editing ? draft : this.text[row]![col]!;
    if (pr !== row || pc !== col) this.scrollLater();
  }

  private scrollQueued = false;

  /** Brings the cursor into view at the next frame: scrolling now would force a layout of the
   * whole table on every key; in the frame it costs nothing extra, once for many fast keys. */
  private scrollLater(): void {
    if (this.scrollQueued) return;
    this.scrollQueued = true;
    const frame = typeof requestAnimationFrame === "function" ? requestAnimationFrame : (f: () => void) => setTimeout(f, 0);
    frame(() => {
      this.scrollQueued = false;
      this.cells[this.model.row]?.[this.model.col]?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
    });
  }

  private key(r: number, c: number): string {
    return `${r}:${c}`;
  }

  private store(r: number, c: number, input: string, display: string): void {
    const { api, journal, view } = this.opts;
    const student = view.students[r]!;
    this.text[r]![c] = display;
    const td = this.cells[r]![c]!;
    td.textContent = display;
    this.decorate(td, display);
    const label = this.label(r, c);
    if (c === view.lessons.length) {
      this.queue.push(this.key(r, c), label, () => api.setFinal(journal.class_id, journal.subject_id, student.id, view.period, input));
    } else {
      const lesson = view.lessons[c]!;
      this.queue.push(this.key(r, c), label, () => api.setCell(journal.class_id, journal.subject_id, lesson.id, student.id, input));
    }
  }

  private onQueue(e: QueueEvent<CellResult | null>): void {
    if (e.key === "undo") {
      if (e.state === "saved") {
        const u = this.undone;
        this.undone = null;
        if (e.result && u) {
          this.showResult(e.result, true);
          // The cursor goes to the cell that changed, when this grid shows it (an edit of this
          // journal in another period is named by its date only).
          const cell = e.result.cell;
          const r = this.rowOf.get(cell ? cell.student : e.result.final.student);
          const c = cell ? this.colOf.get(cell.lesson) : e.result.period === this.opts.view.period ? this.opts.view.lessons.length : undefined;
          if (r !== undefined && c !== undefined && !this.model.editing) this.select(r, c);
          this.hint = r !== undefined && c !== undefined ? u.what : `${u.what} (в другом периоде журнала)`;
        } else this.hint = "Отменять нечего: в этом журнале вы в этом сеансе ещё ничего не меняли";
      } else if (e.state === "failed") this.hint = e.error?.message ?? null;
      this.emit();
      return;
    }
    const [r, c] = e.key.split(":").map(Number) as [number, number];
    const td = this.cells[r]?.[c];
    if (!td) return;
    if (e.latest) {
      td.dataset.state = e.state === "saving" ? "pending" : e.state;
      if (e.state === "failed") td.title = `Не сохранено: ${e.error?.message ?? ""}`;
      else td.removeAttribute("title");
    }
    if (e.state === "saved" && e.result) this.showResult(e.result, e.latest);
    if (e.state !== "pending") this.emit();
  }

  /** Shows what the shell stored: the cell (when no newer entry is on its way) and the figures. */
  private showResult(res: CellResult, cellToo: boolean): void {
    const nL = this.opts.view.lessons.length;
    if (res.cell && cellToo) {
      const r = this.rowOf.get(res.cell.student);
      const c = this.colOf.get(res.cell.lesson);
      if (r !== undefined && c !== undefined) this.setShown(r, c, res.cell.text);
    }
    const r = this.rowOf.get(res.final.student);
    if (r === undefined) return;
    if (!res.cell && cellToo) this.setShown(r, nL, res.final.period_mark ?? "");
    this.showFinal(r, res.final);
  }

  private setShown(r: number, c: number, text: string): void {
    this.text[r]![c] = text;
    const td = this.cells[r]![c]!;
    const typing = this.model.editing && this.model.row === r && this.model.col === c;
    if (!typing) td.textContent = text;
    this.decorate(td, text);
  }

  private showFinal(r: number, f: FinalView): void {
    this.avgCells[r]!.textContent = formatAverage(f.average);
    this.sugCells[r]!.textContent = f.suggested ?? "";
  }

  private emit(): void {
    this.opts.onStatus?.({ pending: pendingEverywhere(), failed: failedEverywhere(), hint: this.hint });
  }

  /** Sends a failed edit again (of this grid, or of one left behind). */
  retry(f: FailedAnywhere): void {
    f.retry();
    this.emit();
  }

  /** The status as it is now (a page shows it when the grid is built). */
  status(): SaveStatus {
    return { pending: pendingEverywhere(), failed: failedEverywhere(), hint: this.hint };
  }

  /** Marks the cells that two devices wrote with different values, with who wrote each. */
  markConflicts(list: ConflictView[]): number {
    let n = 0;
    for (const c of list) {
      const r = this.rowOf.get(c.student);
      const j = this.colOf.get(c.lesson);
      const td = r !== undefined && j !== undefined ? this.cells[r]?.[j] : undefined;
      if (!td) continue;
      td.classList.add("conflict");
      td.dataset.conflict = "true";
      const values = c.values.map((v) => `«${v.text || "пусто"}» — ${v.author}${v.shown ? " (показано)" : ""}`).join("; ");
      td.title = `Конфликт: ${values}. Выберите значение на странице «Синхронизация».`;
      n++;
    }
    return n;
  }

  /** The text a cell shows now (tests). */
  shown(r: number, c: number): string {
    return this.cells[r]?.[c]?.textContent ?? "";
  }
}
