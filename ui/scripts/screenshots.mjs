// Screenshots of every screen with the mock school, in headless Chromium from the system
// (/usr/bin/chromium): `npm run screenshots` writes ../docs/images/ui-*.png; `node
// scripts/screenshots.mjs DIR` writes elsewhere. Starts its own Vite server on a free port.
import { chromium } from "playwright-core";
import { createServer } from "vite";
import { mkdirSync } from "node:fs";

const out = process.argv[2] ?? "shots";
const server = await createServer({ server: { port: 0, host: "127.0.0.1", strictPort: false }, logLevel: "error" });
await server.listen();
const base = `http://127.0.0.1:${server.httpServer.address().port}/`;
const exe = process.env.CHROMIUM ?? "/usr/bin/chromium";
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: exe, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "ru-RU" });
const id = (t) => `[data-testid="${t}"]`;
const shot = async (name) => {
  await page.waitForTimeout(250);
  await page.screenshot({ path: `${out}/ui-${name}.png` });
  console.log(`${out}/ui-${name}.png`);
};

// first start → demo → profile
await page.goto(base);
await page.waitForSelector(id("open-demo"));
await shot("first-start");
await page.click(id("open-demo"));
await page.waitForSelector(id("profile-select"));
await page.selectOption(id("profile-select"), "staff-kuznetsova");
await shot("profile");
await page.click(id("profile-confirm"));
await page.waitForSelector(id("journal-0"));
await shot("journals");

// the teacher's own journal: type a row of marks
await page.click(id("journal-0"));
await page.waitForSelector(id("cell-0-0"));
await page.click(id("cell-0-54"));
for (const k of ["5", "Tab", "4", "Tab", "н", "Tab", "5", "4", "Tab", "б", "Tab"])
  await (k.length === 1 ? page.keyboard.type(k) : page.keyboard.press(k));
await page.click(id("cell-3-55"));
await page.keyboard.type("о");
await shot("grid-typing");
await page.keyboard.type("7");
await page.keyboard.press("Enter");
await shot("grid-invalid");
await page.keyboard.press("Escape");
await page.click(id("cell-2-30"));
await shot("grid");

// the class teacher looks at another teacher's subject
await page.selectOption(id("journal-select"), { label: "7Б · Алгебра (просмотр)" });
await page.waitForSelector(id("read-only"));
await page.click(id("cell-1-3"));
await page.keyboard.type("5");
await shot("grid-read-only");

await page.click(id("nav-class"));
await page.click(id("class-tab-roster"));
await page.waitForSelector(id("roster-table"));
await shot("roster");
await page.click(id("class-tab-movement"));
await page.waitForSelector(id("movement-form"));
await shot("movement");
await page.click(id("class-tab-personal"));
await page.waitForSelector(id("personal-table"));
await shot("personal");
await page.click(id("class-tab-monitoring"));
await page.waitForSelector('[data-testid^="monitoring-"]');
await shot("monitoring");

await page.click(id("nav-reports"));
await page.selectOption(id("report-kind"), "year-journal");
await page.click(id("report-two-sided"));
await page.click(id("report-make"));
await page.waitForTimeout(200);
await shot("report-progress");
await page.waitForSelector(id("report-path"));
await shot("reports");

await page.click(id("nav-sync"));
await page.waitForSelector(id("sync-panel"));
await shot("sync");
// enrolled on a school server: the password form (a one-time password is changed first)
await page.fill(id("login-server"), "http://192.168.1.10:8080");
await page.fill(id("login-name"), "kuznetsova");
await page.fill(id("login-password"), "одноразовый");
await page.click(id("login-submit"));
await page.waitForSelector(id("password-form"));
await page.fill(id("password-old"), "одноразовый");
await page.fill(id("password-new"), "новый-пароль");
await page.fill(id("password-again"), "новый-пароль");
await page.click(id("password-submit"));
await page.waitForSelector(id("password-note"));
await page.locator(id("password-form")).scrollIntoViewIfNeeded();
await shot("sync-enrolled");
await browser.close();
await server.close();
