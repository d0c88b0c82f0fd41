import { beforeEach, describe, expect, it } from "vitest";
import { JournalGrid, type SaveStatus } from "../src/grid/grid";
import { MockBackend } from "../src/mock";
import type { JournalRef } from "../src/types";

async function open(profile: string, subject: string) {
  const api = new MockBackend({ hasSchool: true, profile });
  const js = await api.myJournals();
  if (!js.ok) throw new Error(js.error.message);
  const journal = js.value.find((j) => j.subject_name === subject && j.class_name === "7Б") as JournalRef;
  const g = await api.grid(journal.class_id, journal.subject_id, journal.subgroup, "Q1");
  if (!g.ok) throw new Error(g.error.message);
  let status: SaveStatus = { pending: 0, failed: [], hint: null };
  const grid = new JournalGrid({ api, journal, view: g.value, onStatus: (s) => (status = s) });
  document.body.replaceChildren(grid.root);
  return { api, grid, view: g.value, status: () => status };
}

function keys(target: HTMLElement, seq: string[]) {
  for (const k of seq) target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));
}
const $ = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement;

describe("the grid with the mock school", () => {
  beforeEach(() => document.body.replaceChildren());

  it("renders 32 students × 60 lessons, the period mark and the figures", async () => {
    const { view } = await open("staff-kuznetsova", "Русский язык");
    expect(document.querySelectorAll("tbody tr")).toHaveLength(32);
    expect(document.querySelectorAll("td.c")).toHaveLength(32 * 60);
    expect($("cell-31-59")).toBeTruthy();
    expect($("final-0")).toBeTruthy();
    const some = view.cells[0]!;
    const r = view.students.findIndex((s) => s.id === some.student);
    const c = view.lessons.findIndex((l) => l.id === some.lesson);
    expect($(`cell-${r}-${c}`).textContent).toBe(some.text);
    expect($("avg-0").textContent).toMatch(/^\d,\d\d$|^$/);
    expect(document.querySelector("th.month")!.textContent).toBe("сентябрь");
  });

  it("a row of marks and absences typed fast is stored in order and shown saved", async () => {
    const { api, grid, view, status } = await open("staff-kuznetsova", "Русский язык");
    // lessons 53–59 are after the mock's "today": their cells are empty
    grid.model.select(0, 54);
    keys(grid.root, ["5", "Tab", "4", "Tab", "н", "Tab", "5", "4", "Tab", "б", "Tab", "о", "5", "Tab"]);
    expect(status().pending).toBeGreaterThan(0); // typing did not wait for the backend
    expect($("cell-0-57").textContent).toBe("5 4");
    expect($("cell-0-57").dataset.state).toBe("pending");
    await grid.queue.idle();
    expect(api.received.map((e) => e.input)).toEqual(["5", "4", "н", "54", "б", "о5"]);
    expect(api.received.map((e) => view.lessons.findIndex((l) => l.id === e.lesson))).toEqual([54, 55, 56, 57, 58, 59]);
    expect(["5", "4", "Н", "5 4", "Б", "О 5"].map((_, j) => $(`cell-0-${54 + j}`).textContent)).toEqual([
      "5",
      "4",
      "Н",
      "5 4",
      "Б",
      "О 5",
    ]);
    expect($("cell-0-56").dataset.state).toBe("saved");
    expect(status()).toMatchObject({ pending: 0, failed: [] });
    const again = await api.grid("class-7b", "subj-Русский язык", null, "Q1");
    if (!again.ok) throw new Error();
    const stored = again.value.cells.filter((c) => c.student === view.students[0]!.id && view.lessons.findIndex((l) => l.id === c.lesson) >= 54);
    expect(stored.map((c) => c.text)).toEqual(["5", "4", "Н", "5 4", "Б", "О 5"]);
  });

  it("refuses invalid input with a hint and sends nothing", async () => {
    const { api, grid, status } = await open("staff-kuznetsova", "Русский язык");
    grid.model.select(1, 50);
    keys(grid.root, ["7", "Enter"]);
    await grid.queue.idle();
    expect(api.received).toEqual([]);
    expect(status().hint).toContain("«7» — не отметка");
    expect($("cell-1-50").textContent).toBe("7"); // still there to correct
    expect($("cell-1-50").classList.contains("bad")).toBe(true);
  });

  it("updates the average and the suggestion of the row", async () => {
    const { grid } = await open("staff-kuznetsova", "Русский язык");
    grid.model.select(2, 55);
    keys(grid.root, ["2", "Enter"]);
    const before = $("avg-2").textContent;
    await grid.queue.idle();
    expect($("avg-2").textContent).not.toBe(before);
  });

  it("Ctrl+Z undoes the last edit", async () => {
    const { grid } = await open("staff-kuznetsova", "Русский язык");
    grid.model.select(3, 56);
    keys(grid.root, ["5", "Enter"]);
    await grid.queue.idle();
    expect($("cell-3-56").textContent).toBe("5");
    grid.root.dispatchEvent(new KeyboardEvent("keydown", { key: "z", ctrlKey: true, bubbles: true }));
    await grid.queue.idle();
    expect($("cell-3-56").textContent).toBe("");
  });

  it("Ctrl+Z says what it put back, puts the cursor there and leaves other journals alone", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    const js = await api.myJournals();
    if (!js.ok) throw new Error(js.error.message);
    const mine = js.value.filter((j) => j.access === "write");
    const [a, b] = [mine[0]!, mine.find((j) => j.class_id !== mine[0]!.class_id || j.subject_id !== mine[0]!.subject_id)!];
    const grids = await Promise.all(
      [a, b].map(async (journal) => {
        const g = await api.grid(journal.class_id, journal.subject_id, journal.subgroup, "Q1");
        if (!g.ok) throw new Error(g.error.message);
        let status: SaveStatus = { pending: 0, failed: [], hint: null };
        const grid = new JournalGrid({ api, journal, view: g.value, onStatus: (s) => (status = s) });
        return { grid, view: g.value, status: () => status };
      }),
    );
    const [ga, gb] = grids as [(typeof grids)[0], (typeof grids)[0]];
    document.body.replaceChildren(ga.grid.root, gb.grid.root);
    ga.grid.model.select(3, 2);
    keys(ga.grid.root, ["5", "Enter"]);
    await ga.grid.queue.idle();
    gb.grid.model.select(1, 1);
    keys(gb.grid.root, ["4", "Enter"]);
    await gb.grid.queue.idle();
    ga.grid.select(0, 0);
    ga.grid.root.dispatchEvent(new KeyboardEvent("keydown", { key: "z", ctrlKey: true, bubbles: true }));
    await ga.grid.queue.idle();
    // Undone here, where the teacher is looking: the other journal keeps its «4».
    expect(ga.grid.shown(3, 2)).not.toBe("5");
    expect(gb.grid.shown(1, 1)).toBe("4");
    expect([ga.grid.model.row, ga.grid.model.col]).toEqual([3, 2]);
    const student = ga.view.students[3]!;
    const date = ga.view.lessons[2]!.date.split("-").reverse().join(".");
    expect(ga.status().hint).toContain("Отменено: ");
    expect(ga.status().hint).toContain(student.name.split(" ")[0]!);
    expect(ga.status().hint).toContain(`урок ${date}`);
    // Nothing more to undo here; the other journal's edit is still its own to undo.
    ga.grid.root.dispatchEvent(new KeyboardEvent("keydown", { key: "z", ctrlKey: true, bubbles: true }));
    await ga.grid.queue.idle();
    expect(ga.status().hint).toMatch(/^Отменять нечего/);
    expect(gb.grid.shown(1, 1)).toBe("4");
  });

  it("a period mark goes through set_final", async () => {
    const { grid } = await open("staff-kuznetsova", "Русский язык");
    grid.model.select(0, 60);
    keys(grid.root, ["4", "Enter"]);
    await grid.queue.idle();
    expect($("final-0").textContent).toBe("4");
    expect($("final-0").dataset.state).toBe("saved");
  });

  it("shows a failed save on the cell and keeps what was typed", async () => {
    const { api, grid, status } = await open("staff-kuznetsova", "Русский язык");
    api.failNext("store", "Не удалось записать на диск");
    grid.model.select(4, 57);
    keys(grid.root, ["5", "Enter"]);
    await grid.queue.idle();
    expect($("cell-4-57").dataset.state).toBe("failed");
    expect($("cell-4-57").textContent).toBe("5");
    expect(status().failed).toHaveLength(1);
    grid.retry(status().failed[0]!);
    await grid.queue.idle();
    expect($("cell-4-57").dataset.state).toBe("saved");
    expect(status().failed).toHaveLength(0);
  });

  it("a class teacher viewing another subject cannot type anything", async () => {
    const { api, grid, status } = await open("staff-kuznetsova", "Алгебра");
    expect(grid.root.classList.contains("read-only")).toBe(true);
    const before = $("cell-0-0").textContent;
    keys(grid.root, ["5", "Enter", "Delete", "Backspace"]);
    await grid.queue.idle();
    expect(api.received).toEqual([]);
    expect($("cell-0-0").textContent).toBe(before);
    expect(status().hint).toContain("только для просмотра");
    keys(grid.root, ["ArrowDown"]); // Enter above moved to row 1: moving still works
    expect(grid.model.row).toBe(2);
  });
});

describe("students who arrived or left during the period", () => {
  it("have hatched cells outside their time in the class, which take no entry", async () => {
    const { api, grid, view, status } = await open("staff-kuznetsova", "Русский язык");
    const r = view.students.findIndex((s) => s.arrived !== null);
    expect(r).toBeGreaterThanOrEqual(0);
    expect($(`cell-${r}-0`).classList.contains("off")).toBe(true);
    grid.model.select(r, 0);
    keys(grid.root, ["5"]);
    expect(status().hint).toContain("прибыл(а) в класс 15.09.2025");
    keys(grid.root, ["Enter", "Delete"]);
    await grid.queue.idle();
    expect(api.received).toEqual([]);
    const last = view.lessons.length - 1;
    expect($(`cell-${r}-${last}`).classList.contains("off")).toBe(false);
  });
});

describe("conflicts", () => {
  it("cells written differently on two devices are marked with who wrote each value", async () => {
    const { api, grid } = await open("staff-kuznetsova", "Алгебра");
    const c = await api.conflicts();
    if (!c.ok) throw new Error();
    expect(grid.markConflicts(c.value)).toBe(1);
    const td = document.querySelector('[data-conflict="true"]') as HTMLElement;
    expect(td.title).toContain("Смирнова Ольга Петровна (показано)");
    expect(td.title).toContain("«5» — Петрова Галина Ивановна");
  });
});

describe("leaving the grid", () => {
  it("stores what was being typed, as a spreadsheet does", async () => {
    const { api, grid } = await open("staff-kuznetsova", "Русский язык");
    grid.focus();
    grid.model.select(5, 55);
    keys(grid.root, ["4"]);
    expect(grid.model.editing).toBe(true);
    (document.querySelector('[data-testid="grid-input"]') as HTMLElement).blur();
    await grid.queue.idle();
    expect(api.received.map((e) => e.input)).toEqual(["4"]);
    expect(grid.model.editing).toBe(false);
  });
});
