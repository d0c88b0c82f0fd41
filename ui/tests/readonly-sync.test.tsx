// The class teacher's read-only lesson panel, and the sync page over the shell's new commands
// (login with the account shown, offline as a status, the bundle's key).

import { render } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../src/app";
import { ok } from "../src/api";
import { MockBackend } from "../src/mock";
import type { SyncStatus } from "../src/types";
import { $, change, click, waitFor } from "./dom";


describe("a journal the profile only reads", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  it("shows its lesson panel read-only: disabled fields, no save, no new lesson, nothing written", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    const saved: string[] = [];
    const saveLesson = api.saveLesson.bind(api);
    api.saveLesson = (c, s, l, e) => {
      saved.push(l);
      return saveLesson(c, s, l, e);
    };
    render(<App api={api} />, host);
    const read = await waitFor(() => document.querySelector('[data-access="read"]') as HTMLElement | null);
    click(read);
    (await waitFor(() => $("cell-0-0"))).dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    const panel = await waitFor(() => $("lesson-panel"));
    await waitFor(() => $("lesson-topic"));
    expect(panel.dataset.readonly).toBe("true");
    expect(panel.classList.contains("read-only")).toBe(true);
    expect($("lesson-readonly")!.textContent).toContain("Только просмотр");
    expect(($("lesson-topic") as HTMLTextAreaElement).disabled).toBe(true);
    expect(($("lesson-homework") as HTMLTextAreaElement).disabled).toBe(true);
    expect((panel.querySelector("fieldset") as HTMLFieldSetElement).disabled).toBe(true);
    expect($("lesson-save")).toBeNull();
    expect($("add-lesson")).toBeNull();
    // Neither Ctrl+Enter nor submitting the form writes anything.
    $("lesson-topic")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true, cancelable: true }));
    panel.querySelector("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await new Promise((r) => setTimeout(r, 50));
    expect(saved).toEqual([]);
  });

  it("leaves the teacher's own journal writable", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => document.querySelector('[data-access="write"]') as HTMLElement | null));
    (await waitFor(() => $("cell-0-0"))).dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    await waitFor(() => $("lesson-topic"));
    expect($("lesson-panel")!.dataset.readonly).toBe("false");
    expect(($("lesson-topic") as HTMLTextAreaElement).disabled).toBe(false);
    expect($("lesson-readonly")).toBeNull();
    expect($("add-lesson")).toBeTruthy();
  });
});

describe("the sync page", () => {
  const host = document.createElement("div");
  document.body.append(host);
  afterEach(() => render(null, host));

  it("with no server it never says that everything is on the server", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("nav-sync")));
    await waitFor(() => $("sync-summary"));
    expect($("sync-summary")!.textContent).toContain("не настроен");
    expect(document.body.textContent).not.toContain("уже на сервере");
    expect($("sync-all-sent")).toBeNull();
  });

  it("after a login shows the server and the user; no link is a status, not an error", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    render(<App api={api} />, host);
    click(await waitFor(() => $("nav-sync")));
    change((await waitFor(() => $("login-server"))) as HTMLInputElement, "http://school.local:8080/");
    change($("login-name") as HTMLInputElement, "kuznetsova");
    change($("login-password") as HTMLInputElement, "секрет");
    await new Promise((r) => setTimeout(r, 20));
    ($("login-form") as HTMLFormElement).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    const account = await waitFor(() => $("sync-account"));
    expect(account.textContent).toContain("http://school.local:8080");
    expect(account.textContent).toContain("Кузнецова");

    // The shell answers an unreachable server with a status.
    const offline: SyncStatus = {
      ...(await api.syncStatus().then((r) => (r.ok ? r.value : null)))!,
      online: false,
      last_error: "нет связи с сервером http://school.local:8080 (connection refused)",
      message: "Нет связи с сервером: всё сохранено на этом компьютере",
    };
    api.syncNow = async () => ok(offline);
    click($("sync-now")!);
    await waitFor(() => $("sync-last-error"));
    expect($("sync-last-error")!.textContent).toContain("нет связи");
    expect($("sync-summary")!.textContent).toContain("Нет связи");
    expect($("sync-note")).toBeNull();
    expect($("sync-status")!.dataset.online).toBe("false");
  });

  it("shows the key of an exported bundle and sends the key with an import", async () => {
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    await api.login("http://school.local", "kuznetsova", "секрет");
    const keys: string[] = [];
    const bundleImport = api.bundleImport.bind(api);
    api.bundleImport = (path, key) => {
      keys.push(key);
      return bundleImport(path, key);
    };
    render(<App api={api} />, host);
    click(await waitFor(() => $("nav-sync")));
    click(await waitFor(() => $("bundle-export")));
    expect((await waitFor(() => $("bundle-key"))).textContent).toContain("5a".repeat(32));
    change($("bundle-import-key") as HTMLInputElement, "ab".repeat(32));
    await new Promise((r) => setTimeout(r, 20));
    click($("bundle-import")!);
    await waitFor(() => $("bundle-note")?.textContent?.startsWith("Загружено"));
    expect(keys).toEqual(["ab".repeat(32)]);
    expect($("bundle-key")).toBeNull();
  });
});
