import { describe, expect, it } from "vitest";
import { displayCell, layoutFix, parseCell, parseFinal } from "../src/cell";

// The table mirrors `crates/domain/src/entry.rs` (its tests and its grammar): input → the cell
// as displayed, or the Rust error message.
const accepted: Array<[string, string]> = [
  ["5", "5"],
  ["54", "5 4"],
  ["5/4", "5 4"],
  ["5 4", "5 4"],
  [" 3 , 2 ", "3 2"],
  ["3;2", "3 2"],
  ["н", "Н"],
  ["Н", "Н"],
  ["Б", "Б"],
  ["у", "У"],
  ["о", "О"],
  ["о5", "О 5"],
  ["5о", "О 5"],
  ["н/а", "н/а"],
  ["Н/А", "н/а"],
  ["зач", "зач"],
  ["зачёт", "зач"],
  ["незач", "незач"],
  ["незачет", "незач"],
  ["осв", "осв"],
  ["5 н/а", "5 н/а"],
  ["5432", "5 4 3 2"],
  ["1", "1"],
  ["", ""],
  ["   ", ""],
];

const refused: Array<[string, string]> = [
  ["6", "«6» — не отметка и не код посещаемости. Допустимо: 1–5, н/а, зач, незач, осв, Н, Б, У, О"],
  ["0", "«0» — не отметка"],
  ["x", "«x» — не отметка"],
  ["X5", "«x5» — не отметка"],
  ["на", "«а» — не отметка"],
  ["5+", "«+» — не отметка"],
  ["нб", "в одной клетке может быть только один код посещаемости"],
  ["н о", "в одной клетке может быть только один код посещаемости"],
  ["н5", "ученик отсутствовал (Н): отметку за этот урок поставить нельзя"],
  ["5 б", "ученик отсутствовал (Б): отметку за этот урок поставить нельзя"],
  ["у зач", "ученик отсутствовал (У): отметку за этот урок поставить нельзя"],
  ["55555", "в одной клетке не больше 4 отметок"],
  ["н55555", "в одной клетке не больше 4 отметок"],
];

describe("parseCell follows the Rust grammar", () => {
  it.each(accepted)("accepts %j as %j", (input, shown) => {
    const p = parseCell(input);
    expect(p.ok).toBe(true);
    if (p.ok) expect(displayCell(p.value)).toBe(shown);
  });

  it.each(refused)("refuses %j with the Rust message", (input, message) => {
    const p = parseCell(input);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message.startsWith(message)).toBe(true);
  });

  it("reads the late code and a mark in either order", () => {
    const p = parseCell("о5");
    expect(p).toEqual({ ok: true, value: { marks: ["5"], attendance: "О" } });
  });

  it("displayed cells parse back to themselves", () => {
    for (const [, shown] of accepted) {
      const p = parseCell(shown);
      expect(p.ok && displayCell(p.value)).toBe(shown);
    }
  });
});

describe("parseFinal reads a period mark like MarkValue::from_str", () => {
  it.each([
    ["4", "4"],
    [" 5 ", "5"],
    ["н/а", "н/а"],
    ["на", "н/а"],
    ["Зачёт", "зач"],
    ["незачет", "незач"],
    ["осв", "осв"],
    ["", ""],
  ])("accepts %j as %j", (input, shown) => {
    const p = parseFinal(input);
    expect(p.ok && displayCell(p.value)).toBe(shown);
  });
  it.each(["5 4", "54", "4/", "н", "7", "о5"])("refuses %j", (input) => {
    const p = parseFinal(input);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toContain("не отметка за период");
  });
});

describe("layoutFix", () => {
  it("reads Latin letters as the Cyrillic on the same key", () => {
    expect(layoutFix("y")).toBe("н");
    expect(layoutFix("Y")).toBe("н");
    expect(layoutFix("e")).toBe("у");
    expect(layoutFix("j")).toBe("о");
    expect(layoutFix("5")).toBe("5");
    expect(layoutFix("/")).toBe("/");
    expect(layoutFix("б")).toBe("б");
  });
  it("reads «,» as «б» at the start of an entry, as a separator after a mark", () => {
    expect(layoutFix(",", true)).toBe("б");
    expect(layoutFix(",")).toBe(",");
  });
});

import { plural, periodsOf } from "../src/ru";
describe("Russian words", () => {
  it("agrees numbers", () => {
    const f: [string, string, string] = ["отметка", "отметки", "отметок"];
    expect([1, 2, 4, 5, 11, 12, 21, 22, 25, 101, 111].map((n) => plural(n, f))).toEqual([
      "отметка", "отметки", "отметки", "отметок", "отметок", "отметок", "отметка", "отметки", "отметок", "отметка", "отметок",
    ]);
  });
  it("quarters for grades 2–9, halves for 10–11", () => {
    expect(periodsOf("7Б")).toEqual(["Q1", "Q2", "Q3", "Q4"]);
    expect(periodsOf("10А")).toEqual(["H1", "H2"]);
  });
});

import { parseRuDate, schoolMonths } from "../src/ru";
describe("dates as teachers type them", () => {
  it.each([
    ["03.09.2025", "2025-09-03"],
    ["3.9.2025", "2025-09-03"],
    ["03.09.25", "2025-09-03"],
    ["3/9/2025", "2025-09-03"],
    ["2025-09-03", "2025-09-03"],
    [" 29.02.2024 ", "2024-02-29"],
  ])("%j is %j", (t, iso) => expect(parseRuDate(t)).toBe(iso));
  it.each(["31.09.2025", "29.02.2025", "03.09.2", "завтра", "", "2025-13-01"])("%j is not a date", (t) =>
    expect(parseRuDate(t)).toBeNull(),
  );
  it("the months of a school year", () => {
    const m = schoolMonths("2025/26");
    expect(m).toHaveLength(9);
    expect(m[0]).toEqual({ value: "2025-09", title: "сентябрь 2025" });
    expect(m[8]).toEqual({ value: "2026-05", title: "май 2026" });
  });
});
