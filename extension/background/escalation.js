// Escalation: a store that keeps attacking the banner gets the warning where
// its scripts cannot reach it, the extension's own warning.html in that tab.
// The banner reports attacks ("tampered"); this module counts them per tab
// and site (lib/tamper.js), recomputes the warning from the sender tab's URL
// (a page cannot make it warn about another site), and navigates the tab.
// The shopper's choice on that page holds for the tab and site: after
// "Continue to the store" the banner is never escalated again there, so a
// store cannot trap anyone in a loop. Choices and counts stay in memory and
// storage.session (cleared when the browser closes); nothing leaves the browser.
import { hostOfUrl, isHttpUrl, siteKey } from "../lib/hosts.js";
import { attacksIn, createTamperCounter } from "../lib/tamper.js";

const SESSION_KEY = "escalation";
// Reports one tab may send per second (the banner sends at most 5).
const REPORTS_PER_SECOND = 10;
// After an escalation, the tab is not escalated again for the same site for
// this long (reports still in flight from the page it left).
const COOLDOWN_MS = 5000;

/**
 * `deps`: {tabs (tabs.update), session (storage.session or null), runtime
 * (getURL), warningFor(url), entryFor(url) (the whole entry, may be a Promise), now()}. Returns the actions messages.js calls.
 */
export function createEscalation(deps) {
  const now = deps.now ?? (() => Date.now());
  const counter = createTamperCounter();
  const reports = new Map(); // tabId -> [second, count]
  let saved = null; // {allowed: {"tab site": true}, back: {tab: url}, tampered: {"tab site": n}, escalatedAt: {"tab site": ms}}

  async function load() {
    if (saved) return saved;
    const stored = deps.session ? (await deps.session.get(SESSION_KEY).catch(() => ({})))[SESSION_KEY] : null;
    saved ??= { allowed: {}, back: {}, tampered: {}, escalatedAt: {}, ...(stored ?? {}) };
    return saved;
  }
  async function save() {
    if (deps.session) await deps.session.set({ [SESSION_KEY]: saved }).catch(() => {});
  }
  const keyOf = (tabId, url) => `${tabId} ${siteKey(hostOfUrl(url) ?? "")}`;

  function overRate(tabId) {
    const second = Math.floor(now() / 1000);
    const [at, count] = reports.get(tabId) ?? [second, 0];
    const next = at === second ? count + 1 : 1;
    reports.set(tabId, [second, next]);
    return next > REPORTS_PER_SECOND;
  }

  /** The "Go back" target: where the shopper came from, when that is another site. */
  function backUrl(referrer, pageUrl) {
    if (typeof referrer !== "string" || !isHttpUrl(referrer)) return null;
    const host = hostOfUrl(referrer);
    return host && siteKey(host) !== siteKey(hostOfUrl(pageUrl)) ? referrer : null;
  }

  async function escalate(state, key, tabId, pageUrl, referrer) {
    state.escalatedAt[key] = now();
    state.back[tabId] = backUrl(referrer, pageUrl);
    await save();
    await deps.tabs.update(tabId, { url: `${deps.runtime.getURL("warning.html")}?url=${encodeURIComponent(pageUrl)}` });
    return { escalated: true };
  }

  return {
    /** The banner in `tabId`, on `pageUrl` (the sender's, never the message's), reports attacks. */
    async tampered(tabId, pageUrl, kinds, referrer) {
      if (overRate(tabId) || !deps.warningFor(pageUrl)) return { escalated: false };
      const state = await load();
      const key = keyOf(tabId, pageUrl);
      const attacks = attacksIn(kinds);
      const over = counter.add(key, attacks, now());
      state.tampered[key] = (state.tampered[key] ?? 0) + attacks;
      const recent = now() - (state.escalatedAt[key] ?? -Infinity) < COOLDOWN_MS;
      if (!over || state.allowed[key] || recent) {
        await save();
        return { escalated: false };
      }
      return escalate(state, key, tabId, pageUrl, referrer);
    },

    /**
     * The banner injected into `tabId` cannot reach the extension (fallback.js): the
     * page left its world without the extension's APIs, so it cannot even ask for its
     * warning. The warning goes to warning.html at once, with the same limits as a
     * fight: never after "Continue to the store" for the tab and site, once per cooldown.
     */
    async cutOff(tabId, pageUrl) {
      if (!deps.warningFor(pageUrl)) return { escalated: false };
      const state = await load();
      const key = keyOf(tabId, pageUrl);
      state.tampered[key] = (state.tampered[key] ?? 0) + 1;
      if (state.allowed[key] || now() - (state.escalatedAt[key] ?? -Infinity) < COOLDOWN_MS) {
        await save();
        return { escalated: false };
      }
      return escalate(state, key, tabId, pageUrl, null);
    },

    /** For warning.html in `tabId`: the entry for `url` and how often the store attacked the banner. */
    async forWarningPage(tabId, url) {
      const state = await load();
      // The whole entry (entryFor reads it from storage; warningFor's answer is the index's summary).
      const entry = isHttpUrl(url) ? await (deps.entryFor ?? deps.warningFor)(url) : null;
      return { entry, tampered: state.tampered[keyOf(tabId, url)] ?? 0 };
    },

    /** "Continue to the store": the tab and site are never escalated again, and the tab goes to `url`. */
    async continueTo(tabId, url) {
      if (!isHttpUrl(url)) return { ok: false };
      const state = await load();
      state.allowed[keyOf(tabId, url)] = true;
      await save();
      await deps.tabs.update(tabId, { url });
      return { ok: true };
    },

    /** "Go back": to the page before the store when it was another site's, else an empty page. */
    async leave(tabId) {
      const state = await load();
      const target = state.back[tabId] ?? "about:blank";
      await deps.tabs.update(tabId, { url: target });
      return { ok: true, url: target };
    },

    /** For the popup: the attacks on the banner in `tabId` by the site of `url`. */
    async forPopup(tabId, url) {
      const state = await load();
      const key = keyOf(tabId, url);
      return { tampered: state.tampered[key] ?? 0, continued: Boolean(state.allowed[key]) };
    },

    /** A closed tab's choices and counts go. */
    async forgetTab(tabId) {
      const state = await load();
      for (const table of [state.allowed, state.tampered, state.escalatedAt]) {
        for (const key of Object.keys(table)) {
          if (key.startsWith(`${tabId} `)) {
            delete table[key];
            counter.forget(key);
          }
        }
      }
      delete state.back[tabId];
      reports.delete(tabId);
      await save();
    },
  };
}
