// «Сегодня» on the journal list and the week view: the teacher's lessons from the timetable and
// the journals, with one click (or Enter) from a lesson to its column in the journal. A lesson of
// the timetable not yet in the journal is written there by that click, with its date and number.

import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api";
import type { JournalRef, Period, WeekDay, WeekLesson, WeekView } from "../types";
import { count, localToday } from "../ru";

const MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];

/** «26 мая». */
export function dayMonth(iso: string): string {
  const [, m, d] = iso.split("-");
  return `${Number(d)} ${MONTHS_GEN[Number(m) - 1]}`;
}

/** The heading of the day the list opens on: «Сегодня, вторник, 26 мая», or, when the school
 * year is not running today (a demo of a past year), the day it is looked at as. */
export function todayTitle(week: WeekView, realToday = localToday()): string {
  const day = week.days.find((d) => d.date === week.today);
  const name = `${day ? `${day.weekday}, ` : ""}${dayMonth(week.today)}`;
  if (week.today === realToday) return `Сегодня, ${name}`;
  return week.today < realToday ? `Последний день учебного года: ${name}` : `Первый день учебного года: ${name}`;
}

/** What the lesson's line says after its subject: the topic, and what is written already. */
export function lessonState(l: WeekLesson): string {
  if (!l.lesson) return "по расписанию — в журнале ещё нет";
  const parts = [];
  parts.push(l.topic || "тема не записана");
  if (l.marks > 0) parts.push(count(l.marks, ["отметка", "отметки", "отметок"]));
  if (!l.attendance_taken) parts.push("посещаемость не отмечена");
  return parts.join(" · ");
}

interface Props {
  api: Api;
  onOpen: (journal: JournalRef, period: Period, lesson: string) => void;
}

export function TodayAndWeek({ api, onOpen }: Props) {
  const [mode, setMode] = useState<"today" | "week">("today");
  const [week, setWeek] = useState<WeekView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async (date: string | null) => {
    const r = await api.week(date);
    if (r.ok) {
      setWeek(r.value);
      setError(null);
    } else setError(r.error.message);
  };
  useEffect(() => void load(null), []);

  const open = async (l: WeekLesson) => {
    if (l.lesson) return onOpen(l.journal, l.period, l.lesson);
    setBusy(true);
    const r = await api.openLesson(l.journal.class_id, l.journal.subject_id, l.journal.subgroup, l.date, l.number);
    setBusy(false);
    if (r.ok) onOpen(l.journal, l.period, r.value.id);
    else setError(r.error.message);
  };
  const button = (l: WeekLesson, i: number, compact: boolean) => (
    <button
      class={"lesson-item" + (l.lesson ? "" : " planned")}
      data-testid={`week-lesson-${l.date}-${i}`}
      data-class={l.journal.class_name}
      data-subject={l.journal.subject_name}
      data-number={l.number}
      data-written={String(l.lesson !== null)}
      disabled={busy}
      onClick={() => void open(l)}
      title={lessonState(l)}
    >
      <span class="num">{l.number}</span>
      <span class="cls">{l.journal.class_name}</span>
      <span class="subj">
        {l.journal.subject_name}
        {l.journal.subgroup !== null && `, ${l.journal.subgroup} гр.`}
      </span>
      {!compact && <span class="state">{lessonState(l)}</span>}
    </button>
  );
  if (error && !week)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!week) return <div class="loading">Загружаю расписание…</div>;
  const today = week.days.find((d) => d.date === week.today);
  const dayLine = (d: WeekDay | undefined) =>
    !d ? "В этот день уроков нет." : d.day_off ? `${d.day_off}.` : "По расписанию уроков нет.";
  return (
    <section class="week-panel" data-testid="week-panel">
      <div class="row week-head">
        <h2 data-testid="today-title">{mode === "today" ? todayTitle(week) : `Неделя с ${dayMonth(week.monday)}`}</h2>
        <div class="segmented">
          <button class={mode === "today" ? "active" : ""} data-testid="show-today" onClick={() => { setMode("today"); if (!today) void load(null); }}>
            День
          </button>
          <button class={mode === "week" ? "active" : ""} data-testid="show-week" onClick={() => setMode("week")}>
            Неделя
          </button>
        </div>
        {mode === "week" && (
          <div class="row">
            <button data-testid="week-prev" disabled={!week.previous} onClick={() => void load(week.previous)} title="Предыдущая неделя">
              ‹
            </button>
            <button data-testid="week-this" onClick={() => void load(null)}>
              Эта неделя
            </button>
            <button data-testid="week-next" disabled={!week.next} onClick={() => void load(week.next)} title="Следующая неделя">
              ›
            </button>
          </div>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {mode === "today" ? (
        today && today.lessons.length > 0 ? (
          <ul class="lesson-list" data-testid="today-lessons">
            {today.lessons.map((l, i) => (
              <li>{button(l, i, false)}</li>
            ))}
          </ul>
        ) : (
          <p class="muted" data-testid="today-none">
            {dayLine(today)}
          </p>
        )
      ) : (
        <div class="week-grid" data-testid="week-grid">
          {week.days.map((d) => (
            <div class={"week-day" + (d.date === week.today ? " today" : "")} data-testid={`week-day-${d.date}`}>
              <h3>
                {d.weekday}, {dayMonth(d.date)}
              </h3>
              {d.lessons.length > 0 ? (
                <ul class="lesson-list">
                  {d.lessons.map((l, i) => (
                    <li>{button(l, i, true)}</li>
                  ))}
                </ul>
              ) : (
                <p class="muted small">{dayLine(d)}</p>
              )}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
