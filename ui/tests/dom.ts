// What the UI suites do to the page as a user would: find by data-testid, wait for something to
// show, click.

export const $ = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;

/** Every element whose data-testid starts with `prefix`. */
export const $$ = (prefix: string) => [...document.querySelectorAll(`[data-testid^="${prefix}"]`)] as HTMLElement[];

/** The first truthy value of `f`, polled every 10 ms for up to `ms`. */
export async function waitFor<T>(f: () => T | null | undefined | false, ms = 8000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${f.toString()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const click = (el: HTMLElement) => el.dispatchEvent(new MouseEvent("click", { bubbles: true }));

/** Types or picks `value` in a field as a user would: the value, then its change and input
 * events (a select answers the one, a text field the other). */
export const change = (el: HTMLSelectElement | HTMLInputElement | HTMLTextAreaElement, value: string) => {
  el.value = value;
  el.dispatchEvent(new Event("change", { bubbles: true }));
  el.dispatchEvent(new Event("input", { bubbles: true }));
};
