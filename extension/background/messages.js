// Message dispatch: who may ask the background what. The banner (a content
// script in the top frame of a web page) asks about its own page only; the
// popup and options (pages of this extension) ask about anything. Every other
// sender is refused. This module makes no browser call of its own: the
// background hands it the runtime and the actions, so node can test it.
import { formatIsoDate } from "../lib/dates.js";
import { hostOfUrl, isHttpUrl, normalizeServerUrl, siteKey } from "../lib/hosts.js";

/** A page of this extension (popup, options), in a tab or not. */
export function fromExtensionPage(sender, runtime) {
  return sender.id === runtime.id && typeof sender.url === "string" && sender.url.startsWith(runtime.getURL(""));
}

/** Our content script in the top frame of an http(s) page: the banner. */
export function fromBanner(sender, runtime) {
  return sender.id === runtime.id && sender.tab && sender.frameId === 0 && hostOfUrl(sender.url ?? sender.tab.url);
}

/**
 * The entry as the banner gets it: source links with http(s) URLs only. Every
 * list is validated before it is stored, but storage.local can be edited by
 * other means, and the banner renders the links it is handed.
 */
export function forBanner(entry) {
  if (!entry) return entry;
  return { ...entry, sources: (entry.sources ?? []).filter((source) => isHttpUrl(source?.url)) };
}

/**
 * The handler for runtime.onMessage: `handle(message, sender)` resolves to
 * the answer. `deps` holds what it acts on:
 *   runtime       {id, getURL} of this extension
 *   uiLocale()    the language of the messages
 *   indexReady    settles once the list is loaded (all the banner needs)
 *   ready         settles once start-up is done
 *   warningFor(url) (the entry, or a Promise of it), verdictFor(entry), describe(url), sync(),
 *   setTrusted(site, trusted), setPaused(paused), setCountry(code | "" | null), sendReport(kind, host, comment),
 *   saveServerUrl(url), resetServerUrl() -> the URL now in use
 *   escalation    background/escalation.js: a fighting store's attacks on
 *                 the banner, warning.html's choices, the popup's count
 */
export function createMessageHandler(deps) {
  /**
   * `answer` with its entry's links filtered, its review date formatted and
   * (`withVerdict`) the status and jurisdiction item it leads with for the
   * shopper's country (lib/verdict.js).
   */
  function withReviewed(answer, withVerdict = false) {
    const entry = forBanner(answer.entry);
    const locale = deps.uiLocale() || "en";
    const reviewedText = entry?.reviewed ? formatIsoDate(entry.reviewed, locale) : "";
    return { ...answer, entry, reviewedText, ...(withVerdict ? { verdict: entry ? deps.verdictFor(entry) : null } : {}) };
  }

  async function fromBannerPage(type, message, sender) {
    await deps.indexReady.catch(() => {});
    const pageUrl = sender.url ?? sender.tab.url;
    const host = hostOfUrl(pageUrl);
    switch (type) {
      case "getWarning":
        // The date is formatted here, where the formatter is warm, so the
        // page does not pay for loading locale data.
        return withReviewed({ entry: await deps.warningFor(pageUrl) }, true);
      case "trustThisSite":
        await deps.setTrusted(siteKey(host), true);
        return { ok: true, site: siteKey(host) };
      case "reportMistake":
        return deps.sendReport("mistake", host, message.comment);
      case "tampered":
        // Counted for the sender's own tab and page: the warning is recomputed from its URL.
        return deps.escalation.tampered(sender.tab.id, pageUrl, message.kinds, message.referrer);
      default:
        return { error: "unknown message" };
    }
  }

  async function fromOurPage(type, message, sender) {
    await deps.ready;
    const tabId = sender.tab?.id; // warning.html's own tab (the popup has none)
    switch (type) {
      case "warningPage":
        return withReviewed(await deps.escalation.forWarningPage(tabId, String(message.url ?? "")));
      case "continueToStore":
        return tabId === undefined ? { ok: false } : deps.escalation.continueTo(tabId, String(message.url ?? ""));
      case "leaveStore":
        return tabId === undefined ? { ok: false } : deps.escalation.leave(tabId);
      case "tampering":
        return deps.escalation.forPopup(Number(message.tabId), String(message.url ?? ""));
      case "describe":
        return deps.describe(message.url ?? "");
      case "syncNow":
        return { lastSync: await deps.sync(), ...(await deps.describe("")) };
      case "setTrusted":
        await deps.setTrusted(siteKey(String(message.site ?? "")), message.trusted === true);
        return deps.describe(message.url ?? "");
      case "suggestSite": {
        // From the popup: the person suggests the store in their current tab.
        const host = hostOfUrl(String(message.url ?? ""));
        if (!host) return { ok: false, error: { code: "unexpected", detail: "not a web page" } };
        return deps.sendReport("suggest", host, message.comment);
      }
      case "setPaused":
        await deps.setPaused(message.paused === true);
        return deps.describe("");
      case "setCountry": {
        // A country code, "" ("don't use my country") or null (the language's default).
        const country = message.country;
        if (country !== null && !(typeof country === "string" && /^([A-Z]{2})?$/.test(country))) {
          return { ok: false, error: { code: "invalid_country" } };
        }
        await deps.setCountry(country);
        return { ok: true, ...(await deps.describe("")) };
      }
      case "setServerUrl": {
        if (message.serverUrl === null) return { ok: true, serverUrl: await deps.resetServerUrl() };
        const url = normalizeServerUrl(message.serverUrl);
        if (!url) return { ok: false, error: { code: "invalid_url" } };
        await deps.saveServerUrl(url);
        return { ok: true, serverUrl: url };
      }
      default:
        return { error: "unknown message" };
    }
  }

  return async function handle(message, sender) {
    const type = message?.type;
    if (fromBanner(sender, deps.runtime)) return fromBannerPage(type, message, sender);
    if (!fromExtensionPage(sender, deps.runtime)) return { error: "not allowed" };
    return fromOurPage(type, message, sender);
  };
}

/** A runtime.onMessage listener answering with `handle`, asynchronously. */
export function messageListener(handle) {
  return (message, sender, sendResponse) => {
    handle(message, sender).then(sendResponse, (err) => sendResponse({ error: String(err?.message ?? err) }));
    return true; // the answer is sent asynchronously
  };
}
