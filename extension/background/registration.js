// The banner's content script is registered only for the listed hosts, so
// unlisted pages get no script at all. Re-registered when the list changes.
import { matchPatterns } from "../lib/matcher.js";
import { api } from "./api.js";

export const BANNER_SCRIPT_ID = "caveat-banner";

function sameSet(a, b) {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}

export async function registerBanner(entries) {
  const matches = matchPatterns(entries);
  const [existing] = await api.scripting.getRegisteredContentScripts({ ids: [BANNER_SCRIPT_ID] });
  if (matches.length === 0) {
    if (existing) await api.scripting.unregisterContentScripts({ ids: [BANNER_SCRIPT_ID] });
    return;
  }
  if (existing && sameSet(existing.matches ?? [], matches)) return;
  if (existing) await api.scripting.unregisterContentScripts({ ids: [BANNER_SCRIPT_ID] });
  await api.scripting.registerContentScripts([
    {
      id: BANNER_SCRIPT_ID,
      js: ["banner.js"],
      matches,
      runAt: "document_start",
      allFrames: false,
      persistAcrossSessions: true,
    },
  ]);
}
