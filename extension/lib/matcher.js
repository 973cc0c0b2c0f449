// Local matching of a host against the warning list: one Map probe per label,
// most specific entry first, label boundaries only (design.md "Matching").
import { normalizeHost } from "./hosts.js";

/**
 * The most specific of `entries` matching `host`: `entryAt(suffix)` gives the
 * entry for an exact domain (or undefined), and whether it covers subdomains.
 */
function walk(host, entryAt) {
  const h = normalizeHost(host);
  if (!h) return null;
  // Walk suffixes from the full host outwards: "a.b.c", "b.c", "c".
  let suffix = h;
  let exact = true;
  for (;;) {
    const entry = entryAt(suffix);
    if (entry && (exact || entry.include_subdomains !== false)) return entry;
    const dot = suffix.indexOf(".");
    if (dot < 0) return null;
    suffix = suffix.slice(dot + 1);
    exact = false;
  }
}

/**
 * @param {Array<{domain: string, include_subdomains?: boolean}>} entries
 * @returns {{size: number, match(host: string): object | null}}
 */
export function buildIndex(entries) {
  const byDomain = new Map();
  for (const entry of entries ?? []) byDomain.set(entry.domain, entry);
  return { size: byDomain.size, match: (host) => walk(host, (suffix) => byDomain.get(suffix)) };
}

const STATUSES = ["disputed", "unlawful", "defunct"];

/**
 * The index the background keeps for a list of any size: per entry only its
 * domain and one string holding its status, whether it covers subdomains and
 * its name (what the badge shows), about 100 bytes an entry instead of the
 * whole entry's 450 (bench/scale.md). `match` answers
 * {domain, name, status, include_subdomains}; the whole entry is read from
 * storage when a banner asks for it (background/state.js).
 */
export function buildCompactIndex(entries) {
  const byDomain = new Map();
  for (const entry of entries ?? []) {
    const status = Math.max(0, STATUSES.indexOf(entry.status));
    const code = status + (entry.include_subdomains === false ? 3 : 0);
    // A flat string (not a rope over the parsed name, which would keep both alive).
    byDomain.set(entry.domain, `${code}${entry.name}`.split("").join(""));
  }
  const entryAt = (domain) => {
    const packed = byDomain.get(domain);
    if (packed === undefined) return undefined;
    const code = packed.charCodeAt(0) - 48;
    return { domain, name: packed.slice(1), status: STATUSES[code % 3], include_subdomains: code < 3 };
  };
  return { size: byDomain.size, match: (host) => walk(host, entryAt) };
}

/**
 * Content-script match patterns covering every entry. Chrome's and Firefox's
 * "*.d" host pattern also matches "d" itself, but both are listed so the
 * intent is plain. The banner still asks the background for the exact match.
 */
export function matchPatterns(entries) {
  const patterns = new Set();
  for (const entry of entries ?? []) {
    patterns.add(`*://${entry.domain}/*`);
    if (entry.include_subdomains !== false) patterns.add(`*://*.${entry.domain}/*`);
  }
  return [...patterns].sort();
}

// A host a match pattern can name: DNS labels (punycode included), no IP-v6
// literal, port or wildcard. Anything else would make the registration fail.
const PATTERN_HOST = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;

/**
 * Content-script exclude patterns for the person's trusted sites: every host
 * whose site key (hosts.js siteKey) is a trusted one, i.e. the key itself and
 * "www." + key (when the key has a dot: "www.example" is its own site).
 * Keys no pattern can express are left to the background's answer.
 */
export function excludePatterns(trustedSiteKeys) {
  const patterns = new Set();
  for (const key of trustedSiteKeys ?? []) {
    if (typeof key !== "string" || !PATTERN_HOST.test(key)) continue;
    patterns.add(`*://${key}/*`);
    if (key.includes(".")) patterns.add(`*://www.${key}/*`);
  }
  return [...patterns].sort();
}
