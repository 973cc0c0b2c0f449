// The shopper's country and the jurisdiction item the warning leads with
// (docs/design.md, "A jurisdiction item"). Pure: node tests run it.
//   defaultCountry(navigator.languages)  the region of the first preferred
//       language that has one ("de-DE" -> "DE"), else null
//   effectiveCountry(stored, languages)  the stored choice ("" = "don't use my
//       country"), else the default
//   leadingItem(entry, country)  the item for that country, else the EU item
//       for an EU member, else null
//   leadWording(item, entry)  the message key and year for the lead's sentence
import { EU_MEMBERS } from "./eu-members.js";

export { EU_MEMBERS };

const EU = new Set(EU_MEMBERS);
// What the stored setting holds when the person chose "Don't use my country".
export const NO_COUNTRY = "";

/**
 * The region subtag of a BCP 47 language tag, when it names a country:
 * "de-DE" -> "DE", "zh-Hant-TW" -> "TW", "sr-Latn-RS" -> "RS"; null for
 * "de", "es-419" (a UN M.49 area, not a country) and private-use tags.
 */
export function regionOf(tag) {
  if (typeof tag !== "string") return null;
  const subtags = tag.split(/[-_]/);
  if (!/^[a-z]{2,3}$/i.test(subtags[0])) return null; // "x-private", "i-klingon", garbage
  // Language, up to three extlang subtags, an optional script, then the region.
  let i = 1;
  while (i < subtags.length && i <= 3 && /^[a-z]{3}$/i.test(subtags[i])) i += 1;
  if (i < subtags.length && /^[a-z]{4}$/i.test(subtags[i])) i += 1;
  const region = subtags[i];
  if (!region || !/^[a-z]{2}$/i.test(region)) return null; // absent, a digit area (419) or a variant
  return region.toUpperCase();
}

/** The default country: the region of the first language in `languages` that has one, else null. */
export function defaultCountry(languages) {
  for (const tag of Array.isArray(languages) ? languages : []) {
    const region = regionOf(tag);
    if (region) return region;
  }
  return null;
}

/**
 * The country in use: the person's choice once they made one (a code, or
 * NO_COUNTRY for "don't use my country": null), else the default.
 */
export function effectiveCountry(stored, languages) {
  if (stored === NO_COUNTRY) return null;
  if (typeof stored === "string" && /^[A-Z]{2}$/.test(stored)) return stored;
  return defaultCountry(languages);
}

export const isEuMember = (country) => EU.has(country);

const isItem = (item) => item !== null && typeof item === "object" && typeof item.country === "string";

/** The jurisdiction item `entry`'s warning leads with for a shopper in `country`, or null. */
export function leadingItem(entry, country) {
  const items = Array.isArray(entry?.jurisdictions) ? entry.jurisdictions.filter(isItem) : [];
  if (!country) return null;
  return items.find((item) => item.country === country)
    ?? (isEuMember(country) ? items.find((item) => item.country === "EU") : undefined)
    ?? null;
}

/** The year of a "YYYY-MM-DD" date, or "" when there is none. */
export const yearOf = (date) => (typeof date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date.slice(0, 4) : "");

/**
 * The message that states the lead (messages.json `lead_<status>[_dated][_contested]`)
 * and its year: "Ruled unlawful in Denmark (2006)", "Contested in the United
 * States", "A court in Russia found it lawful (2007); rights holders elsewhere
 * dispute it" (the last part only when another item says otherwise).
 */
export function leadWording(item, entry) {
  const year = yearOf(item.since);
  let key = `lead_${item.status}${year ? "_dated" : ""}`;
  if (item.status === "lawful") {
    const others = (entry?.jurisdictions ?? []).filter((other) => isItem(other) && other !== item);
    if (others.some((other) => other.status !== "lawful")) key += "_contested";
  }
  return { key, year };
}

// English names that read with "the" after "in" ("Contested in the United States").
const ENGLISH_THE = new Set(["AE", "BS", "CD", "CF", "CG", "DO", "EU", "FK", "FO", "GB", "GM", "KY", "MH", "MV", "NL",
  "PH", "SB", "SC", "TC", "US", "VA", "VG", "VI", "KM", "CK", "UM", "IO", "TF"]);

/** A country's name as it stands in a lead sentence of `locale`. */
export function countryInSentence(name, country, locale) {
  return String(locale).startsWith("en") && ENGLISH_THE.has(country) ? `the ${name}` : name;
}

/**
 * The countries of the "Your country" menu: [{code, name}] with each name
 * in `locale` (Intl.DisplayNames), sorted as that language sorts
 * (Intl.Collator). A code the browser cannot name keeps the code as its name.
 */
export function countryOptions(codes, locale) {
  let names = null;
  try {
    names = new Intl.DisplayNames([locale], { type: "region", fallback: "code" });
  } catch {
    // An unknown locale: codes as names.
  }
  const collator = new Intl.Collator(locale);
  return codes
    .map((code) => ({ code, name: names?.of(code) ?? code }))
    .sort((a, b) => collator.compare(a.name, b.name) || (a.code < b.code ? -1 : 1));
}
