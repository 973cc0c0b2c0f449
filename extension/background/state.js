// What the background knows between events: the list and its index, the
// trusted sites and pause, loaded from storage.local (seeded at install from
// the bundled snapshot). Changes are written to storage first, then here.
import { api } from "../lib/browser-api.js";
import { hostOfUrl, siteKey } from "../lib/hosts.js";
import { validateListDocument } from "../lib/listdoc.js";
import { buildIndex } from "../lib/matcher.js";
import { injectsOnCommit } from "./registration.js";
import { read, readBundled, serverUrl, trustedSites, write } from "./store.js";
import { failedSync, storeList } from "./sync.js";

let state = { list: null, index: buildIndex([]), trusted: new Set(), paused: false, onCommit: false };

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
  const { list, paused } = await read("list", "paused");
  state = {
    list: list ?? null,
    index: buildIndex(list?.entries ?? []),
    trusted: new Set(await trustedSites()),
    paused: paused === true,
    onCommit: injectsOnCommit(list?.entries),
  };
}

/** Whether the banner for `url` is injected when its page commits (a list too large to register). */
export function injectOnCommitFor(url) {
  return state.onCommit && warningFor(url) !== null;
}

/** What the banner's registration depends on. */
export function registrationState() {
  return { entries: state.list?.entries ?? [], trusted: [...state.trusted], paused: state.paused };
}

/** The entry to warn about on `url`, honouring pause and trusted sites. */
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
  const entry = host ? state.index.match(host) : null;
  const { lastSync } = await read("lastSync");
  return {
    host,
    site: host ? siteKey(host) : "",
    entry,
    trusted: host ? state.trusted.has(siteKey(host)) : false,
    paused: state.paused,
    trustedSites: [...state.trusted].sort(),
    list: state.list
      ? { version: state.list.version, generated: state.list.generated ?? null, count: state.list.entries.length }
      : null,
    lastSync: lastSync ?? null,
    serverUrl: await serverUrl().catch(() => ""),
  };
}
