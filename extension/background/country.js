// The shopper's country: kept in storage.local ("country": a code, or "" for
// "don't use my country"; absent until the person chooses, when the region
// of their preferred language applies) and never sent anywhere. verdictFor
// turns an entry into what the banner, the popup and the badge say for that
// country (lib/verdict.js), in the language of the messages.
import { api } from "../lib/browser-api.js";
import { defaultCountry, effectiveCountry, NO_COUNTRY } from "../lib/country.js";
import { formatIsoDate } from "../lib/dates.js";
import { verdictView } from "../lib/verdict.js";
import { read, remove, write } from "./store.js";

let stored; // undefined until loadCountry(); then the stored value (undefined: none chosen)

const languages = () => [...(globalThis.navigator?.languages ?? [])];

export async function loadCountry() {
  ({ country: stored } = await read("country"));
}

/** The setting as options shows it: the country in use, whether it was chosen, the default. */
export function countrySetting() {
  return {
    country: effectiveCountry(stored, languages()),
    chosen: typeof stored === "string",
    defaultCountry: defaultCountry(languages()),
  };
}

/** `country`: a two-letter code, NO_COUNTRY ("don't use my country") or null (back to the default). */
export async function saveCountry(country) {
  if (country === null) {
    await remove("country");
    stored = undefined;
    return;
  }
  const value = country === NO_COUNTRY ? NO_COUNTRY : String(country).toUpperCase();
  if (value !== NO_COUNTRY && !/^[A-Z]{2}$/.test(value)) throw new Error(`not a country code: ${country}`);
  await write({ country: value });
  stored = value;
}

const regionNames = new Map();
function regionName(locale, code) {
  try {
    if (!regionNames.has(locale)) regionNames.set(locale, new Intl.DisplayNames([locale], { type: "region" }));
    return regionNames.get(locale).of(code);
  } catch {
    return code;
  }
}

/** What to say about `entry` for this shopper (lib/verdict.js), or null for no entry. */
export function verdictFor(entry) {
  if (!entry) return null;
  const locale = api.i18n.getMessage("uiLocale") || "en";
  return verdictView(entry, effectiveCountry(stored, languages()), {
    t: (key, subs) => api.i18n.getMessage(key, subs) || key,
    regionName: (code) => regionName(locale, code),
    formatDate: (date) => formatIsoDate(date, locale),
    locale,
  });
}
