// What the banner, the popup and the badge say for a shopper's country
// (extension/lib/verdict.js), with the English messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { verdictView } from "../../extension/lib/verdict.js";

const messagesOf = (lang) => JSON.parse(readFileSync(new URL(`../../extension/_locales/${lang}/messages.json`, import.meta.url), "utf8"));

/** chrome.i18n.getMessage's substitution of $1, $2 through the named placeholders. */
function translator(lang) {
  const messages = messagesOf(lang);
  return (key, subs = []) => {
    const message = messages[key];
    if (!message) return key;
    return message.message.replace(/\$([A-Za-z0-9_]+)\$/g, (_, name) => {
      const content = message.placeholders?.[name.toLowerCase()]?.content ?? "";
      return content.replace(/\$(\d)/g, (__, n) => subs[Number(n) - 1] ?? "");
    });
  };
}

function words(lang) {
  const names = new Intl.DisplayNames([lang], { type: "region" });
  return { t: translator(lang), regionName: (code) => names.of(code), formatDate: (date) => `[${date}]`, locale: lang };
}

const source = (url) => [{ title: "Ruling", url }];
const ENTRY = {
  domain: "allofmp3.example",
  name: "AllOfMP3",
  status: "disputed",
  jurisdictions: [
    { country: "RU", status: "lawful", note: "A Moscow court acquitted the operator.", sources: source("https://ru.example/"), since: "2007-08-15" },
    { country: "DK", status: "unlawful", note: "A Danish court ordered a block.", sources: source("https://dk.example/"), since: "2006-10-25" },
    { country: "US", status: "disputed", note: "Labels sued.", sources: [...source("https://us.example/"), { title: "bad", url: "javascript:alert(1)" }] },
    { country: "EU", status: "unlawful", note: "An EU body ruled.", sources: source("http://eu.example/") },
  ],
};

test("it leads with the shopper's country's item, in the wording of its status", () => {
  const en = words("en");
  assert.equal(verdictView(ENTRY, "DK", en).headline, "Ruled unlawful in Denmark (2006)");
  assert.equal(verdictView(ENTRY, "US", en).headline, "Contested in the United States");
  assert.equal(verdictView(ENTRY, "RU", en).headline,
    "A court in Russia found it lawful (2007); rights holders elsewhere dispute it");
  assert.equal(verdictView(ENTRY, "FR", en).headline, "Ruled unlawful in the European Union");
  const dk = verdictView(ENTRY, "DK", en);
  assert.equal(dk.status, "unlawful");
  assert.equal(dk.country, "DK");
  assert.equal(dk.note, "A Danish court ordered a block.");
  assert.equal(verdictView(ENTRY, "FR", en).country, "EU");
});

test("without an item for the country, the entry's own status and no country", () => {
  for (const country of ["CH", null]) {
    const view = verdictView(ENTRY, country, words("en"));
    assert.deepEqual([view.status, view.country, view.headline, view.note], ["disputed", null, null, null]);
    assert.equal(view.items.length, 4, "the details still list every item");
  }
});

test("every item for the details, names localized, http(s) sources only", () => {
  const view = verdictView(ENTRY, "DE", words("de"));
  assert.deepEqual(view.items.map((i) => [i.country, i.name, i.label, i.since]), [
    ["RU", "Russland", "für rechtmäßig befunden", "[2007-08-15]"],
    ["DK", "Dänemark", "für rechtswidrig erklärt", "[2006-10-25]"],
    ["US", "Vereinigte Staaten", "umstritten", ""],
    ["EU", "Europäische Union", "für rechtswidrig erklärt", ""],
  ]);
  assert.deepEqual(view.items[2].sources, [{ title: "Ruling", url: "https://us.example/" }]);
  assert.equal(view.headline, "Europäische Union: für rechtswidrig erklärt");
});

test("the lead reads in all five languages", () => {
  const expected = {
    en: "A court in Russia found it lawful (2007); rights holders elsewhere dispute it",
    de: "Russland: ein Gericht hat es für rechtmäßig befunden (2007); Rechteinhaber anderswo bestreiten das",
    fr: "Russie : un tribunal l'a jugé légal (2007) ; des ayants droit le contestent ailleurs",
    es: "Rusia: un tribunal la consideró legal (2007); titulares de derechos de otros países lo discuten",
    ru: "Россия: суд признал его законным (2007); правообладатели в других странах это оспаривают",
  };
  for (const [lang, headline] of Object.entries(expected)) assert.equal(verdictView(ENTRY, "RU", words(lang)).headline, headline, lang);
  for (const lang of Object.keys(expected)) {
    const messages = messagesOf(lang);
    for (const status of ["unlawful", "disputed", "lawful"]) {
      for (const key of [`lead_${status}`, `lead_${status}_dated`, `jurisdiction_${status}`]) assert.ok(messages[key], `${lang}.${key}`);
    }
    for (const key of ["lead_lawful_contested", "lead_lawful_dated_contested"]) assert.ok(messages[key], `${lang}.${key}`);
  }
});

test("an entry without jurisdictions (an older list) reads as before", () => {
  const view = verdictView({ domain: "x.example", name: "X", status: "defunct" }, "DE", words("en"));
  assert.deepEqual(view, { status: "defunct", country: null, headline: null, note: null, items: [] });
});
