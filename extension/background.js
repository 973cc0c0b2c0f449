// Caveat's background (Chrome service worker, Firefox event page). It keeps
// the list in storage.local, matches hosts locally, registers the banner for
// listed hosts (minus trusted sites, none while paused), sets the badge and
// answers the banner, popup and options. This file wires the parts together:
// state.js (what it knows), orchestration.js (syncs and what follows a
// change), reports.js and messages.js (who may ask what).
// Listeners are added synchronously at the top level, as MV3 requires; the
// banner's question waits for `indexReady` (list loaded, index built), all
// else for `ready` (banner registered and sync alarm set as well).
import { api } from "./lib/browser-api.js";
import { showBadge } from "./background/badge.js";
import { saveCountry, verdictFor } from "./background/country.js";
import { createEscalation } from "./background/escalation.js";
import { ensureBanner } from "./background/fallback.js";
import { createMessageHandler, messageListener } from "./background/messages.js";
import {
  applyState,
  bannersForOpenTabs,
  ensureSyncScheduled,
  refreshBadges,
  registerBannerSafely,
  scheduleNextSync,
  SYNC_ALARM,
  sync,
} from "./background/orchestration.js";
import { sendReport } from "./background/reports.js";
import {
  describe,
  entryFor,
  injectOnCommitFor,
  loadState,
  savePaused,
  saveTrusted,
  seedFromBundle,
  warningFor,
} from "./background/state.js";
import { remove, serverUrl, write } from "./background/store.js";

// Start-up in two steps: the banner waiting on a page needs only the index,
// so it is answered before the registration and alarm checks are done.
const indexReady = (async () => {
  await seedFromBundle();
  await loadState();
})();

const ready = indexReady
  .then(async () => {
    await registerBannerSafely();
    await ensureSyncScheduled();
    // At browser start Chromium can load the first page before it has
    // restored the registration or started this background, and it does not
    // replay that page's tab events: sweep the open tabs on every start
    // (not awaited: a hung tab must not hold up the popup).
    bannersForOpenTabs(placeBanner).catch((err) => console.error("Caveat: banner sweep failed:", err));
    return true;
  })
  .catch((err) => {
    console.error("Caveat: start-up failed:", err);
    return false;
  });
// Read by the end-to-end tests before their first navigation (a Promise).
globalThis.caveatReady = ready;

// A store that fights the banner gets the warning in warning.html (escalation.js).
const escalation = createEscalation({ tabs: api.tabs, session: api.storage.session ?? null, runtime: api.runtime, warningFor, entryFor });
api.tabs.onRemoved.addListener((tabId) => {
  escalation.forgetTab(tabId);
});

const handle = createMessageHandler({
  runtime: api.runtime,
  uiLocale: () => api.i18n.getMessage("uiLocale"),
  indexReady,
  ready,
  // The banner gets the whole entry (read from storage; the index holds only what the badge shows).
  warningFor: entryFor,
  verdictFor,
  describe,
  escalation,
  sync,
  sendReport,
  async setTrusted(site, trusted) {
    await saveTrusted(site, trusted);
    await applyState();
  },
  async setPaused(paused) {
    await savePaused(paused);
    await applyState();
  },
  async setCountry(country) {
    await saveCountry(country);
    await refreshBadges(); // the banner asks on its next load
  },
  saveServerUrl: (url) => write({ serverUrl: url }),
  async resetServerUrl() {
    await remove("serverUrl");
    return serverUrl();
  },
});

api.runtime.onMessage.addListener(messageListener(handle));

/** The banner into a listed tab (fallback.js); a page that cuts it off from the extension gets warning.html. */
async function placeBanner(tabId, url, options) {
  if ((await ensureBanner(tabId, options)) === "cut-off") await escalation.cutOff(tabId, url);
}

api.tabs.onUpdated.addListener((tabId, change, tab) => {
  if (change.url || change.status === "loading") {
    ready.then(async () => showBadge(tabId, await entryFor(tab.url)));
  }
  if (change.status === "complete") {
    ready.then(() => {
      if (warningFor(tab.url)) return placeBanner(tabId, tab.url);
    });
  }
});

// A list too large for registered patterns (registration.js PATTERN_LIMIT):
// the banner goes into a listed page as soon as it commits.
api.webNavigation.onCommitted.addListener(({ tabId, frameId, url }) => {
  if (frameId !== 0) return;
  indexReady.then(() => {
    if (injectOnCommitFor(url)) return placeBanner(tabId, url, { immediately: true });
  });
});

api.tabs.onActivated.addListener(({ tabId }) => {
  ready.then(async () => {
    const tab = await api.tabs.get(tabId).catch(() => null);
    if (tab) await showBadge(tabId, await entryFor(tab.url));
  });
});

api.alarms.onAlarm.addListener(async (alarm) => {
  if (alarm.name !== SYNC_ALARM) return;
  await ready;
  await sync();
  await scheduleNextSync();
});

api.runtime.onStartup.addListener(() => {
  // Listening here wakes the background when the browser starts, so the
  // banner's registration is checked (and renewed if the browser dropped
  // it) before the person's first page; restored tabs get badges (and
  // banners, from the start-up sweep).
  ready.then(refreshBadges);
});

api.runtime.onInstalled.addListener(({ reason }) => {
  // A new version may bundle a newer list: seedFromBundle (in start-up)
  // compares versions. Tabs already open on listed stores get badges (and
  // banners, from the start-up sweep).
  // Chrome drops dynamically registered content scripts when the extension
  // updates; start-up registers again, and after an update the registration
  // is checked once more in case the browser dropped it after start-up ran.
  ready.then(async () => {
    if (reason === "update") await registerBannerSafely();
    await refreshBadges();
  });
});
