// Paper documents: choose the document, class and period (and student or month where needed),
// the printing option of the certification sheet, watch the progress, preview, save and print.

import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api";
import type { JournalRef, Period, ReportKind, ReportProgress, ReportResult, RosterView } from "../types";
import { classesOf } from "./class";
import { count, localToday, PERIOD_TITLES, periodsOf, schoolMonths } from "../ru";

export const REPORTS: Array<{ kind: ReportKind; title: string; period: boolean; student?: boolean; month?: boolean; sides?: boolean }> = [
  { kind: "period-copy", title: "Копия журнала за период (четверть, полугодие)", period: true },
  { kind: "year-journal", title: "Годовой журнал для прошивки", period: false, sides: true },
  { kind: "class-results", title: "Итоги успеваемости класса", period: true },
  { kind: "marks-summary", title: "Сводная ведомость успеваемости", period: false },
  { kind: "attendance", title: "Сводная ведомость посещаемости", period: true },
  { kind: "attendance-month", title: "Посещаемость за месяц", period: false, month: true },
  { kind: "movement", title: "Движение учащихся", period: false },
  { kind: "monitoring", title: "Мониторинг заполнения журнала", period: false },
  { kind: "extract", title: "Выписка отметок для родителей", period: true, student: true },
  { kind: "letter", title: "Информационное письмо родителям", period: false },
];

export function ReportsPage({ api, journals, year }: { api: Api; journals: JournalRef[]; year: string | null }) {
  const classes = classesOf(journals);
  // The class one leads comes first (its other subjects are the ones one only reads).
  const led = classesOf(journals.filter((j) => j.access === "read"));
  // Until the user chooses, the defaults follow the journals (they arrive after the page).
  const [classId, setClassId] = useState<string | null>(null);
  const [kind, setKind] = useState<ReportKind>("period-copy");
  const cls = classes.find((c) => c.id === classId) ?? led[0] ?? classes[0];
  // The class's marking periods, as its journals list them (without the year).
  const periods = (journals.find((j) => j.class_id === cls?.id)?.periods ?? (cls ? periodsOf(cls.name) : [])).filter((p) => p !== "Year");
  // The period under way (after the year: its last one).
  const current = journals.find((j) => j.class_id === cls?.id)?.current_period;
  const [chosenPeriod, setPeriod] = useState<Period | null>(null);
  const period: Period =
    chosenPeriod && periods.includes(chosenPeriod as never) ? chosenPeriod : current && current !== "Year" ? current : (periods.at(-1) ?? "Q1");
  const [student, setStudent] = useState("");
  const [month, setMonth] = useState(() => {
    const months = schoolMonths(year);
    const now = localToday().slice(0, 7);
    return months.find((m) => m.value === now)?.value ?? months[0]!.value;
  });
  const [twoSided, setTwoSided] = useState(false);
  const [roster, setRoster] = useState<RosterView | null>(null);
  const [progress, setProgress] = useState<ReportProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ReportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dest, setDest] = useState("");
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  /** The pages to print («3», «1-4, 7»), empty for all. */
  const [pages, setPages] = useState("");
  /** The question asked before a file at `dest` is replaced. */
  const [replace, setReplace] = useState<string | null>(null);
  const spec = REPORTS.find((r) => r.kind === kind)!;

  useEffect(() => {
    let stop: (() => void) | null = null;
    void api.onReportProgress(setProgress).then((f) => (stop = f));
    return () => stop?.();
  }, []);
  useEffect(() => {
    // Another document asked for: the last one's result is not this one's.
    setResult(null);
    setNote(null);
    setReplace(null);
    setPages(""); // the pages of the last document are not this one's
  }, [cls?.id, kind, period, student, month, twoSided]);
  useEffect(() => {
    if (spec.student && cls) void api.roster(cls.id).then((r) => r.ok && setRoster(r.value));
  }, [cls?.id, kind]);

  if (!cls) return <div class="page muted">Нет классов, по которым вы можете печатать документы.</div>;

  const make = async () => {
    if (spec.student && !student) return setError("Выберите ученика");
    setBusy(true);
    setError(null);
    setResult(null);
    setNote(null);
    setReplace(null);
    setProgress({ done: 0, total: 1 });
    const r = await api.makeReport({
      kind,
      class_id: cls.id,
      ...(spec.period ? { period } : {}),
      ...(spec.student ? { student_id: student } : {}),
      ...(spec.month ? { month } : {}),
      ...(spec.sides ? { two_sided: twoSided } : {}),
    });
    setBusy(false);
    if (r.ok) {
      setResult(r.value);
      setDest(r.value.suggested);
    } else setError(r.error.message);
  };
  const save = async (overwrite: boolean) => {
    if (!result) return;
    setReplace(null);
    setNote(null); // the last answer is not this one's
    const r = await api.saveReport(result.path, dest, overwrite);
    if (r.ok) setNote({ ok: true, text: `Сохранено: ${dest}` });
    else if (r.error.code === "exists") {
      setNote(null);
      setReplace(r.error.message);
    } else setNote({ ok: false, text: r.error.message });
  };
  const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <div class="page reports-page">
      <form
        class="card report-form"
        onSubmit={(e) => {
          e.preventDefault();
          void make();
        }}
      >
        <h2>Документы для печати</h2>
        <label>
          Документ
          <select data-testid="report-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as ReportKind)}>
            {REPORTS.map((r) => (
              <option value={r.kind}>{r.title}</option>
            ))}
          </select>
        </label>
        <label>
          Класс
          <select data-testid="report-class" value={cls.id} onChange={(e) => setClassId((e.target as HTMLSelectElement).value)}>
            {classes.map((c) => (
              <option value={c.id}>{c.name}</option>
            ))}
          </select>
        </label>
        {spec.period && (
          <label>
            Период
            <select data-testid="report-period" value={period} onChange={(e) => setPeriod((e.target as HTMLSelectElement).value as Period)}>
              {periods.map((p) => (
                <option value={p}>{PERIOD_TITLES[p]}</option>
              ))}
            </select>
          </label>
        )}
        {spec.student && (
          <label>
            Ученик
            <select data-testid="report-student" value={student} onChange={(e) => setStudent((e.target as HTMLSelectElement).value)}>
              <option value="">— выберите —</option>
              {roster?.students.map((s) => (
                <option value={s.id}>{s.name}</option>
              ))}
            </select>
          </label>
        )}
        {spec.month && (
          <label>
            Месяц
            <select data-testid="report-month" value={month} onChange={(e) => setMonth((e.target as HTMLSelectElement).value)}>
              {schoolMonths(year).map((m) => (
                <option value={m.value}>{m.title}</option>
              ))}
            </select>
          </label>
        )}
        {spec.sides && (
          <fieldset class="sides" data-testid="report-sides">
            <legend>Печать</legend>
            <label class="radio">
              <input type="radio" name="sides" data-testid="report-one-sided" checked={!twoSided} onChange={() => setTwoSided(false)} />
              на одной стороне листа
            </label>
            <label class="radio">
              <input type="radio" name="sides" data-testid="report-two-sided" checked={twoSided} onChange={() => setTwoSided(true)} />
              на обеих сторонах листа
            </label>
            <p class="muted small">В надписи «Прошито, пронумеровано и скреплено печатью…» считаются листы: при печати с двух сторон их вдвое меньше.</p>
          </fieldset>
        )}
        <button class="primary" type="submit" data-testid="report-make" disabled={busy}>
          {busy ? "Готовлю документ…" : "Сформировать"}
        </button>
        {(busy || (progress && result === null && !error)) && (
          <div class="progress" data-testid="report-progress" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
            <div class="bar" style={{ width: `${pct}%` }} />
            <span>{progress ? `Готово ${pct} %` : "Начинаю…"}</span>
          </div>
        )}
        {error && (
          <p class="error" role="alert" data-testid="report-error">
            {error}
          </p>
        )}
        {result && (
          <div class="report-result">
            <p>
              Готово: {count(result.pages, ["страница", "страницы", "страниц"])}, {(result.bytes / 1024).toFixed(0)} КБ
            </p>
            <p class="path" data-testid="report-path">
              {result.path}
            </p>
            <div class="row">
              <input class="path" data-testid="report-dest" value={dest} onInput={(e) => setDest((e.target as HTMLInputElement).value)} />
              <button
                type="button"
                data-testid="report-pick"
                onClick={async () => {
                  const p = await api.pickFile("save", [{ name: "PDF", extensions: ["pdf"] }], dest);
                  if (p) setDest(p);
                }}
              >
                Куда…
              </button>
            </div>
            <div class="row">
              <button
                type="button"
                data-testid="report-save"
                onClick={() => void save(false)}
              >
                Сохранить
              </button>
              <label class="field-inline print-pages">
                Страницы
                <input
                  data-testid="report-pages"
                  placeholder="все"
                  title="Например: 3 или 1-4, 7"
                  value={pages}
                  onInput={(e) => setPages((e.target as HTMLInputElement).value)}
                />
              </label>
              <button
                type="button"
                data-testid="report-print"
                onClick={async () => {
                  setNote(null);
                  const r = await api.printReport(result.path, pages);
                  const what = pages.trim() ? `Страницы ${pages.trim()} отправлены на печать` : "Отправлено на печать";
                  setNote(r.ok ? { ok: true, text: what } : { ok: false, text: r.error.message });
                }}
              >
                Печать
              </button>
              <button
                type="button"
                data-testid="report-open"
                onClick={async () => {
                  setNote(null);
                  const r = await api.openReport(result.path);
                  setNote(r.ok ? { ok: true, text: "Документ открыт в программе просмотра" } : { ok: false, text: r.error.message });
                }}
              >
                Открыть в программе просмотра
              </button>
            </div>
            {replace && (
              <p class="notice" data-testid="report-replace">
                {replace}{" "}
                <button type="button" class="primary" data-testid="report-replace-yes" onClick={() => void save(true)}>
                  Заменить
                </button>{" "}
                <button type="button" data-testid="report-replace-no" onClick={() => setReplace(null)}>
                  Не заменять
                </button>
              </p>
            )}
            {note && <p class={note.ok ? "ok" : "error"} data-testid="report-note">{note.text}</p>}
          </div>
        )}
      </form>
      <div class="preview">
        {result ? (
          <iframe data-testid="report-preview" title="Просмотр документа" src={api.fileUrl(result.path)} />
        ) : (
          <div class="preview-empty muted">Здесь появится документ, как он будет напечатан.</div>
        )}
      </div>
    </div>
  );
}
