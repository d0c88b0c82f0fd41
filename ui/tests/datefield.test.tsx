import { render } from "preact";
import { useState } from "preact/hooks";
import { afterEach, describe, expect, it } from "vitest";
import { DateField, dateProblem } from "../src/datefield";
import { localToday, parseRuDate } from "../src/ru";

// A form holding the field's value the way the app's forms do: the field's report goes into
// the form's state, and the state comes back to the field as its value.
let reported: Array<string | null> = [];
function Form({ initial = "", year = "2025/2026" }: { initial?: string; year?: string }) {
  const [value, setValue] = useState<string | null>(initial);
  return (
    <DateField
      testid="d"
      value={value}
      year={year}
      onChange={(v) => {
        reported.push(v);
        setValue(v);
      }}
    />
  );
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const field = () => document.querySelector('[data-testid="d"]') as HTMLInputElement;

/** Types `text` one character at a time, as a keyboard does, and returns what the field showed
 * after each key. */
async function typeKeys(text: string): Promise<string[]> {
  const shown = [];
  for (let k = 1; k <= text.length; k++) {
    const input = field();
    input.value = text.slice(0, k);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await tick();
    shown.push(field().value);
  }
  return shown;
}

// 40 inputs with the school year 2025/2026: what the form holds after the last key.
const CASES: Array<[string, string | null]> = [
  ["26.05.2026", "2026-05-26"],
  ["03.09.2025", "2025-09-03"],
  ["3.9.2025", "2025-09-03"],
  ["03.09.25", "2025-09-03"],
  ["03.09", "2025-09-03"],
  ["12.01", "2026-01-12"],
  ["31.08", "2026-08-31"],
  ["01.09", "2025-09-01"],
  ["29.02.2024", "2024-02-29"],
  ["29.02.2026", null],
  ["31.04.2026", null],
  ["00.05.2026", null],
  ["15.13.2025", null],
  ["15.05.202026", null],
  ["2026-05-26", "2026-05-26"],
  ["26/05/2026", "2026-05-26"],
  ["26,05,2026", "2026-05-26"],
  ["26.05.2026.", "2026-05-26"],
  [" 26.05.2026 ", "2026-05-26"],
  ["26.05.20", "2020-05-26"],
  ["26.5.26", "2026-05-26"],
  ["1.1", "2026-01-01"],
  ["1.1.1", null],
  ["26.05.2", null],
  ["26.05.202", null],
  ["abc", null],
  ["26..05.2026", null],
  ["26.05.2026x", null],
  ["5", null],
  ["26.", null],
  ["26.0", null],
  ["31.12", "2025-12-31"],
  ["01.01.2000", "2000-01-01"],
  ["15.05.2020", "2020-05-15"],
  ["2025-9-3", "2025-09-03"],
  ["03.09.2025г", null],
  ["3 9 2025", null],
  ["30.06", "2026-06-30"],
  ["   ", ""],
  ["31.09", null],
];

describe("the date field typed key by key", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => {
    render(null, host);
    reported = [];
  });

  it("has forty cases", () => expect(CASES.length).toBe(40));

  it.each(CASES)("%j: every key stays as typed, and the form holds %j", async (text, want) => {
    render(<Form />, host);
    const shown = await typeKeys(text);
    // Never rewritten while typed (a prefix such as 26.05.20 is a date of its own).
    expect(shown).toEqual([...text].map((_, k) => text.slice(0, k + 1)));
    expect(reported.at(-1)).toBe(want);
    // The red mark is on exactly when the form could not take the text.
    expect(field().classList.contains("bad")).toBe(want === null);
    expect(dateProblem(want) === null).toBe(want !== null && want !== "");
  });

  it("leaving the field writes a date in full, and a bad one is left as typed", async () => {
    render(<Form />, host);
    await typeKeys("3.9");
    field().dispatchEvent(new FocusEvent("blur"));
    await tick();
    expect(field().value).toBe("03.09.2025");
    expect(reported.at(-1)).toBe("2025-09-03");
    await typeKeys("15.05.202026");
    field().dispatchEvent(new FocusEvent("blur"));
    await tick();
    expect(field().value).toBe("15.05.202026");
    expect(reported.at(-1)).toBeNull();
  });

  it("a value from outside replaces the text", async () => {
    render(<DateField testid="d" value="2025-09-03" onChange={() => {}} />, host);
    await tick();
    expect(field().value).toBe("03.09.2025");
    render(<DateField testid="d" value="2026-05-26" onChange={() => {}} />, host);
    await tick();
    expect(field().value).toBe("26.05.2026");
  });
});

describe("dates as a teacher types them", () => {
  it("a day and month without a year belong to the school year of today when none is given", () => {
    expect(parseRuDate("01.09", null, new Date(2026, 2, 11))).toBe("2025-09-01");
    expect(parseRuDate("01.03", null, new Date(2026, 2, 11))).toBe("2026-03-01");
    expect(parseRuDate("01.03", null, new Date(2026, 9, 1))).toBe("2027-03-01");
  });

  it("today is the local date, not the UTC one", () => {
    const tz = process.env.TZ;
    process.env.TZ = "Asia/Yekaterinburg";
    try {
      // 02:30 on 11 March in Yekaterinburg (UTC+5) is still 10 March in UTC.
      const d = new Date(Date.UTC(2026, 2, 10, 21, 30));
      expect(d.toISOString().slice(0, 10)).toBe("2026-03-10");
      expect(localToday(d)).toBe("2026-03-11");
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});
