// A second way in for the banner. The registered content script is the first
// (it runs at document_start), but at browser start Chromium can load the
// first page before it has restored the registration and before it has
// started the background, and it does not replay that page's tab events. So
// the background injects the banner's files into listed tabs when they
// finish loading and, on every start, into the listed tabs already open.
// Each file runs once per document (its own guard), so a page that already
// has its banner, or where the person dismissed it, is left as it is.
import { api } from "../lib/browser-api.js";
import { BANNER_FILES } from "./registration.js";

/**
 * Run in the banner's world after its files: whether the banner can reach the
 * extension. A page can leave that world without the extension's APIs: in
 * Chromium, a frame named "browser" in the document when the world is made
 * leaves `chrome` with no `runtime` or `i18n` (tests/e2e/test_hostile_pages.py).
 * "absent": the banner is not there (the tab moved on); nothing is concluded.
 */
function bannerCanTalk() {
  const util = globalThis[Symbol.for("caveat.util")];
  if (!util) return "absent";
  return typeof util.api?.runtime?.sendMessage === "function" ? "ok" : "cut-off";
}

/**
 * Injects the banner into the tab's top frame (`immediately`: as soon as its
 * document exists, without waiting for it to load). Returns "ok", "cut-off"
 * (the caller escalates: escalation.js cutOff), "absent", or "no-access".
 */
export async function ensureBanner(tabId, { immediately = false } = {}) {
  const target = { tabId, frameIds: [0] };
  try {
    await api.scripting.executeScript({ target, files: BANNER_FILES, injectImmediately: immediately });
    const [probe] = await api.scripting.executeScript({ target, func: bannerCanTalk, injectImmediately: immediately });
    return probe?.result ?? "absent";
  } catch {
    // No host access (the badge still warns), or the tab closed or navigated
    // to a page scripts cannot run in: nothing to do.
    return "no-access";
  }
}
