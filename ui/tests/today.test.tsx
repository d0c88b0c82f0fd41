// What teachers looked for on the journal list and around the journal: «Сегодня» and the week,
// the period marks side by side with «Принять предложенные», printing some pages, a local PIN.

import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../src/app";
import { MockBackend, MOCK_TODAY } from "../src/mock";
import { firstTicked } from "../src/pages/finals";
import { dayMonth, lessonState, todayTitle } from "../src/pages/week";
import type { GridView, WeekLesson, WeekView } from "../src/types";
import { $, $$, change as type, click, waitFor } from "./dom";

const settle = () => new Promise((r) => setTimeout(r, 20));

describe("the words of «Сегодня»", () => {
  const week = (today: string): WeekView => ({
    today,
    monday: "2026-05-25",
    previous: null,
    next: null,
    days: [{ date: "2026-05-26", weekday: "вторник", day_off: null, lessons: [] }],
  });
  it("names today, or the school year's edge when the year is not running", () => {
    expect(dayMonth("2026-05-26")).toBe("26 мая");
    expect(dayMonth("2025-09-01")).toBe("1 сентября");
    expect(todayTitle(week("2026-05-26"), "2026-05-26")).toBe("Сегодня, вторник, 26 мая");
    expect(todayTitle(week("2026-05-26"), "2026-12-03")).toBe("Последний день учебного года: вторник, 26 мая");
    expect(todayTitle(week("2026-05-26"), "2026-05-01")).toBe("Первый день учебного года: вторник, 26 мая");
  });
  it("says what is written of a lesson", () => {
    const l = { lesson: null, topic: "", marks: 0, attendance_taken: false } as unknown as WeekLesson;
    expect(lessonState(l)).toBe("по расписанию — в журнале ещё нет");
    expect(lessonState({ ...l, lesson: "x" })).toBe("тема не записана · посещаемость не отмечена");
    expect(lessonState({ ...l, lesson: "x", topic: "Причастие", marks: 3, attendance_taken: true })).toBe("Причастие · 3 отметки");
  });
});

describe("the journal list", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  it("opens on today's lessons; one click puts the cursor on the lesson's column", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    const list = await waitFor(() => $("today-lessons"));
    expect($("today-title")!.textContent).toContain(dayMonth(MOCK_TODAY));
    const lessons = [...list.querySelectorAll("button")] as HTMLButtonElement[];
    expect(lessons.length).toBeGreaterThan(0);
    const first = lessons[0]!;
    expect(first.dataset.class).toBe("7Б");
    const date = first.dataset.testid!.slice("week-lesson-".length, "week-lesson-".length + 10);
    click(first);
    await waitFor(() => $("grid-input"));
    // The lesson panel shows the lesson the cursor is on: the one clicked.
    const [y, m, d] = date.split("-");
    await waitFor(() => ($("lesson-date") as HTMLInputElement | null)?.value === `${d}.${m}.${y}`);
  });

  it("the week view goes back and forth by weeks and shows each day", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("show-week")));
    await waitFor(() => $("week-grid"));
    expect($$("week-day-").length).toBe(5);
    const before = $("today-title")!.textContent;
    click($("week-prev")!);
    await waitFor(() => $("today-title")!.textContent !== before);
    expect($("today-title")!.textContent).toMatch(/^Неделя с /);
    click($("week-this")!);
    await waitFor(() => $("today-title")!.textContent === before);
    // A lesson of Monday (today is Wednesday): the journal opens on that lesson, not today's.
    const monday = (await waitFor(() => $("week-day-2025-10-13"))).querySelector("button") as HTMLButtonElement;
    click(monday);
    await waitFor(() => ($("lesson-date") as HTMLInputElement | null)?.value === "13.10.2025");
  });
});

describe("the period marks side by side", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  it("ticks the students without a mark, and «Принять предложенные» stores one mark each", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    await waitFor(() => $("grid-input"));
    click($("finals-open")!);
    await waitFor(() => $("finals"));
    const ticks = $$("finals-tick-") as HTMLInputElement[];
    expect(ticks.length).toBeGreaterThan(0);
    const ticked = ticks.filter((t) => t.checked);
    expect(ticked.length).toBeGreaterThan(0);
    // The teacher keeps one student out of it.
    const kept = ticked[0]!;
    const keptRow = kept.dataset.testid!.replace("finals-tick-", "");
    kept.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    await settle();
    expect((($(`finals-tick-${keptRow}`) as HTMLInputElement).checked)).toBe(false);
    const accept = $("finals-accept")!;
    expect(accept.textContent).toBe(`Принять предложенные (${ticked.length - 1})`);
    click(accept);
    await waitFor(() => $("finals-done"));
    expect($("finals-done")!.textContent).toMatch(/^Выставлено: /);
    for (const t of ticked.slice(1)) {
      const row = t.dataset.testid!.replace("finals-tick-", "");
      expect($(`finals-mark-${row}`)!.textContent).toBe($(`finals-suggested-${row}`)!.textContent);
    }
    expect($(`finals-mark-${keptRow}`)!.textContent).toBe("");
    click($("finals-close")!);
    await waitFor(() => !$("finals"));
  });

  it("first ticks only students on the roll with marks and no period mark, never «н/а»", () => {
    const view = {
      students: [
        { id: "a", on_roll: true },
        { id: "b", on_roll: true },
        { id: "c", on_roll: true },
        { id: "d", on_roll: false },
        { id: "e", on_roll: true },
      ],
      finals: [
        { student: "a", period_mark: null, average: 4.5, count: 4, suggested: "5" },
        { student: "b", period_mark: "4", average: 4.5, count: 4, suggested: "5" },
        { student: "c", period_mark: null, average: null, count: 1, suggested: "н/а" },
        { student: "d", period_mark: null, average: 3, count: 3, suggested: "3" },
        { student: "e", period_mark: null, average: null, count: 0, suggested: null },
      ],
    } as unknown as GridView;
    expect([...firstTicked(view)]).toEqual(["a"]);
  });
});

describe("printing some pages", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  it("sends the pages typed, and says which went to the printer", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("nav-reports")));
    click(await waitFor(() => $("report-make")));
    await waitFor(() => $("report-path"));
    type($("report-pages") as HTMLInputElement, "2-3, 5");
    await settle();
    click($("report-print")!);
    await waitFor(() => $("report-note"));
    expect($("report-note")!.textContent).toBe("Страницы 2-3, 5 отправлены на печать");
    expect(api.printed.at(-1)!.pages).toBe("2-3, 5");
    type($("report-pages") as HTMLInputElement, "с третьей");
    await settle();
    click($("report-print")!);
    await waitFor(() => $("report-note")?.classList.contains("error"));
    expect($("report-note")!.textContent).toMatch(/^Страницы для печати/);
  });
});

describe("a local PIN", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  it("is set, locks the screen, is asked on return and when the person is chosen", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    await waitFor(() => $("journal-0"));
    expect($("lock-now")).toBeNull();
    click($("pin-settings")!);
    await waitFor(() => $("pin-card"));
    type($("pin-new") as HTMLInputElement, "2468");
    type($("pin-again") as HTMLInputElement, "2469");
    await settle();
    click($("pin-save")!);
    await waitFor(() => $("pin-error"));
    expect($("pin-error")!.textContent).toMatch(/не совпадают/);
    type($("pin-again") as HTMLInputElement, "2468");
    await settle();
    click($("pin-save")!);
    await waitFor(() => !$("pin-card"));

    // Locked: nothing of the journal list is on screen.
    click(await waitFor(() => $("lock-now")));
    await waitFor(() => $("lock-screen"));
    expect($("journal-0")).toBeNull();
    expect($("lock-name")!.textContent).toBe("Кузнецова Анна Викторовна");
    type($("lock-pin") as HTMLInputElement, "1111");
    await settle();
    click($("lock-enter")!);
    await waitFor(() => $("lock-error"));
    expect($("lock-error")!.textContent).toBe("Неверный PIN-код");
    type($("lock-pin") as HTMLInputElement, "2468");
    await settle();
    click($("lock-enter")!);
    await waitFor(() => $("journal-0"));

    // Another person, then back to her: the picker asks her PIN.
    click($("profile-change")!);
    const select = (await waitFor(() => $("profile-select"))) as HTMLSelectElement;
    await waitFor(() => select.options.length > 1);
    select.value = "staff-smirnova";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
    expect($("profile-pin")).toBeNull();
    click($("profile-confirm")!);
    await waitFor(() => $("profile-name")?.textContent?.startsWith("Смирнова"));
    click($("profile-change")!);
    const again = (await waitFor(() => $("profile-select"))) as HTMLSelectElement;
    await waitFor(() => again.options.length > 1);
    again.value = "staff-kuznetsova";
    again.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
    const pin = (await waitFor(() => $("profile-pin"))) as HTMLInputElement;
    click($("profile-confirm")!);
    await waitFor(() => $("profile-picker")?.querySelector(".error"));
    expect($("profile-picker")!.querySelector(".error")!.textContent).toBe("Введите PIN-код этого сотрудника");
    type(pin, "2468");
    await settle();
    click($("profile-confirm")!);
    await waitFor(() => $("profile-name")?.textContent?.startsWith("Кузнецова"));
  });
});

describe("a new lesson's date", () => {
  it("is today, or the period's last day once the period is over", async () => {
    const { newLessonDate } = await import("../src/pages/journal");
    expect(newLessonDate("2025-10-15", "2025-10-26")).toBe("2025-10-15");
    expect(newLessonDate("2026-12-03", "2026-05-26")).toBe("2026-05-26");
    expect(newLessonDate("2025-10-15", null)).toBe("2025-10-15");
  });
});
