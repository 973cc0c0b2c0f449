// The background's compact index (domain, status, name, subdomains per entry)
// matches exactly as the whole-entry index does, on the shared vectors and on
// every status and subdomain setting (the shared vectors run against both in
// matcher.test.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildCompactIndex, buildIndex } from "../../extension/lib/matcher.js";

test("it answers with the badge's fields, for every status and subdomain setting", () => {
  const entries = [];
  for (const status of ["disputed", "unlawful", "defunct"]) {
    for (const include_subdomains of [true, false]) {
      entries.push({ domain: `${status}-${include_subdomains}.example`, name: `Store «${status}» ${"x".repeat(20)}`, status, include_subdomains, summary: "not kept" });
    }
  }
  const compact = buildCompactIndex(entries);
  const whole = buildIndex(entries);
  assert.equal(compact.size, entries.length);
  for (const entry of entries) {
    for (const host of [entry.domain, `www.${entry.domain}`]) {
      const expected = whole.match(host);
      const got = compact.match(host);
      assert.equal(got?.domain ?? null, expected?.domain ?? null, host);
      if (expected) {
        assert.deepEqual(got, { domain: entry.domain, name: entry.name, status: entry.status, include_subdomains: entry.include_subdomains });
      }
    }
  }
  assert.equal(compact.match("unlisted.example"), null);
  assert.equal(buildCompactIndex(undefined).size, 0);
});
