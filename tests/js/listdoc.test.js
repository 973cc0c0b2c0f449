import { test } from "node:test";
import assert from "node:assert/strict";
import { applyDelta, entryErrors, ListError, validateListDocument } from "../../extension/lib/listdoc.js";

function entry(domain, extra = {}) {
  return {
    domain,
    name: `Store ${domain}`,
    status: "disputed",
    summary: "Its licences are disputed by rights holders.",
    details: "",
    sources: [{ title: "A report", url: "https://news.example/report" }],
    related: [],
    include_subdomains: true,
    reviewed: "2026-11-01",
    ...extra,
  };
}

function list(version, entries) {
  return { format: 1, version, generated: "2026-11-28T10:00:00Z", entries };
}

test("a valid list document is returned as is", () => {
  const doc = list(3, [entry("allofmp3.example")]);
  assert.equal(validateListDocument(doc), doc);
});

test("optional fields may be missing or null", () => {
  const e = entry("allofmp3.example");
  delete e.details;
  delete e.related;
  delete e.include_subdomains;
  validateListDocument(list(1, [e]));
  validateListDocument(list(1, [entry("allofmp3.example", { details: null, related: null })]));
});

test("reviewed is required, as on the server (the entry contract)", () => {
  assert.throws(() => validateListDocument(list(1, [entry("allofmp3.example", { reviewed: null })])), /reviewed/);
  const e = entry("allofmp3.example");
  delete e.reviewed;
  assert.throws(() => validateListDocument(list(1, [e])), /reviewed/);
});

const broken = {
  "not an object": ["[]", []],
  "wrong format": ["format", { ...list(1, [entry("a.example")]), format: 2 }],
  "no entries": ["entries", list(1, [])],
  "entries not a list": ["entries", { ...list(1, []), entries: {} }],
  "negative version": ["version", list(-1, [entry("a.example")])],
  "fractional version": ["version", list(1.5, [entry("a.example")])],
  "upper-case domain": ["domain", list(1, [entry("AllOfMP3.example")])],
  "trailing dot": ["domain", list(1, [entry("allofmp3.example.")])],
  "single label": ["domain", list(1, [entry("localhost")])],
  "unknown status": ["status", list(1, [entry("a.example", { status: "bad" })])],
  "empty name": ["name", list(1, [entry("a.example", { name: " " })])],
  "summary not text": ["summary", list(1, [entry("a.example", { summary: 5 })])],
  "no sources": ["sources", list(1, [entry("a.example", { sources: [] })])],
  "javascript source": ["url", list(1, [entry("a.example", { sources: [{ title: "x", url: "javascript:alert(1)" }] })])],
  "source without title": ["title", list(1, [entry("a.example", { sources: [{ url: "https://x.example/" }] })])],
  "include_subdomains a string": ["include_subdomains", list(1, [entry("a.example", { include_subdomains: "yes" })])],
  "bad reviewed date": ["reviewed", list(1, [entry("a.example", { reviewed: "yesterday" })])],
  "duplicate domain": ["duplicate", list(1, [entry("a.example"), entry("a.example")])],
};
for (const [why, [field, doc]] of Object.entries(broken)) {
  test(`rejected whole: ${why}`, () => {
    assert.throws(
      () => validateListDocument(doc === "[]" ? [] : doc),
      (err) => err instanceof ListError && err.errors.some((e) => e.includes(field === "[]" ? "object" : field)),
    );
  });
}

test("one bad entry among good ones rejects the whole document", () => {
  const doc = list(1, [entry("a.example"), entry("b.example", { status: "bad" }), entry("c.example")]);
  assert.throws(() => validateListDocument(doc), /entries\[1\] \(b\.example\)\.status/);
});

test("every problem is listed, not only the first", () => {
  try {
    validateListDocument(list(1, [entry("A"), entry("b.example", { name: "" })]));
    assert.fail("should throw");
  } catch (err) {
    assert.ok(err.errors.length >= 2, err.errors.join("\n"));
  }
});

test("an older version than the one held is rejected; the same version is not", () => {
  const doc = list(4, [entry("a.example")]);
  assert.throws(() => validateListDocument(doc, { minVersion: 5 }), /older/);
  validateListDocument(doc, { minVersion: 4 });
});

test("entryErrors is empty for a good entry", () => {
  assert.deepEqual(entryErrors(entry("xn--mp3-sparks-9kb.example")), []);
});

test("applyDelta upserts, removes and sorts, without touching the input", () => {
  const before = list(5, [entry("b.example"), entry("c.example")]);
  const frozen = JSON.stringify(before);
  const after = applyDelta(before, {
    from: 5,
    version: 7,
    upserted: [entry("a.example"), entry("c.example", { status: "unlawful" })],
    removed: ["b.example"],
  });
  assert.equal(after.version, 7);
  assert.deepEqual(after.entries.map((e) => e.domain), ["a.example", "c.example"]);
  assert.equal(after.entries[1].status, "unlawful");
  assert.equal(JSON.stringify(before), frozen);
});

test("applyDelta with no changes keeps the list", () => {
  const before = list(5, [entry("a.example")]);
  assert.deepEqual(applyDelta(before, { from: 5, version: 5, upserted: [], removed: [] }).entries, before.entries);
});

test("applyDelta rejects a malformed delta", () => {
  const before = list(5, [entry("a.example")]);
  assert.throws(() => applyDelta(before, null), ListError);
  assert.throws(() => applyDelta(before, { version: 4, upserted: [], removed: [] }), /older/);
  assert.throws(() => applyDelta(before, { from: 3, version: 6, upserted: [], removed: [] }), /from/);
  assert.throws(() => applyDelta(before, { version: 6, upserted: [entry("x.example", { status: 1 })], removed: [] }), /status/);
  assert.throws(() => applyDelta(before, { version: 6, upserted: [], removed: "a.example" }), /removed/);
});

test("applyDelta that would empty the list is rejected", () => {
  const before = list(5, [entry("a.example")]);
  assert.throws(() => applyDelta(before, { version: 6, upserted: [], removed: ["a.example"] }), /non-empty/);
});

test("texts longer than the server allows are rejected", () => {
  assert.throws(() => validateListDocument(list(1, [entry("a.example", { name: "x".repeat(201) })])), /name/);
  assert.throws(() => validateListDocument(list(1, [entry("a.example", { summary: "x".repeat(501) })])), /summary/);
  validateListDocument(list(1, [entry("a.example", { summary: "x".repeat(500) })]));
});

const RU = {
  country: "RU", status: "lawful", note: "A Moscow court acquitted the operator.",
  sources: [{ title: "A ruling", url: "https://news.example/ruling" }], since: "2007-08-15",
};

test("a list whose entries have jurisdictions is accepted, and one without them too", () => {
  const doc = list(4, [entry("allofmp3.example", { jurisdictions: [RU, { ...RU, country: "EU" }] }), entry("b.example")]);
  assert.equal(validateListDocument(doc), doc);
});

test("a list with a bad jurisdiction item is rejected whole, naming the item", () => {
  const doc = list(4, [entry("allofmp3.example", { jurisdictions: [RU, { ...RU, status: "disputed" }] })]);
  assert.throws(() => validateListDocument(doc), (e) => e instanceof ListError
    && e.errors.some((m) => m.startsWith("entries[0] (allofmp3.example).jurisdictions[1].country: RU is listed twice")));
});

test("a delta may upsert an entry with jurisdictions, and a bad item refuses the delta", () => {
  const base = validateListDocument(list(1, [entry("a.example")]));
  const next = applyDelta(base, { format: 1, from: 1, version: 2, upserted: [entry("b.example", { jurisdictions: [RU] })], removed: [] });
  assert.deepEqual(next.entries[1].jurisdictions, [RU]);
  const bad = { format: 1, from: 1, version: 2, upserted: [entry("b.example", { jurisdictions: [{ ...RU, country: "ru" }] })], removed: [] };
  assert.throws(() => applyDelta(base, bad), ListError);
});

test("without today, a jurisdiction's since ahead of this browser's clock is accepted", () => {
  assert.deepEqual(entryErrors(entry("a.example", { jurisdictions: [{ ...RU, since: "2999-01-01" }] })), []);
  assert.equal(entryErrors(entry("a.example", { jurisdictions: [{ ...RU, since: "2999-01-01" }] }), "entry", { today: "2026-11-28" }).length, 1);
});
