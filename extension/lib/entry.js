// The rules of one warning entry, as server/entries.py checks them, with the
// limits of the entry contract (lib/contract.js, generated from
// server/contract.json). tests/vectors/entries.json holds the cases both
// sides run, and marks where they differ: a field this code does not know is
// ignored (a newer server may add one); "never a public suffix" is the
// server's (it has the suffix list); text that looks like markup is refused
// by the server but accepted here, because the banner renders text only and
// the end-to-end tests show a hostile list's markup as text. The server also
// accepts input it then normalizes (upper case, a trailing dot, spaces around
// text); a list it publishes is canonical, so domains here must be too.
import { COUNTRY_CODES, JURISDICTION_STATUSES, LIMITS, STATUSES } from "./contract.js";

// Python's str.isspace() and its re `\s` (JavaScript's \s differs: it has
// U+FEFF but not U+001C-U+001F or U+0085).
const SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const EDGE_SPACE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "g");
// Control characters other than tab and newline (allowed only in details).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;
const LONE_SURROGATE = /\p{Cs}/u;
const URL_FORBIDDEN = new RegExp(`[${SPACE}\\x00-\\x1f\\x7f\\p{Cs}]`, "u");
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;

// Canonical host names: lowercase LDH labels (punycode for IDN), 2+ labels,
// no trailing dot, a last label that a browser would not read as a number.
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const NUMERIC_LABEL = /^(?:[0-9]+|0x[0-9a-f]*)$/;

/** Length in Unicode code points, as Python's len() counts. */
export const codePoints = (text) => [...text].length;

/** Python's str.strip(). */
export const strip = (text) => text.replace(EDGE_SPACE, "");

export function isEntryDomain(text) {
  if (typeof text !== "string" || text.length > LIMITS.domain) return false;
  const labels = text.split(".");
  return labels.length >= 2 && labels.every((l) => l.length <= LIMITS.domain_label && LABEL.test(l))
    && !NUMERIC_LABEL.test(labels.at(-1));
}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const has = (object, key) => Object.hasOwn(object, key);

/** A real Gregorian date "YYYY-MM-DD" (year 1 to 9999). */
function isRealDate(text) {
  const [y, m, d] = text.split("-").map(Number);
  const day = new Date(Date.UTC(2000, m - 1, d));
  day.setUTCFullYear(y);
  return y >= 1 && day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** An RFC 3339 UTC time ending in "Z" that names a real time. */
export function isTimestamp(value) {
  const parts = typeof value === "string" && TIMESTAMP.exec(value);
  return Boolean(parts) && isRealDate(parts[1]) && +parts[2] <= 23 && +parts[3] <= 59 && +parts[4] <= 59;
}

function addDays(isoDate, days) {
  const day = new Date(`${isoDate}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** Problems with a plain-text field (server/entries.py `_text`, but markup is the server's). */
function textErrors(value, max, { required, multiline = false }) {
  if (value === undefined || value === null || (value === "" && !required)) {
    return required ? ["is required"] : [];
  }
  if (typeof value !== "string") return ["must be a string"];
  const text = strip(value);
  if (required && !text) return ["must not be empty"];
  const errors = [];
  if (codePoints(text) > max) errors.push(`is ${codePoints(text)} characters long; the limit is ${max}`);
  if (CONTROL.test(text) || (!multiline && /[\n\t]/.test(text))) {
    errors.push("must not contain control characters" + (multiline ? "" : " or line breaks"));
  }
  if (LONE_SURROGATE.test(text)) errors.push("is not valid Unicode text (it contains an unpaired surrogate)");
  return errors;
}

/** Whether a bracketed URL host is one Python's urlsplit takes: an IPv6 address or "v1.x". */
function isBracketedHost(host) {
  if (host.startsWith("v")) return /^v[a-fA-F0-9]+\..+$/s.test(host);
  const [address, ...zone] = host.split("%");
  if (zone.length > 1 || zone[0] === "" || !address.includes(":")) return false;
  try {
    return new URL(`http://[${address}]/`).hostname !== "";
  } catch {
    return false;
  }
}

/** Python's urlsplit(): scheme and host of `url`, or null where it raises ValueError. */
function splitUrl(url) {
  let rest = url;
  let scheme = "";
  const colon = url.indexOf(":");
  if (colon > 0 && SCHEME.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    rest = url.slice(colon + 1);
  }
  if (!rest.startsWith("//")) return { scheme, host: null };
  const netloc = rest.slice(2).split(/[/?#]/, 1)[0];
  const open = netloc.includes("["), close = netloc.includes("]");
  if (open !== close) return null;
  if (open && !isBracketedHost(netloc.split("[")[1].split("]")[0])) return null;
  const ascii = /^[\x00-\x7f]*$/.test(netloc);
  if (!ascii) {
    const bare = netloc.replace(/[@:#?]/g, "");
    const mapped = bare.normalize("NFKC");
    if (mapped !== bare && /[/?#@:]/.test(mapped)) return null;
  }
  const hostinfo = netloc.slice(netloc.lastIndexOf("@") + 1);
  let host, port;
  if (hostinfo.includes("[")) {
    const bracketed = hostinfo.slice(hostinfo.indexOf("[") + 1);
    const end = bracketed.indexOf("]");
    host = end < 0 ? bracketed : bracketed.slice(0, end);
    const after = end < 0 ? "" : bracketed.slice(end + 1);
    port = after.includes(":") ? after.slice(after.indexOf(":") + 1) : "";
  } else {
    const c = hostinfo.indexOf(":");
    [host, port] = c < 0 ? [hostinfo, ""] : [hostinfo.slice(0, c), hostinfo.slice(c + 1)];
  }
  if (port && !(/^[0-9]+$/.test(port) && Number(port) <= 65535)) return null;
  return { scheme, host: host || null };
}

/** Problems with a source URL (server/entries.py `_url`). */
function urlErrors(value) {
  if (typeof value !== "string" || !strip(value)) return ["must be a non-empty string"];
  const url = strip(value);
  if (codePoints(url) > LIMITS.source_url) {
    return [`is ${codePoints(url)} characters long; the limit is ${LIMITS.source_url}`];
  }
  if (URL_FORBIDDEN.test(url)) return ["must not contain spaces or control characters"];
  const parts = splitUrl(url);
  if (parts === null) return ["is not a valid URL"];
  if (parts.scheme !== "http" && parts.scheme !== "https") return ["must be an http or https URL"];
  if (!parts.host) return ["must name a host"];
  return [];
}

function sourcesErrors(value, bad, field = "sources") {
  if (!Array.isArray(value)) return bad(field, "must be a list of {title, url}");
  if (value.length === 0) return bad(field, "at least one source is required");
  if (value.length > LIMITS.sources) bad(field, `at most ${LIMITS.sources} sources`);
  value.forEach((source, i) => {
    const where = `${field}[${i}]`;
    if (!isObject(source)) return bad(where, "must be an object with title and url");
    for (const e of textErrors(source.title, LIMITS.source_title, { required: true })) bad(`${where}.title`, e);
    for (const e of urlErrors(source.url)) bad(`${where}.url`, e);
  });
}

function relatedErrors(value, ownDomain, bad) {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) return bad("related", "must be a list of domains");
  if (value.length > LIMITS.related) bad("related", `at most ${LIMITS.related} domains`);
  const seen = new Set();
  value.forEach((domain, i) => {
    if (!isEntryDomain(domain)) bad(`related[${i}]`, "must be a lowercase host name (punycode, no trailing dot)");
    else if (domain === ownDomain) bad(`related[${i}]`, "is the entry's own domain");
    else if (seen.has(domain)) bad(`related[${i}]`, `${domain} is listed twice`);
    else seen.add(domain);
  });
}

/** A past date written YYYY-MM-DD (`reviewed`, a jurisdiction's `since`). */
function dateErrors(field, value, today, bad) {
  if (typeof value !== "string" || !DATE.test(value)) return bad(field, "must be a date written YYYY-MM-DD");
  if (!isRealDate(value)) return bad(field, `${value} is not a real date`);
  // One day of grace, as on the server. Without `today` (a list received from
  // the server) the check is skipped: the server made it when the entry was
  // written, and this browser's clock may be wrong.
  if (today && value > addDays(today, 1)) bad(field, `${value} is in the future`);
}

const COUNTRIES = new Set(COUNTRY_CODES);

/**
 * Problems with `jurisdictions` (design.md, "A jurisdiction item"), as
 * server/entries.py `_jurisdictions` finds them; an item field this code does
 * not know is ignored, as an entry's is.
 */
function jurisdictionsErrors(value, today, bad) {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) return bad("jurisdictions", "must be a list of {country, status, note, sources, since}");
  const seen = new Map();
  value.forEach((item, i) => {
    const where = `jurisdictions[${i}]`;
    if (!isObject(item)) return bad(where, "must be an object with country, status, note and sources");
    const { country } = item;
    if (typeof country !== "string" || !COUNTRIES.has(country)) {
      bad(`${where}.country`, "must be an ISO 3166-1 alpha-2 code in upper case, such as RU, US or DK, or EU");
    } else if (seen.has(country)) {
      bad(`${where}.country`, `${country} is listed twice (also at ${seen.get(country)})`);
    } else {
      seen.set(country, where);
    }
    if (!JURISDICTION_STATUSES.includes(item.status)) {
      bad(`${where}.status`, `must be one of ${JURISDICTION_STATUSES.join(", ")}`);
    }
    for (const e of textErrors(item.note, LIMITS.jurisdiction_note, { required: true })) bad(`${where}.note`, e);
    sourcesErrors(item.sources ?? [], bad, `${where}.sources`);
    if (item.since !== undefined && item.since !== null) dateErrors(`${where}.since`, item.since, today, bad);
  });
}

/**
 * Problems with one entry, each "<where>.<field>: <what>"; [] when it is
 * valid. `today` ("YYYY-MM-DD") turns on the server's "reviewed is not in
 * the future" check.
 */
export function entryErrors(entry, where = "entry", { today = null } = {}) {
  if (!isObject(entry)) return [`${where}: must be an object`];
  const errors = [];
  const bad = (field, what) => { errors.push(`${where}.${field}: ${what}`); };
  if (!has(entry, "domain") || entry.domain === null) bad("domain", "is required");
  else if (!isEntryDomain(entry.domain)) bad("domain", "must be a lowercase host name (punycode, no trailing dot)");
  for (const e of textErrors(entry.name, LIMITS.name, { required: true })) bad("name", e);
  if (!STATUSES.includes(entry.status)) bad("status", `must be one of ${STATUSES.join(", ")}`);
  for (const e of textErrors(entry.summary, LIMITS.summary, { required: true })) bad("summary", e);
  for (const e of textErrors(entry.details, LIMITS.details, { required: false, multiline: true })) bad("details", e);
  sourcesErrors(entry.sources, bad);
  relatedErrors(entry.related, isEntryDomain(entry.domain) ? entry.domain : null, bad);
  if (has(entry, "include_subdomains") && typeof entry.include_subdomains !== "boolean") {
    bad("include_subdomains", "must be true or false");
  }
  if (!has(entry, "reviewed")) bad("reviewed", "is required (the date a maintainer last checked the sources)");
  else dateErrors("reviewed", entry.reviewed, today, bad);
  jurisdictionsErrors(entry.jurisdictions, today, bad);
  for (const field of ["created", "updated"]) {
    if (has(entry, field) && !isTimestamp(entry[field])) {
      bad(field, "must be an RFC 3339 UTC time such as 2026-11-28T10:00:00Z");
    }
  }
  return errors;
}
