import { describe, expect, it } from "vitest";
import { GridModel, maybeValid, READ_ONLY_MESSAGE, type Outcome } from "../src/grid/model";

function model(rows = 5, lessons = 4, readOnly = false, texts: Record<string, string> = {}) {
  return new GridModel(rows, lessons, readOnly, (r, c) => texts[`${r}:${c}`] ?? "");
}
function type(m: GridModel, keys: string[]): Outcome[] {
  return keys.map((k) => {
    const [key, mod] = k.split("+").reverse() as [string, string | undefined];
    return m.key({ key, shift: mod === "Shift" || k.startsWith("Shift+"), ctrl: k.startsWith("Ctrl+") });
  });
}

describe("movement", () => {
  it("with the Latin layout on, the key of «б» stores «Б»; «5,4» stays two marks", () => {
    const m = model();
    const out = type(m, [",", "Enter"]);
    expect(out.at(-1)).toMatchObject({ type: "commit", input: "б", display: "Б" });
    m.select(1, 0);
    const two = type(m, ["5", ",", "4", "Enter"]);
    expect(two.at(-1)).toMatchObject({ type: "commit", input: "5,4" });
  });

  it("moves with arrows and stops at the edges", () => {
    const m = model();
    type(m, ["ArrowRight", "ArrowRight", "ArrowDown"]);
    expect([m.row, m.col]).toEqual([1, 2]);
    type(m, ["ArrowUp", "ArrowUp", "ArrowUp", "ArrowLeft", "ArrowLeft", "ArrowLeft"]);
    expect([m.row, m.col]).toEqual([0, 0]);
    type(m, ["End"]);
    expect(m.col).toBe(4); // the period-mark column after the last lesson
    expect(m.isFinal(m.col)).toBe(true);
    type(m, ["Home"]);
    expect(m.col).toBe(0);
  });

  it("Tab and Shift+Tab go across, Enter and Shift+Enter go down and up", () => {
    const m = model();
    type(m, ["Tab", "Tab", "Shift+Tab", "Enter", "Enter", "Shift+Enter"]);
    expect([m.row, m.col]).toEqual([1, 1]);
  });

  it("Ctrl+End goes to the last cell, PageDown jumps ten rows", () => {
    const m = model(30, 10);
    type(m, ["PageDown"]);
    expect(m.row).toBe(10);
    type(m, ["Ctrl+End"]);
    expect([m.row, m.col]).toEqual([29, 10]);
  });
});

describe("entry", () => {
  it("typing then Enter stores the cell and moves down", () => {
    const m = model();
    const out = type(m, ["5", "Enter"]);
    expect(out[0]).toEqual({ type: "draft" });
    expect(out[1]).toEqual({ type: "commit", row: 0, col: 0, input: "5", display: "5" });
    expect([m.row, m.col, m.editing]).toEqual([1, 0, false]);
  });

  it("a fast typist goes down a column", () => {
    const m = model(6, 3);
    const commits = type(m, ["5", "Enter", "4", "Enter", "н", "Enter", "5", "4", "Enter", "о", "3", "Enter"]).filter(
      (o) => o.type === "commit",
    );
    expect(commits.map((c) => c.type === "commit" && [c.row, c.display])).toEqual([
      [0, "5"],
      [1, "4"],
      [2, "Н"],
      [3, "5 4"],
      [4, "О 3"],
    ]);
  });

  it("Tab and arrows store too, along a row", () => {
    const m = model();
    const out = type(m, ["5", "Tab", "б", "ArrowRight", "н", "/", "а", "ArrowRight"]);
    expect(out.filter((o) => o.type === "commit").map((o) => o.type === "commit" && [o.col, o.display])).toEqual([
      [0, "5"],
      [1, "Б"],
      [2, "н/а"],
    ]);
    expect(m.col).toBe(3);
  });

  it("invalid input is refused with the Russian hint, stays as typed and does not move", () => {
    const m = model();
    const out = type(m, ["6", "Enter"]);
    expect(out[1]).toMatchObject({ type: "invalid" });
    expect(m.hint).toContain("«6» — не отметка");
    expect([m.row, m.col, m.editing, m.draft]).toEqual([0, 0, true, "6"]);
    type(m, ["Backspace", "5", "Enter"]);
    expect(m.row).toBe(1);
    expect(m.hint).toBeNull();
  });

  it("a mark beside an absence is refused", () => {
    const m = model();
    expect(type(m, ["н", "5", "Enter"])[2]).toMatchObject({
      type: "invalid",
      message: "Ученик отсутствовал (Н): отметку за этот урок поставить нельзя",
    });
  });

  it("Escape cancels the entry and keeps the stored value", () => {
    const m = model(5, 4, false, { "0:0": "4" });
    type(m, ["5", "Escape"]);
    expect([m.editing, m.draft, m.row]).toEqual([false, "", 0]);
  });

  it("Delete clears a stored cell; an empty cell is left alone", () => {
    const m = model(5, 4, false, { "0:0": "4" });
    expect(m.key({ key: "Delete" })).toEqual({ type: "commit", row: 0, col: 0, input: "", display: "" });
    m.key({ key: "ArrowDown" });
    expect(m.key({ key: "Delete" })).toEqual({ type: "moved" });
  });

  it("F2 edits what is stored; an unchanged value is not stored again", () => {
    const m = model(5, 4, false, { "0:0": "5 4" });
    m.key({ key: "F2" });
    expect(m.draft).toBe("5 4");
    expect(m.key({ key: "Enter" })).toEqual({ type: "moved" });
  });

  it("the Latin layout is read as Russian", () => {
    const m = model();
    expect(type(m, ["y", "Enter"])[1]).toMatchObject({ type: "commit", display: "Н" });
  });

  it("the period-mark column takes one mark", () => {
    const m = model(5, 4);
    type(m, ["End"]);
    expect(type(m, ["5", "4", "Enter"])[2]).toMatchObject({ type: "invalid" });
    type(m, ["Escape", "4", "Enter"]);
    expect(m.row).toBe(1);
  });

  it("Ctrl+Z asks for undo; while typing it cancels the entry instead", () => {
    const m = model();
    expect(m.key({ key: "z", ctrl: true })).toEqual({ type: "undo" });
    expect(m.key({ key: "я", ctrl: true })).toEqual({ type: "undo" });
    m.key({ key: "5" });
    expect(m.key({ key: "z", ctrl: true })).toEqual({ type: "draft" });
    expect(m.editing).toBe(false);
  });
});

describe("read-only journals", () => {
  it("move but take no entry at all", () => {
    const m = model(5, 4, true, { "0:0": "5" });
    for (const key of ["5", "н", "Delete", "Backspace", "F2"]) {
      expect(m.key({ key })).toEqual({ type: "readonly", message: READ_ONLY_MESSAGE });
      expect(m.editing).toBe(false);
    }
    expect(m.key({ key: "z", ctrl: true }).type).toBe("readonly");
    expect(m.key({ key: "ArrowDown" })).toEqual({ type: "moved" });
    expect(m.row).toBe(1);
  });
});

describe("maybeValid", () => {
  it("accepts the beginnings of words", () => {
    for (const d of ["н/", "за", "нез", "5 не", "ос", "5"]) expect(maybeValid(d)).toBe(true);
    for (const d of ["6", "x", "н5", "55555"]) expect(maybeValid(d)).toBe(false);
  });
});

describe("cells of a student who was not on the roll", () => {
  it("take no entry and say why", () => {
    const m = new GridModel(3, 4, false, () => "", (r, c) => (r === 1 && c < 2 ? "прибыл 15.09" : null));
    m.select(1, 0);
    expect(m.key({ key: "5" })).toEqual({ type: "readonly", message: "прибыл 15.09" });
    expect(m.editing).toBe(false);
    m.key({ key: "ArrowRight" });
    m.key({ key: "ArrowRight" });
    expect(m.key({ key: "5" })).toEqual({ type: "draft" });
  });
});

describe("commitHere", () => {
  it("stores the entry without moving; refuses invalid input", () => {
    const m = model();
    m.key({ key: "5" });
    expect(m.commitHere()).toEqual({ type: "commit", row: 0, col: 0, input: "5", display: "5" });
    expect([m.row, m.col]).toEqual([0, 0]);
    m.key({ key: "9" });
    expect(m.commitHere().type).toBe("invalid");
    expect(m.commitHere().type).toBe("invalid");
    m.key({ key: "Escape" });
    expect(m.commitHere()).toEqual({ type: "ignored" });
  });
});
