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

// The list server URL rule, shared with build.py (buildext/server_url.py) and
// held equal by tests/vectors/server_urls.json: http(s), a host, an optional
// port and an optional path prefix (a static mirror often lives under one);
// no credentials, query, fragment, backslash, whitespace or control
// character, and no /api/v1 (the extension appends /api/v1/... itself).
// The text is checked as typed; URL() only converts a Unicode host to
// punycode and writes an IPv6 address in its one form.
const SERVER_SCHEME = /^(https?):\/\//i;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const PATH_SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;
const DOT_SEGMENT = /^(?:\.|%2e)+$/i;
// A host that ends in a number is an IPv4 address to a browser (even 127.1 or 0x7f.1).
const NUMERIC_LABEL = /^(?:[0-9]+|0x[0-9a-f]*)$/i;
const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
// Full stops browsers read as "." in a host (UTS 46), stripped from its end like ".".
const TRAILING_DOTS = /[.\u3002\uff0e\uff61]+$/;
const DEFAULT_PORTS = { http: 80, https: 443 };

/**
 * A list server URL typed by a person, normalized (lowercase scheme and host,
 * punycode, no trailing dot, default port or trailing slash), or null when it
 * is not acceptable.
 */
export function normalizeServerUrl(text) {
  if (typeof text !== "string" || !text || /[\x00-\x20\x7f?#\\]/.test(text)) return null;
  const scheme = SERVER_SCHEME.exec(text);
  if (!scheme) return null;
  const rest = text.slice(scheme[0].length);
  const slash = rest.includes("/") ? rest.indexOf("/") : rest.length;
  const authority = rest.slice(0, slash);
  const hostPort = authority.includes("@") ? null : splitAuthority(authority);
  const host = hostPort && serverHost(hostPort.host);
  const path = serverPath(rest.slice(slash));
  if (!host || path === null) return null;
  const protocol = scheme[1].toLowerCase();
  const port = hostPort.port === null || hostPort.port === DEFAULT_PORTS[protocol] ? "" : `:${hostPort.port}`;
  return `${protocol}://${host}${port}${path}`;
}

function splitAuthority(authority) {
  let host = authority;
  let portText = null;
  if (authority.startsWith("[")) {
    const end = authority.indexOf("]");
    if (end < 0) return null;
    host = authority.slice(0, end + 1);
    const after = authority.slice(end + 1);
    if (after && !after.startsWith(":")) return null;
    if (after) portText = after.slice(1);
  } else if (authority.includes(":")) {
    host = authority.slice(0, authority.indexOf(":"));
    portText = authority.slice(authority.indexOf(":") + 1);
  }
  if (!host) return null;
  if (portText === null) return { host, port: null };
  if (!/^[0-9]+$/.test(portText) || Number(portText) > 65535) return null;
  return { host, port: Number(portText) };
}

function serverHost(raw) {
  if (raw.startsWith("[")) {
    if (raw.includes("%")) return null; // a zone id means nothing to another machine
    return urlHostname(raw);
  }
  if (raw.includes("%")) return null; // URL() decodes %41 in a host; the rule takes the host as written
  let host = raw.replace(TRAILING_DOTS, "");
  if (/[^\x00-\x7f]/.test(host)) {
    // IDNA 2008 (build.py's idna) refuses the hyphens that URL()'s UTS 46 lets through.
    if (host.split(/[.\u3002\uff0e\uff61]/).some((l) => /^-|-$|^..--/.test(l) && !/^xn--/i.test(l))) return null;
    host = (urlHostname(host) ?? "").replace(TRAILING_DOTS, "");
    if (NUMERIC_LABEL.test(host.split(".").pop())) return null; // an IPv4 address is written in ASCII
  } else if (NUMERIC_LABEL.test(host.split(".").pop())) {
    return IPV4.test(host) ? host : null;
  }
  host = host.toLowerCase();
  return host.length <= 253 && host.split(".").every((label) => HOST_LABEL.test(label)) ? host : null;
}

function urlHostname(host) {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
}

function serverPath(path) {
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  if (!trimmed) return "";
  const segments = trimmed.slice(1).split("/");
  if (!segments.every((s) => s && !DOT_SEGMENT.test(s) && PATH_SEGMENT.test(s))) return null;
  const lowered = segments.map((s) => s.toLowerCase());
  const apiV1 = lowered.some((s, i) => s === "api" && lowered[i + 1] === "v1");
  return lowered.at(-1) === "api" || apiV1 ? null : trimmed;
}
