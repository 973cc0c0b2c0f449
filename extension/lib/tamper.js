// Counting a page's attacks on the banner (pure, node-testable). The banner
// reports each removal, hiding or covering of its host; past TAMPER_LIMIT
// attacks within TAMPER_WINDOW_MS the background shows the warning in the
// extension's own page instead (background/escalation.js).
//
// Why 10 within 5 s: the guard repairs every attack in the same microtask,
// so a page that attacks now and then never hides the banner, and pages do
// that by accident a few times at most (a framework re-rendering <html>,
// a page writing itself anew, a cookie dialog or a menu opening in the top layer: one to
// three events per load in the existing hostile-page suite). Ten in five
// seconds is a fight: the 20 Hz page reaches it in about 0.3 s, the
// 100 Hz page in one frame. A person does not open ten popover menus in five
// seconds either.

export const TAMPER_LIMIT = 10;
export const TAMPER_WINDOW_MS = 5000;
/** The kinds of attack the banner reports. */
export const TAMPER_KINDS = ["removed", "hidden", "covered"];

/**
 * The number of attacks in a banner's report: {removed, hidden, covered}
 * counts, anything else ignored, each count capped (a report covers 200 ms).
 */
export function attacksIn(kinds, cap = 1000) {
  if (!kinds || typeof kinds !== "object") return 0;
  let total = 0;
  for (const kind of TAMPER_KINDS) {
    const n = Number(kinds[kind]);
    if (Number.isFinite(n) && n > 0) total += Math.min(Math.floor(n), cap);
  }
  return total;
}

/**
 * A sliding-window counter per key (a tab and a site): `add(key, count, now)`
 * records `count` attacks at `now` (ms) and says whether the key has now seen
 * more than `limit` within `windowMs`; `total(key)` is every attack seen;
 * `forget(key)` drops it.
 */
export function createTamperCounter({ limit = TAMPER_LIMIT, windowMs = TAMPER_WINDOW_MS } = {}) {
  const seen = new Map(); // key -> {events: [[time, count]], total}
  return {
    add(key, count, now) {
      const state = seen.get(key) ?? { events: [], total: 0 };
      seen.set(key, state);
      if (count > 0) {
        state.events.push([now, count]);
        state.total += count;
      }
      state.events = state.events.filter(([time]) => now - time < windowMs);
      const recent = state.events.reduce((sum, [, n]) => sum + n, 0);
      return recent > limit;
    },
    total: (key) => seen.get(key)?.total ?? 0,
    forget(key) {
      seen.delete(key);
    },
  };
}
