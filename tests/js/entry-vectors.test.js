// The shared entry table (tests/vectors/entries.json), run against the
// extension's validator; tests/test_entry_vectors.py runs it on the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { entryErrors } from "../../extension/lib/entry.js";
import { LIMITS } from "../../extension/lib/contract.js";

const VECTORS = JSON.parse(readFileSync(new URL("../vectors/entries.json", import.meta.url), "utf8"));

/** "entry.sources[0].url: ..." -> "sources[0].url"; "entry: ..." -> "entry". */
function errorFields(errors) {
  return new Set(errors.map((e) => e.slice(0, e.indexOf(": ")).replace(/^entry\./, "")));
}

for (const c of VECTORS.cases) {
  test(`entry vector: ${c.name}`, () => {
    const errors = entryErrors(c.entry, "entry", { today: VECTORS.today });
    if (c.valid || c.difference) {
      // A documented difference: the server refuses, the extension accepts.
      assert.deepEqual(errors, []);
    } else {
      assert.deepEqual(errorFields(errors), new Set([c.field]), errors.join("\n"));
    }
  });
}

test("without today, a reviewed date ahead of this browser's clock is accepted", () => {
  const ahead = VECTORS.cases.find((c) => c.name === "reviewed two days ahead");
  assert.deepEqual(entryErrors(ahead.entry), []);
});

test("lengths count code points: 200 emoji are 400 UTF-16 units", () => {
  const name = VECTORS.cases.find((c) => c.name === `name of ${LIMITS.name} emoji (400 UTF-16 units)`).entry.name;
  assert.equal(name.length, 2 * LIMITS.name);
});
