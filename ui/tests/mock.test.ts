import { describe, expect, it } from "vitest";
import { MockBackend } from "../src/mock";

describe("the mock school", () => {
  it("starts empty and opens the demo school", async () => {
    const m = new MockBackend();
    expect((await m.appState()).ok && (await m.appState())).toMatchObject({ value: { has_school: false } });
    const s = await m.openDemo();
    expect(s.ok && s.value.has_school).toBe(true);
    expect((await m.openDemo()).ok).toBe(false);
  });

  it("has a class of 32 students with 60 lessons of Russian in the first quarter", async () => {
    const m = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    const js = await m.myJournals();
    if (!js.ok) throw new Error(js.error.message);
    const ru = js.value.find((j) => j.subject_name === "Русский язык")!;
    expect(ru.access).toBe("write");
    expect(js.value.find((j) => j.subject_name === "Алгебра")!.access).toBe("read");
    const g = await m.grid(ru.class_id, ru.subject_id, null, "Q1");
    if (!g.ok) throw new Error(g.error.message);
    expect(g.value.students).toHaveLength(32);
    expect(g.value.lessons).toHaveLength(60);
    expect(g.value.cells.length).toBeGreaterThan(300);
  });

  it("refuses writes into a journal it may only read, and marks beside an absence", async () => {
    const m = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova" });
    const js = await m.myJournals();
    if (!js.ok) throw new Error();
    const alg = js.value.find((j) => j.subject_name === "Алгебра")!;
    const g = await m.grid(alg.class_id, alg.subject_id, null, "Q1");
    if (!g.ok) throw new Error();
    const r = await m.setCell(alg.class_id, alg.subject_id, g.value.lessons[0]!.id, g.value.students[0]!.id, "5");
    expect(r).toMatchObject({ ok: false, error: { code: "read_only" } });
    const ru = js.value.find((j) => j.subject_name === "Русский язык")!;
    const g2 = await m.grid(ru.class_id, ru.subject_id, null, "Q1");
    if (!g2.ok) throw new Error();
    const bad = await m.setCell(ru.class_id, ru.subject_id, g2.value.lessons[0]!.id, g2.value.students[0]!.id, "н5");
    expect(bad).toMatchObject({ ok: false, error: { code: "invalid" } });
  });

  it("keeps personal data for the class teacher and the admin", async () => {
    const m = new MockBackend({ hasSchool: true, profile: "staff-smirnova" });
    expect(await m.personal("class-7b")).toMatchObject({ ok: false, error: { code: "no_access" } });
    await m.setProfile("staff-kuznetsova");
    expect((await m.personal("class-7b")).ok).toBe(true);
  });
});
