// The journal list and one journal: the grid, its period, the save state, and the lesson panel
// (date, topic, homework — the right-hand page of the paper journal).

import { useEffect, useRef, useState } from "preact/hooks";
import type { Api } from "../api";
import type { GridView, JournalRef, LessonView, Period } from "../types";
import { JournalGrid, type SaveStatus } from "../grid/grid";
import { allIdle, type FailedAnywhere } from "../grid/queue";
import { count, localToday, PERIOD_TITLES, ruDate } from "../ru";
import { DateField, dateProblem } from "../datefield";
import { keepOnLeaving } from "../leaving";
import { TodayAndWeek } from "./week";
import { PeriodMarks } from "./finals";

export function journalTitle(j: JournalRef): string {
  return `${j.class_name} · ${j.subject_name}${j.subgroup !== null ? ` · ${j.subgroup} группа` : ""}`;
}

interface JournalsProps {
  journals: JournalRef[] | null;
  onOpen: (j: JournalRef) => void;
  /** With both, the list opens on the teacher's lessons of today, and of the week. */
  api?: Api;
  onOpenLesson?: (j: JournalRef, period: Period, lesson: string) => void;
}

export function JournalsPage({ journals, onOpen, api, onOpenLesson }: JournalsProps) {
  if (!journals) return <div class="loading">Загружаю журналы…</div>;
  const own = journals.map((j, i) => [j, i] as const).filter(([j]) => j.access === "write");
  const read = journals.map((j, i) => [j, i] as const).filter(([j]) => j.access === "read");
  const item = ([j, i]: readonly [JournalRef, number]) => (
    <li>
      <button
        class={"journal-item " + j.access}
        data-testid={`journal-${i}`}
        data-class={j.class_name}
        data-subject={j.subject_name}
        data-access={j.access}
        onClick={() => onOpen(j)}
      >
        <span class="cls">{j.class_name}</span>
        <span class="subj">{j.subject_name}</span>
        {j.subgroup !== null && <span class="grp">{j.subgroup} группа</span>}
        {j.access === "read" && <span class="ro-tag">просмотр</span>}
      </button>
    </li>
  );
  return (
    <div class="page journals-page">
      {api && onOpenLesson && own.length > 0 && <TodayAndWeek api={api} onOpen={onOpenLesson} />}
      {own.length > 0 && (
        <section>
          <h2>Мои журналы</h2>
          <ul class="journal-list" data-testid="journal-list">{own.map(item)}</ul>
        </section>
      )}
      {read.length > 0 && (
        <section>
          <h2>Журналы моего класса <span class="muted">— только просмотр</span></h2>
          <ul class="journal-list">{read.map(item)}</ul>
        </section>
      )}
      {journals.length === 0 && <p class="muted">У вас нет журналов: вы не ведёте предметов и не руководите классом.</p>}
    </div>
  );
}

interface JournalPageProps {
  api: Api;
  journal: JournalRef;
  journals: JournalRef[];
  onOpen: (j: JournalRef) => void;
  onUnsaved: (n: number) => void;
  period?: Period;
  /** The lesson to put the cursor on (one opened from «Сегодня»). */
  lesson?: string;
}

export function JournalPage({ api, journal, journals, onOpen, onUnsaved, period: initialPeriod, lesson: initialLesson }: JournalPageProps) {
  const [period, setPeriod] = useState<Period>(initialPeriod ?? journal.current_period);
  const [view, setView] = useState<GridView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lessonIdx, setLessonIdx] = useState<number | null>(null);
  const [status, setStatus] = useState<SaveStatus>({ pending: 0, failed: [], hint: null });
  /** The period marks side by side, read afresh when opened. */
  const [finals, setFinals] = useState<GridView | null>(null);
  const openFinals = async () => {
    await allIdle(); // what was typed in the grid counts in the figures
    const r = await api.grid(journal.class_id, journal.subject_id, journal.subgroup, period);
    if (r.ok) setFinals(r.value);
    else setError(r.error.message);
  };
  const grid = useRef<JournalGrid | null>(null);
  /** The lesson to put the cursor on when the grid is built again (one just added). */
  const focusLesson = useRef<string | null>(initialLesson ?? null);
  const host = useRef<HTMLDivElement>(null);

  const load = async (p: Period) => {
    await allIdle(); // what was typed (here or in the journal just left) is stored before reading
    const r = await api.grid(journal.class_id, journal.subject_id, journal.subgroup, p);
    if (r.ok) {
      setView(r.value);
      setError(null);
    } else setError(r.error.message);
  };
  useEffect(() => void load(period), [period]);

  useEffect(() => {
    if (!view || !host.current) return;
    const g = new JournalGrid({
      api,
      journal,
      view,
      onColumn: setLessonIdx,
      onLessonKey: () => (document.querySelector('[data-testid="lesson-topic"]') as HTMLTextAreaElement | null)?.focus(),
      onStatus: (s) => {
        setStatus(s);
        onUnsaved(s.pending);
      },
    });
    grid.current = g;
    setStatus(g.status()); // failures of a grid left behind are still shown, and can be sent again
    host.current.replaceChildren(g.root);
    const added = view.lessons.findIndex((l) => l.id === focusLesson.current);
    focusLesson.current = null;
    setLessonIdx(view.lessons.length ? 0 : null);
    // The cursor starts on the lesson just added, else on today's lesson (the last one up to
    // today): at the end of a lesson the teacher types straight into its column.
    const today = localToday();
    const upToToday = view.lessons.reduce((last, l, i) => (l.date <= today ? i : last), -1);
    if (added >= 0) g.select(0, added);
    else if (upToToday > 0) g.select(0, upToToday);
    g.focus();
    void api.conflicts().then((r) => r.ok && g.markConflicts(r.value));
    return keepOnLeaving(() => g.flush());
  }, [view]);

  const readOnly = view ? view.access !== "write" : journal.access !== "write";
  const lesson = view && lessonIdx !== null ? view.lessons[lessonIdx] ?? null : null;
  return (
    <div class="page journal-page">
      <div class="toolbar">
        <select
          class="journal-switch"
          data-testid="journal-select"
          value={String(journals.indexOf(journal))}
          onChange={(e) => {
            const j = journals[Number((e.target as HTMLSelectElement).value)];
            if (j) onOpen(j);
          }}
        >
          {journals.indexOf(journal) < 0 && <option value="-1">{journalTitle(journal)}</option>}
          {journals.map((j, i) => (
            <option value={String(i)}>
              {journalTitle(j)}
              {j.access === "read" ? " (просмотр)" : ""}
            </option>
          ))}
        </select>
        <label class="field-inline">
          Период
          <select data-testid="period-select" value={period} onChange={(e) => setPeriod((e.target as HTMLSelectElement).value as Period)}>
            {journal.periods.map((p) => (
              <option value={p}>{PERIOD_TITLES[p]}</option>
            ))}
          </select>
        </label>
        <button data-testid="finals-open" onClick={() => void openFinals()} title="Все отметки за период рядом с предложенными">
          Итоговые отметки
        </button>
        {readOnly && (
          <span class="read-only-marker" data-testid="read-only" title="Отметки в этом журнале ставит учитель предмета">
            Только просмотр
          </span>
        )}
        <SaveState
          status={status}
          readOnly={readOnly}
          onRetry={async (f) => {
            const here = f.queue === (grid.current?.queue as unknown);
            grid.current?.retry(f);
            if (!here) {
              await allIdle(); // an edit of a grid left behind: show this page again with it
              void load(period);
            }
          }}
        />
      </div>
      {error && (
        <div class="banner error" role="alert" data-testid="journal-error">
          {error}
        </div>
      )}
      <div class="journal-body">
        <div class="grid-host" ref={host} />
        <LessonPanel
          api={api}
          journal={journal}
          year={view ? schoolYearOf(view.period_start) : null}
          periodEnd={view?.period_end ?? null}
          lesson={lesson}
          readOnly={readOnly}
          onSaved={(l) => {
            if (view && lessonIdx !== null && l.date === view.lessons[lessonIdx]?.date) view.lessons[lessonIdx] = l;
            else void load(period);
          }}
          onBack={() => grid.current?.focus()}
          onAdded={(l) => {
            focusLesson.current = l.id;
            void load(period);
          }}
        />
      </div>
      {finals && (
        <PeriodMarks
          api={api}
          view={finals}
          readOnly={readOnly}
          onClose={(changed) => {
            setFinals(null);
            if (changed) void load(period);
            else grid.current?.focus();
          }}
        />
      )}
      <div class="hint-line" data-testid="grid-hint" role="status">
        {status.hint ?? (readOnly ? "Журнал открыт для просмотра: стрелки двигают курсор, изменить ничего нельзя." : LEGEND)}
      </div>
    </div>
  );
}

const LEGEND =
  "5, 4, 54 или 5/4 — отметки · н, б, у, о — посещаемость · н/а, зач, незач, осв · Enter, Tab, стрелки — дальше · Esc — отмена · Delete — очистить · Ctrl+Z — вернуть · Ctrl+Enter — тема урока · F1 — все клавиши";

function SaveState({ status, onRetry, readOnly }: { status: SaveStatus; onRetry: (f: FailedAnywhere) => void; readOnly: boolean }) {
  if (readOnly && status.failed.length === 0) return null;
  if (status.failed.length > 0)
    return (
      <div class="save-state failed" data-testid="save-status" data-state="failed">
        Не сохранено: {count(status.failed.length, ["клетка", "клетки", "клеток"])}
        <ul>
          {status.failed.map((f) => (
            <li>
              {f.label}: {f.error.message}{" "}
              <button class="link" data-testid={`retry-${f.seq}`} onClick={() => onRetry(f)}>
                повторить
              </button>
            </li>
          ))}
        </ul>
      </div>
    );
  if (status.pending > 0)
    return (
      <div class="save-state pending" data-testid="save-status" data-state="pending">
        Сохраняется: {status.pending}
      </div>
    );
  return (
    <div class="save-state saved" data-testid="save-status" data-state="saved">
      Всё сохранено на этом компьютере
    </div>
  );
}

/** The school year a date belongs to, as "2025/2026": September starts it. */
function schoolYearOf(iso: string): string {
  const [y, m] = iso.split("-").map(Number);
  const first = m >= 9 ? y : y - 1;
  return `${first}/${first + 1}`;
}

interface LessonPanelProps {
  /** The school year of the journal, for dates typed without a year. */
  year: string | null;
  /** The period shown: a new lesson is proposed today, or on its last day once it is over. */
  periodEnd: string | null;
  api: Api;
  journal: JournalRef;
  lesson: LessonView | null;
  readOnly: boolean;
  onSaved: (l: LessonView) => void;
  onAdded: (l: LessonView) => void;
  /** Escape: back to the grid. */
  onBack: () => void;
}

/** The date proposed for a new lesson: today, or the period's last day when today is after it
 * (a past year looked at, or a quarter just over). */
export function newLessonDate(today: string, periodEnd: string | null): string {
  return periodEnd && today > periodEnd ? periodEnd : today;
}

function LessonPanel({ api, journal, year, periodEnd, lesson, readOnly, onSaved, onAdded, onBack }: LessonPanelProps) {
  const [date, setDate] = useState<string | null>("");
  const [topic, setTopic] = useState("");
  const [homework, setHomework] = useState("");
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [newDate, setNewDate] = useState<string | null>(newLessonDate(localToday(), periodEnd));
  useEffect(() => setNewDate(newLessonDate(localToday(), periodEnd)), [periodEnd]);
  /** The lesson just marked «Все присутствуют» (its view in the grid is updated in place). */
  const [allPresent, setAllPresent] = useState<string | null>(null);
  // Another lesson chosen: its fields replace the form's, at once while rendering. A deferred
  // effect could run after the teacher's first keys in the topic (Ctrl+Enter right after the
  // click) and wipe them.
  const shownLesson = useRef<string | null | undefined>(undefined);
  if (shownLesson.current !== (lesson?.id ?? null)) {
    shownLesson.current = lesson?.id ?? null;
    setDate(lesson?.date ?? "");
    setTopic(lesson?.topic ?? "");
    setHomework(lesson?.homework ?? "");
    setNote(null);
  }
  const dirty = !!lesson && (date !== lesson.date || topic !== lesson.topic || homework !== lesson.homework);

  /** Saves the lesson's fields; returns what went wrong (null: saved, or nothing to save). */
  const save = async (): Promise<string | null> => {
    // A journal the profile only reads is never written, whatever the keyboard does.
    if (!lesson || readOnly) return null;
    const problem = dateProblem(date);
    if (problem || date === null) {
      setNote({ ok: false, text: problem ?? "" });
      return problem ?? "укажите дату урока";
    }
    const r = await api.saveLesson(journal.class_id, journal.subject_id, lesson.id, { date, topic, homework });
    if (r.ok) {
      setNote({ ok: true, text: "Урок сохранён" });
      onSaved(r.value);
      return null;
    }
    setNote({ ok: false, text: r.error.message });
    return r.error.message;
  };
  // Closing the window or changing the person saves a topic or homework typed and not saved.
  const keep = useRef<() => Promise<string[]>>(async () => []);
  keep.current = async () => {
    if (!dirty || !lesson) return [];
    const problem = await save();
    return problem ? [`Урок ${ruDate(lesson.date)}, тема и задание: ${problem}`] : [];
  };
  useEffect(() => keepOnLeaving(() => keep.current()), []);
  const add = async () => {
    const problem = dateProblem(newDate);
    if (problem || !newDate) return setNote({ ok: false, text: problem ?? "" });
    const r = await api.addLesson(journal.class_id, journal.subject_id, journal.subgroup, newDate);
    if (r.ok) {
      setNote({ ok: true, text: `Урок ${ruDate(r.value.date)} добавлен` });
      onAdded(r.value);
    } else setNote({ ok: false, text: r.error.message });
  };
  return (
    <aside
      class={readOnly ? "lesson-panel read-only" : "lesson-panel"}
      data-testid="lesson-panel"
      data-readonly={String(readOnly)}
      aria-readonly={readOnly}
      onKeyDown={(e) => {
        if (e.key === "Escape") onBack();
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && lesson && !readOnly) {
          e.preventDefault();
          void save().then(onBack);
        }
      }}
    >
      {lesson ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h3>
            Урок {ruDate(lesson.date)}
            {lesson.number ? <span class="muted">, {lesson.number}-й урок</span> : null}
          </h3>
          {readOnly && (
            <p class="read-only-note small" data-testid="lesson-readonly">
              Только просмотр: урок ведёт учитель предмета, изменить его здесь нельзя.
            </p>
          )}
          {lesson.teacher && <p class="muted small">{lesson.teacher}</p>}
          {lesson.work_type && <p class="small work-tag">вид работы: {lesson.work_type}</p>}
          <fieldset class="lesson-fields" disabled={readOnly}>
          <label>
            Дата
            <DateField testid="lesson-date" value={date} year={year} disabled={readOnly} onChange={setDate} />
          </label>
          <label>
            Что пройдено на уроке
            <textarea data-testid="lesson-topic" rows={3} value={topic} disabled={readOnly} onInput={(e) => setTopic((e.target as HTMLTextAreaElement).value)} placeholder={readOnly ? "" : "Тема урока"} />
          </label>
          <label>
            Домашнее задание
            <textarea data-testid="lesson-homework" rows={2} value={homework} disabled={readOnly} onInput={(e) => setHomework((e.target as HTMLTextAreaElement).value)} />
          </label>
          </fieldset>
          {!readOnly && (
            <button class="primary" type="submit" data-testid="lesson-save" disabled={!dirty}>
              Сохранить урок
            </button>
          )}
          <p class="small attendance" data-testid="lesson-attendance">
            {lesson.absent > 0
              ? `Посещаемость отмечена: отсутствовали или опоздали — ${lesson.absent}`
              : lesson.attendance_taken || allPresent === lesson.id
                ? "Посещаемость отмечена: все присутствовали"
                : "Посещаемость не отмечена"}
            {!readOnly && !lesson.attendance_taken && allPresent !== lesson.id && (
              <>
                {" "}
                <button
                  type="button"
                  data-testid="lesson-all-present"
                  onClick={async () => {
                    const r = await api.allPresent(journal.class_id, journal.subject_id, lesson.id);
                    if (r.ok) {
                      setAllPresent(lesson.id);
                      setNote({ ok: true, text: "Отмечено: все присутствуют" });
                      onSaved(r.value);
                    } else setNote({ ok: false, text: r.error.message });
                  }}
                >
                  Все присутствуют
                </button>
              </>
            )}
          </p>
        </form>
      ) : (
        <p class="muted">Выберите клетку: здесь появятся дата, тема и домашнее задание урока.</p>
      )}
      {!readOnly && (
        <div class="add-lesson">
          <h3>Новый урок</h3>
          <div class="row">
            <DateField testid="add-lesson-date" value={newDate} year={year} onChange={setNewDate} onEnter={() => void add()} />
            <button data-testid="add-lesson" onClick={add}>
              Добавить
            </button>
          </div>
          <p class="muted small">Урок добавляется и без связи: он уйдёт на сервер со следующей синхронизацией.</p>
        </div>
      )}
      {note && (
        <p class={note.ok ? "ok small" : "error small"} role="status" data-testid="lesson-note">
          {note.text}
        </p>
      )}
    </aside>
  );
}
