// Validation of list documents (GET /api/v1/list, the bundled snapshot) and
// application of deltas (GET /api/v1/changes). A document that fails any
// check is rejected whole: the caller keeps its last good list.
import { isHttpUrl } from "./hosts.js";

export const LIST_FORMAT = 1;
export const STATUSES = Object.freeze(["disputed", "unlawful", "defunct"]);

export class ListError extends Error {
  /** @param {string[]} errors every problem found, each "where: what" */
  constructor(errors) {
    super(errors.slice(0, 5).join("; ") + (errors.length > 5 ? `; … (${errors.length} problems)` : ""));
    this.name = "ListError";
    this.errors = errors;
  }
}

// Lowercase LDH labels (punycode for IDN), at least two labels, no trailing
// dot. Public-suffix checks belong to the server, which has the PSL.
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isEntryDomain(text) {
  if (typeof text !== "string" || text.length > 253) return false;
  const labels = text.split(".");
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels.at(-1));
}

// The server's limits (server/entries.py): a list that breaks them did not
// come from a Caveat server, and would not fit the banner.
const MAX = Object.freeze({ name: 200, summary: 500, details: 5000, title: 300, url: 2000, sources: 50 });

function isText(value, max = Infinity) {
  return typeof value === "string" && value.trim() !== "" && value.length <= max;
}

function isOptional(value, check) {
  return value === undefined || value === null || check(value);
}

/** Problems with one entry, each prefixed by `where`; [] when it is valid. */
export function entryErrors(entry, where = "entry") {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    return [`${where}: must be an object`];
  }
  const errors = [];
  const bad = (field, what) => errors.push(`${where}.${field}: ${what}`);
  if (!isEntryDomain(entry.domain)) bad("domain", "must be a lowercase host name (punycode, no trailing dot)");
  if (!isText(entry.name, MAX.name)) bad("name", `must be a non-empty string of at most ${MAX.name} characters`);
  if (!STATUSES.includes(entry.status)) bad("status", `must be one of ${STATUSES.join(", ")}`);
  if (!isText(entry.summary, MAX.summary)) bad("summary", `must be a non-empty string of at most ${MAX.summary} characters`);
  if (!isOptional(entry.details, (v) => typeof v === "string" && v.length <= MAX.details)) {
    bad("details", `must be a string of at most ${MAX.details} characters`);
  }
  if (!Array.isArray(entry.sources) || entry.sources.length === 0 || entry.sources.length > MAX.sources) {
    bad("sources", `must be a list of 1 to ${MAX.sources} sources`);
  } else {
    entry.sources.forEach((s, i) => {
      if (s === null || typeof s !== "object" || !isText(s.title, MAX.title)) bad(`sources[${i}].title`, "must be a non-empty string");
      if (!isHttpUrl(s?.url) || s.url.length > MAX.url) bad(`sources[${i}].url`, "must be an http or https URL");
    });
  }
  if (!isOptional(entry.related, (v) => Array.isArray(v) && v.every(isEntryDomain))) {
    bad("related", "must be a list of host names");
  }
  if (!isOptional(entry.include_subdomains, (v) => typeof v === "boolean")) bad("include_subdomains", "must be true or false");
  if (!isOptional(entry.reviewed, (v) => typeof v === "string" && DATE.test(v) && !Number.isNaN(Date.parse(v)))) {
    bad("reviewed", "must be a date YYYY-MM-DD");
  }
  for (const field of ["created", "updated"]) {
    if (!isOptional(entry[field], (v) => typeof v === "string")) bad(field, "must be a timestamp string");
  }
  return errors;
}

function entriesErrors(entries, field) {
  const errors = [];
  const seen = new Set();
  entries.forEach((entry, i) => {
    const where = `${field}[${i}]${typeof entry?.domain === "string" ? ` (${entry.domain})` : ""}`;
    errors.push(...entryErrors(entry, where));
    if (typeof entry?.domain === "string") {
      if (seen.has(entry.domain)) errors.push(`${where}: duplicate domain`);
      seen.add(entry.domain);
    }
  });
  return errors;
}

function isVersion(v) {
  return Number.isSafeInteger(v) && v >= 0;
}

/**
 * Checks a whole list document and returns it; throws ListError listing
 * every problem. `minVersion` (the version already held) rejects older lists.
 */
export function validateListDocument(doc, { minVersion = null } = {}) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ListError(["document: must be a JSON object"]);
  }
  const errors = [];
  if (doc.format !== LIST_FORMAT) errors.push(`format: must be ${LIST_FORMAT}`);
  if (!isVersion(doc.version)) errors.push("version: must be a non-negative integer");
  else if (minVersion !== null && doc.version < minVersion) {
    errors.push(`version: ${doc.version} is older than the list already held (${minVersion})`);
  }
  if (!isOptional(doc.generated, (v) => typeof v === "string")) errors.push("generated: must be a timestamp string");
  if (!Array.isArray(doc.entries) || doc.entries.length === 0) {
    errors.push("entries: must be a non-empty list");
  } else {
    errors.push(...entriesErrors(doc.entries, "entries"));
  }
  if (errors.length) throw new ListError(errors);
  return doc;
}

/**
 * Applies a delta from GET /api/v1/changes?since=V to a valid list and
 * returns a new list document (the input is not modified). The delta must
 * start at the list's version; the result is validated like a full list.
 * Delta shape (server/storage.py changes_since):
 * {"format": 1, "from": V, "version": N, "upserted": [entries], "removed": [domains]}.
 */
export function applyDelta(list, delta) {
  if (delta === null || typeof delta !== "object" || Array.isArray(delta)) {
    throw new ListError(["delta: must be a JSON object"]);
  }
  const errors = [];
  const upserted = delta.upserted ?? [];
  const removed = delta.removed ?? [];
  if (!isVersion(delta.version)) errors.push("delta.version: must be a non-negative integer");
  else if (delta.version < list.version) errors.push(`delta.version: ${delta.version} is older than ${list.version}`);
  if (delta.from !== undefined && delta.from !== list.version) {
    errors.push(`delta.from: ${delta.from} does not match the list version ${list.version}`);
  }
  if (!Array.isArray(upserted)) errors.push("delta.upserted: must be a list");
  else errors.push(...entriesErrors(upserted, "upserted"));
  if (!Array.isArray(removed) || !removed.every((d) => typeof d === "string")) {
    errors.push("delta.removed: must be a list of domains");
  }
  if (errors.length) throw new ListError(errors);

  const byDomain = new Map(list.entries.map((e) => [e.domain, e]));
  for (const domain of removed) byDomain.delete(domain);
  for (const entry of upserted) byDomain.set(entry.domain, entry);
  const entries = [...byDomain.values()].sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  const next = {
    format: LIST_FORMAT,
    version: delta.version,
    generated: typeof delta.generated === "string" ? delta.generated : list.generated,
    entries,
  };
  return validateListDocument(next, { minVersion: list.version });
}
