// The TypeScript cell parser against the Rust one: `cell-rust-cases.json` holds what
// `CellInput::parse` answered to 1 175 inputs (the cases of entry.rs, every one- and two-character
// string of a teacher's alphabet, 600 seeded random combinations). Regenerate it after a change
// of the Rust grammar with the command in scripts/cell-cases/Cargo.toml.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { displayCell, parseCell } from "../src/cell";

const cases = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "cell-rust-cases.json"), "utf8"),
) as Array<[string, string | null, string | null]>;

describe("the cell parser agrees with CellInput::parse", () => {
  it("on every input of the Rust table", () => {
    expect(cases.length).toBeGreaterThan(1000);
    const disagree = cases.flatMap(([input, shown, error]) => {
      const p = parseCell(input);
      const got = p.ok ? [displayCell(p.value), null] : [null, p.message];
      return got[0] === shown && got[1] === error ? [] : [{ input, rust: [shown, error], ts: got }];
    });
    expect(disagree).toEqual([]);
  });

  it("the table has both accepted and refused inputs of every kind", () => {
    const errors = new Set(cases.map(([, , e]) => e?.replace(/«.*»|\(.\)/g, "…")).filter(Boolean));
    expect(errors.size).toBe(4);
    expect(cases.filter(([, shown]) => shown !== null).length).toBeGreaterThan(100);
  });
});
