// Shared by the popup and the options page: localization of static text,
// and the wording of list ages. The helpers the banner uses as well (t, el,
// describeError, send, the comment limit) come from content/util.js, defined once.
import "../content/util.js";
import { ageOf } from "../lib/age.js";
import { formatIsoDate } from "../lib/dates.js";

export const { api, t, send, el, describeError, REPORT_COMMENT_MAX } = globalThis[Symbol.for("caveat.util")];

/** Fills every [data-i18n] element's text (and [data-i18n-label] aria-labels). */
export function localizePage(root = document) {
  document.documentElement.lang = t("uiLocale");
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  const title = document.querySelector("title[data-i18n]");
  if (title) document.title = title.textContent;
}

export function describeAge(timestamp, now = Date.now()) {
  const age = ageOf(timestamp, now);
  if (!age) return t("ageUnknown");
  if (age.unit === "now") return t("ageNow");
  return t(`age_${age.unit}`, [String(age.count)]);
}

/** "2026-10-01" in the language of the messages, e.g. "October 1, 2026". */
export function formatDate(isoDate) {
  return formatIsoDate(isoDate, t("uiLocale"));
}
