// Sync orchestration: the alarm that schedules syncs, one sync at a time, and
// what follows any change of state: the banner's registration, the badges,
// and the banner in listed tabs that loaded without it.
import { api } from "../lib/browser-api.js";
import { showBadge } from "./badge.js";
import { registerBanner } from "./registration.js";
import { entryFor, loadState, registrationState, warningFor } from "./state.js";
import { syncOnce } from "./sync.js";

export const SYNC_ALARM = "caveat-sync";
const SYNC_PERIOD_MINUTES = 6 * 60;
const SYNC_JITTER_MINUTES = 45;

async function scheduleSync(delayInMinutes) {
  await api.alarms.create(SYNC_ALARM, { delayInMinutes });
}

/** The first sync, a few minutes after start, unless one is already due. */
export async function ensureSyncScheduled() {
  if (!(await api.alarms.get(SYNC_ALARM))) await scheduleSync(1 + Math.random() * 9);
}

/** The next sync after one ran: every six hours, give or take 45 minutes. */
export async function scheduleNextSync() {
  const jitter = (Math.random() * 2 - 1) * SYNC_JITTER_MINUTES;
  await scheduleSync(SYNC_PERIOD_MINUTES + jitter);
}

/** Registration failing must not take the badge and the popup down with it. */
export async function registerBannerSafely() {
  const { entries, trusted, paused } = registrationState();
  try {
    await registerBanner(entries, { trusted, paused });
  } catch (err) {
    console.error("Caveat: banner registration failed:", err);
  }
}

export async function refreshBadges() {
  const tabs = await api.tabs.query({});
  await Promise.all(tabs.map(async (tab) => showBadge(tab.id, await entryFor(tab.url))));
}

/** Listed tabs that loaded while the background was not running get their banner (`placeBanner(tabId, url)`). */
export async function bannersForOpenTabs(placeBanner) {
  const tabs = await api.tabs.query({});
  await Promise.all(tabs.filter((tab) => warningFor(tab.url)).map((tab) => placeBanner(tab.id, tab.url)));
}

/** After the list, the trusted sites or pause changed: registration, then badges. */
export async function applyState() {
  await registerBannerSafely();
  await refreshBadges();
}

// One sync at a time: an alarm and a click on "sync now" share the same run.
let running = null;

/** Runs a sync (or joins the one running); resolves to its `lastSync` record. */
export function sync() {
  running ??= (async () => {
    try {
      const outcome = await syncOnce();
      if (outcome.changed) {
        await loadState();
        await applyState();
      }
      return outcome.lastSync;
    } finally {
      running = null;
    }
  })();
  return running;
}
