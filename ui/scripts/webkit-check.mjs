// The UI in the engine the app runs in (WebKitGTK), with the in-memory school: opens a journal,
// clicks a cell and types a row through WebDriver (WebKitWebDriver + MiniBrowser under its own
// Xvfb), checks what the cells show, then makes a document and shows its PDF preview (WebKitGTK
// draws PDFs with its PDF.js); saves a screenshot of each. Needs the Debian packages xvfb and
// webkit2gtk-driver. Run: `node scripts/webkit-check.mjs [outdir]`.
import { createServer } from "vite";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer as netServer } from "node:net";

const out = process.argv[2] ?? "/tmp";
mkdirSync(out, { recursive: true });
const browser = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise((resolve) => {
    const s = netServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const server = await createServer({ server: { port: 0, host: "127.0.0.1" }, logLevel: "error" });
await server.listen();
const base = `http://127.0.0.1:${server.httpServer.address().port}/`;
let display = 90;
while (existsSync(`/tmp/.X11-unix/X${display}`) || existsSync(`/tmp/.X${display}-lock`)) display++;
const xvfb = spawn("Xvfb", [`:${display}`, "-screen", "0", "1366x800x24", "-nolisten", "tcp"], { stdio: "ignore" });
const port = await freePort();
await sleep(500);
const driver = spawn("WebKitWebDriver", [`--port=${port}`], { env: { ...process.env, DISPLAY: `:${display}`, NO_AT_BRIDGE: "1" }, stdio: "ignore" });
await sleep(500);

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
async function wd(method, path, body) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body) });
  const j = await r.json();
  if (j.value?.error) throw new Error(`${path}: ${j.value.error} ${j.value.message}`);
  return j.value;
}
async function retry(f) {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i > 40) throw e;
      await sleep(250);
    }
  }
}

let failed = false;
try {
  const { sessionId } = await retry(() =>
    wd("POST", "/session", { capabilities: { alwaysMatch: { "webkitgtk:browserOptions": { binary: browser, args: ["--automation"] } } } }),
  );
  const S = (p) => `/session/${sessionId}${p}`;
  const find = async (id) => (await wd("POST", S("/element"), { using: "css selector", value: `[data-testid="${id}"]` }))[ELEMENT];
  const click = (id) => retry(async () => wd("POST", S(`/element/${await find(id)}/click`), {}));
  const text = async (id) => wd("GET", S(`/element/${await find(id)}/text`));
  const content = (id) => wd("POST", S("/execute/sync"), { script: `return document.querySelector('[data-testid="${id}"]').textContent`, args: [] });
  await wd("POST", S("/url"), { url: `${base}?school=1&profile=staff-kuznetsova` });
  await click("journal-0");
  await click("cell-0-53");
  // 5 ⇥ н ⇥ о5 ⇥ 7 ⏎ (the last is refused and stays as typed)
  await retry(async () => wd("POST", S(`/element/${await find("grid-input")}/value`), { text: "5\uE004н\uE004о5\uE0047\uE007" }));
  await sleep(500);
  const got = [];
  for (const id of ["cell-0-53", "cell-0-54", "cell-0-55", "cell-0-56"]) got.push(await text(id));
  const hint = await retry(async () => {
    const t = await content("grid-hint");
    if (!t.includes("«7»")) throw new Error(`hint: ${t}`);
    return t;
  });
  const want = ["5", "Н", "О 5", "7"];
  console.log(`cells: ${JSON.stringify(got)} (want ${JSON.stringify(want)}); hint: ${hint}`);
  failed = JSON.stringify(got) !== JSON.stringify(want);
  writeFileSync(`${out}/webkit-grid.png`, Buffer.from(await wd("GET", S("/screenshot")), "base64"));
  console.log(`${out}/webkit-grid.png`);
  await click("nav-reports");
  await click("report-make");
  console.log(`report: ${await retry(async () => text("report-path"))}`);
  await sleep(2500); // the PDF viewer draws the page
  writeFileSync(`${out}/webkit-reports.png`, Buffer.from(await wd("GET", S("/screenshot")), "base64"));
  console.log(`${out}/webkit-reports.png`);
  await wd("DELETE", S(""));
} finally {
  driver.kill("SIGTERM");
  xvfb.kill("SIGTERM");
  await server.close();
}
process.exit(failed ? 1 : 0);
