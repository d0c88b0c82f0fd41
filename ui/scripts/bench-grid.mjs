// Benchmark of the journal grid in headless Chromium, with the mock school (no shell):
//   * building the grid of 35 students × 60 lessons (median of 20 builds);
//   * one keystroke, from the key event to the DOM updated (median and 99th percentile over a
//     fast typist's whole column-by-column pass: "5", Enter, "н", Enter… = 4 200 keys), and the
//     same with the layout and scroll that the next frame does for it (a key per frame: the
//     worst case; keys faster than frames share one layout);
//   * the page from navigation to an interactive grid.
// Run: `npm run bench` (starts its own Vite server on 127.0.0.1, a free port).
import { createServer } from "vite";
import { chromium } from "playwright-core";

const server = await createServer({ server: { port: 0, host: "127.0.0.1", strictPort: false }, logLevel: "error" });
await server.listen();
const { port } = server.httpServer.address();
const base = `http://127.0.0.1:${port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

  const t0 = Date.now();
  await page.goto(`${base}?school=1&profile=staff-kuznetsova&latency=0`);
  await page.click('[data-testid="journal-0"]');
  await page.waitForSelector('[data-testid="cell-31-59"]');
  const startMs = Date.now() - t0;

  const r = await page.evaluate(async () => {
    const { MockBackend } = await import("/src/mock.ts");
    const { JournalGrid } = await import("/src/grid/grid.ts");
    const api = new MockBackend({ hasSchool: true, profile: "staff-kuznetsova", students: 35, lessons: 60 });
    const js = await api.myJournals();
    const journal = js.value.find((j) => j.subject_name === "Русский язык");
    const g = await api.grid(journal.class_id, journal.subject_id, null, "Q1");
    const view = g.value;
    const host = document.createElement("div");
    host.style.cssText = "position:fixed;inset:0;display:flex;z-index:10";
    document.body.append(host);
    const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const p99 = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length * 0.99)];
    const builds = [];
    let grid;
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      grid = new JournalGrid({ api, journal, view: structuredClone(view) });
      host.replaceChildren(grid.root);
      grid.root.getBoundingClientRect(); // include layout
      builds.push(performance.now() - t);
    }
    const input = grid.root.querySelector('[data-testid="grid-input"]');
    const keys = [];
    const framed = [];
    const seq = ["5", "Enter", "4", "Enter", "н", "Enter", "5", "Enter", "3", "Enter", "б", "Enter"];
    let k = 0;
    const pass = (out, withFrame) => {
      for (let c = 0; c < 60; c++) {
        grid.select(0, c);
        for (let r = 0; r < 35; r++) {
          for (const key of [seq[k % seq.length], "Enter"]) {
            const t = performance.now();
            input.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
            if (withFrame) grid.root.querySelector("td.cur").scrollIntoView({ block: "nearest", inline: "nearest" });
            out.push(performance.now() - t);
          }
          k += 2;
        }
      }
    };
    pass(keys, false);
    await grid.queue.idle();
    pass(framed, true);
    const t = performance.now();
    await grid.queue.idle();
    const drain = performance.now() - t;
    return {
      build: median(builds),
      keyMedian: median(keys),
      keyP99: p99(keys),
      framedMedian: median(framed),
      framedP99: p99(framed),
      keys: keys.length,
      edits: api.received.length,
      drain,
    };
  });
  console.log(`grid 35×60 build (median of 20): ${r.build.toFixed(1)} ms`);
  console.log(`keystroke → DOM (${r.keys} keys): median ${(r.keyMedian * 1000).toFixed(0)} µs, p99 ${(r.keyP99 * 1000).toFixed(0)} µs`);
  console.log(`keystroke + its frame's layout and scroll: median ${(r.framedMedian * 1000).toFixed(0)} µs, p99 ${(r.framedP99 * 1000).toFixed(0)} µs`);
  console.log("(Chromium rounds performance.now() to 100 µs)");
  console.log(`edits queued: ${r.edits}; queue drained against the mock in ${r.drain.toFixed(0)} ms after the last key`);
  console.log(`page load → interactive grid (mock, dev server): ${startMs} ms`);
} finally {
  await browser.close();
  await server.close();
}
