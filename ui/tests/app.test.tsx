import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../src/app";
import { MockBackend } from "../src/mock";
import { $, change, click, waitFor } from "./dom";

const key = (el: HTMLElement, k: string) => el.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));

describe("the app with the mock school", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  it("first start: demo school, choose a profile, open a journal, type marks", async () => {
    const api = new MockBackend();
    render(<App api={api} />, host);
    click(await waitFor(() => $("open-demo")));
    const select = (await waitFor(() => $("profile-select"))) as HTMLSelectElement;
    await waitFor(() => select.options.length > 1);
    change(select, "staff-kuznetsova");
    await new Promise((r) => setTimeout(r, 20)); // let Preact re-render with the choice
    click($("profile-confirm")!);
    click(await waitFor(() => $("journal-0")));
    const cell = await waitFor(() => $("cell-0-53"));
    expect($("read-only")).toBeNull();
    const input = $("grid-input")!;
    cell.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    for (const k of ["5", "Tab", "н", "Tab"]) key(input, k);
    expect($("cell-0-53")!.textContent).toBe("5");
    expect($("cell-0-54")!.textContent).toBe("Н");
    await waitFor(() => $("save-status")?.dataset.state === "saved");
    await waitFor(() => $("sync-pending")?.textContent?.startsWith("2 изменения"));
    expect(api.received.map((r) => r.input)).toEqual(["5", "н"]);
  });

  it("text that arrives without key events (input method, WebDriver) is entered too", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    const cell = await waitFor(() => $("cell-1-53"));
    cell.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    const input = $("grid-input") as HTMLTextAreaElement;
    input.value = "б";
    input.dispatchEvent(new InputEvent("input", { bubbles: true }));
    key(input, "Enter");
    await waitFor(() => api.received.length === 1);
    expect(api.received[0]!.input).toBe("б");
    expect($("cell-1-53")!.textContent).toBe("Б");
  });

  it("a class teacher sees another subject as read-only", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    const alg = await waitFor(() => document.querySelector('[data-subject="Алгебра"]') as HTMLElement | null);
    expect(alg.dataset.access).toBe("read");
    click(alg);
    await waitFor(() => $("cell-0-0"));
    expect($("read-only")!.textContent).toContain("Только просмотр");
    key($("grid-input")!, "5");
    await waitFor(() => $("grid-hint")!.textContent?.includes("отметки ставит учитель предмета"));
    expect(api.received).toEqual([]);
    expect($("lesson-save")).toBeNull();
  });

  it("personal data is refused to a subject teacher who leads no class", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-smirnova" });
    render(<App api={api} />, host);
    await waitFor(() => $("journal-0"));
    expect($("nav-class")).toBeNull();
    expect((await api.personal("class-7b")).ok).toBe(false);
  });

  it("reports: progress, the produced file and its preview", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("nav-reports")));
    const kind = (await waitFor(() => $("report-kind"))) as HTMLSelectElement;
    change(kind, "year-journal");
    await new Promise((r) => setTimeout(r, 20));
    click(await waitFor(() => $("report-two-sided")));
    click($("report-make")!);
    const path = await waitFor(() => $("report-path"));
    expect(path.textContent).toMatch(/year-journal-7Б\.pdf$/);
    expect($("report-preview")).toBeTruthy();
  });

  it("«Сохранить» proposes the documents folder, never the document itself, and asks before replacing", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("nav-reports")));
    click(await waitFor(() => $("report-make")));
    const made = (await waitFor(() => $("report-path"))).textContent!;
    const dest = $("report-dest") as HTMLInputElement;
    expect(dest.value).toMatch(/^\/home\/uchitel\/Документы\//);
    expect(dest.value).not.toBe(made);
    click($("report-save")!);
    expect((await waitFor(() => $("report-note"))).textContent).toBe(`Сохранено: ${dest.value}`);
    // The same place again: a question, nothing written until «Заменить».
    click($("report-save")!);
    expect((await waitFor(() => $("report-replace"))).textContent).toContain("уже есть");
    expect(api.saved).toHaveLength(1);
    click($("report-replace-no")!);
    await waitFor(() => !$("report-replace"));
    expect(api.saved).toHaveLength(1);
    click($("report-save")!);
    click(await waitFor(() => $("report-replace-yes")));
    await waitFor(() => $("report-note")?.textContent?.startsWith("Сохранено"));
    expect(api.saved).toHaveLength(2);
    // Onto the made file itself: refused.
    change(dest, made);
    await new Promise((r) => setTimeout(r, 20));
    click($("report-save")!);
    expect((await waitFor(() => $("report-note")?.classList.contains("error") && $("report-note"))).textContent).toContain("уже лежит");
    expect(api.saved).toHaveLength(2);
  });

  it("the sync status is always in the header; a conflict is chosen on the sync page", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    const badge = await waitFor(() => $("sync-status"));
    expect(badge.textContent).toContain("Без сервера");
    expect($("sync-conflicts")!.textContent).toBe("1 конфликт");
    click(badge);
    click(await waitFor(() => $("conflict-0-choose-1")));
    await waitFor(() => $("sync-conflicts") === null);
    expect((await api.conflicts()).ok && (await api.conflicts())).toMatchObject({ value: [] });
  });

  it("login to a school server shows a clear refusal", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("nav-sync")));
    change((await waitFor(() => $("login-server"))) as HTMLInputElement, "школа");
    await new Promise((r) => setTimeout(r, 20));
    const form = $("login-form") as HTMLFormElement;
    form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    expect((await waitFor(() => $("login-error"))).textContent).toContain("http");
  });

  it("an enrolled teacher changes her one-time password: a mismatch and a refusal are said plainly", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    expect((await api.login("http://school.local", "kuznetsova", "одноразовый")).ok).toBe(true);
    render(<App api={api} />, host);
    click(await waitFor(() => $("nav-sync")));
    const submit = async (old: string, next: string, again: string) => {
      change((await waitFor(() => $("password-old"))) as HTMLInputElement, old);
      change($("password-new") as HTMLInputElement, next);
      change($("password-again") as HTMLInputElement, again);
      await new Promise((r) => setTimeout(r, 20));
      ($("password-form") as HTMLFormElement).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
      await new Promise((r) => setTimeout(r, 20));
      return waitFor(() => $("password-note"));
    };
    expect((await submit("одноразовый", "новый-пароль", "новый-парол")).textContent).toContain("не совпадают");
    expect((await submit("wrong", "новый-пароль", "новый-пароль")).textContent).toContain("неверный текущий пароль");
    expect((await submit("одноразовый", "кот", "кот")).textContent).toContain("8");
    const done = await submit("одноразовый", "новый-пароль", "новый-пароль");
    expect(done.textContent).toContain("Пароль сменён");
    expect(($("password-old") as HTMLInputElement).value).toBe("");
  });
});

describe("adding a lesson", () => {
  it("adds a column, without a network, and puts the cursor on it", async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    await waitFor(() => $("cell-0-59"));
    change($("add-lesson-date") as HTMLInputElement, "2025-10-22");
    await new Promise((r) => setTimeout(r, 20));
    click($("add-lesson")!);
    await waitFor(() => $("cell-0-60"));
    expect($("lesson-60")!.textContent).toBe("22");
    await waitFor(() => $("cell-0-60")!.classList.contains("cur"));
    await waitFor(() => ($("lesson-date") as HTMLInputElement).value === "22.10.2025");
    render(null, host);
  });
});

describe("the class teacher's pages", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));
  const open = async (tab: string) => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("nav-class")));
    click(await waitFor(() => $(`class-tab-${tab}`)));
    return api;
  };
  const settle = () => new Promise((r) => setTimeout(r, 20));

  it("every subject of the class, the others' read-only", async () => {
    await open("subjects");
    const items = await waitFor(() => document.querySelectorAll('[data-testid^="class-subject-"]'));
    expect(items.length).toBe(7);
    expect(document.querySelector('[data-subject="Алгебра"] .ro-tag')).toBeTruthy();
  });

  it("a roster file that is not CSV or XLSX is refused and nothing changes", async () => {
    const api = await open("roster");
    await waitFor(() => $("roster-table"));
    const before = (await api.roster("class-7b")).ok;
    change($("roster-path") as HTMLInputElement, "/home/uchitel/spisok.doc");
    await settle();
    click($("roster-import")!);
    expect((await waitFor(() => $("roster-note"))).textContent).toContain("CSV или XLSX");
    expect(before).toBe(true);
    expect(document.querySelectorAll('[data-testid="roster-table"] tbody tr')).toHaveLength(32);
  });

  it("a movement with its order number is recorded; without one it is refused", async () => {
    await open("movement");
    const student = (await waitFor(() => $("movement-student"))) as HTMLSelectElement;
    change(student, "7b-st-01");
    change($("movement-kind") as HTMLSelectElement, "departure");
    change($("movement-date") as HTMLInputElement, "2025-10-10");
    await settle();
    (($("movement-form") as HTMLFormElement).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true })));
    expect((await waitFor(() => $("movement-note"))).textContent).toContain("номер приказа");
    change($("movement-order") as HTMLInputElement, "120-у");
    change($("movement-place") as HTMLInputElement, "МБОУ СОШ № 5");
    await settle();
    (($("movement-form") as HTMLFormElement).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true })));
    await waitFor(() => $("movement-note")?.textContent === "Записано");
    expect($("movement-table")!.textContent).toContain("120-у");
    expect($("movement-table")!.textContent).toContain("выбыл");
  });

  it("a movement is never saved from a red date field", async () => {
    const api = await open("movement");
    const student = (await waitFor(() => $("movement-student"))) as HTMLSelectElement;
    change(student, "7b-st-01");
    change($("movement-kind") as HTMLSelectElement, "departure");
    change($("movement-order") as HTMLInputElement, "120-у");
    // The date typed key by key, one key too many: red, and the form says so.
    const date = $("movement-date") as HTMLInputElement;
    for (let k = 1; k <= "15.05.202026".length; k++) {
      change(date, "15.05.202026".slice(0, k));
      await settle();
    }
    expect(date.value).toBe("15.05.202026");
    expect(date.classList.contains("bad")).toBe(true);
    (($("movement-form") as HTMLFormElement).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true })));
    expect((await waitFor(() => $("movement-note"))).textContent).toContain("Неверная дата");
    const r = await api.roster("class-7b");
    expect(r.ok && r.value.students.find((s) => s.id === "7b-st-01")!.movements).toEqual([]);
    expect(r.ok && r.value.students.find((s) => s.id === "7b-st-01")!.on_roll).toBe(true);
  });

  it("a wrong departure is corrected, then cancelled: the student is back on the list, the entry kept", async () => {
    const api = await open("movement");
    const student = (await waitFor(() => $("movement-student"))) as HTMLSelectElement;
    change(student, "7b-st-02");
    change($("movement-kind") as HTMLSelectElement, "departure");
    change($("movement-date") as HTMLInputElement, "15.01");
    change($("movement-order") as HTMLInputElement, "7-у");
    await settle();
    (($("movement-form") as HTMLFormElement).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true })));
    await waitFor(() => $("movement-note")?.textContent === "Записано");
    const rows = () => [...document.querySelectorAll('[data-testid^="movement-row-"]')] as HTMLElement[];
    const row = rows().find((r) => r.textContent!.includes("7-у"))!;
    const id = row.dataset.testid!.replace("movement-row-", "");
    expect(row.textContent).toContain("15.01.2026");
    // Corrected: another date, what it said before kept under it.
    click($(`movement-edit-${id}`)!);
    await settle();
    expect(($("movement-order") as HTMLInputElement).value).toBe("7-у");
    expect(($("movement-student") as HTMLSelectElement).disabled).toBe(true);
    change($("movement-date") as HTMLInputElement, "20.01.2026");
    await settle();
    (($("movement-form") as HTMLFormElement).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true })));
    await waitFor(() => $("movement-note")?.textContent === "Запись исправлена");
    expect($(`movement-row-${id}`)!.textContent).toContain("20.01.2026");
    expect($(`movement-row-${id}`)!.textContent).toContain("было: выбыл 15.01.2026, приказ № 7-у");
    // Cancelled, after «Да»: struck out, and the student on the list again.
    click($(`movement-cancel-${id}`)!);
    await settle();
    click($(`movement-cancel-yes-${id}`)!);
    await waitFor(() => $(`movement-cancelled-${id}`));
    expect($(`movement-row-${id}`)!.classList.contains("cancelled")).toBe(true);
    const r = await api.roster("class-7b");
    const s = r.ok ? r.value.students.find((x) => x.id === "7b-st-02")! : null;
    expect(s!.movements).toEqual([]);
    expect(s!.on_roll).toBe(true);
  });

  it("personal data and monitoring", async () => {
    await open("personal");
    expect((await waitFor(() => $("personal-table"))).querySelectorAll("tbody tr")).toHaveLength(32);
    click($("class-tab-monitoring")!);
    await waitFor(() => $("monitoring-no_topic"));
    expect($("monitoring-no_attendance")).toBeTruthy();
  });
});

describe("a school file that cannot be opened", () => {
  it("says why, in the shell's words", async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const api = new MockBackend();
    api.failNext("store", "Файл zhurnal.sqlite3 — не база Журнала: он не изменён");
    render(<App api={api} />, host);
    expect((await waitFor(() => $("start-error"))).textContent).toContain("не база Журнала");
    // The way on without a command line: a new file, and the first start's choices.
    click($("start-new-file")!);
    await waitFor(() => $("first-start"));
    expect($("start-error")).toBeNull();
    render(null, host);
  });
});

describe("a failed save", () => {
  it("stays listed after the page shows another period, and is sent again from there", async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    const cell = await waitFor(() => $("cell-2-57"));
    cell.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    api.failNextCell("store", "Не удалось записать на диск: нет места");
    key($("grid-input")!, "4");
    key($("grid-input")!, "Enter");
    await waitFor(() => $("save-status")?.dataset.state === "failed");
    change($("period-select") as HTMLSelectElement, "Q2");
    await waitFor(() => $("lesson-0")?.title.includes(".11.2025"));
    expect($("save-status")!.dataset.state).toBe("failed");
    expect($("save-status")!.textContent).toContain("нет места");
    click(document.querySelector('[data-testid^="retry-"]') as HTMLElement);
    await waitFor(() => $("save-status")?.dataset.state === "saved");
    const q1 = await api.grid("class-7b", "subj-Русский язык", null, "Q1");
    const v = q1.ok ? q1.value : null;
    const stored = v!.cells.find((c) => c.student === v!.students[2]!.id && c.lesson === v!.lessons[57]!.id);
    expect(stored?.text).toBe("4");
    render(null, host);
  });
});

describe("the lesson's topic from the keyboard", () => {
  it("Ctrl+Enter goes to the topic, Ctrl+Enter there saves it and comes back to the grid", async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    (await waitFor(() => $("cell-0-58"))).dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    await waitFor(() => ($("lesson-date") as HTMLInputElement | null)?.value === "21.10.2025");
    $("grid-input")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true, cancelable: true }));
    const topic = $("lesson-topic") as HTMLTextAreaElement;
    expect(document.activeElement).toBe(topic);
    topic.value = "Деепричастный оборот";
    topic.dispatchEvent(new Event("input", { bubbles: true }));
    await new Promise((r) => setTimeout(r, 20));
    topic.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true, cancelable: true }));
    await waitFor(() => document.activeElement === $("grid-input"));
    const g = await api.grid("class-7b", "subj-Русский язык", null, "Q1");
    expect(g.ok && g.value.lessons[58]!.topic).toBe("Деепричастный оборот");
    render(null, host);
  });
});

describe("opening a journal", () => {
  it("puts the cursor on today's lesson (the last one up to today)", async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    // every lesson of the mock's first quarter (2025) is before today
    await waitFor(() => $("cell-0-59")?.classList.contains("cur"));
    render(null, host);
  });
});

describe("leaving the work on screen", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  it("closing the window stores the mark being typed, then closes", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    (await waitFor(() => $("cell-2-50"))).dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    key($("grid-input")!, "4"); // typed, not yet stored: the bell rang
    expect(api.received).toEqual([]);
    api.requestClose();
    await waitFor(() => api.closed);
    expect(api.closeAcks).toBe(1);
    expect(api.received.map((r) => r.input)).toEqual(["4"]);
    const g = await api.grid("class-7b", "subj-Русский язык", null, "Q1");
    const view = g.ok ? g.value : null;
    const cell = view!.cells.find((c) => c.lesson === view!.lessons[50]!.id && c.student === view!.students[2]!.id);
    expect(cell?.text).toBe("4");
  });

  it("closing with an entry that is not a mark asks, and «Вернуться» keeps it", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    (await waitFor(() => $("cell-2-51"))).dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    key($("grid-input")!, "7");
    api.requestClose();
    const question = await waitFor(() => $("close-question"));
    expect(api.closed).toBe(false);
    expect($("close-left")!.textContent).toContain("«7»");
    click($("close-stay")!);
    await waitFor(() => !$("close-question"));
    expect($("cell-2-51")!.textContent).toBe("7");
    expect(question.isConnected).toBe(false);
    // Asked again, the teacher chooses to close without it.
    api.requestClose();
    click(await waitFor(() => $("close-anyway")));
    await waitFor(() => api.closed);
    expect(api.received).toEqual([]);
  });

  it("a topic typed and not saved is saved on closing", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    (await waitFor(() => $("cell-0-58"))).dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    await waitFor(() => ($("lesson-date") as HTMLInputElement | null)?.value === "21.10.2025");
    const topic = $("lesson-topic") as HTMLTextAreaElement;
    topic.value = "Причастие";
    topic.dispatchEvent(new Event("input", { bubbles: true }));
    await new Promise((r) => setTimeout(r, 20));
    api.requestClose();
    await waitFor(() => api.closed);
    const g = await api.grid("class-7b", "subj-Русский язык", null, "Q1");
    expect(g.ok && g.value.lessons[58]!.topic).toBe("Причастие");
  });

  it("another person gets a clean screen; «Отмена» goes back to the same journal", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    (await waitFor(() => $("cell-1-40"))).dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    const mark = $("cell-1-40")!.textContent === "2" ? "3" : "2";
    key($("grid-input")!, mark); // typed, then «сменить»: stored as Кузнецова's, before the switch
    click($("profile-change")!);
    const select = (await waitFor(() => $("profile-select"))) as HTMLSelectElement;
    await waitFor(() => select.options.length > 1);
    expect(api.received.map((r) => r.input)).toEqual([mark]);
    expect(select.value).toBe("staff-kuznetsova");
    click($("profile-cancel")!);
    await waitFor(() => $("cell-1-40"));
    expect($("cell-1-40")!.textContent).toBe(mark);
    // Now Смирнова takes the computer: her list, none of Кузнецова's journal on screen.
    click($("profile-change")!);
    const again = (await waitFor(() => $("profile-select"))) as HTMLSelectElement;
    await waitFor(() => again.options.length > 1);
    change(again, "staff-smirnova");
    await new Promise((r) => setTimeout(r, 20));
    click($("profile-confirm")!);
    await waitFor(() => $("journal-list"));
    expect($("profile-name")!.textContent).toContain("Смирнова");
    expect($("grid")).toBeNull();
    expect($("add-lesson")).toBeNull();
    expect(document.body.textContent).not.toContain("вам не доступен");
  });

  it("a person cannot be changed while an entry is red: it says so and nothing changes", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    (await waitFor(() => $("cell-1-41"))).dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    key($("grid-input")!, "9");
    click($("profile-change")!);
    await waitFor(() => document.querySelector(".banner.error")?.textContent?.includes("Сменить сотрудника пока нельзя"));
    expect($("profile-select")).toBeNull();
    expect($("cell-1-41")!.textContent).toBe("9");
  });
});

describe("a real school without a command line", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  const logIn = async (server: string, login: string, password: string) => {
    change((await waitFor(() => $("login-server"))) as HTMLInputElement, server);
    change($("login-name") as HTMLInputElement, login);
    change($("login-password") as HTMLInputElement, password);
    await new Promise((r) => setTimeout(r, 20));
    ($("login-form") as HTMLFormElement).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  };

  it("first start: «Подключиться к серверу школы» brings the teacher's own school and journals", async () => {
    const api = new MockBackend();
    render(<App api={api} />, host);
    await waitFor(() => $("start-server"));
    expect($("start-demo")).toBeTruthy();
    await logIn("https://school12.example.ru", "wrong-user", "wrong");
    await waitFor(() => $("login-error"));
    expect($("login-error")!.textContent).toMatch(/^Неверный/);
    await logIn("https://school12.example.ru", "smirnova", "секретный-пароль");
    await waitFor(() => $("journal-list"));
    expect($("profile-name")!.textContent).toContain("Смирнова");
    expect(document.body.textContent).not.toMatch(/--db|zhurnal /);
  });

  it("a computer with the demo logs in: the real school opens beside it, and the demo is one click away", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("nav-sync")));
    await logIn("https://school12.example.ru", "smirnova", "секретный-пароль");
    await waitFor(() => $("sync-account"));
    expect($("profile-name")!.textContent).toContain("Смирнова");
    const schools = await waitFor(() => $("schools"));
    expect(schools.textContent).toContain("создана на этом компьютере");
    const demo = [...schools.querySelectorAll("li")].findIndex((li) => li.getAttribute("data-current") === "false");
    click($(`school-open-${demo}`)!);
    await waitFor(() => $("login-form"));
    const st = await api.appState();
    expect(st.ok && st.value.db_path).toMatch(/zhurnal\.sqlite3$/);
    expect(st.ok && st.value.sync.configured).toBe(false);
  });
});

describe("the reports page", () => {
  it("opens on the class one leads and the period under way", async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const api = new MockBackend({ hasSchool: true, profile: "staff-sokolov" });
    const js = await api.myJournals();
    const journals = js.ok ? js.value : [];
    const led = journals.find((j) => j.access === "read")!;
    render(<App api={api} initial={{ name: "reports" }} />, host);
    const cls = (await waitFor(() => $("report-class"))) as HTMLSelectElement;
    expect(cls.value).toBe(led.class_id);
    const expected = led.current_period === "Year" ? led.periods.filter((p) => p !== "Year").at(-1) : led.current_period;
    expect(($("report-period") as HTMLSelectElement).value).toBe(expected);
    render(null, host);
  });
});

describe("the window's keys and the USB stick", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));
  const winKey = (k: string, ctrl = false) => window.dispatchEvent(new KeyboardEvent("keydown", { key: k, ctrlKey: ctrl, bubbles: true, cancelable: true }));

  it("F1 shows the keys; Ctrl+plus, minus and 0 zoom, and the zoom is kept", async () => {
    localStorage.removeItem("zhurnal.zoom");
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    await waitFor(() => $("journal-0"));
    winKey("F1");
    const help = await waitFor(() => $("help"));
    expect(help.textContent).toContain("Ctrl+Z");
    winKey("Escape");
    await waitFor(() => !$("help"));
    winKey("+", true);
    winKey("+", true);
    expect(document.documentElement.style.getPropertyValue("zoom")).toBe("1.25");
    expect(localStorage.getItem("zhurnal.zoom")).toBe("1.25");
    winKey("-", true);
    expect(document.documentElement.style.getPropertyValue("zoom")).toBe("1.1");
    winKey("0", true);
    expect(localStorage.getItem("zhurnal.zoom")).toBe("1");
  });

  it("the bundle goes to the stick Linux mounted, or says to insert one", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} initial={{ name: "sync" }} />, host);
    await waitFor(() => ($("bundle-export-path") as HTMLInputElement | null)?.value);
    expect(($("bundle-export-path") as HTMLInputElement).value).toBe("/media/uchitel/KINGSTON/zhurnal.bundle");
    expect(($("bundle-import-path") as HTMLInputElement).value).toBe("/media/uchitel/KINGSTON/zhurnal.bundle");
    render(null, host);
    const none = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    none.drives = [];
    render(<App api={none} initial={{ name: "sync" }} />, host);
    await waitFor(() => $("bundle-no-drive"));
    expect(($("bundle-export-path") as HTMLInputElement).value).toBe("");
    none.drives = ["/media/uchitel/USB DISK"];
    click($("bundle-find-drive")!);
    await waitFor(() => ($("bundle-export-path") as HTMLInputElement).value === "/media/uchitel/USB DISK/zhurnal.bundle");
  });
});

describe("attendance", () => {
  it("«Все присутствуют» takes a lesson's attendance with nobody absent", async () => {
    const host = document.createElement("div");
    document.body.append(host);
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    // A lesson just added: its attendance not taken yet.
    const added = await api.addLesson("class-7b", "subj-Русский язык", null, "2025-10-22");
    render(<App api={api} />, host);
    click(await waitFor(() => $("journal-0")));
    const g = await api.grid("class-7b", "subj-Русский язык", null, "Q1");
    const j = g.ok && added.ok ? g.value.lessons.findIndex((l) => l.id === added.value.id) : -1;
    expect(j).toBeGreaterThanOrEqual(0);
    (await waitFor(() => $(`cell-0-${j}`))).dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    await waitFor(() => $("lesson-all-present"));
    expect($("lesson-attendance")!.textContent).toContain("не отмечена");
    click($("lesson-all-present")!);
    await waitFor(() => $("lesson-attendance")!.textContent?.includes("все присутствовали"));
    expect($("lesson-all-present")).toBeNull();
    const after = await api.grid("class-7b", "subj-Русский язык", null, "Q1");
    expect(after.ok && after.value.lessons[j]!.attendance_taken).toBe(true);
    render(null, host);
  });
});
