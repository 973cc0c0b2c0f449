// What the background knows between events: the list's index, the trusted
// sites, pause and the shopper's country, loaded from storage.local (seeded at
// install from the bundled snapshot). Changes are written to storage first,
// then here.
//
// The index holds per entry only its domain, status and name (lib/matcher.js
// buildCompactIndex), so a 50,000-entry list costs the background a few MB,
// not 25 (bench/scale.md). Whole entries (what the banner, the popup and the
// badge's verdict need) are read from a copy of the list split into
// ENTRY_BUCKETS keys by a hash of the domain (entries/<n>), written here
// whenever the stored list is not the one the copy was made from (`entriesOf`).
import { api } from "../lib/browser-api.js";
import { hostOfUrl, siteKey } from "../lib/hosts.js";
import { validateListDocument } from "../lib/listdoc.js";
import { buildCompactIndex } from "../lib/matcher.js";
import { countrySetting, loadCountry, verdictFor } from "./country.js";
import { injectsOnCommit } from "./registration.js";
import { read, readBundled, serverUrl, trustedSites, write } from "./store.js";
import { failedSync, storeList } from "./sync.js";

const ENTRY_BUCKETS = 256;
const NO_LIST = { meta: null, patternEntries: [], index: buildCompactIndex([]), trusted: new Set(), paused: false, onCommit: false };
let state = NO_LIST;

/** Which entries/<n> key holds `domain` (FNV-1a of its characters). */
export function bucketOf(domain) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < domain.length; i++) hash = Math.imul(hash ^ domain.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % ENTRY_BUCKETS;
}

/** What identifies a stored list's entries: origin, version, and every domain with its `updated`. */
function listStamp(list, origin) {
  let hash = 0x811c9dc5;
  for (const entry of list.entries) {
    const key = `${entry.domain}\n${entry.updated ?? ""}\n`;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  }
  return `${origin ?? ""} ${list.version} ${list.entries.length} ${hash >>> 0}`;
}

/** Writes the list's entries into their buckets, unless they are there already. */
async function writeBuckets(list, origin) {
  const stamp = listStamp(list, origin);
  const { entriesOf } = await read("entriesOf");
  if (entriesOf === stamp) return;
  const buckets = Array.from({ length: ENTRY_BUCKETS }, () => []);
  for (const entry of list.entries) buckets[bucketOf(entry.domain)].push(entry);
  const values = { entriesOf: stamp };
  buckets.forEach((entries, n) => (values[`entries/${n}`] = entries));
  await write(values);
}

/**
 * Seeds storage from the bundled snapshot when no list is stored, or when an
 * update bundles a newer snapshot than the bundled one held. A list from a
 * server is not replaced: its versions count on another scale.
 */
export async function seedFromBundle() {
  const { list, seededFor, listOrigin } = await read("list", "seededFor", "listOrigin");
  const version = api.runtime.getManifest().version;
  if (list && seededFor === version) return;
  try {
    const bundled = validateListDocument(await readBundled("data/list.json"));
    if (!list || (listOrigin === "bundle" && bundled.version > list.version)) {
      await storeList({ list: bundled, etag: null, listOrigin: "bundle" });
    }
  } catch (err) {
    // A package without a valid snapshot still works once the first sync
    // lands; meanwhile the popup and options say why nothing is listed.
    console.error("Caveat: bundled list unusable:", err);
    await write({ lastSync: failedSync(err, list) });
  }
  await write({ seededFor: version });
}

export async function loadState() {
  const { list, paused, listOrigin } = await read("list", "paused", "listOrigin");
  const entries = list?.entries ?? [];
  if (list) await writeBuckets(list, listOrigin);
  const onCommit = injectsOnCommit(entries);
  state = {
    meta: list ? { version: list.version, generated: list.generated ?? null, count: entries.length } : null,
    // The registration needs every entry's patterns, only while there are few enough to register.
    patternEntries: onCommit ? [] : entries,
    index: buildCompactIndex(entries),
    trusted: new Set(await trustedSites()),
    paused: paused === true,
    onCommit,
  };
  await loadCountry();
}

/** The whole entry the compact index matched (null when its bucket does not hold it). */
async function wholeEntry(match) {
  const key = `entries/${bucketOf(match.domain)}`;
  const { [key]: bucket } = await read(key);
  return (bucket ?? []).find((entry) => entry.domain === match.domain) ?? null;
}

/** The whole entry to warn about on `url` (what the banner and the popup show), or null. */
export async function entryFor(url) {
  const match = warningFor(url);
  return match ? wholeEntry(match) : null;
}

/** Whether the banner for `url` is injected when its page commits (a list too large to register). */
export function injectOnCommitFor(url) {
  return state.onCommit && warningFor(url) !== null;
}

/** What the banner's registration depends on. */
export function registrationState() {
  return { entries: state.patternEntries, trusted: [...state.trusted], paused: state.paused };
}

/**
 * The entry to warn about on `url`, honouring pause and trusted sites, as the
 * index holds it: {domain, name, status, include_subdomains}; enough to know
 * whether to warn. entryFor has the whole entry (jurisdictions for the verdict, text).
 */
export function warningFor(url) {
  const host = hostOfUrl(url);
  const entry = host ? state.index.match(host) : null;
  if (!entry || state.paused || state.trusted.has(siteKey(host))) return null;
  return entry;
}

export async function saveTrusted(site, trusted) {
  const sites = new Set(await trustedSites());
  if (trusted) sites.add(site);
  else sites.delete(site);
  await write({ trusted: [...sites].sort() });
  state.trusted = sites;
}

export async function savePaused(paused) {
  state.paused = paused;
  await write({ paused });
}

/** What the popup and options show: `url`'s site and entry, the list, the last sync. */
export async function describe(url) {
  const host = hostOfUrl(url);
  const match = host ? state.index.match(host) : null;
  const entry = match ? await wholeEntry(match) : null;
  const { lastSync } = await read("lastSync");
  return {
    host,
    site: host ? siteKey(host) : "",
    entry,
    verdict: verdictFor(entry),
    country: countrySetting(),
    trusted: host ? state.trusted.has(siteKey(host)) : false,
    paused: state.paused,
    trustedSites: [...state.trusted].sort(),
    list: state.meta,
    lastSync: lastSync ?? null,
    serverUrl: await serverUrl().catch(() => ""),
  };
}
