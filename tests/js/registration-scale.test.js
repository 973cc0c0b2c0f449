// A list too large for registered match patterns: no registration, the
// banner comes from injection when a listed page commits (bench/scale.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { bannerScript, injectsOnCommit, PATTERN_LIMIT, patternCount } from "../../extension/background/registration.js";

function entries(count, includeSubdomains = true) {
  return Array.from({ length: count }, (_, i) => ({ domain: `s${i}.example`, include_subdomains: includeSubdomains }));
}

test("an entry with subdomains needs two patterns, an exact one one", () => {
  assert.equal(patternCount([{ domain: "a.example" }, { domain: "b.example", include_subdomains: false }]), 3);
  assert.equal(patternCount([]), 0);
  assert.equal(patternCount(undefined), 0);
});

test("up to the limit the banner is registered", () => {
  const list = entries(PATTERN_LIMIT / 2);
  assert.equal(injectsOnCommit(list), false);
  assert.equal(bannerScript(list).matches.length, PATTERN_LIMIT);
});

test("past the limit nothing is registered and the banner is injected on commit", () => {
  const list = entries(PATTERN_LIMIT / 2 + 1);
  assert.equal(injectsOnCommit(list), true);
  assert.equal(bannerScript(list), null);
  assert.equal(injectsOnCommit(entries(PATTERN_LIMIT + 1, false)), true);
  assert.equal(injectsOnCommit(entries(PATTERN_LIMIT, false)), false);
});
