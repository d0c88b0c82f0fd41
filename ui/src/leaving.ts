// Leaving the work on screen (closing the window, another person taking the computer): what is
// being typed is stored first, as a click elsewhere stores it, and what cannot be stored is
// named, so that the window can ask instead of throwing it away.

import { allIdle, failedEverywhere } from "./grid/queue";

/** Stores what its part of the window has in progress; returns what it could not store, each
 * as a line for the user («Иванов П., 03.09: «7» — не отметка…»). */
export type Keeper = () => Promise<string[]> | string[];

const keepers = new Set<Keeper>();

/** Registers a part of the window with typed work; the returned function unregisters it. */
export function keepOnLeaving(k: Keeper): () => void {
  keepers.add(k);
  return () => void keepers.delete(k);
}

/** Stores everything typed in the window and waits until it is on disk. Returns what is not
 * stored: entries that are not valid, and edits the shell refused. Empty: safe to leave. */
export async function storeEverything(): Promise<string[]> {
  const left: string[] = [];
  for (const k of [...keepers]) left.push(...(await k()));
  await allIdle();
  for (const f of failedEverywhere()) left.push(`${f.label}: ${f.error.message}`);
  return left;
}
