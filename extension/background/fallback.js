// A second way in for the banner. The registered content script is the first
// (it runs at document_start), but at browser start Chromium can load the
// first page before it has restored the registration and before it has
// started the background, and it does not replay that page's tab events. So
// the background injects banner.js into listed tabs when they finish loading
// and, on every start, into the listed tabs already open. The script runs
// once per document (its own guard), so a page that already has its banner,
// or where the person dismissed it, is left as it is.
import { api } from "./api.js";

/** Injects the banner into the tab's top frame; quiet where it cannot. */
export async function ensureBanner(tabId) {
  try {
    await api.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: ["banner.js"] });
  } catch {
    // No host access (the badge still warns), or the tab closed or navigated
    // to a page scripts cannot run in: nothing to do.
  }
}
