// Shared by the popup and the options page: localization of static text,
// and the wording of list ages and sync errors.
import { ageOf } from "../lib/age.js";
import { formatIsoDate } from "../lib/dates.js";

export const api = globalThis.browser ?? globalThis.chrome;
export const t = (key, subs) => api.i18n.getMessage(key, subs) || key;

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

/** A sync or report error {code, detail} in the person's language. */
export function describeError(error) {
  if (!error) return "";
  const known = ["network", "timeout", "too_large", "not_json", "invalid_list", "no_server", "http", "invalid_url", "empty", "storage_full"];
  const key = known.includes(error.code) ? `error_${error.code}` : "error_unexpected";
  return t(key, [String(error.detail ?? "")]);
}

export function send(message) {
  return api.runtime.sendMessage(message);
}

export function element(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}
