// The canonical bytes of a list document (docs/design.md, "The list's bytes
// are canonical"), the same as server/canonical.py gives: UTF-8 JSON without
// whitespace, non-ASCII unescaped, keys in the contract's field order (keys
// it does not name follow, sorted by code point), entries sorted by domain.
// tests/vectors/canonical.json is run by both sides. Pure: node imports it.
import { ENTRY_FIELDS, JURISDICTION_FIELDS, LIST_FIELDS, SOURCE_FIELDS } from "./contract.js";

export class CanonicalError extends Error {
  constructor(message) {
    super(message);
    this.name = "CanonicalError";
  }
}

/** Compares two strings by code point, as Python does (`<` compares UTF-16 units). */
export function compareCodePoints(a, b) {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
  }
  return x.length - y.length;
}

function orderedKeys(object, fields) {
  const known = fields.filter((key) => Object.hasOwn(object, key));
  const rest = Object.keys(object).filter((key) => !fields.includes(key)).sort(compareCodePoints);
  return [...known, ...rest];
}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

function serialize(value, fields = [], inner = () => serialize) {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "string") {
    // JSON.stringify escapes an unpaired surrogate; Python cannot encode one at all.
    if (/\p{Cs}/u.test(value)) throw new CanonicalError("the document contains an unpaired surrogate");
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new CanonicalError(`${value} has no canonical form (integers only)`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => serialize(item)).join(",")}]`;
  if (isObject(value)) {
    const members = orderedKeys(value, fields).map((key) => `${serialize(key)}:${inner(key)(value[key])}`);
    return `{${members.join(",")}}`;
  }
  throw new CanonicalError(`${typeof value} has no canonical form`);
}

const serializeSource = (source) => serialize(source, SOURCE_FIELDS);
const serializeSources = (sources) =>
  (Array.isArray(sources) ? `[${sources.map(serializeSource).join(",")}]` : serialize(sources));
const serializeItem = (item) =>
  serialize(item, JURISDICTION_FIELDS, (key) => (key === "sources" ? serializeSources : serialize));
const serializeJurisdictions = (items) =>
  (Array.isArray(items) ? `[${items.map(serializeItem).join(",")}]` : serialize(items));
const ENTRY_MEMBERS = { sources: serializeSources, jurisdictions: serializeJurisdictions };
const serializeEntry = (entry) =>
  serialize(entry, ENTRY_FIELDS, (key) => (Object.hasOwn(ENTRY_MEMBERS, key) ? ENTRY_MEMBERS[key] : serialize));

const domainOf = (entry) => (isObject(entry) && typeof entry.domain === "string" ? entry.domain : "");

function serializeEntries(entries) {
  if (!Array.isArray(entries)) return serialize(entries);
  // Array.prototype.sort is stable, as Python's sorted() is.
  const sorted = [...entries].sort((a, b) => compareCodePoints(domainOf(a), domainOf(b)));
  return `[${sorted.map(serializeEntry).join(",")}]`;
}

/** The canonical JSON text of a list document; throws CanonicalError if it has none. */
export function canonicalJson(document) {
  if (!isObject(document)) throw new CanonicalError("a list document must be an object");
  return serialize(document, LIST_FIELDS, (key) => (key === "entries" ? serializeEntries : serialize));
}

/** The canonical bytes (UTF-8) of a list document. */
export function canonicalBytes(document) {
  return new TextEncoder().encode(canonicalJson(document));
}
