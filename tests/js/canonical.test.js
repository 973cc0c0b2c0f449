// Canonical list bytes (extension/lib/canonical.js) against
// tests/vectors/canonical.json; tests/test_canonical.py runs the same table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CanonicalError, canonicalBytes, canonicalJson, compareCodePoints } from "../../extension/lib/canonical.js";

const VECTORS = JSON.parse(readFileSync(new URL("../vectors/canonical.json", import.meta.url), "utf8"));

for (const c of VECTORS.cases) {
  test(`canonical bytes: ${c.name}`, () => {
    assert.equal(canonicalJson(c.document), c.canonical);
    assert.deepEqual(canonicalBytes(c.document), new TextEncoder().encode(c.canonical));
    assert.equal(canonicalJson(JSON.parse(c.canonical)), c.canonical);
  });
}

for (const c of VECTORS.refused) {
  test(`no canonical form: ${c.name}`, () => {
    assert.throws(() => canonicalJson(c.document), CanonicalError);
  });
}

test("strings compare by code point, not UTF-16 unit", () => {
  assert.ok(compareCodePoints("\uff01", "\u{1F600}") < 0);
  assert.ok("\uff01" > "\u{1F600}"); // what `<` would say
  assert.equal(compareCodePoints("a", "a"), 0);
  assert.ok(compareCodePoints("a", "ab") < 0);
});
