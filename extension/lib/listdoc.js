// Validation of list documents (GET /api/v1/list, the bundled snapshot) and
// application of deltas (GET /api/v1/changes). A document that fails any
// check is rejected whole: the caller keeps its last good list. Fields this
// code does not know are ignored: a newer server may add one.
import { LIST_FORMAT, STATUSES } from "./contract.js";
import { entryErrors, isEntryDomain, isTimestamp } from "./entry.js";

// The entry rules live in lib/entry.js, with the limits of the entry contract.
export { LIST_FORMAT, STATUSES, entryErrors, isEntryDomain };

export class ListError extends Error {
  /** @param {string[]} errors every problem found, each "where: what" */
  constructor(errors) {
    super(errors.slice(0, 5).join("; ") + (errors.length > 5 ? `; … (${errors.length} problems)` : ""));
    this.name = "ListError";
    this.errors = errors;
  }
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
  if (doc.generated !== undefined && !isTimestamp(doc.generated)) {
    errors.push("generated: must be an RFC 3339 UTC time such as 2026-11-28T10:00:00Z");
  }
  if (!Array.isArray(doc.entries) || doc.entries.length === 0) {
    errors.push("entries: must be a non-empty list");
  } else {
    errors.push(...entriesErrors(doc.entries, "entries"));
  }
  if (errors.length) throw new ListError(errors);
  return doc;
}

/**
 * Applies a delta from GET /api/v1/changes/V to a valid list and
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
