// The toolbar badge: "!" on tabs showing a listed site. It needs only the
// tab's URL (the `tabs` permission), so it warns even where the person
// withheld host access and the banner cannot appear.
import { api } from "../lib/browser-api.js";
import { verdictFor } from "./country.js";

const COLOURS = { unlawful: "#B00020", disputed: "#B34700", defunct: "#4A4A4A", lawful: "#1A5FB4" };

/** @param {object|null} entry the matched entry, or null for no warning */
export async function showBadge(tabId, entry) {
  try {
    if (!entry) {
      await api.action.setBadgeText({ tabId, text: "" });
      await api.action.setTitle({ tabId, title: api.i18n.getMessage("actionTitle") });
      return;
    }
    // The status the banner leads with: the shopper's country's item, else the entry's.
    const verdict = verdictFor(entry);
    await api.action.setBadgeBackgroundColor({ tabId, color: COLOURS[verdict.status] ?? COLOURS.disputed });
    if (api.action.setBadgeTextColor) await api.action.setBadgeTextColor({ tabId, color: "#FFFFFF" });
    await api.action.setBadgeText({ tabId, text: "!" });
    const status = verdict.headline ?? api.i18n.getMessage(`status_${entry.status}`);
    await api.action.setTitle({ tabId, title: api.i18n.getMessage("badgeTitleListed", [entry.name, status]) });
  } catch {
    // The tab closed between the event and the update: nothing to show.
  }
}
