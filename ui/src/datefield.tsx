// A date field that takes what a Russian teacher types (`03.09.2025`) and gives ISO dates to the
// commands. A plain text field on purpose: the webviews the app runs in draw `<input type=date>`
// differently (or in the US order), and a typed date should not depend on that.

import { useEffect, useState } from "preact/hooks";
import { parseRuDate, ruDate } from "./ru";

interface Props {
  /** ISO date, or "" for none. */
  value: string;
  onChange: (iso: string) => void;
  testid: string;
  disabled?: boolean;
}

export function DateField({ value, onChange, testid, disabled }: Props) {
  const [text, setText] = useState(value ? ruDate(value) : "");
  useEffect(() => setText(value ? ruDate(value) : ""), [value]);
  const iso = parseRuDate(text);
  const bad = text.trim() !== "" && iso === null;
  return (
    <input
      class={"date-field" + (bad ? " bad" : "")}
      data-testid={testid}
      value={text}
      disabled={disabled}
      placeholder="дд.мм.гггг"
      inputMode="numeric"
      title={bad ? "Дата пишется так: 03.09.2025" : undefined}
      aria-invalid={bad}
      onInput={(e) => {
        const t = (e.target as HTMLInputElement).value;
        setText(t);
        const d = parseRuDate(t);
        if (d) onChange(d);
        else if (t.trim() === "") onChange("");
      }}
    />
  );
}
