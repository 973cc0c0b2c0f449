// The banner's content script runs only where a warning is due: registered
// for the listed hosts, minus the person's trusted sites, and not at all
// while warnings are paused. So unlisted and trusted pages get no script, and
// the banner can draw its frame at document_start without asking first.
// Re-registered whenever the list, the trusted sites or pause change.
//
// Every registered match pattern costs every page load, listed or not (about
// 1.6 ms per 1,000 patterns in Chromium: bench/scale.md). So a list with more
// than PATTERN_LIMIT patterns is not registered at all: the background injects
// the banner when a listed page commits (webNavigation.onCommitted, then
// executeScript with injectImmediately), which costs unlisted pages nothing.
import { excludePatterns, matchPatterns } from "../lib/matcher.js";
import { api } from "../lib/browser-api.js";

export const BANNER_SCRIPT_ID = "caveat-banner";
// The banner's files, in order: its helpers first. The fallback injects the same.
export const BANNER_FILES = ["content/util.js", "content/guard.js", "banner.js"];
// Match patterns registered at most (measured: bench/scale.md); above it the
// banner comes from injectOnCommit. bench/extension_bench.py rewrites this
// line in a copy of the build to measure the designs.
export const PATTERN_LIMIT = 2000;

/** How many match patterns the list needs (an entry with subdomains needs two). */
export function patternCount(entries) {
  let count = 0;
  for (const entry of entries ?? []) count += entry.include_subdomains === false ? 1 : 2;
  return count;
}

/** Whether this list's banner comes from injection at commit rather than registered patterns. */
export function injectsOnCommit(entries) {
  return patternCount(entries) > PATTERN_LIMIT;
}

function sameList(a = [], b = []) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameSet(a = [], b = []) {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}

/** The registration wanted for this state, or null for none. */
export function bannerScript(entries, { trusted = [], paused = false } = {}) {
  if (paused || injectsOnCommit(entries)) return null;
  const matches = matchPatterns(entries);
  if (matches.length === 0) return null;
  const script = {
    id: BANNER_SCRIPT_ID,
    js: [...BANNER_FILES],
    matches,
    runAt: "document_start",
    allFrames: false,
    persistAcrossSessions: true,
  };
  const excludeMatches = excludePatterns(trusted);
  if (excludeMatches.length) script.excludeMatches = excludeMatches;
  return script;
}

// Registrations run one after another: two quick changes (trust, then undo)
// must not interleave their unregister and register calls.
let queue = Promise.resolve();

export function registerBanner(entries, options) {
  const run = queue.then(() => applyRegistration(bannerScript(entries, options)));
  queue = run.catch(() => {});
  return run;
}

async function applyRegistration(wanted) {
  const [existing] = await api.scripting.getRegisteredContentScripts({ ids: [BANNER_SCRIPT_ID] });
  if (!wanted) {
    if (existing) await api.scripting.unregisterContentScripts({ ids: [BANNER_SCRIPT_ID] });
    return;
  }
  // A registration kept from an earlier version may name other files.
  const same =
    existing &&
    sameList(existing.js, wanted.js) &&
    sameSet(existing.matches, wanted.matches) &&
    sameSet(existing.excludeMatches, wanted.excludeMatches);
  if (same) return;
  if (existing) await api.scripting.unregisterContentScripts({ ids: [BANNER_SCRIPT_ID] });
  await api.scripting.registerContentScripts([wanted]);
}
