// Dates shown to people ("sources last checked on October 1, 2026"), in the
// language of the messages. Formatters are cached: creating one loads locale
// data and costs milliseconds, which a page load should not pay.

const formatters = new Map();

/** "2026-10-01" -> "October 1, 2026" (en), "1. Oktober 2026" (de), …; anything else as given. */
export function formatIsoDate(isoDate, locale) {
  if (typeof isoDate !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) return String(isoDate ?? "");
  const when = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(when.getTime())) return isoDate;
  let formatter = formatters.get(locale);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" });
    } catch {
      return isoDate;
    }
    formatters.set(locale, formatter);
  }
  return formatter.format(when);
}
