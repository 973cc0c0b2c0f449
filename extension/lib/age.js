// How old the list is, in the largest whole unit, for a localized sentence
// ("updated 3 hours ago"). Pure: the caller passes the clock.

const UNITS = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/**
 * @param {string|number|Date} then a timestamp the list was generated or synced
 * @param {number} now milliseconds since the epoch
 * @returns {{unit: "day"|"hour"|"minute"|"now", count: number} | null}
 */
export function ageOf(then, now) {
  const t = then instanceof Date ? then.getTime() : typeof then === "number" ? then : Date.parse(then);
  if (!Number.isFinite(t)) return null;
  const elapsed = Math.max(0, now - t);
  for (const [unit, ms] of UNITS) {
    if (elapsed >= ms) return { unit, count: Math.floor(elapsed / ms) };
  }
  return { unit: "now", count: 0 };
}
