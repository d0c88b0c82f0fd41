import { render } from "preact";
import "@fontsource/pt-sans/cyrillic-400.css";
import "@fontsource/pt-sans/cyrillic-700.css";
import "@fontsource/pt-sans/latin-400.css";
import "@fontsource/pt-sans/latin-700.css";
import "./styles.css";
import { inTauri, tauriApi, type Api } from "./api";
import { App } from "./app";
import { pendingEverywhere } from "./grid/queue";
import { savedZoom, setZoom } from "./zoom";

// Inside the Tauri shell the real commands answer; in a plain browser (npm run dev, the
// screenshots) the in-memory school does. `?school=1&profile=<staff id>` skips the first start.
async function backend(): Promise<Api> {
  if (inTauri()) return tauriApi();
  const q = new URLSearchParams(location.search);
  const { MockBackend } = await import("./mock");
  return new MockBackend({
    hasSchool: q.has("school"),
    profile: q.get("profile"),
    latencyMs: Number(q.get("latency") ?? 15),
  });
}

// Closing the window while edits are still on their way to the disk asks first.
window.addEventListener("beforeunload", (e) => {
  if (pendingEverywhere() > 0) e.preventDefault();
});

performance.mark("zhurnal:script");
setZoom(savedZoom());
void backend().then((api) => {
  performance.mark("zhurnal:backend");
  render(<App api={api} />, document.getElementById("app")!);
});
