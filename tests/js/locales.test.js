// Every locale carries every English key with the same placeholders, and
// every key the code asks for exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";

const root = new URL("../../extension/", import.meta.url);
const localesDir = new URL("_locales/", root);
const read = (url) => JSON.parse(readFileSync(url, "utf8"));
const en = read(new URL("en/messages.json", localesDir));
const locales = readdirSync(localesDir).filter((l) => l !== "en");

function placeholdersOf(message) {
  const named = Object.fromEntries(Object.entries(message.placeholders ?? {}).map(([k, v]) => [k.toLowerCase(), v.content]));
  const used = [...message.message.matchAll(/\$([A-Za-z0-9_]+)\$/g)].map((m) => m[1].toLowerCase()).sort();
  return { named, used };
}

test("the required languages are present", () => {
  for (const lang of ["de", "fr", "es", "ru"]) assert.ok(locales.includes(lang), lang);
});

for (const lang of locales) {
  test(`${lang} has exactly the English keys, with the same placeholders`, () => {
    const messages = read(new URL(`${lang}/messages.json`, localesDir));
    assert.deepEqual(Object.keys(messages).sort(), Object.keys(en).sort());
    for (const [key, message] of Object.entries(messages)) {
      assert.ok(message.message.trim(), `${lang}.${key} is empty`);
      assert.deepEqual(placeholdersOf(message), placeholdersOf(en[key]), `${lang}.${key}`);
    }
  });
}

test("every placeholder used in a message is declared", () => {
  for (const [key, message] of Object.entries(en)) {
    const { named, used } = placeholdersOf(message);
    for (const name of used) assert.ok(name in named, `${key}: $${name}$ not declared`);
  }
});

function sources() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const url = new URL(entry.name + (entry.isDirectory() ? "/" : ""), dir);
      if (entry.isDirectory() && entry.name !== "_locales") walk(url);
      else if (/\.(js|html|json)$/.test(entry.name) && !url.pathname.includes("/_locales/")) files.push(url);
    }
  };
  walk(root);
  return files.map((url) => [url.pathname, readFileSync(url, "utf8")]);
}

test("every message key named in the code exists in English", () => {
  const patterns = [/\bt\("([A-Za-z0-9_]+)"/g, /getMessage\("([A-Za-z0-9_]+)"/g, /data-i18n(?:-label)?="([A-Za-z0-9_]+)"/g, /__MSG_([A-Za-z0-9_]+)__/g];
  const missing = [];
  for (const [path, text] of sources()) {
    for (const pattern of patterns) {
      for (const m of text.matchAll(pattern)) if (!(m[1] in en)) missing.push(`${path}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

test("keys built at run time exist for every status and error code", () => {
  for (const status of ["disputed", "unlawful", "defunct"]) {
    assert.ok(en[`status_${status}`] && en[`bannerHeadline_${status}`], status);
  }
  for (const unit of ["minute", "hour", "day"]) assert.ok(en[`age_${unit}`], unit);
  for (const code of ["network", "timeout", "too_large", "not_json", "invalid_list", "no_server", "http", "invalid_url", "empty", "storage_full", "unexpected"]) {
    assert.ok(en[`error_${code}`], code);
  }
});

test("no HTML is ever written through innerHTML and friends", () => {
  const offenders = sources().filter(([, text]) => /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b/.test(text));
  assert.deepEqual(offenders.map(([path]) => path), []);
});

test("each locale names its own language for date formatting", () => {
  for (const lang of ["en", ...locales]) {
    const messages = read(new URL(`${lang}/messages.json`, localesDir));
    assert.equal(messages.uiLocale.message, lang);
    assert.ok(Intl.DateTimeFormat.supportedLocalesOf([lang]).length === 1, lang);
  }
});
