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

/** Injects the banner into the tab's top frame; quiet where it cannot. */
export async function ensureBanner(tabId) {
  try {
    await api.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: BANNER_FILES });
  } catch {
    // No host access (the badge still warns), or the tab closed or navigated
    // to a page scripts cannot run in: nothing to do.
  }
}
