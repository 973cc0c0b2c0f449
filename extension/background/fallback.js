// A second way in for the banner. The registered content script is the first
// (it runs at document_start), but Chromium can miss it on the first pages
// after the browser starts, before the registration is restored, and on tabs
// restored from the last session. So when a listed page finishes loading,
// the background injects banner.js into it as well: the script runs once per
// document (its own guard), so a page that already has its banner, or where
// the person dismissed it, is left as it is.
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
