// The shopper's country (extension/lib/country.js): the default from the
// browser's preferred languages, the EU membership table, the item a warning
// leads with, and the wording key per status.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  countryInSentence,
  countryOptions,
  defaultCountry,
  effectiveCountry,
  EU_MEMBERS,
  isEuMember,
  leadingItem,
  leadWording,
  NO_COUNTRY,
  regionOf,
} from "../../extension/lib/country.js";

test("the region of a language tag, when it names a country", () => {
  const cases = {
    "de-DE": "DE", "en-us": "US", "pt_BR": "BR", "zh-Hant-TW": "TW", "sr-Latn-RS": "RS", "zh-yue-HK": "HK",
    "ca-ES-valencia": "ES", "en-GB-oxendict": "GB", "de": null, "es-419": null, "zh-Hant": null, "en-001": null,
    "x-private": null, "i-klingon": null, "de-1996": null, "": null, "-DE": null,
  };
  for (const [tag, region] of Object.entries(cases)) assert.equal(regionOf(tag), region, tag);
  for (const notATag of [null, undefined, 42, {}]) assert.equal(regionOf(notATag), null);
});

test("the default country is the region of the first preferred language that has one", () => {
  assert.equal(defaultCountry(["de-DE", "de", "en-US", "en"]), "DE");
  assert.equal(defaultCountry(["de", "en-US", "en"]), "US", "the first language with a region, not the first language");
  assert.equal(defaultCountry(["es-419", "es-MX"]), "MX", "a UN M.49 area is skipped, not taken as a country");
  assert.equal(defaultCountry(["zh-Hant-TW"]), "TW");
  assert.equal(defaultCountry(["de", "fr", "ru"]), null, "none when no language has a region");
  assert.equal(defaultCountry([]), null);
  assert.equal(defaultCountry(undefined), null);
});

test("the person's choice wins over the default; \"don't use my country\" means none", () => {
  const languages = ["fr-FR", "fr"];
  assert.equal(effectiveCountry(undefined, languages), "FR");
  assert.equal(effectiveCountry("RU", languages), "RU");
  assert.equal(effectiveCountry(NO_COUNTRY, languages), null);
  assert.equal(effectiveCountry("garbage", languages), "FR", "a broken stored value falls back to the default");
});

test("the EU membership table holds the 27 member states since 2020-02-01", () => {
  const members = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"];
  assert.equal(EU_MEMBERS.length, 27);
  assert.deepEqual([...EU_MEMBERS].sort(), [...members].sort());
  assert.equal(new Set(EU_MEMBERS).size, 27, "no duplicates");
  assert.ok(Object.isFrozen(EU_MEMBERS));
  for (const outside of ["GB", "CH", "NO", "IS", "RU", "US", "EL", "EU"]) assert.equal(isEuMember(outside), false, outside);
  for (const member of members) assert.ok(isEuMember(member), member);
});

const source = [{ title: "Ruling", url: "https://court.example/ruling" }];
const RU = { country: "RU", status: "lawful", note: "A Moscow court acquitted the operator.", sources: source, since: "2007-08-15" };
const DK = { country: "DK", status: "unlawful", note: "A Danish court ordered ISPs to block it.", sources: source, since: "2006-10-25" };
const US = { country: "US", status: "disputed", note: "Labels sued the operator.", sources: source };
const EU = { country: "EU", status: "disputed", note: "The Commission raised it in WTO talks.", sources: source };
const ENTRY = { domain: "allofmp3.example", status: "disputed", jurisdictions: [RU, DK, US, EU] };

test("the leading item: the country's own, else the EU's for a member, else none", () => {
  assert.equal(leadingItem(ENTRY, "RU"), RU);
  assert.equal(leadingItem(ENTRY, "DK"), DK, "a member's own item comes before the EU's");
  assert.equal(leadingItem(ENTRY, "US"), US);
  assert.equal(leadingItem(ENTRY, "FR"), EU, "an EU member without an item of its own gets the EU's");
  assert.equal(leadingItem(ENTRY, "DE"), EU);
  assert.equal(leadingItem(ENTRY, "CH"), null, "not a member: the EU item does not apply");
  assert.equal(leadingItem(ENTRY, "GB"), null, "no longer a member");
  assert.equal(leadingItem(ENTRY, null), null, "\"don't use my country\"");
  assert.equal(leadingItem({ ...ENTRY, jurisdictions: [RU, DK] }, "FR"), null, "a member, no EU item");
  assert.equal(leadingItem({ domain: "old.example", status: "defunct" }, "DE"), null, "an entry without the field");
  assert.equal(leadingItem({ ...ENTRY, jurisdictions: [null, 5, "DE", { status: "unlawful" }, DK] }, "DK"), DK,
    "malformed items are passed over");
});

test("the wording key per status, with the year when the item is dated", () => {
  assert.deepEqual(leadWording(DK, ENTRY), { key: "lead_unlawful_dated", year: "2006" });
  assert.deepEqual(leadWording(US, ENTRY), { key: "lead_disputed", year: "" });
  assert.deepEqual(leadWording({ ...US, since: "2006-12-20" }, ENTRY), { key: "lead_disputed_dated", year: "2006" });
  assert.deepEqual(leadWording({ ...DK, since: undefined }, ENTRY), { key: "lead_unlawful", year: "" });
  // "Lawful" says that others dispute it only when another item does.
  assert.deepEqual(leadWording(RU, ENTRY), { key: "lead_lawful_dated_contested", year: "2007" });
  assert.deepEqual(leadWording(RU, { jurisdictions: [RU] }), { key: "lead_lawful_dated", year: "2007" });
  assert.deepEqual(leadWording({ ...RU, since: "" }, { jurisdictions: [RU, DK] }), { key: "lead_lawful_contested", year: "" });
  assert.deepEqual(leadWording({ ...RU, since: "" }, { jurisdictions: [RU] }), { key: "lead_lawful", year: "" });
});

test("English country names that need \"the\" get it; other languages get the name as it is", () => {
  assert.equal(countryInSentence("United States", "US", "en"), "the United States");
  assert.equal(countryInSentence("European Union", "EU", "en"), "the European Union");
  assert.equal(countryInSentence("Denmark", "DK", "en"), "Denmark");
  assert.equal(countryInSentence("Vereinigte Staaten", "US", "de"), "Vereinigte Staaten");
});

test("the country menu: localized names, sorted as the language sorts", () => {
  const codes = ["DE", "AT", "DK", "US", "ZA", "AX"];
  const en = countryOptions(codes, "en");
  assert.deepEqual(en.map((c) => c.code), ["AX", "AT", "DK", "DE", "ZA", "US"]);
  assert.equal(en.find((c) => c.code === "DE").name, "Germany");
  const de = countryOptions(codes, "de");
  assert.equal(de.find((c) => c.code === "DE").name, "Deutschland");
  // German sorts "Ålandinseln" with A and "Österreich" with O: after Deutschland, before Südafrika.
  assert.deepEqual(de.map((c) => c.code), ["AX", "DK", "DE", "AT", "ZA", "US"]);
  const ru = countryOptions(["DE", "RU", "US"], "ru");
  assert.deepEqual(ru.map((c) => c.name), ["Германия", "Россия", "Соединенные Штаты"]);
});
