import { beforeEach, describe, expect, it, vi } from "vitest";

const calls: Array<{ cmd: string; args: Record<string, unknown> | undefined }> = [];
let answer: (cmd: string) => Promise<unknown> = async () => null;

vi.mock("@tauri-apps/api/core", () => ({
  invoke: (cmd: string, args?: Record<string, unknown>) => {
    calls.push({ cmd, args });
    return answer(cmd);
  },
  convertFileSrc: (p: string) => `asset://localhost/${encodeURIComponent(p)}`,
}));
vi.mock("@tauri-apps/api/event", () => ({ listen: async () => () => {} }));

import { args, tauriApi, toAppError } from "../src/api";

describe("the Tauri API layer", () => {
  beforeEach(() => {
    calls.length = 0;
    answer = async () => null;
  });

  it("calls the contract's commands with snake_case and camelCase arguments", async () => {
    const api = await tauriApi();
    await api.setCell("c", "s", "l", "st", "5 4");
    await api.grid("c", "s", null, "Q1");
    await api.monitoring("c", 5);
    await api.makeReport({ kind: "period-copy", class_id: "c", period: "Q1" });
    await api.resolveConflict("d", "l", "st", "5");
    expect(calls.map((c) => c.cmd)).toEqual(["set_cell", "grid", "monitoring", "make_report", "resolve_conflict"]);
    expect(calls[0]!.args).toMatchObject({ class_id: "c", classId: "c", lesson_id: "l", lessonId: "l", student_id: "st", input: "5 4" });
    expect(calls[1]!.args).toMatchObject({ subgroup: null, period: "Q1" });
    expect(calls[2]!.args).toMatchObject({ lessons_without_marks: 5, lessonsWithoutMarks: 5 });
    expect(calls[3]!.args).toMatchObject({ request: { kind: "period-copy", class_id: "c", period: "Q1" } });
    expect(calls[4]!.args).toMatchObject({ chosen_text: "5", chosenText: "5" });
  });

  it("turns a rejected command into a typed error value", async () => {
    answer = async () => {
      throw { code: "read_only", message: "Журнал открыт только для просмотра" };
    };
    const api = await tauriApi();
    const r = await api.setCell("c", "s", "l", "st", "5");
    expect(r).toEqual({ ok: false, error: { code: "read_only", message: "Журнал открыт только для просмотра" } });
  });

  it("a file dialog that the shell does not have answers null", async () => {
    answer = async () => {
      throw "dialog plugin not found";
    };
    const api = await tauriApi();
    expect(await api.pickFile("open", [{ name: "CSV", extensions: ["csv"] }])).toBeNull();
    expect(calls[0]!.cmd).toBe("plugin:dialog|open");
  });

  it("helpers", () => {
    expect(args({ staff_id: "x" })).toEqual({ staff_id: "x", staffId: "x" });
    expect(toAppError("disk full")).toEqual({ code: "store", message: "disk full" });
    expect(toAppError(new Error("boom"))).toEqual({ code: "store", message: "boom" });
    // The shell's codes pass as they are; a code outside AppCode is the shell's own failure.
    expect(toAppError({ code: "locked", message: "Введите PIN-код" })).toEqual({ code: "locked", message: "Введите PIN-код" });
    expect(toAppError({ code: "teapot", message: "?" })).toEqual({ code: "store", message: "?" });
  });
});
