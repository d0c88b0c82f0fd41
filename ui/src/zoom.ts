// The window's zoom for old eyes and small screens: Ctrl+plus, Ctrl+minus, Ctrl+0, kept between
// starts (the web view's local storage).

const KEY = "zhurnal.zoom";
export const ZOOMS = [0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2];

/** The zoom after a key with Ctrl held, or null when the key is not a zoom key. */
export function nextZoom(current: number, key: string): number | null {
  const i = ZOOMS.reduce((best, z, j) => (Math.abs(z - current) < Math.abs(ZOOMS[best]! - current) ? j : best), 0);
  if (key === "+" || key === "=" || key === "Add") return ZOOMS[Math.min(ZOOMS.length - 1, i + 1)]!;
  if (key === "-" || key === "_" || key === "Subtract") return ZOOMS[Math.max(0, i - 1)]!;
  if (key === "0") return 1;
  return null;
}

export function savedZoom(): number {
  const z = Number(globalThis.localStorage?.getItem(KEY) ?? "1");
  return ZOOMS.includes(z) ? z : 1;
}

/** Applies the zoom to the whole window and keeps it for the next start. */
export function setZoom(z: number): void {
  document.documentElement.style.setProperty("zoom", String(z));
  globalThis.localStorage?.setItem(KEY, String(z));
}
