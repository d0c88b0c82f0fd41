// The journal's period marks side by side: every student's marks count, weighted average, the
// suggested mark and the mark given, and «Принять предложенные» for the students the teacher
// ticks — each still her choice, each stored as its own edit (one change per student, through the
// same command as a period mark typed in the grid).

import { useState } from "preact/hooks";
import type { Api } from "../api";
import type { FinalView, GridView } from "../types";
import { count } from "../ru";

/** The students ticked at first: on the roll, with no period mark yet and a mark suggested
 * from marks (never «н/а»: not certifying a student is decided one by one). */
export function firstTicked(view: GridView): Set<string> {
  const onRoll = new Set(view.students.filter((s) => s.on_roll).map((s) => s.id));
  return new Set(
    view.finals
      .filter((f) => onRoll.has(f.student) && !f.period_mark && f.suggested && f.suggested !== "н/а" && f.count > 0)
      .map((f) => f.student),
  );
}

interface Props {
  api: Api;
  view: GridView;
  readOnly: boolean;
  onClose: (changed: boolean) => void;
}

export function PeriodMarks({ api, view, readOnly, onClose }: Props) {
  const [ticked, setTicked] = useState<Set<string>>(() => (readOnly ? new Set() : firstTicked(view)));
  const [finals, setFinals] = useState<Map<string, FinalView>>(() => new Map(view.finals.map((f) => [f.student, f])));
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [changed, setChanged] = useState(false);
  const toggle = (id: string) =>
    setTicked((t) => {
      const n = new Set(t);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const accept = async () => {
    setBusy(true);
    setErrors([]);
    let stored = 0;
    const failed: string[] = [];
    const next = new Map(finals);
    for (const s of view.students) {
      const f = finals.get(s.id);
      if (!ticked.has(s.id) || !f?.suggested) continue;
      const r = await api.setFinal(view.class_id, view.subject_id, s.id, view.period, f.suggested);
      if (r.ok) {
        stored++;
        next.set(s.id, r.value.final);
      } else failed.push(`${s.name}: ${r.error.message}`);
    }
    setFinals(next);
    setTicked(new Set());
    setBusy(false);
    setErrors(failed);
    if (stored > 0) setChanged(true);
    setDone(stored > 0 ? `Выставлено: ${count(stored, ["отметка", "отметки", "отметок"])}` : null);
  };
  return (
    <div class="modal-back" onClick={() => !busy && onClose(changed)}>
      <div class="modal wide" role="dialog" aria-labelledby="finals-title" data-testid="finals" onClick={(e) => e.stopPropagation()}>
        <h2 id="finals-title">
          Отметки за {view.period_title}: {view.class}, {view.subject}
        </h2>
        <div class="finals-scroll">
          <table class="list finals-table">
            <thead>
              <tr>
                <th>№</th>
                <th>Ученик</th>
                <th>Отметок</th>
                <th>Средний балл</th>
                <th>Предложено</th>
                <th>Выставлено</th>
                {!readOnly && <th>Принять</th>}
              </tr>
            </thead>
            <tbody>
              {view.students.map((s) => {
                const f = finals.get(s.id);
                const differs = f?.period_mark && f.suggested && f.period_mark !== f.suggested;
                return (
                  <tr data-testid={`finals-row-${s.number}`} class={s.on_roll ? "" : "off-roll"}>
                    <td>{s.number}</td>
                    <td>
                      {s.name}
                      {!s.on_roll && <span class="muted small"> (не весь период в классе)</span>}
                    </td>
                    <td class="num">{f?.count ?? 0}</td>
                    <td class="num">{f?.average != null ? f.average.toFixed(2).replace(".", ",") : "—"}</td>
                    <td class="num" data-testid={`finals-suggested-${s.number}`}>
                      {f?.suggested ?? "—"}
                    </td>
                    <td class={"num" + (differs ? " differs" : "")} data-testid={`finals-mark-${s.number}`} title={differs ? "Отличается от предложенной" : ""}>
                      {f?.period_mark ?? ""}
                    </td>
                    {!readOnly && (
                      <td class="num">
                        <input
                          type="checkbox"
                          data-testid={`finals-tick-${s.number}`}
                          checked={ticked.has(s.id)}
                          disabled={busy || !f?.suggested}
                          onChange={() => toggle(s.id)}
                        />
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {errors.length > 0 && (
          <ul class="error" role="alert" data-testid="finals-errors">
            {errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        )}
        {done && (
          <p class="ok" data-testid="finals-done">
            {done}
          </p>
        )}
        <div class="row">
          {!readOnly && (
            <button class="primary" data-testid="finals-accept" disabled={busy || ticked.size === 0} onClick={() => void accept()}>
              {busy ? "Выставляю…" : `Принять предложенные (${ticked.size})`}
            </button>
          )}
          <button data-testid="finals-close" disabled={busy} onClick={() => onClose(changed)}>
            Закрыть
          </button>
        </div>
        {!readOnly && (
          <p class="muted small">
            Отмечены ученики без отметки за период, у которых есть отметки для предложения. Отметку «н/а» и любую другую можно поставить и исправить в столбце
            периода журнала.
          </p>
        )}
      </div>
    </div>
  );
}
