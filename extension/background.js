// Caveat's background (Chrome service worker, Firefox event page). It keeps
// the list in storage.local, matches hosts locally, registers the banner for
// listed hosts (minus trusted sites, none while paused), sets the badge and answers the banner, popup and options.
// Listeners are added synchronously at the top level, as MV3 requires; the
// banner's question waits for `indexReady` (list loaded, index built), all
// else for `ready` (banner registered and sync alarm set as well).
import { formatIsoDate } from "./lib/dates.js";
import { hostOfUrl, normalizeServerUrl, siteKey } from "./lib/hosts.js";
import { validateListDocument } from "./lib/listdoc.js";
import { buildIndex } from "./lib/matcher.js";
import { api } from "./background/api.js";
import { showBadge } from "./background/badge.js";
import { ensureBanner } from "./background/fallback.js";
import { postJson, SyncError } from "./background/fetching.js";
import { registerBanner } from "./background/registration.js";
import { read, readBundled, remove, serverUrl, trustedSites, write } from "./background/store.js";
import { failedSync, storeList, syncOnce } from "./background/sync.js";

const SYNC_ALARM = "caveat-sync";
const SYNC_PERIOD_MINUTES = 6 * 60;
const SYNC_JITTER_MINUTES = 45;
const MAX_COMMENT = 1000; // the server's REPORT_COMMENT_MAX

let state = { list: null, index: buildIndex([]), trusted: new Set(), paused: false };

/**
 * Seeds storage from the bundled snapshot when no list is stored, or when an
 * update bundles a newer snapshot than the bundled one held. A list from a
 * server is not replaced: its versions count on another scale.
 */
async function seedFromBundle() {
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

async function loadState() {
  const { list, paused } = await read("list", "paused");
  state = {
    list: list ?? null,
    index: buildIndex(list?.entries ?? []),
    trusted: new Set(await trustedSites()),
    paused: paused === true,
  };
}

async function scheduleSync(delayInMinutes) {
  await api.alarms.create(SYNC_ALARM, { delayInMinutes });
}

/** Registration failing must not take the badge and the popup down with it. */
async function registerBannerSafely() {
  try {
    await registerBanner(state.list?.entries ?? [], { trusted: [...state.trusted], paused: state.paused });
  } catch (err) {
    console.error("Caveat: banner registration failed:", err);
  }
}

// Start-up in two steps: the banner waiting on a page needs only the index,
// so it is answered before the registration and alarm checks are done.
const indexReady = (async () => {
  await seedFromBundle();
  await loadState();
})();

const ready = indexReady
  .then(async () => {
    await registerBannerSafely();
    if (!(await api.alarms.get(SYNC_ALARM))) await scheduleSync(1 + Math.random() * 9);
    // At browser start Chromium can load the first page before it has
    // restored the registration or started this background, and it does not
    // replay that page's tab events: sweep the open tabs on every start
    // (not awaited: a hung tab must not hold up the popup).
    bannersForOpenTabs().catch((err) => console.error("Caveat: banner sweep failed:", err));
    return true;
  })
  .catch((err) => {
    console.error("Caveat: start-up failed:", err);
    return false;
  });
// Read by the end-to-end tests before their first navigation (a Promise).
globalThis.caveatReady = ready;

/** The entry to warn about on `url`, honouring pause and trusted sites. */
function warningFor(url) {
  const host = hostOfUrl(url);
  const entry = host ? state.index.match(host) : null;
  if (!entry || state.paused || state.trusted.has(siteKey(host))) return null;
  return entry;
}

async function refreshBadges() {
  const tabs = await api.tabs.query({});
  await Promise.all(tabs.map((tab) => showBadge(tab.id, warningFor(tab.url))));
}

/** Listed tabs that loaded while the background was not running get their banner. */
async function bannersForOpenTabs() {
  const tabs = await api.tabs.query({});
  await Promise.all(tabs.filter((tab) => warningFor(tab.url)).map((tab) => ensureBanner(tab.id)));
}

// One sync at a time: an alarm and a click on "sync now" share the same run.
let running = null;
function sync() {
  running ??= (async () => {
    try {
      const outcome = await syncOnce();
      if (outcome.changed) {
        await loadState();
        await registerBannerSafely();
        await refreshBadges();
      }
      return outcome.lastSync;
    } finally {
      running = null;
    }
  })();
  return running;
}

async function setTrusted(site, trusted) {
  const sites = new Set(await trustedSites());
  if (trusted) sites.add(site);
  else sites.delete(site);
  await write({ trusted: [...sites].sort() });
  state.trusted = sites;
  await registerBannerSafely();
  await refreshBadges();
}

/** POST /api/v1/reports: "mistake" from the banner, "suggest" from the popup. */
async function sendReport(kind, host, comment) {
  const base = await serverUrl();
  const text = String(comment ?? "").trim().slice(0, MAX_COMMENT);
  if (!text) return { ok: false, error: { code: "empty" } };
  try {
    const status = await postJson(`${base}/api/v1/reports`, { kind, domain: host, comment: text });
    return status === 202 || status === 200 || status === 201
      ? { ok: true }
      : { ok: false, error: { code: "http", detail: String(status) } };
  } catch (err) {
    return { ok: false, error: { code: err instanceof SyncError ? err.code : "unexpected", detail: err.detail ?? "" } };
  }
}

async function describe(url) {
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

function fromExtensionPage(sender) {
  return sender.id === api.runtime.id && typeof sender.url === "string" && sender.url.startsWith(api.runtime.getURL(""));
}

function fromBanner(sender) {
  return sender.id === api.runtime.id && sender.tab && sender.frameId === 0 && hostOfUrl(sender.url ?? sender.tab.url);
}

/** Messages from the banner (about the sender's own page) and from our pages. */
async function handle(message, sender) {
  const type = message?.type;
  if (fromBanner(sender)) {
    await indexReady.catch(() => {});
    const pageUrl = sender.url ?? sender.tab.url;
    const host = hostOfUrl(pageUrl);
    switch (type) {
      case "getWarning": {
        // The date is formatted here, where the formatter is warm, so the
        // page does not pay for loading locale data.
        const entry = warningFor(pageUrl);
        const locale = api.i18n.getMessage("uiLocale") || "en";
        return { entry, reviewedText: entry?.reviewed ? formatIsoDate(entry.reviewed, locale) : "" };
      }
      case "trustThisSite":
        await setTrusted(siteKey(host), true);
        return { ok: true, site: siteKey(host) };
      case "reportMistake":
        return sendReport("mistake", host, message.comment);
      default:
        return { error: "unknown message" };
    }
  }
  if (!fromExtensionPage(sender)) return { error: "not allowed" };
  await ready;
  switch (type) {
    case "describe":
      return describe(message.url ?? "");
    case "syncNow":
      return { lastSync: await sync(), ...(await describe("")) };
    case "setTrusted":
      await setTrusted(siteKey(String(message.site ?? "")), message.trusted === true);
      return describe(message.url ?? "");
    case "suggestSite": {
      // From the popup: the person suggests the store in their current tab.
      const host = hostOfUrl(String(message.url ?? ""));
      if (!host) return { ok: false, error: { code: "unexpected", detail: "not a web page" } };
      return sendReport("suggest", host, message.comment);
    }
    case "setPaused":
      state.paused = message.paused === true;
      await write({ paused: state.paused });
      await registerBannerSafely();
      await refreshBadges();
      return describe("");
    case "setServerUrl": {
      if (message.serverUrl === null) {
        await remove("serverUrl");
        return { ok: true, serverUrl: await serverUrl() };
      }
      const url = normalizeServerUrl(message.serverUrl);
      if (!url) return { ok: false, error: { code: "invalid_url" } };
      await write({ serverUrl: url });
      return { ok: true, serverUrl: url };
    }
    default:
      return { error: "unknown message" };
  }
}

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  handle(message, sender).then(sendResponse, (err) => sendResponse({ error: String(err?.message ?? err) }));
  return true; // the answer is sent asynchronously
});

api.tabs.onUpdated.addListener((tabId, change, tab) => {
  if (change.url || change.status === "loading") {
    ready.then(() => showBadge(tabId, warningFor(tab.url)));
  }
  if (change.status === "complete") {
    ready.then(() => {
      if (warningFor(tab.url)) return ensureBanner(tabId);
    });
  }
});

api.tabs.onActivated.addListener(({ tabId }) => {
  ready.then(async () => {
    const tab = await api.tabs.get(tabId).catch(() => null);
    if (tab) await showBadge(tabId, warningFor(tab.url));
  });
});

api.alarms.onAlarm.addListener(async (alarm) => {
  if (alarm.name !== SYNC_ALARM) return;
  await ready;
  await sync();
  const jitter = (Math.random() * 2 - 1) * SYNC_JITTER_MINUTES;
  await scheduleSync(SYNC_PERIOD_MINUTES + jitter);
});

api.runtime.onStartup.addListener(() => {
  // Listening here wakes the background when the browser starts, so the
  // banner's registration is checked (and renewed if the browser dropped
  // it) before the person's first page; restored tabs get badges (and
  // banners, from the start-up sweep).
  ready.then(refreshBadges);
});

api.runtime.onInstalled.addListener(() => {
  // A new version may bundle a newer list: seedFromBundle (in init) compares
  // versions. Tabs already open on listed stores get badges (and banners,
  // from the start-up sweep).
  ready.then(refreshBadges);
});
