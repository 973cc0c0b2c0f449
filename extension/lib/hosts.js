// Host names as the extension sees them: browsers report URL hosts already
// lowercased and in punycode, so only the trailing dot and case need care.

/** The host of a URL the banner may appear on (http/https only), or "". */
export function hostOfUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return "";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "";
  return normalizeHost(parsed.hostname);
}

/** Lowercase, no trailing dot. Hosts that are IP literals stay as they are. */
export function normalizeHost(host) {
  if (typeof host !== "string") return "";
  let h = host.trim().toLowerCase();
  while (h.endsWith(".")) h = h.slice(0, -1);
  return h;
}

/**
 * One "site" for a person's "don't warn me again": www.example.com and
 * example.com are the same site; every other subdomain is its own site.
 * www. is kept when what remains would be a single label (www.example).
 */
export function siteKey(host) {
  const h = normalizeHost(host);
  if (h.startsWith("www.")) {
    const rest = h.slice(4);
    if (rest.includes(".")) return rest;
  }
  return h;
}

/** True for absolute http(s) URLs: the only links the banner renders. */
export function isHttpUrl(text) {
  if (typeof text !== "string") return false;
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * A list server URL typed by a person: http(s), no credentials, query or
 * fragment. Returns the normalized origin+path without a trailing slash, or
 * null when it is not acceptable.
 */
export function normalizeServerUrl(text) {
  if (typeof text !== "string") return null;
  let u;
  try {
    u = new URL(text.trim());
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  if (!u.hostname || u.username || u.password || u.search || u.hash) return null;
  return (u.origin + u.pathname).replace(/\/+$/, "");
}
