// TESTIDS.md is the list the end-to-end tests rely on: keep it true.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === "bindings") return [];
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(f) ? [p] : [];
  });
}

/** `journal-${i}` and `journal-<i>` both become `journal-*`. */
const norm = (id: string) => id.replace(/\$\{[^}]*\}|<[^>]*>/g, "*");

function inSource(): Set<string> {
  const ids = new Set<string>();
  for (const f of files(join(root, "src"))) {
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(/data-testid="([^"]+)"/g)) ids.add(norm(m[1]!));
    // components that put the id on their element: <DateField testid="lesson-date" …>
    for (const m of text.matchAll(/ testid="([^"]+)"/g)) ids.add(norm(m[1]!));
    for (const m of text.matchAll(/data-testid=\{`([^`]+)`\}/g)) ids.add(norm(m[1]!));
    for (const m of text.matchAll(/dataset\.testid = (?:final \? )?[`"]([^`"]+)[`"](?: : [`"]([^`"]+)[`"])?/g)) {
      ids.add(norm(m[1]!));
      if (m[2]) ids.add(norm(m[2]));
    }
    // tabs built by a helper: tab("journals", "Журналы", "nav-journals")
    for (const m of text.matchAll(/tab\("[a-z]+", "[^"]+", "([^"]+)"\)/g)) ids.add(norm(m[1]!));
  }
  return ids;
}

function inDoc(): Set<string> {
  const ids = new Set<string>();
  const doc = readFileSync(join(root, "TESTIDS.md"), "utf8");
  for (const line of doc.split("\n").filter((l) => l.startsWith("| `"))) {
    const first = line.split("|")[1]!;
    for (const m of first.matchAll(/`([^`]+)`/g)) ids.add(norm(m[1]!));
  }
  return ids;
}

describe("TESTIDS.md", () => {
  it("lists exactly the ids the UI has", () => {
    const src = inSource();
    const doc = inDoc();
    expect([...src].filter((x) => !doc.has(x)).sort(), "in the UI but not in TESTIDS.md").toEqual([]);
    expect([...doc].filter((x) => !src.has(x)).sort(), "in TESTIDS.md but not in the UI").toEqual([]);
  });
});
