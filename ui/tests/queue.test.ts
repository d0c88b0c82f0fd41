import { describe, expect, it } from "vitest";
import { err, ok, type Result } from "../src/api";
import { EditQueue, type QueueEvent } from "../src/grid/queue";

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("the edit queue", () => {
  it("sends edits one at a time, in order, and returns at once", async () => {
    const log: string[] = [];
    const events: QueueEvent<string>[] = [];
    const q = new EditQueue<string>((e) => events.push(e));
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    let inFlight = 0;
    const job = (i: number) => async (): Promise<Result<string>> => {
      inFlight++;
      expect(inFlight).toBe(1);
      log.push(`start ${i}`);
      await gates[i]!.promise;
      log.push(`end ${i}`);
      inFlight--;
      return ok(`r${i}`);
    };
    q.push("a", "a", job(0));
    q.push("b", "b", job(1));
    q.push("a", "a again", job(2));
    expect(q.pending).toBe(3);
    // release in reverse: order must still be kept
    gates[2]!.resolve();
    gates[1]!.resolve();
    gates[0]!.resolve();
    await q.idle();
    expect(log).toEqual(["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]);
    const saved = events.filter((e) => e.state === "saved");
    expect(saved.map((e) => [e.key, e.result, e.latest])).toEqual([
      ["a", "r0", false], // a newer edit of "a" was waiting: this one does not decide what shows
      ["b", "r1", true],
      ["a", "r2", true],
    ]);
  });

  it("shows a failure, keeps going, and can send the failed edit again", async () => {
    const events: QueueEvent<number>[] = [];
    const q = new EditQueue<number>((e) => events.push(e));
    let attempts = 0;
    q.push("x", "Антонов, 03.09", async () => (++attempts === 1 ? err("store", "Диск переполнен") : ok(1)));
    q.push("y", "Белова, 03.09", async () => ok(2));
    await q.idle();
    const first = events[0]!.seq;
    expect(q.failed).toEqual([{ seq: first, key: "x", label: "Антонов, 03.09", error: { code: "store", message: "Диск переполнен" } }]);
    expect(events.find((e) => e.key === "y" && e.state === "saved")).toBeTruthy();
    expect(q.retry(first)).toBe(true);
    await q.idle();
    expect(q.failed).toEqual([]);
    expect(attempts).toBe(2);
  });

  it("a thrown error is a failure, not a lost edit", async () => {
    const q = new EditQueue<number>(() => {});
    q.push("x", "x", async () => {
      throw new Error("boom");
    });
    await q.idle();
    expect(q.failed[0]!.error.message).toContain("boom");
  });

  it("a newer edit of a failed cell replaces the failure", async () => {
    const q = new EditQueue<number>(() => {});
    q.push("x", "x", async () => err("store", "нет"));
    await q.idle();
    q.push("x", "x", async () => ok(1));
    await q.idle();
    expect(q.failed).toEqual([]);
  });
});

describe("every grid's queues", () => {
  it("allIdle waits for edits of a queue whose grid is gone", async () => {
    const { allIdle, pendingEverywhere } = await import("../src/grid/queue");
    const gate = deferred<void>();
    let done = false;
    const q = new EditQueue<number>(() => {});
    q.push("x", "x", async () => {
      await gate.promise;
      done = true;
      return ok(1);
    });
    expect(pendingEverywhere()).toBe(1);
    const waiting = allIdle();
    gate.resolve();
    await waiting;
    expect(done).toBe(true);
    expect(pendingEverywhere()).toBe(0);
  });
});
