// What the banner, the popup and the badge say about an entry for a shopper
// in `country`: the status it leads with (a jurisdiction item's, else the
// entry's), the sentence that states that item, and every item for the
// details. One function for all three, so they cannot disagree. Pure: the
// caller hands in its messages, region names and date format.
import { countryInSentence, leadingItem, leadWording } from "./country.js";
import { isHttpUrl } from "./hosts.js";

const isItem = (item) => item !== null && typeof item === "object" && typeof item.country === "string";

/**
 * @param {object} entry a listed entry
 * @param {string|null} country the shopper's country (null: not used)
 * @param {{t: Function, regionName: Function, formatDate: Function, locale: string}} words
 * @returns {{status, country, headline, note, items}} `country`, `headline`
 *   and `note` are null when no item leads; `items` lists every item
 *   {country, name, status, label, note, since, sources} (http(s) sources only)
 */
export function verdictView(entry, country, { t, regionName, formatDate, locale }) {
  const name = (code) => regionName(code) || code;
  const items = (Array.isArray(entry.jurisdictions) ? entry.jurisdictions : []).filter(isItem).map((item) => ({
    country: item.country,
    name: name(item.country),
    status: item.status,
    label: t(`jurisdiction_${item.status}`),
    note: typeof item.note === "string" ? item.note : "",
    since: typeof item.since === "string" && item.since ? formatDate(item.since) : "",
    sources: (Array.isArray(item.sources) ? item.sources : []).filter((source) => isHttpUrl(source?.url)),
  }));
  const lead = leadingItem(entry, country);
  if (!lead) return { status: entry.status, country: null, headline: null, note: null, items };
  const { key, year } = leadWording(lead, entry);
  return {
    status: lead.status,
    country: lead.country,
    headline: t(key, [countryInSentence(name(lead.country), lead.country, locale), year]),
    note: typeof lead.note === "string" ? lead.note : "",
    items,
  };
}
