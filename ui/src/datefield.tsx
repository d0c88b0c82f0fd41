// A date field that takes what a Russian teacher types (`03.09.2025`, `03.09.25`, `03.09`) and
// gives ISO dates to the commands. A plain text field on purpose: the webviews the app runs in
// draw `<input type=date>` differently (or in the US order), and a typed date should not depend
// on that.
//
// What the teacher types is never rewritten while she types (a prefix such as `26.05.20` is a
// date of its own); the text is put into its full form when she leaves the field. The parent
// always learns what the field shows: the ISO date, "" for an empty field, or null for text that
// is not a date — and a form must not save a null (see `dateProblem`).

import { useRef, useState } from "preact/hooks";
import { parseRuDate, ruDate } from "./ru";

interface Props {
  /** ISO date, "" for none, or null while the field holds text that is not a date. */
  value: string | null;
  onChange: (iso: string | null) => void;
  testid: string;
  disabled?: boolean;
  /** The school year ("2025/2026") a date typed without its year belongs to. */
  year?: string | null;
  onEnter?: () => void;
}

export const DATE_HINT = "Дата пишется так: 03.09.2025, 03.09.25 или 03.09";

/** Why a form cannot take the field's value, or null when it can. */
export function dateProblem(value: string | null, required = true): string | null {
  if (value === null) return `Неверная дата. ${DATE_HINT}.`;
  if (value === "" && required) return "Укажите дату.";
  return null;
}

export function DateField({ value, onChange, testid, disabled, year, onEnter }: Props) {
  const [typed, setText] = useState(value ? ruDate(value) : "");
  // A new value from outside (another lesson chosen, the form cleared) replaces the text; the
  // value the field itself reported does not. Decided while rendering, against the value of the
  // last render, never in a deferred effect: an effect that ran after the next key would put
  // back a date the teacher has typed past (`26.05.20` on the way to `26.05.2026`).
  const seen = useRef(value);
  let text = typed;
  if (value !== seen.current) {
    seen.current = value;
    const shown = typed.trim() === "" ? "" : parseRuDate(typed, year);
    if (value !== null && shown !== value) {
      text = value ? ruDate(value) : "";
      setText(text);
    }
  }
  const iso = text.trim() === "" ? "" : parseRuDate(text, year);
  const bad = iso === null;
  return (
    <input
      class={"date-field" + (bad ? " bad" : "")}
      data-testid={testid}
      value={text}
      disabled={disabled}
      placeholder="дд.мм.гггг"
      inputMode="numeric"
      title={bad ? DATE_HINT : undefined}
      aria-invalid={bad}
      onInput={(e) => {
        const t = (e.target as HTMLInputElement).value;
        setText(t);
        onChange(t.trim() === "" ? "" : parseRuDate(t, year));
      }}
      onBlur={() => {
        if (iso) setText(ruDate(iso));
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter" && onEnter) {
          e.preventDefault();
          onEnter();
        }
      }}
    />
  );
}
