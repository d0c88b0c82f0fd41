// The edit queue: the grid hands every stored entry to it and goes on taking keystrokes. Edits
// are sent one at a time, in the order they were made (the shell's answer to one is durable
// before the next is sent), so a later value of a cell always wins. A failed edit is kept with
// its error, shown, and can be sent again: nothing typed is lost.

import type { Result } from "../api";
import type { AppError } from "../types";

export type EditState = "pending" | "saving" | "saved" | "failed";

export interface QueueEvent<R> {
  seq: number;
  key: string;
  state: EditState;
  result?: R;
  error?: AppError;
  /** No newer edit of the same key is waiting: this event decides what the cell shows. */
  latest: boolean;
}

interface Item<R> {
  seq: number;
  key: string;
  label: string;
  run: () => Promise<Result<R>>;
}

export interface FailedEdit {
  seq: number;
  key: string;
  label: string;
  error: AppError;
}

/** Edit numbers are unique in the window (a failure is named by its number). */
let nextSeq = 1;

/** Queues with edits still on their way, from every grid opened in this window. */
const busy = new Set<EditQueue<unknown>>();
/** Queues holding failed edits: they outlive their grid (a period or journal left behind). */
const failing = new Set<EditQueue<unknown>>();

/** A failed edit of any grid, with the way to send it again. */
export interface FailedAnywhere extends FailedEdit {
  queue: EditQueue<unknown>;
  retry: () => void;
}

/** Every failed edit of this window, oldest first: none is forgotten when its grid is gone. */
export function failedEverywhere(): FailedAnywhere[] {
  return [...failing].flatMap((q) => q.failed.map((f) => ({ ...f, queue: q, retry: () => void q.retry(f.seq) })));
}

/** Resolves when every grid's edits are answered: read a journal again only after this. */
export async function allIdle(): Promise<void> {
  while (busy.size > 0) await Promise.all([...busy].map((q) => q.idle()));
}

/** Edits typed in this window and not yet answered, in every grid. */
export function pendingEverywhere(): number {
  let n = 0;
  for (const q of busy) n += q.pending;
  return n;
}

export class EditQueue<R> {
  private items: Item<R>[] = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];
  private latestSeq = new Map<string, number>();
  private failedItems = new Map<number, Item<R> & { error: AppError }>();

  constructor(private listener: (e: QueueEvent<R>) => void) {}

  /** Queues an edit and returns at once; `label` names it for the user ("Иванов, 03.09"). */
  push(key: string, label: string, run: () => Promise<Result<R>>): number {
    const seq = nextSeq++;
    this.items.push({ seq, key, label, run });
    this.latestSeq.set(key, seq);
    // A newer edit of a failed cell replaces the failure.
    for (const [s, f] of this.failedItems) if (f.key === key) this.failedItems.delete(s);
    if (this.failedItems.size === 0) failing.delete(this as EditQueue<unknown>);
    this.listener({ seq, key, state: "pending", latest: true });
    busy.add(this as EditQueue<unknown>);
    if (!this.running) void this.drain();
    return seq;
  }

  /** Edits not yet acknowledged (waiting or being sent). */
  get pending(): number {
    return this.items.length;
  }

  get failed(): FailedEdit[] {
    return [...this.failedItems.values()].map(({ seq, key, label, error }) => ({ seq, key, label, error }));
  }

  /** Sends a failed edit again, as a new edit at the end of the queue. */
  retry(seq: number): boolean {
    const f = this.failedItems.get(seq);
    if (!f) return false;
    this.failedItems.delete(seq);
    if (this.failedItems.size === 0) failing.delete(this as EditQueue<unknown>);
    this.push(f.key, f.label, f.run);
    return true;
  }

  /** Resolves when every queued edit has been answered. */
  idle(): Promise<void> {
    if (!this.running && this.items.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.items.length > 0) {
      const item = this.items[0]!;
      const latest = () => this.latestSeq.get(item.key) === item.seq;
      this.listener({ seq: item.seq, key: item.key, state: "saving", latest: latest() });
      let r: Result<R>;
      try {
        r = await item.run();
      } catch (e) {
        r = { ok: false, error: { code: "store", message: `Не удалось сохранить: ${String(e)}` } };
      }
      this.items.shift();
      if (r.ok) {
        this.listener({ seq: item.seq, key: item.key, state: "saved", result: r.value, latest: latest() });
      } else {
        // A failure that a newer edit of the same cell has replaced is not kept.
        if (latest()) {
          this.failedItems.set(item.seq, { ...item, error: r.error });
          failing.add(this as EditQueue<unknown>);
        }
        this.listener({ seq: item.seq, key: item.key, state: "failed", error: r.error, latest: latest() });
      }
    }
    this.running = false;
    busy.delete(this as EditQueue<unknown>);
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
