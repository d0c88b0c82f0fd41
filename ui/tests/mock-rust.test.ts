// The mock backend against the real commands: `mock-rust-cases.json` holds what the Rust
// `App::grid` answered for every student's period column of a demo page (after a teacher typed
// into it), the school's rules those figures follow, and what `App::set_cell` answered to a
// write into a journal the class teacher may only read. The mock must compute the same figures
// by its own rules and refuse the same way. Regenerate the file after a change of the Rust
// side with the command in crates/service/src/view/recorded.rs.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MockBackend, SETTINGS, periodFigures, type FigureCell } from "../src/mock";

interface Recorded {
  settings: { min_marks: number; rounding: [number, number, number]; weights: Record<string, number> };
  columns: Array<{ cells: FigureCell[]; average: number | null; count: number; suggested: string }>;
  read_only: { access: string; code: string };
}

const recorded = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "mock-rust-cases.json"), "utf8"),
) as Recorded;

describe("the mock answers as the real commands do", () => {
  it("follows the demo school's rules", () => {
    expect(SETTINGS).toEqual(recorded.settings);
  });

  it("computes every period column of the recorded page as Rust did", () => {
    expect(recorded.columns.length).toBeGreaterThan(20);
    const disagree = recorded.columns.flatMap((c, i) => {
      const got = periodFigures(c.cells);
      const rust = { average: c.average, count: c.count, suggested: c.suggested };
      return JSON.stringify(got) === JSON.stringify(rust) ? [] : [{ student: i, rust, mock: got, cells: c.cells }];
    });
    expect(disagree).toEqual([]);
  });

  it("the recorded page has every kind of column: weighted, too few marks, exempt", () => {
    const suggested = new Set(recorded.columns.map((c) => c.suggested));
    for (const s of ["н/а", "осв"]) expect(suggested).toContain(s);
    expect([...suggested].some((s) => /^[2-5]$/.test(s))).toBe(true);
    const weighted = recorded.columns.some((c) => c.cells.some((x) => x.work_type && recorded.settings.weights[x.work_type]! > 1));
    expect(weighted).toBe(true);
  });

  it("refuses a write into a journal the class teacher reads, with the same code", async () => {
    expect(recorded.read_only.access).toBe("read");
    const m = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    const js = await m.myJournals();
    if (!js.ok) throw new Error(js.error.message);
    const read = js.value.find((j) => j.access === recorded.read_only.access)!;
    const g = await m.grid(read.class_id, read.subject_id, null, "Q1");
    if (!g.ok) throw new Error(g.error.message);
    const r = await m.setCell(read.class_id, read.subject_id, g.value.lessons[0]!.id, g.value.students[0]!.id, "5");
    expect(r).toMatchObject({ ok: false, error: { code: recorded.read_only.code } });
  });
});
